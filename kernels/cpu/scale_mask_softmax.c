/* Fused scale + causal mask + softmax (attention scores). Row r is query
 * position q = r mod cols and sees keys 0..q: the masked tail is written as
 * 0 without computing its exp, which is what the -inf of the mask yields.
 * A streamed output goes through a scratch row as in softmax.c. */
#include "kernels/cpu/rl_cpu.h"

#define SCALE_MASK_SOFTMAX(T, S)                                                              \
    static void scale_mask_softmax_##S(int64_t rows, int64_t cols, T scale,                   \
                                       const T *restrict x, T *restrict y, bool stream)       \
    {                                                                                         \
        stream = stream && cols <= RL_ROW_SCRATCH_ELEMS(T) &&                                 \
                 rl_rows_stream_aligned(y, cols, sizeof(T));                                  \
        _Pragma("omp parallel")                                                               \
        {                                                                                     \
            RL_ROW_SCRATCH(T, scratch);                                                       \
            _Pragma("omp for schedule(static)") for (int64_t r = 0; r < rows; r++)            \
            {                                                                                 \
                const T *xr = x + r * cols;                                                   \
                T *yr = y + r * cols, *e = stream ? scratch : yr;                             \
                const int64_t valid = r % cols + 1;                                           \
                const T max = rl_row_max_##S(valid, scale, xr);                               \
                const T sum = rl_row_exp_sum_##S(valid, scale, max, xr, e,                    \
                                                 x + rl_next_row(r, rows) * cols);            \
                if (stream) {                                                                 \
                    rl_row_scale_out_##S(cols, valid, 1 / sum, e, yr, true);                  \
                } else {                                                                      \
                    rl_row_mul_##S(valid, 1 / sum, yr);                                       \
                    _Pragma("omp simd") for (int64_t j = valid; j < cols; j++) yr[j] = 0;     \
                }                                                                             \
            }                                                                                 \
            if (stream)                                                                       \
                rl_stream_fence();                                                            \
        }                                                                                     \
    }

SCALE_MASK_SOFTMAX(float, f32)
SCALE_MASK_SOFTMAX(double, f64)

/* Tensors: x, y. */
RL_CPU_ENTRY(rl_cpu_scale_mask_softmax)
{
    const rl_shape *s = &l->shape;
    const int64_t n = s->rows * s->cols;
    if (l->precision == RL_PREC_FP32)
        scale_mask_softmax_f32(s->rows, s->cols, (float)l->params.scale, RL_T(l, 0, float),
                               RL_T(l, 1, float), rl_cpu_streams(ctx, n, sizeof(float)));
    else if (l->precision == RL_PREC_FP64)
        scale_mask_softmax_f64(s->rows, s->cols, l->params.scale, RL_T(l, 0, double),
                               RL_T(l, 1, double), rl_cpu_streams(ctx, n, sizeof(double)));
    else
        return rl_cpu_refuse(l, err);
    return RL_OK;
}
