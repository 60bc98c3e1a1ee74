// The hold kernel behind the backend's timer (the blocking-kernel idea of
// NVIDIA/nvbench): timer_start enqueues this kernel and then the start
// event; the kernel spins until the host sets a flag in mapped host memory,
// which timer_stop does once the timed work and the stop event are queued.
// The start event therefore fires only when all the work is already queued
// behind it, so the measurement holds no host launch latency, which would
// otherwise be several microseconds on a kernel that itself takes a few.
// A timeout frees the stream should the host never release it; the kernel
// then sets flag[1], so that timer_stop can refuse the sample (its start
// event fired before the timed work was queued, host time included).
#include "kernels/cuda/rl_cuda_common.cuh"

namespace rlcu {
namespace {

__device__ __forceinline__ uint64_t global_ns()
{
    uint64_t t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}

__global__ void hold_kernel(volatile int *flag, uint64_t timeout_ns)
{
    const uint64_t start = global_ns();
    while (flag[0] == 0) {
        if (global_ns() - start > timeout_ns) {
            flag[1] = 1;
            __threadfence_system();
            break;
        }
        __nanosleep(1000);
    }
}

} // namespace
} // namespace rlcu

using namespace rlcu;

extern "C" cudaError_t rl_cu_hold(const rl_cu_ctx *ctx, volatile int *flag_device,
                                  double timeout_s)
{
    hold_kernel<<<1, 1, 0, ctx->stream>>>(flag_device, (uint64_t)(timeout_s * 1e9));
    return cudaGetLastError();
}
