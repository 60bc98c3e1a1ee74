/* A CUDA GPU: raw values from the runtime (only with RL_HAVE_CUDA), and the
 * pure step from raw values to a profile matched against the catalog.
 *
 * Clocks come from cudaDeviceGetAttribute: CUDA 13 removed
 * cudaDeviceProp::clockRate and ::memoryClockRate. Theoretical bandwidth =
 * 2 (double data rate) x memory clock x bus width / 8. A machine without a
 * driver or device is "no GPU" with a reason, never a crash. */
#include "devices/rl_device.h"
#include "model/rl_llm.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#ifdef RL_HAVE_CUDA
#include <cuda_runtime.h>
#endif

int rl_cuda_device_count(char *reason, size_t reason_len)
{
#ifdef RL_HAVE_CUDA
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) {
        /* cudaErrorInsufficientDriver, cudaErrorNoDevice, cudaErrorStubLibrary ... */
        snprintf(reason, reason_len, "%s (%s)", cudaGetErrorString(e), cudaGetErrorName(e));
        cudaGetLastError(); /* reset the error so later calls start clean */
        return 0;
    }
    if (n == 0)
        snprintf(reason, reason_len, "the CUDA runtime sees no device");
    return n;
#else
    snprintf(reason, reason_len, "built without CUDA (ROOFLAB_CUDA=OFF)");
    return 0;
#endif
}

#ifdef RL_HAVE_CUDA
static rl_status attr(int *v, enum cudaDeviceAttr a, int dev, const char *what, rl_err *err)
{
    cudaError_t e = cudaDeviceGetAttribute(v, a, dev);
    if (e != cudaSuccess)
        return rl_fail(err, RL_ERR_DEVICE, "cudaDeviceGetAttribute(%s): %s", what,
                       cudaGetErrorString(e));
    return RL_OK;
}
#endif

rl_status rl_cuda_query(int ordinal, rl_cuda_raw *raw, rl_err *err)
{
    memset(raw, 0, sizeof *raw);
    raw->ordinal = ordinal;
#ifdef RL_HAVE_CUDA
    struct cudaDeviceProp prop;
    cudaError_t e = cudaGetDeviceProperties(&prop, ordinal);
    if (e != cudaSuccess)
        return rl_fail(err, RL_ERR_DEVICE, "cudaGetDeviceProperties(%d): %s", ordinal,
                       cudaGetErrorString(e));
    snprintf(raw->name, sizeof raw->name, "%s", prop.name);
    raw->total_mem_bytes = (uint64_t)prop.totalGlobalMem;
    int integrated = 0;
    RL_TRY(attr(&raw->cc_major, cudaDevAttrComputeCapabilityMajor, ordinal, "cc major", err));
    RL_TRY(attr(&raw->cc_minor, cudaDevAttrComputeCapabilityMinor, ordinal, "cc minor", err));
    RL_TRY(attr(&raw->sms, cudaDevAttrMultiProcessorCount, ordinal, "SM count", err));
    RL_TRY(attr(&raw->clock_khz, cudaDevAttrClockRate, ordinal, "clock rate", err));
    RL_TRY(attr(&raw->mem_clock_khz, cudaDevAttrMemoryClockRate, ordinal, "memory clock", err));
    RL_TRY(attr(&raw->bus_width_bits, cudaDevAttrGlobalMemoryBusWidth, ordinal, "bus width",
                err));
    RL_TRY(attr(&raw->l2_bytes, cudaDevAttrL2CacheSize, ordinal, "L2 size", err));
    RL_TRY(attr(&integrated, cudaDevAttrIntegrated, ordinal, "integrated", err));
    raw->integrated = integrated != 0;
    raw->numa_node = -1;
    char bus[32];
    e = cudaDeviceGetPCIBusId(bus, (int)sizeof bus, ordinal);
    unsigned domain, bus_no, slot, function;
    if (e != cudaSuccess) {
        (void)cudaGetLastError(); /* an identity we lack, not a failure */
    } else if (sscanf(bus, "%x:%x:%x.%x", &domain, &bus_no, &slot, &function) == 4) {
        /* sysfs's spelling: 4-digit domain, lower case */
        snprintf(raw->pci_bus_id, sizeof raw->pci_bus_id, "%04x:%02x:%02x.%x", domain, bus_no,
                 slot, function);
        raw->numa_node = rl_pci_numa_node("/", raw->pci_bus_id);
    }
    const unsigned char *u = (const unsigned char *)prop.uuid.bytes;
    bool any = false;
    for (int i = 0; i < 16; i++)
        any |= u[i] != 0;
    if (any)
        snprintf(raw->uuid, sizeof raw->uuid,
                 "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
                 u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
                 u[14], u[15]);
    return RL_OK;
#else
    return rl_fail(err, RL_ERR_UNSUPPORTED, "built without CUDA (ROOFLAB_CUDA=OFF)");
#endif
}

rl_status rl_profile_from_cuda(const rl_catalog *cat, const rl_cuda_raw *raw,
                               rl_device_profile *out, rl_err *err)
{
    memset(out, 0, sizeof *out);
    out->kind = RL_DEVICE_CUDA;
    snprintf(out->id, sizeof out->id, "cuda:%d", raw->ordinal);
    snprintf(out->name, sizeof out->name, "%s", raw->name);
    out->sms = raw->sms;
    out->sm_clock_mhz = raw->clock_khz / 1e3;
    out->mem_clock_mhz = raw->mem_clock_khz / 1e3;
    out->bus_width_bits = raw->bus_width_bits;
    out->l2_bytes = raw->l2_bytes > 0 ? (uint64_t)raw->l2_bytes : 0;
    snprintf(out->compute_capability, sizeof out->compute_capability, "%d.%d", raw->cc_major,
             raw->cc_minor);
    snprintf(out->pci_bus_id, sizeof out->pci_bus_id, "%s", raw->pci_bus_id);
    snprintf(out->uuid, sizeof out->uuid, "%s", raw->uuid);
    out->numa_node = raw->pci_bus_id[0] ? raw->numa_node : -1;
    out->theoretical_byte_per_s = 2.0 * raw->mem_clock_khz * 1e3 * raw->bus_width_bits / 8.0;
    /* What the runtime reports is the real capacity; plans use it. */
    out->memory_bytes = raw->total_mem_bytes;
    out->reserve_bytes = RL_LLM_RUNTIME_RESERVE_BYTES;
    out->machine.mem_count = 1;
    snprintf(out->machine.mem[0].name, sizeof out->machine.mem[0].name, "DRAM");
    if (raw->integrated)
        rl_profile_warn(out, "integrated GPU: its memory is shared with the CPU (Jetson "
                             "detection reads the power mode from /etc and /sys)");

    const rl_catalog_entry *e = rl_catalog_match_cuda(cat, raw->name);
    if (!e) {
        out->machine.mem[0].byte_per_s = out->theoretical_byte_per_s;
        snprintf(out->bandwidth_source, sizeof out->bandwidth_source,
                 "derived: 2 x memory clock x bus width / 8 (runtime)");
        rl_profile_warn(out, "'%s' matches no catalog entry: no datasheet peaks", raw->name);
        return RL_OK;
    }
    out->matched = true;
    out->entry = *e;
    RL_TRY(rl_catalog_machine(e, NULL, &out->machine, out->peak_source, err));
    snprintf(out->bandwidth_source, sizeof out->bandwidth_source, "%s",
             e->bandwidth_byte_per_s.source);

    if (raw->sms > 0 && raw->sms != (int)e->sms.value)
        rl_profile_warn(out, "the runtime reports %d SMs, the catalog's %s has %d (MIG or "
                             "another SKU?); peaks are the datasheet's",
                        raw->sms, e->id, (int)e->sms.value);
    const double bw = e->bandwidth_byte_per_s.value;
    if (out->theoretical_byte_per_s > 0 && fabs(out->theoretical_byte_per_s - bw) > 0.1 * bw)
        rl_profile_warn(out,
                        "memory clock x bus width gives %.0f GB/s, the datasheet %.0f GB/s",
                        out->theoretical_byte_per_s / 1e9, bw / 1e9);
    char cc[8];
    snprintf(cc, sizeof cc, "%d.%d", raw->cc_major, raw->cc_minor);
    if (raw->cc_major > 0 && strcmp(cc, e->compute_capability) != 0)
        rl_profile_warn(out, "compute capability %s differs from the catalog's %s", cc,
                        e->compute_capability);
    return RL_OK;
}
