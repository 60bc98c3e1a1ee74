/* The vector exp the CPU kernels use (SLEEF's 1-ulp exp at the ISA the
 * kernels were compiled for), over its whole argument range against libm
 * in a wider precision: within 1 ulp, exact at the limits (exp(-inf) = 0 is
 * how a masked key drops out of a softmax), through the vector body and the
 * scalar tail alike. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernels/cpu/rl_cpu_exp.h"

/* SLEEF's bound for its u10 functions, plus the reference's own rounding
 * (double for fp32, long double for fp64: at most 2^-11 ulp). */
static const double exp_ulps = 1.0 + 1.0 / 1024;

/* A grid from lo to hi (n - 1 steps apart) followed by the extra points. */
static double *grid(double lo, double hi, int64_t n, const double *extra, int64_t n_extra)
{
    double *v = malloc((size_t)(n + n_extra) * sizeof *v);
    assert_non_null(v);
    for (int64_t i = 0; i < n; i++)
        v[i] = lo + (hi - lo) * (double)i / (double)(n - 1);
    for (int64_t i = 0; i < n_extra; i++)
        v[n + i] = extra[i];
    return v;
}

/* Error of got in units in the last place of ref, in a format with `digits`
 * bits of mantissa and min_exp as the exponent of its smallest subnormal;
 * inf where got is not the infinity or NaN that ref rounds to in that
 * format (rounded). */
static double ulps(long double got, long double ref, long double rounded, int digits,
                   int min_exp)
{
    if (isnan(rounded) || isinf(rounded))
        return (isnan(rounded) ? isnan(got) : got == rounded) ? 0.0 : INFINITY;
    if (ref == 0)
        return got == 0 ? 0.0 : INFINITY;
    int e;
    frexpl(fabsl(ref), &e);
    const int ulp_exp = e - digits > min_exp ? e - digits : min_exp;
    return (double)(fabsl(got - ref) / ldexpl(1.0L, ulp_exp));
}

typedef void (*fn_f32)(int64_t, const float *, float *);
typedef void (*fn_f64)(int64_t, const double *, double *);

/* Worst error of f over the points, called on all of them at once (vector
 * body and tail) and on the first few one at a time (the scalar tail). */
static double worst_f32(fn_f32 f, double (*ref)(double), const double *x, int64_t n,
                        double max_ulps)
{
    float *in = malloc((size_t)n * sizeof *in), *out = malloc((size_t)n * sizeof *out);
    assert_non_null(in);
    assert_non_null(out);
    for (int64_t i = 0; i < n; i++)
        in[i] = (float)x[i];
    f(n, in, out);
    double worst = 0;
    for (int64_t i = 0; i < n; i++) {
        const double e = ulps(out[i], ref(in[i]), (float)ref(in[i]), FLT_MANT_DIG, FLT_MIN_EXP - FLT_MANT_DIG);
        if (e > worst) {
            worst = e;
            if (e > max_ulps)
                print_error("f32(%a) = %a, reference %a: %.3g ulp\n", in[i], out[i],
                            ref(in[i]), e);
        }
    }
    for (int64_t i = 0; i < 2000 && i < n; i++) {
        float one;
        f(1, in + i, &one);
        const double e = ulps(one, ref(in[i]), (float)ref(in[i]), FLT_MANT_DIG, FLT_MIN_EXP - FLT_MANT_DIG);
        worst = e > worst ? e : worst;
    }
    free(in);
    free(out);
    return worst;
}

static double worst_f64(fn_f64 f, long double (*ref)(long double), const double *x, int64_t n,
                        double max_ulps)
{
    double *out = malloc((size_t)n * sizeof *out);
    assert_non_null(out);
    f(n, x, out);
    double worst = 0;
    for (int64_t i = 0; i < n; i++) {
        const double e = ulps(out[i], ref(x[i]), (double)ref(x[i]), DBL_MANT_DIG, DBL_MIN_EXP - DBL_MANT_DIG);
        if (e > worst) {
            worst = e;
            if (e > max_ulps)
                print_error("f64(%a) = %a, reference %La: %.3g ulp\n", x[i], out[i],
                            ref(x[i]), e);
        }
    }
    for (int64_t i = 0; i < 2000 && i < n; i++) {
        double one;
        f(1, x + i, &one);
        const double e = ulps(one, ref(x[i]), (double)ref(x[i]), DBL_MANT_DIG, DBL_MIN_EXP - DBL_MANT_DIG);
        worst = e > worst ? e : worst;
    }
    free(out);
    return worst;
}

/* 200003 points: not a whole number of vectors, so the tail runs too. */
enum { POINTS = 200003 };

static void exp_within_one_ulp(void **state)
{
    (void)state;
    /* From below exp's underflow to zero to past its overflow, with the
     * limits and the softmax's largest term exp(0). */
    const double extra32[] = {-INFINITY, INFINITY, 0.0, -0.0, -1e-30, 88.72, 88.73, -87.33,
                              -103.97, -104.0, -150.0};
    double *x = grid(-105.0, 89.0, POINTS, extra32, 11);
    const double w32 = worst_f32(rl_cpu_exp_f32, exp, x, POINTS + 11, exp_ulps);
    free(x);
    const double extra64[] = {-INFINITY, INFINITY, 0.0, -0.0, -1e-300, 709.78, 709.79,
                              -708.39, -744.44, -746.0, -1000.0};
    x = grid(-746.0, 710.0, POINTS, extra64, 11);
    const double w64 = worst_f64(rl_cpu_exp_f64, expl, x, POINTS + 11, exp_ulps);
    free(x);
    printf("exp on %s (%d fp32 lanes): worst %.4f ulp fp32, %.4f ulp fp64\n",
           rl_cpu_vmath_isa(), rl_cpu_vmath_lanes_f32(), w32, w64);
    assert_true(w32 <= exp_ulps);
    assert_true(w64 <= exp_ulps);
}

/* The limits exactly: a masked key (-inf) contributes 0 to a softmax. */
static void limits_are_exact(void **state)
{
    (void)state;
    const float x32[] = {-INFINITY, -INFINITY, 0.0f, -INFINITY, -200.0f, -INFINITY, 0.0f,
                         -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY,
                         -INFINITY, -INFINITY, -INFINITY, -INFINITY, 0.0f, -INFINITY};
    const int64_t n = sizeof x32 / sizeof x32[0];
    float y32[sizeof x32 / sizeof x32[0]];
    rl_cpu_exp_f32(n, x32, y32);
    for (int64_t i = 0; i < n; i++)
        assert_true(y32[i] == (x32[i] == 0.0f ? 1.0f : 0.0f));
    const double x64[] = {-INFINITY, 0.0, -2000.0, -INFINITY, 0.0};
    double y64[5];
    rl_cpu_exp_f64(5, x64, y64);
    for (int i = 0; i < 5; i++)
        assert_true(y64[i] == (x64[i] == 0.0 ? 1.0 : 0.0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exp_within_one_ulp),
        cmocka_unit_test(limits_are_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
