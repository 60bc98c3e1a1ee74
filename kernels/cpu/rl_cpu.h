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

/* One op's entry point: pick the fp32 or fp64 kernel, or refuse. */
typedef rl_status (*rl_cpu_kernel)(const rl_launch *l, rl_err *err);

rl_status rl_cpu_gemm(const rl_launch *l, rl_err *err);
rl_status rl_cpu_layernorm(const rl_launch *l, rl_err *err);
rl_status rl_cpu_softmax(const rl_launch *l, rl_err *err);
rl_status rl_cpu_residual_layernorm(const rl_launch *l, rl_err *err);
rl_status rl_cpu_residual_layernorm_unfused(const rl_launch *l, rl_err *err);
rl_status rl_cpu_scale_mask_softmax(const rl_launch *l, rl_err *err);
rl_status rl_cpu_scale_mask_softmax_unfused(const rl_launch *l, rl_err *err);
rl_status rl_cpu_bias_gelu(const rl_launch *l, rl_err *err);
rl_status rl_cpu_bias_gelu_unfused(const rl_launch *l, rl_err *err);
rl_status rl_cpu_copy(const rl_launch *l, rl_err *err);
rl_status rl_cpu_triad(const rl_launch *l, rl_err *err);
rl_status rl_cpu_fma(const rl_launch *l, rl_err *err);
rl_status rl_cpu_silu_gate(const rl_launch *l, rl_err *err);

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
                                   T *restrict y);                                            \
    void rl_cpu_softmax_rows_##S(int64_t rows, int64_t cols, const T *restrict x,             \
                                 T *restrict y);                                              \
    void rl_cpu_residual_add_##S(int64_t n, const T *restrict x, const T *restrict r,         \
                                 T *restrict h);                                              \
    void rl_cpu_scale_##S(int64_t n, T scale, const T *restrict x, T *restrict y);            \
    void rl_cpu_causal_mask_##S(int64_t rows, int64_t cols, const T *restrict x,              \
                                T *restrict y);                                               \
    void rl_cpu_bias_add_##S(int64_t rows, int64_t cols, const T *restrict x,                 \
                             const T *restrict bias, T *restrict y);                          \
    void rl_cpu_gelu_##S(int64_t n, const T *restrict x, T *restrict y);

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
    /* x is read and y's lines are asked for (a write prefetch starts the                     \
     * read-for-ownership) RL_AHEAD bytes ahead, so memory keeps streaming                    \
     * while this core computes exp and a divide per element. Near a row's                    \
     * end that is the next row; past the last row's end a prefetch is                        \
     * harmless (prefetches never fault). */                                                  \
    static inline void rl_row_gelu_##S(int64_t n, const T *restrict x, const T *restrict bias, \
                                       T *restrict y)                                         \
    {                                                                                         \
        enum { AHEAD = RL_AHEAD / sizeof(T) };                                                \
        int64_t j = 0;                                                                        \
        if (bias) {                                                                           \
            for (; j + RL_VLEN_##S <= n; j += RL_VLEN_##S) {                                  \
                __builtin_prefetch(x + j + AHEAD);                                            \
                __builtin_prefetch(y + j + AHEAD, 1);                                         \
                rl_vstore_##S(y + j,                                                          \
                              rl_vgelu_##S(rl_vload_##S(x + j) + rl_vload_##S(bias + j)));    \
            }                                                                                 \
            for (; j < n; j++)                                                                \
                y[j] = rl_gelu1_##S(x[j] + bias[j]);                                          \
        } else {                                                                              \
            for (; j + RL_VLEN_##S <= n; j += RL_VLEN_##S) {                                  \
                __builtin_prefetch(x + j + AHEAD);                                            \
                __builtin_prefetch(y + j + AHEAD, 1);                                         \
                rl_vstore_##S(y + j, rl_vgelu_##S(rl_vload_##S(x + j)));                      \
            }                                                                                 \
            for (; j < n; j++)                                                                \
                y[j] = rl_gelu1_##S(x[j]);                                                    \
        }                                                                                     \
    }

RL_CPU_ROW_HELPERS(float, f32)
RL_CPU_ROW_HELPERS(double, f64)

/* The tensors of a launch, typed. */
#define RL_T(l, i, T) ((T *)(l)->tensors[i])

#endif
