/* GEMM reference: C[m x n] = A[m x k] . B[k x n], row-major, in float64. */
#include "kernels/ref/ref_internal.h"

void rl_ref_gemm_elem(const rl_shape *s, const double *a, const double *b, double *c, int64_t e)
{
    const int64_t i = e / s->n, j = e % s->n;
    const double *ai = a + i * s->k;
    double sum = 0.0;
    for (int64_t p = 0; p < s->k; p++)
        sum += ai[p] * b[p * s->n + j];
    c[e] = sum;
}
