/* The CPU backend: host memory, OpenMP kernels, OpenBLAS GEMM, a monotonic
 * clock, and a cache flush by sweeping a buffer twice the last-level cache.
 * All state lives in the backend's own struct. */
#include <cblas.h>
#include <limits.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kernels/rl_support.h"
#include "kernels/cpu/rl_cpu.h"

#define FALLBACK_CACHE_BYTES ((size_t)64 << 20)
#define MAX_CACHE_BYTES ((size_t)1 << 30)

typedef struct cpu_state {
    int threads;
    char desc[64];
    size_t cache_bytes; /* the last-level cache, all instances together */
    rl_cpu_ctx ctx;     /* what every kernel is told */
    uint64_t *flush_buf; /* 2x cache_bytes, allocated on the first flush */
    size_t flush_words;
    uint64_t flush_sink; /* keeps the flush's reads alive */
    struct timespec t0;
} cpu_state;

static const rl_cpu_kernel kernels[RL_OP_COUNT] = {
    [RL_OP_GEMM] = rl_cpu_gemm,
    [RL_OP_LAYERNORM] = rl_cpu_layernorm,
    [RL_OP_SOFTMAX] = rl_cpu_softmax,
    [RL_OP_RESIDUAL_LAYERNORM] = rl_cpu_residual_layernorm,
    [RL_OP_RESIDUAL_LAYERNORM_UNFUSED] = rl_cpu_residual_layernorm_unfused,
    [RL_OP_SCALE_MASK_SOFTMAX] = rl_cpu_scale_mask_softmax,
    [RL_OP_SCALE_MASK_SOFTMAX_UNFUSED] = rl_cpu_scale_mask_softmax_unfused,
    [RL_OP_BIAS_GELU] = rl_cpu_bias_gelu,
    [RL_OP_BIAS_GELU_UNFUSED] = rl_cpu_bias_gelu_unfused,
    [RL_OP_COPY] = rl_cpu_copy,
    [RL_OP_TRIAD] = rl_cpu_triad,
    [RL_OP_FMA] = rl_cpu_fma,
    [RL_OP_SILU_GATE] = rl_cpu_silu_gate,
};

/* ---- cache size ------------------------------------------------------------ */

static bool read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    const bool ok = fgets(buf, (int)len, f) != NULL;
    fclose(f);
    return ok;
}

/* CPUs in a list such as "0-7,64-71". */
static long count_cpu_list(const char *s)
{
    long count = 0;
    while (*s && *s != '\n') {
        char *end;
        const long lo = strtol(s, &end, 10);
        long hi = lo;
        if (end == s)
            return 0;
        if (*end == '-')
            hi = strtol(end + 1, &end, 10);
        count += hi - lo + 1;
        s = *end == ',' ? end + 1 : end;
    }
    return count;
}

/* The largest data or unified cache level from sysfs, times the number of
 * its instances (an EPYC has one L3 per CCD). sysconf's figures come from
 * CPUID and are wrong under some hypervisors, so they are the fallback. */
static size_t sysfs_llc_bytes(void)
{
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    size_t best = 0;
    int best_level = 0;
    for (int i = 0; i < 16; i++) {
        char path[128], buf[256];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
        if (!read_line(path, buf, sizeof buf))
            break;
        if (strncmp(buf, "Instruction", 11) == 0)
            continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        const int level = read_line(path, buf, sizeof buf) ? atoi(buf) : 0;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        if (!read_line(path, buf, sizeof buf))
            continue;
        char *unit;
        size_t bytes = strtoull(buf, &unit, 10);
        bytes <<= *unit == 'K' ? 10 : *unit == 'M' ? 20 : *unit == 'G' ? 30 : 0;
        snprintf(path, sizeof path,
                 "/sys/devices/system/cpu/cpu0/cache/index%d/shared_cpu_list", i);
        const long sharing = read_line(path, buf, sizeof buf) ? count_cpu_list(buf) : 0;
        if (sharing > 0 && online > sharing)
            bytes *= (size_t)((online + sharing - 1) / sharing);
        if (level > best_level || (level == best_level && bytes > best)) {
            best_level = level;
            best = bytes;
        }
    }
    return best;
}

static size_t llc_bytes(void)
{
    size_t bytes = sysfs_llc_bytes();
    if (bytes == 0) {
        const long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE), l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
        bytes = l3 > 0 ? (size_t)l3 : l2 > 0 ? (size_t)l2 : FALLBACK_CACHE_BYTES;
    }
    return bytes > MAX_CACHE_BYTES ? MAX_CACHE_BYTES : bytes;
}

/* ---- memory ------------------------------------------------------------------ */

/* A "Key:   123 kB" line of /proc/meminfo, in bytes; 0 when absent. */
static size_t meminfo_bytes(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    return p ? (size_t)strtoull(p + strlen(key), NULL, 10) * 1024 : 0;
}

/* A number in a cgroup file, or 0 ("max", absent). */
static size_t cgroup_bytes(const char *path)
{
    char buf[64];
    if (!read_line(path, buf, sizeof buf) || buf[0] < '0' || buf[0] > '9')
        return 0;
    return (size_t)strtoull(buf, NULL, 10);
}

/* MemAvailable counts reclaimable page cache, unlike the free page count;
 * a container's cgroup limit, where lower, is what really binds. */
static rl_status cpu_mem_info(void *state, rl_mem_info *info, rl_err *err)
{
    (void)state;
    char text[4096] = {0};
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        const size_t got = fread(text, 1, sizeof text - 1, f);
        text[got] = '\0';
        fclose(f);
    }
    size_t total = meminfo_bytes(text, "MemTotal:");
    size_t avail = meminfo_bytes(text, "MemAvailable:");
    if (total == 0 || avail == 0) {
        const long page = sysconf(_SC_PAGESIZE);
        const long phys = sysconf(_SC_PHYS_PAGES), free_pages = sysconf(_SC_AVPHYS_PAGES);
        if (page <= 0 || phys <= 0 || free_pages < 0)
            return rl_fail(err, RL_ERR_DEVICE, "cpu backend: cannot read the memory size");
        total = (size_t)phys * (size_t)page;
        avail = (size_t)free_pages * (size_t)page;
    }
    const size_t limit = cgroup_bytes("/sys/fs/cgroup/memory.max");
    if (limit > 0 && limit < total) {
        const size_t used = cgroup_bytes("/sys/fs/cgroup/memory.current");
        total = limit;
        const size_t room = used < limit ? limit - used : 0;
        avail = room < avail ? room : avail;
    }
    info->total_bytes = total;
    info->free_bytes = avail;
    return RL_OK;
}

static rl_status cpu_alloc(void *state, size_t bytes, void **ptr, rl_err *err)
{
    (void)state;
    /* Cache-line aligned; aligned_alloc wants a multiple of the alignment.
     * The pages are not touched here: the harness fills every buffer. */
    const size_t rounded = bytes == 0 ? 64 : (bytes + 63) / 64 * 64;
    if (rounded < bytes)
        return rl_fail(err, RL_ERR_NOMEM, "cpu backend: %zu bytes cannot be allocated", bytes);
    *ptr = aligned_alloc(64, rounded);
    if (!*ptr)
        return rl_fail(err, RL_ERR_NOMEM, "cpu backend: out of memory allocating %.3g GB",
                       (double)bytes / 1e9);
    return RL_OK;
}

static void cpu_release(void *state, void *ptr)
{
    (void)state;
    free(ptr);
}

static rl_status cpu_copy_bytes(void *state, void *dst, const void *src, size_t bytes,
                                rl_err *err)
{
    (void)state;
    (void)err;
    memcpy(dst, src, bytes);
    return RL_OK;
}

static rl_status cpu_fill_bytes(void *state, void *ptr, int byte, size_t bytes, rl_err *err)
{
    (void)state;
    (void)err;
    memset(ptr, byte, bytes);
    return RL_OK;
}

/* ---- ops ---------------------------------------------------------------------- */

static bool cpu_supports(void *state, rl_op op, rl_precision p, int version, rl_err *err)
{
    (void)state;
    if (op < 0 || op >= RL_OP_COUNT || !kernels[op]) {
        rl_fail(err, RL_ERR_UNSUPPORTED, "cpu backend: unknown op %d", (int)op);
        return false;
    }
    if (version < 0 || version > 1) {
        rl_fail(err, RL_ERR_UNSUPPORTED,
                "cpu backend: %s has one kernel version (1, \"%s\"); version %d does not exist",
                rl_op_name(op), op == RL_OP_GEMM ? "openblas" : "omp", version);
        return false;
    }
    return rl_cpu_runs(op, p, err); /* the table predict also reads */
}

static int cpu_kernel_versions(void *state, rl_op op)
{
    (void)state;
    (void)op;
    return 1;
}

static const char *cpu_kernel_version_name(void *state, rl_op op, int version)
{
    (void)state;
    (void)version;
    return op == RL_OP_GEMM ? "openblas" : "omp";
}

static rl_status cpu_launch(void *state, const rl_launch *l, rl_err *err)
{
    cpu_state *st = state;
    if (!cpu_supports(state, l->op, l->precision, l->kernel_version, err))
        return RL_ERR_UNSUPPORTED;
    rl_op_signature sig;
    RL_TRY(rl_op_signature_of(l->op, l->precision, &l->shape, &sig, err));
    for (int i = 0; i < sig.count; i++)
        if (!l->tensors[i])
            return rl_fail(err, RL_ERR_INVALID, "cpu backend: %s launched without tensor '%s'",
                           rl_op_name(l->op), sig.tensors[i].name);
    /* The thread count is per calling thread in OpenMP: set it where the
     * launch happens, not only where the backend was made. */
    omp_set_num_threads(st->threads);
    return kernels[l->op](l, &st->ctx, err);
}

static rl_status cpu_sync(void *state, rl_err *err)
{
    (void)state;
    (void)err;
    return RL_OK;
}

/* ---- caches and time -------------------------------------------------------- */

/* Sweep a buffer of twice the last-level cache with the same threads as the
 * kernels, so every core's private caches are swept too. The buffer is
 * written once, when allocated, so its pages are real (untouched pages all
 * map to one zero page); later sweeps only read, which evicts as well and
 * leaves clean lines, so the timed call does not pay for writing back the
 * flush's data. */
static rl_status cpu_flush_caches(void *state, rl_err *err)
{
    cpu_state *st = state;
    if (!st->flush_buf) {
        const size_t bytes = 2 * st->cache_bytes;
        st->flush_buf = aligned_alloc(64, (bytes + 63) / 64 * 64);
        if (!st->flush_buf)
            return rl_fail(err, RL_ERR_NOMEM,
                           "cpu backend: no memory for the %.3g MB cache-flush buffer",
                           (double)bytes / 1e6);
        st->flush_words = (bytes + 63) / 64 * 8;
        uint64_t *buf = st->flush_buf;
#pragma omp parallel for schedule(static) num_threads(st->threads)
        for (size_t i = 0; i < st->flush_words; i++)
            buf[i] = i;
    }
    const uint64_t *buf = st->flush_buf;
    uint64_t sum = 0;
#pragma omp parallel for simd schedule(static) num_threads(st->threads) reduction(+ : sum)
    for (size_t i = 0; i < st->flush_words; i++)
        sum += buf[i];
    st->flush_sink += sum;
    return RL_OK;
}

static size_t cpu_cache_bytes(void *state)
{
    return ((cpu_state *)state)->cache_bytes;
}

static rl_status cpu_timer_start(void *state, rl_err *err)
{
    cpu_state *st = state;
    if (clock_gettime(CLOCK_MONOTONIC, &st->t0) != 0)
        return rl_fail(err, RL_ERR_DEVICE, "cpu backend: clock_gettime failed");
    return RL_OK;
}

static rl_status cpu_timer_stop(void *state, double *seconds, rl_err *err)
{
    cpu_state *st = state;
    struct timespec t1;
    if (clock_gettime(CLOCK_MONOTONIC, &t1) != 0)
        return rl_fail(err, RL_ERR_DEVICE, "cpu backend: clock_gettime failed");
    *seconds = (double)(t1.tv_sec - st->t0.tv_sec) + (double)(t1.tv_nsec - st->t0.tv_nsec) * 1e-9;
    return RL_OK;
}

/* The first core's clock where cpufreq shows it (not in most virtual
 * machines); power and temperature have no portable source. */
static void cpu_device_state(void *state, rl_device_state *out)
{
    (void)state;
    rl_device_state_unknown(out);
    FILE *f = fopen("/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "r");
    if (!f)
        return;
    long khz = 0;
    if (fscanf(f, "%ld", &khz) == 1 && khz > 0)
        out->sm_clock_mhz = (double)khz / 1000.0;
    fclose(f);
}

static const char *cpu_describe(void *state)
{
    return ((cpu_state *)state)->desc;
}

static void cpu_destroy(void *state)
{
    cpu_state *st = state;
    if (!st)
        return;
    free(st->flush_buf);
    free(st);
}

rl_status rl_cpu_backend_create(const rl_cpu_options *opts, rl_backend *out, rl_err *err)
{
    const int asked = opts ? opts->threads : 0;
    if (asked < 0)
        return rl_fail(err, RL_ERR_INVALID, "threads must be 0 (all cores) or positive (got %d)",
                       asked);
    cpu_state *st = calloc(1, sizeof *st);
    if (!st)
        return rl_fail(err, RL_ERR_NOMEM, "cpu backend: out of memory");
    st->threads = asked > 0 ? asked : omp_get_num_procs();
    st->cache_bytes = llc_bytes();
    st->ctx.stream_bytes = opts && opts->stream_bytes ? opts->stream_bytes : st->cache_bytes;
    /* OpenMP never runs more threads than OMP_THREAD_LIMIT, and OpenBLAS's
     * OpenMP build, told of more, waits in gemm for workers that never come.
     * So OpenBLAS is told what OpenMP can give, and the description says so. */
    const int limit = omp_get_thread_limit();
    const int usable = st->threads < limit ? st->threads : limit;
    if (usable < st->threads)
        snprintf(st->desc, sizeof st->desc, "%d threads asked, %d run (OMP_THREAD_LIMIT=%d)",
                 st->threads, usable, limit);
    else
        snprintf(st->desc, sizeof st->desc, "%d thread%s", st->threads,
                 st->threads == 1 ? "" : "s");
    omp_set_num_threads(st->threads);
    openblas_set_num_threads(usable);

    *out = (rl_backend){
        .name = "cpu",
        .state = st,
        .describe = cpu_describe,
        .supports = cpu_supports,
        .kernel_versions = cpu_kernel_versions,
        .kernel_version_name = cpu_kernel_version_name,
        .mem_info = cpu_mem_info,
        .alloc = cpu_alloc,
        .release = cpu_release,
        .upload = cpu_copy_bytes,
        .download = cpu_copy_bytes,
        .fill_bytes = cpu_fill_bytes,
        .launch = cpu_launch,
        .sync = cpu_sync,
        .flush_caches = cpu_flush_caches,
        .cache_bytes = cpu_cache_bytes,
        .timer_start = cpu_timer_start,
        .timer_stop = cpu_timer_stop,
        .device_state = cpu_device_state,
        .destroy = cpu_destroy,
    };
    return RL_OK;
}
