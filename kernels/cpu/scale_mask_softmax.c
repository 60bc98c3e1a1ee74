/* Fused scale + causal mask + softmax (attention scores). Row r sees its
 * first rl_mask_visible keys (model/rl_ops.h): the masked tail is neither
 * read nor exponentiated, and is written as 0, which is what the -inf of
 * the mask yields.
 * The row passes and the streaming are softmax.c's (rl_softmax_rows). */
#include "kernels/cpu/rl_cpu.h"

#define SCALE_MASK_SOFTMAX(T, S)                                                              \
    static void scale_mask_softmax_##S(const rl_shape *s, T scale, const T *restrict x,       \
                                       T *restrict y, bool stream)                            \
    {                                                                                         \
        rl_softmax_rows_##S(s->rows, s->cols, scale, s, x, y, stream);                        \
    }

SCALE_MASK_SOFTMAX(float, f32)
SCALE_MASK_SOFTMAX(double, f64)

/* Tensors: x, y. */
RL_CPU_ENTRY(rl_cpu_scale_mask_softmax)
{
    const rl_shape *s = &l->shape;
    const int64_t n = s->rows * s->cols;
    if (l->precision == RL_PREC_FP32)
        scale_mask_softmax_f32(s, (float)l->params.scale, RL_T(l, 0, float),
                               RL_T(l, 1, float), rl_cpu_streams(ctx, n, sizeof(float)));
    else if (l->precision == RL_PREC_FP64)
        scale_mask_softmax_f64(s, l->params.scale, RL_T(l, 0, double),
                               RL_T(l, 1, double), rl_cpu_streams(ctx, n, sizeof(double)));
    else
        return rl_cpu_refuse(l, err);
    return RL_OK;
}
