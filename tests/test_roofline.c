/* Roofline math: ridge, attainable, binding roof, predicted time, MFU and
 * fusion gain, against hand-computed values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/rl_test.h"
#include <math.h>
#include <string.h>

#include "model/rl_ops.h"
#include "model/rl_roofline.h"

/* H100 SXM5 datasheet: 989.4 TFLOP/s dense fp16, 3350 GB/s HBM3. */
static rl_machine h100(void)
{
    rl_machine m = {0};
    m.peak_flop_per_s[RL_PREC_FP16] = 989.4e12;
    m.peak_flop_per_s[RL_PREC_FP32] = 66.9e12;
    m.mem_count = 2;
    strcpy(m.mem[0].name, "HBM3");
    m.mem[0].byte_per_s = 3350e9;
    strcpy(m.mem[1].name, "L2");
    m.mem[1].byte_per_s = 10e12; /* a made-up cache level */
    return m;
}

static void ridge_points(void **state)
{
    (void)state;
    /* Dense, not sparse: 989.4e12 / 3350e9 = 295.34, never 591. */
    assert_near(rl_ridge(989.4e12, 3350e9), 295.343, 0.001);
    assert_near(rl_ridge(0, 3350e9), 0.0, 0.0);
    assert_near(rl_ridge(1e12, 0), 0.0, 0.0);
    rl_machine m = h100();
    double r;
    rl_err err;
    assert_int_equal(rl_machine_ridge(&m, RL_PREC_FP16, 0, &r, &err), RL_OK);
    assert_near(r, 295.343, 0.001);
    assert_int_equal(rl_machine_ridge(&m, RL_PREC_FP16, 1, &r, &err), RL_OK);
    assert_near(r, 98.94, 1e-9);
    assert_int_equal(rl_machine_ridge(&m, RL_PREC_FP32, 0, &r, &err), RL_OK);
    assert_near(r, 66.9e12 / 3350e9, 1e-9);
    /* No fp8 peak: an error naming the precision. */
    assert_int_equal(rl_machine_ridge(&m, RL_PREC_FP8, 0, &r, &err), RL_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "fp8"));
    assert_int_equal(rl_machine_ridge(&m, RL_PREC_FP16, 2, &r, &err), RL_ERR_INVALID);
}

static void attainable_and_bound(void **state)
{
    (void)state;
    assert_near(rl_attainable(100.0, 10.0, 2.0), 20.0, 0.0);
    assert_near(rl_attainable(100.0, 10.0, 50.0), 100.0, 0.0);
    assert_near(rl_attainable(100.0, 10.0, 0.0), 0.0, 0.0);
    assert_int_equal(rl_binding_roof(100.0, 10.0, 9.99), RL_BOUND_MEMORY);
    assert_int_equal(rl_binding_roof(100.0, 10.0, 10.0), RL_BOUND_COMPUTE);
    assert_string_equal(rl_bound_name(RL_BOUND_MEMORY), "memory");
    assert_string_equal(rl_bound_name(RL_BOUND_COMPUTE), "compute");
    assert_near(rl_mfu(50.0, 200.0), 0.25, 0.0);
    assert_near(rl_mfu(50.0, 0.0), 0.0, 0.0);
}

static void gemm_512_memory_bound_on_h100(void **state)
{
    (void)state;
    rl_machine m = h100();
    rl_shape s = {.m = 512, .n = 512, .k = 512};
    rl_case_prediction p;
    rl_err err;
    assert_int_equal(rl_predict_case(&m, RL_OP_GEMM, RL_PREC_FP16, &s, &p, &err), RL_OK);
    assert_near(p.flops, 2.0 * 512 * 512 * 512, 0.0);
    assert_near(p.bytes, 3.0 * 512 * 512 * 2, 0.0);
    assert_near(p.intensity, 512.0 / 3.0, 1e-9); /* 170.67 FLOP/B */
    assert_int_equal(p.bound, RL_BOUND_MEMORY);
    assert_near(p.attainable_flop_per_s, 512.0 / 3.0 * 3350e9, 1.0);
    assert_near(p.predicted_time_s, p.bytes / 3350e9, 1e-15);
    assert_near(p.mfu, 512.0 / 3.0 * 3350e9 / 989.4e12, 1e-12);

    /* 8192^3 is compute-bound: time = FLOPs / peak, MFU = 1. */
    rl_shape big = {.m = 8192, .n = 8192, .k = 8192};
    assert_int_equal(rl_predict_case(&m, RL_OP_GEMM, RL_PREC_FP16, &big, &p, &err), RL_OK);
    assert_int_equal(p.bound, RL_BOUND_COMPUTE);
    assert_near(p.predicted_time_s, 2.0 * 8192.0 * 8192.0 * 8192.0 / 989.4e12, 1e-12);
    assert_near(p.mfu, 1.0, 0.0);
}

static void copy_has_no_flops(void **state)
{
    (void)state;
    rl_machine m = h100();
    rl_shape s = {.count = 1 << 20};
    rl_case_prediction p;
    rl_err err;
    assert_int_equal(rl_predict_case(&m, RL_OP_COPY, RL_PREC_FP32, &s, &p, &err), RL_OK);
    assert_near(p.flops, 0.0, 0.0);
    assert_int_equal(p.bound, RL_BOUND_MEMORY);
    assert_near(p.predicted_time_s, 8.0 * (1 << 20) / 3350e9, 1e-15);
}

static void bad_inputs(void **state)
{
    (void)state;
    rl_machine m = h100();
    rl_shape s = {.m = 0, .n = 1, .k = 1};
    rl_case_prediction p;
    rl_err err;
    assert_int_not_equal(rl_predict_case(&m, RL_OP_GEMM, RL_PREC_FP16, &s, &p, &err), RL_OK);
    rl_shape ok = {.m = 4, .n = 4, .k = 4};
    assert_int_equal(rl_predict_case(&m, RL_OP_GEMM, RL_PREC_INT8, &ok, &p, &err),
                     RL_ERR_UNSUPPORTED);
}

static void fusion_gain_is_the_byte_ratio(void **state)
{
    (void)state;
    rl_machine m = h100();
    rl_shape s = {.rows = 4096, .cols = 4096};
    rl_fusion_prediction f;
    rl_err err;
    /* Naming either op of the pair gives the same answer. */
    assert_int_equal(rl_predict_fusion(&m, RL_OP_RESIDUAL_LAYERNORM_UNFUSED, RL_PREC_FP16, &s, &f,
                                       &err), RL_OK);
    assert_int_equal(f.fused, RL_OP_RESIDUAL_LAYERNORM);
    assert_int_equal(f.unfused, RL_OP_RESIDUAL_LAYERNORM_UNFUSED);
    assert_near(f.fused_bytes, rl_op_bytes(RL_OP_RESIDUAL_LAYERNORM, RL_PREC_FP16, &s), 0.0);
    assert_near(f.unfused_bytes, rl_op_bytes(RL_OP_RESIDUAL_LAYERNORM_UNFUSED, RL_PREC_FP16, &s),
                0.0);
    const double mat = 4096.0 * 4096.0, row = 4096.0;
    assert_near(f.byte_ratio, (5 * mat + 2 * row) / (4 * mat + 2 * row), 1e-12);
    assert_true(f.memory_bound);
    assert_near(f.speedup, f.byte_ratio, 1e-12);

    rl_fusion_prediction g;
    assert_int_equal(rl_predict_fusion(&m, RL_OP_SCALE_MASK_SOFTMAX, RL_PREC_FP16, &s, &g, &err),
                     RL_OK);
    assert_int_equal(g.unfused, RL_OP_SCALE_MASK_SOFTMAX_UNFUSED);
    assert_near(g.speedup, 3.0, 1e-12); /* 6 passes over the matrix vs 2 */

    assert_false(rl_op_has_fusion_pair(RL_OP_GEMM));
    assert_true(rl_op_has_fusion_pair(RL_OP_BIAS_GELU));
    assert_int_equal(rl_predict_fusion(&m, RL_OP_GEMM, RL_PREC_FP16, &s, &g, &err),
                     RL_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ridge_points),
        cmocka_unit_test(attainable_and_bound),
        cmocka_unit_test(gemm_512_memory_bound_on_h100),
        cmocka_unit_test(copy_has_no_flops),
        cmocka_unit_test(bad_inputs),
        cmocka_unit_test(fusion_gain_is_the_byte_ratio),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
