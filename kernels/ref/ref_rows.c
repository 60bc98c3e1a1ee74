/* Row-op references in float64: LayerNorm (plain and after a residual add),
 * softmax (plain and scaled + causally masked), and bias + GELU. */
#include <math.h>

#include "kernels/ref/ref_internal.h"

void rl_ref_layernorm_row(int64_t cols, double eps, const double *x, const double *gamma,
                          const double *beta, double *y)
{
    /* Centred two-pass: exact enough in float64 for any row length. */
    double sum = 0.0;
    for (int64_t j = 0; j < cols; j++)
        sum += x[j];
    const double mean = sum / (double)cols;
    double ss = 0.0;
    for (int64_t j = 0; j < cols; j++)
        ss += (x[j] - mean) * (x[j] - mean);
    const double rstd = 1.0 / sqrt(ss / (double)cols + eps);
    for (int64_t j = 0; j < cols; j++)
        y[j] = (x[j] - mean) * rstd * gamma[j] + beta[j];
}

/* Tensors: x, residual, gamma, beta, h, y. */
void rl_ref_residual_layernorm_row(const rl_shape *s, const rl_op_params *p, double *const *t,
                                   int64_t r)
{
    const int64_t off = r * s->cols;
    for (int64_t j = 0; j < s->cols; j++)
        t[4][off + j] = t[0][off + j] + t[1][off + j];
    rl_ref_layernorm_row(s->cols, p->eps, t[4] + off, t[2], t[3], t[5] + off);
}

void rl_ref_softmax_row(int64_t cols, int64_t valid, double scale, const double *x, double *y)
{
    double max = -INFINITY;
    for (int64_t j = 0; j < valid; j++)
        max = fmax(max, scale * x[j]);
    double sum = 0.0;
    for (int64_t j = 0; j < valid; j++) {
        y[j] = exp(scale * x[j] - max);
        sum += y[j];
    }
    for (int64_t j = 0; j < valid; j++)
        y[j] /= sum;
    for (int64_t j = valid; j < cols; j++)
        y[j] = 0.0;
}

double rl_ref_gelu(double v)
{
    const double k = 0.7978845608028654; /* sqrt(2 / pi) */
    return 0.5 * v * (1.0 + tanh(k * (v + 0.044715 * v * v * v)));
}
