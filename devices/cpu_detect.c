/* CPU topology through hwloc, with sanity checks: inside virtual machines
 * hwloc can report caches that cannot be (a 508 MiB L3 per core was seen),
 * so implausible values are replaced and the correction is noted. */
#include "devices/rl_cpu.h"

#include <hwloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Largest plausible size of one cache instance per level. */
static const uint64_t cache_cap_bytes[] = {0, 1ull << 20, 64ull << 20, 1ull << 30};

static void add_warning(rl_cpu_info *cpu, const char *text)
{
    size_t used = strlen(cpu->warnings);
    snprintf(cpu->warnings + used, sizeof cpu->warnings - used, "%s%s", used ? "; " : "", text);
}

static void read_model(rl_cpu_info *cpu, hwloc_topology_t topo)
{
    hwloc_obj_t pkg = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0);
    const char *name = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;
    if (!name) {
        hwloc_obj_t root = hwloc_get_root_obj(topo);
        name = hwloc_obj_get_info_by_name(root, "CPUModel");
    }
    snprintf(cpu->model, sizeof cpu->model, "%s", name ? name : "unknown CPU");
}

/* The SIMD/FMA flags that decide a CPU's peak, from /proc/cpuinfo. */
static void read_isa(rl_cpu_info *cpu)
{
    static const char *const wanted[] = {"sse4_2",   "avx",        "avx2",       "fma",
                                         "avx512f",  "avx512vl",   "avx512_bf16", "avx512_fp16",
                                         "amx_bf16", "asimd",      "sve",        "sve2",
                                         "asimdhp",  "fphp",       NULL};
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "flags", 5) != 0 && strncmp(line, "Features", 8) != 0)
            continue;
        char *colon = strchr(line, ':');
        if (!colon)
            break;
        for (int i = 0; wanted[i]; i++) {
            /* match whole words only */
            size_t len = strlen(wanted[i]);
            for (char *p = colon; (p = strstr(p, wanted[i])) != NULL; p += len) {
                char before = p[-1], after = p[len];
                if ((before == ' ' || before == ':' || before == '\t') &&
                    (after == ' ' || after == '\n' || after == '\0')) {
                    size_t used = strlen(cpu->isa);
                    snprintf(cpu->isa + used, sizeof cpu->isa - used, "%s%s", used ? " " : "",
                             wanted[i]);
                    break;
                }
            }
        }
        break;
    }
    fclose(f);
}

static void read_caches(rl_cpu_info *cpu, hwloc_topology_t topo)
{
    static const hwloc_obj_type_t types[] = {HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE,
                                             HWLOC_OBJ_L3CACHE};
    for (int i = 0; i < 3; i++) {
        int n = hwloc_get_nbobjs_by_type(topo, types[i]);
        if (n <= 0)
            continue;
        hwloc_obj_t obj = hwloc_get_obj_by_type(topo, types[i], 0);
        if (!obj || !obj->attr || obj->attr->cache.type == HWLOC_OBJ_CACHE_INSTRUCTION)
            continue;
        uint64_t size = obj->attr->cache.size;
        const int level = i + 1;
        if (size == 0)
            continue;
        if (size > cache_cap_bytes[level]) {
            char note[160];
            snprintf(note, sizeof note, "hwloc reports an implausible L%d of %llu KiB; capped at %llu KiB",
                     level, (unsigned long long)(size >> 10),
                     (unsigned long long)(cache_cap_bytes[level] >> 10));
            add_warning(cpu, note);
            size = cache_cap_bytes[level];
        }
        rl_cache_level *c = &cpu->caches[cpu->cache_count++];
        c->level = level;
        c->size_bytes = size;
        c->instances = n;
    }
    if (cpu->cache_count > 0) {
        const rl_cache_level *last = &cpu->caches[cpu->cache_count - 1];
        cpu->llc_bytes = last->size_bytes * (uint64_t)last->instances;
    } else {
        cpu->llc_bytes = 32ull << 20;
        add_warning(cpu, "no cache information; assuming a 32 MiB last-level cache");
    }
}

rl_status rl_cpu_detect(rl_cpu_info *cpu, rl_err *err)
{
    memset(cpu, 0, sizeof *cpu);
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) != 0)
        return rl_fail(err, RL_ERR_DEVICE, "hwloc: cannot initialise the topology");
    if (hwloc_topology_load(topo) != 0) {
        hwloc_topology_destroy(topo);
        return rl_fail(err, RL_ERR_DEVICE, "hwloc: cannot load the topology");
    }
    read_model(cpu, topo);
    cpu->cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
    cpu->pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
    cpu->numa_nodes = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
    if (cpu->cores <= 0)
        cpu->cores = cpu->pus > 0 ? cpu->pus : 1;
    if (cpu->numa_nodes <= 0)
        cpu->numa_nodes = 1;
    hwloc_obj_t root = hwloc_get_root_obj(topo);
    cpu->memory_bytes = root ? root->total_memory : 0;
    /* Some VMs give their NUMA node a fraction of the memory the kernel
     * reports (6.6 of 24 GB was seen): trust the larger, and say so. */
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    const uint64_t phys = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
    if (phys > cpu->memory_bytes + cpu->memory_bytes / 10) {
        char note[160];
        snprintf(note, sizeof note, "hwloc reports %.3g GB of memory, the kernel %.3g GB; using the "
                                    "kernel's", cpu->memory_bytes / 1e9, phys / 1e9);
        add_warning(cpu, note);
        cpu->memory_bytes = phys;
    }
    read_caches(cpu, topo);
    hwloc_topology_destroy(topo);

    struct utsname uts;
    snprintf(cpu->arch, sizeof cpu->arch, "%.31s", uname(&uts) == 0 ? uts.machine : "unknown");
    read_isa(cpu);
    return RL_OK;
}
