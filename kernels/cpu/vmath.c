/* exp over arrays through the same vector body and scalar tail the kernels
 * use, compiled with the kernels' flags: the tests check SLEEF's accuracy
 * at the ISA the kernels were built for. */
#include "kernels/cpu/rl_cpu_exp.h"
#include "kernels/cpu/rl_cpu.h"

#define EXP_ARRAY(T, S)                                                                       \
    void rl_cpu_exp_##S(int64_t n, const T *restrict x, T *restrict y)                        \
    {                                                                                         \
        int64_t j = 0;                                                                        \
        for (; j + RL_VLEN_##S <= n; j += RL_VLEN_##S)                                        \
            rl_vstore_##S(y + j, rl_vexp_##S(rl_vload_##S(x + j)));                           \
        for (; j < n; j++)                                                                    \
            y[j] = rl_exp1_##S(x[j]);                                                         \
    }

EXP_ARRAY(float, f32)
EXP_ARRAY(double, f64)

const char *rl_cpu_vmath_isa(void)
{
    return RL_VMATH_ISA;
}

int rl_cpu_vmath_lanes_f32(void)
{
    return RL_VLEN_f32;
}
