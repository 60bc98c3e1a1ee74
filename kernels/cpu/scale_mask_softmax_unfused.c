/* Scale, causal mask and softmax as three kernels, each writing its whole
 * result to memory for the next to read back. */
#include "kernels/cpu/rl_cpu.h"

/* Tensors: x, y, scaled (scratch), masked (scratch). */
RL_CPU_ENTRY(rl_cpu_scale_mask_softmax_unfused)
{
    const rl_shape *s = &l->shape;
    const int64_t n = s->rows * s->cols;
    if (l->precision == RL_PREC_FP32) {
        rl_cpu_scale_f32(n, (float)l->params.scale, RL_T(l, 0, float), RL_T(l, 2, float));
        rl_cpu_causal_mask_f32(s, RL_T(l, 2, float), RL_T(l, 3, float));
        rl_cpu_softmax_rows_f32(s->rows, s->cols, RL_T(l, 3, float), RL_T(l, 1, float),
                                rl_cpu_streams(ctx, n, sizeof(float)));
    } else if (l->precision == RL_PREC_FP64) {
        rl_cpu_scale_f64(n, l->params.scale, RL_T(l, 0, double), RL_T(l, 2, double));
        rl_cpu_causal_mask_f64(s, RL_T(l, 2, double), RL_T(l, 3, double));
        rl_cpu_softmax_rows_f64(s->rows, s->cols, RL_T(l, 3, double), RL_T(l, 1, double),
                                rl_cpu_streams(ctx, n, sizeof(double)));
    } else {
        return rl_cpu_refuse(l, err);
    }
    return RL_OK;
}
