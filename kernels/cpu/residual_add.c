/* Unfused building block: h = x + r, elementwise. */
#include "kernels/cpu/rl_cpu.h"

#define RESIDUAL_ADD(T, S)                                                                    \
    void rl_cpu_residual_add_##S(int64_t n, const T *restrict x, const T *restrict r,         \
                                 T *restrict h)                                               \
    {                                                                                         \
        _Pragma("omp parallel for simd schedule(static)") for (int64_t i = 0; i < n; i++)     \
            h[i] = x[i] + r[i];                                                               \
    }

RESIDUAL_ADD(float, f32)
RESIDUAL_ADD(double, f64)
