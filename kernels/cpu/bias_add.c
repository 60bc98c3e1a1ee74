/* Unfused building block: y = x + bias[col], row by row. */
#include "kernels/cpu/rl_cpu.h"

#define BIAS_ADD(T, S)                                                                        \
    void rl_cpu_bias_add_##S(int64_t rows, int64_t cols, const T *restrict x,                 \
                             const T *restrict bias, T *restrict y)                           \
    {                                                                                         \
        _Pragma("omp parallel for schedule(static)") for (int64_t r = 0; r < rows; r++)       \
        {                                                                                     \
            const int64_t o = r * cols;                                                       \
            _Pragma("omp simd") for (int64_t j = 0; j < cols; j++) y[o + j] =                 \
                x[o + j] + bias[j];                                                           \
        }                                                                                     \
    }

BIAS_ADD(float, f32)
BIAS_ADD(double, f64)
