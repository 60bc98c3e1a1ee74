/* LayerNorm and residual-add + LayerNorm over rows, a block of rows at a
 * time, pipelined so that memory streams in both directions at once as it
 * does in copy:
 *
 *   stream    block b+1: v = x (+ residual, stored to h), row sums of v
 *   moments   block b:   mean = sum / n, then the centred sum of squares
 *                        over the block's rows, now in L1/L2 (exact two-pass)
 *   normalise block b:   y = (v - mean) rstd gamma + beta
 *
 * v is taken again from x (+ residual) in cache, never read back from h, so
 * h can be streamed to memory like y (rl_cpu_streams).
 *
 * "stream" of block b+1 and "normalise" of block b run in one loop over the
 * columns, so the next rows' loads and this block's stores are in flight
 * together, and gamma and beta are loaded once per column for every row of
 * the block. On the 2-core AMD EPYC VM this took LayerNorm from about 64 %
 * to about 85 % of the same run's copy, both with plain stores
 * (docs/performance.md has the measurements, the block sizes tried and the
 * variants that lost).
 * Threads take chunks of rows as they come free; within a chunk the "next
 * block" is the thread's own. Streaming h and y made the two 1.43x and
 * 1.34x faster there again (median of three processes' medians,
 * docs/performance.md, 2026-12-02). Internal to kernels/cpu/. */
#ifndef RL_LAYERNORM_BLOCK_H
#define RL_LAYERNORM_BLOCK_H

#include <omp.h>

#include "kernels/cpu/rl_cpu.h"

/* Rows per block: 4 measured ahead of 1 and 2 here, and of 2, 6 and 8 in a
 * prototype. residual+LayerNorm takes 2: its block streams two inputs and
 * two outputs a row, and 2 rows keep it at LayerNorm's 8 streams to and from
 * memory; 2 measured ahead of 4 (and 8) with streaming stores
 * (docs/performance.md, attempt 29). */
#define RL_LN_BLOCK 4
#define RL_LN_BLOCK_RESIDUAL 2

/* Rows per chunk a thread takes at a time (dynamic schedule), at most: on
 * the shared VM a static half each left one thread finishing alone, and 64
 * measured ahead of a static split and of 256. */
#define RL_LN_CHUNK 64

#define RL_CPU_LAYERNORM_BLOCK(T, S)                                                          \
    /* Stream rows [0, nin) of the next block (x, res: NULL for plain                         \
     * LayerNorm; h: where x + res goes) and sum them into sum[]; normalise                   \
     * rows [0, nout) of this block (vx, vres: its x and res rows, still in                   \
     * cache; mean, rstd) into y. h and y are streamed if asked. */                           \
    static inline __attribute__((always_inline)) void rl_ln_stream_normalise_##S(             \
        int64_t n, int nin, const T *restrict x, const T *restrict res, T *restrict h,        \
        T *sum, int nout, const T *vx, const T *vres, const T *mean, const T *rstd,           \
        const T *restrict gamma, const T *restrict beta, T *restrict y, bool stream)          \
    {                                                                                         \
        rl_v_##S acc[RL_LN_BLOCK] = {{0}};                                                    \
        int64_t j = 0;                                                                        \
        for (; j + RL_VLEN_##S <= n; j += RL_VLEN_##S) {                                      \
            for (int i = 0; i < nin; i++) {                                                   \
                rl_v_##S a = rl_vload_##S(x + i * n + j);                                     \
                if (res) {                                                                    \
                    a += rl_vload_##S(res + i * n + j);                                       \
                    rl_vput_##S(h + i * n + j, a, stream);                                    \
                }                                                                             \
                acc[i] += a;                                                                  \
            }                                                                                 \
            if (nout > 0) {                                                                   \
                const rl_v_##S g = rl_vload_##S(gamma + j), b = rl_vload_##S(beta + j);       \
                for (int i = 0; i < nout; i++) {                                              \
                    rl_v_##S v = rl_vload_##S(vx + i * n + j);                                \
                    if (vres)                                                                 \
                        v += rl_vload_##S(vres + i * n + j);                                  \
                    rl_vput_##S(y + i * n + j, (v - mean[i]) * rstd[i] * g + b, stream);      \
                }                                                                             \
            }                                                                                 \
        }                                                                                     \
        for (int i = 0; i < nin; i++) {                                                       \
            T s = rl_vsum_##S(acc[i]);                                                        \
            for (int64_t k = j; k < n; k++) {                                                 \
                const T a = res ? x[i * n + k] + res[i * n + k] : x[i * n + k];               \
                if (res)                                                                      \
                    h[i * n + k] = a;                                                         \
                s += a;                                                                       \
            }                                                                                 \
            sum[i] = s;                                                                       \
        }                                                                                     \
        for (int i = 0; i < nout; i++)                                                        \
            for (int64_t k = j; k < n; k++) {                                                 \
                const T v = vres ? vx[i * n + k] + vres[i * n + k] : vx[i * n + k];           \
                y[i * n + k] = (v - mean[i]) * rstd[i] * gamma[k] + beta[k];                  \
            }                                                                                 \
    }                                                                                         \
    /* The full-block case with constant counts, so the compiler unrolls                      \
     * the loops over the block's rows; partial blocks take the general one. */               \
    static inline void rl_ln_step_##S(int64_t n, int nin, const T *x, const T *res, T *h,     \
                                      T *sum, int nout, const T *vx, const T *vres,           \
                                      const T *mean, const T *rstd, const T *gamma,           \
                                      const T *beta, T *y, bool stream)                       \
    {                                                                                         \
        if (nin == RL_LN_BLOCK && nout == RL_LN_BLOCK)                                        \
            rl_ln_stream_normalise_##S(n, RL_LN_BLOCK, x, res, h, sum, RL_LN_BLOCK, vx, vres, \
                                       mean, rstd, gamma, beta, y, stream);                   \
        else if (nin == RL_LN_BLOCK_RESIDUAL && nout == RL_LN_BLOCK_RESIDUAL)                 \
            rl_ln_stream_normalise_##S(n, RL_LN_BLOCK_RESIDUAL, x, res, h, sum,               \
                                       RL_LN_BLOCK_RESIDUAL, vx, vres, mean, rstd, gamma,     \
                                       beta, y, stream);                                      \
        else                                                                                  \
            rl_ln_stream_normalise_##S(n, nin, x, res, h, sum, nout, vx, vres, mean, rstd,    \
                                       gamma, beta, y, stream);                               \
    }                                                                                         \
    /* mean and 1/sqrt(var + eps), biased variance, of nb rows x (+ res)                      \
     * whose sums are known; the centred pass reads rows still in cache. */                   \
    static inline void rl_ln_moments_##S(int64_t n, int nb, T eps, const T *restrict x,       \
                                         const T *restrict res, const T *sum, T *mean,        \
                                         T *rstd)                                             \
    {                                                                                         \
        for (int i = 0; i < nb; i++) {                                                        \
            const T mu = sum[i] / (T)n, *xr = x + i * n;                                      \
            T ss = 0;                                                                         \
            if (res) {                                                                        \
                const T *rr = res + i * n;                                                    \
                _Pragma("omp simd reduction(+ : ss)") for (int64_t k = 0; k < n; k++)         \
                {                                                                             \
                    const T d = xr[k] + rr[k] - mu;                                           \
                    ss += d * d;                                                              \
                }                                                                             \
            } else {                                                                          \
                _Pragma("omp simd reduction(+ : ss)") for (int64_t k = 0; k < n; k++)         \
                {                                                                             \
                    const T d = xr[k] - mu;                                                   \
                    ss += d * d;                                                              \
                }                                                                             \
            }                                                                                 \
            mean[i] = mu;                                                                     \
            rstd[i] = 1 / sqrt(ss / (T)n + eps);                                              \
        }                                                                                     \
    }                                                                                         \
    /* Rows [r, hi) through the pipeline, block after block. */                               \
    static inline void rl_ln_range_##S(int64_t r, int64_t hi, int64_t n, T eps, const T *x,   \
                                       const T *res, T *h, const T *gamma, const T *beta,     \
                                       T *y, bool stream)                                     \
    {                                                                                         \
        T sum[RL_LN_BLOCK], mean[RL_LN_BLOCK], rstd[RL_LN_BLOCK];                             \
        const int64_t block = res ? RL_LN_BLOCK_RESIDUAL : RL_LN_BLOCK;                       \
        int nb = (int)(hi - r < block ? hi - r : block);                                      \
        if (nb > 0)                                                                           \
            rl_ln_step_##S(n, nb, x + r * n, res ? res + r * n : NULL,                        \
                           res ? h + r * n : NULL, sum, 0, NULL, NULL, NULL, NULL, gamma,     \
                           beta, NULL, stream);                                               \
        while (nb > 0) {                                                                      \
            rl_ln_moments_##S(n, nb, eps, x + r * n, res ? res + r * n : NULL, sum, mean,     \
                              rstd);                                                          \
            const int64_t next = r + nb;                                                      \
            const int nn = (int)(hi - next < block ? hi - next : block);                      \
            rl_ln_step_##S(n, nn, x + next * n, res ? res + next * n : NULL,                  \
                           res ? h + next * n : NULL, sum, nb, x + r * n,                     \
                           res ? res + r * n : NULL, mean, rstd, gamma, beta, y + r * n,      \
                           stream);                                                           \
            r = next;                                                                         \
            nb = nn;                                                                          \
        }                                                                                     \
    }                                                                                         \
    /* y = LayerNorm(x + res) (res and h NULL: y = LayerNorm(x)), rows x n:                   \
     * chunks of rows handed out as threads come free: at most RL_LN_CHUNK                    \
     * rows and at most a thread's share, so a call of few rows is still                      \
     * split across the threads, but never under a block. h and y are                       \
     * streamed if asked and their rows are vector-aligned: h is never read                   \
     * back (the moments and the normalised values take x + res again from                    \
     * the rows of x and res in cache). */                                                                           \
    static inline void rl_ln_rows_##S(int64_t rows, int64_t n, T eps, const T *x,             \
                                      const T *res, T *h, const T *gamma, const T *beta,      \
                                      T *y, bool stream)                                      \
    {                                                                                         \
        stream = stream && rl_rows_stream_aligned(y, n, sizeof(T)) &&                         \
                 (!h || rl_rows_stream_aligned(h, n, sizeof(T)));                             \
        const int64_t share = (rows + omp_get_max_threads() - 1) / omp_get_max_threads();     \
        const int64_t chunk = share < RL_LN_BLOCK   ? RL_LN_BLOCK                             \
                              : share > RL_LN_CHUNK ? RL_LN_CHUNK                             \
                                                    : share;                                  \
        const int64_t chunks = (rows + chunk - 1) / chunk;                                    \
        _Pragma("omp parallel")                                                               \
        {                                                                                     \
            _Pragma("omp for schedule(dynamic, 1)") for (int64_t c = 0; c < chunks; c++)      \
            {                                                                                 \
                const int64_t lo = c * chunk, left = rows - lo;                               \
                rl_ln_range_##S(lo, lo + (left < chunk ? left : chunk), n, eps, x, res, h,    \
                                gamma, beta, y, stream);                                      \
            }                                                                                 \
            if (stream)                                                                       \
                rl_stream_fence();                                                            \
        }                                                                                     \
    }

RL_CPU_LAYERNORM_BLOCK(float, f32)
RL_CPU_LAYERNORM_BLOCK(double, f64)

#endif
