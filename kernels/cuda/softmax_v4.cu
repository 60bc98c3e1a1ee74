// Softmax v4 (--kernel-version 4) and the fused scale + causal mask +
// softmax: the row kernels of rl_cuda_row4.cuh.
//
// On chip (rows up to 128 KiB, or 1 MiB across an sm_90 cluster): the row
// is loaded into registers once (PACKS loads in flight per thread), then
// max, sum of exps and the write run from registers. Streaming (longer
// rows): an online-softmax pass over UNROLL-pack trips (the running sum
// rescaled once per trip, not per element) and a second read to write.
//
// exp is 2^((v - max) * log2 e) with ex2.approx.ftz (one MUFU.EX2, FADD and
// FMUL before it): the same arithmetic as __expf, less its denormal
// handling. Error against the float64 reference: the argument's rounding,
// |v - max| * log2 e * 2^-24 relative, plus ex2.approx's 2 ulp; outputs
// under 2^-126 become 0. The sum's reciprocal is taken once per row.
#include "kernels/cuda/rl_cuda_row4.cuh"

namespace rlcu {
namespace {

// The row's value at column j: x * scale, or -inf for a masked column
// (MASK: j > q, q the last key the row sees under the causal mask:
// rl_mask_visible_u32 - 1, model/rl_mask.h).
template <typename T, bool MASK, typename I>
__device__ __forceinline__ float sm4_value(T t, I j, I q, float scale)
{
    if (!MASK)
        return to_f(t);
    return j > q ? -INFINITY : to_f(t) * scale;
}

// Whether the columns from j0 on include one the row sees (MASK: j0 <= q).
// A pack or scalar wholly behind the mask is never loaded (its value is
// -inf whatever x holds), so a masked row reads only the keys it sees,
// rounded out to whole packs: the op's minimum traffic (docs/op-accounting.md).
template <bool MASK, typename I> __device__ __forceinline__ bool sm4_seen(I j0, I q)
{
    return !MASK || j0 <= q;
}

// exp(v - m) for a row whose maximum is m.
__device__ __forceinline__ float sm4_exp(float v, float m)
{
    return ex2_ftz((v - m) * ROW4_LOG2E);
}

template <typename T, int THREADS, int PACKS, int SCOPE, bool MASK>
__global__ void __launch_bounds__(THREADS, RL_ROW4_MIN_BLOCKS(THREADS))
    sm4_onchip_kernel(const T *__restrict__ x, T *__restrict__ y, int64_t rows, int64_t cols,
                      float scale, int64_t queries, bool vec)
{
    constexpr int N = Pack<T>::N;
    __shared__ float red[32];
    __shared__ float slots[3];
    RowGroup<SCOPE, THREADS> g;

    for (int64_t r = g.first; r < rows; r += g.stride) {
        const int64_t off = r * cols;
        const RowSplit<T> sp(x + off, cols, vec);
        // On-chip rows are short enough for 32-bit column arithmetic.
        const int nvec = (int)sp.nvec, head = (int)sp.head;
        const int q = MASK ? (int)mask_last(r, cols, queries) : 0;
        const T *xr = x + off + sp.head;
        T *yr = y + off + sp.head;

        // Every load first: PACKS independent 16-byte loads in flight.
        Pack<T> d[PACKS];
#pragma unroll
        for (int p = 0; p < PACKS; p++) {
            const int v = p * g.nthr + g.tid;
            d[p] = ld16_if(v < nvec && sm4_seen<MASK>(head + v * N, q), xr + (int64_t)v * N);
        }
        // The head and tail scalars (fewer than 2N), one a thread.
        float sv = -INFINITY;
        int sj = 0;
        if (g.tid < sp.nscalar) {
            sj = (int)sp.scalar_col(g.tid);
            sv = sm4_seen<MASK>(sj, q) ? sm4_value<T, MASK>(x[off + sj], sj, q, scale) : -INFINITY;
        }

        float m = sv;
#pragma unroll
        for (int p = 0; p < PACKS; p++) {
            const int v = p * g.nthr + g.tid;
            if (v < nvec) {
                const int j0 = head + v * N;
#pragma unroll
                for (int k = 0; k < N; k++)
                    m = fmaxf(m, sm4_value<T, MASK>(d[p].v[k], j0 + k, q, scale));
            }
        }
        m = g.max(m, red, slots);
#pragma unroll
        for (int p = 0; p < PACKS; p++)
            reg_fence(d[p]);

        float s = g.tid < sp.nscalar ? sm4_exp(sv, m) : 0.0f;
#pragma unroll
        for (int p = 0; p < PACKS; p++) {
            const int v = p * g.nthr + g.tid;
            if (v < nvec) {
                const int j0 = head + v * N;
#pragma unroll
                for (int k = 0; k < N; k++)
                    s += sm4_exp(sm4_value<T, MASK>(d[p].v[k], j0 + k, q, scale), m);
            }
        }
        const float inv = fast_div(1.0f, g.sum(s, red, slots));
#pragma unroll
        for (int p = 0; p < PACKS; p++)
            reg_fence(d[p]);

#pragma unroll
        for (int p = 0; p < PACKS; p++) {
            const int v = p * g.nthr + g.tid;
            if (v < nvec) {
                const int j0 = head + v * N;
                Pack<T> o;
#pragma unroll
                for (int k = 0; k < N; k++)
                    o.v[k] = from_f<T>(
                        sm4_exp(sm4_value<T, MASK>(d[p].v[k], j0 + k, q, scale), m) * inv);
                st16(yr + (int64_t)v * N, o);
            }
        }
        if (g.tid < sp.nscalar)
            y[off + sj] = from_f<T>(sm4_exp(sv, m) * inv);
    }
    g.finish();
}

// Rows past the on-chip path: one block a row, two reads. A trip covers
// U * B packs; thread t loads packs base + t + u * B (u < U), addressed from
// one pointer with constant offsets, all before using any.
template <typename T, bool MASK>
__global__ void __launch_bounds__(ROW4_STREAM_THREADS, RL_ROW4_MIN_BLOCKS(ROW4_STREAM_THREADS))
    sm4_stream_kernel(const T *__restrict__ x, T *__restrict__ y, int64_t rows, int64_t cols,
                      float scale, int64_t queries, bool vec)
{
    constexpr int N = Pack<T>::N, U = ROW4_STREAM_UNROLL, B = ROW4_STREAM_THREADS;
    __shared__ float red[64];

    for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
        const int64_t off = r * cols;
        const RowSplit<T> sp(x + off, cols, vec);
        const int64_t q = MASK ? mask_last(r, cols, queries) : 0;

        // Online softmax over the trips: the trip's max first, then one
        // rescale of the running sum, then its exps.
        MaxSum ms = {-INFINITY, 0.0f};
        for (int64_t base = threadIdx.x; base < sp.nvec; base += (int64_t)U * B) {
            const int64_t rem = sp.nvec - base;       // packs left from this thread's first
            const int64_t j = sp.head + base * N;      // column of that pack
            const T *xp = x + off + j;
            Pack<T> d[U];
#pragma unroll
            for (int u = 0; u < U; u++)
                d[u] = ld16_if(u * B < rem && sm4_seen<MASK>(j + u * B * N, q), xp + u * B * N);
            float tm = -INFINITY;
#pragma unroll
            for (int u = 0; u < U; u++)
                if (u * B < rem) {
#pragma unroll
                    for (int k = 0; k < N; k++)
                        tm = fmaxf(tm, sm4_value<T, MASK>(d[u].v[k], j + u * B * N + k, q, scale));
                }
#pragma unroll
            for (int u = 0; u < U; u++)
                reg_fence(d[u]);
            if (tm > ms.m) {
                ms.s = ms.m == -INFINITY ? 0.0f : ms.s * sm4_exp(ms.m, tm);
                ms.m = tm;
            }
            if (ms.m != -INFINITY) {
#pragma unroll
                for (int u = 0; u < U; u++)
                    if (u * B < rem) {
#pragma unroll
                        for (int k = 0; k < N; k++)
                            ms.s += sm4_exp(
                                sm4_value<T, MASK>(d[u].v[k], j + u * B * N + k, q, scale), ms.m);
                    }
            }
        }
        // Scalars: the head and tail, or the whole row where x or y is
        // not 16-byte aligned.
#pragma unroll 1
        for (int64_t i = threadIdx.x; i < sp.nscalar; i += B) {
            const int64_t jj = sp.scalar_col(i);
            const float sv =
                sm4_seen<MASK>(jj, q) ? sm4_value<T, MASK>(x[off + jj], jj, q, scale) : -INFINITY;
            if (sv > ms.m) {
                ms.s = ms.m == -INFINITY ? 0.0f : ms.s * sm4_exp(ms.m, sv);
                ms.m = sv;
            }
            if (ms.m != -INFINITY)
                ms.s += sm4_exp(sv, ms.m);
        }
        const MaxSum t = block_maxsum(ms, red);
        const float m = t.m, inv = fast_div(1.0f, t.s);

        for (int64_t base = threadIdx.x; base < sp.nvec; base += (int64_t)U * B) {
            const int64_t rem = sp.nvec - base;
            const int64_t j = sp.head + base * N;
            const T *xp = x + off + j;
            T *yp = y + off + j;
            Pack<T> d[U];
#pragma unroll
            for (int u = 0; u < U; u++)
                d[u] = ld16_if(u * B < rem && sm4_seen<MASK>(j + u * B * N, q), xp + u * B * N);
#pragma unroll
            for (int u = 0; u < U; u++)
                if (u * B < rem) {
                    Pack<T> o;
#pragma unroll
                    for (int k = 0; k < N; k++)
                        o.v[k] = from_f<T>(
                            sm4_exp(sm4_value<T, MASK>(d[u].v[k], j + u * B * N + k, q, scale), m) *
                            inv);
                    st16(yp + u * B * N, o);
                }
        }
#pragma unroll 1
        for (int64_t i = threadIdx.x; i < sp.nscalar; i += B) {
            const int64_t jj = sp.scalar_col(i);
            const float sv =
                sm4_seen<MASK>(jj, q) ? sm4_value<T, MASK>(x[off + jj], jj, q, scale) : -INFINITY;
            y[off + jj] = from_f<T>(sm4_exp(sv, m) * inv);
        }
        // The next row's reduction reuses red: block_maxsum's leading
        // barrier orders it.
    }
}

template <typename T, bool MASK>
cudaError_t sm4_launch(const rl_cu_ctx *ctx, const void *xv, void *yv, int64_t rows,
                       int64_t cols, float scale, int64_t queries)
{
    const T *x = static_cast<const T *>(xv);
    T *y = static_cast<T *>(yv);
    const bool vec = aligned16(x) && aligned16(y);
    // Unaligned rows are all scalars: the streaming kernel loops over them.
    const Row4Plan pl = vec ? row4_plan(cols, (int)sizeof(T), 8, ctx->row_cluster_max)
                            : rl_row4_shape(ROW4_STREAM, ROW4_STREAM_THREADS, ROW4_STREAM_UNROLL, 1);
    const int64_t wrows = (rows + 3) / 4;
#define RL_SM4(TH, PK, SC, groups, cs)                                                             \
    return row4_launch(ctx, sm4_onchip_kernel<T, TH, PK, SC, MASK>, groups, TH, cs, x, y, rows,   \
                       cols, scale, queries, vec)
    switch (pl.scope) {
    case ROW4_WARP:
        if (pl.packs == 1)
            RL_SM4(ROW4_WARP_THREADS, 1, ROW4_WARP, wrows, 1);
        if (pl.packs == 2)
            RL_SM4(ROW4_WARP_THREADS, 2, ROW4_WARP, wrows, 1);
        RL_SM4(ROW4_WARP_THREADS, 4, ROW4_WARP, wrows, 1);
    case ROW4_BLOCK:
        if (pl.threads == 128)
            RL_SM4(128, 4, ROW4_BLOCK, rows, 1);
        if (pl.threads == 256)
            RL_SM4(256, 4, ROW4_BLOCK, rows, 1);
        if (pl.threads == 512)
            RL_SM4(512, 8, ROW4_BLOCK, rows, 1);
        RL_SM4(1024, 8, ROW4_BLOCK, rows, 1);
    case ROW4_CLUSTER: RL_SM4(1024, 4, ROW4_CLUSTER, rows, pl.cluster);
    default:
        return row4_launch(ctx, sm4_stream_kernel<T, MASK>, rows, ROW4_STREAM_THREADS, 1, x, y,
                           rows, cols, scale, queries, vec);
    }
#undef RL_SM4
}

} // namespace
} // namespace rlcu

using namespace rlcu;

extern "C" cudaError_t rl_cu_softmax_v4(const rl_cu_ctx *ctx, rl_cu_type t, const void *x,
                                        void *y, int64_t rows, int64_t cols, float scale,
                                        int64_t queries)
{
    if (rows < 1 || cols < 1 || queries < 0 || (queries > 0 && !rl_cu_mask_fits(rows, cols, queries)))
        return cudaErrorInvalidValue;
    return dispatch_16_32(t, [&](auto tag) -> cudaError_t {
        using T = decltype(tag);
        return queries > 0 ? sm4_launch<T, true>(ctx, x, y, rows, cols, scale, queries)
                           : sm4_launch<T, false>(ctx, x, y, rows, cols, 1.0f, 0);
    });
}

extern "C" int rl_cu_row_cluster_limit(int cc_major)
{
    return row4_max_cluster(cc_major, sm4_onchip_kernel<float, 1024, 4, ROW4_CLUSTER, false>);
}
