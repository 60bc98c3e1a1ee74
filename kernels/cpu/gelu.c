/* Unfused building block: y = gelu(x) (tanh form), elementwise. */
#include "kernels/cpu/rl_cpu.h"

#define GELU(T, S)                                                                            \
    void rl_cpu_gelu_##S(int64_t n, const T *restrict x, T *restrict y)                       \
    {                                                                                         \
        _Pragma("omp parallel for simd schedule(static)") for (int64_t i = 0; i < n; i++)     \
            y[i] = rl_gelu_##S(x[i]);                                                         \
    }

GELU(float, f32)
GELU(double, f64)
