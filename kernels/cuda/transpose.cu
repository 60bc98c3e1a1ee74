// Small utilities of the CUDA backend: the byte transpose that puts an fp8
// GEMM's B operand in the K-major layout cuBLASLt's fp8 kernels require,
// and the probe that tells whether this build carries code for the GPU.
#include "kernels/cuda/rl_cuda_common.cuh"

namespace rlcu {
namespace {

constexpr int TILE = 32;

// dst[c][r] = src[r][c] through a 32 x 32 tile in shared memory, so that
// both the reads and the writes run along rows.
__global__ void __launch_bounds__(TILE * 8)
    transpose_u8_kernel(const uint8_t *__restrict__ src, uint8_t *__restrict__ dst, int64_t rows,
                        int64_t cols)
{
    __shared__ uint8_t tile[TILE][TILE + 4];
    const int64_t r0 = (int64_t)blockIdx.y * TILE, c0 = (int64_t)blockIdx.x * TILE;
    for (int i = threadIdx.y; i < TILE; i += blockDim.y) {
        const int64_t r = r0 + i, c = c0 + threadIdx.x;
        if (r < rows && c < cols)
            tile[i][threadIdx.x] = src[r * cols + c];
    }
    __syncthreads();
    for (int i = threadIdx.y; i < TILE; i += blockDim.y) {
        const int64_t c = c0 + i, r = r0 + threadIdx.x;
        if (r < rows && c < cols)
            dst[c * rows + r] = tile[threadIdx.x][i];
    }
}

__global__ void probe_kernel(int *out)
{
    if (out)
        *out = 1;
}

} // namespace
} // namespace rlcu

using namespace rlcu;

extern "C" cudaError_t rl_cu_transpose_u8(const rl_cu_ctx *ctx, const void *src, void *dst,
                                          int64_t rows, int64_t cols)
{
    const int64_t gx = (cols + TILE - 1) / TILE, gy = (rows + TILE - 1) / TILE;
    if (rows < 1 || cols < 1 || gx > 0x7fffffff || gy > 65535)
        return cudaErrorInvalidValue;
    transpose_u8_kernel<<<dim3((unsigned)gx, (unsigned)gy), dim3(TILE, 8), 0, ctx->stream>>>(
        static_cast<const uint8_t *>(src), static_cast<uint8_t *>(dst), rows, cols);
    return cudaGetLastError();
}

extern "C" cudaError_t rl_cu_probe_image(void)
{
    cudaFuncAttributes attr;
    return cudaFuncGetAttributes(&attr, (const void *)probe_kernel);
}
