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

/* Add a roof to the set; a level with nothing measured (0) is left out. */
static void add_roof(rl_roof_set *set, bool memory, const rl_roof *r)
{
    int *count = memory ? &set->memory_count : &set->compute_count;
    if (*count >= RL_MAX_ROOFS || r->value <= 0)
        return;
    (memory ? set->memory : set->compute)[(*count)++] = *r;
}

static void set_roof(rl_roof *r, const char *name, const char *unit, double value)
{
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%.23s", name);
    snprintf(r->unit, sizeof r->unit, "%.15s", unit);
    r->value = value;
}

/* What the working-set sweep covers on this backend: the same points every
 * time, so a part of it can be measured again and matched to the first. */
typedef struct sweep_plan {
    int levels;
    char names[RL_MAX_CACHE_LEVELS][24];
    double cap[RL_MAX_CACHE_LEVELS];
    double largest; /* the largest cache, all instances together */
    double first, last, call_bytes;
    int64_t granule;
    char who[32]; /* " (2 threads)" or " (cuda)", for the sources */
} sweep_plan;

static void plan_sweep(const rl_backend *be, const rl_cpu_info *cpu, const rl_ceilings_options *o,
                       sweep_plan *p)
{
    p->levels = rl_ceilings_cache_levels(be, cpu, p->names, p->cap, RL_MAX_CACHE_LEVELS);
    p->largest = p->levels > 0 ? p->cap[p->levels - 1] : (double)be->cache_bytes(be->state);
    const int threads = o->threads > 0 ? o->threads : (cpu->pus > 0 ? cpu->pus : 1);
    const bool on_cpu = strcmp(be->name, "cpu") == 0;
    /* Up to 8x the largest cache, four points per doubling. The CPU starts
     * at 4 KiB per thread (inside L1). A GPU starts at an eighth of its L2:
     * smaller sets leave most SMs idle and measure the launch, and each SM's
     * L1 is bypassed by the probe's loads anyway. */
    p->first = on_cpu ? 4096.0 * threads : p->largest / 8.0;
    p->last = 8.0 * p->largest;
    /* Each call moves at least this much, so block ramp-up and the timer's
     * own gaps stay small beside it: 64 MB is milliseconds on a CPU, 1 GB a
     * few hundred microseconds at HBM speed. */
    p->call_bytes = on_cpu ? 64e6 : 1e9;
    /* Element counts a multiple of this: whole 64-byte lines per CPU thread
     * keep threads apart; whole 16-byte vectors of a 256-thread block on a GPU. */
    p->granule = on_cpu ? 16 * (int64_t)threads : 1024;
    if (on_cpu)
        snprintf(p->who, sizeof p->who, " (%d threads)", threads);
    else
        snprintf(p->who, sizeof p->who, " (%.20s)", be->name);
}

/* The sweep's points whose working set lies in (lo, hi], appended to pts. */
static rl_status run_sweep(rl_backend *be, const sweep_plan *p, const rl_ceilings_options *o,
                           double lo, double hi, rl_sweep_point *pts, int *count, rl_err *err)
{
    const double e = 4.0; /* fp32 triad */
    for (double ws = p->first; ws <= p->last * 1.0001 && *count < RL_MAX_SWEEP;
         ws *= pow(2.0, 0.25)) {
        int64_t n = (int64_t)(ws / (3 * e));
        n = (n / p->granule + 1) * p->granule;
        const double pass_bytes = 3.0 * e * (double)n;
        if (!(pass_bytes > lo && pass_bytes <= hi))
            continue;
        /* The passes over a cache-sized set stay hot. */
        const int64_t passes =
            pass_bytes >= p->call_bytes ? 1 : (int64_t)ceil(p->call_bytes / pass_bytes);
        rl_case_spec spec = {.op = RL_OP_TRIAD, .precision = RL_PREC_FP32,
                             .shape = {.count = n, .iters = passes}};
        rl_case_result res;
        RL_TRY(measure(be, &spec, o, true, &res, err));
        pts[(*count)++] =
            (rl_sweep_point){.working_set_bytes = pass_bytes, .byte_per_s = res.byte_per_s};
    }
    return RL_OK;
}

/* The working sets level i's roof comes from (see rl_ceilings_plateau). */
static void level_window(const sweep_plan *p, int i, double *lo, double *hi)
{
    *lo = i > 0 ? p->cap[i - 1] : 0.0;
    *hi = p->cap[i];
}

static void level_roof(const sweep_plan *p, int i, const rl_sweep_point *pts, int n, rl_roof *r)
{
    double lo, hi;
    level_window(p, i, &lo, &hi);
    set_roof(r, p->names[i], "", rl_ceilings_plateau(pts, n, lo, hi));
    snprintf(r->source, sizeof r->source,
             "measured: fp32 triad sweep, median of the plateau below %.3g MB%s", hi / 1e6,
             p->who);
}

/* Copy's median rate at the sweep's working sets of more than 4x the
 * largest cache (2x if the sweep has none there); 0 if the backend has no
 * copy. */
static rl_status dram_copy(rl_backend *be, const rl_ceilings_options *o, const sweep_plan *p,
                           const rl_sweep_point *pts, int count, double *out, rl_err *err)
{
    rl_err why;
    *out = 0.0;
    if (!be->supports(be->state, RL_OP_COPY, RL_PREC_FP32, 0, &why))
        return RL_OK;
    double rates[RL_MAX_SWEEP];
    int n = 0;
    for (int pass = 0; pass < 2 && n == 0; pass++)
        for (int i = 0; i < count; i++) {
            const double ws = pts[i].working_set_bytes;
            if (!(ws > (pass == 0 ? 4.0 : 2.0) * p->largest))
                continue;
            const double e = 4.0; /* fp32: a, c */
            const int64_t elems = ((int64_t)(ws / (2 * e)) / p->granule + 1) * p->granule;
            rl_case_spec spec = {.op = RL_OP_COPY, .precision = RL_PREC_FP32,
                                 .shape = {.count = elems, .iters = 1}};
            rl_case_result res;
            RL_TRY(measure(be, &spec, o, true, &res, err));
            rates[n++] = res.byte_per_s;
        }
    if (n > 0)
        *out = rl_stats_compute(rates, (size_t)n).median;
    return RL_OK;
}

/* The working sets the DRAM roof comes from: past twice the largest cache. */
static double dram_window_lo(const sweep_plan *p) { return 2.0 * p->largest; }

/* Memory: every point at 4x the largest cache or more, by triad and by copy;
 * the roof is the better of the two. With streaming stores copy (one stream
 * in, one out) ran 5-19 % above triad (two in, one out) on the 2-core EPYC
 * VM, so a triad roof had every run's copy above it. */
static rl_status dram_roof(rl_backend *be, const rl_ceilings_options *o, const sweep_plan *p,
                           const rl_sweep_point *pts, int n, rl_roof *r, rl_err *err)
{
    const double triad = rl_ceilings_plateau(pts, n, dram_window_lo(p), INFINITY);
    double copy = 0.0;
    RL_TRY(dram_copy(be, o, p, pts, n, &copy, err));
    set_roof(r, "DRAM", "", copy > triad ? copy : triad);
    if (copy > triad)
        snprintf(r->source, sizeof r->source,
                 "measured: fp32 copy, median of the points >= 4x the largest cache%s; triad "
                 "%.1f GB/s",
                 p->who, triad / 1e9);
    else
        snprintf(r->source, sizeof r->source,
                 "measured: fp32 triad sweep, median of the points >= 4x the largest cache%s",
                 p->who);
    return RL_OK;
}

static rl_status sweep_memory(rl_backend *be, const rl_cpu_info *cpu,
                              const rl_ceilings_options *o, rl_ceilings_record *rec, rl_err *err)
{
    sweep_plan p;
    plan_sweep(be, cpu, o, &p);
    rec->sweep_count = 0;
    RL_TRY(run_sweep(be, &p, o, 0.0, INFINITY, rec->sweep, &rec->sweep_count, err));
    rl_roof r;
    for (int i = 0; i < p.levels; i++) {
        level_roof(&p, i, rec->sweep, rec->sweep_count, &r);
        add_roof(&rec->measured, true, &r);
    }
    RL_TRY(dram_roof(be, o, &p, rec->sweep, rec->sweep_count, &r, err));
    add_roof(&rec->measured, true, &r);
    return RL_OK;
}

/* The SIMD FMA probe and the large GEMM, per precision. */
static const rl_precision simd_precisions[] = {RL_PREC_FP64, RL_PREC_FP32, RL_PREC_FP16,
                                               RL_PREC_BF16};
static const rl_precision gemm_precisions[] = {RL_PREC_FP64, RL_PREC_FP32, RL_PREC_TF32,
                                               RL_PREC_FP16, RL_PREC_BF16, RL_PREC_FP8,
                                               RL_PREC_INT8};

static rl_status fma_roof(rl_backend *be, const rl_ceilings_options *o, rl_precision prec,
                          rl_roof *r, rl_err *err)
{
    const bool cpu = strcmp(be->name, "cpu") == 0;
    const int threads = o->threads > 0 ? o->threads : 1;
    rl_case_spec spec = {.op = RL_OP_FMA, .precision = prec,
                         .shape = {.count = (cpu ? RL_FMA_CPU_COUNT_PER_THREAD * (int64_t)threads
                                              : 1 << 24),
                                   .iters = cpu ? RL_FMA_CPU_ITERS : 4096}};
    rl_case_result res;
    RL_TRY(measure(be, &spec, o, true, &res, err));
    /* named as the datasheet roof of the same unit: "simd" on a CPU, "simt" on a GPU */
    set_roof(r, rl_precision_name(prec), cpu ? "simd" : "simt", res.flop_per_s);
    snprintf(r->source, sizeof r->source, "measured: fma probe %.100s", res.name);
    return RL_OK;
}

/* Large GEMMs: the attainable BLAS rate (CPU), tensor cores (GPU). */
static rl_status gemm_roof(rl_backend *be, const rl_ceilings_options *o, rl_precision prec,
                           rl_roof *r, rl_err *err)
{
    const bool cpu = strcmp(be->name, "cpu") == 0;
    const int64_t n = cpu ? 2048 : 8192;
    rl_case_spec spec = {.op = RL_OP_GEMM, .precision = prec, .shape = {.m = n, .n = n, .k = n}};
    rl_case_result res;
    RL_TRY(measure(be, &spec, o, true, &res, err));
    const bool tensor = !cpu && prec != RL_PREC_FP64 && prec != RL_PREC_FP32;
    set_roof(r, rl_precision_name(prec), tensor ? "tensor" : "blas", res.flop_per_s);
    snprintf(r->source, sizeof r->source, "measured: %s %.100s", cpu ? "OpenBLAS" : "cuBLAS",
             res.name);
    return RL_OK;
}

static rl_status measure_compute(rl_backend *be, const rl_ceilings_options *o,
                                 rl_ceilings_record *rec, rl_err *err)
{
    rl_err why;
    rl_roof r;
    for (size_t i = 0; i < sizeof simd_precisions / sizeof simd_precisions[0]; i++) {
        if (!be->supports(be->state, RL_OP_FMA, simd_precisions[i], 0, &why))
            continue;
        RL_TRY(fma_roof(be, o, simd_precisions[i], &r, err));
        add_roof(&rec->measured, false, &r);
    }
    for (size_t i = 0; i < sizeof gemm_precisions / sizeof gemm_precisions[0]; i++) {
        if (!be->supports(be->state, RL_OP_GEMM, gemm_precisions[i], 0, &why))
            continue;
        RL_TRY(gemm_roof(be, o, gemm_precisions[i], &r, err));
        add_roof(&rec->measured, false, &r);
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

/* Give rec the re-measured points: each replaces the first measurement's
 * point of the same working set (the sweep's points are the same each time). */
static void replace_points(rl_ceilings_record *rec, const rl_sweep_point *pts, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < rec->sweep_count; j++)
            if (rec->sweep[j].working_set_bytes == pts[i].working_set_bytes)
                rec->sweep[j].byte_per_s = pts[i].byte_per_s;
}

/* A memory roof again: the sweep's points it comes from (DRAM: with copy). */
static rl_status remeasure_memory(rl_backend *be, const rl_cpu_info *cpu,
                                  const rl_ceilings_options *o, rl_ceilings_record *rec,
                                  rl_roof *roof, rl_err *err)
{
    sweep_plan p;
    plan_sweep(be, cpu, o, &p);
    rl_sweep_point pts[RL_MAX_SWEEP];
    int n = 0;
    rl_roof again;
    if (strcmp(roof->name, "DRAM") == 0) {
        RL_TRY(run_sweep(be, &p, o, dram_window_lo(&p), INFINITY, pts, &n, err));
        RL_TRY(dram_roof(be, o, &p, pts, n, &again, err));
    } else {
        int i = 0;
        while (i < p.levels && strcmp(p.names[i], roof->name) != 0)
            i++;
        if (i == p.levels)
            return RL_OK; /* not a level of this sweep: nothing to measure again */
        double lo, hi;
        level_window(&p, i, &lo, &hi);
        RL_TRY(run_sweep(be, &p, o, lo, hi, pts, &n, err));
        level_roof(&p, i, pts, n, &again);
    }
    if (again.value > roof->value) {
        *roof = again;
        replace_points(rec, pts, n);
    }
    return RL_OK;
}

static rl_status remeasure_compute(rl_backend *be, const rl_ceilings_options *o, rl_roof *roof,
                                   rl_err *err)
{
    rl_precision prec;
    rl_err why;
    if (rl_precision_parse(roof->name, &prec, &why) != RL_OK)
        return RL_OK; /* not a roof of ours: nothing to measure again */
    rl_roof again;
    if (strcmp(roof->unit, "simd") == 0 || strcmp(roof->unit, "simt") == 0)
        RL_TRY(fma_roof(be, o, prec, &again, err));
    else
        RL_TRY(gemm_roof(be, o, prec, &again, err));
    if (again.value > roof->value)
        *roof = again;
    return RL_OK;
}

rl_status rl_ceilings_remeasure(rl_backend *be, const rl_cpu_info *cpu,
                                const rl_ceilings_options *o, bool memory, int index,
                                rl_ceilings_record *rec, rl_err *err)
{
    if (index < 0 || index >= (memory ? rec->measured.memory_count : rec->measured.compute_count))
        return rl_fail(err, RL_ERR_INVALID, "no %s ceiling %d to measure again",
                       memory ? "memory" : "compute", index);
    if (memory)
        return remeasure_memory(be, cpu, o, rec, &rec->measured.memory[index], err);
    return remeasure_compute(be, o, &rec->measured.compute[index], err);
}
