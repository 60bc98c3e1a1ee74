// Softmax on the GPU, per row: y = exp(x - max) / sum(exp(x - max)), fp32
// arithmetic over fp32/fp16/bf16 storage.
//
// The ladder (--kernel-version), as in llm.c's dev/cuda/softmax_forward.cu:
//   v1  one thread per row: three scalar passes (max, sum of exps, write);
//       uncoalesced, the floor.
//   v2  one warp per row: lanes stride along the row, shuffle reductions,
//       three passes (re-reads mostly from L1/L2).
//   v3  one block per row, 16-byte loads and stores. A row that fits in
//       shared memory is read from DRAM once and its exps kept on chip; a
//       longer row takes one online-softmax pass (running max and rescaled
//       sum) and one re-read, so long rows cost two reads, not three.
//   v4  the row in registers, loads unrolled, a warp, block or (sm_90)
//       cluster per row by row length: softmax_v4.cu. The default.
// Also here: the entry of the fused scale + causal mask + softmax (v4's
// kernel, softmax_v4.cu) and the scale and causal-mask steps of its unfused
// chain.
//
// exp is __expf (ex2.approx after a multiply by log2 e: 2 instructions, a few
// ulp for the arguments x - max in [-10, 0] that occur here) in every
// version: the accurate expf costs about ten, which would make the 16-bit
// kernels compute-bound on H100 (7 elements per SM per cycle at full HBM
// bandwidth).
#include "kernels/cuda/rl_cuda_common.cuh"

namespace rlcu {
namespace {

// v1: one thread per row.
template <typename T>
__global__ void __launch_bounds__(128)
    sm_thread_kernel(const T *__restrict__ x, T *__restrict__ y, int64_t rows, int64_t cols)
{
    const int64_t stride = (int64_t)gridDim.x * blockDim.x;
    for (int64_t r = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; r < rows; r += stride) {
        const T *xr = x + r * cols;
        T *yr = y + r * cols;
        float m = -INFINITY;
        for (int64_t j = 0; j < cols; j++)
            m = fmaxf(m, to_f(xr[j]));
        float s = 0.0f;
        for (int64_t j = 0; j < cols; j++)
            s += __expf(to_f(xr[j]) - m);
        const float inv = 1.0f / s;
        for (int64_t j = 0; j < cols; j++)
            yr[j] = from_f<T>(__expf(to_f(xr[j]) - m) * inv);
    }
}

// v2: one warp per row.
template <typename T>
__global__ void __launch_bounds__(256)
    sm_warp_kernel(const T *__restrict__ x, T *__restrict__ y, int64_t rows, int64_t cols)
{
    const int lane = threadIdx.x & 31;
    const int64_t warps = ((int64_t)gridDim.x * blockDim.x) >> 5;
    for (int64_t r = ((int64_t)blockIdx.x * blockDim.x + threadIdx.x) >> 5; r < rows; r += warps) {
        const T *xr = x + r * cols;
        T *yr = y + r * cols;
        float m = -INFINITY;
        for (int64_t j = lane; j < cols; j += 32)
            m = fmaxf(m, to_f(xr[j]));
        m = warp_max(m);
        float s = 0.0f;
        for (int64_t j = lane; j < cols; j += 32)
            s += __expf(to_f(xr[j]) - m);
        const float inv = 1.0f / warp_sum(s);
        for (int64_t j = lane; j < cols; j += 32)
            yr[j] = from_f<T>(__expf(to_f(xr[j]) - m) * inv);
    }
}

// v3: one block per row (grid-stride over rows), 16-byte packs. vec: x and
// y 16-byte aligned; cached: the row fits in the dynamic shared memory
// (cols floats).
template <typename T>
__global__ void __launch_bounds__(1024)
    sm_vec_kernel(const T *__restrict__ x, T *__restrict__ y, int64_t rows, int64_t cols,
                  bool vec, bool cached)
{
    constexpr int N = Pack<T>::N;
    extern __shared__ float4 rl_dyn_smem[];
    float *srow = reinterpret_cast<float *>(rl_dyn_smem);
    __shared__ float red[64];
    static_assert(sizeof red <= RL_CU_ROW_STATIC_SMEM, "row_smem_bytes leaves no room");

    for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
        // A row's head (and so which thread owns which shared-memory slot)
        // can differ from the last row's: let every thread finish with the
        // last row before any writes this one.
        __syncthreads();
        const int64_t off = r * cols;
        const RowSplit<T> sp(x + off, cols, vec);
        auto value = [](T t, int64_t) { return to_f(t); };

        if (cached) {
            // Each thread keeps its packs at srow[v*N ...] and its scalars
            // after all packs, and only ever reads back its own slots.
            float m = -INFINITY;
            for (int64_t v = threadIdx.x; v < sp.nvec; v += blockDim.x) {
                const int64_t j0 = sp.head + v * N;
                const Pack<T> p = ld16(x + off + j0);
#pragma unroll
                for (int k = 0; k < N; k += 4) {
                    const float4 f4 = make_float4(value(p.v[k], j0 + k), value(p.v[k + 1], j0 + k + 1),
                                                  value(p.v[k + 2], j0 + k + 2),
                                                  value(p.v[k + 3], j0 + k + 3));
                    *reinterpret_cast<float4 *>(srow + v * N + k) = f4;
                    m = fmaxf(m, fmaxf(fmaxf(f4.x, f4.y), fmaxf(f4.z, f4.w)));
                }
            }
            for (int64_t i = threadIdx.x; i < sp.nscalar; i += blockDim.x) {
                const int64_t j = sp.scalar_col(i);
                const float f = value(x[off + j], j);
                srow[sp.nvec * N + i] = f;
                m = fmaxf(m, f);
            }
            const float mx = block_max(m, red);

            float s = 0.0f;
            for (int64_t v = threadIdx.x; v < sp.nvec; v += blockDim.x) {
#pragma unroll
                for (int k = 0; k < N; k += 4) {
                    float4 *p4 = reinterpret_cast<float4 *>(srow + v * N + k);
                    float4 f4 = *p4;
                    f4.x = __expf(f4.x - mx);
                    f4.y = __expf(f4.y - mx);
                    f4.z = __expf(f4.z - mx);
                    f4.w = __expf(f4.w - mx);
                    *p4 = f4;
                    s += (f4.x + f4.y) + (f4.z + f4.w);
                }
            }
            for (int64_t i = threadIdx.x; i < sp.nscalar; i += blockDim.x) {
                const float e = __expf(srow[sp.nvec * N + i] - mx);
                srow[sp.nvec * N + i] = e;
                s += e;
            }
            const float inv = 1.0f / block_sum(s, red);

            for (int64_t v = threadIdx.x; v < sp.nvec; v += blockDim.x) {
                Pack<T> o;
#pragma unroll
                for (int k = 0; k < N; k += 4) {
                    const float4 f4 = *reinterpret_cast<const float4 *>(srow + v * N + k);
                    o.v[k] = from_f<T>(f4.x * inv);
                    o.v[k + 1] = from_f<T>(f4.y * inv);
                    o.v[k + 2] = from_f<T>(f4.z * inv);
                    o.v[k + 3] = from_f<T>(f4.w * inv);
                }
                st16(y + off + sp.head + v * N, o);
            }
            for (int64_t i = threadIdx.x; i < sp.nscalar; i += blockDim.x)
                y[off + sp.scalar_col(i)] = from_f<T>(srow[sp.nvec * N + i] * inv);
        } else {
            // Online softmax: the running max and the sum of exps rescaled
            // whenever the max grows; then one re-read to write.
            MaxSum ms = {-INFINITY, 0.0f};
            for (int64_t v = threadIdx.x; v < sp.nvec; v += blockDim.x) {
                const int64_t j0 = sp.head + v * N;
                const Pack<T> p = ld16(x + off + j0);
                float f[N];
                float pm = -INFINITY;
#pragma unroll
                for (int k = 0; k < N; k++) {
                    f[k] = value(p.v[k], j0 + k);
                    pm = fmaxf(pm, f[k]);
                }
                if (pm > ms.m) {
                    ms.s = ms.m == -INFINITY ? 0.0f : ms.s * __expf(ms.m - pm);
                    ms.m = pm;
                }
                if (ms.m != -INFINITY) {
#pragma unroll
                    for (int k = 0; k < N; k++)
                        ms.s += __expf(f[k] - ms.m);
                }
            }
            for (int64_t i = threadIdx.x; i < sp.nscalar; i += blockDim.x) {
                const int64_t j = sp.scalar_col(i);
                const float f = value(x[off + j], j);
                if (f > ms.m) {
                    ms.s = ms.m == -INFINITY ? 0.0f : ms.s * __expf(ms.m - f);
                    ms.m = f;
                }
                if (ms.m != -INFINITY)
                    ms.s += __expf(f - ms.m);
            }
            const MaxSum t = block_maxsum(ms, red);
            const float mx = t.m, inv = 1.0f / t.s;

            for (int64_t v = threadIdx.x; v < sp.nvec; v += blockDim.x) {
                const int64_t j0 = sp.head + v * N;
                const Pack<T> p = ld16(x + off + j0);
                Pack<T> o;
#pragma unroll
                for (int k = 0; k < N; k++)
                    o.v[k] = from_f<T>(__expf(value(p.v[k], j0 + k) - mx) * inv);
                st16(y + off + j0, o);
            }
            for (int64_t i = threadIdx.x; i < sp.nscalar; i += blockDim.x) {
                const int64_t j = sp.scalar_col(i);
                y[off + j] = from_f<T>(__expf(value(x[off + j], j) - mx) * inv);
            }
        }
    }
}

template <typename T>
cudaError_t sm_vec_launch(const rl_cu_ctx *ctx, const void *x, void *y, int64_t rows,
                          int64_t cols)
{
    const bool vec = aligned16(x) && aligned16(y);
    const int64_t smem = (cols * (int64_t)sizeof(float) + 15) / 16 * 16;
    const bool cached = smem <= ctx->row_smem_bytes;
    const int threads = row_block_threads(cols, (int)sizeof(T));
    sm_vec_kernel<T><<<capped_blocks(rows), threads, cached ? (size_t)smem : 0, ctx->stream>>>(
        static_cast<const T *>(x), static_cast<T *>(y), rows, cols, vec, cached);
    return cudaGetLastError();
}

} // namespace
} // namespace rlcu

using namespace rlcu;

extern "C" cudaError_t rl_cu_softmax_setup(const rl_cu_ctx *ctx)
{
    const void *const kernels[] = {
        (const void *)sm_vec_kernel<float>,
        (const void *)sm_vec_kernel<__half>,
        (const void *)sm_vec_kernel<__nv_bfloat16>,
    };
    return allow_row_smem(kernels, (int)(sizeof kernels / sizeof kernels[0]), ctx->row_smem_bytes);
}

extern "C" cudaError_t rl_cu_softmax(const rl_cu_ctx *ctx, rl_cu_type t, int version,
                                     const void *x, void *y, int64_t rows, int64_t cols)
{
    if (rows < 1 || cols < 1)
        return cudaErrorInvalidValue;
    if (version == RL_CU_ROW_REG)
        return rl_cu_softmax_v4(ctx, t, x, y, rows, cols, 1.0f, 0);
    return dispatch_16_32(t, [&](auto tag) -> cudaError_t {
        using T = decltype(tag);
        const T *xt = static_cast<const T *>(x);
        T *yt = static_cast<T *>(y);
        switch (version) {
        case RL_CU_ROW_THREAD:
            sm_thread_kernel<T><<<capped_blocks((rows + 127) / 128), 128, 0, ctx->stream>>>(
                xt, yt, rows, cols);
            return cudaGetLastError();
        case RL_CU_ROW_WARP:
            sm_warp_kernel<T><<<capped_blocks((rows + 7) / 8), 256, 0, ctx->stream>>>(xt, yt, rows,
                                                                                      cols);
            return cudaGetLastError();
        case RL_CU_ROW_VEC: return sm_vec_launch<T>(ctx, x, y, rows, cols);
        default: return cudaErrorInvalidValue;
        }
    });
}

extern "C" cudaError_t rl_cu_scale_mask_softmax(const rl_cu_ctx *ctx, rl_cu_type t, const void *x,
                                                void *y, int64_t rows, int64_t cols,
                                                int64_t queries, float scale)
{
    if (rows < 1 || cols < 1 || queries < 1)
        return cudaErrorInvalidValue;
    return rl_cu_softmax_v4(ctx, t, x, y, rows, cols, scale, queries);
}

extern "C" cudaError_t rl_cu_scale(const rl_cu_ctx *ctx, rl_cu_type t, const void *x, void *y,
                                   int64_t n, float scale)
{
    if (n < 1)
        return cudaErrorInvalidValue;
    return dispatch_16_32(t, [&](auto tag) -> cudaError_t {
        using T = decltype(tag);
        return ew_launch<T, EW_SCALE>(ctx, x, nullptr, y, n, 1, scale, 0);
    });
}

extern "C" cudaError_t rl_cu_causal_mask(const rl_cu_ctx *ctx, rl_cu_type t, const void *x,
                                         void *y, int64_t rows, int64_t cols, int64_t queries)
{
    if (rows < 1 || cols < 1 || queries < 1)
        return cudaErrorInvalidValue;
    return dispatch_16_32(t, [&](auto tag) -> cudaError_t {
        using T = decltype(tag);
        return ew_launch<T, EW_CAUSAL_MASK>(ctx, x, nullptr, y, rows * cols, cols, 1.0f, queries);
    });
}
