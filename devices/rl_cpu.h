/* rooflab devices: what the CPU is, read through hwloc and sanity-checked
 * (virtual machines report nonsense cache sizes). */
#ifndef RL_CPU_H
#define RL_CPU_H

#include <stdint.h>

#include "rl/status.h"

#define RL_MAX_CACHE_LEVELS 6

typedef struct rl_cache_level {
    int level;           /* 1, 2, 3 */
    uint64_t size_bytes; /* one instance */
    int instances;       /* how many of them in the machine */
} rl_cache_level;

typedef struct rl_cpu_info {
    char model[128];   /* "AMD EPYC 9B14" */
    char arch[32];     /* "x86_64", "aarch64" */
    int cores;         /* physical cores */
    int pus;           /* hardware threads */
    int numa_nodes;
    uint64_t memory_bytes;
    int cache_count;   /* data/unified caches only, innermost first */
    rl_cache_level caches[RL_MAX_CACHE_LEVELS];
    uint64_t llc_bytes; /* all instances of the last level together */
    char isa[256];     /* the SIMD/FMA flags that matter: "avx2 fma avx512f ..." */
    char warnings[512]; /* "; "-separated notes on values corrected or doubtful */
} rl_cpu_info;

rl_status rl_cpu_detect(rl_cpu_info *out, rl_err *err);

#endif
