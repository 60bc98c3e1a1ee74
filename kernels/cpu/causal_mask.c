/* Unfused building block: the causal mask. Row r is query position
 * q = r mod cols; keys j > q become -inf, which softmax turns into 0. */
#include "kernels/cpu/rl_cpu.h"

#define CAUSAL_MASK(T, S)                                                                     \
    void rl_cpu_causal_mask_##S(int64_t rows, int64_t cols, const T *restrict x,              \
                                T *restrict y)                                                \
    {                                                                                         \
        _Pragma("omp parallel for schedule(static)") for (int64_t r = 0; r < rows; r++)       \
        {                                                                                     \
            const int64_t o = r * cols, q = r % cols;                                         \
            _Pragma("omp simd") for (int64_t j = 0; j < cols; j++) y[o + j] =                 \
                j > q ? (T)-INFINITY : x[o + j];                                              \
        }                                                                                     \
    }

CAUSAL_MASK(float, f32)
CAUSAL_MASK(double, f64)
