/* Clocks, power and temperature through NVML, loaded with dlopen at run
 * time: the build needs no NVML headers or library, and a machine without
 * NVML (Jetson has none) simply reads less. The prototypes are NVML's
 * stable C ABI (nvml.h): nvmlReturn_t is an int, 0 on success; the enums
 * are ints; nvmlDevice_t is an opaque pointer. */
#include <dlfcn.h>
#include <string.h>

#include "kernels/cuda/rl_cuda_host.h"

enum {
    NVML_OK = 0,
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

void rl_nvml_close(rl_nvml *n)
{
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
}
