/* rooflab harness: measuring the roofs of this machine (ERT-style): the
 * bandwidth of each memory level from a working-set sweep, the compute peak
 * of the SIMD units from the FMA probe, and the attainable BLAS (or tensor
 * core) rate from large GEMMs. Every probe is validated before it is timed,
 * like any case. */
#ifndef RL_CEILINGS_H
#define RL_CEILINGS_H

#include <signal.h>

#include "devices/rl_cpu.h"
#include "kernels/rl_backend.h"
#include "report/rl_ceilings_file.h"

typedef struct rl_ceilings_options {
    int threads;
    bool quiet; /* no progress on stderr */
    uint64_t seed; /* of the probes' random inputs */
    int max_reps;  /* measurement cap for tests and emulators (rl_measure_settings) */
    const volatile sig_atomic_t *stop;
} rl_ceilings_options;

/* Measure into rec->measured and rec->sweep. */
rl_status rl_ceilings_measure(rl_backend *be, const rl_cpu_info *cpu,
                              const rl_ceilings_options *opts, rl_ceilings_record *rec,
                              rl_err *err);

/* Measure ceiling `index` of rec->measured (a memory level or a compute
 * roof) once more, as rl_ceilings_measure did, and keep the higher of the
 * two figures: a ceiling is the best the machine attained. A memory level
 * that rose takes its re-measured sweep points into rec->sweep, so the
 * stored sweep still gives the stored roofs. */
rl_status rl_ceilings_remeasure(rl_backend *be, const rl_cpu_info *cpu,
                                const rl_ceilings_options *opts, bool memory, int index,
                                rl_ceilings_record *rec, rl_err *err);

/* The memory levels a sweep is split into: names and the aggregate capacity
 * of each (for the CPU from hwloc: per-instance size times instances; for a
 * GPU its L2), innermost first, without the last (memory) level. */
int rl_ceilings_cache_levels(const rl_backend *be, const rl_cpu_info *cpu, char names[][24],
                             double *capacity, int max);

/* The bandwidth of level [lo, hi): the median of the sweep points whose
 * working set lies well inside it; 0 when none does. */
double rl_ceilings_plateau(const rl_sweep_point *sweep, int count, double lo, double hi);

#endif
