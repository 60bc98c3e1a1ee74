/* The STREAM-style bandwidth probes (as in BabelStream): copy c = a and
 * triad a = b + scale * c, split across threads by one static partition of
 * the elements. shape.iters > 1 repeats the pass (a cache-sized working set
 * then stays hot, for the ceilings' working-set sweep). The passes run in
 * one parallel region with no barrier between them; each thread keeps its
 * own slice (the split schedule(static) makes) in every pass, so the slice
 * stays in that core's caches. */
#include <omp.h>

#include "kernels/cpu/rl_cpu.h"

#define STREAM(T, S)                                                                          \
    static void copy_##S(int64_t n, int64_t passes, const T *restrict a, T *restrict c)       \
    {                                                                                         \
        _Pragma("omp parallel")                                                               \
        {                                                                                     \
            int64_t lo, hi;                                                                   \
            rl_thread_slice(n, &lo, &hi);                                                     \
            for (int64_t p = 0; p < passes; p++) {                                            \
                _Pragma("omp simd") for (int64_t i = lo; i < hi; i++) c[i] = a[i];            \
            }                                                                                 \
        }                                                                                     \
    }                                                                                         \
    static void triad_##S(int64_t n, int64_t passes, T scale, const T *restrict b,            \
                          const T *restrict c, T *restrict a)                                 \
    {                                                                                         \
        _Pragma("omp parallel")                                                               \
        {                                                                                     \
            int64_t lo, hi;                                                                   \
            rl_thread_slice(n, &lo, &hi);                                                     \
            for (int64_t p = 0; p < passes; p++) {                                            \
                _Pragma("omp simd") for (int64_t i = lo; i < hi; i++) a[i] =                  \
                    b[i] + scale * c[i];                                                      \
            }                                                                                 \
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
rl_status rl_cpu_copy(const rl_launch *l, rl_err *err)
{
    const rl_shape *s = &l->shape;
    if (l->precision == RL_PREC_FP32)
        copy_f32(s->count, passes(s), RL_T(l, 0, float), RL_T(l, 1, float));
    else if (l->precision == RL_PREC_FP64)
        copy_f64(s->count, passes(s), RL_T(l, 0, double), RL_T(l, 1, double));
    else
        return rl_cpu_refuse(l, err);
    return RL_OK;
}

/* Tensors: b, c, a. */
rl_status rl_cpu_triad(const rl_launch *l, rl_err *err)
{
    const rl_shape *s = &l->shape;
    if (l->precision == RL_PREC_FP32)
        triad_f32(s->count, passes(s), (float)l->params.scale, RL_T(l, 0, float),
                  RL_T(l, 1, float), RL_T(l, 2, float));
    else if (l->precision == RL_PREC_FP64)
        triad_f64(s->count, passes(s), l->params.scale, RL_T(l, 0, double), RL_T(l, 1, double),
                  RL_T(l, 2, double));
    else
        return rl_cpu_refuse(l, err);
    return RL_OK;
}
