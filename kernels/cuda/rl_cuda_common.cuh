// Device-side building blocks shared by the CUDA kernels: storage-type
// conversions, 16-byte packs, warp and block reductions, the split of a row
// into a scalar head, 16-byte vectors and a scalar tail, and the elementwise
// engine behind the unfused chains and bias+GELU.
//
// Arithmetic is fp32 whatever the storage type; values are converted on
// load and rounded (to nearest even) on store.
#ifndef RL_CUDA_COMMON_CUH
#define RL_CUDA_COMMON_CUH

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels/cuda/rl_cuda_kernels.h"
#include "model/rl_mask.h"

namespace rlcu {

// ---------------------------------------------------------------------------
// Storage types

template <typename T> __device__ __forceinline__ float to_f(T v);
template <> __device__ __forceinline__ float to_f<float>(float v) { return v; }
template <> __device__ __forceinline__ float to_f<__half>(__half v) { return __half2float(v); }
template <> __device__ __forceinline__ float to_f<__nv_bfloat16>(__nv_bfloat16 v)
{
    return __bfloat162float(v);
}

template <typename T> __device__ __forceinline__ T from_f(float v);
template <> __device__ __forceinline__ float from_f<float>(float v) { return v; }
template <> __device__ __forceinline__ __half from_f<__half>(float v) { return __float2half_rn(v); }
template <> __device__ __forceinline__ __nv_bfloat16 from_f<__nv_bfloat16>(float v)
{
    return __float2bfloat16_rn(v);
}

// 16 bytes of T: one 128-bit load or store.
template <typename T> struct alignas(16) Pack {
    static constexpr int N = 16 / (int)sizeof(T);
    T v[N];
};

template <typename T> __device__ __forceinline__ Pack<T> ld16(const T *p)
{
    const uint4 u = *reinterpret_cast<const uint4 *>(p);
    Pack<T> r;
    memcpy(&r, &u, 16);
    return r;
}

// A 16-byte load where ok, zeros elsewhere: every pack defined on every
// path, so the compiler keeps an unrolled array of packs in registers (a
// pack left undefined on some path moved bf16 arrays to local memory).
template <typename T> __device__ __forceinline__ Pack<T> ld16_if(bool ok, const T *p)
{
    uint4 u = make_uint4(0u, 0u, 0u, 0u);
    if (ok)
        u = *reinterpret_cast<const uint4 *>(p);
    Pack<T> r;
    memcpy(&r, &u, 16);
    return r;
}

// The same load cached in L2 only (ld.global.cg): for the bandwidth probes,
// whose passes over a cache-sized set must measure L2, not each SM's L1.
template <typename T> __device__ __forceinline__ Pack<T> ld16_l2(const T *p)
{
    const uint4 u = __ldcg(reinterpret_cast<const uint4 *>(p));
    Pack<T> r;
    memcpy(&r, &u, 16);
    return r;
}

// The store is written out in PTX: left to the compiler, a Pack of 16-bit
// values assembled element by element was split into narrow stores.
// p must point to global memory.
template <typename T> __device__ __forceinline__ void st16(T *p, const Pack<T> &v)
{
    uint4 u;
    memcpy(&u, &v, 16);
    asm volatile("st.global.v4.b32 [%0], {%1, %2, %3, %4};" ::"l"(p), "r"(u.x), "r"(u.y),
                 "r"(u.z), "r"(u.w)
                 : "memory");
}

__host__ __device__ __forceinline__ bool aligned16(const void *p)
{
    return ((uintptr_t)p & 15u) == 0;
}

// ---------------------------------------------------------------------------
// Reductions. Block sizes are multiples of 32 (at most 1024) so that every
// warp is full; sh is 32 floats of shared memory. Every thread of the block
// gets the result. The leading __syncthreads lets sh be reused call after
// call.

__device__ __forceinline__ float warp_sum(float v)
{
    for (int o = 16; o > 0; o >>= 1)
        v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v)
{
    for (int o = 16; o > 0; o >>= 1)
        v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

__device__ __forceinline__ float block_sum(float v, float *sh)
{
    const int lane = threadIdx.x & 31, wid = threadIdx.x >> 5, nw = blockDim.x >> 5;
    v = warp_sum(v);
    __syncthreads();
    if (lane == 0)
        sh[wid] = v;
    __syncthreads();
    return warp_sum(lane < nw ? sh[lane] : 0.0f);
}

__device__ __forceinline__ float block_max(float v, float *sh)
{
    const int lane = threadIdx.x & 31, wid = threadIdx.x >> 5, nw = blockDim.x >> 5;
    v = warp_max(v);
    __syncthreads();
    if (lane == 0)
        sh[wid] = v;
    __syncthreads();
    return warp_max(lane < nw ? sh[lane] : -INFINITY);
}

// Welford's running mean and sum of squared deviations, merged with Chan's
// formula, for rows too long to keep on chip.
struct Welford {
    float n, mean, m2;
};

__device__ __forceinline__ void welford_add(Welford &w, float x)
{
    w.n += 1.0f;
    const float d = x - w.mean;
    w.mean += d / w.n;
    w.m2 += d * (x - w.mean);
}

__device__ __forceinline__ Welford welford_merge(Welford a, Welford b)
{
    if (b.n == 0.0f)
        return a;
    if (a.n == 0.0f)
        return b;
    const float n = a.n + b.n, d = b.mean - a.mean, fb = b.n / n;
    Welford r;
    r.n = n;
    r.mean = a.mean + d * fb;
    r.m2 = a.m2 + b.m2 + d * d * a.n * fb;
    return r;
}

__device__ __forceinline__ Welford warp_welford(Welford w)
{
    for (int o = 16; o > 0; o >>= 1) {
        Welford other;
        other.n = __shfl_xor_sync(0xffffffffu, w.n, o);
        other.mean = __shfl_xor_sync(0xffffffffu, w.mean, o);
        other.m2 = __shfl_xor_sync(0xffffffffu, w.m2, o);
        w = welford_merge(w, other);
    }
    // The butterfly merges (a, b) on one lane and (b, a) on its partner,
    // which round differently: every lane takes lane 0's statistics, so a
    // row is normalised with one mean and one variance.
    w.n = __shfl_sync(0xffffffffu, w.n, 0);
    w.mean = __shfl_sync(0xffffffffu, w.mean, 0);
    w.m2 = __shfl_sync(0xffffffffu, w.m2, 0);
    return w;
}

// sh: 3 x 32 floats.
__device__ __forceinline__ Welford block_welford(Welford w, float *sh)
{
    const int lane = threadIdx.x & 31, wid = threadIdx.x >> 5, nw = blockDim.x >> 5;
    w = warp_welford(w);
    __syncthreads();
    if (lane == 0) {
        sh[wid] = w.n;
        sh[32 + wid] = w.mean;
        sh[64 + wid] = w.m2;
    }
    __syncthreads();
    Welford v = {0.0f, 0.0f, 0.0f};
    if (lane < nw) {
        v.n = sh[lane];
        v.mean = sh[32 + lane];
        v.m2 = sh[64 + lane];
    }
    return warp_welford(v);
}

// Online softmax state: running max m and sum s of exp(x - m).
struct MaxSum {
    float m, s;
};

__device__ __forceinline__ MaxSum maxsum_merge(MaxSum a, MaxSum b)
{
    const float m = fmaxf(a.m, b.m);
    MaxSum r;
    r.m = m;
    if (m == -INFINITY) {
        r.s = 0.0f;
        return r;
    }
    r.s = (a.m == -INFINITY ? 0.0f : a.s * __expf(a.m - m)) +
          (b.m == -INFINITY ? 0.0f : b.s * __expf(b.m - m));
    return r;
}

__device__ __forceinline__ MaxSum block_maxsum(MaxSum v, float *sh)
{
    const int lane = threadIdx.x & 31, wid = threadIdx.x >> 5, nw = blockDim.x >> 5;
    for (int o = 16; o > 0; o >>= 1) {
        MaxSum other;
        other.m = __shfl_xor_sync(0xffffffffu, v.m, o);
        other.s = __shfl_xor_sync(0xffffffffu, v.s, o);
        v = maxsum_merge(v, other);
    }
    __syncthreads();
    if (lane == 0) {
        sh[wid] = v.m;
        sh[32 + wid] = v.s;
    }
    __syncthreads();
    MaxSum w = {-INFINITY, 0.0f};
    if (lane < nw) {
        w.m = sh[lane];
        w.s = sh[32 + lane];
    }
    for (int o = 16; o > 0; o >>= 1) {
        MaxSum other;
        other.m = __shfl_xor_sync(0xffffffffu, w.m, o);
        other.s = __shfl_xor_sync(0xffffffffu, w.s, o);
        w = maxsum_merge(w, other);
    }
    return w;
}

// ---------------------------------------------------------------------------
// A row of cols elements split for 16-byte access: [0, head) scalars until
// the row pointer is 16-byte aligned, nvec packs of N elements, then the
// scalar tail [body_end, cols). Without vector access (vec false) the whole
// row is scalars. Scalars are numbered 0..nscalar-1 over head then tail.
template <typename T> struct RowSplit {
    int64_t head, nvec, body_end, nscalar;

    __device__ __forceinline__ RowSplit(const T *row, int64_t cols, bool vec)
    {
        constexpr int N = Pack<T>::N;
        if (vec) {
            head = (int64_t)(((0u - (unsigned)(uintptr_t)row) & 15u) / sizeof(T));
            if (head > cols)
                head = cols;
            nvec = (cols - head) / N;
        } else {
            head = 0;
            nvec = 0;
        }
        body_end = head + nvec * N;
        nscalar = head + (cols - body_end);
    }

    __device__ __forceinline__ int64_t scalar_col(int64_t i) const
    {
        return i < head ? i : body_end + (i - head);
    }
};

// Threads for a one-block-per-row kernel: about two 16-byte packs per
// thread, a multiple of 32, between 32 and 1024.
static inline int row_block_threads(int64_t cols, int elem_bytes)
{
    const int64_t packs = (cols * elem_bytes + 15) / 16;
    int64_t t = (packs + 1) / 2;
    t = (t + 31) / 32 * 32;
    if (t < 32)
        t = 32;
    if (t > 1024)
        t = 1024;
    return (int)t;
}

// Blocks for a grid-stride kernel of `threads` threads over `work` items:
// as many as are resident on every SM at once, from the kernel's own
// register and shared-memory use (a kernel of 64 registers a thread fits 4
// blocks of 256 on an SM, not 8: launching 8 would leave a half-empty second
// wave), never more than the work needs.
template <typename Kernel>
static inline unsigned grid_stride_blocks(const rl_cu_ctx *ctx, Kernel kernel, int64_t work,
                                          int threads)
{
    int per_sm = 0;
    if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, threads, 0) !=
            cudaSuccess ||
        per_sm < 1) {
        (void)cudaGetLastError(); // not sticky; the launch reports real errors
        per_sm = ctx->max_threads_per_sm / threads;
    }
    int64_t need = (work + threads - 1) / threads;
    int64_t fill = (int64_t)ctx->sm_count * per_sm;
    if (fill < 1)
        fill = 1;
    if (need > fill)
        need = fill;
    if (need < 1)
        need = 1;
    return (unsigned)need;
}

// Let each kernel of a vectorised row ladder use the dynamic shared memory a
// cached row needs (above the 48 KiB default), once per context.
static inline cudaError_t allow_row_smem(const void *const *kernels, int count, int bytes)
{
    for (int i = 0; i < count; i++) {
        const cudaError_t e =
            cudaFuncSetAttribute(kernels[i], cudaFuncAttributeMaxDynamicSharedMemorySize, bytes);
        if (e != cudaSuccess)
            return e;
    }
    return cudaSuccess;
}

// Blocks for a kernel that loops over `work` items, one per block (or per
// warp): all of them, capped at the grid's x limit.
static inline unsigned capped_blocks(int64_t work)
{
    const int64_t cap = 0x7fffffff;
    if (work < 1)
        return 1;
    return (unsigned)(work > cap ? cap : work);
}

// ---------------------------------------------------------------------------
// The elementwise engine: y[i] = op(x[i], aux) over n = rows * cols
// elements, 16-byte packs where every pointer is aligned, scalars otherwise
// and for the tail.

enum EwOp {
    EW_RESIDUAL_ADD,
    EW_SCALE,
    EW_CAUSAL_MASK,
    EW_BIAS_ADD,
    EW_GELU,
    EW_BIAS_GELU,
    EW_SILU_GATE // y = silu(x) * aux, aux as long as x (the MLP's up)
};

// 16-byte packs a thread loads per trip of the elementwise loop.
constexpr int EW_UNROLL = 4;

// GELU, tanh form: 0.5 v (1 + tanh(sqrt(2/pi) (v + 0.044715 v^3))).
// For 16-bit storage the same function as v / (1 + exp(-2u)) (since
// 0.5 (1 + tanh u) = 1 / (1 + exp(-2u))), with exp as one ex2.approx.ftz
// and the division as __fdividef (MUFU.RCP and a multiply, no IEEE slow
// path): about 12 instructions instead of tanhf's two branch-free halves or
// an IEEE division's ~23 issue slots, so the kernel stays memory-bound at
// HBM speed. __fdividef returns 0 for a denominator above 2^126, where
// GELU(v) is below 1e-37 anyway. The error of this form against the
// float64 reference is far below fp16/bf16 rounding (docs/performance.md).
// fp32 keeps tanhf, whose accuracy its tolerance needs.
template <typename T> __device__ __forceinline__ float gelu_tanh(float v)
{
    const float k = 0.7978845608028654f;
    const float u = k * (v + 0.044715f * v * v * v);
    if (sizeof(T) == 2) {
        float e;
        asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(e) : "f"(-2.8853900817779268f * u)); // exp(-2u)
        return __fdividef(v, 1.0f + e);
    }
    return 0.5f * v * (1.0f + tanhf(u));
}

// silu(v) = v / (1 + exp(-v)). For 16-bit storage exp is one
// ex2.approx.ftz and the division __fdividef, as in gelu_tanh (for v below
// about -87 the denominator passes 2^126 and __fdividef gives 0, where
// silu(v) is below 1e-36 anyway); fp32 keeps expf and an IEEE division for
// its tolerance. expf(-v) overflows to inf there, and v / inf is -0.
template <typename T> __device__ __forceinline__ float silu(float v)
{
    if (sizeof(T) == 2) {
        float e;
        asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(e) : "f"(-1.4426950408889634f * v)); // exp(-v)
        return __fdividef(v, 1.0f + e);
    }
    return v / (1.0f + expf(-v));
}

// Column-indexed ops track the column as they walk; for the causal mask
// also q, the last column the current row sees (model/rl_mask.h).
template <int OP> struct EwNeedsCols {
    static constexpr bool value = OP == EW_CAUSAL_MASK || OP == EW_BIAS_ADD || OP == EW_BIAS_GELU;
};

// The last column row sees under the causal mask of blocks of queries query
// positions (model/rl_mask.h), in 32 bits where the numbers allow.
__device__ __forceinline__ int64_t ew_mask_last(int64_t row, int64_t cols, int64_t queries)
{
    if (row <= 0xffffffffll && cols <= 0xffffffffll && queries <= 0xffffffffll)
        return (int64_t)rl_mask_visible_u32((uint32_t)cols, (uint32_t)queries, (uint32_t)row) - 1;
    return rl_mask_visible_of(cols, queries, row) - 1;
}

// Row and column of flat index i in rows of cols; 32-bit division where
// the numbers allow (a 64-bit division costs several times as many
// instructions).
__device__ __forceinline__ void split_index(int64_t i, int64_t cols, int64_t *row, int64_t *col)
{
    if (i <= 0xffffffffll && cols <= 0xffffffffll) {
        const uint32_t r = (uint32_t)i / (uint32_t)cols;
        *row = (int64_t)r;
        *col = (int64_t)((uint32_t)i - r * (uint32_t)cols);
    } else {
        *row = i / cols;
        *col = i - *row * cols;
    }
}

template <typename T, int OP>
__device__ __forceinline__ float ew_apply(float v, float a, int64_t q, int64_t col, float scale)
{
    if (OP == EW_RESIDUAL_ADD || OP == EW_BIAS_ADD)
        return v + a;
    if (OP == EW_SCALE)
        return v * scale;
    if (OP == EW_CAUSAL_MASK)
        return col > q ? -INFINITY : v;
    if (OP == EW_GELU)
        return gelu_tanh<T>(v);
    if (OP == EW_SILU_GATE)
        return silu<T>(v) * a;
    return gelu_tanh<T>(v + a); // EW_BIAS_GELU
}

// vec: x, aux and y are 16-byte aligned (packs of x and y);
// aux_vec: the bias can be read in packs too (cols a multiple of N).
template <typename T, int OP>
__global__ void __launch_bounds__(256)
    ew_kernel(const T *__restrict__ x, const T *__restrict__ aux, T *__restrict__ y, int64_t n,
              int64_t cols, float scale, int64_t queries, bool vec, bool aux_vec)
{
    constexpr int N = Pack<T>::N;
    constexpr bool COLS = EwNeedsCols<OP>::value;
    constexpr bool BIAS = OP == EW_BIAS_ADD || OP == EW_BIAS_GELU;
    const int64_t stride = (int64_t)gridDim.x * blockDim.x;
    const int64_t t0 = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    const int64_t nvec = vec ? n / N : 0;

    // U packs a thread a trip, all loaded before any is used. (The causal
    // mask, a step of the unfused chain only, keeps one: its row and
    // column arithmetic for four would spill on sm_87.)
    constexpr int U = OP == EW_CAUSAL_MASK ? 1 : EW_UNROLL;
    for (int64_t v0 = t0; v0 < nvec; v0 += stride * U) {
        Pack<T> a[U], b[U];
        int64_t col[U], row[U], last[U];
#pragma unroll
        for (int u = 0; u < U; u++) {
            const int64_t v = v0 + u * stride;
            const bool ok = v < nvec;
            col[u] = 0;
            row[u] = 0;
            last[u] = 0;
            if (COLS && ok)
                split_index(v * N, cols, &row[u], &col[u]);
            bool load = ok;
            if (OP == EW_CAUSAL_MASK && ok) {
                // A pack wholly behind the mask (past the row's last seen
                // column, and not running into the next row, whose first
                // column is always seen) is not read: the mask step reads
                // the seen elements only, as the op's count has it.
                last[u] = ew_mask_last(row[u], cols, queries);
                load = !(col[u] > last[u] && col[u] + N <= cols);
            }
            a[u] = ld16_if(load, x + v * N);
            if (OP == EW_RESIDUAL_ADD || OP == EW_SILU_GATE)
                b[u] = ld16_if(ok, aux + v * N);
            else if (BIAS && aux_vec)
                b[u] = ld16_if(ok, aux + col[u]);
            else
                b[u] = a[u];
        }
#pragma unroll
        for (int u = 0; u < U; u++) {
            const int64_t v = v0 + u * stride;
            if (v >= nvec)
                continue;
            int64_t c = col[u], r = row[u], qq = last[u];
            Pack<T> out;
#pragma unroll
            for (int k = 0; k < N; k++) {
                float av = 0.0f;
                if (OP == EW_RESIDUAL_ADD || OP == EW_SILU_GATE || (BIAS && aux_vec))
                    av = to_f(b[u].v[k]);
                else if (BIAS)
                    av = to_f(aux[c]);
                out.v[k] = from_f<T>(ew_apply<T, OP>(to_f(a[u].v[k]), av, qq, c, scale));
                if (COLS && ++c == cols) {
                    // The pack runs into the next row (rows shorter than
                    // a pack, or not a multiple of it): start that row.
                    c = 0;
                    if (OP == EW_CAUSAL_MASK)
                        qq = ew_mask_last(++r, cols, queries);
                }
            }
            st16(y + v * N, out);
        }
    }
    for (int64_t i = nvec * N + t0; i < n; i += stride) {
        int64_t col = 0, row = 0;
        if (COLS)
            split_index(i, cols, &row, &col);
        const int64_t q = OP == EW_CAUSAL_MASK ? ew_mask_last(row, cols, queries) : 0;
        float av = 0.0f;
        if (OP == EW_RESIDUAL_ADD || OP == EW_SILU_GATE)
            av = to_f(aux[i]);
        else if (BIAS)
            av = to_f(aux[col]);
        // (A masked element's x is not read.)
        const float xv = OP == EW_CAUSAL_MASK && col > q ? 0.0f : to_f(x[i]);
        y[i] = from_f<T>(ew_apply<T, OP>(xv, av, q, col, scale));
    }
}

// queries: the causal mask's blocks (>= 1, EW_CAUSAL_MASK); 0 for every
// other op.
template <typename T, int OP>
cudaError_t ew_launch(const rl_cu_ctx *ctx, const void *x, const void *aux, void *y, int64_t n,
                      int64_t cols, float scale, int64_t queries)
{
    constexpr int N = Pack<T>::N;
    const bool uses_aux = OP == EW_RESIDUAL_ADD || OP == EW_BIAS_ADD || OP == EW_BIAS_GELU ||
                          OP == EW_SILU_GATE;
    const bool vec = aligned16(x) && aligned16(y) && (!uses_aux || aligned16(aux));
    const bool aux_vec = vec && (OP == EW_BIAS_ADD || OP == EW_BIAS_GELU) && cols % N == 0;
    const int threads = 256;
    const int64_t work = vec ? n / N + n % N : n;
    ew_kernel<T, OP><<<grid_stride_blocks(ctx, ew_kernel<T, OP>, work, threads), threads, 0,
                       ctx->stream>>>(
        static_cast<const T *>(x), static_cast<const T *>(aux), static_cast<T *>(y), n,
        cols > 0 ? cols : 1, scale, queries, vec, aux_vec);
    return cudaGetLastError();
}

// Dispatch a storage type to a template: F is a generic lambda taking a
// value of the type (only its type matters).
template <typename F> cudaError_t dispatch_16_32(rl_cu_type t, F f)
{
    switch (t) {
    case RL_CU_F32: return f(float());
    case RL_CU_F16: return f(__half());
    case RL_CU_BF16: return f(__nv_bfloat16());
    default: return cudaErrorInvalidValue;
    }
}

} // namespace rlcu

#endif
