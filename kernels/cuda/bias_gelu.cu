// Bias + GELU on the GPU (tanh form, fp32 arithmetic over fp32/fp16/bf16
// storage): the fused kernel y = gelu(x + bias[col]), one read of x and one
// write of y in 16-byte packs, and the two steps of its unfused chain,
// bias_add (x -> biased) and gelu (biased -> y). All three are the
// elementwise engine of rl_cuda_common.cuh; there is one version of each.
#include "kernels/cuda/rl_cuda_common.cuh"

using namespace rlcu;

extern "C" cudaError_t rl_cu_bias_gelu(const rl_cu_ctx *ctx, rl_cu_type t, const void *x,
                                       const void *bias, void *y, int64_t rows, int64_t cols)
{
    if (rows < 1 || cols < 1)
        return cudaErrorInvalidValue;
    return dispatch_16_32(t, [&](auto tag) -> cudaError_t {
        using T = decltype(tag);
        return ew_launch<T, EW_BIAS_GELU>(ctx, x, bias, y, rows * cols, cols, 1.0f, 0);
    });
}

extern "C" cudaError_t rl_cu_bias_add(const rl_cu_ctx *ctx, rl_cu_type t, const void *x,
                                      const void *bias, void *y, int64_t rows, int64_t cols)
{
    if (rows < 1 || cols < 1)
        return cudaErrorInvalidValue;
    return dispatch_16_32(t, [&](auto tag) -> cudaError_t {
        using T = decltype(tag);
        return ew_launch<T, EW_BIAS_ADD>(ctx, x, bias, y, rows * cols, cols, 1.0f, 0);
    });
}

extern "C" cudaError_t rl_cu_gelu(const rl_cu_ctx *ctx, rl_cu_type t, const void *x, void *y,
                                  int64_t n)
{
    if (n < 1)
        return cudaErrorInvalidValue;
    return dispatch_16_32(t, [&](auto tag) -> cudaError_t {
        using T = decltype(tag);
        return ew_launch<T, EW_GELU>(ctx, x, nullptr, y, n, 1, 1.0f, 0);
    });
}
