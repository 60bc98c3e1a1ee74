/* GEMM reference: C[m x n] = A[m x k] . B[k x n], row-major, in float64;
 * batched: product e / (m*n) of consecutive A, B and C blocks. */
#include "kernels/ref/ref_internal.h"

void rl_ref_gemm_elem(const rl_shape *s, const double *a, const double *b, double *c, int64_t e)
{
    const int64_t mn = s->m * s->n, p0 = e / mn, r = e % mn;
    const int64_t i = r / s->n, j = r % s->n;
    const double *ai = a + p0 * s->m * s->k + i * s->k;
    b += p0 * s->k * s->n;
    double sum = 0.0;
    for (int64_t p = 0; p < s->k; p++)
        sum += ai[p] * b[p * s->n + j];
    c[e] = sum;
}
