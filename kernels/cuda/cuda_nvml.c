/* Clocks, power and temperature through NVML, loaded with dlopen at run
 * time: the build needs no NVML headers or library, and a machine without
 * NVML (Jetson has none) simply reads less. The prototypes are NVML's
 * stable C ABI (nvml.h): nvmlReturn_t is an int, 0 on success; the enums
 * are ints; nvmlDevice_t is an opaque pointer. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "kernels/cuda/rl_cuda_host.h"

enum {
    NVML_OK = 0,
    NVML_CLOCK_GRAPHICS = 0,
    NVML_CLOCK_SM = 1,
    NVML_CLOCK_MEM = 2,
    NVML_TEMPERATURE_GPU = 0,
};

/* dlsym into a function pointer, the POSIX way. */
#define RL_NVML_SYM(lib, dst, name) (*(void **)(&(dst)) = dlsym((lib), (name)))

bool rl_nvml_open(rl_nvml *n, int cuda_device)
{
    memset(n, 0, sizeof *n);
    void *lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return false;
    int (*init)(void) = NULL;
    int (*by_bus_id)(const char *, void **) = NULL;
    RL_NVML_SYM(lib, init, "nvmlInit_v2");
    RL_NVML_SYM(lib, by_bus_id, "nvmlDeviceGetHandleByPciBusId_v2");
    RL_NVML_SYM(lib, n->shutdown, "nvmlShutdown");
    RL_NVML_SYM(lib, n->clock_info, "nvmlDeviceGetClockInfo");
    RL_NVML_SYM(lib, n->power_limit, "nvmlDeviceGetEnforcedPowerLimit");
    RL_NVML_SYM(lib, n->power_usage, "nvmlDeviceGetPowerUsage");
    RL_NVML_SYM(lib, n->temperature, "nvmlDeviceGetTemperature");
    RL_NVML_SYM(lib, n->max_clock, "nvmlDeviceGetMaxClockInfo");
    RL_NVML_SYM(lib, n->set_app_clocks, "nvmlDeviceSetApplicationsClocks");
    RL_NVML_SYM(lib, n->reset_app_clocks, "nvmlDeviceResetApplicationsClocks");
    RL_NVML_SYM(lib, n->error_string, "nvmlErrorString");
    /* Looked up by name at run time, so a CUDA 12.2 (JetPack 6.0) build
     * needs neither: the newer name first, the deprecated one otherwise. */
    RL_NVML_SYM(lib, n->clock_reasons, "nvmlDeviceGetCurrentClocksEventReasons");
    if (!n->clock_reasons)
        RL_NVML_SYM(lib, n->clock_reasons, "nvmlDeviceGetCurrentClocksThrottleReasons");
    char bus_id[64];
    if (!init || !by_bus_id || !n->shutdown ||
        cudaDeviceGetPCIBusId(bus_id, (int)sizeof bus_id, cuda_device) != cudaSuccess) {
        (void)cudaGetLastError();
        dlclose(lib);
        memset(n, 0, sizeof *n);
        return false;
    }
    if (init() != NVML_OK) {
        dlclose(lib);
        memset(n, 0, sizeof *n);
        return false;
    }
    if (by_bus_id(bus_id, &n->device) != NVML_OK) {
        n->shutdown();
        dlclose(lib);
        memset(n, 0, sizeof *n);
        return false;
    }
    n->lib = lib;
    return true;
}

bool rl_nvml_lock_clocks(rl_nvml *n, char *msg, size_t len)
{
    if (!n->lib) {
        snprintf(msg, len, "cuda: --lock-clocks: no NVML on this device (on Jetson, run "
                           "jetson_clocks instead); clocks left to the driver");
        return false;
    }
    unsigned sm = 0, mem = 0;
    if (!n->max_clock || !n->set_app_clocks ||
        n->max_clock(n->device, NVML_CLOCK_GRAPHICS, &sm) != NVML_OK ||
        n->max_clock(n->device, NVML_CLOCK_MEM, &mem) != NVML_OK) {
        snprintf(msg, len, "cuda: --lock-clocks: NVML cannot read this GPU's maximum clocks; "
                           "clocks left to the driver");
        return false;
    }
    const int r = n->set_app_clocks(n->device, mem, sm);
    if (r != NVML_OK) {
        snprintf(msg, len,
                 "cuda: --lock-clocks: NVML refused application clocks of %u MHz SM, %u MHz "
                 "memory (%s); clocks left to the driver",
                 sm, mem, n->error_string ? n->error_string(r) : "error");
        return false;
    }
    n->clocks_locked = true;
    snprintf(msg, len, "cuda: application clocks set to %u MHz SM, %u MHz memory (reset at exit)",
             sm, mem);
    return true;
}

void rl_nvml_close(rl_nvml *n)
{
    if (n->lib && n->clocks_locked && n->reset_app_clocks)
        (void)n->reset_app_clocks(n->device);
    if (n->lib) {
        n->shutdown();
        dlclose(n->lib);
    }
    memset(n, 0, sizeof *n);
}

void rl_nvml_read(const rl_nvml *n, rl_device_state *out)
{
    if (!n->lib)
        return;
    unsigned v;
    if (n->clock_info && n->clock_info(n->device, NVML_CLOCK_SM, &v) == NVML_OK)
        out->sm_clock_mhz = v;
    if (n->clock_info && n->clock_info(n->device, NVML_CLOCK_MEM, &v) == NVML_OK)
        out->mem_clock_mhz = v;
    if (n->power_limit && n->power_limit(n->device, &v) == NVML_OK)
        out->power_limit_w = v / 1000.0;
    if (n->power_usage && n->power_usage(n->device, &v) == NVML_OK)
        out->power_draw_w = v / 1000.0;
    if (n->temperature && n->temperature(n->device, NVML_TEMPERATURE_GPU, &v) == NVML_OK)
        out->temperature_c = v;
    unsigned long long reasons;
    if (n->clock_reasons && n->clock_reasons(n->device, &reasons) == NVML_OK)
        out->throttle_reasons = (long long)(reasons & 0x7fffffffffffffffull);
}
