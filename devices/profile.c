/* The device profile: the CPU's estimated peak, the OpenBLAS core-type
 * check, and detection of everything on this machine (Jetson, CUDA GPUs,
 * CPU) into profiles. */
#include "devices/rl_device.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

const char *rl_device_kind_name(rl_device_kind k)
{
    switch (k) {
    case RL_DEVICE_CUDA: return "cuda";
    case RL_DEVICE_JETSON: return "jetson";
    default: return "cpu";
    }
}

void rl_profile_warn(rl_device_profile *p, const char *fmt, ...)
{
    size_t used = strlen(p->warnings);
    if (used + 3 >= sizeof p->warnings)
        return;
    if (used) {
        memcpy(p->warnings + used, "; ", 3);
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->warnings + used, sizeof p->warnings - used, fmt, ap);
    va_end(ap);
}

/* ---- CPU ----------------------------------------------------------------- */

/* Whether the space-separated flag list holds this exact flag. */
static bool has_flag(const char *isa, const char *flag)
{
    const size_t n = strlen(flag);
    for (const char *s = isa; s && (s = strstr(s, flag)) != NULL; s += n) {
        const bool start = s == isa || s[-1] == ' ';
        const bool end = s[n] == 0 || s[n] == ' ';
        if (start && end)
            return true;
    }
    return false;
}

rl_status rl_cpu_peak_estimate(const rl_cpu_info *cpu, const char *vendor, int cpu_family,
                               double clock_mhz, const char *clock_source, rl_cpu_peak *out,
                               rl_err *err)
{
    memset(out, 0, sizeof *out);
    if (cpu->cores <= 0)
        return rl_fail(err, RL_ERR_INVALID, "CPU core count unknown");
    out->cores = cpu->cores;
    out->clock_mhz = clock_mhz;
    snprintf(out->clock_source, sizeof out->clock_source, "%s",
             clock_source ? clock_source : "unknown");
    const char *isa = cpu->isa;
    const bool amd = vendor && strcmp(vendor, "AuthenticAMD") == 0;
    const bool arm = strcmp(cpu->arch, "aarch64") == 0 || has_flag(isa, "asimd");
    int f; /* fp32 FLOP per cycle per core */
    if (has_flag(isa, "avx512f") && amd && cpu_family == 25) {
        f = 32;
        snprintf(out->unit, sizeof out->unit, "AVX-512 on Zen 4: 2 FMA x 8 fp32 lanes");
        snprintf(out->assumptions, sizeof out->assumptions,
                 "Zen 4 executes 512-bit FMAs as two 256-bit halves, so its peak equals AVX2 "
                 "with 2 FMA units");
    } else if (has_flag(isa, "avx512f")) {
        f = 64;
        snprintf(out->unit, sizeof out->unit, "AVX-512: 2 FMA x 16 fp32 lanes");
        snprintf(out->assumptions, sizeof out->assumptions,
                 "2 AVX-512 FMA units per core (Xeon Gold/Platinum, Zen 5 server/desktop); "
                 "parts with one unit reach half; AVX-512 clock offsets ignored");
    } else if (has_flag(isa, "avx2") && has_flag(isa, "fma")) {
        f = 32;
        snprintf(out->unit, sizeof out->unit, "AVX2: 2 FMA x 8 fp32 lanes");
        snprintf(out->assumptions, sizeof out->assumptions,
                 "2 256-bit FMA units per core (Haswell and later, Zen 2 and later)");
    } else if (has_flag(isa, "avx")) {
        f = 16;
        snprintf(out->unit, sizeof out->unit, "AVX: 8-lane add + 8-lane multiply");
        snprintf(out->assumptions, sizeof out->assumptions, "one add and one multiply port");
    } else if (arm) {
        f = 16;
        snprintf(out->unit, sizeof out->unit, "NEON: 2 FMA x 4 fp32 lanes");
        snprintf(out->assumptions, sizeof out->assumptions,
                 "2 128-bit FMA pipes per core (Cortex-A78, Neoverse N1); wider SVE cores "
                 "reach more");
    } else {
        f = 8;
        snprintf(out->unit, sizeof out->unit, "SSE: 4-lane add + 4-lane multiply");
        snprintf(out->assumptions, sizeof out->assumptions, "one add and one multiply port");
    }
    out->fp32_flop_per_cycle = f;
    out->fp32_flop_per_s = (double)cpu->cores * clock_mhz * 1e6 * f;
    out->fp64_flop_per_s = out->fp32_flop_per_s / 2.0;
    return RL_OK;
}

static bool read_line_file(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool ok = fgets(buf, (int)len, f) != NULL;
    fclose(f);
    return ok;
}

static void join(const char *root, const char *rel, char *out, size_t len)
{
    if (!root || !*root || strcmp(root, "/") == 0)
        snprintf(out, len, "%s", rel);
    else
        snprintf(out, len, "%s%s%s", root, root[strlen(root) - 1] == '/' ? "" : "/",
                 rel[0] == '/' ? rel + 1 : rel);
}

void rl_cpu_clock_read(const char *root, double *mhz, char *source, size_t source_len,
                       char *vendor, size_t vendor_len, int *family)
{
    *mhz = 0;
    *family = 0;
    if (vendor_len)
        vendor[0] = 0;
    snprintf(source, source_len, "unknown");
    char path[1024], line[512];
    join(root, "/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", path, sizeof path);
    if (read_line_file(path, line, sizeof line)) {
        const double khz = strtod(line, NULL);
        if (khz > 0) {
            *mhz = khz / 1e3;
            snprintf(source, source_len, "cpufreq cpuinfo_max_freq");
        }
    }
    join(root, "/proc/cpuinfo", path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    bool got_mhz = false, got_vendor = false, got_family = false;
    while (fgets(line, sizeof line, f) && !(got_mhz && got_vendor && got_family)) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        const char *val = colon + 1;
        while (*val == ' ' || *val == '\t')
            val++;
        if (!got_mhz && strncmp(line, "cpu MHz", 7) == 0) {
            got_mhz = true;
            if (*mhz == 0) {
                *mhz = strtod(val, NULL);
                snprintf(source, source_len, "/proc/cpuinfo cpu MHz (current clock)");
            }
        } else if (!got_vendor && strncmp(line, "vendor_id", 9) == 0) {
            got_vendor = true;
            snprintf(vendor, vendor_len, "%.*s", (int)strcspn(val, " \t\r\n"), val);
        } else if (!got_family && strncmp(line, "cpu family", 10) == 0) {
            got_family = true;
            *family = atoi(val);
        }
    }
    fclose(f);
}

/* What an ISA or an OpenBLAS core type can do: 1 SSE, 2 AVX, 3 AVX2+FMA,
 * 4 AVX-512. 0 unknown. */
static int isa_rank(const char *isa)
{
    if (has_flag(isa, "avx512f"))
        return 4;
    if (has_flag(isa, "avx2") && has_flag(isa, "fma"))
        return 3;
    if (has_flag(isa, "avx"))
        return 2;
    if (has_flag(isa, "sse4_2"))
        return 1;
    return 0;
}

static int coretype_rank(const char *t)
{
    static const struct {
        const char *name;
        int rank;
    } table[] = {
        {"skylakex", 4}, {"cooperlake", 4}, {"sapphirerapids", 4}, {"haswell", 3},
        {"zen", 3},      {"sandybridge", 2}, {"bulldozer", 2},     {"piledriver", 3},
        {"steamroller", 3}, {"excavator", 3}, {"nehalem", 1},       {"core2", 1},
        {"penryn", 1},   {"dunnington", 1}, {"atom", 1},           {"prescott", 1},
        {"barcelona", 1}, {"opteron", 1},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const char *a = t, *b = table[i].name;
        while (*a && *b && tolower((unsigned char)*a) == *b) {
            a++;
            b++;
        }
        if (*a == 0 && *b == 0)
            return table[i].rank;
    }
    return 0;
}

bool rl_openblas_coretype_warning(const char *coretype, const char *isa, char *buf, size_t len)
{
    static const char *const rank_name[] = {"?", "SSE", "AVX", "AVX2+FMA", "AVX-512"};
    if (!coretype || !*coretype || !isa)
        return false;
    const int forced = coretype_rank(coretype), have = isa_rank(isa);
    if (forced == 0 || have == 0 || forced >= have)
        return false;
    snprintf(buf, len,
             "OPENBLAS_CORETYPE=%s forces %s kernels on a CPU with %s: BLAS results will sit "
             "below the %s peak",
             coretype, rank_name[forced], rank_name[have], rank_name[have]);
    return true;
}

void rl_profile_from_cpu(const rl_cpu_info *cpu, const rl_cpu_peak *peak,
                         const char *openblas_coretype, rl_device_profile *out)
{
    memset(out, 0, sizeof *out);
    out->kind = RL_DEVICE_CPU;
    snprintf(out->id, sizeof out->id, "cpu");
    snprintf(out->name, sizeof out->name, "%s", cpu->model);
    out->cpu = *cpu;
    out->cpu_peak = *peak;
    out->estimate = true;
    out->memory_bytes = cpu->memory_bytes;
    out->reserve_bytes = RL_CPU_OS_RESERVE_BYTES;
    out->machine.mem_count = 1;
    snprintf(out->machine.mem[0].name, sizeof out->machine.mem[0].name, "DRAM");
    /* No bandwidth without a measurement: DIMM speeds are not visible. */
    snprintf(out->bandwidth_source, sizeof out->bandwidth_source,
             "unknown (measure it: rooflab ceilings)");
    out->machine.peak_flop_per_s[RL_PREC_FP32] = peak->fp32_flop_per_s;
    out->machine.peak_flop_per_s[RL_PREC_FP64] = peak->fp64_flop_per_s;
    for (int p = RL_PREC_FP64; p <= RL_PREC_FP32; p++)
        snprintf(out->peak_source[p], RL_CAT_SOURCE_LEN,
                 "estimate: %d cores x %.0f MHz x %d FLOP/cycle (%s)%s", peak->cores,
                 peak->clock_mhz, p == RL_PREC_FP32 ? peak->fp32_flop_per_cycle
                                                    : peak->fp32_flop_per_cycle / 2,
                 peak->unit, p == RL_PREC_FP64 ? ", fp64 = fp32 / 2" : "");
    /* One vector unit: GEMM, the FMA probe and the row ops (16-bit storage
     * computes in fp32) all run on the SIMD FMA pipes. */
    snprintf(out->machine.simt_name, sizeof out->machine.simt_name, "simd");
    for (int p = RL_PREC_FP64; p <= RL_PREC_FP32; p++) {
        out->machine.simt_flop_per_s[p] = out->machine.peak_flop_per_s[p];
        snprintf(out->machine.simt_source[p], RL_ROOF_SOURCE_LEN, "%s", out->peak_source[p]);
    }
    if (peak->clock_mhz <= 0)
        rl_profile_warn(out, "CPU clock unknown: no peak estimate");
    if (cpu->warnings[0])
        rl_profile_warn(out, "%s", cpu->warnings);
    char w[256];
    if (rl_openblas_coretype_warning(openblas_coretype, cpu->isa, w, sizeof w))
        rl_profile_warn(out, "%s", w);
}

/* ---- detection ----------------------------------------------------------- */

static bool live_root(const char *root)
{
    return !root || !*root || strcmp(root, "/") == 0;
}

rl_status rl_devices_detect(const rl_catalog *cat, const char *root, rl_detection *out,
                            rl_err *err)
{
    memset(out, 0, sizeof *out);
    out->devices = calloc(RL_MAX_DETECTED, sizeof *out->devices);
    if (!out->devices)
        return rl_fail(err, RL_ERR_NOMEM, "out of memory detecting devices");

    rl_jetson_raw jr;
    rl_status st = rl_jetson_read(root ? root : "/", &jr, err);
    if (st != RL_OK) {
        rl_detection_free(out);
        return st;
    }
    if (jr.present) {
        st = rl_profile_from_jetson(cat, &jr, &out->devices[out->count], err);
        if (st != RL_OK) {
            rl_detection_free(out);
            return st;
        }
        out->count++;
    }

    if (live_root(root)) {
        char reason[200];
        const int n = rl_cuda_device_count(reason, sizeof reason);
        for (int i = 0; i < n && out->count < RL_MAX_DETECTED - 1; i++) {
            rl_cuda_raw raw;
            rl_err e2;
            if (rl_cuda_query(i, &raw, &e2) != RL_OK) {
                snprintf(out->gpu_note, sizeof out->gpu_note, "cuda:%d: %.200s", i, e2.msg);
                continue;
            }
            if (raw.integrated && jr.present)
                continue; /* the Jetson's own GPU, already profiled from its files */
            if (rl_profile_from_cuda(cat, &raw, &out->devices[out->count], &e2) == RL_OK)
                out->count++;
        }
        if (n == 0 && !jr.present)
            snprintf(out->gpu_note, sizeof out->gpu_note, "no GPU: %s", reason);

        rl_cpu_info cpu;
        rl_err e3;
        if (rl_cpu_detect(&cpu, &e3) == RL_OK) {
            double mhz;
            int family;
            char source[96], vendor[32];
            rl_cpu_clock_read("/", &mhz, source, sizeof source, vendor, sizeof vendor, &family);
            rl_cpu_peak peak;
            if (rl_cpu_peak_estimate(&cpu, vendor, family, mhz, source, &peak, &e3) != RL_OK)
                memset(&peak, 0, sizeof peak);
            rl_profile_from_cpu(&cpu, &peak, getenv("OPENBLAS_CORETYPE"),
                                &out->devices[out->count++]);
        }
    } else if (!jr.present) {
        snprintf(out->gpu_note, sizeof out->gpu_note,
                 "no Jetson files under %s (the CPU and CUDA are only read with --root /)", root);
    }
    return RL_OK;
}

void rl_detection_free(rl_detection *d)
{
    free(d->devices);
    d->devices = NULL;
    d->count = 0;
}
