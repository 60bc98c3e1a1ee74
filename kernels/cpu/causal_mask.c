/* Unfused building block: the causal mask. Row r keeps its first
 * rl_mask_visible keys (model/rl_ops.h); the rest become -inf, which
 * softmax turns into 0. Only the kept part of x is read. */
#include "kernels/cpu/rl_cpu.h"

#define CAUSAL_MASK(T, S)                                                                     \
    void rl_cpu_causal_mask_##S(const rl_shape *mask, const T *restrict x, T *restrict y)     \
    {                                                                                         \
        const int64_t rows = mask->rows, cols = mask->cols;                                   \
        _Pragma("omp parallel for schedule(static)") for (int64_t r = 0; r < rows; r++)       \
        {                                                                                     \
            const int64_t o = r * cols, seen = rl_mask_visible(mask, r);                      \
            _Pragma("omp simd") for (int64_t j = 0; j < seen; j++) y[o + j] = x[o + j];       \
            _Pragma("omp simd") for (int64_t j = seen; j < cols; j++) y[o + j] = (T)-INFINITY; \
        }                                                                                     \
    }

CAUSAL_MASK(float, f32)
CAUSAL_MASK(double, f64)
