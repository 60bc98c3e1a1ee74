/* rooflab kernels: the CUDA backend.
 *
 * One NVIDIA GPU behind the backend table of kernels/rl_backend.h: GEMM
 * through cuBLAS (cuBLASLt for fp8), the row ops and the probes as our own
 * kernels (the .cu files of kernels/cuda/), timing with CUDA events on the
 * backend's own stream. Plain C; safe to include from C++ and CUDA C. */
#ifndef RL_CUDA_BACKEND_H
#define RL_CUDA_BACKEND_H

#include "kernels/rl_backend.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rl_cuda_options {
    int device;       /* CUDA device index, as cudaSetDevice counts them */
    bool lock_clocks; /* ask NVML for application clocks (says on stderr whether it could) */
} rl_cuda_options;

/* Open the GPU and fill every slot of *out. Without a usable driver or
 * device (no driver, the toolkit's stub libcuda, no GPU, a build without
 * kernels for this GPU's architecture) it returns RL_ERR_DEVICE and one line
 * in err saying why; nothing is left allocated. */
rl_status rl_cuda_backend_create(const rl_cuda_options *opts, rl_backend *out, rl_err *err);

#ifdef __cplusplus
}
#endif

#endif
