/* The CUDA backend's kernel launchers: the seam between the host code (C,
 * cuda_backend.c) and the kernels (CUDA C, one op per .cu file).
 *
 * Every launcher enqueues its kernel(s) on ctx->stream and returns the
 * launch's cudaError_t (cudaGetLastError after the launch), so the caller
 * checks it with RL_CUDA_CHECK like any runtime call. Pointers are device
 * pointers; tensors are row-major, rows x cols, in the element type given.
 * Sizes are 64-bit: a tensor may hold more than 2^31 elements. Nothing here
 * includes our other headers, so the .cu files stay free of C linkage
 * questions. */
#ifndef RL_CUDA_KERNELS_H
#define RL_CUDA_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cuda_runtime_api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Storage types of the non-GEMM kernels (arithmetic is fp32, or fp64 for
 * RL_CU_F64). */
typedef enum rl_cu_type { RL_CU_F32, RL_CU_F16, RL_CU_BF16, RL_CU_F64 } rl_cu_type;

/* What the launchers need to know about the device. */
typedef struct rl_cu_ctx {
    cudaStream_t stream;
    int sm_count;
    int max_threads_per_sm;
    /* Dynamic shared memory one block may use to keep its row on chip (the
     * single-pass row kernels); longer rows take the streaming path. */
    int row_smem_bytes;
    /* The most CTAs of a thread-block cluster a v4 row may span (sm_90:
     * up to 16, from rl_cu_row_cluster_limit; 1 elsewhere). */
    int row_cluster_max;
} rl_cu_ctx;

/* Static shared memory of the row kernels that keep a row on chip, at
 * most (their reduction scratch), counted when row_smem_bytes is sized. */
#define RL_CU_ROW_STATIC_SMEM 512

/* Kernel ladders of LayerNorm and Softmax. */
enum {
    RL_CU_ROW_THREAD = 1, /* v1: one thread per row, scalar loads */
    RL_CU_ROW_WARP = 2,   /* v2: one warp per row, shuffle reductions */
    RL_CU_ROW_VEC = 3,    /* v3: one block per row, 16-byte loads, one pass over DRAM */
    RL_CU_ROW_REG = 4,    /* v4: row in registers, loads unrolled, warp/block/cluster per row */
    RL_CU_ROW_VERSIONS = 4
};

/* One-time setup after cudaSetDevice: raise the dynamic shared memory
 * limit of the kernels that keep a row on chip to ctx->row_smem_bytes. */
cudaError_t rl_cu_layernorm_setup(const rl_cu_ctx *ctx);
cudaError_t rl_cu_softmax_setup(const rl_cu_ctx *ctx);

/* The largest thread-block cluster (8, 4, 2 or 1) of the v4 row kernels
 * the current device can run; 1 below compute capability 9. */
int rl_cu_row_cluster_limit(int cc_major);

/* cudaSuccess when this build carries code the current device can run;
 * cudaErrorNoKernelImageForDevice (or similar) when it does not. */
cudaError_t rl_cu_probe_image(void);

/* y = (x - mean) * rsqrt(var + eps) * gamma + beta per row (biased var). */
cudaError_t rl_cu_layernorm(const rl_cu_ctx *ctx, rl_cu_type t, int version, const void *x,
                            const void *gamma, const void *beta, void *y, int64_t rows,
                            int64_t cols, float eps);
/* h = x + r (rounded to the storage type), y = LayerNorm(h): one kernel,
 * version RL_CU_ROW_VEC or RL_CU_ROW_REG. */
cudaError_t rl_cu_residual_layernorm(const rl_cu_ctx *ctx, rl_cu_type t, int version, const void *x,
                                     const void *r, const void *gamma, const void *beta,
                                     void *h, void *y, int64_t rows, int64_t cols, float eps);
/* LayerNorm v4 (rl_cuda_row4.cuh); with r non-NULL the fused residual +
 * LayerNorm (h = x + r written, y = LayerNorm(h)). */
cudaError_t rl_cu_layernorm_v4(const rl_cu_ctx *ctx, rl_cu_type t, const void *x, const void *r,
                               const void *gamma, const void *beta, void *h, void *y,
                               int64_t rows, int64_t cols, float eps);
/* h = x + r elementwise over n elements. */
cudaError_t rl_cu_residual_add(const rl_cu_ctx *ctx, rl_cu_type t, const void *x, const void *r,
                               void *h, int64_t n);

/* Row softmax. */
cudaError_t rl_cu_softmax(const rl_cu_ctx *ctx, rl_cu_type t, int version, const void *x,
                          void *y, int64_t rows, int64_t cols);
/* The causal mask (model/rl_mask.h): rows come in blocks of queries (>= 1)
 * query positions against cols keys, and row r sees its first
 * rl_mask_visible_of(cols, queries, r) keys; the rest are masked (output 0
 * after the softmax). The kernels do the mask's arithmetic in 32 bits:
 * whether a shape allows that. */
static inline bool rl_cu_mask_fits(int64_t rows, int64_t cols, int64_t queries)
{
    return rows <= 0xffffffffll && cols <= 0xffffffffll && queries <= 0xffffffffll;
}
/* Softmax v4 (rl_cuda_row4.cuh); with queries > 0, the fused scale + causal
 * mask + softmax below (queries 0: no mask, scale ignored). */
cudaError_t rl_cu_softmax_v4(const rl_cu_ctx *ctx, rl_cu_type t, const void *x, void *y,
                             int64_t rows, int64_t cols, float scale, int64_t queries);
/* y = softmax(mask(x * scale)) per row, one kernel (v4's), under the
 * causal mask of blocks of queries. */
cudaError_t rl_cu_scale_mask_softmax(const rl_cu_ctx *ctx, rl_cu_type t, const void *x, void *y,
                                     int64_t rows, int64_t cols, int64_t queries, float scale);
/* y = x * scale elementwise. */
cudaError_t rl_cu_scale(const rl_cu_ctx *ctx, rl_cu_type t, const void *x, void *y, int64_t n,
                        float scale);
/* y = x, or -inf where row r does not see column j under the causal mask of
 * blocks of queries. */
cudaError_t rl_cu_causal_mask(const rl_cu_ctx *ctx, rl_cu_type t, const void *x, void *y,
                              int64_t rows, int64_t cols, int64_t queries);

/* y = gelu(x + bias[col]) (tanh form), one kernel. */
cudaError_t rl_cu_bias_gelu(const rl_cu_ctx *ctx, rl_cu_type t, const void *x, const void *bias,
                            void *y, int64_t rows, int64_t cols);
/* y = x + bias[col]. */
cudaError_t rl_cu_bias_add(const rl_cu_ctx *ctx, rl_cu_type t, const void *x, const void *bias,
                           void *y, int64_t rows, int64_t cols);
/* y = silu(gate) * up elementwise over n values (the gated MLP's
 * activation), one kernel: 16-byte packs of both inputs, loads unrolled. */
cudaError_t rl_cu_silu_gate(const rl_cu_ctx *ctx, rl_cu_type t, const void *gate, const void *up,
                            void *y, int64_t n);
/* y = gelu(x) elementwise. */
cudaError_t rl_cu_gelu(const rl_cu_ctx *ctx, rl_cu_type t, const void *x, void *y, int64_t n);

/* Bandwidth probes, passes >= 1 sweeps over the arrays in one launch.
 * copy: c = a (bytes). triad: a = b + scalar * c. */
cudaError_t rl_cu_copy(const rl_cu_ctx *ctx, const void *a, void *c, size_t bytes,
                       int64_t passes);
/* Read `bytes` (a multiple of 16, 16-byte aligned) into L2 and discard
 * them: the second half of the cache flush. sink: a device word the kernel
 * may write (it never does at run time). */
cudaError_t rl_cu_read(const rl_cu_ctx *ctx, const void *a, size_t bytes, unsigned *sink);
cudaError_t rl_cu_triad(const rl_cu_ctx *ctx, rl_cu_type t, const void *b, const void *c,
                        void *a, int64_t n, double scalar, int64_t passes);

/* Compute probe: y[i] = iters dependent steps v = fma(v, a, b) from
 * v = x[i], in the storage precision (half2 / bfloat162 pairs for the
 * 16-bit types); a and b are the probe's constants (kernels/ref/rl_ref.h). */
cudaError_t rl_cu_fma(const rl_cu_ctx *ctx, rl_cu_type t, const void *x, void *y, int64_t n,
                      int64_t iters, double a, double b);

/* Hold the stream until flag[0] (mapped host memory, device address, two
 * ints) turns non-zero, or timeout_s passes and flag[1] is set: see
 * timing.cu. */
cudaError_t rl_cu_hold(const rl_cu_ctx *ctx, volatile int *flag_device, double timeout_s);

/* dst[c][r] = src[r][c] for a rows x cols matrix of bytes (fp8 operands). */
cudaError_t rl_cu_transpose_u8(const rl_cu_ctx *ctx, const void *src, void *dst, int64_t rows,
                               int64_t cols);

#ifdef __cplusplus
}
#endif

#endif
