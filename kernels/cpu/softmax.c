/* Softmax over each row, numerically stable (rl_row_softmax in rl_cpu.h):
 * a max pass, a pass that computes exp(x - max) and sums it, and a pass
 * that scales by 1/sum. A row stays in L1/L2 between passes, so memory sees
 * one read and one write. When the output is streamed (rl_cpu_streams),
 * the exps go to a scratch row on the thread's stack and the last pass
 * streams the scaled row to y, so y's lines are never read; rows longer
 * than the scratch, or not vector-aligned, are scaled in place. */
#include "kernels/cpu/rl_cpu.h"

#define SOFTMAX(T, S)                                                                         \
    void rl_cpu_softmax_rows_##S(int64_t rows, int64_t cols, const T *restrict x,             \
                                 T *restrict y, bool stream)                                  \
    {                                                                                         \
        rl_softmax_rows_##S(rows, cols, 1, NULL, x, y, stream);                               \
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
