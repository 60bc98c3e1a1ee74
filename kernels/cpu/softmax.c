/* Softmax over each row, numerically stable: a max pass, a pass that
 * writes exp(x - max) and sums it, and a pass that scales by 1/sum. A row
 * stays in L1/L2 between passes, so memory sees one read and one write. */
#include "kernels/cpu/rl_cpu.h"

#define SOFTMAX(T, S)                                                                         \
    void rl_cpu_softmax_rows_##S(int64_t rows, int64_t cols, const T *restrict x,             \
                                 T *restrict y)                                               \
    {                                                                                         \
        _Pragma("omp parallel for schedule(static)") for (int64_t r = 0; r < rows; r++)       \
        {                                                                                     \
            const T *xr = x + r * cols;                                                       \
            T *yr = y + r * cols;                                                             \
            const T max = rl_row_max_##S(cols, 1, xr);                                        \
            const T sum = rl_row_exp_sum_##S(cols, 1, max, xr, yr,                           \
                                               x + rl_next_row(r, rows) * cols);      \
            rl_row_mul_##S(cols, 1 / sum, yr);                                                \
        }                                                                                     \
    }

SOFTMAX(float, f32)
SOFTMAX(double, f64)

/* Tensors: x, y. */
rl_status rl_cpu_softmax(const rl_launch *l, rl_err *err)
{
    const rl_shape *s = &l->shape;
    if (l->precision == RL_PREC_FP32)
        rl_cpu_softmax_rows_f32(s->rows, s->cols, RL_T(l, 0, float), RL_T(l, 1, float));
    else if (l->precision == RL_PREC_FP64)
        rl_cpu_softmax_rows_f64(s->rows, s->cols, RL_T(l, 0, double), RL_T(l, 1, double));
    else
        return rl_cpu_refuse(l, err);
    return RL_OK;
}
