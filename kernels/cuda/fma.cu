// The FMA compute probe on the GPU: element i starts at v = x[i] and runs
// iters dependent steps v = fma(v, a, b) in the storage precision (the
// probe's definition and constants are in kernels/ref/rl_ref.h); y[i] is
// the last v. fp32 and fp64 use fmaf/fma; fp16 and bf16 run as pairs on
// the SIMT pipes with __hfma2 (half2 / bfloat162), two FMAs per
// instruction.
//
// One chain waits on its previous FMA (about 4 cycles), so every thread
// carries CHAINS independent chains (elements blockDim.x apart, so loads
// and stores coalesce); with a full SM of threads that is far more
// independent work than the FMA pipes' latency needs. Memory is touched
// once per element, before and after the loop.
#include "kernels/cuda/rl_cuda_common.cuh"

namespace rlcu {
namespace {

constexpr int CHAINS = 8;
constexpr int THREADS = 256;
// Dependent steps per trip of the unrolled loop: 8 x 32 FMAs against the
// loop's own few instructions (counter, compare, branch), each of which
// takes an FMA's issue slot (with 4 steps a trip, 7 such instructions
// beside 32 FMAs in the sm_90 code: 18 % of the slots, by count).
constexpr int STEPS = 32;

// One step of a chain, per type: fp32/fp64 FMA, or a pair of 16-bit FMAs.
__device__ __forceinline__ float fma_step(float v, float a, float b) { return fmaf(v, a, b); }
__device__ __forceinline__ double fma_step(double v, double a, double b) { return fma(v, a, b); }
__device__ __forceinline__ __half2 fma_step(__half2 v, __half2 a, __half2 b)
{
    return __hfma2(v, a, b);
}
__device__ __forceinline__ __nv_bfloat162 fma_step(__nv_bfloat162 v, __nv_bfloat162 a,
                                                   __nv_bfloat162 b)
{
    return __hfma2(v, a, b);
}

// iters dependent steps on each of the CHAINS independent chains.
template <typename V>
__device__ __forceinline__ void run_chains(V (&v)[CHAINS], int64_t iters, V a, V b)
{
    int64_t it = 0;
    // The body is unrolled already; unrolling the trips too only grows the code.
#pragma unroll 1
    for (; it + STEPS <= iters; it += STEPS) {
#pragma unroll
        for (int s = 0; s < STEPS; s++)
#pragma unroll
            for (int k = 0; k < CHAINS; k++)
                v[k] = fma_step(v[k], a, b);
    }
    for (; it < iters; it++) {
#pragma unroll
        for (int k = 0; k < CHAINS; k++)
            v[k] = fma_step(v[k], a, b);
    }
}

template <typename T>
__global__ void __launch_bounds__(THREADS)
    fma_kernel(const T *__restrict__ x, T *__restrict__ y, int64_t n, int64_t iters, T a, T b)
{
    const int64_t tile = (int64_t)CHAINS * blockDim.x;
    for (int64_t base = (int64_t)blockIdx.x * tile; base < n; base += (int64_t)gridDim.x * tile) {
        T v[CHAINS];
#pragma unroll
        for (int k = 0; k < CHAINS; k++) {
            const int64_t i = base + (int64_t)k * blockDim.x + threadIdx.x;
            v[k] = i < n ? x[i] : T(0);
        }
        run_chains(v, iters, a, b);
#pragma unroll
        for (int k = 0; k < CHAINS; k++) {
            const int64_t i = base + (int64_t)k * blockDim.x + threadIdx.x;
            if (i < n)
                y[i] = v[k];
        }
    }
}

// Pairs of 16-bit values: H is the scalar type, H2 the pair.
template <typename H, typename H2>
__global__ void __launch_bounds__(THREADS)
    fma2_kernel(const H *__restrict__ x, H *__restrict__ y, int64_t n, int64_t iters, H2 a, H2 b)
{
    const int64_t pairs = (n + 1) / 2;
    const int64_t tile = (int64_t)CHAINS * blockDim.x;
    const H zero = from_f<H>(0.0f);
    for (int64_t base = (int64_t)blockIdx.x * tile; base < pairs;
         base += (int64_t)gridDim.x * tile) {
        H2 v[CHAINS];
#pragma unroll
        for (int k = 0; k < CHAINS; k++) {
            const int64_t p = base + (int64_t)k * blockDim.x + threadIdx.x;
            const H lo = p < pairs ? x[2 * p] : zero;
            const H hi = p < pairs && 2 * p + 1 < n ? x[2 * p + 1] : zero;
            v[k].x = lo;
            v[k].y = hi;
        }
        run_chains(v, iters, a, b);
#pragma unroll
        for (int k = 0; k < CHAINS; k++) {
            const int64_t p = base + (int64_t)k * blockDim.x + threadIdx.x;
            if (p < pairs) {
                y[2 * p] = v[k].x;
                if (2 * p + 1 < n)
                    y[2 * p + 1] = v[k].y;
            }
        }
    }
}

template <typename Kernel> unsigned fma_blocks(const rl_cu_ctx *ctx, Kernel kernel, int64_t items)
{
    return grid_stride_blocks(ctx, kernel, (items + CHAINS - 1) / CHAINS, THREADS);
}

} // namespace
} // namespace rlcu

using namespace rlcu;

extern "C" cudaError_t rl_cu_fma(const rl_cu_ctx *ctx, rl_cu_type t, const void *x, void *y,
                                 int64_t n, int64_t iters, double a, double b)
{
    if (n < 1 || iters < 0)
        return cudaErrorInvalidValue;
    switch (t) {
    case RL_CU_F64:
        fma_kernel<double><<<fma_blocks(ctx, fma_kernel<double>, n), THREADS, 0, ctx->stream>>>(
            static_cast<const double *>(x), static_cast<double *>(y), n, iters, a, b);
        break;
    case RL_CU_F32:
        fma_kernel<float><<<fma_blocks(ctx, fma_kernel<float>, n), THREADS, 0, ctx->stream>>>(
            static_cast<const float *>(x), static_cast<float *>(y), n, iters, (float)a, (float)b);
        break;
    case RL_CU_F16:
        fma2_kernel<__half, __half2>
            <<<fma_blocks(ctx, fma2_kernel<__half, __half2>, (n + 1) / 2), THREADS, 0, ctx->stream>>>(
            static_cast<const __half *>(x), static_cast<__half *>(y), n, iters,
            __floats2half2_rn((float)a, (float)a), __floats2half2_rn((float)b, (float)b));
        break;
    case RL_CU_BF16:
        fma2_kernel<__nv_bfloat16, __nv_bfloat162>
            <<<fma_blocks(ctx, fma2_kernel<__nv_bfloat16, __nv_bfloat162>, (n + 1) / 2), THREADS,
               0, ctx->stream>>>(
                static_cast<const __nv_bfloat16 *>(x), static_cast<__nv_bfloat16 *>(y), n, iters,
                __floats2bfloat162_rn((float)a, (float)a), __floats2bfloat162_rn((float)b, (float)b));
        break;
    default: return cudaErrorInvalidValue;
    }
    return cudaGetLastError();
}
