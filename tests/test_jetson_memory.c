/* Memory a Jetson's CPU and GPU share: plans use what is available now
 * (MemAvailable less the kernel's reserve), and say where it came from. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/rl_test.h"
#include "tests/rl_test_catalog.h"
#include <stdio.h>
#include <string.h>

#include "devices/rl_device.h"

static void available_now(void **state)
{
    const rl_catalog *cat = *state;
    rl_jetson_raw raw;
    rl_device_profile p;
    rl_err err;
    assert_int_equal(
        rl_jetson_read(ROOFLAB_TEST_DATA "/jetson-orin-nano-8gb-super-25w", &raw, &err), RL_OK);
    assert_int_equal(raw.mem_available_bytes, 5242880ull * 1024);
    assert_int_equal(raw.min_free_bytes, 67584ull * 1024);
    assert_int_equal(rl_profile_from_jetson(cat, &raw, &p, &err), RL_OK);
    const uint64_t available = (5242880ull - 67584ull) * 1024;
    assert_int_equal(p.available_bytes, available);
    assert_non_null(strstr(p.available_source, "MemAvailable"));
    assert_non_null(strstr(p.available_source, "min_free_kbytes"));
    /* plans: capacity - reserve = available - the 1 GiB runtime reserve */
    assert_int_equal(p.memory_bytes, 8000000000ull);
    assert_int_equal(p.memory_bytes - p.reserve_bytes, available - (1ull << 30));

    /* min_free_kbytes unreadable: nothing taken off, and said so */
    raw.min_free_bytes = 0;
    assert_int_equal(rl_profile_from_jetson(cat, &raw, &p, &err), RL_OK);
    assert_int_equal(p.available_bytes, 5242880ull * 1024);
    assert_non_null(strstr(p.available_source, "unreadable"));

    /* no MemAvailable: the catalog's OS share, as before */
    raw.mem_available_bytes = 0;
    assert_int_equal(rl_profile_from_jetson(cat, &raw, &p, &err), RL_OK);
    assert_int_equal(p.available_bytes, 0);
    assert_int_equal(p.reserve_bytes, (1ull << 30) + 2800000000ull);
    assert_non_null(strstr(p.available_source, "no MemAvailable"));

    /* more in use than the nameplate leaves: the reserve never wraps */
    raw.mem_available_bytes = 9000000000ull;
    assert_int_equal(rl_profile_from_jetson(cat, &raw, &p, &err), RL_OK);
    assert_int_equal(p.reserve_bytes, 1ull << 30);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(available_now),
    };
    return cmocka_run_group_tests(tests, catalog_setup, catalog_teardown);
}
