/* Vector exp and exp2 from SLEEF, at the widest vector width the compile
 * target has, chosen at compile time from the ISA macros the compiler sets
 * (-march=native, or the baseline x86-64 / aarch64 without it):
 *
 *   AVX-512F  16 x fp32,  8 x fp64   Sleef_expf16_u10avx512f ...
 *   AVX2+FMA   8 x fp32,  4 x fp64   Sleef_expf8_u10avx2 ...
 *   AVX        8 x fp32,  4 x fp64   Sleef_expf8_u10avx ...
 *   SSE4.1     4 x fp32,  2 x fp64   Sleef_expf4_u10sse4 ...
 *   SSE2       4 x fp32,  2 x fp64   Sleef_expf4_u10sse2 ...   (baseline x86-64)
 *   AdvSIMD    4 x fp32,  2 x fp64   Sleef_expf4_u10advsimd ... (aarch64)
 *   otherwise  1 lane                Sleef_expf_u10 ...        (scalar SLEEF)
 *
 * Accuracy: SLEEF's 1-ulp exp (`_u10`, the only exp it has). No tanh: GELU
 * is computed through exp (see rl_vgelu in rl_cpu.h), since on this
 * project's AVX-512 VM SLEEF's fastest tanhf (3.5 ulp) costs 0.50 ns an
 * element on one core against 0.27 ns for expf (1 ulp), and the 1-ulp
 * tanhf 1.44 ns.
 *
 * The kernels do their arithmetic on GCC vector types (rl_v_f32, rl_v_f64,
 * the same registers as SLEEF's __m512 / float32x4_t ...), so one loop body
 * serves every width; a row's tail (n mod lanes) goes through SLEEF's
 * scalar functions of the same accuracy. Internal to kernels/cpu/. */
#ifndef RL_VMATH_H
#define RL_VMATH_H

#include <sleef.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#if defined(__AVX512F__)
#define RL_VMATH_ISA "avx512f"
#define RL_VLEN_f32 16
#define RL_VLEN_f64 8
#define RL_SLEEF_f32(fn, ulp) Sleef_##fn##f16_##ulp##avx512f
#define RL_SLEEF_f64(fn, ulp) Sleef_##fn##d8_##ulp##avx512f
#elif defined(__AVX2__) && defined(__FMA__)
#define RL_VMATH_ISA "avx2"
#define RL_VLEN_f32 8
#define RL_VLEN_f64 4
#define RL_SLEEF_f32(fn, ulp) Sleef_##fn##f8_##ulp##avx2
#define RL_SLEEF_f64(fn, ulp) Sleef_##fn##d4_##ulp##avx2
#elif defined(__AVX__)
#define RL_VMATH_ISA "avx"
#define RL_VLEN_f32 8
#define RL_VLEN_f64 4
#define RL_SLEEF_f32(fn, ulp) Sleef_##fn##f8_##ulp##avx
#define RL_SLEEF_f64(fn, ulp) Sleef_##fn##d4_##ulp##avx
#elif defined(__SSE4_1__)
#define RL_VMATH_ISA "sse4"
#define RL_VLEN_f32 4
#define RL_VLEN_f64 2
#define RL_SLEEF_f32(fn, ulp) Sleef_##fn##f4_##ulp##sse4
#define RL_SLEEF_f64(fn, ulp) Sleef_##fn##d2_##ulp##sse4
#elif defined(__SSE2__)
#define RL_VMATH_ISA "sse2"
#define RL_VLEN_f32 4
#define RL_VLEN_f64 2
#define RL_SLEEF_f32(fn, ulp) Sleef_##fn##f4_##ulp##sse2
#define RL_SLEEF_f64(fn, ulp) Sleef_##fn##d2_##ulp##sse2
#elif defined(__aarch64__) && defined(__ARM_NEON)
#define RL_VMATH_ISA "advsimd"
#define RL_VLEN_f32 4
#define RL_VLEN_f64 2
#define RL_SLEEF_f32(fn, ulp) Sleef_##fn##f4_##ulp##advsimd
#define RL_SLEEF_f64(fn, ulp) Sleef_##fn##d2_##ulp##advsimd
#else
#define RL_VMATH_ISA "scalar"
#define RL_VLEN_f32 1
#define RL_VLEN_f64 1
#define RL_SLEEF_f32(fn, ulp) Sleef_##fn##f_##ulp
#define RL_SLEEF_f64(fn, ulp) Sleef_##fn##_##ulp
#endif

/* Non-temporal ("streaming") stores of a whole vector to an address aligned
 * to the vector's size: the line goes to memory without being read first
 * (no read-for-ownership) and without displacing cached data. x86 has them
 * at every width; elsewhere (aarch64) a plain store stands in: GCC has no
 * portable spelling of STNP, and Arm's Cortex-A cores have a write-streaming
 * mode that skips the read of fully written lines (not measured here). */
#if defined(__AVX512F__)
#include <immintrin.h>
#define RL_VSTREAMS 1
#define RL_VSTREAM_f32(p, v) _mm512_stream_ps((p), (__m512)(v))
#define RL_VSTREAM_f64(p, v) _mm512_stream_pd((p), (__m512d)(v))
#elif defined(__AVX__)
#include <immintrin.h>
#define RL_VSTREAMS 1
#define RL_VSTREAM_f32(p, v) _mm256_stream_ps((p), (__m256)(v))
#define RL_VSTREAM_f64(p, v) _mm256_stream_pd((p), (__m256d)(v))
#elif defined(__SSE2__)
#include <immintrin.h>
#define RL_VSTREAMS 1
#define RL_VSTREAM_f32(p, v) _mm_stream_ps((p), (__m128)(v))
#define RL_VSTREAM_f64(p, v) _mm_stream_pd((p), (__m128d)(v))
#else
#define RL_VSTREAMS 0
#define RL_VSTREAM_f32(p, v) memcpy((p), &(v), sizeof(v))
#define RL_VSTREAM_f64(p, v) memcpy((p), &(v), sizeof(v))
#endif

/* Streaming stores are weakly ordered: each thread fences its own before
 * the parallel region ends, so whoever reads the output next sees it. */
static inline void rl_stream_fence(void)
{
#if RL_VSTREAMS
    _mm_sfence();
#endif
}

typedef float rl_v_f32 __attribute__((vector_size(RL_VLEN_f32 * sizeof(float))));
typedef double rl_v_f64 __attribute__((vector_size(RL_VLEN_f64 * sizeof(double))));

/* A SLEEF function applied to a vector of ours: SLEEF's vector types
 * (__m512, float32x4_t ...) are the same registers, so the argument converts
 * as it is; one lane goes through the scalar function. */
#if RL_VLEN_f32 > 1
#define RL_VCALL(S, fn, ulp, v) ((rl_v_##S)RL_SLEEF_##S(fn, ulp)(v))
#else
#define RL_VCALL(S, fn, ulp, v) ((rl_v_##S){RL_SLEEF_##S(fn, ulp)((v)[0])})
#endif

/* Stamped out per type: unaligned load and store, the sum of the lanes, and
 * exp of a vector and of one value (for a row's tail). */
#define RL_VMATH(T, S, scalar_suffix)                                                         \
    static inline rl_v_##S rl_vload_##S(const T *p)                                           \
    {                                                                                         \
        rl_v_##S v;                                                                           \
        memcpy(&v, p, sizeof v);                                                              \
        return v;                                                                             \
    }                                                                                         \
    static inline void rl_vstore_##S(T *p, rl_v_##S v)                                        \
    {                                                                                         \
        memcpy(p, &v, sizeof v);                                                              \
    }                                                                                         \
    /* A whole vector to p: streamed (p aligned to the vector) or stored. */                  \
    static inline void rl_vput_##S(T *p, rl_v_##S v, bool stream)                             \
    {                                                                                         \
        if (stream)                                                                           \
            RL_VSTREAM_##S(p, v);                                                             \
        else                                                                                  \
            memcpy(p, &v, sizeof v);                                                          \
    }                                                                                         \
    static inline T rl_vsum_##S(rl_v_##S v)                                                   \
    {                                                                                         \
        T s = 0;                                                                              \
        for (int i = 0; i < RL_VLEN_##S; i++)                                                 \
            s += v[i];                                                                        \
        return s;                                                                             \
    }                                                                                         \
    static inline rl_v_##S rl_vexp_##S(rl_v_##S v)                                            \
    {                                                                                         \
        return RL_VCALL(S, exp, u10, v);                                                      \
    }                                                                                         \
    static inline T rl_exp1_##S(T v)                                                          \
    {                                                                                         \
        return Sleef_exp##scalar_suffix##_u10(v);                                             \
    }                                                                                         \
    /* 2^v, 1 ulp: the kernels' exp(a x + b) is exp2 of (a log2 e) x +                        \
     * (b log2 e), the constant folded into the multiply the argument has                     \
     * anyway; SLEEF's exp2 costs 0.27 ns an fp32 element on one core of                      \
     * the AVX-512 VM against 0.32 for exp, 0.88 against 1.13 in fp64. */                     \
    static inline rl_v_##S rl_vexp2_##S(rl_v_##S v)                                           \
    {                                                                                         \
        return RL_VCALL(S, exp2, u10, v);                                                     \
    }                                                                                         \
    static inline T rl_exp2_1_##S(T v)                                                        \
    {                                                                                         \
        return Sleef_exp2##scalar_suffix##_u10(v);                                            \
    }

RL_VMATH(float, f32, f)
RL_VMATH(double, f64, )

#endif
