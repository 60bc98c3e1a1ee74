/* Op accounting against hand-computed values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/rl_test.h"
#include <math.h>
#include <string.h>

#include "model/rl_ops.h"

static void gemm_counts(void **state)
{
    (void)state;
    rl_shape s = {.m = 2, .n = 3, .k = 4};
    assert_near(rl_op_flops(RL_OP_GEMM, &s), 48.0, 0.0);
    /* (2*4 + 4*3) inputs + 2*3 output, 4 bytes each */
    assert_near(rl_op_bytes(RL_OP_GEMM, RL_PREC_FP32, &s), 104.0, 0.0);
    assert_near(rl_op_bytes(RL_OP_GEMM, RL_PREC_FP64, &s), 208.0, 0.0);
    /* int8 inputs, int32 output: 20 + 24 */
    assert_near(rl_op_bytes(RL_OP_GEMM, RL_PREC_INT8, &s), 44.0, 0.0);
    /* fp8 inputs, bf16 output: 20 + 12 */
    assert_near(rl_op_bytes(RL_OP_GEMM, RL_PREC_FP8, &s), 32.0, 0.0);
    /* 512^3 fp16: 2*512^3 / (3*512^2*2) = 512/3 FLOP/B */
    rl_shape cube = {.m = 512, .n = 512, .k = 512};
    assert_near(rl_op_intensity(RL_OP_GEMM, RL_PREC_FP16, &cube), 512.0 / 3.0, 1e-9);
    assert_int_equal(rl_op_reduction_length(RL_OP_GEMM, &s), 4);
}

static void row_op_counts(void **state)
{
    (void)state;
    rl_shape s = {.rows = 2, .cols = 4};
    assert_near(rl_op_flops(RL_OP_LAYERNORM, &s), 64.0, 0.0);
    assert_near(rl_op_bytes(RL_OP_LAYERNORM, RL_PREC_FP32, &s), 96.0, 0.0);
    assert_near(rl_op_bytes(RL_OP_SOFTMAX, RL_PREC_FP16, &s), 32.0, 0.0);
    assert_near(rl_op_flops(RL_OP_SOFTMAX, &s), 40.0, 0.0);
    /* residual + layernorm: read x, r, gamma, beta; write h, y */
    assert_near(rl_op_bytes(RL_OP_RESIDUAL_LAYERNORM, RL_PREC_FP32, &s), 160.0, 0.0);
    assert_near(rl_op_bytes(RL_OP_RESIDUAL_LAYERNORM_UNFUSED, RL_PREC_FP32, &s), 192.0,
                        0.0);
    assert_near(rl_op_flops(RL_OP_RESIDUAL_LAYERNORM, &s), 72.0, 0.0);
    /* scale + mask + softmax: rows 0 and 1 of a square causal block see 1
     * and 2 keys: 3 of x read, all 8 of y written; the chain also writes
     * and re-reads scaled (8) and masked (8), its mask reading the 3 seen;
     * 6 FLOPs and one exp per key seen */
    assert_near(rl_op_bytes(RL_OP_SCALE_MASK_SOFTMAX, RL_PREC_FP32, &s), 44.0, 0.0);
    assert_near(rl_op_bytes(RL_OP_SCALE_MASK_SOFTMAX_UNFUSED, RL_PREC_FP32, &s), 172.0,
                        0.0);
    assert_near(rl_op_flops(RL_OP_SCALE_MASK_SOFTMAX, &s), 18.0, 0.0);
    assert_near(rl_op_flops(RL_OP_SCALE_MASK_SOFTMAX_UNFUSED, &s), 18.0, 0.0);
    assert_near(rl_op_transcendentals(RL_OP_SCALE_MASK_SOFTMAX, &s), 3.0, 0.0);
    /* bias + GELU: read x and bias, write y; unfused adds the biased matrix */
    assert_near(rl_op_bytes(RL_OP_BIAS_GELU, RL_PREC_FP32, &s), 80.0, 0.0);
    assert_near(rl_op_bytes(RL_OP_BIAS_GELU_UNFUSED, RL_PREC_FP32, &s), 144.0, 0.0);
    assert_near(rl_op_flops(RL_OP_BIAS_GELU, &s), 80.0, 0.0);
    /* fused and unfused do the same arithmetic */
    assert_near(rl_op_flops(RL_OP_BIAS_GELU_UNFUSED, &s), 80.0, 0.0);
    assert_int_equal(rl_op_fused_partner(RL_OP_BIAS_GELU_UNFUSED), RL_OP_BIAS_GELU);
    assert_true(rl_op_is_unfused(RL_OP_SCALE_MASK_SOFTMAX_UNFUSED));
    assert_false(rl_op_is_unfused(RL_OP_SOFTMAX));
}

/* The causal mask's keys, by hand, for each kind of block. */
static void mask_counts(void **state)
{
    (void)state;
    /* square blocks of 4: 1+2+3+4 twice, then 1+2 */
    rl_shape sq = {.rows = 10, .cols = 4};
    assert_near(rl_mask_visible_total(&sq), 23.0, 0.0);
    assert_int_equal(rl_mask_visible(&sq, 5), 2);
    sq.queries = 4; /* the same block, spelt out */
    assert_near(rl_mask_visible_total(&sq), 23.0, 0.0);
    /* decode: one query per block sees every key */
    rl_shape decode = {.rows = 3, .cols = 5, .queries = 1};
    assert_near(rl_mask_visible_total(&decode), 15.0, 0.0);
    assert_near(rl_op_bytes(RL_OP_SCALE_MASK_SOFTMAX, RL_PREC_FP16, &decode), 60.0, 0.0);
    assert_near(rl_op_flops(RL_OP_SCALE_MASK_SOFTMAX, &decode), 90.0, 0.0);
    /* 2 new queries after 3 cached keys: 4, 5, 4, 5, 4 */
    rl_shape chunk = {.rows = 5, .cols = 5, .queries = 2};
    assert_near(rl_mask_visible_total(&chunk), 22.0, 0.0);
    assert_int_equal(rl_mask_visible(&chunk, 4), 4);
    /* a window of 4 keys over 6 positions: 1, 2, 3, 4, 4, 4, then 1 */
    rl_shape window = {.rows = 7, .cols = 4, .queries = 6};
    assert_near(rl_mask_visible_total(&window), 19.0, 0.0);
    assert_int_equal(rl_mask_visible(&window, 5), 4);
    assert_int_equal(rl_mask_visible(&window, 6), 1);
    /* the closed form against the rows, one by one */
    for (int64_t rows = 1; rows <= 23; rows += 3)
        for (int64_t cols = 1; cols <= 9; cols += 2)
            for (int64_t q = 0; q <= 12; q += 1) {
                rl_shape s = {.rows = rows, .cols = cols, .queries = q};
                double sum = 0;
                for (int64_t r = 0; r < rows; r++) {
                    const int64_t v = rl_mask_visible(&s, r);
                    assert_true(v >= 1 && v <= cols);
                    sum += (double)v;
                }
                assert_near(rl_mask_visible_total(&s), sum, 0.0);
            }
    /* queries belongs to scale_mask_softmax alone, and is positive */
    rl_err err;
    rl_shape bad = {.rows = 4, .cols = 4, .queries = 2};
    assert_int_equal(rl_shape_validate(RL_OP_SCALE_MASK_SOFTMAX_UNFUSED, RL_PREC_FP32, &bad, &err),
                     RL_OK);
    assert_int_equal(rl_shape_validate(RL_OP_SOFTMAX, RL_PREC_FP32, &bad, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "queries"));
    bad.queries = -1;
    assert_int_equal(rl_shape_validate(RL_OP_SCALE_MASK_SOFTMAX, RL_PREC_FP32, &bad, &err),
                     RL_ERR_INVALID);
    char name[64];
    rl_shape_format(RL_OP_SCALE_MASK_SOFTMAX, &chunk, name, sizeof name);
    assert_string_equal(name, "rows=5,cols=5,queries=2");
    rl_shape_format(RL_OP_SCALE_MASK_SOFTMAX, &sq, name, sizeof name);
    assert_string_equal(name, "rows=10,cols=4");
}

static void probe_counts(void **state)
{
    (void)state;
    rl_shape s = {.count = 10, .iters = 100};
    assert_near(rl_op_bytes(RL_OP_COPY, RL_PREC_FP64, &s), 160.0 * 100, 0.0);
    assert_near(rl_op_flops(RL_OP_COPY, &s), 0.0, 0.0);
    assert_near(rl_op_flops(RL_OP_TRIAD, &s), 2000.0, 0.0);
    assert_near(rl_op_flops(RL_OP_FMA, &s), 2000.0, 0.0);
    assert_near(rl_op_intensity(RL_OP_COPY, RL_PREC_FP32, &s), 0.0, 0.0);
    /* copy and triad with iters make that many passes */
    assert_near(rl_op_bytes(RL_OP_TRIAD, RL_PREC_FP32, &s), 120.0 * 100, 0.0);
    rl_shape one_pass = {.count = 10};
    assert_near(rl_op_bytes(RL_OP_TRIAD, RL_PREC_FP32, &one_pass), 120.0, 0.0);
    assert_near(rl_op_bytes(RL_OP_COPY, RL_PREC_FP64, &one_pass), 160.0, 0.0);
}

static void llm_op_counts(void **state)
{
    (void)state;
    /* a batched GEMM is batch independent products, each with its own A, B, C */
    rl_shape one = {.m = 2, .n = 3, .k = 4}, three = {.m = 2, .n = 3, .k = 4, .batch = 3};
    assert_near(rl_op_flops(RL_OP_GEMM, &three), 144.0, 0.0);
    assert_near(rl_op_bytes(RL_OP_GEMM, RL_PREC_FP16, &three), 3 * 52.0, 0.0);
    assert_near(rl_op_intensity(RL_OP_GEMM, RL_PREC_FP16, &three),
                rl_op_intensity(RL_OP_GEMM, RL_PREC_FP16, &one), 1e-12);
    rl_shape b1 = one;
    b1.batch = 1; /* batch 0 and 1 are one product */
    assert_near(rl_op_flops(RL_OP_GEMM, &b1), rl_op_flops(RL_OP_GEMM, &one), 0.0);
    char name[64];
    rl_shape_format(RL_OP_GEMM, &three, name, sizeof name);
    assert_string_equal(name, "batch=3,m=2,n=3,k=4");
    rl_shape_format(RL_OP_GEMM, &b1, name, sizeof name);
    assert_string_equal(name, "m=2,n=3,k=4");
    rl_op_signature sig;
    assert_int_equal(rl_op_signature_of(RL_OP_GEMM, RL_PREC_FP32, &three, &sig, NULL), RL_OK);
    assert_int_equal(sig.tensors[0].elems, 24);
    assert_int_equal(sig.tensors[2].elems, 18);
    rl_err err;
    rl_shape neg = one;
    neg.batch = -2;
    assert_int_equal(rl_shape_validate(RL_OP_GEMM, RL_PREC_FP32, &neg, &err), RL_ERR_INVALID);
    rl_shape rows_batched = {.rows = 2, .cols = 2, .batch = 2};
    assert_int_equal(rl_shape_validate(RL_OP_SOFTMAX, RL_PREC_FP32, &rows_batched, &err),
                     RL_ERR_INVALID);
    rl_shape huge = {.m = 1 << 20, .n = 1 << 20, .k = 1 << 20, .batch = (int64_t)1 << 30};
    assert_int_equal(rl_shape_validate(RL_OP_GEMM, RL_PREC_FP32, &huge, &err), RL_ERR_INVALID);
    /* silu(gate) * up: exp, add, divide, multiply = 4 per element; gate and
     * up read, y written; one exp each */
    rl_shape r = {.rows = 3, .cols = 5};
    assert_near(rl_op_flops(RL_OP_SILU_GATE, &r), 60.0, 0.0);
    assert_near(rl_op_bytes(RL_OP_SILU_GATE, RL_PREC_FP16, &r), 90.0, 0.0);
    assert_near(rl_op_transcendentals(RL_OP_SILU_GATE, &r), 15.0, 0.0);
    assert_int_equal(rl_op_reduction_length(RL_OP_SILU_GATE, &r), 1);
    /* gelu(gate) * up: GELU 9 + 1 */
    assert_near(rl_op_flops(RL_OP_GELU_GATE, &r), 150.0, 0.0);
    assert_near(rl_op_bytes(RL_OP_GELU_GATE, RL_PREC_BF16, &r), 90.0, 0.0);
    assert_near(rl_op_flops(RL_OP_RESIDUAL_ADD, &r), 15.0, 0.0);
    assert_near(rl_op_bytes(RL_OP_RESIDUAL_ADD, RL_PREC_FP32, &r), 180.0, 0.0);
    assert_true(rl_op_predict_only(RL_OP_GELU_GATE));
    assert_true(rl_op_predict_only(RL_OP_RESIDUAL_ADD));
    assert_false(rl_op_predict_only(RL_OP_SILU_GATE));
    assert_true(rl_op_is_rowwise(RL_OP_SILU_GATE));
    rl_op_exec x = rl_op_execution(RL_OP_SILU_GATE, RL_PREC_BF16);
    assert_int_equal(x.unit, RL_UNIT_SIMT);
    assert_int_equal(x.arith, RL_PREC_FP32);
}

static void signature_matches_bytes(void **state)
{
    (void)state;
    /* For fused ops the minimum traffic is exactly the signature's inputs
     * and outputs: the two places must agree. (scale_mask_softmax reads only
     * the x its mask lets through: below.) */
    const rl_op fused[] = {RL_OP_GEMM, RL_OP_LAYERNORM, RL_OP_SOFTMAX, RL_OP_RESIDUAL_LAYERNORM,
                           RL_OP_BIAS_GELU, RL_OP_COPY, RL_OP_TRIAD,
                           RL_OP_SILU_GATE, RL_OP_GELU_GATE, RL_OP_RESIDUAL_ADD};
    rl_shape s = {.m = 7, .n = 5, .k = 3, .rows = 6, .cols = 9, .count = 11};
    for (size_t i = 0; i < sizeof fused / sizeof fused[0]; i++) {
        rl_op_signature sig;
        assert_int_equal(rl_op_signature_of(fused[i], RL_PREC_FP32, &s, &sig, NULL), RL_OK);
        double bytes = 0;
        for (int t = 0; t < sig.count; t++) {
            assert_int_not_equal(sig.tensors[t].role, RL_TENSOR_SCRATCH);
            bytes += (double)sig.tensors[t].elems * rl_dtype_size(sig.tensors[t].dtype);
        }
        assert_near(bytes, rl_op_bytes(fused[i], RL_PREC_FP32, &s), 0.0);
    }
    rl_op_signature sig;
    assert_int_equal(rl_op_signature_of(RL_OP_SCALE_MASK_SOFTMAX, RL_PREC_FP32, &s, &sig, NULL),
                     RL_OK);
    const double masked = (double)(s.rows * s.cols) - rl_mask_visible_total(&s);
    assert_near((double)(sig.tensors[0].elems + sig.tensors[1].elems - masked) * 4,
                rl_op_bytes(RL_OP_SCALE_MASK_SOFTMAX, RL_PREC_FP32, &s), 0.0);
}

static void names_round_trip(void **state)
{
    (void)state;
    for (int i = 0; i < RL_OP_COUNT; i++) {
        rl_op op;
        assert_int_equal(rl_op_parse(rl_op_name((rl_op)i), &op, NULL), RL_OK);
        assert_int_equal(op, i);
    }
    for (int i = 0; i < RL_PREC_COUNT; i++) {
        rl_precision p;
        assert_int_equal(rl_precision_parse(rl_precision_name((rl_precision)i), &p, NULL), RL_OK);
        assert_int_equal(p, i);
    }
    rl_op op;
    rl_err err;
    assert_int_equal(rl_op_parse("matmul", &op, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "matmul"));
    rl_precision p;
    assert_int_equal(rl_precision_parse("fp12", &p, &err), RL_ERR_INVALID);
    /* Students type FP16 and GEMM; names are matched ignoring case. */
    assert_int_equal(rl_precision_parse("FP16", &p, &err), RL_OK);
    assert_int_equal(p, RL_PREC_FP16);
    assert_int_equal(rl_precision_parse("Bf16", &p, &err), RL_OK);
    assert_int_equal(p, RL_PREC_BF16);
    assert_int_equal(rl_op_parse("GEMM", &op, &err), RL_OK);
    assert_int_equal(op, RL_OP_GEMM);
}

static void bad_shapes(void **state)
{
    (void)state;
    rl_err err;
    rl_shape zero = {.m = 0, .n = 4, .k = 4};
    assert_int_equal(rl_shape_validate(RL_OP_GEMM, RL_PREC_FP32, &zero, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "m must be"));
    rl_shape negative = {.rows = -3, .cols = 4};
    assert_int_equal(rl_shape_validate(RL_OP_SOFTMAX, RL_PREC_FP32, &negative, &err),
                     RL_ERR_INVALID);
    /* 2^40 x 2^40 elements overflows 64 bits */
    rl_shape huge = {.m = 1ll << 40, .n = 4, .k = 1ll << 40};
    assert_int_equal(rl_shape_validate(RL_OP_GEMM, RL_PREC_FP32, &huge, &err), RL_ERR_INVALID);
    /* 2^31 x 2^31 fits in int64 elements but not in bytes of size_t */
    rl_shape big = {.rows = 1ll << 31, .cols = 1ll << 31};
    assert_int_equal(rl_shape_validate(RL_OP_LAYERNORM, RL_PREC_FP64, &big, &err),
                     RL_ERR_INVALID);
    rl_shape ok = {.rows = 3, .cols = 5};
    assert_int_equal(rl_shape_validate(RL_OP_LAYERNORM, RL_PREC_FP32, &ok, &err), RL_OK);
    rl_shape fma_no_iters = {.count = 5};
    assert_int_equal(rl_shape_validate(RL_OP_FMA, RL_PREC_FP32, &fma_no_iters, &err),
                     RL_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gemm_counts),      cmocka_unit_test(row_op_counts),
        cmocka_unit_test(llm_op_counts),
        cmocka_unit_test(mask_counts),      cmocka_unit_test(probe_counts),     cmocka_unit_test(signature_matches_bytes),
        cmocka_unit_test(names_round_trip), cmocka_unit_test(bad_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
