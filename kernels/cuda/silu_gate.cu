// The gated MLP's activation on the GPU: y = silu(gate) * up (fp32
// arithmetic over fp32/fp16/bf16 storage), one read of each input and one
// write of y in 16-byte packs, four packs of each loaded before any is used
// (the elementwise engine of rl_cuda_common.cuh). One version.
#include "kernels/cuda/rl_cuda_common.cuh"

using namespace rlcu;

extern "C" cudaError_t rl_cu_silu_gate(const rl_cu_ctx *ctx, rl_cu_type t, const void *gate,
                                       const void *up, void *y, int64_t n)
{
    if (n < 1)
        return cudaErrorInvalidValue;
    return dispatch_16_32(t, [&](auto tag) -> cudaError_t {
        using T = decltype(tag);
        return ew_launch<T, EW_SILU_GATE>(ctx, gate, up, y, n, 1, 1.0f, 0);
    });
}
