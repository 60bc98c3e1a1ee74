/* Residual add + LayerNorm as two kernels: h = x + residual goes to memory
 * and LayerNorm reads it back, the traffic a fused kernel saves. */
#include "kernels/cpu/rl_cpu.h"

/* Tensors: x, residual, gamma, beta, h, y. */
RL_CPU_ENTRY(rl_cpu_residual_layernorm_unfused)
{
    const rl_shape *s = &l->shape;
    const int64_t n = s->rows * s->cols;
    if (l->precision == RL_PREC_FP32) {
        rl_cpu_residual_add_f32(n, RL_T(l, 0, float), RL_T(l, 1, float), RL_T(l, 4, float));
        rl_cpu_layernorm_rows_f32(s->rows, s->cols, (float)l->params.eps, RL_T(l, 4, float),
                                  RL_T(l, 2, float), RL_T(l, 3, float), RL_T(l, 5, float),
                                  rl_cpu_streams(ctx, n, sizeof(float)));
    } else if (l->precision == RL_PREC_FP64) {
        rl_cpu_residual_add_f64(n, RL_T(l, 0, double), RL_T(l, 1, double), RL_T(l, 4, double));
        rl_cpu_layernorm_rows_f64(s->rows, s->cols, l->params.eps, RL_T(l, 4, double),
                                  RL_T(l, 2, double), RL_T(l, 3, double), RL_T(l, 5, double),
                                  rl_cpu_streams(ctx, n, sizeof(double)));
    } else {
        return rl_cpu_refuse(l, err);
    }
    return RL_OK;
}
