/* The STREAM-style bandwidth probes (as in BabelStream): copy c = a and
 * triad a = b + scale * c, split across threads by one static partition of
 * the elements. shape.iters > 1 repeats the pass (a cache-sized working set
 * then stays hot, for the ceilings' working-set sweep). The passes run in
 * one parallel region with no barrier between them; each thread keeps its
 * own slice (the split schedule(static) makes) in every pass, so the slice
 * stays in that core's caches. An output of at least the backend's
 * streaming size (the last-level cache) is written with streaming stores,
 * as the row kernels write theirs: the measured DRAM roof is then memory's
 * rate at the minimum traffic the model counts (copy: 8 bytes an fp32
 * element), not inflated by a read-for-ownership of c the kernels do not
 * pay. */
#include <omp.h>

#include "kernels/cpu/rl_cpu.h"

#define STREAM(T, S)                                                                          \
    /* The first index from lo at which out is vector-aligned (at most hi). */                \
    static inline int64_t aligned_from_##S(const T *out, int64_t lo, int64_t hi)              \
    {                                                                                         \
        while (lo < hi && (uintptr_t)(out + lo) % sizeof(rl_v_##S) != 0)                      \
            lo++;                                                                             \
        return lo;                                                                            \
    }                                                                                         \
    static void copy_##S(int64_t n, int64_t passes, const T *restrict a, T *restrict c,       \
                         bool stream)                                                         \
    {                                                                                         \
        _Pragma("omp parallel")                                                               \
        {                                                                                     \
            int64_t lo, hi;                                                                   \
            rl_thread_slice(n, &lo, &hi);                                                     \
            for (int64_t p = 0; p < passes; p++) {                                            \
                int64_t i = lo;                                                               \
                if (stream) {                                                                 \
                    for (const int64_t v = aligned_from_##S(c, lo, hi); i < v; i++)           \
                        c[i] = a[i];                                                          \
                    for (; i + RL_VLEN_##S <= hi; i += RL_VLEN_##S)                           \
                        rl_vput_##S(c + i, rl_vload_##S(a + i), true);                        \
                }                                                                             \
                _Pragma("omp simd") for (int64_t k = i; k < hi; k++) c[k] = a[k];             \
            }                                                                                 \
            if (stream)                                                                       \
                rl_stream_fence();                                                            \
        }                                                                                     \
    }                                                                                         \
    static void triad_##S(int64_t n, int64_t passes, T scale, const T *restrict b,            \
                          const T *restrict c, T *restrict a, bool stream)                    \
    {                                                                                         \
        _Pragma("omp parallel")                                                               \
        {                                                                                     \
            int64_t lo, hi;                                                                   \
            rl_thread_slice(n, &lo, &hi);                                                     \
            for (int64_t p = 0; p < passes; p++) {                                            \
                int64_t i = lo;                                                               \
                if (stream) {                                                                 \
                    for (const int64_t v = aligned_from_##S(a, lo, hi); i < v; i++)           \
                        a[i] = b[i] + scale * c[i];                                           \
                    for (; i + RL_VLEN_##S <= hi; i += RL_VLEN_##S) {                         \
                        const rl_v_##S v = rl_vload_##S(b + i) + scale * rl_vload_##S(c + i); \
                        rl_vput_##S(a + i, v, true);                                          \
                    }                                                                         \
                }                                                                             \
                _Pragma("omp simd") for (int64_t k = i; k < hi; k++) a[k] = b[k] + scale * c[k]; \
            }                                                                                 \
            if (stream)                                                                       \
                rl_stream_fence();                                                            \
        }                                                                                     \
    }

/* This thread's slice of n elements, as schedule(static) splits them: equal
 * parts, the first n mod threads one longer. */
static inline void rl_thread_slice(int64_t n, int64_t *lo, int64_t *hi)
{
    const int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
    const int64_t q = n / nt, r = n % nt;
    *lo = t * q + (t < r ? t : r);
    *hi = *lo + q + (t < r ? 1 : 0);
}

STREAM(float, f32)
STREAM(double, f64)

static int64_t passes(const rl_shape *s)
{
    return s->iters > 1 ? s->iters : 1;
}

/* Tensors: a, c. */
RL_CPU_ENTRY(rl_cpu_copy)
{
    const rl_shape *s = &l->shape;
    if (l->precision == RL_PREC_FP32)
        copy_f32(s->count, passes(s), RL_T(l, 0, float), RL_T(l, 1, float),
                 rl_cpu_streams(ctx, s->count, sizeof(float)));
    else if (l->precision == RL_PREC_FP64)
        copy_f64(s->count, passes(s), RL_T(l, 0, double), RL_T(l, 1, double),
                 rl_cpu_streams(ctx, s->count, sizeof(double)));
    else
        return rl_cpu_refuse(l, err);
    return RL_OK;
}

/* Tensors: b, c, a. */
RL_CPU_ENTRY(rl_cpu_triad)
{
    const rl_shape *s = &l->shape;
    if (l->precision == RL_PREC_FP32)
        triad_f32(s->count, passes(s), (float)l->params.scale, RL_T(l, 0, float),
                  RL_T(l, 1, float), RL_T(l, 2, float),
                  rl_cpu_streams(ctx, s->count, sizeof(float)));
    else if (l->precision == RL_PREC_FP64)
        triad_f64(s->count, passes(s), l->params.scale, RL_T(l, 0, double), RL_T(l, 1, double),
                  RL_T(l, 2, double), rl_cpu_streams(ctx, s->count, sizeof(double)));
    else
        return rl_cpu_refuse(l, err);
    return RL_OK;
}
