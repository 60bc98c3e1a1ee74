/* Suites: what they contain, and that memory-bound cases reach well past
 * the last-level cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "harness/rl_suite.h"
#include "tests/rl_test.h"

static const uint32_t cpu_gemm = (1u << RL_PREC_FP32) | (1u << RL_PREC_FP64);
static const uint32_t cpu_other = 1u << RL_PREC_FP32;

static void quick_reaches_past_cache(void **state)
{
    (void)state;
    const uint64_t cache = 32ull << 20;
    rl_suite_request req = {.suite = "quick", .cache_bytes = cache, .threads = 2,
                            .default_gemm_precisions = cpu_gemm,
                            .default_other_precisions = cpu_other};
    rl_case_spec *cases;
    size_t n;
    assert_int_equal(rl_suite_build(&req, &cases, &n, NULL), RL_OK);
    int gemm_fp32 = 0, gemm_fp64 = 0;
    uint32_t ops = 0;
    for (size_t i = 0; i < n; i++) {
        const rl_case_spec *c = &cases[i];
        ops |= 1u << c->op;
        const double bytes = rl_op_bytes(c->op, c->precision, &c->shape);
        if (c->op == RL_OP_GEMM) {
            gemm_fp32 += c->precision == RL_PREC_FP32;
            gemm_fp64 += c->precision == RL_PREC_FP64;
        } else if (c->op == RL_OP_COPY || c->op == RL_OP_TRIAD) {
            assert_true(bytes >= 7.9 * (double)cache);
        } else if (c->op != RL_OP_FMA) {
            assert_true(bytes >= 4.0 * (double)cache);
        }
        assert_int_equal(rl_shape_validate(c->op, c->precision, &c->shape, NULL), RL_OK);
    }
    /* each unfused chain runs at its fused op's shape */
    for (size_t i = 0; i < n; i++) {
        if (!rl_op_is_unfused(cases[i].op))
            continue;
        bool paired = false;
        for (size_t j = 0; j < n; j++)
            paired |= cases[j].op == rl_op_fused_partner(cases[i].op) &&
                      cases[j].precision == cases[i].precision &&
                      cases[j].shape.rows == cases[i].shape.rows &&
                      cases[j].shape.cols == cases[i].shape.cols;
        assert_true(paired);
    }
    assert_true(gemm_fp32 >= 3);
    assert_true(gemm_fp64 >= 3);
    uint32_t measured = 0; /* every op a backend runs */
    for (int op = 0; op < RL_OP_COUNT; op++)
        if (!rl_op_predict_only((rl_op)op))
            measured |= 1u << op;
    assert_int_equal(ops, measured);
    free(cases);
}

static void filters_apply(void **state)
{
    (void)state;
    rl_suite_request req = {.suite = "full", .cache_bytes = 1 << 20,
                            .default_gemm_precisions = cpu_gemm,
                            .default_other_precisions = cpu_other};
    assert_int_equal(rl_parse_op_list("softmax,copy", &req.op_mask, NULL), RL_OK);
    assert_int_equal(rl_parse_precision_list("fp64", &req.precision_mask, NULL), RL_OK);
    rl_case_spec *cases;
    size_t n;
    assert_int_equal(rl_suite_build(&req, &cases, &n, NULL), RL_OK);
    assert_true(n >= 2);
    for (size_t i = 0; i < n; i++) {
        assert_true(cases[i].op == RL_OP_SOFTMAX || cases[i].op == RL_OP_COPY);
        assert_int_equal(cases[i].precision, RL_PREC_FP64);
    }
    free(cases);
    rl_err err;
    assert_int_equal(rl_parse_op_list("softmax,,matmul", &req.op_mask, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "matmul"));
    req.suite = "enormous";
    req.op_mask = 0;
    assert_int_equal(rl_suite_build(&req, &cases, &n, &err), RL_ERR_INVALID);
}

static void shapes_parse(void **state)
{
    (void)state;
    rl_shape s;
    rl_err err;
    assert_int_equal(rl_parse_shape("m=3,n=5,k=7", &s, &err), RL_OK);
    assert_int_equal(s.m, 3);
    assert_int_equal(s.k, 7);
    assert_int_equal(rl_parse_shape("rows=2,cols=4097", &s, &err), RL_OK);
    assert_int_equal(s.cols, 4097);
    assert_int_equal(rl_parse_shape("count=100,iters=8", &s, &err), RL_OK);
    assert_int_equal(rl_parse_shape("m=3,n=5", &s, &err), RL_ERR_INVALID);
    assert_int_equal(rl_parse_shape("m=3,n=5,k=7,rows=2", &s, &err), RL_ERR_INVALID);
    assert_int_equal(rl_parse_shape("rows=0,cols=4", &s, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "positive"));
    assert_int_equal(rl_parse_shape("rows=1e3,cols=4", &s, &err), RL_ERR_INVALID);
    assert_int_equal(rl_parse_shape("depth=3", &s, &err), RL_ERR_INVALID);
    /* a batched GEMM: batch products of m x n x k; batch goes with a GEMM only */
    assert_int_equal(rl_parse_shape("batch=64,m=4,n=512,k=128", &s, &err), RL_OK);
    assert_int_equal(s.batch, 64);
    assert_int_equal(s.m, 4);
    assert_int_equal(rl_parse_shape("batch=2,rows=4,cols=8", &s, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "batch"));
    assert_int_equal(rl_parse_shape("rows=99999999999999999999,cols=4", &s, &err),
                     RL_ERR_INVALID);
    /* queries: the causal mask's blocks; a square block is spelt one way */
    assert_int_equal(rl_parse_shape("rows=8,cols=4,queries=1", &s, &err), RL_OK);
    assert_int_equal(s.queries, 1);
    assert_int_equal(rl_parse_shape("rows=8,cols=4,queries=4", &s, &err), RL_OK);
    assert_int_equal(s.queries, 0);
    assert_int_equal(rl_parse_shape("m=8,n=4,k=2,queries=1", &s, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "queries"));
    assert_int_equal(rl_parse_shape("rows=8,cols=4,queries=0", &s, &err), RL_ERR_INVALID);

    /* one shape, every op of its kind at the default precisions */
    rl_shape rows = {.rows = 8, .cols = 16};
    rl_suite_request req = {.shape = &rows, .default_gemm_precisions = cpu_gemm,
                            .default_other_precisions = cpu_other};
    rl_case_spec *cases;
    size_t n;
    assert_int_equal(rl_suite_build(&req, &cases, &n, NULL), RL_OK);
    assert_int_equal(n, 9); /* the nine measured row ops at fp32 */
    free(cases);
    /* with queries, only scale_mask_softmax and its chain */
    rl_shape masked = {.rows = 8, .cols = 16, .queries = 2};
    req.shape = &masked;
    assert_int_equal(rl_suite_build(&req, &cases, &n, NULL), RL_OK);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(rl_op_fused_partner(cases[i].op), RL_OP_SCALE_MASK_SOFTMAX);
    free(cases);
    req.shape = &rows;
    req.op_mask = 1u << RL_OP_GEMM;
    assert_int_equal(rl_suite_build(&req, &cases, &n, &err), RL_ERR_INVALID);
}

/* Every --shape is used, in the order given; one that yields no case is refused. */
static void shapes_repeat_in_order(void **state)
{
    (void)state;
    const rl_shape shapes[] = {{.m = 64, .n = 32, .k = 16}, {.m = 8, .n = 8, .k = 8},
                               {.m = 128, .n = 16, .k = 32}};
    rl_suite_request req = {.shape = shapes, .shape_count = 3, .op_mask = 1u << RL_OP_GEMM,
                            .precision_mask = 1u << RL_PREC_FP32,
                            .default_gemm_precisions = cpu_gemm,
                            .default_other_precisions = cpu_other};
    rl_case_spec *cases;
    size_t n;
    rl_err err;
    assert_int_equal(rl_suite_build(&req, &cases, &n, &err), RL_OK);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(cases[i].op, RL_OP_GEMM);
        assert_int_equal(cases[i].shape.m, shapes[i].m);
        assert_int_equal(cases[i].shape.n, shapes[i].n);
        assert_int_equal(cases[i].shape.k, shapes[i].k);
    }
    free(cases);

    const rl_shape mixed[] = {{.m = 64, .n = 32, .k = 16}, {.rows = 8, .cols = 16}};
    req.shape = mixed;
    req.shape_count = 2;
    assert_int_equal(rl_suite_build(&req, &cases, &n, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "#2"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quick_reaches_past_cache),
        cmocka_unit_test(filters_apply),
        cmocka_unit_test(shapes_parse),
        cmocka_unit_test(shapes_repeat_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
