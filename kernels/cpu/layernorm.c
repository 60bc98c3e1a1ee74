/* LayerNorm over each row: y = (x - mean) * rstd * gamma + beta, in row
 * blocks (rl_layernorm_block.h). */
#include "kernels/cpu/rl_layernorm_block.h"

#define LAYERNORM(T, S)                                                                       \
    void rl_cpu_layernorm_rows_##S(int64_t rows, int64_t cols, T eps, const T *restrict x,    \
                                   const T *restrict gamma, const T *restrict beta,           \
                                   T *restrict y, bool stream)                                \
    {                                                                                         \
        rl_ln_rows_##S(rows, cols, eps, x, NULL, NULL, gamma, beta, y, stream);               \
    }

LAYERNORM(float, f32)
LAYERNORM(double, f64)

/* Tensors: x, gamma, beta, y. */
RL_CPU_ENTRY(rl_cpu_layernorm)
{
    const rl_shape *s = &l->shape;
    const int64_t n = s->rows * s->cols;
    if (l->precision == RL_PREC_FP32)
        rl_cpu_layernorm_rows_f32(s->rows, s->cols, (float)l->params.eps, RL_T(l, 0, float),
                                  RL_T(l, 1, float), RL_T(l, 2, float), RL_T(l, 3, float),
                                  rl_cpu_streams(ctx, n, sizeof(float)));
    else if (l->precision == RL_PREC_FP64)
        rl_cpu_layernorm_rows_f64(s->rows, s->cols, l->params.eps, RL_T(l, 0, double),
                                  RL_T(l, 1, double), RL_T(l, 2, double), RL_T(l, 3, double),
                                  rl_cpu_streams(ctx, n, sizeof(double)));
    else
        return rl_cpu_refuse(l, err);
    return RL_OK;
}
