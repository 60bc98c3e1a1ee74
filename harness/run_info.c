#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness/rl_run_info.h"
#ifdef RL_HAVE_CUDA
#include "kernels/cuda/rl_cuda_backend.h"
#endif

extern char **environ;

/* Variables that change what the kernels do: OpenBLAS's (a preset
 * OPENBLAS_CORETYPE can force a narrower kernel), OpenMP's, CUDA's. */
static bool recorded_variable(const char *kv)
{
    /* The variables that change which kernels run or how they are timed
     * (NVIDIA_TF32_OVERRIDE and CUBLAS_* change cuBLAS's choices). */
    static const char *const prefixes[] = {"OPENBLAS_", "OMP_",    "GOMP_",
                                           "CUDA_",     "CUBLAS",  "NVIDIA_TF32_OVERRIDE",
                                           "ROOFLAB_",  NULL};
    for (int i = 0; prefixes[i]; i++)
        if (strncmp(kv, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

void rl_run_info_fill(rl_run_info *info)
{
    snprintf(info->tool_version, sizeof info->tool_version, "%s", ROOFLAB_VERSION);
    snprintf(info->git_revision, sizeof info->git_revision, "%s", rl_git_revision);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(info->date, sizeof info->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* ROOFLAB_HOST names the host instead of gethostname(): for clusters
     * whose nodes share a name, and for tests of hostile names. Where the
     * name enters a path it is made one safe component (rl_path_component). */
    const char *host = getenv("ROOFLAB_HOST");
    if (host && *host)
        snprintf(info->host, sizeof info->host, "%s", host);
    else if (gethostname(info->host, sizeof info->host) != 0)
        snprintf(info->host, sizeof info->host, "unknown");
    info->host[sizeof info->host - 1] = '\0';
    snprintf(info->blas_config, sizeof info->blas_config, "%s", openblas_get_config());
    snprintf(info->blas_corename, sizeof info->blas_corename, "%s", openblas_get_corename());
    info->blas_threads = openblas_get_num_threads();
    info->env_count = 0;
    for (char **e = environ; e && *e && info->env_count < RL_MAX_ENV; e++)
        if (recorded_variable(*e))
            snprintf(info->env[info->env_count++], sizeof info->env[0], "%s", *e);
}

rl_status rl_backend_open(const char *device, int threads, rl_backend *be, char *device_id,
                          size_t device_id_len, rl_err *err)
{
    return rl_backend_open_ex(device, threads, false, be, device_id, device_id_len, err);
}

rl_status rl_backend_open_ex(const char *device, int threads, bool lock_clocks, rl_backend *be,
                             char *device_id, size_t device_id_len, rl_err *err)
{
    const bool want_auto = strcmp(device, "auto") == 0;
    const bool want_cuda = strcmp(device, "cuda") == 0 || strncmp(device, "cuda:", 5) == 0;
    if (!want_auto && !want_cuda && strcmp(device, "cpu") != 0)
        return rl_fail(err, RL_ERR_INVALID, "unknown device '%s' (known: auto, cpu, cuda:N)",
                       device);
    if (want_auto || want_cuda) {
        int index = 0;
        if (strncmp(device, "cuda:", 5) == 0) {
            char *end;
            long v = strtol(device + 5, &end, 10);
            if (*end || end == device + 5 || v < 0 || v > 1024)
                return rl_fail(err, RL_ERR_INVALID, "bad device '%s' (expected cuda:N)", device);
            index = (int)v;
        }
#ifdef RL_HAVE_CUDA
        rl_cuda_options opts = {.device = index, .lock_clocks = lock_clocks};
        rl_err why;
        if (rl_cuda_backend_create(&opts, be, &why) == RL_OK) {
            snprintf(device_id, device_id_len, "cuda:%d", index);
            return RL_OK;
        }
        if (want_cuda)
            return rl_fail(err, RL_ERR_DEVICE, "%s", why.msg);
        fprintf(stderr, "rooflab: %s; falling back to the CPU\n", why.msg);
#else
        if (want_cuda)
            return rl_fail(err, RL_ERR_DEVICE,
                           "this rooflab was built without CUDA (configure with -DROOFLAB_CUDA=ON)");
        (void)index;
#endif
    }
    rl_cpu_options opts = {.threads = threads};
    RL_TRY(rl_cpu_backend_create(&opts, be, err));
    if (lock_clocks)
        fprintf(stderr, "rooflab: --lock-clocks: the CPU backend has no clocks to lock; ignored\n");
    snprintf(device_id, device_id_len, "cpu");
    return RL_OK;
}

void rl_backend_default_precisions(const rl_backend *be, uint32_t *gemm, uint32_t *other)
{
    if (strcmp(be->name, "cpu") == 0) {
        *gemm = (1u << RL_PREC_FP32) | (1u << RL_PREC_FP64);
        *other = 1u << RL_PREC_FP32;
    } else {
        *gemm = (1u << RL_PREC_FP32) | (1u << RL_PREC_TF32) | (1u << RL_PREC_FP16) |
                (1u << RL_PREC_BF16) | (1u << RL_PREC_FP8) | (1u << RL_PREC_INT8);
        *other = (1u << RL_PREC_FP32) | (1u << RL_PREC_FP16) | (1u << RL_PREC_BF16);
    }
}
