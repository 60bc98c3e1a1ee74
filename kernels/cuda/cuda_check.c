/* The one-line errors of the CUDA backend's checks (rl_cuda_host.h). */
#include <string.h>

#include "kernels/cuda/rl_cuda_host.h"

/* The path from "kernels/" on, so messages do not carry the build host's
 * directories. */
static const char *short_path(const char *file)
{
    const char *p = strstr(file, "kernels/");
    return p ? p : file;
}

rl_status rl_cuda_fail(rl_err *err, cudaError_t e, const char *call, const char *file, int line)
{
    /* Clear the runtime's last error where it is not sticky, so the next
     * call starts clean. */
    (void)cudaGetLastError();
    const rl_status code = e == cudaErrorMemoryAllocation ? RL_ERR_NOMEM : RL_ERR_DEVICE;
    return rl_fail(err, code, "cuda: %s failed at %s:%d: %s (%s)", call, short_path(file), line,
                   cudaGetErrorName(e), cudaGetErrorString(e));
}

rl_status rl_cublas_fail(rl_err *err, cublasStatus_t s, const char *call, const char *file,
                         int line)
{
    rl_status code = RL_ERR_DEVICE;
    if (s == CUBLAS_STATUS_NOT_SUPPORTED)
        code = RL_ERR_UNSUPPORTED;
    else if (s == CUBLAS_STATUS_ALLOC_FAILED)
        code = RL_ERR_NOMEM;
    return rl_fail(err, code, "cublas: %s failed at %s:%d: %s (%s)", call, short_path(file), line,
                   cublasGetStatusName(s), cublasGetStatusString(s));
}
