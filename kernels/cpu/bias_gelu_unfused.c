/* Bias add and GELU as two kernels: the biased activations go to memory and
 * are read back by GELU. */
#include "kernels/cpu/rl_cpu.h"

/* Tensors: x, bias, y, biased (scratch). */
RL_CPU_ENTRY(rl_cpu_bias_gelu_unfused)
{
    const rl_shape *s = &l->shape;
    const int64_t n = s->rows * s->cols;
    if (l->precision == RL_PREC_FP32) {
        rl_cpu_bias_add_f32(s->rows, s->cols, RL_T(l, 0, float), RL_T(l, 1, float),
                            RL_T(l, 3, float));
        rl_cpu_gelu_f32(n, RL_T(l, 3, float), RL_T(l, 2, float),
                        rl_cpu_streams(ctx, n, sizeof(float)));
    } else if (l->precision == RL_PREC_FP64) {
        rl_cpu_bias_add_f64(s->rows, s->cols, RL_T(l, 0, double), RL_T(l, 1, double),
                            RL_T(l, 3, double));
        rl_cpu_gelu_f64(n, RL_T(l, 3, double), RL_T(l, 2, double),
                        rl_cpu_streams(ctx, n, sizeof(double)));
    } else {
        return rl_cpu_refuse(l, err);
    }
    return RL_OK;
}
