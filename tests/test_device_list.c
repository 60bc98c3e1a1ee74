/* --device cuda:all and cuda:N,M,...: the text, then against the GPUs present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "harness/rl_device_list.h"

static void multi_is_all_or_a_list(void **state)
{
    (void)state;
    assert_true(rl_device_list_is_multi("cuda:all"));
    assert_true(rl_device_list_is_multi("cuda:0,2"));
    assert_true(rl_device_list_is_multi("cuda:0,"));
    assert_false(rl_device_list_is_multi("cuda:3"));
    assert_false(rl_device_list_is_multi("cpu"));
    assert_false(rl_device_list_is_multi("auto"));
}

static void lists_keep_their_order(void **state)
{
    (void)state;
    rl_device_list l;
    rl_err err;
    assert_int_equal(rl_device_list_parse("cuda:2,0,7", &l, &err), RL_OK);
    assert_false(l.all);
    assert_int_equal(l.count, 3);
    assert_int_equal(l.ordinals[0], 2);
    assert_int_equal(l.ordinals[1], 0);
    assert_int_equal(l.ordinals[2], 7);
    assert_int_equal(rl_device_list_resolve(&l, 8, NULL, &err), RL_OK);
    assert_int_equal(l.count, 3);
}

static void malformed_lists_are_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {"cuda:0,",  "cuda:,1",   "cuda:1,,2", "cuda:0,-1",
                                      "cuda:0,+1", "cuda:0, 1", "cuda:a,b",  "cuda:0,1x",
                                      "cpu,cpu",  "cuda:all,0", "cuda:0,1025", "cuda:0,99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rl_device_list l;
        rl_err err = {{0}};
        if (rl_device_list_parse(bad[i], &l, &err) != RL_ERR_INVALID)
            fail_msg("'%s' was accepted", bad[i]);
        assert_non_null(strstr(err.msg, "device list"));
    }
}

static void a_gpu_named_twice_is_refused(void **state)
{
    (void)state;
    rl_device_list l;
    rl_err err;
    assert_int_equal(rl_device_list_parse("cuda:1,0,1", &l, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "names cuda:1 twice"));
}

static void all_means_every_gpu_present(void **state)
{
    (void)state;
    rl_device_list l;
    rl_err err;
    assert_int_equal(rl_device_list_parse("cuda:all", &l, &err), RL_OK);
    assert_true(l.all);
    assert_int_equal(rl_device_list_resolve(&l, 4, NULL, &err), RL_OK);
    assert_int_equal(l.count, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(l.ordinals[i], i);
}

static void no_gpu_says_why(void **state)
{
    (void)state;
    rl_device_list l;
    rl_err err;
    assert_int_equal(rl_device_list_parse("cuda:all", &l, &err), RL_OK);
    assert_int_equal(rl_device_list_resolve(&l, 0, "no driver", &err), RL_ERR_DEVICE);
    assert_string_equal(err.msg, "no CUDA GPU for cuda:all: no driver");
}

static void a_gpu_past_the_last_is_refused(void **state)
{
    (void)state;
    rl_device_list l;
    rl_err err;
    assert_int_equal(rl_device_list_parse("cuda:0,7", &l, &err), RL_OK);
    assert_int_equal(rl_device_list_resolve(&l, 4, NULL, &err), RL_ERR_DEVICE);
    assert_string_equal(err.msg, "cuda:7 requested, but this machine has 4 GPUs (cuda:0 to cuda:3)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(multi_is_all_or_a_list),
        cmocka_unit_test(lists_keep_their_order),
        cmocka_unit_test(malformed_lists_are_refused),
        cmocka_unit_test(a_gpu_named_twice_is_refused),
        cmocka_unit_test(all_means_every_gpu_present),
        cmocka_unit_test(no_gpu_says_why),
        cmocka_unit_test(a_gpu_past_the_last_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
