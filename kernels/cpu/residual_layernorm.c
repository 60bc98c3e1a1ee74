/* Fused residual add + LayerNorm: h = x + residual is written (it carries
 * the residual stream on) and normalised while the row is still in cache,
 * so memory sees x and residual read once, h and y written once. */
#include "kernels/cpu/rl_cpu.h"

#define RESIDUAL_LAYERNORM(T, S)                                                              \
    static void residual_layernorm_##S(int64_t rows, int64_t cols, T eps,                     \
                                       const T *restrict x, const T *restrict res,            \
                                       const T *restrict gamma, const T *restrict beta,       \
                                       T *restrict h, T *restrict y)                          \
    {                                                                                         \
        _Pragma("omp parallel for schedule(static)") for (int64_t r = 0; r < rows; r++)       \
        {                                                                                     \
            const int64_t o = r * cols, next = rl_next_row(r, rows) * cols;                   \
            T mean, rstd;                                                                     \
            rl_row_welford_##S(cols, eps, x + o, res + o, h + o, &mean, &rstd);               \
            rl_row_normalise_##S(cols, mean, rstd, h + o, gamma, beta, y + o, x + next,       \
                                 res + next);                                                 \
        }                                                                                     \
    }

RESIDUAL_LAYERNORM(float, f32)
RESIDUAL_LAYERNORM(double, f64)

/* Tensors: x, residual, gamma, beta, h, y. */
rl_status rl_cpu_residual_layernorm(const rl_launch *l, rl_err *err)
{
    const rl_shape *s = &l->shape;
    if (l->precision == RL_PREC_FP32)
        residual_layernorm_f32(s->rows, s->cols, (float)l->params.eps, RL_T(l, 0, float),
                               RL_T(l, 1, float), RL_T(l, 2, float), RL_T(l, 3, float),
                               RL_T(l, 4, float), RL_T(l, 5, float));
    else if (l->precision == RL_PREC_FP64)
        residual_layernorm_f64(s->rows, s->cols, l->params.eps, RL_T(l, 0, double),
                               RL_T(l, 1, double), RL_T(l, 2, double), RL_T(l, 3, double),
                               RL_T(l, 4, double), RL_T(l, 5, double));
    else
        return rl_cpu_refuse(l, err);
    return RL_OK;
}
