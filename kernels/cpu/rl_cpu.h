/* The CPU backend's kernels: one op per file, each in fp32 and fp64.
 *
 * Every kernel is written once over a type T and stamped out for float and
 * double by a macro, so the fp32 kernels do fp32 arithmetic with fp32
 * accumulators. Row ops split rows across OpenMP threads (schedule(static))
 * and vectorise along the row: omp simd where the compiler can, explicit
 * vectors where a loop needs SLEEF's exp or a prefetch (rl_vmath.h);
 * elementwise and streaming ops split elements the same static way.
 * Internal to kernels/cpu/: the harness sees only the backend table. */
#ifndef RL_CPU_H
#define RL_CPU_H

#include <stdint.h>
#include <tgmath.h>

#include "kernels/cpu/rl_vmath.h"
#include "kernels/rl_backend.h"

/* What the backend tells a kernel besides its launch. */
typedef struct rl_cpu_ctx {
    /* Outputs of at least this many bytes are written with streaming
     * stores (rl_vmath.h): the last-level cache's size by default, since
     * an output that large leaves the caches before anyone reads it, and
     * its read-for-ownership would add half again to a row op's traffic. */
    size_t stream_bytes;
} rl_cpu_ctx;

/* One op's entry point: pick the fp32 or fp64 kernel, or refuse. */
typedef rl_status (*rl_cpu_kernel)(const rl_launch *l, const rl_cpu_ctx *ctx, rl_err *err);

/* Whether an output of elems elements of the given size is streamed. */
static inline bool rl_cpu_streams(const rl_cpu_ctx *ctx, int64_t elems, size_t size)
{
    return RL_VSTREAMS && (double)elems * (double)size >= (double)ctx->stream_bytes;
}

/* A thread's scratch row on its stack, for kernels that stream a row they
 * must first compute whole (softmax): 32 KiB, 8192 fp32 or 4096 fp64
 * elements, vector-aligned. */
#define RL_ROW_SCRATCH_BYTES 32768
#define RL_ROW_SCRATCH(T, name)                                                               \
    T name[RL_ROW_SCRATCH_BYTES / sizeof(T)] __attribute__((aligned(sizeof(rl_v_f32))))

/* Whether rows of cols elements of the given size, from y, all start on a
 * vector boundary and hold whole vectors: the row kernels stream only
 * then, and keep plain stores for other shapes. */
static inline bool rl_rows_stream_aligned(const void *y, int64_t cols, size_t size)
{
    return (uintptr_t)y % sizeof(rl_v_f32) == 0 && (cols * (int64_t)size) % sizeof(rl_v_f32) == 0;
}

/* Whether a softmax streams its rows: asked, aligned, and a row fits the
 * scratch row. */
static inline bool rl_softmax_streams(bool stream, const void *y, int64_t cols, size_t size)
{
    return stream && cols * (int64_t)size <= RL_ROW_SCRATCH_BYTES &&
           rl_rows_stream_aligned(y, cols, size);
}

#define RL_CPU_ENTRY(name) rl_status name(const rl_launch *l, const rl_cpu_ctx *ctx, rl_err *err)
RL_CPU_ENTRY(rl_cpu_gemm);
RL_CPU_ENTRY(rl_cpu_layernorm);
RL_CPU_ENTRY(rl_cpu_softmax);
RL_CPU_ENTRY(rl_cpu_residual_layernorm);
RL_CPU_ENTRY(rl_cpu_residual_layernorm_unfused);
RL_CPU_ENTRY(rl_cpu_scale_mask_softmax);
RL_CPU_ENTRY(rl_cpu_scale_mask_softmax_unfused);
RL_CPU_ENTRY(rl_cpu_bias_gelu);
RL_CPU_ENTRY(rl_cpu_bias_gelu_unfused);
RL_CPU_ENTRY(rl_cpu_copy);
RL_CPU_ENTRY(rl_cpu_triad);
RL_CPU_ENTRY(rl_cpu_fma);
RL_CPU_ENTRY(rl_cpu_silu_gate);

/* The error of a kernel asked for a precision it does not have. */
static inline rl_status rl_cpu_refuse(const rl_launch *l, rl_err *err)
{
    return rl_fail(err, RL_ERR_UNSUPPORTED,
                   "cpu backend: %s at %s not supported (the CPU kernels are fp32 and fp64)",
                   rl_op_name(l->op), rl_precision_name(l->precision));
}

/* The building blocks the fused kernels share with the unfused chains.
 * Rows are row-major, cols apart. */
#define RL_CPU_BLOCKS(T, S)                                                                   \
    void rl_cpu_layernorm_rows_##S(int64_t rows, int64_t cols, T eps, const T *restrict x,    \
                                   const T *restrict gamma, const T *restrict beta,           \
                                   T *restrict y, bool stream);                               \
    void rl_cpu_softmax_rows_##S(int64_t rows, int64_t cols, const T *restrict x,             \
                                 T *restrict y, bool stream);                                 \
    void rl_cpu_residual_add_##S(int64_t n, const T *restrict x, const T *restrict r,         \
                                 T *restrict h);                                              \
    void rl_cpu_scale_##S(int64_t n, T scale, const T *restrict x, T *restrict y);            \
    void rl_cpu_causal_mask_##S(const rl_shape *mask, const T *restrict x, T *restrict y);    \
    void rl_cpu_bias_add_##S(int64_t rows, int64_t cols, const T *restrict x,                 \
                             const T *restrict bias, T *restrict y);                          \
    void rl_cpu_gelu_##S(int64_t n, const T *restrict x, T *restrict y, bool stream);

RL_CPU_BLOCKS(float, f32)
RL_CPU_BLOCKS(double, f64)

/* How far ahead a streaming loop prefetches (rl_row_gelu's input and
 * output, the softmax exp pass's output): about what one core's share of
 * DRAM bandwidth delivers in a memory latency. docs/performance.md has the
 * measurements (1, 2 and 4 KiB). */
#define RL_AHEAD 2048

/* log2(e), for exp(u) = 2^(u log2 e). */
#define RL_LOG2E 1.4426950408889634

/* The row after r, for prefetching (r itself at the end; with
 * schedule(static) a thread's rows are consecutive). */
static inline int64_t rl_next_row(int64_t r, int64_t rows)
{
    return r + 1 < rows ? r + 1 : r;
}

/* Inline row pieces, stamped out per type. The softmax pieces take the
 * number of unmasked leading elements and a logit scale, so the plain and
 * the scaled-and-masked softmax share them. */
#define RL_CPU_ROW_HELPERS(T, S)                                                              \
    static inline T rl_row_max_##S(int64_t n, T scale, const T *restrict x)                   \
    {                                                                                         \
        T m = -INFINITY;                                                                      \
        _Pragma("omp simd reduction(max : m)") for (int64_t j = 0; j < n; j++)                \
        {                                                                                     \
            const T v = scale * x[j];                                                         \
            m = v > m ? v : m;                                                                \
        }                                                                                     \
        return m;                                                                             \
    }                                                                                         \
    /* y = exp(scale x - max); returns the sum of y. SLEEF's exp2 has no slow                 \
     * path: 2^-inf is 0 (a masked key) at full speed. The row to do next                     \
     * is prefetched a line per vector meanwhile, and y's lines RL_AHEAD                      \
     * ahead for writing, so memory keeps streaming while this core computes                  \
     * on a row in cache. */                                                                  \
    static inline T rl_row_exp_sum_##S(int64_t n, T scale, T max, const T *restrict x,        \
                                       T *restrict y, const T *next)                          \
    {                                                                                         \
        const T a = scale * (T)RL_LOG2E, b = max * (T)RL_LOG2E; /* exp(u) = 2^(u log2 e) */   \
        rl_v_##S acc = {0};                                                                   \
        int64_t j = 0;                                                                        \
        for (; j + RL_VLEN_##S <= n; j += RL_VLEN_##S) {                                      \
            __builtin_prefetch(next + j);                                                     \
            __builtin_prefetch(y + j + RL_AHEAD / sizeof(T), 1);                              \
            const rl_v_##S e = rl_vexp2_##S(rl_vload_##S(x + j) * a - b);                     \
            rl_vstore_##S(y + j, e);                                                          \
            acc += e;                                                                         \
        }                                                                                     \
        T sum = rl_vsum_##S(acc);                                                             \
        for (; j < n; j++) {                                                                  \
            y[j] = rl_exp2_1_##S(a * x[j] - b);                                               \
            sum += y[j];                                                                      \
        }                                                                                     \
        return sum;                                                                           \
    }                                                                                         \
    static inline void rl_row_mul_##S(int64_t n, T factor, T *restrict y)                     \
    {                                                                                         \
        _Pragma("omp simd") for (int64_t j = 0; j < n; j++) y[j] *= factor;                   \
    }                                                                                         \
    /* y[0, n) = factor e[0, valid), then zeros (valid <= n): a softmax's                     \
     * last pass, from a scratch row e in cache to y, streamed when asked                     \
     * (y aligned to a vector). */                                                            \
    static inline void rl_row_scale_out_##S(int64_t n, int64_t valid, T factor,               \
                                            const T *restrict e, T *restrict y, bool stream)  \
    {                                                                                         \
        int64_t j = 0;                                                                        \
        for (; j + RL_VLEN_##S <= valid; j += RL_VLEN_##S)                                    \
            rl_vput_##S(y + j, rl_vload_##S(e + j) * factor, stream);                         \
        for (; j + RL_VLEN_##S <= n; j += RL_VLEN_##S) {                                      \
            rl_v_##S v = {0};                                                                 \
            for (int k = 0; j + k < valid; k++)                                               \
                v[k] = e[j + k] * factor;                                                     \
            rl_vput_##S(y + j, v, stream);                                                    \
        }                                                                                     \
        for (; j < n; j++)                                                                    \
            y[j] = j < valid ? e[j] * factor : 0;                                             \
    }                                                                                         \
    /* One softmax row: y[0, n) = softmax(scale x[0, valid)), zeros after                     \
     * (valid <= n; the causal mask's -inf). With a scratch row the exps go                   \
     * there and the scaled row is streamed to y, so y's lines are never                      \
     * read; without, the row is scaled in place in y. next: the row to                       \
     * prefetch meanwhile. */                                                                 \
    static inline void rl_row_softmax_##S(int64_t n, int64_t valid, T scale,                  \
                                          const T *restrict x, T *restrict y, T *scratch,     \
                                          const T *next)                                      \
    {                                                                                         \
        const T max = rl_row_max_##S(valid, scale, x);                                        \
        const T sum = rl_row_exp_sum_##S(valid, scale, max, x, scratch ? scratch : y, next);  \
        if (scratch) {                                                                        \
            rl_row_scale_out_##S(n, valid, 1 / sum, scratch, y, true);                        \
        } else {                                                                              \
            rl_row_mul_##S(valid, 1 / sum, y);                                                \
            _Pragma("omp simd") for (int64_t j = valid; j < n; j++) y[j] = 0;                 \
        }                                                                                     \
    }                                                                                         \
    /* Softmax over rows of cols, of scale x; with a mask (the op's shape),                   \
     * row r sees its first rl_mask_visible elements (the rest are 0). Rows                   \
     * are split statically across threads; each thread streams through its                   \
     * own scratch row when rl_softmax_streams allows. */                                     \
    static inline void rl_softmax_rows_##S(int64_t rows, int64_t cols, T scale,               \
                                           const rl_shape *mask, const T *restrict x,         \
                                           T *restrict y, bool stream)                        \
    {                                                                                         \
        stream = rl_softmax_streams(stream, y, cols, sizeof(T));                              \
        _Pragma("omp parallel")                                                               \
        {                                                                                     \
            RL_ROW_SCRATCH(T, scratch);                                                       \
            _Pragma("omp for schedule(static)") for (int64_t r = 0; r < rows; r++)            \
                rl_row_softmax_##S(cols, mask ? rl_mask_visible(mask, r) : cols, scale,       \
                                   x + r * cols,                                              \
                                   y + r * cols, stream ? scratch : NULL,                     \
                                   x + rl_next_row(r, rows) * cols);                          \
            if (stream)                                                                       \
                rl_stream_fence();                                                            \
        }                                                                                     \
    }                                                                                         \
    /* y = gelu(x + bias) (bias may be NULL). The tanh form (the reference's)                 \
     * computed as v / (1 + exp(-2u)), since 0.5 (1 + tanh(u)) = 1 / (1 +                     \
     * exp(-2u)): one exp and a divide cost less than SLEEF's tanh; the exp                   \
     * is exp2 with log2 e folded into the constant. */                                       \
    static inline rl_v_##S rl_vgelu_##S(rl_v_##S v)                                           \
    {                                                                                         \
        const T k = (T)-2.3022081981443250; /* -2 sqrt(2 / pi) log2 e */                      \
        return v / (1 + rl_vexp2_##S(k * (v + (T)0.044715 * v * v * v)));                     \
    }                                                                                         \
    static inline T rl_gelu1_##S(T v)                                                         \
    {                                                                                         \
        const T k = (T)-2.3022081981443250;                                                   \
        return v / (1 + rl_exp2_1_##S(k * (v + (T)0.044715 * v * v * v)));                    \
    }                                                                                         \
    /* x is read RL_AHEAD bytes ahead, so memory keeps streaming while this                   \
     * core computes exp and a divide per element. y is streamed (stream:                     \
     * y aligned to a vector), or else its lines are asked for as far ahead                   \
     * (a write prefetch starts the read-for-ownership). Near a row's end                     \
     * that is the next row; past the last row's end a prefetch is harmless                   \
     * (prefetches never fault). */                                                           \
    static inline void rl_row_gelu_##S(int64_t n, const T *restrict x, const T *restrict bias, \
                                       T *restrict y, bool stream)                            \
    {                                                                                         \
        enum { AHEAD = RL_AHEAD / sizeof(T) };                                                \
        int64_t j = 0;                                                                        \
        for (; j + RL_VLEN_##S <= n; j += RL_VLEN_##S) {                                      \
            __builtin_prefetch(x + j + AHEAD);                                                \
            if (!stream)                                                                      \
                __builtin_prefetch(y + j + AHEAD, 1);                                         \
            rl_v_##S v = rl_vload_##S(x + j);                                                 \
            if (bias)                                                                         \
                v += rl_vload_##S(bias + j);                                                  \
            rl_vput_##S(y + j, rl_vgelu_##S(v), stream);                                      \
        }                                                                                     \
        for (; j < n; j++)                                                                    \
            y[j] = rl_gelu1_##S(bias ? x[j] + bias[j] : x[j]);                                \
    }

RL_CPU_ROW_HELPERS(float, f32)
RL_CPU_ROW_HELPERS(double, f64)

/* The tensors of a launch, typed. */
#define RL_T(l, i, T) ((T *)(l)->tensors[i])

#endif
