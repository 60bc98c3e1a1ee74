/* GEMM through OpenBLAS: C[m x n] = A[m x k] . B[k x n], row-major, beta = 0
 * (C is written, never read, so a poisoned C must come out clean).
 * A batched GEMM (shape.batch > 1: the attention products, one per
 * sequence and KV head) is one cblas call per product, each threaded by
 * OpenBLAS: Debian 12's OpenBLAS (0.3.21) has no batched GEMM
 * (cblas_?gemm_batch arrived in 0.3.27). */
#include <cblas.h>
#include <limits.h>

#include "kernels/cpu/rl_cpu.h"

/* Tensors: a, b, c. */
RL_CPU_ENTRY(rl_cpu_gemm)
{
    (void)ctx;
    const rl_shape *s = &l->shape;
    /* OpenBLAS's Debian build takes 32-bit dimensions. */
    if (s->m > INT_MAX || s->n > INT_MAX || s->k > INT_MAX)
        return rl_fail(err, RL_ERR_UNSUPPORTED,
                       "cpu backend: gemm dimensions above %d do not fit OpenBLAS's int", INT_MAX);
    const blasint m = (blasint)s->m, n = (blasint)s->n, k = (blasint)s->k;
    const int64_t batch = rl_gemm_batch(s);
    /* each product's operands follow the previous one's */
    const size_t sa = (size_t)s->m * (size_t)s->k, sb = (size_t)s->k * (size_t)s->n,
                 sc = (size_t)s->m * (size_t)s->n;
    if (l->precision == RL_PREC_FP32)
        for (int64_t i = 0; i < batch; i++)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f,
                        RL_T(l, 0, float) + i * sa, k, RL_T(l, 1, float) + i * sb, n, 0.0f,
                        RL_T(l, 2, float) + i * sc, n);
    else if (l->precision == RL_PREC_FP64)
        for (int64_t i = 0; i < batch; i++)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0,
                        RL_T(l, 0, double) + i * sa, k, RL_T(l, 1, double) + i * sb, n, 0.0,
                        RL_T(l, 2, double) + i * sc, n);
    else
        return rl_fail(err, RL_ERR_UNSUPPORTED,
                       "cpu backend: gemm at %s not supported (OpenBLAS has sgemm and dgemm)",
                       rl_precision_name(l->precision));
    return RL_OK;
}
