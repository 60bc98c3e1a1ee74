/* Softmax over each row, numerically stable: a max pass, a pass that
 * computes exp(x - max) and sums it, and a pass that scales by 1/sum. A row
 * stays in L1/L2 between passes, so memory sees one read and one write.
 * When the output is streamed (rl_cpu_streams), the exps go to a scratch
 * row on the thread's stack and the last pass streams the scaled row to y,
 * so y's lines are never read; rows longer than the scratch, or not
 * vector-aligned, take the in-place path with plain stores. */
#include "kernels/cpu/rl_cpu.h"

#define SOFTMAX(T, S)                                                                         \
    void rl_cpu_softmax_rows_##S(int64_t rows, int64_t cols, const T *restrict x,             \
                                 T *restrict y, bool stream)                                  \
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
                const T max = rl_row_max_##S(cols, 1, xr);                                    \
                const T sum = rl_row_exp_sum_##S(cols, 1, max, xr, e,                         \
                                                 x + rl_next_row(r, rows) * cols);            \
                if (stream)                                                                   \
                    rl_row_scale_out_##S(cols, cols, 1 / sum, e, yr, true);                   \
                else                                                                          \
                    rl_row_mul_##S(cols, 1 / sum, yr);                                        \
            }                                                                                 \
            if (stream)                                                                       \
                rl_stream_fence();                                                            \
        }                                                                                     \
    }

SOFTMAX(float, f32)
SOFTMAX(double, f64)

/* Tensors: x, y. */
RL_CPU_ENTRY(rl_cpu_softmax)
{
    const rl_shape *s = &l->shape;
    const int64_t n = s->rows * s->cols;
    if (l->precision == RL_PREC_FP32)
        rl_cpu_softmax_rows_f32(s->rows, s->cols, RL_T(l, 0, float), RL_T(l, 1, float),
                                rl_cpu_streams(ctx, n, sizeof(float)));
    else if (l->precision == RL_PREC_FP64)
        rl_cpu_softmax_rows_f64(s->rows, s->cols, RL_T(l, 0, double), RL_T(l, 1, double),
                                rl_cpu_streams(ctx, n, sizeof(double)));
    else
        return rl_cpu_refuse(l, err);
    return RL_OK;
}
