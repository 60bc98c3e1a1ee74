/* Unfused building block: y = scale * x, elementwise. */
#include "kernels/cpu/rl_cpu.h"

#define SCALE(T, S)                                                                           \
    void rl_cpu_scale_##S(int64_t n, T scale, const T *restrict x, T *restrict y)             \
    {                                                                                         \
        _Pragma("omp parallel for simd schedule(static)") for (int64_t i = 0; i < n; i++)     \
            y[i] = scale * x[i];                                                              \
    }

SCALE(float, f32)
SCALE(double, f64)
