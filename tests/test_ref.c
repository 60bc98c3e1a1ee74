/* The float64 references against small cases worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "kernels/ref/rl_ref.h"
#include "tests/rl_test.h"

#define TOL 1e-12

/* All units of op, in order. */
static rl_status run_all(rl_op op, const rl_shape *s, const rl_op_params *p, double *const *t)
{
    int64_t units[64];
    const int64_t n = rl_ref_unit_count(op, s);
    assert_true(n <= 64);
    for (int64_t u = 0; u < n; u++)
        units[u] = u;
    rl_err err;
    return rl_ref_run(op, s, p, t, units, n, &err);
}

static void gemm_2x2(void **state)
{
    (void)state;
    double a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8}, c[4] = {0};
    double *t[] = {a, b, c};
    const rl_shape s = {.m = 2, .n = 2, .k = 2};
    const rl_op_params p = {0};
    assert_int_equal(run_all(RL_OP_GEMM, &s, &p, t), RL_OK);
    assert_near(c[0], 19, TOL);
    assert_near(c[1], 22, TOL);
    assert_near(c[2], 43, TOL);
    assert_near(c[3], 50, TOL);
}

/* A 2x3 . 3x1 product, and only the listed unit is computed. */
static void gemm_rectangular_and_units(void **state)
{
    (void)state;
    double a[] = {1, 2, 3, -1, 0, 2}, b[] = {1, 10, 100}, c[2] = {-7, -7};
    double *t[] = {a, b, c};
    const rl_shape s = {.m = 2, .n = 1, .k = 3};
    const rl_op_params p = {0};
    const int64_t one[] = {1};
    rl_err err;
    assert_int_equal(rl_ref_run(RL_OP_GEMM, &s, &p, t, one, 1, &err), RL_OK);
    assert_near(c[0], -7, 0);
    assert_near(c[1], 199, TOL);
    int64_t first, len;
    rl_ref_unit_span(RL_OP_GEMM, &s, 1, &first, &len);
    assert_int_equal(first, 1);
    assert_int_equal(len, 1);
    assert_int_equal(rl_ref_unit_count(RL_OP_GEMM, &s), 2);
}

static void layernorm_of_1_2_3_4(void **state)
{
    (void)state;
    /* mean 2.5, biased variance 1.25. */
    double x[] = {1, 2, 3, 4}, g[] = {1, 1, 2, 2}, b[] = {0, 0, 1, -1}, y[4];
    double *t[] = {x, g, b, y};
    const rl_shape s = {.rows = 1, .cols = 4};
    const rl_op_params p = {.eps = 1e-5};
    assert_int_equal(run_all(RL_OP_LAYERNORM, &s, &p, t), RL_OK);
    const double rstd = 1.0 / sqrt(1.25 + 1e-5);
    assert_near(y[0], -1.5 * rstd, TOL);
    assert_near(y[1], -0.5 * rstd, TOL);
    assert_near(y[2], 2 * 0.5 * rstd + 1, TOL);
    assert_near(y[3], 2 * 1.5 * rstd - 1, TOL);
    assert_near(y[0], -1.3416354, 1e-7);
}

static void residual_layernorm_writes_h(void **state)
{
    (void)state;
    double x[] = {1, 1, 1, 1, 5, 5}, r[] = {0, 1, 2, 0, 0, 0};
    double g[] = {1, 1, 1}, b[] = {0, 0, 0}, h[6], y[6];
    double *t[] = {x, r, g, b, h, y};
    const rl_shape s = {.rows = 2, .cols = 3};
    const rl_op_params p = {.eps = 0};
    assert_int_equal(run_all(RL_OP_RESIDUAL_LAYERNORM, &s, &p, t), RL_OK);
    /* Row 0: h = 1, 2, 3: mean 2, variance 2/3. Row 1: 1, 5, 5. */
    assert_near(h[0], 1, 0);
    assert_near(h[2], 3, 0);
    assert_near(h[3], 1, 0);
    assert_near(y[0], -sqrt(1.5), TOL);
    assert_near(y[1], 0, TOL);
    assert_near(y[2], sqrt(1.5), TOL);
    /* mean 11/3, deviations -8/3, 4/3, 4/3, variance 32/9. */
    assert_near(y[3], (-8.0 / 3) / sqrt(32.0 / 9), TOL);
    /* The unfused chain has the same reference. */
    double y2[6], h2[6];
    double *t2[] = {x, r, g, b, h2, y2};
    assert_int_equal(run_all(RL_OP_RESIDUAL_LAYERNORM_UNFUSED, &s, &p, t2), RL_OK);
    assert_memory_equal(y, y2, sizeof y);
}

static void softmax_of_known_vector(void **state)
{
    (void)state;
    /* Large logits check the max subtraction: the same row shifted. */
    double x[] = {1, 2, 3, 1001, 1002, 1003}, y[6];
    double *t[] = {x, y};
    const rl_shape s = {.rows = 2, .cols = 3};
    const rl_op_params p = {.scale = 1};
    assert_int_equal(run_all(RL_OP_SOFTMAX, &s, &p, t), RL_OK);
    assert_near(y[0], 0.09003057317038046, TOL);
    assert_near(y[1], 0.24472847105479767, TOL);
    assert_near(y[2], 0.6652409557748219, TOL);
    for (int j = 0; j < 3; j++)
        assert_near(y[3 + j], y[j], TOL);
    int64_t first, len;
    rl_ref_unit_span(RL_OP_SOFTMAX, &s, 1, &first, &len);
    assert_int_equal(first, 3);
    assert_int_equal(len, 3);
}

static void causal_mask_rows(void **state)
{
    (void)state;
    /* 4 rows of 3 columns: query positions 0, 1, 2, then 0 again. */
    double x[12], y[12];
    for (int i = 0; i < 12; i++)
        x[i] = 0.5 * i;
    double *t[] = {x, y, NULL, NULL};
    const rl_shape s = {.rows = 4, .cols = 3};
    const rl_op_params p = {.scale = 2};
    assert_int_equal(run_all(RL_OP_SCALE_MASK_SOFTMAX_UNFUSED, &s, &p, t), RL_OK);
    assert_near(y[0], 1, TOL);
    assert_near(y[1], 0, 0);
    assert_near(y[2], 0, 0);
    /* Row 1 sees x = 1.5, 2 scaled to 3, 4. */
    assert_near(y[3], 1 / (1 + exp(1)), TOL);
    assert_near(y[4], exp(1) / (1 + exp(1)), TOL);
    assert_near(y[5], 0, 0);
    /* Row 2 sees everything. */
    assert_near(y[6] + y[7] + y[8], 1, TOL);
    assert_true(y[8] > y[7] && y[7] > y[6] && y[6] > 0);
    assert_near(y[9], 1, TOL);
    assert_near(y[10], 0, 0);
}

static void gelu_tanh_form(void **state)
{
    (void)state;
    /* gelu(1) = 0.841192 in the tanh form (the erf form gives 0.841345). */
    double x[] = {0.5, -0.5, 2.0, -1.5, -0.5, 3.0}, bias[] = {0.5, 0.5, -2.0}, y[6];
    double *t[] = {x, bias, y, NULL};
    const rl_shape s = {.rows = 2, .cols = 3};
    const rl_op_params p = {0};
    assert_int_equal(run_all(RL_OP_BIAS_GELU_UNFUSED, &s, &p, t), RL_OK);
    assert_near(y[0], 0.8411919906082768, 1e-12);
    assert_near(y[1], 0, 0);
    assert_near(y[2], 0, 0);
    assert_near(y[3], -0.15880800939172324, 1e-12);
    assert_near(y[4], 0, 0);
    assert_near(y[5], 0.8411919906082768, 1e-12);
}

static void copy_and_triad(void **state)
{
    (void)state;
    double a[] = {1, -2, 3}, c[3];
    double *tc[] = {a, c};
    const rl_shape s = {.count = 3};
    const rl_op_params p = {.scale = 3};
    assert_int_equal(run_all(RL_OP_COPY, &s, &p, tc), RL_OK);
    assert_memory_equal(a, c, sizeof a);
    double b[] = {1, 2, 3}, cc[] = {0.5, -1, 2}, out[3];
    double *tt[] = {b, cc, out};
    assert_int_equal(run_all(RL_OP_TRIAD, &s, &p, tt), RL_OK);
    assert_near(out[0], 2.5, 0);
    assert_near(out[1], -1, 0);
    assert_near(out[2], 9, 0);
}

static void fma_probe_recurrence(void **state)
{
    (void)state;
    /* v = v/2 + 1/2: from 0: 0.5, 0.75, 0.875; from -1: 0, 0.5, 0.75. */
    double x[] = {0, -1, 0.25}, y[3];
    double *t[] = {x, y};
    const rl_op_params p = {0};
    const rl_shape one = {.count = 3, .iters = 1};
    assert_int_equal(run_all(RL_OP_FMA, &one, &p, t), RL_OK);
    assert_near(y[0], 0.5, 0);
    assert_near(y[1], 0, 0);
    assert_near(y[2], 0.625, 0);
    const rl_shape three = {.count = 3, .iters = 3};
    assert_int_equal(run_all(RL_OP_FMA, &three, &p, t), RL_OK);
    assert_near(y[0], 0.875, 0);
    assert_near(y[1], 0.75, 0);
    /* The closed form agrees with running the recurrence. */
    double v = 0.25;
    for (int i = 0; i < 3; i++)
        v = fma(v, RL_FMA_PROBE_A, RL_FMA_PROBE_B);
    assert_near(y[2], v, 0);
    /* Long runs converge to 1 and never overflow. */
    const rl_shape many = {.count = 3, .iters = INT64_C(1) << 40};
    assert_int_equal(run_all(RL_OP_FMA, &many, &p, t), RL_OK);
    assert_near(y[1], 1, 0);
}

static void bad_arguments_fail(void **state)
{
    (void)state;
    double x[4] = {0}, y[4];
    double *t[] = {x, y};
    const rl_shape s = {.rows = 2, .cols = 2};
    const rl_op_params p = {.scale = 1};
    const int64_t past_end[] = {2};
    rl_err err;
    assert_int_equal(rl_ref_run(RL_OP_SOFTMAX, &s, &p, t, past_end, 1, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "out of range"));
    double *missing[] = {x, NULL};
    const int64_t zero[] = {0};
    assert_int_equal(rl_ref_run(RL_OP_SOFTMAX, &s, &p, missing, zero, 1, &err), RL_ERR_INVALID);
    assert_int_equal(rl_ref_run(RL_OP_COUNT, &s, &p, t, zero, 1, &err), RL_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gemm_2x2),
        cmocka_unit_test(gemm_rectangular_and_units),
        cmocka_unit_test(layernorm_of_1_2_3_4),
        cmocka_unit_test(residual_layernorm_writes_h),
        cmocka_unit_test(softmax_of_known_vector),
        cmocka_unit_test(causal_mask_rows),
        cmocka_unit_test(gelu_tanh_form),
        cmocka_unit_test(copy_and_triad),
        cmocka_unit_test(fma_probe_recurrence),
        cmocka_unit_test(bad_arguments_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
