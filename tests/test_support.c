/* The backends' support tables (kernels/rl_support.h): what the CPU and
 * CUDA backends run, read by their `supports` and by `rooflab predict`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/rl_test.h"
#include <string.h>

#include "kernels/rl_support.h"

static void cuda_table(void **state)
{
    (void)state;
    rl_err err = {{0}};
    /* GEMM at every precision; fp8 only from sm_89 */
    for (int p = 0; p < RL_PREC_COUNT; p++)
        assert_true(rl_cuda_runs(RL_OP_GEMM, (rl_precision)p, 9, 0, &err));
    assert_false(rl_cuda_runs(RL_OP_GEMM, RL_PREC_FP8, 8, 0, &err));
    assert_non_null(strstr(err.msg, "sm_89"));
    assert_true(rl_cuda_runs(RL_OP_GEMM, RL_PREC_FP8, 8, 9, &err));
    /* row ops over 16/32-bit storage only, and the message names them */
    assert_false(rl_cuda_runs(RL_OP_LAYERNORM, RL_PREC_INT8, 9, 0, &err));
    assert_non_null(strstr(err.msg, "fp32, fp16 and bf16"));
    assert_false(rl_cuda_runs(RL_OP_SOFTMAX, RL_PREC_FP64, 9, 0, &err));
    assert_true(rl_cuda_runs(RL_OP_SOFTMAX, RL_PREC_BF16, 9, 0, &err));
    /* stream ops and the FMA probe: fp64, fp32, fp16, bf16 */
    assert_false(rl_cuda_runs(RL_OP_TRIAD, RL_PREC_FP8, 9, 0, &err));
    assert_non_null(strstr(err.msg, "fp64, fp32, fp16 and bf16"));
    assert_true(rl_cuda_runs(RL_OP_FMA, RL_PREC_FP64, 9, 0, &err));
    assert_false(rl_cuda_runs(RL_OP_FMA, RL_PREC_TF32, 9, 0, &err));
    /* the gated MLP's activation like the row ops; predict-only ops nowhere */
    assert_true(rl_cuda_runs(RL_OP_SILU_GATE, RL_PREC_BF16, 8, 7, &err));
    assert_false(rl_cuda_runs(RL_OP_SILU_GATE, RL_PREC_FP64, 9, 0, &err));
    assert_false(rl_cuda_runs(RL_OP_GELU_GATE, RL_PREC_FP16, 9, 0, &err));
    assert_non_null(strstr(err.msg, "predicted only"));
    assert_false(rl_cuda_runs(RL_OP_RESIDUAL_ADD, RL_PREC_FP32, 9, 0, &err));
}

static void cpu_table(void **state)
{
    (void)state;
    rl_err err = {{0}};
    for (int op = 0; op < RL_OP_COUNT; op++) {
        if (rl_op_predict_only((rl_op)op)) {
            assert_false(rl_cpu_runs((rl_op)op, RL_PREC_FP32, &err));
            assert_non_null(strstr(err.msg, "predicted only"));
            continue;
        }
        assert_true(rl_cpu_runs((rl_op)op, RL_PREC_FP32, &err));
        assert_true(rl_cpu_runs((rl_op)op, RL_PREC_FP64, &err));
        assert_false(rl_cpu_runs((rl_op)op, RL_PREC_FP16, &err));
        assert_non_null(strstr(err.msg, "cpu backend:"));
    }
    assert_false(rl_cpu_runs(RL_OP_GEMM, RL_PREC_INT8, &err));
    assert_non_null(strstr(err.msg, "sgemm and dgemm"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cuda_table),
        cmocka_unit_test(cpu_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
