/* The Google Benchmark shim (harness/gbench_shim.cc): a case's samples reach
 * its callback, and an error — a failing sample or a case marked skipped —
 * comes back to the caller with its message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "harness/rl_gbench.h"

typedef struct {
    int calls, fail_at;
} sample_counter;

static rl_status count_sample(void *ctx, double *seconds, rl_err *err)
{
    sample_counter *sc = ctx;
    sc->calls++;
    if (sc->fail_at > 0 && sc->calls == sc->fail_at)
        return rl_fail(err, RL_ERR_DEVICE, "sample %d failed on purpose", sc->calls);
    *seconds = 1e-6;
    return RL_OK;
}

static rl_gb_case make_case(sample_counter *sc)
{
    rl_gb_case c = {.name = "shim/test",
                    .sample = count_sample,
                    .ctx = sc,
                    .flops = 1e6,
                    .bytes = 1e6,
                    .iterations = 5,
                    .repetitions = 2};
    return c;
}

static void samples_reach_the_callback(void **state)
{
    (void)state;
    sample_counter sc = {0, 0};
    const rl_gb_case c = make_case(&sc);
    rl_err err = {{0}};
    assert_int_equal(rl_gb_run_case(&c, &err), RL_OK);
    assert_int_equal(sc.calls, 10); /* 5 iterations x 2 repetitions */
}

static void a_failing_sample_is_reported(void **state)
{
    (void)state;
    sample_counter sc = {0, 3};
    const rl_gb_case c = make_case(&sc);
    rl_err err = {{0}};
    assert_int_equal(rl_gb_run_case(&c, &err), RL_ERR_DEVICE);
    assert_non_null(strstr(err.msg, "sample 3 failed on purpose"));
}

static void a_skipped_case_is_reported_untimed(void **state)
{
    (void)state;
    sample_counter sc = {0, 0};
    rl_gb_case c = make_case(&sc);
    c.skip_reason = "validation failed";
    rl_err err = {{0}};
    assert_int_equal(rl_gb_run_case(&c, &err), RL_ERR_DEVICE);
    assert_non_null(strstr(err.msg, "validation failed"));
    assert_int_equal(sc.calls, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(samples_reach_the_callback),
        cmocka_unit_test(a_failing_sample_is_reported),
        cmocka_unit_test(a_skipped_case_is_reported_untimed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
