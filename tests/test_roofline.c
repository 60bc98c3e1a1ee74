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
    m.tensor_flop_per_s[RL_PREC_FP16] = 989.4e12;
    m.simt_flop_per_s[RL_PREC_FP32] = 66.9e12;
    m.simt_flop_per_s[RL_PREC_FP16] = 133.8e12;
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

/* Each op is judged against the unit that runs it, not the precision's
 * fastest (tensor) peak. */
static void roof_per_execution_unit(void **state)
{
    (void)state;
    rl_machine m = h100();
    rl_err err;
    rl_compute_roof r;
    /* the FMA probe at fp16: the half2 SIMT pipes, 133.8, not 989.4 */
    assert_int_equal(rl_machine_compute_roof(&m, RL_OP_FMA, RL_PREC_FP16, &r, &err), RL_OK);
    assert_int_equal(r.unit, RL_UNIT_SIMT);
    assert_string_equal(r.name, "fp16 simt");
    assert_near(r.flop_per_s, 133.8e12, 0.0);
    /* tf32 FMA: fp32 storage and fp32 SIMT arithmetic */
    assert_int_equal(rl_machine_compute_roof(&m, RL_OP_FMA, RL_PREC_TF32, &r, &err), RL_OK);
    assert_string_equal(r.name, "fp32 simt");
    /* GEMM at fp16: tensor cores */
    assert_int_equal(rl_machine_compute_roof(&m, RL_OP_GEMM, RL_PREC_FP16, &r, &err), RL_OK);
    assert_string_equal(r.name, "fp16 tensor");
    assert_near(r.flop_per_s, 989.4e12, 0.0);
    /* a row op at fp16 storage computes in fp32 */
    assert_int_equal(rl_machine_compute_roof(&m, RL_OP_LAYERNORM, RL_PREC_FP16, &r, &err), RL_OK);
    assert_string_equal(r.name, "fp32 simt");
    /* fp64 GEMM: DMMA where there is one, else the fp64 SIMT pipes */
    m.simt_flop_per_s[RL_PREC_FP64] = 33.5e12;
    assert_int_equal(rl_machine_compute_roof(&m, RL_OP_GEMM, RL_PREC_FP64, &r, &err), RL_OK);
    assert_string_equal(r.name, "fp64 simt");
    m.tensor_flop_per_s[RL_PREC_FP64] = 67e12;
    assert_int_equal(rl_machine_compute_roof(&m, RL_OP_GEMM, RL_PREC_FP64, &r, &err), RL_OK);
    assert_string_equal(r.name, "fp64 tensor");
    assert_int_equal(rl_machine_compute_roof(&m, RL_OP_FMA, RL_PREC_FP64, &r, &err), RL_OK);
    assert_near(r.flop_per_s, 33.5e12, 0.0);
    /* bf16 has no SIMT rate here: refused, naming the roof */
    assert_int_equal(rl_machine_compute_roof(&m, RL_OP_FMA, RL_PREC_BF16, &r, &err),
                     RL_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "bf16 simt"));

    /* a compute-bound fp16 FMA chain: time = FLOPs / 133.8e12, MFU 1 */
    rl_shape s = {.count = 1 << 20, .iters = 1000};
    rl_case_prediction p;
    assert_int_equal(rl_predict_case(&m, RL_OP_FMA, RL_PREC_FP16, &s, &p, &err), RL_OK);
    assert_int_equal(p.bound, RL_BOUND_COMPUTE);
    assert_string_equal(p.binding_roof, "fp16 simt");
    assert_near(p.predicted_time_s, 2.0 * (1 << 20) * 1000 / 133.8e12, 1e-15);
    assert_near(p.attainable_flop_per_s, 133.8e12, 1.0);
    assert_near(p.mfu, 1.0, 1e-12);
}

/* The special-function unit: a ceiling of its own for exp-heavy ops. */
static void special_function_ceiling(void **state)
{
    (void)state;
    rl_machine m = h100();
    m.mufu_op_per_s = 132 * 16 * 1980e6; /* 4.18e12 exp/s */
    rl_shape s = {.rows = 4096, .cols = 4096};
    assert_near(rl_op_transcendentals(RL_OP_SOFTMAX, &s), 4096.0 * 4096.0, 0.0);
    assert_near(rl_op_transcendentals(RL_OP_LAYERNORM, &s), 0.0, 0.0);
    /* softmax: 5 FLOP per exp, so the ceiling on a FLOP/s axis is 5 x the rate */
    assert_near(rl_mufu_ceiling_flop_per_s(&m, RL_OP_SOFTMAX), 5.0 * m.mufu_op_per_s, 1.0);
    assert_near(rl_mufu_ceiling_flop_per_s(&m, RL_OP_SCALE_MASK_SOFTMAX_UNFUSED),
                6.0 * m.mufu_op_per_s, 1.0);
    assert_near(rl_mufu_ceiling_flop_per_s(&m, RL_OP_GEMM), 0.0, 0.0);
    rl_case_prediction p;
    rl_err err;
    /* in HBM the memory roof binds (1.25 FLOP/B x 3.35 TB/s < 5 x 4.18e12) */
    assert_int_equal(rl_predict_case(&m, RL_OP_SOFTMAX, RL_PREC_FP16, &s, &p, &err), RL_OK);
    assert_int_equal(p.bound, RL_BOUND_MEMORY);
    assert_string_equal(p.binding_roof, "HBM3");
    /* with a fast enough memory the special-function unit binds, below the SIMT roof */
    m.mem[0].byte_per_s = 100e12;
    assert_int_equal(rl_predict_case(&m, RL_OP_SOFTMAX, RL_PREC_FP16, &s, &p, &err), RL_OK);
    assert_int_equal(p.bound, RL_BOUND_COMPUTE);
    assert_string_equal(p.binding_roof, "mufu");
    assert_near(p.predicted_time_s, 4096.0 * 4096.0 / m.mufu_op_per_s, 1e-15);
    assert_near(p.attainable_flop_per_s, 5.0 * m.mufu_op_per_s, 1.0);
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
    /* the chain moves 5 matrices and the keys seen, the fused op 1 and the
     * keys seen (4096 x 4097 / 2 in a square block) */
    const double seen = 4096.0 * 4097.0 / 2;
    assert_near(g.speedup, (5 * mat + seen) / (mat + seen), 1e-12);

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
        cmocka_unit_test(roof_per_execution_unit),
        cmocka_unit_test(special_function_ceiling),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
