/* The CUDA backend's host side (C): its state, the checks every CUDA and
 * cuBLAS call goes through, and the pieces cuda_backend.c puts together
 * (GEMM, NVML). Internal to kernels/cuda/. */
#ifndef RL_CUDA_HOST_H
#define RL_CUDA_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include "kernels/cuda/rl_cuda_backend.h"
#include "kernels/cuda/rl_cuda_kernels.h"

/* ---- checks ---------------------------------------------------------------
 * Each check names the failing call, its file and line, and returns an
 * rl_status from the enclosing function (never exits):
 *   "cuda: cudaMalloc(&p, bytes) failed at kernels/cuda/cuda_backend.c:120:
 *    cudaErrorMemoryAllocation (out of memory)". */
rl_status rl_cuda_fail(rl_err *err, cudaError_t e, const char *call, const char *file, int line);
rl_status rl_cublas_fail(rl_err *err, cublasStatus_t s, const char *call, const char *file,
                         int line);

#define RL_CUDA_CHECK(err, call)                                                 \
    do {                                                                         \
        const cudaError_t rl_cuda_e_ = (call);                                   \
        if (rl_cuda_e_ != cudaSuccess)                                           \
            return rl_cuda_fail((err), rl_cuda_e_, #call, __FILE__, __LINE__);   \
    } while (0)

#define RL_CUBLAS_CHECK(err, call)                                               \
    do {                                                                         \
        const cublasStatus_t rl_cublas_s_ = (call);                              \
        if (rl_cublas_s_ != CUBLAS_STATUS_SUCCESS)                               \
            return rl_cublas_fail((err), rl_cublas_s_, #call, __FILE__, __LINE__); \
    } while (0)

/* ---- NVML, loaded at run time ------------------------------------------- */
typedef struct rl_nvml {
    void *lib;    /* dlopen handle of libnvidia-ml.so.1; NULL: no NVML */
    void *device; /* nvmlDevice_t */
    int (*clock_info)(void *device, int type, unsigned *value);
    int (*power_limit)(void *device, unsigned *milliwatts);
    int (*power_usage)(void *device, unsigned *milliwatts);
    /* nvmlDeviceGetCurrentClocksEventReasons (drivers of CUDA 12.2 on), or
     * the older nvmlDeviceGetCurrentClocksThrottleReasons: the same call. */
    int (*clock_reasons)(void *, unsigned long long *);
    int (*temperature)(void *device, int sensor, unsigned *value);
    int (*shutdown)(void);
    int (*max_clock)(void *device, int type, unsigned *mhz);
    int (*set_app_clocks)(void *device, unsigned mem_mhz, unsigned sm_mhz);
    int (*reset_app_clocks)(void *device);
    const char *(*error_string)(int result);
    bool clocks_locked; /* application clocks set by rl_nvml_lock_clocks */
} rl_nvml;

/* Load NVML and find the CUDA device by its PCI bus id. False (and n
 * zeroed) where NVML is absent (Jetson) or does not know the device. */
bool rl_nvml_open(rl_nvml *n, int cuda_device);
void rl_nvml_close(rl_nvml *n);
/* Fill what NVML can read; leaves the other fields alone. */
void rl_nvml_read(const rl_nvml *n, rl_device_state *out);
/* Ask NVML for application clocks at the device's maximum SM and memory
 * clocks (needs root or an unrestricted API: nvidia-smi -acp UNRESTRICTED).
 * Writes one line saying what happened; false where it could not. Undone
 * by rl_nvml_close. */
bool rl_nvml_lock_clocks(rl_nvml *n, char *msg, size_t len);

/* ---- the backend's state ------------------------------------------------- */

/* The cuBLASLt fp8 plan of the last shape, kept so that a timed call does
 * no descriptor set-up or heuristic query. */
typedef struct rl_cuda_lt_plan {
    bool valid;
    int64_t m, n, k;
    cublasLtMatmulDesc_t op;
    cublasLtMatrixLayout_t a, b, c;
    cublasLtMatmulAlgo_t algo;
} rl_cuda_lt_plan;

typedef struct rl_cuda_state {
    int device;
    char description[160];
    int cc_major, cc_minor;
    int max_clock_khz;
    size_t l2_bytes;
    rl_cu_ctx ctx;

    cudaStream_t stream;
    cudaEvent_t ev_start, ev_stop;
    int *hold_flag;                 /* mapped pinned host memory: release, timed out */
    volatile int *hold_flag_dev;
    bool held;                      /* the stream is held by the timer's hold kernel */

    cublasHandle_t blas;
    cublasLtHandle_t lt;
    void *workspace;
    size_t workspace_bytes;
    rl_cuda_lt_plan plan;

    /* The fp8 and int8 GEMMs' B in K-major layout (n x k, one byte an
     * element), kept from the call that transposed it until B may have
     * changed (an upload, a fill, a release or another op's launch). */
    void *bt;
    size_t bt_capacity;
    const void *bt_src;
    int64_t bt_k, bt_n;
    bool bt_valid;

    void *flush_buf;
    size_t flush_bytes;
    unsigned flush_count;

    rl_nvml nvml;
} rl_cuda_state;

/* Let the timer's hold kernel go, if it holds the stream: before anything
 * that waits for the device (cudaFree), which would otherwise wait for the
 * hold's timeout. */
void rl_cuda_release_hold(rl_cuda_state *st);

/* GEMM through cuBLAS (cuBLASLt for fp8); tensors a, b, c. */
rl_status rl_cuda_gemm(rl_cuda_state *st, const rl_launch *l, rl_err *err);
/* Free the fp8 plan's descriptors. */
void rl_cuda_gemm_release(rl_cuda_state *st);
/* Whether the GEMM at this precision reads the cached K-major B. */
bool rl_cuda_gemm_uses_transpose(rl_precision p);

#endif
