/* The float64 reference maths, one function per output unit, shared by the
 * dispatcher in ref.c. Not a public face: rl_ref.h is. */
#ifndef RL_REF_INTERNAL_H
#define RL_REF_INTERNAL_H

#include "kernels/ref/rl_ref.h"

/* c[e] = sum_k a[i,k] * b[k,j] for output element e = i*n + j. */
void rl_ref_gemm_elem(const rl_shape *s, const double *a, const double *b, double *c, int64_t e);

/* y = (x - mean) * rstd * gamma + beta with the biased variance. */
void rl_ref_layernorm_row(int64_t cols, double eps, const double *x, const double *gamma,
                          const double *beta, double *y);
/* Row r of residual LayerNorm: h = x + residual (written), y = LN(h). */
void rl_ref_residual_layernorm_row(const rl_shape *s, const rl_op_params *p, double *const *t,
                                   int64_t r);

/* y[j] = softmax(scale * x[0..valid))[j] for j < valid, 0 for the masked
 * rest (valid == cols: plain softmax). */
void rl_ref_softmax_row(int64_t cols, int64_t valid, double scale, const double *x, double *y);

/* GELU, tanh form: 0.5 v (1 + tanh(sqrt(2/pi) (v + 0.044715 v^3))). */
double rl_ref_gelu(double v);

double rl_ref_fma_probe(double x, int64_t iters);

#endif
