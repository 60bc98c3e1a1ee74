/* rooflab devices: the device profile: what was detected here (CPU through
 * hwloc, a CUDA GPU through the runtime, a Jetson through its files), the
 * catalog entry it matched, and the roofline machine (dense peaks and
 * bandwidth) that predictions use.
 *
 * Detection is split into a reading step (the runtime or the file system,
 * under a root folder so tests can point it at fixtures) that fills a "raw"
 * struct, and a pure step that turns raw values and the catalog into a
 * profile. Tests feed the pure step fake values. */
#ifndef RL_DEVICE_H
#define RL_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/rl_catalog.h"
#include "devices/rl_cpu.h"
#include "model/rl_roofline.h"
#include "rl/status.h"

typedef enum rl_device_kind {
    RL_DEVICE_CPU,
    RL_DEVICE_CUDA,  /* a discrete CUDA GPU */
    RL_DEVICE_JETSON /* a Jetson: integrated GPU, memory shared with the CPU */
} rl_device_kind;

const char *rl_device_kind_name(rl_device_kind k); /* "cpu", "cuda", "jetson" */

/* ---- CPU ----------------------------------------------------------------- */

/* An estimated CPU peak: cores x clock x FLOP/cycle of the widest FMA unit
 * the ISA has. Always an estimate; `assumptions` says what was assumed. */
typedef struct rl_cpu_peak {
    double clock_mhz;
    char clock_source[96];
    int cores;
    int fp32_flop_per_cycle; /* per core */
    double fp32_flop_per_s, fp64_flop_per_s;
    char unit[64];          /* "AVX-512: 2 FMA x 16 fp32 lanes" */
    char assumptions[256];
} rl_cpu_peak;

/* cpu_family: /proc/cpuinfo "cpu family" (x86; 0 if unknown), used to tell
 * AMD Zen 4 (family 25: AVX-512 executed as 2 x 256 bit) from full-width
 * AVX-512. vendor: "GenuineIntel", "AuthenticAMD", or "" . */
rl_status rl_cpu_peak_estimate(const rl_cpu_info *cpu, const char *vendor, int cpu_family,
                               double clock_mhz, const char *clock_source, rl_cpu_peak *out,
                               rl_err *err);

/* The CPU clock: <root>/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq
 * (kHz), else the first "cpu MHz" of <root>/proc/cpuinfo (the current clock).
 * Also reads vendor_id and cpu family. Returns 0 MHz when neither exists. */
void rl_cpu_clock_read(const char *root, double *mhz, char *source, size_t source_len,
                       char *vendor, size_t vendor_len, int *family);

/* A warning (true) when OPENBLAS_CORETYPE forces kernels narrower than the
 * ISA supports (Haswell = AVX2 on an AVX-512 CPU ...). coretype may be NULL. */
bool rl_openblas_coretype_warning(const char *coretype, const char *isa, char *buf, size_t len);

/* ---- CUDA ---------------------------------------------------------------- */

/* What the CUDA runtime says about one device (cudaDeviceGetAttribute;
 * CUDA 13 removed cudaDeviceProp::clockRate and memoryClockRate). */
typedef struct rl_cuda_raw {
    int ordinal;
    char name[256];
    int cc_major, cc_minor;
    int sms;
    int clock_khz;     /* cudaDevAttrClockRate */
    int mem_clock_khz; /* cudaDevAttrMemoryClockRate */
    int bus_width_bits; /* cudaDevAttrGlobalMemoryBusWidth */
    int l2_bytes;      /* cudaDevAttrL2CacheSize */
    uint64_t total_mem_bytes;
    bool integrated;   /* cudaDevAttrIntegrated: a Jetson */
    /* Which GPU of a node this is: "0000:3b:00.0" (cudaDeviceGetPCIBusId,
     * lower case), "GPU-8-4-4-4-12 hex" (cudaDeviceProp.uuid, as nvidia-smi
     * prints it), the NUMA node its PCI slot hangs off (-1 unknown). */
    char pci_bus_id[32];
    char uuid[48];
    int numa_node;
} rl_cuda_raw;

/* Number of CUDA devices; 0 with a one-line reason when there is no usable
 * GPU (no driver, no device, stub library, built without CUDA). Never
 * crashes. */
int rl_cuda_device_count(char *reason, size_t reason_len);
rl_status rl_cuda_query(int ordinal, rl_cuda_raw *raw, rl_err *err);

/* The NUMA node of a PCI device: <root>/sys/bus/pci/devices/<bus_id>/numa_node
 * (Linux writes -1 where the platform does not say). -1 when unknown. */
int rl_pci_numa_node(const char *root, const char *bus_id);

/* Host work of a GPU kept on its own socket: the calling thread bound to
 * the cores nearest the GPU's PCI slot (hwloc: the cpuset of the PCI
 * device's first non-I/O ancestor; else of its NUMA node). */
typedef struct rl_host_binding {
    bool attempted;
    bool pinned;      /* hwloc_set_cpubind(HWLOC_CPUBIND_THREAD) succeeded */
    int numa_node;    /* -1 unknown */
    char cpuset[128]; /* "0-15,32-47" as hwloc lists it */
    char note[192];   /* what was bound to, or why not */
} rl_host_binding;

void rl_host_bind_near_pci(const char *bus_id, int numa_node, rl_host_binding *out);

/* ---- Jetson -------------------------------------------------------------- */

/* Read from under root ("/" normally):
 *   <root>/etc/nv_tegra_release               present = a Jetson (L4T)
 *   <root>/proc/device-tree/model, compatible the board and module ids
 *   <root>/proc/meminfo                       MemTotal, MemAvailable
 *   <root>/var/lib/nvpmodel/status            "pmode:0002" -> mode id 2
 *   <root>/etc/nvpmodel.conf                  "< POWER_MODEL ID=2 NAME=15W >"; a
 *                                             conf naming MAXN_SUPER is a Super conf
 *   <root>/sys/devices[/platform]/gpu.0/tpc_pg_mask   TPCs gated off (2 SMs each)
 *   GPU devfreq cur_freq / max_freq / min_freq (Hz), the first that exists of
 *     <root>/sys/devices/platform/bus@0/17000000.gpu/devfreq/17000000.gpu/
 *     <root>/sys/devices/platform/17000000.ga10b/devfreq/17000000.ga10b/
 *     <root>/sys/devices/17000000.ga10b/devfreq/17000000.ga10b/
 *     <root>/sys/devices/platform/17000000.gpu/devfreq_dev/
 */
typedef struct rl_jetson_raw {
    bool present;
    char release[160];
    char model[160];
    char compatible[256]; /* NUL separators turned into spaces */
    uint64_t mem_bytes;           /* MemTotal */
    uint64_t mem_available_bytes; /* MemAvailable; 0 when unknown */
    uint64_t min_free_bytes;      /* /proc/sys/vm/min_free_kbytes; 0 when unknown */
    int pmode_id;          /* -1 when unknown */
    char pmode_name[32];   /* from nvpmodel.conf, "" when unknown */
    bool conf_read;        /* nvpmodel.conf was read */
    bool conf_super;       /* it is a JetPack 6.2 "Super" conf (it names a MAXN_SUPER mode) */
    int tpc_pg_mask;       /* GPU TPC power-gating mask (a set bit = a TPC off); -1 unknown */
    double gpu_cur_mhz, gpu_max_mhz, gpu_min_mhz; /* 0 when unknown */
    char gpu_freq_dir[256];
} rl_jetson_raw;

rl_status rl_jetson_read(const char *root, rl_jetson_raw *raw, rl_err *err);

/* Memory that plans and buffers can take on a Jetson, where CPU and GPU
 * share one DRAM: MemAvailable less the kernel's own reserve
 * (vm.min_free_kbytes). cudaMemGetInfo is not used: on an integrated GPU it
 * leaves out the page cache the kernel would reclaim. 0 (and a source
 * saying why) when MemAvailable is unknown. */
uint64_t rl_jetson_available_bytes(const rl_jetson_raw *raw, char *source, size_t len);

/* ---- the profile --------------------------------------------------------- */

typedef struct rl_device_profile {
    rl_device_kind kind;
    char id[32];    /* "cpu", "cuda:0", "jetson" */
    char name[256]; /* as reported */
    bool matched;   /* a catalog entry matched */
    rl_catalog_entry entry; /* valid when matched */
    char power_mode[32];    /* Jetson: the mode in force */
    char clock_source[160]; /* Jetson: where sm_clock_mhz (and so the peaks) came from */

    /* what was read (0 when unknown) */
    int sms;
    double sm_clock_mhz, mem_clock_mhz;
    int bus_width_bits;
    uint64_t l2_bytes;
    char compute_capability[8];
    double theoretical_byte_per_s; /* CUDA: 2 x mem clock x bus width / 8 */
    char pci_bus_id[32]; /* CUDA: see rl_cuda_raw; "" unknown */
    char uuid[48];
    int numa_node;       /* CUDA: -1 unknown */

    /* memory for plans */
    uint64_t memory_bytes;  /* capacity */
    uint64_t reserve_bytes; /* runtime reserve (+ OS share on Jetson / CPU) */
    /* A Jetson: memory available now (rl_jetson_available_bytes) and where
     * that figure comes from; plans then reserve capacity - available. */
    uint64_t available_bytes;
    char available_source[192];

    /* the roofline: dense peaks, main memory */
    rl_machine machine;
    char peak_source[RL_PREC_COUNT][RL_CAT_SOURCE_LEN];
    char bandwidth_source[RL_CAT_SOURCE_LEN];
    bool estimate; /* peaks estimated, not from a datasheet (CPU) */

    rl_cpu_info cpu;  /* kind == CPU */
    rl_cpu_peak cpu_peak;

    char warnings[1024]; /* "; "-separated */
} rl_device_profile;

/* The OS share of an unmatched Jetson's memory (the catalog entries carry
 * their own, derived from [ERIC]: 8 GB - 5.2 GB usable). */
#define RL_JETSON_OS_RESERVE_FALLBACK_BYTES 2800000000ull

/* A fixed OS/runtime reserve when planning on the CPU's memory (estimate). */
#define RL_CPU_OS_RESERVE_BYTES (2ull << 30)

void rl_profile_warn(rl_device_profile *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Pure: raw runtime values (+ catalog) -> profile. An unknown name still
 * gives a profile (no datasheet peaks; bandwidth from clock and bus). */
rl_status rl_profile_from_cuda(const rl_catalog *cat, const rl_cuda_raw *raw,
                               rl_device_profile *out, rl_err *err);

/* Pure: Jetson files (+ catalog) -> profile with the peaks of the mode in
 * force, matched by its nvpmodel name and conf (the Super conf renumbers
 * modes, so the id alone decides only when no name is known). When the name
 * is unknown, or the devfreq max_freq or the TPC mask disagrees with the
 * mode, the profile warns and derives the peaks from what was read
 * (clock_source says which). Warns when the current clock is below the cap. */
rl_status rl_profile_from_jetson(const rl_catalog *cat, const rl_jetson_raw *raw,
                                 rl_device_profile *out, rl_err *err);

/* Pure: CPU info + peak estimate -> profile (the bandwidth is not known
 * without a measurement). */
void rl_profile_from_cpu(const rl_cpu_info *cpu, const rl_cpu_peak *peak,
                         const char *openblas_coretype, rl_device_profile *out);

#define RL_MAX_DETECTED 8

typedef struct rl_detection {
    int count;
    rl_device_profile *devices; /* [0] is the primary: a GPU when usable, else the CPU */
    char gpu_note[256];         /* why no GPU, when none */
} rl_detection;

/* Everything here: a Jetson (from files under root), the CUDA GPUs (the
 * runtime; skipped when the root is not "/"), the CPU (hwloc, skipped when
 * the root is not "/" because hwloc reads the live machine). */
rl_status rl_devices_detect(const rl_catalog *cat, const char *root, rl_detection *out,
                            rl_err *err);
void rl_detection_free(rl_detection *d);

/* The profile as a cJSON object (returned as void * so this header needs no
 * cJSON; the caller owns it: cJSON_Delete). NULL when out of memory. Every
 * peak carries its source; sparse figures are listed apart, under
 * "sparse_not_used_for_roofs". */
void *rl_device_profile_to_cjson(const rl_device_profile *p);

#endif
