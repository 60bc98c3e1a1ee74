/* Measured ceilings. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/rl_case.h"
#include "harness/rl_ceilings.h"
#include "harness/rl_suite.h"
#include "model/rl_stats.h"

int rl_ceilings_cache_levels(const rl_backend *be, const rl_cpu_info *cpu, char names[][24],
                             double *capacity, int max)
{
    int n = 0;
    if (strcmp(be->name, "cpu") == 0) {
        for (int i = 0; i < cpu->cache_count && n < max; i++) {
            snprintf(names[n], 24, "L%d", cpu->caches[i].level);
            capacity[n++] = (double)cpu->caches[i].size_bytes * cpu->caches[i].instances;
        }
    } else if (max > 0) {
        snprintf(names[n], 24, "L2");
        capacity[n++] = (double)be->cache_bytes(be->state);
    }
    return n;
}

double rl_ceilings_plateau(const rl_sweep_point *sweep, int count, double lo, double hi)
{
    /* Well inside: past twice the level below (its share is gone) and below
     * half of this one (no spill to the next); widen if nothing is there. */
    double vals[RL_MAX_SWEEP];
    for (int pass = 0; pass < 2; pass++) {
        const double a = pass == 0 ? 2.0 * lo : lo, b = pass == 0 ? 0.5 * hi : hi;
        int n = 0;
        for (int i = 0; i < count && n < RL_MAX_SWEEP; i++)
            if (sweep[i].working_set_bytes > a && sweep[i].working_set_bytes <= b)
                vals[n++] = sweep[i].byte_per_s;
        if (n > 0)
            return rl_stats_compute(vals, (size_t)n).median;
    }
    return 0.0;
}

/* One validated, measured case; its median rate. */
static rl_status measure(rl_backend *be, const rl_case_spec *spec, const rl_ceilings_options *o,
                         bool hot, rl_case_result *res, rl_err *err)
{
    const rl_measure_settings ms = {.repetitions = 3,
                                    .repetition_s = 0.03,
                                    .max_iterations = 1000,
                                    .max_flushed_iterations = 10,
                                    .warmup_s = 0.02,
                                    .hot = hot,
                                    .max_reps = o->max_reps};
    const uint64_t seed = o->seed ^ ((uint64_t)spec->op << 56) ^ (uint64_t)spec->shape.count;
    if (rl_case_execute(be, spec, &ms, seed, o->stop, res) ==
        RL_ERR_INTERRUPTED)
        return rl_fail(err, RL_ERR_INTERRUPTED, "interrupted");
    if (res->outcome != RL_CASE_OK)
        return rl_fail(err, res->outcome == RL_CASE_UNSUPPORTED ? RL_ERR_UNSUPPORTED
                                                                 : RL_ERR_VALIDATION,
                       "%s: %s", res->name, res->message);
    if (!o->quiet)
        fprintf(stderr, "  %-48s %10.2f GB/s %10.2f GFLOP/s\n", res->name, res->byte_per_s / 1e9,
                res->flop_per_s / 1e9);
    return RL_OK;
}

static void add_roof(rl_roof_set *set, bool memory, const char *name, const char *unit,
                     double value, const char *source)
{
    rl_roof *r = memory ? &set->memory[set->memory_count] : &set->compute[set->compute_count];
    if ((memory ? set->memory_count : set->compute_count) >= RL_MAX_ROOFS || value <= 0)
        return;
    snprintf(r->name, sizeof r->name, "%.23s", name);
    snprintf(r->unit, sizeof r->unit, "%.15s", unit);
    snprintf(r->source, sizeof r->source, "%s", source);
    r->value = value;
    if (memory)
        set->memory_count++;
    else
        set->compute_count++;
}

/* Copy's median rate at the sweep's working sets of more than 4x the
 * largest cache (2x if the sweep has none there); 0 if the backend has no
 * copy. */
static rl_status dram_copy(rl_backend *be, const rl_ceilings_options *o,
                           const rl_ceilings_record *rec, double largest, int64_t granule,
                           double *out, rl_err *err)
{
    rl_err why;
    *out = 0.0;
    if (!be->supports(be->state, RL_OP_COPY, RL_PREC_FP32, 0, &why))
        return RL_OK;
    double rates[RL_MAX_SWEEP];
    int n = 0;
    for (int pass = 0; pass < 2 && n == 0; pass++)
        for (int i = 0; i < rec->sweep_count; i++) {
            const double ws = rec->sweep[i].working_set_bytes;
            if (!(ws > (pass == 0 ? 4.0 : 2.0) * largest))
                continue;
            const double e = 4.0; /* fp32: a, c */
            const int64_t count = ((int64_t)(ws / (2 * e)) / granule + 1) * granule;
            rl_case_spec spec = {.op = RL_OP_COPY, .precision = RL_PREC_FP32,
                                 .shape = {.count = count, .iters = 1}};
            rl_case_result res;
            RL_TRY(measure(be, &spec, o, true, &res, err));
            rates[n++] = res.byte_per_s;
        }
    if (n > 0)
        *out = rl_stats_compute(rates, (size_t)n).median;
    return RL_OK;
}

static rl_status sweep_memory(rl_backend *be, const rl_cpu_info *cpu,
                              const rl_ceilings_options *o, rl_ceilings_record *rec, rl_err *err)
{
    char names[RL_MAX_CACHE_LEVELS][24];
    double cap[RL_MAX_CACHE_LEVELS];
    const int levels = rl_ceilings_cache_levels(be, cpu, names, cap, RL_MAX_CACHE_LEVELS);
    const double largest = levels > 0 ? cap[levels - 1] : (double)be->cache_bytes(be->state);
    const int threads = o->threads > 0 ? o->threads : (cpu->pus > 0 ? cpu->pus : 1);
    const double e = 4.0; /* fp32 triad */
    const bool on_cpu = strcmp(be->name, "cpu") == 0;
    /* Up to 8x the largest cache, four points per doubling. The CPU starts
     * at 4 KiB per thread (inside L1). A GPU starts at an eighth of its L2:
     * smaller sets leave most SMs idle and measure the launch, and each SM's
     * L1 is bypassed by the probe's loads anyway. */
    const double first = on_cpu ? 4096.0 * threads : largest / 8.0, last = 8.0 * largest;
    /* Each call moves at least this much, so block ramp-up and the timer's
     * own gaps stay small beside it: 64 MB is milliseconds on a CPU, 1 GB a
     * few hundred microseconds at HBM speed. */
    const double call_bytes = on_cpu ? 64e6 : 1e9;
    /* Element counts a multiple of this: whole 64-byte lines per CPU thread
     * keep threads apart; whole 16-byte vectors of a 256-thread block on a GPU. */
    const int64_t granule = on_cpu ? 16 * (int64_t)threads : 1024;
    rec->sweep_count = 0;
    for (double ws = first; ws <= last * 1.0001 && rec->sweep_count < RL_MAX_SWEEP;
         ws *= pow(2.0, 0.25)) {
        int64_t count = (int64_t)(ws / (3 * e));
        count = (count / granule + 1) * granule;
        /* The passes over a cache-sized set stay hot. */
        const double pass_bytes = 3.0 * e * (double)count;
        const int64_t passes =
            pass_bytes >= call_bytes ? 1 : (int64_t)ceil(call_bytes / pass_bytes);
        rl_case_spec spec = {.op = RL_OP_TRIAD, .precision = RL_PREC_FP32,
                             .shape = {.count = count, .iters = passes}};
        rl_case_result res;
        RL_TRY(measure(be, &spec, o, true, &res, err));
        rec->sweep[rec->sweep_count++] =
            (rl_sweep_point){.working_set_bytes = pass_bytes, .byte_per_s = res.byte_per_s};
    }
    double lo = 0.0;
    char source[128];
    char who[32];
    if (on_cpu)
        snprintf(who, sizeof who, " (%d threads)", threads);
    else
        snprintf(who, sizeof who, " (%s)", be->name);
    for (int i = 0; i < levels; i++) {
        const double bw = rl_ceilings_plateau(rec->sweep, rec->sweep_count, lo, cap[i]);
        snprintf(source, sizeof source,
                 "measured: fp32 triad sweep, median of the plateau below %.3g MB%s",
                 cap[i] / 1e6, who);
        add_roof(&rec->measured, true, names[i], "", bw, source);
        lo = cap[i];
    }
    /* Memory: every point at 4x the largest cache or more, by triad and by
     * copy; the roof is the better of the two. With streaming stores copy
     * (one stream in, one out) ran 5-19 % above triad (two in, one out) on
     * the 2-core EPYC VM, so a triad roof had every run's copy above it. */
    const double triad = rl_ceilings_plateau(rec->sweep, rec->sweep_count, 2.0 * largest, INFINITY);
    double copy = 0.0;
    RL_TRY(dram_copy(be, o, rec, largest, granule, &copy, err));
    if (copy > triad)
        snprintf(source, sizeof source,
                 "measured: fp32 copy, median of the points >= 4x the largest cache%s; triad "
                 "%.1f GB/s",
                 who, triad / 1e9);
    else
        snprintf(source, sizeof source,
                 "measured: fp32 triad sweep, median of the points >= 4x the largest cache%s",
                 who);
    add_roof(&rec->measured, true, "DRAM", "", copy > triad ? copy : triad, source);
    return RL_OK;
}

static rl_status measure_compute(rl_backend *be, const rl_ceilings_options *o,
                                 rl_ceilings_record *rec, rl_err *err)
{
    const bool cpu = strcmp(be->name, "cpu") == 0;
    const int threads = o->threads > 0 ? o->threads : 1;
    char source[128];
    /* The SIMD FMA probe, per precision it runs at. */
    const rl_precision simd[] = {RL_PREC_FP64, RL_PREC_FP32, RL_PREC_FP16, RL_PREC_BF16};
    for (size_t i = 0; i < sizeof simd / sizeof simd[0]; i++) {
        rl_err why;
        if (!be->supports(be->state, RL_OP_FMA, simd[i], 0, &why))
            continue;
        rl_case_spec spec = {.op = RL_OP_FMA, .precision = simd[i],
                             .shape = {.count = (cpu ? RL_FMA_CPU_COUNT_PER_THREAD * (int64_t)threads
                                                  : 1 << 24),
                                       .iters = cpu ? RL_FMA_CPU_ITERS : 4096}};
        rl_case_result res;
        RL_TRY(measure(be, &spec, o, true, &res, err));
        snprintf(source, sizeof source, "measured: fma probe %.100s", res.name);
        /* named as the datasheet roof of the same unit: "simd" on a CPU, "simt" on a GPU */
        add_roof(&rec->measured, false, rl_precision_name(simd[i]), cpu ? "simd" : "simt",
                 res.flop_per_s, source);
    }
    /* Large GEMMs: the attainable BLAS rate (CPU), tensor cores (GPU). */
    const rl_precision gemm[] = {RL_PREC_FP64, RL_PREC_FP32, RL_PREC_TF32, RL_PREC_FP16,
                                 RL_PREC_BF16, RL_PREC_FP8,  RL_PREC_INT8};
    const int64_t n = cpu ? 2048 : 8192;
    for (size_t i = 0; i < sizeof gemm / sizeof gemm[0]; i++) {
        rl_err why;
        if (!be->supports(be->state, RL_OP_GEMM, gemm[i], 0, &why))
            continue;
        rl_case_spec spec = {.op = RL_OP_GEMM, .precision = gemm[i],
                             .shape = {.m = n, .n = n, .k = n}};
        rl_case_result res;
        RL_TRY(measure(be, &spec, o, true, &res, err));
        const bool tensor = !cpu && gemm[i] != RL_PREC_FP64 && gemm[i] != RL_PREC_FP32;
        snprintf(source, sizeof source, "measured: %s %.100s", cpu ? "OpenBLAS" : "cuBLAS", res.name);
        add_roof(&rec->measured, false, rl_precision_name(gemm[i]), tensor ? "tensor" : "blas",
                 res.flop_per_s, source);
    }
    return RL_OK;
}

rl_status rl_ceilings_measure(rl_backend *be, const rl_cpu_info *cpu,
                              const rl_ceilings_options *o, rl_ceilings_record *rec, rl_err *err)
{
    memset(&rec->measured, 0, sizeof rec->measured);
    if (!o->quiet)
        fprintf(stderr, "rooflab ceilings: working-set sweep\n");
    RL_TRY(sweep_memory(be, cpu, o, rec, err));
    if (!o->quiet)
        fprintf(stderr, "rooflab ceilings: compute\n");
    return measure_compute(be, o, rec, err);
}
