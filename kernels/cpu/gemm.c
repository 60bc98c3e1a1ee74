/* GEMM through OpenBLAS: C[m x n] = A[m x k] . B[k x n], row-major, beta = 0
 * (C is written, never read, so a poisoned C must come out clean). */
#include <cblas.h>
#include <limits.h>

#include "kernels/cpu/rl_cpu.h"

/* Tensors: a, b, c. */
rl_status rl_cpu_gemm(const rl_launch *l, rl_err *err)
{
    const rl_shape *s = &l->shape;
    /* OpenBLAS's Debian build takes 32-bit dimensions. */
    if (s->m > INT_MAX || s->n > INT_MAX || s->k > INT_MAX)
        return rl_fail(err, RL_ERR_UNSUPPORTED,
                       "cpu backend: gemm dimensions above %d do not fit OpenBLAS's int", INT_MAX);
    const blasint m = (blasint)s->m, n = (blasint)s->n, k = (blasint)s->k;
    if (l->precision == RL_PREC_FP32)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, RL_T(l, 0, float),
                    k, RL_T(l, 1, float), n, 0.0f, RL_T(l, 2, float), n);
    else if (l->precision == RL_PREC_FP64)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, RL_T(l, 0, double), k,
                    RL_T(l, 1, double), n, 0.0, RL_T(l, 2, double), n);
    else
        return rl_fail(err, RL_ERR_UNSUPPORTED,
                       "cpu backend: gemm at %s not supported (OpenBLAS has sgemm and dgemm)",
                       rl_precision_name(l->precision));
    return RL_OK;
}
