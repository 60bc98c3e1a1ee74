/* Fused residual add + LayerNorm: h = x + residual is written (it carries
 * the residual stream on) and normalised while the row is still in cache,
 * so memory sees x and residual read once, h and y written once; in row
 * blocks, h's moments taken in two passes (rl_layernorm_block.h). */
#include "kernels/cpu/rl_layernorm_block.h"

#define RESIDUAL_LAYERNORM(T, S)                                                              \
    static void residual_layernorm_##S(int64_t rows, int64_t cols, T eps,                     \
                                       const T *restrict x, const T *restrict res,            \
                                       const T *restrict gamma, const T *restrict beta,       \
                                       T *restrict h, T *restrict y, bool stream)             \
    {                                                                                         \
        rl_ln_rows_##S(rows, cols, eps, x, res, h, gamma, beta, y, stream);                   \
    }

RESIDUAL_LAYERNORM(float, f32)
RESIDUAL_LAYERNORM(double, f64)

/* Tensors: x, residual, gamma, beta, h, y. */
RL_CPU_ENTRY(rl_cpu_residual_layernorm)
{
    const rl_shape *s = &l->shape;
    const int64_t n = s->rows * s->cols;
    if (l->precision == RL_PREC_FP32)
        residual_layernorm_f32(s->rows, s->cols, (float)l->params.eps, RL_T(l, 0, float),
                               RL_T(l, 1, float), RL_T(l, 2, float), RL_T(l, 3, float),
                               RL_T(l, 4, float), RL_T(l, 5, float),
                               rl_cpu_streams(ctx, n, sizeof(float)));
    else if (l->precision == RL_PREC_FP64)
        residual_layernorm_f64(s->rows, s->cols, l->params.eps, RL_T(l, 0, double),
                               RL_T(l, 1, double), RL_T(l, 2, double), RL_T(l, 3, double),
                               RL_T(l, 4, double), RL_T(l, 5, double),
                               rl_cpu_streams(ctx, n, sizeof(double)));
    else
        return rl_cpu_refuse(l, err);
    return RL_OK;
}
