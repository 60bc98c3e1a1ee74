/* The CPU kernels' exp over arrays, through the same vector body and scalar
 * tail the kernels use, compiled with their flags (vmath.c): what the tests
 * check SLEEF's accuracy on. Plain C, no vector types, so any translation
 * unit can include it whatever its target flags. */
#ifndef RL_CPU_EXP_H
#define RL_CPU_EXP_H

#include <stdint.h>

void rl_cpu_exp_f32(int64_t n, const float *restrict x, float *restrict y);
void rl_cpu_exp_f64(int64_t n, const double *restrict x, double *restrict y);

/* The vector maths the kernels were compiled with: "avx512f", "avx2", "avx",
 * "sse4", "sse2", "advsimd" or "scalar", and its fp32 lanes. */
const char *rl_cpu_vmath_isa(void);
int rl_cpu_vmath_lanes_f32(void);

#endif
