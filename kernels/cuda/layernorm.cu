// LayerNorm on the GPU: y = (x - mean) * rsqrt(var + eps) * gamma + beta
// per row, biased variance, fp32 arithmetic over fp32/fp16/bf16 storage.
//
// The ladder (--kernel-version), as in llm.c's dev/cuda/layernorm_forward.cu:
//   v1  one thread per row: three scalar passes (mean, centred variance,
//       normalise). Neighbouring threads read addresses a row apart, so
//       loads do not coalesce: the floor to climb from.
//   v2  one warp per row: lanes stride along the row, shuffle reductions;
//       loads coalesce, but each row is still read three times (the
//       re-reads mostly hit L1/L2).
//   v3  one block per row, 16-byte loads and stores (scalar head and tail
//       where the row is not 16-byte aligned). A row that fits in shared
//       memory (ctx->row_smem_bytes, about 28k columns on H100) is read
//       from DRAM once and kept on chip for an exact centred two-pass
//       variance; a longer row takes one Welford pass and one re-read.
//   v4  the row in registers, loads unrolled, a warp, block or (sm_90)
//       cluster per row by row length: layernorm_v4.cu. The default.
// Also here: the fused residual + LayerNorm (h = x + r written, y = LN(h),
// one kernel: v3 here, v4 in layernorm_v4.cu) and the residual add of its
// unfused chain.
#include "kernels/cuda/rl_cuda_common.cuh"

namespace rlcu {
namespace {

// v1: one thread per row.
template <typename T>
__global__ void __launch_bounds__(128)
    ln_thread_kernel(const T *__restrict__ x, const T *__restrict__ gamma,
                     const T *__restrict__ beta, T *__restrict__ y, int64_t rows, int64_t cols,
                     float eps)
{
    const int64_t stride = (int64_t)gridDim.x * blockDim.x;
    const float inv_cols = 1.0f / (float)cols;
    for (int64_t r = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; r < rows; r += stride) {
        const T *xr = x + r * cols;
        T *yr = y + r * cols;
        float s = 0.0f;
        for (int64_t j = 0; j < cols; j++)
            s += to_f(xr[j]);
        const float mean = s * inv_cols;
        float q = 0.0f;
        for (int64_t j = 0; j < cols; j++) {
            const float d = to_f(xr[j]) - mean;
            q += d * d;
        }
        const float rstd = rsqrtf(q * inv_cols + eps);
        for (int64_t j = 0; j < cols; j++)
            yr[j] = from_f<T>((to_f(xr[j]) - mean) * rstd * to_f(gamma[j]) + to_f(beta[j]));
    }
}

// v2: one warp per row.
template <typename T>
__global__ void __launch_bounds__(256)
    ln_warp_kernel(const T *__restrict__ x, const T *__restrict__ gamma,
                   const T *__restrict__ beta, T *__restrict__ y, int64_t rows, int64_t cols,
                   float eps)
{
    const int lane = threadIdx.x & 31;
    const int64_t warps = ((int64_t)gridDim.x * blockDim.x) >> 5;
    const float inv_cols = 1.0f / (float)cols;
    for (int64_t r = ((int64_t)blockIdx.x * blockDim.x + threadIdx.x) >> 5; r < rows; r += warps) {
        const T *xr = x + r * cols;
        T *yr = y + r * cols;
        float s = 0.0f;
        for (int64_t j = lane; j < cols; j += 32)
            s += to_f(xr[j]);
        const float mean = warp_sum(s) * inv_cols;
        float q = 0.0f;
        for (int64_t j = lane; j < cols; j += 32) {
            const float d = to_f(xr[j]) - mean;
            q += d * d;
        }
        const float rstd = rsqrtf(warp_sum(q) * inv_cols + eps);
        for (int64_t j = lane; j < cols; j += 32)
            yr[j] = from_f<T>((to_f(xr[j]) - mean) * rstd * to_f(gamma[j]) + to_f(beta[j]));
    }
}

// v3: one block per row (grid-stride over rows), 16-byte packs. With RESID,
// the row is h = x + res, rounded to T and written to h on the way, and the
// statistics are those of the rounded h (what the unfused chain sees).
// vec: x, res, h, y are 16-byte aligned; gvec: gamma and beta can be read in
// packs too (aligned, and cols a multiple of the pack, so that every row
// starts aligned); cached: the row fits in the dynamic shared memory
// (cols floats).
template <typename T, bool RESID>
__global__ void __launch_bounds__(1024)
    ln_vec_kernel(const T *__restrict__ x, const T *__restrict__ res,
                  const T *__restrict__ gamma, const T *__restrict__ beta, T *h,
                  T *__restrict__ y, int64_t rows, int64_t cols, float eps, bool vec, bool gvec,
                  bool cached)
{
    constexpr int N = Pack<T>::N;
    extern __shared__ float4 rl_dyn_smem[];
    float *srow = reinterpret_cast<float *>(rl_dyn_smem);
    __shared__ float red[96];
    static_assert(sizeof red <= RL_CU_ROW_STATIC_SMEM, "row_smem_bytes leaves no room");
    const float inv_cols = 1.0f / (float)cols;

    for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
        // A row's head (and so which thread owns which shared-memory slot)
        // can differ from the last row's: let every thread finish with the
        // last row before any writes this one.
        __syncthreads();
        const int64_t off = r * cols;
        const RowSplit<T> sp(x + off, cols, vec);

        // One pack (or element) of the row: x, or h = x + res, written.
        auto load_pack = [&](int64_t j0) {
            Pack<T> p = ld16(x + off + j0);
            if (RESID) {
                const Pack<T> q = ld16(res + off + j0);
#pragma unroll
                for (int k = 0; k < N; k++)
                    p.v[k] = from_f<T>(to_f(p.v[k]) + to_f(q.v[k]));
                st16(h + off + j0, p);
            }
            return p;
        };
        auto load_scalar = [&](int64_t j) {
            T t = x[off + j];
            if (RESID) {
                t = from_f<T>(to_f(t) + to_f(res[off + j]));
                h[off + j] = t;
            }
            return to_f(t);
        };
        // y for one pack from its values f.
        auto write_pack = [&](int64_t j0, const float *f, float mean, float rstd) {
            Pack<T> g{}, b{}, o;
            if (gvec) {
                g = ld16(gamma + j0);
                b = ld16(beta + j0);
            }
#pragma unroll
            for (int k = 0; k < N; k++) {
                const float gk = gvec ? to_f(g.v[k]) : to_f(gamma[j0 + k]);
                const float bk = gvec ? to_f(b.v[k]) : to_f(beta[j0 + k]);
                o.v[k] = from_f<T>((f[k] - mean) * rstd * gk + bk);
            }
            st16(y + off + j0, o);
        };
        auto write_scalar = [&](int64_t j, float f, float mean, float rstd) {
            y[off + j] = from_f<T>((f - mean) * rstd * to_f(gamma[j]) + to_f(beta[j]));
        };

        if (cached) {
            // Each thread keeps its packs at srow[v*N ...] and its scalars
            // after all packs, and only ever reads back its own slots.
            float s = 0.0f;
            for (int64_t v = threadIdx.x; v < sp.nvec; v += blockDim.x) {
                const Pack<T> p = load_pack(sp.head + v * N);
#pragma unroll
                for (int k = 0; k < N; k += 4) {
                    const float4 f4 = make_float4(to_f(p.v[k]), to_f(p.v[k + 1]),
                                                  to_f(p.v[k + 2]), to_f(p.v[k + 3]));
                    *reinterpret_cast<float4 *>(srow + v * N + k) = f4;
                    s += (f4.x + f4.y) + (f4.z + f4.w);
                }
            }
            for (int64_t i = threadIdx.x; i < sp.nscalar; i += blockDim.x) {
                const float f = load_scalar(sp.scalar_col(i));
                srow[sp.nvec * N + i] = f;
                s += f;
            }
            const float mean = block_sum(s, red) * inv_cols;

            float q = 0.0f;
            for (int64_t v = threadIdx.x; v < sp.nvec; v += blockDim.x) {
#pragma unroll
                for (int k = 0; k < N; k += 4) {
                    const float4 f4 = *reinterpret_cast<const float4 *>(srow + v * N + k);
                    const float a = f4.x - mean, b = f4.y - mean, c = f4.z - mean,
                                d = f4.w - mean;
                    q += (a * a + b * b) + (c * c + d * d);
                }
            }
            for (int64_t i = threadIdx.x; i < sp.nscalar; i += blockDim.x) {
                const float d = srow[sp.nvec * N + i] - mean;
                q += d * d;
            }
            const float rstd = rsqrtf(block_sum(q, red) * inv_cols + eps);

            for (int64_t v = threadIdx.x; v < sp.nvec; v += blockDim.x) {
                float f[N];
#pragma unroll
                for (int k = 0; k < N; k += 4) {
                    const float4 f4 = *reinterpret_cast<const float4 *>(srow + v * N + k);
                    f[k] = f4.x;
                    f[k + 1] = f4.y;
                    f[k + 2] = f4.z;
                    f[k + 3] = f4.w;
                }
                write_pack(sp.head + v * N, f, mean, rstd);
            }
            for (int64_t i = threadIdx.x; i < sp.nscalar; i += blockDim.x)
                write_scalar(sp.scalar_col(i), srow[sp.nvec * N + i], mean, rstd);
        } else {
            // Too long to keep: Welford statistics in one pass, then re-read
            // (x, or the h this thread has just written).
            Welford w = {0.0f, 0.0f, 0.0f};
            for (int64_t v = threadIdx.x; v < sp.nvec; v += blockDim.x) {
                const Pack<T> p = load_pack(sp.head + v * N);
#pragma unroll
                for (int k = 0; k < N; k++)
                    welford_add(w, to_f(p.v[k]));
            }
            for (int64_t i = threadIdx.x; i < sp.nscalar; i += blockDim.x)
                welford_add(w, load_scalar(sp.scalar_col(i)));
            const Welford t = block_welford(w, red);
            const float mean = t.mean;
            const float rstd = rsqrtf(t.m2 * inv_cols + eps);

            const T *src = RESID ? static_cast<const T *>(h) : x;
            for (int64_t v = threadIdx.x; v < sp.nvec; v += blockDim.x) {
                const int64_t j0 = sp.head + v * N;
                const Pack<T> p = ld16(src + off + j0);
                float f[N];
#pragma unroll
                for (int k = 0; k < N; k++)
                    f[k] = to_f(p.v[k]);
                write_pack(j0, f, mean, rstd);
            }
            for (int64_t i = threadIdx.x; i < sp.nscalar; i += blockDim.x) {
                const int64_t j = sp.scalar_col(i);
                write_scalar(j, to_f(src[off + j]), mean, rstd);
            }
        }
    }
}

template <typename T, bool RESID>
cudaError_t ln_vec_launch(const rl_cu_ctx *ctx, const void *x, const void *res,
                          const void *gamma, const void *beta, void *h, void *y, int64_t rows,
                          int64_t cols, float eps)
{
    constexpr int N = Pack<T>::N;
    const bool vec = aligned16(x) && aligned16(y) && (!RESID || (aligned16(res) && aligned16(h)));
    const bool gvec = vec && aligned16(gamma) && aligned16(beta) && cols % N == 0;
    const int64_t smem = (cols * (int64_t)sizeof(float) + 15) / 16 * 16;
    const bool cached = smem <= ctx->row_smem_bytes;
    const int threads = row_block_threads(cols, (int)sizeof(T));
    ln_vec_kernel<T, RESID><<<capped_blocks(rows), threads, cached ? (size_t)smem : 0,
                              ctx->stream>>>(
        static_cast<const T *>(x), static_cast<const T *>(res), static_cast<const T *>(gamma),
        static_cast<const T *>(beta), static_cast<T *>(h), static_cast<T *>(y), rows, cols, eps,
        vec, gvec, cached);
    return cudaGetLastError();
}

} // namespace
} // namespace rlcu

using namespace rlcu;

extern "C" cudaError_t rl_cu_layernorm_setup(const rl_cu_ctx *ctx)
{
    const void *const kernels[] = {
        (const void *)ln_vec_kernel<float, false>,         (const void *)ln_vec_kernel<float, true>,
        (const void *)ln_vec_kernel<__half, false>,        (const void *)ln_vec_kernel<__half, true>,
        (const void *)ln_vec_kernel<__nv_bfloat16, false>, (const void *)ln_vec_kernel<__nv_bfloat16, true>,
    };
    return allow_row_smem(kernels, (int)(sizeof kernels / sizeof kernels[0]), ctx->row_smem_bytes);
}

extern "C" cudaError_t rl_cu_layernorm(const rl_cu_ctx *ctx, rl_cu_type t, int version,
                                       const void *x, const void *gamma, const void *beta, void *y,
                                       int64_t rows, int64_t cols, float eps)
{
    if (rows < 1 || cols < 1)
        return cudaErrorInvalidValue;
    if (version == RL_CU_ROW_REG)
        return rl_cu_layernorm_v4(ctx, t, x, nullptr, gamma, beta, nullptr, y, rows, cols, eps);
    return dispatch_16_32(t, [&](auto tag) -> cudaError_t {
        using T = decltype(tag);
        const T *xt = static_cast<const T *>(x), *gt = static_cast<const T *>(gamma),
                *bt = static_cast<const T *>(beta);
        T *yt = static_cast<T *>(y);
        switch (version) {
        case RL_CU_ROW_THREAD:
            ln_thread_kernel<T><<<capped_blocks((rows + 127) / 128), 128, 0, ctx->stream>>>(
                xt, gt, bt, yt, rows, cols, eps);
            return cudaGetLastError();
        case RL_CU_ROW_WARP:
            ln_warp_kernel<T><<<capped_blocks((rows + 7) / 8), 256, 0, ctx->stream>>>(
                xt, gt, bt, yt, rows, cols, eps);
            return cudaGetLastError();
        case RL_CU_ROW_VEC:
            return ln_vec_launch<T, false>(ctx, x, nullptr, gamma, beta, nullptr, y, rows, cols,
                                           eps);
        default: return cudaErrorInvalidValue;
        }
    });
}

extern "C" cudaError_t rl_cu_residual_layernorm(const rl_cu_ctx *ctx, rl_cu_type t, int version,
                                                const void *x,
                                                const void *r, const void *gamma,
                                                const void *beta, void *h, void *y, int64_t rows,
                                                int64_t cols, float eps)
{
    if (rows < 1 || cols < 1)
        return cudaErrorInvalidValue;
    if (version == RL_CU_ROW_REG)
        return rl_cu_layernorm_v4(ctx, t, x, r, gamma, beta, h, y, rows, cols, eps);
    return dispatch_16_32(t, [&](auto tag) -> cudaError_t {
        using T = decltype(tag);
        return ln_vec_launch<T, true>(ctx, x, r, gamma, beta, h, y, rows, cols, eps);
    });
}

extern "C" cudaError_t rl_cu_residual_add(const rl_cu_ctx *ctx, rl_cu_type t, const void *x,
                                          const void *r, void *h, int64_t n)
{
    if (n < 1)
        return cudaErrorInvalidValue;
    return dispatch_16_32(t, [&](auto tag) -> cudaError_t {
        using T = decltype(tag);
        return ew_launch<T, EW_RESIDUAL_ADD>(ctx, x, r, h, n, 1, 1.0f, 0);
    });
}
