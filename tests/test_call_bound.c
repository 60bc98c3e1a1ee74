/* The cap on one call's work: every suite's cases fit under it on the
 * slowest devices assumed (the full suite from two threads: on one slow
 * thread its largest fp64 GEMM is skipped), and a shape that cannot is
 * refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tests/rl_test.h"
#include "harness/rl_call_bound.h"
#include "harness/rl_suite.h"

static void suites_fit_under_the_limit(void **state)
{
    (void)state;
    static const char *const suites[] = {"tiny", "quick", "full"};
    static const int threads[] = {1, 2, 64, 512};
    static const int full_from_threads = 2;
    static const uint64_t caches[] = {32ull << 20, 1152ull << 20}; /* up to a 3D V-Cache L3 */
    const uint32_t all = (1u << RL_PREC_COUNT) - 1;
    for (size_t s = 0; s < 3; s++)
        for (size_t t = 0; t < 4; t++)
            for (size_t c = 0; c < 2; c++)
                for (int gpu = 0; gpu <= 1; gpu++) {
                    rl_suite_request req = {.suite = suites[s],
                                            .cache_bytes = caches[c],
                                            .threads = threads[t],
                                            .default_gemm_precisions = all,
                                            .default_other_precisions = all};
                    rl_case_spec *cases;
                    size_t n;
                    assert_int_equal(rl_suite_build(&req, &cases, &n, NULL), RL_OK);
                    for (size_t i = 0; i < n; i++) {
                        rl_err err;
                        if (s == 2 && threads[t] < full_from_threads)
                            continue;
                        if (rl_call_bound_check(&cases[i], gpu, threads[t], NULL, &err) != RL_OK)
                            fail_msg("%s suite, %d threads, %s: %s", suites[s], threads[t],
                                     gpu ? "GPU" : "CPU", err.msg);
                    }
                    free(cases);
                }
}

static void long_calls_are_refused(void **state)
{
    (void)state;
    rl_err err;
    const rl_case_spec fma = {.op = RL_OP_FMA,
                              .precision = RL_PREC_FP32,
                              .shape = {.count = 4, .iters = INT64_MAX}};
    assert_int_equal(rl_call_bound_check(&fma, false, 2, NULL, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "one call"));
    assert_int_equal(rl_call_bound_check(&fma, true, 1, NULL, &err), RL_ERR_INVALID);
    /* 8192^3 fp64: 1.1e12 FLOP, 44 s at two slow threads' 25 GFLOP/s */
    const rl_case_spec big = {.op = RL_OP_GEMM,
                              .precision = RL_PREC_FP64,
                              .shape = {.m = 8192, .n = 8192, .k = 8192}};
    assert_int_equal(rl_call_bound_check(&big, false, 2, NULL, &err), RL_ERR_INVALID);
    assert_int_equal(rl_call_bound_check(&big, true, 1, NULL, &err), RL_OK);
    const rl_case_spec ok = {.op = RL_OP_GEMM,
                             .precision = RL_PREC_FP64,
                             .shape = {.m = 1024, .n = 1024, .k = 1024}};
    assert_int_equal(rl_call_bound_check(&ok, false, 1, NULL, &err), RL_OK);
    /* 16 GB of copy traffic: 3.2 s at 5 GB/s; 64 GB is refused */
    rl_case_spec copy = {.op = RL_OP_COPY,
                         .precision = RL_PREC_FP32,
                         .shape = {.count = 2000000000}};
    assert_int_equal(rl_call_bound_check(&copy, false, 2, NULL, &err), RL_OK);
    copy.shape.count = 8000000000;
    assert_int_equal(rl_call_bound_check(&copy, false, 2, NULL, &err), RL_ERR_INVALID);
}

/* A GPU whose roofs are known: its roofline time, 100 times over, relaxes
 * the slow-GPU bound; never tightens it; a machine without a memory
 * bandwidth (a CPU's profile) leaves the slow bound alone. */
static void own_roofs_relax_the_bound(void **state)
{
    (void)state;
    rl_machine h100 = {0};
    h100.tensor_flop_per_s[RL_PREC_FP16] = h100.peak_flop_per_s[RL_PREC_FP16] = 989.4e12;
    h100.simt_flop_per_s[RL_PREC_FP32] = h100.peak_flop_per_s[RL_PREC_FP32] = 66.9e12;
    h100.mem_count = 1;
    strcpy(h100.mem[0].name, "HBM3");
    h100.mem[0].byte_per_s = 3350e9;
    rl_err err;
    bool own;
    /* 16384^3 fp16: 8.8e12 FLOP, 22 s at a slow GPU's 0.4 TFLOP/s; 8.9 ms on
     * the H100's roof, 0.89 s at 1 % of it */
    const rl_case_spec big = {.op = RL_OP_GEMM,
                              .precision = RL_PREC_FP16,
                              .shape = {.m = 16384, .n = 16384, .k = 16384}};
    assert_int_equal(rl_call_bound_check(&big, true, 1, NULL, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "on a slow GPU"));
    assert_int_equal(rl_call_bound_check(&big, true, 1, &h100, &err), RL_OK);
    const double s = rl_call_worst_seconds(&big, true, 1, &h100, &own);
    assert_true(own);
    assert_true(s > 0.8 && s < 1.0);
    /* far beyond even the H100: refused, saying against what */
    const rl_case_spec huge = {.op = RL_OP_GEMM,
                               .precision = RL_PREC_FP16,
                               .shape = {.m = 65536, .n = 65536, .k = 65536}};
    assert_int_equal(rl_call_bound_check(&huge, true, 1, &h100, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "at 1/100 of this device's roofline rate"));
    /* a tiny case: the slow bound is already the smaller, and stays */
    const rl_case_spec tiny = {.op = RL_OP_COPY, .precision = RL_PREC_FP32,
                               .shape = {.count = 1000}};
    const double slow = rl_call_worst_seconds(&tiny, true, 1, NULL, NULL);
    assert_true(rl_call_worst_seconds(&tiny, true, 1, &h100, &own) <= slow);
    /* no bandwidth (a CPU's profile), or no roof for the precision: the slow bound */
    rl_machine cpu = h100;
    cpu.mem_count = 0;
    assert_near(rl_call_worst_seconds(&big, true, 1, &cpu, &own),
                rl_call_worst_seconds(&big, true, 1, NULL, NULL), 0.0);
    assert_false(own);
    const rl_case_spec fp64 = {.op = RL_OP_GEMM,
                               .precision = RL_PREC_FP64,
                               .shape = {.m = 8192, .n = 8192, .k = 8192}};
    assert_near(rl_call_worst_seconds(&fp64, true, 1, &h100, &own),
                rl_call_worst_seconds(&fp64, true, 1, NULL, NULL), 0.0);
    assert_false(own);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(suites_fit_under_the_limit),
        cmocka_unit_test(long_calls_are_refused),
        cmocka_unit_test(own_roofs_relax_the_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
