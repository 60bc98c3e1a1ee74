/* The FMA throughput probe (definition in kernels/ref/rl_ref.h): each
 * element runs iters dependent steps v = fma(v, 1/2, 1/2).
 *
 * One chain is latency-bound (an FMA waits ~4 cycles for the last one), so
 * each thread works on a block of elements at a time: the block fills
 * RL_FMA_CHAINS vector registers, RL_FMA_CHAINS independent chains, enough
 * to keep two FMA pipes busy across the latency, and small enough to stay in
 * registers (AVX2 has 16). The block is loaded once, iterated in registers,
 * and stored once, so memory plays no part. Blocks are split across threads
 * statically; the last, partial block runs padded. */
#include <string.h>

#include "kernels/cpu/rl_cpu.h"
#include "kernels/ref/rl_ref.h"

#if defined(__AVX512F__)
#define RL_VEC_BYTES 64
#elif defined(__AVX__)
#define RL_VEC_BYTES 32
#else
#define RL_VEC_BYTES 16 /* SSE, NEON */
#endif
#define RL_FMA_CHAINS 12

#define FMA_PROBE(T, S)                                                                       \
    enum { BLOCK_##S = RL_VEC_BYTES * RL_FMA_CHAINS / (int)sizeof(T) };                       \
    static void fma_probe_##S(int64_t n, int64_t iters, const T *restrict x, T *restrict y)   \
    {                                                                                         \
        const T a = (T)RL_FMA_PROBE_A, b = (T)RL_FMA_PROBE_B;                                 \
        const int64_t blocks = (n + BLOCK_##S - 1) / BLOCK_##S;                               \
        _Pragma("omp parallel for schedule(static)") for (int64_t blk = 0; blk < blocks;      \
                                                          blk++)                              \
        {                                                                                     \
            const int64_t first = blk * BLOCK_##S;                                            \
            const int64_t len = n - first < BLOCK_##S ? n - first : BLOCK_##S;                \
            T v[BLOCK_##S];                                                                   \
            for (int j = 0; j < BLOCK_##S; j++)                                               \
                v[j] = 0;                                                                     \
            memcpy(v, x + first, (size_t)len * sizeof(T));                                    \
            for (int64_t it = 0; it < iters; it++) {                                          \
                _Pragma("omp simd") for (int j = 0; j < BLOCK_##S; j++) v[j] =                \
                    fma(v[j], a, b);                                                          \
            }                                                                                 \
            memcpy(y + first, v, (size_t)len * sizeof(T));                                    \
        }                                                                                     \
    }

FMA_PROBE(float, f32)
FMA_PROBE(double, f64)

/* Tensors: x, y. */
RL_CPU_ENTRY(rl_cpu_fma)
{
    (void)ctx;
    if (l->precision == RL_PREC_FP32)
        fma_probe_f32(l->shape.count, l->shape.iters, RL_T(l, 0, float), RL_T(l, 1, float));
    else if (l->precision == RL_PREC_FP64)
        fma_probe_f64(l->shape.count, l->shape.iters, RL_T(l, 0, double), RL_T(l, 1, double));
    else
        return rl_cpu_refuse(l, err);
    return RL_OK;
}
