// LayerNorm v4 (--kernel-version 4) and the fused residual + LayerNorm:
// the row kernels of rl_cuda_row4.cuh.
//
// On chip (rows up to 64 KiB, 32 KiB with the residual, or 16x that across
// an sm_90 cluster; 4 packs a thread, 2 with the residual: with gamma and
// beta read in the write, 8 would not fit the 64 registers): the row (x,
// or h = x + r rounded to the storage type and written on the way) is loaded into registers once, PACKS loads in
// flight per thread (2 x PACKS with the residual); then an exact centred
// two-pass mean and variance from registers, and the write. No division but
// 1/cols, once per launch.
// Streaming (longer rows): trips of UNROLL packs a thread; each trip's
// mean and squared deviations are computed from registers and merged into
// the running Welford state with one division a trip (Chan's formula), not
// one per element; then a second read (x, or the h just written) to write.
#include "kernels/cuda/rl_cuda_row4.cuh"

namespace rlcu {
namespace {

template <typename T> struct Ln4Args {
    const T *x, *res, *gamma, *beta;
    T *h, *y;
    int64_t rows, cols;
    float eps, inv_cols;
    bool vec, gvec;
};

// y for one pack of values f at column j0.
template <typename T>
__device__ __forceinline__ void ln4_write_pack(const Ln4Args<T> &a, T *yp, int64_t j0,
                                               const float *f, float mean, float rstd)
{
    constexpr int N = Pack<T>::N;
    Pack<T> g{}, b{}, o;
    if (a.gvec) {
        g = ld16(a.gamma + j0);
        b = ld16(a.beta + j0);
    }
#pragma unroll
    for (int k = 0; k < N; k++) {
        const float gk = a.gvec ? to_f(g.v[k]) : to_f(a.gamma[j0 + k]);
        const float bk = a.gvec ? to_f(b.v[k]) : to_f(a.beta[j0 + k]);
        o.v[k] = from_f<T>((f[k] - mean) * rstd * gk + bk);
    }
    st16(yp, o);
}

template <typename T, bool RESID>
__device__ __forceinline__ float ln4_scalar_in(const Ln4Args<T> &a, int64_t i)
{
    T t = a.x[i];
    if (RESID) {
        t = from_f<T>(to_f(t) + to_f(a.res[i]));
        a.h[i] = t;
    }
    return to_f(t);
}

template <typename T, int THREADS, int PACKS, int SCOPE, bool RESID>
__global__ void __launch_bounds__(THREADS, RL_ROW4_MIN_BLOCKS(THREADS))
    ln4_onchip_kernel(const Ln4Args<T> a)
{
    constexpr int N = Pack<T>::N;
    __shared__ float red[32];
    __shared__ float slots[3];
    RowGroup<SCOPE, THREADS> g;

    for (int64_t r = g.first; r < a.rows; r += g.stride) {
        const int64_t off = r * a.cols;
        const RowSplit<T> sp(a.x + off, a.cols, a.vec);
        const int nvec = (int)sp.nvec;
        const int64_t rb = off + sp.head; // the row's first pack

        // Every load first: PACKS (with the residual 2 x PACKS) in flight.
        Pack<T> d[PACKS];
#pragma unroll
        for (int p = 0; p < PACKS; p++) {
            const int v = p * g.nthr + g.tid;
            d[p] = ld16_if(v < nvec, a.x + rb + (int64_t)v * N);
        }
        if (RESID) {
            Pack<T> e[PACKS];
#pragma unroll
            for (int p = 0; p < PACKS; p++) {
                const int v = p * g.nthr + g.tid;
                e[p] = ld16_if(v < nvec, a.res + rb + (int64_t)v * N);
            }
#pragma unroll
            for (int p = 0; p < PACKS; p++) {
                const int v = p * g.nthr + g.tid;
                if (v < nvec) {
#pragma unroll
                    for (int k = 0; k < N; k++)
                        d[p].v[k] = from_f<T>(to_f(d[p].v[k]) + to_f(e[p].v[k]));
                    st16(a.h + rb + (int64_t)v * N, d[p]);
                }
            }
        }
        float sv = 0.0f;
        int64_t sj = 0;
        const bool has_scalar = g.tid < sp.nscalar;
        if (has_scalar) {
            sj = sp.scalar_col(g.tid);
            sv = ln4_scalar_in<T, RESID>(a, off + sj);
        }

        float s = sv;
#pragma unroll
        for (int p = 0; p < PACKS; p++) {
            if (p * g.nthr + g.tid < nvec) {
#pragma unroll
                for (int k = 0; k < N; k++)
                    s += to_f(d[p].v[k]);
            }
        }
        const float mean = g.sum(s, red, slots) * a.inv_cols;
#pragma unroll
        for (int p = 0; p < PACKS; p++)
            reg_fence(d[p]);

        float q = has_scalar ? (sv - mean) * (sv - mean) : 0.0f;
#pragma unroll
        for (int p = 0; p < PACKS; p++) {
            if (p * g.nthr + g.tid < nvec) {
#pragma unroll
                for (int k = 0; k < N; k++) {
                    const float dv = to_f(d[p].v[k]) - mean;
                    q += dv * dv;
                }
            }
        }
        const float rstd = rsqrtf(g.sum(q, red, slots) * a.inv_cols + a.eps);
#pragma unroll
        for (int p = 0; p < PACKS; p++)
            reg_fence(d[p]);

#pragma unroll
        for (int p = 0; p < PACKS; p++) {
            // gamma and beta: 4 packs' worth of loads in flight, not all
            // PACKS (16 more registers each 4 packs).
            if (p % 4 == 0)
                asm volatile("" ::: "memory");
            const int v = p * g.nthr + g.tid;
            if (v < nvec) {
                float f[N];
#pragma unroll
                for (int k = 0; k < N; k++)
                    f[k] = to_f(d[p].v[k]);
                ln4_write_pack(a, a.y + rb + (int64_t)v * N, (int)sp.head + v * N, f, mean, rstd);
            }
        }
        if (has_scalar)
            a.y[off + sj] = from_f<T>((sv - mean) * rstd * to_f(a.gamma[sj]) + to_f(a.beta[sj]));
    }
    g.finish();
}

// Merge a trip's statistics (c values, mean tm, squared deviations tm2)
// into the running Welford state: one division.
__device__ __forceinline__ void ln4_merge(Welford &w, float c, float tm, float tm2)
{
    const float n = w.n + c, dd = tm - w.mean, f = fast_div(c, n);
    w.mean += dd * f;
    w.m2 += tm2 + dd * dd * w.n * f;
    w.n = n;
}

// A trip covers U * B packs; thread t loads packs base + t + u * B (u < U),
// addressed from one pointer with constant offsets, all before using any.
template <typename T, bool RESID>
__global__ void __launch_bounds__(ROW4_STREAM_THREADS, RL_ROW4_MIN_BLOCKS(ROW4_STREAM_THREADS))
    ln4_stream_kernel(const Ln4Args<T> a)
{
    constexpr int N = Pack<T>::N, B = ROW4_STREAM_THREADS;
    constexpr int U = RESID ? ROW4_STREAM_UNROLL_RESID : ROW4_STREAM_UNROLL;
    __shared__ float red[96];

    for (int64_t r = blockIdx.x; r < a.rows; r += gridDim.x) {
        const int64_t off = r * a.cols;
        const RowSplit<T> sp(a.x + off, a.cols, a.vec);

        Welford w = {0.0f, 0.0f, 0.0f};
        for (int64_t base = threadIdx.x; base < sp.nvec; base += (int64_t)U * B) {
            const int64_t rem = sp.nvec - base; // packs left from this thread's first
            const int64_t e0 = off + sp.head + base * N;
            Pack<T> d[U];
#pragma unroll
            for (int u = 0; u < U; u++)
                d[u] = ld16_if(u * B < rem, a.x + e0 + u * B * N);
            if (RESID) {
                Pack<T> e[U];
#pragma unroll
                for (int u = 0; u < U; u++)
                    e[u] = ld16_if(u * B < rem, a.res + e0 + u * B * N);
#pragma unroll
                for (int u = 0; u < U; u++)
                    if (u * B < rem) {
#pragma unroll
                        for (int k = 0; k < N; k++)
                            d[u].v[k] = from_f<T>(to_f(d[u].v[k]) + to_f(e[u].v[k]));
                        st16(a.h + e0 + u * B * N, d[u]);
                    }
            }
            // The trip's valid packs come first: c values.
            int c = 0;
            float ts = 0.0f;
#pragma unroll
            for (int u = 0; u < U; u++)
                if (u * B < rem) {
                    c += N;
#pragma unroll
                    for (int k = 0; k < N; k++)
                        ts += to_f(d[u].v[k]);
                }
            const float tm = fast_div(ts, (float)c);
#pragma unroll
            for (int u = 0; u < U; u++)
                reg_fence(d[u]);
            float tm2 = 0.0f;
#pragma unroll
            for (int u = 0; u < U; u++)
                if (u * B < rem) {
#pragma unroll
                    for (int k = 0; k < N; k++) {
                        const float dv = to_f(d[u].v[k]) - tm;
                        tm2 += dv * dv;
                    }
                }
            ln4_merge(w, (float)c, tm, tm2);
        }
        // Scalars: the head and tail, or the whole row where a pointer is
        // not 16-byte aligned.
#pragma unroll 1
        for (int64_t i = threadIdx.x; i < sp.nscalar; i += B) {
            const Welford one = {1.0f, ln4_scalar_in<T, RESID>(a, off + sp.scalar_col(i)), 0.0f};
            w = welford_merge_fast(w, one);
        }
        const Welford t = block_welford_fast(w, red);
        const float mean = t.mean, rstd = rsqrtf(t.m2 * a.inv_cols + a.eps);

        // Second read: x, or the h this thread wrote itself.
        const T *src = RESID ? static_cast<const T *>(a.h) : a.x;
        for (int64_t base = threadIdx.x; base < sp.nvec; base += (int64_t)U * B) {
            const int64_t rem = sp.nvec - base;
            const int64_t j = sp.head + base * N;
            Pack<T> d[U];
#pragma unroll
            for (int u = 0; u < U; u++)
                d[u] = ld16_if(u * B < rem, src + off + j + u * B * N);
#pragma unroll
            for (int u = 0; u < U; u++) {
                if (u % 2 == 0)
                    asm volatile("" ::: "memory"); // gamma/beta of 2 packs in flight
                if (u * B < rem) {
                    float f[N];
#pragma unroll
                    for (int k = 0; k < N; k++)
                        f[k] = to_f(d[u].v[k]);
                    ln4_write_pack(a, a.y + off + j + u * B * N, j + u * B * N, f, mean, rstd);
                }
            }
        }
#pragma unroll 1
        for (int64_t i = threadIdx.x; i < sp.nscalar; i += B) {
            const int64_t j = sp.scalar_col(i);
            a.y[off + j] = from_f<T>((to_f(src[off + j]) - mean) * rstd * to_f(a.gamma[j]) +
                                     to_f(a.beta[j]));
        }
    }
}

template <typename T, bool RESID>
cudaError_t ln4_launch(const rl_cu_ctx *ctx, const void *x, const void *res, const void *gamma,
                       const void *beta, void *h, void *y, int64_t rows, int64_t cols, float eps)
{
    constexpr int N = Pack<T>::N;
    Ln4Args<T> a;
    a.x = static_cast<const T *>(x);
    a.res = static_cast<const T *>(res);
    a.gamma = static_cast<const T *>(gamma);
    a.beta = static_cast<const T *>(beta);
    a.h = static_cast<T *>(h);
    a.y = static_cast<T *>(y);
    a.rows = rows;
    a.cols = cols;
    a.eps = eps;
    a.inv_cols = 1.0f / (float)cols;
    a.vec = aligned16(x) && aligned16(y) && (!RESID || (aligned16(res) && aligned16(h)));
    a.gvec = a.vec && aligned16(gamma) && aligned16(beta) && cols % N == 0;
    // Unaligned rows are all scalars: the streaming kernel loops over them.
    const Row4Plan pl = a.vec ? row4_plan(cols, (int)sizeof(T), RESID ? 2 : 4,
                                          ctx->row_cluster_max)
                              : rl_row4_shape(ROW4_STREAM, ROW4_STREAM_THREADS, ROW4_STREAM_UNROLL, 1);
    const int64_t wrows = (rows + 3) / 4;
#define RL_LN4(TH, PK, SC, groups, cs)                                                             \
    return row4_launch(ctx, ln4_onchip_kernel<T, TH, PK, SC, RESID>, groups, TH, cs, a)
    if constexpr (RESID) {
        switch (pl.scope) {
        case ROW4_WARP:
            if (pl.packs == 1)
                RL_LN4(ROW4_WARP_THREADS, 1, ROW4_WARP, wrows, 1);
            RL_LN4(ROW4_WARP_THREADS, 2, ROW4_WARP, wrows, 1);
        case ROW4_BLOCK:
            if (pl.threads == 128)
                RL_LN4(128, 2, ROW4_BLOCK, rows, 1);
            if (pl.threads == 256)
                RL_LN4(256, 2, ROW4_BLOCK, rows, 1);
            if (pl.threads == 512)
                RL_LN4(512, 2, ROW4_BLOCK, rows, 1);
            RL_LN4(1024, 2, ROW4_BLOCK, rows, 1);
        case ROW4_CLUSTER: RL_LN4(1024, 2, ROW4_CLUSTER, rows, pl.cluster);
        default: break;
        }
    } else {
        switch (pl.scope) {
        case ROW4_WARP:
            if (pl.packs == 1)
                RL_LN4(ROW4_WARP_THREADS, 1, ROW4_WARP, wrows, 1);
            if (pl.packs == 2)
                RL_LN4(ROW4_WARP_THREADS, 2, ROW4_WARP, wrows, 1);
            RL_LN4(ROW4_WARP_THREADS, 4, ROW4_WARP, wrows, 1);
        case ROW4_BLOCK:
            if (pl.threads == 128)
                RL_LN4(128, 4, ROW4_BLOCK, rows, 1);
            if (pl.threads == 256)
                RL_LN4(256, 4, ROW4_BLOCK, rows, 1);
            if (pl.threads == 512)
                RL_LN4(512, 4, ROW4_BLOCK, rows, 1);
            RL_LN4(1024, 4, ROW4_BLOCK, rows, 1);
        case ROW4_CLUSTER: RL_LN4(1024, 4, ROW4_CLUSTER, rows, pl.cluster);
        default: break;
        }
    }
#undef RL_LN4
    return row4_launch(ctx, ln4_stream_kernel<T, RESID>, rows, ROW4_STREAM_THREADS, 1, a);
}

} // namespace
} // namespace rlcu

using namespace rlcu;

extern "C" cudaError_t rl_cu_layernorm_v4(const rl_cu_ctx *ctx, rl_cu_type t, const void *x,
                                          const void *r, const void *gamma, const void *beta,
                                          void *h, void *y, int64_t rows, int64_t cols, float eps)
{
    if (rows < 1 || cols < 1)
        return cudaErrorInvalidValue;
    return dispatch_16_32(t, [&](auto tag) -> cudaError_t {
        using T = decltype(tag);
        return r ? ln4_launch<T, true>(ctx, x, r, gamma, beta, h, y, rows, cols, eps)
                 : ln4_launch<T, false>(ctx, x, nullptr, gamma, beta, nullptr, y, rows, cols, eps);
    });
}
