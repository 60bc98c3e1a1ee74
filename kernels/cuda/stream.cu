// The STREAM-style bandwidth probes on the GPU (as in BabelStream's CUDA
// backend, but with 16-byte loads and grid-stride loops sized to fill every
// SM once):
//   copy   c = a, moved as bytes, so one kernel serves every storage type;
//   triad  a = b + scalar * c, in fp64, fp32, fp16 or bf16 storage (fp32
//          arithmetic for the 16-bit types).
// `passes` sweeps repeat inside the one launch (for the working-set sweep
// that keeps a cache-sized set hot). Loads bypass L1 (ld.global.cg): each
// thread re-reads the same addresses every pass, which L1 would otherwise
// serve, and the sweep would measure L1 instead of L2. Grids fill every SM
// with as many blocks as are resident at once. Every pass writes the same values, so
// blocks need not wait for each other between passes; a compiler barrier
// keeps each pass's loads and stores from being merged away.
#include "kernels/cuda/rl_cuda_common.cuh"

namespace rlcu {
namespace {

__global__ void __launch_bounds__(256)
    copy_kernel(const unsigned char *__restrict__ a, unsigned char *__restrict__ c, int64_t bytes,
                bool vec, int64_t passes)
{
    const int64_t stride = (int64_t)gridDim.x * blockDim.x;
    const int64_t t0 = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    const int64_t n16 = vec ? bytes / 16 : 0;
    const uint4 *a16 = reinterpret_cast<const uint4 *>(a);
    uint4 *c16 = reinterpret_cast<uint4 *>(c);
    for (int64_t p = 0; p < passes; p++) {
        for (int64_t i = t0; i < n16; i += stride)
            c16[i] = __ldcg(a16 + i);
        for (int64_t i = n16 * 16 + t0; i < bytes; i += stride)
            c[i] = __ldcg(a + i);
        asm volatile("" ::: "memory");
    }
}

// Reads every 16 bytes of a (n16 packs), 4 loads a thread a trip, into L2
// (ld.global.cg). The loads must not be optimised away: their XOR goes to
// *sink only when `keep` (always false at run time) says so, which the
// compiler cannot know.
__global__ void __launch_bounds__(256)
    read_kernel(const uint4 *__restrict__ a, int64_t n16, unsigned *sink, int keep)
{
    const int64_t stride = (int64_t)gridDim.x * blockDim.x;
    unsigned acc = 0;
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n16; i += 4 * stride) {
        uint4 v[4];
#pragma unroll
        for (int u = 0; u < 4; u++)
            v[u] = i + u * stride < n16 ? __ldcg(a + i + u * stride) : make_uint4(0, 0, 0, 0);
#pragma unroll
        for (int u = 0; u < 4; u++)
            acc ^= v[u].x ^ v[u].y ^ v[u].z ^ v[u].w;
    }
    if (keep)
        atomicXor(sink, acc);
}

// Arithmetic type of a storage type.
template <typename T> struct MathOf {
    typedef float type;
};
template <> struct MathOf<double> {
    typedef double type;
};

template <typename T> __device__ __forceinline__ typename MathOf<T>::type to_m(T v)
{
    return to_f(v);
}
template <> __device__ __forceinline__ double to_m<double>(double v) { return v; }
template <typename T> __device__ __forceinline__ T from_m(typename MathOf<T>::type v)
{
    return from_f<T>(v);
}
template <> __device__ __forceinline__ double from_m<double>(double v) { return v; }

template <typename T>
__global__ void __launch_bounds__(256)
    triad_kernel(const T *__restrict__ b, const T *__restrict__ c, T *__restrict__ a, int64_t n,
                 typename MathOf<T>::type s, bool vec, int64_t passes)
{
    constexpr int N = Pack<T>::N;
    const int64_t stride = (int64_t)gridDim.x * blockDim.x;
    const int64_t t0 = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    const int64_t nvec = vec ? n / N : 0;
    for (int64_t p = 0; p < passes; p++) {
        for (int64_t v = t0; v < nvec; v += stride) {
            const Pack<T> pb = ld16_l2(b + v * N), pc = ld16_l2(c + v * N);
            Pack<T> pa;
#pragma unroll
            for (int k = 0; k < N; k++)
                pa.v[k] = from_m<T>(to_m(pb.v[k]) + s * to_m(pc.v[k]));
            st16(a + v * N, pa);
        }
        for (int64_t i = nvec * N + t0; i < n; i += stride)
            a[i] = from_m<T>(to_m(__ldcg(b + i)) + s * to_m(__ldcg(c + i)));
        asm volatile("" ::: "memory");
    }
}

template <typename T>
cudaError_t triad_launch(const rl_cu_ctx *ctx, const void *b, const void *c, void *a, int64_t n,
                         double scalar, int64_t passes)
{
    constexpr int N = Pack<T>::N;
    const bool vec = aligned16(a) && aligned16(b) && aligned16(c);
    const int threads = 256;
    triad_kernel<T><<<grid_stride_blocks(ctx, triad_kernel<T>, vec ? n / N + n % N : n, threads),
                      threads, 0, ctx->stream>>>(static_cast<const T *>(b), static_cast<const T *>(c),
                                     static_cast<T *>(a), n,
                                     (typename MathOf<T>::type)scalar, vec, passes);
    return cudaGetLastError();
}

} // namespace
} // namespace rlcu

using namespace rlcu;

extern "C" cudaError_t rl_cu_copy(const rl_cu_ctx *ctx, const void *a, void *c, size_t bytes,
                                  int64_t passes)
{
    if (bytes == 0 || bytes > (size_t)INT64_MAX)
        return cudaErrorInvalidValue;
    const int64_t n = (int64_t)bytes;
    const bool vec = aligned16(a) && aligned16(c);
    const int threads = 256;
    copy_kernel<<<grid_stride_blocks(ctx, copy_kernel, vec ? n / 16 + n % 16 : n, threads),
                  threads, 0, ctx->stream>>>(static_cast<const unsigned char *>(a),
                                 static_cast<unsigned char *>(c), n, vec, passes < 1 ? 1 : passes);
    return cudaGetLastError();
}

extern "C" cudaError_t rl_cu_read(const rl_cu_ctx *ctx, const void *a, size_t bytes,
                                  unsigned *sink)
{
    if (bytes < 16 || !aligned16(a))
        return cudaErrorInvalidValue;
    const int64_t n16 = (int64_t)(bytes / 16);
    const int threads = 256;
    read_kernel<<<grid_stride_blocks(ctx, read_kernel, n16, threads), threads, 0, ctx->stream>>>(
        static_cast<const uint4 *>(a), n16, sink, 0);
    return cudaGetLastError();
}

extern "C" cudaError_t rl_cu_triad(const rl_cu_ctx *ctx, rl_cu_type t, const void *b,
                                   const void *c, void *a, int64_t n, double scalar, int64_t passes)
{
    if (n < 1)
        return cudaErrorInvalidValue;
    if (passes < 1)
        passes = 1;
    switch (t) {
    case RL_CU_F64: return triad_launch<double>(ctx, b, c, a, n, scalar, passes);
    case RL_CU_F32: return triad_launch<float>(ctx, b, c, a, n, scalar, passes);
    case RL_CU_F16: return triad_launch<__half>(ctx, b, c, a, n, scalar, passes);
    case RL_CU_BF16: return triad_launch<__nv_bfloat16>(ctx, b, c, a, n, scalar, passes);
    default: return cudaErrorInvalidValue;
    }
}
