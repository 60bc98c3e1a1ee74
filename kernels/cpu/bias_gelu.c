/* Fused bias add + GELU (tanh form): y = gelu(x + bias[col]) in one pass. */
#include "kernels/cpu/rl_cpu.h"

#define BIAS_GELU(T, S)                                                                       \
    static void bias_gelu_##S(int64_t rows, int64_t cols, const T *restrict x,                \
                              const T *restrict bias, T *restrict y, bool stream)             \
    {                                                                                         \
        stream = stream && rl_rows_stream_aligned(y, cols, sizeof(T));                        \
        _Pragma("omp parallel")                                                               \
        {                                                                                     \
            _Pragma("omp for schedule(static)") for (int64_t r = 0; r < rows; r++)            \
                rl_row_gelu_##S(cols, x + r * cols, bias, y + r * cols, stream);              \
            if (stream)                                                                       \
                rl_stream_fence();                                                            \
        }                                                                                     \
    }

BIAS_GELU(float, f32)
BIAS_GELU(double, f64)

/* Tensors: x, bias, y. */
RL_CPU_ENTRY(rl_cpu_bias_gelu)
{
    const rl_shape *s = &l->shape;
    if (l->precision == RL_PREC_FP32)
        bias_gelu_f32(s->rows, s->cols, RL_T(l, 0, float), RL_T(l, 1, float), RL_T(l, 2, float),
                      rl_cpu_streams(ctx, s->rows * s->cols, sizeof(float)));
    else if (l->precision == RL_PREC_FP64)
        bias_gelu_f64(s->rows, s->cols, RL_T(l, 0, double), RL_T(l, 1, double),
                      RL_T(l, 2, double), rl_cpu_streams(ctx, s->rows * s->cols, sizeof(double)));
    else
        return rl_cpu_refuse(l, err);
    return RL_OK;
}
