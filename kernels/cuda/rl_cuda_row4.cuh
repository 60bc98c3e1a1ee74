// The v4 row kernels' shared parts: the plan that picks a kernel shape per
// row length, the groups of threads that own one row (a warp, a block, or
// on sm_90 a thread-block cluster) with their reductions, and fast exp.
//
// On-chip path: every thread holds PACKS 16-byte packs of its row in
// registers, in the storage type, all loaded before the first is used, so
// PACKS loads are in flight per thread. A row is read from DRAM once. Pack
// p of thread t is pack p * nthr + t of the row, so each load instruction of
// a warp covers 512 contiguous bytes. Rows held in registers need no
// shared-memory layout (the shared memory holds only the reduction scratch,
// one float per warp); the register file (256 KiB an SM) also holds more
// than the shared memory (228 KiB on sm_90, 164 KiB on sm_87).
//
// Streaming path (rows longer than the on-chip path holds): two reads of
// the row, each trip of its loops loading UNROLL packs per thread before
// using any.
#ifndef RL_CUDA_ROW4_CUH
#define RL_CUDA_ROW4_CUH

#include <cooperative_groups.h>

#include "kernels/cuda/rl_cuda_common.cuh"
#include "kernels/cuda/rl_row4_plan.h"

namespace rlcu {

using Row4Plan = rl_row4_plan_t;
constexpr int ROW4_STREAM_UNROLL_RESID = 2; // x and the residual: 4 loads a trip

inline Row4Plan row4_plan(int64_t cols, int elem_bytes, int pmax, int max_cluster)
{
    return rl_row4_plan(cols, elem_bytes, pmax, max_cluster);
}

// Blocks an SM must hold at once: 1024 threads' worth (50 % occupancy on
// sm_90, 67 % on sm_87), which caps the kernels at 64 registers a thread.
#define RL_ROW4_MIN_BLOCKS(threads) ((threads) >= 1024 ? 1 : 1024 / (threads))

// Between the passes over a row held in registers: make the compiler treat
// the packed words as new, so it converts them to fp32 again in the next
// pass (a few instructions) instead of keeping every converted value live
// from the first (twice the registers for 16-bit storage, and spills).
template <typename T> __device__ __forceinline__ void reg_fence(Pack<T> &p)
{
    uint32_t w[4];
    memcpy(w, &p, 16);
    asm volatile("" : "+r"(w[0]), "+r"(w[1]), "+r"(w[2]), "+r"(w[3]));
    memcpy(&p, w, 16);
}

// 2^x with flush-to-zero: one MUFU.EX2. Results under 2^-126 (an exp
// 87 below the row's maximum) become 0 instead of a denormal; the sum and
// every output are then off by less than 2^-126 absolute.
__device__ __forceinline__ float ex2_ftz(float x)
{
    float r;
    asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(r) : "f"(x));
    return r;
}

// Division without the IEEE slow path (a subroutine call, around which the
// compiler saves registers to local memory): MUFU.RCP and a multiply,
// 2 ulp. Used once per row or per trip, never per element.
__device__ __forceinline__ float fast_div(float a, float b) { return __fdividef(a, b); }

// Welford merges with that division, for the v4 LayerNorm.
__device__ __forceinline__ Welford welford_merge_fast(Welford a, Welford b)
{
    const float n = a.n + b.n;
    if (n == 0.0f)
        return a;
    const float d = b.mean - a.mean, fb = fast_div(b.n, n);
    Welford r;
    r.n = n;
    r.mean = a.mean + d * fb;
    r.m2 = a.m2 + b.m2 + d * d * a.n * fb;
    return r;
}

// As block_welford, with the fast merge; sh: 3 x 32 floats.
__device__ __forceinline__ Welford block_welford_fast(Welford w, float *sh)
{
    const int lane = threadIdx.x & 31, wid = threadIdx.x >> 5, nw = blockDim.x >> 5;
    for (int o = 16; o > 0; o >>= 1) {
        Welford other;
        other.n = __shfl_xor_sync(0xffffffffu, w.n, o);
        other.mean = __shfl_xor_sync(0xffffffffu, w.mean, o);
        other.m2 = __shfl_xor_sync(0xffffffffu, w.m2, o);
        w = welford_merge_fast(w, other);
    }
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
    for (int o = 16; o > 0; o >>= 1) {
        Welford other;
        other.n = __shfl_xor_sync(0xffffffffu, v.n, o);
        other.mean = __shfl_xor_sync(0xffffffffu, v.mean, o);
        other.m2 = __shfl_xor_sync(0xffffffffu, v.m2, o);
        v = welford_merge_fast(v, other);
    }
    // Lanes merged in different orders round differently: lane 0's result
    // for all, so the row has one mean and one variance.
    v.n = __shfl_sync(0xffffffffu, v.n, 0);
    v.mean = __shfl_sync(0xffffffffu, v.mean, 0);
    v.m2 = __shfl_sync(0xffffffffu, v.m2, 0);
    return v;
}

// The last column row r sees under the causal mask of blocks of queries
// query positions (model/rl_mask.h), in 32 bits (the 64-bit remainder is a
// subroutine call); the launchers refuse larger shapes (rl_cu_mask_fits).
__device__ __forceinline__ int64_t mask_last(int64_t r, int64_t cols, int64_t queries)
{
    return (int64_t)rl_mask_visible_u32((uint32_t)cols, (uint32_t)queries, (uint32_t)r) - 1;
}

constexpr float ROW4_LOG2E = 1.4426950408889634f;

// This CTA's rank in its cluster and the cluster's size (0 and 1 before
// sm_90, where the cluster kernels are compiled but never launched).
__device__ __forceinline__ int cluster_rank()
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    return (int)cooperative_groups::this_cluster().block_rank();
#else
    return 0;
#endif
}

__device__ __forceinline__ int cluster_size()
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    return (int)cooperative_groups::this_cluster().num_blocks();
#else
    return 1;
#endif
}

// The threads that own one row, and where in the row they are.
template <int SCOPE, int THREADS> struct RowGroup {
    int tid, nthr, cs;
    int64_t first, stride;
    int parity; // which of the two cluster slots the next reduction uses

    __device__ __forceinline__ RowGroup()
    {
        parity = 0;
        if (SCOPE == ROW4_WARP) {
            constexpr int W = THREADS / 32;
            tid = threadIdx.x & 31;
            nthr = 32;
            cs = 1;
            first = (int64_t)blockIdx.x * W + (threadIdx.x >> 5);
            stride = (int64_t)gridDim.x * W;
        } else if (SCOPE == ROW4_CLUSTER) {
            cs = cluster_size();
            tid = cluster_rank() * THREADS + threadIdx.x;
            nthr = THREADS * cs;
            first = blockIdx.x / cs;
            stride = gridDim.x / cs;
        } else {
            tid = threadIdx.x;
            nthr = THREADS;
            cs = 1;
            first = blockIdx.x;
            stride = gridDim.x;
        }
    }

    // sh: 32 floats of shared memory; slots: 3 floats (cluster scope).
    __device__ __forceinline__ float sum(float v, float *sh, float *slots)
    {
        if (SCOPE == ROW4_WARP)
            return warp_sum(v);
        v = block_sum(v, sh);
        if (SCOPE == ROW4_CLUSTER)
            v = cluster_combine(v, slots, false);
        return v;
    }

    __device__ __forceinline__ float max(float v, float *sh, float *slots)
    {
        if (SCOPE == ROW4_WARP)
            return warp_max(v);
        v = block_max(v, sh);
        if (SCOPE == ROW4_CLUSTER)
            v = cluster_combine(v, slots, true);
        return v;
    }

    // Every CTA of the cluster publishes its block's value in its own
    // shared memory; lane k of warp 0 reads CTA k's through distributed
    // shared memory, the warp combines them (the same butterfly in every
    // CTA, so all get the same bits) and hands the result to the block.
    // Two slots used in turn: a slot is written again only two reductions
    // later, after the cluster barrier of the next one, which every reader
    // of it has passed.
    __device__ __forceinline__ float cluster_combine(float v, float *slots, bool is_max)
    {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
        cooperative_groups::cluster_group cl = cooperative_groups::this_cluster();
        if (threadIdx.x == 0)
            slots[parity] = v;
        cl.sync();
        if (threadIdx.x < 32) {
            float o = is_max ? -INFINITY : 0.0f;
            if ((int)threadIdx.x < cs)
                o = *cl.map_shared_rank(&slots[parity], (unsigned)threadIdx.x);
            o = is_max ? warp_max(o) : warp_sum(o);
            if (threadIdx.x == 0)
                slots[2] = o;
        }
        __syncthreads();
        v = slots[2];
        parity ^= 1;
        return v;
#else
        (void)slots;
        (void)is_max;
        return v;
#endif
    }

    // A CTA must not exit while another may still read its shared memory.
    __device__ __forceinline__ void finish()
    {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
        if (SCOPE == ROW4_CLUSTER)
            cooperative_groups::this_cluster().sync();
#endif
    }
};

// Launch a row kernel of `threads` threads over `groups` row groups (rows,
// or rows / 4 for warps), with `cluster` CTAs a row where cluster > 1.
template <typename Kernel, typename... Args>
cudaError_t row4_launch(const rl_cu_ctx *ctx, Kernel kernel, int64_t groups, int threads,
                        int cluster, Args... args)
{
    const int64_t cap = 0x7fffffff / (cluster > 0 ? cluster : 1);
    const int64_t g = groups < 1 ? 1 : groups > cap ? cap : groups;
    cudaLaunchConfig_t cfg = {};
    cfg.gridDim = dim3((unsigned)(g * cluster), 1, 1);
    cfg.blockDim = dim3((unsigned)threads, 1, 1);
    cfg.dynamicSmemBytes = 0;
    cfg.stream = ctx->stream;
    cudaLaunchAttribute attr[1];
    if (cluster > 8) {
        // Once per launch, not once per process: these launches move 512 KiB
        // or more per row, so a host call of a microsecond is noise.
        const cudaError_t e =
            cudaFuncSetAttribute(kernel, cudaFuncAttributeNonPortableClusterSizeAllowed, 1);
        if (e != cudaSuccess)
            return e;
    }
    if (cluster > 1) {
        attr[0].id = cudaLaunchAttributeClusterDimension;
        attr[0].val.clusterDim.x = (unsigned)cluster;
        attr[0].val.clusterDim.y = 1;
        attr[0].val.clusterDim.z = 1;
        cfg.attrs = attr;
        cfg.numAttrs = 1;
    }
    const cudaError_t e = cudaLaunchKernelEx(&cfg, kernel, args...);
    return e != cudaSuccess ? e : cudaGetLastError();
}

// The largest cluster (16, 8, 4, 2 or 1) of 1024-thread CTAs of `kernel`
// the device can schedule at least once: 1 before sm_90 or where none
// fits. 16 is tried only where the kernel accepts the non-portable size.
template <typename Kernel> int row4_max_cluster(int cc_major, Kernel kernel)
{
    if (cc_major < 9)
        return 1;
    int first = 8;
    if (cudaFuncSetAttribute(kernel, cudaFuncAttributeNonPortableClusterSizeAllowed, 1) ==
        cudaSuccess)
        first = 16;
    else
        (void)cudaGetLastError();
    for (int cs = first; cs > 1; cs /= 2) {
        cudaLaunchConfig_t cfg = {};
        cfg.gridDim = dim3((unsigned)cs, 1, 1);
        cfg.blockDim = dim3(1024, 1, 1);
        cudaLaunchAttribute attr[1];
        attr[0].id = cudaLaunchAttributeClusterDimension;
        attr[0].val.clusterDim.x = (unsigned)cs;
        attr[0].val.clusterDim.y = 1;
        attr[0].val.clusterDim.z = 1;
        cfg.attrs = attr;
        cfg.numAttrs = 1;
        int n = 0;
        if (cudaOccupancyMaxActiveClusters(&n, kernel, &cfg) == cudaSuccess && n > 0)
            return cs;
        (void)cudaGetLastError();
    }
    return 1;
}

} // namespace rlcu

#endif
