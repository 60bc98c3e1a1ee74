/* rooflab harness: one case, from buffers to a timed, validated result.
 *
 * The rhythm is llm.c's: fill inputs with fresh random non-zero data, poison
 * the outputs, run once and check against the float64 reference, and only
 * then warm up and time. A case that fails validation is reported, never
 * timed. */
#ifndef RL_CASE_H
#define RL_CASE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernels/rl_backend.h"
#include "report/rl_results.h"

typedef struct rl_case_spec {
    rl_op op;
    rl_precision precision;
    int kernel_version; /* 0 = the backend's default */
    rl_shape shape;
} rl_case_spec;

typedef struct rl_measure_settings {
    int repetitions;          /* Google Benchmark repetitions */
    double repetition_s;      /* aim for this much timed work per repetition */
    long max_iterations;      /* per repetition, without cache flushing */
    long max_flushed_iterations; /* per repetition, with a flush before each */
    double warmup_s;          /* at least this long and 3 calls of warm-up */
    bool hot;                 /* never flush: measure the cache the data sits in */
    int max_reps;             /* 0: no cap; else at most this many repetitions, timed calls
                               * per repetition and warm-up calls, whatever the times say:
                               * for tests and emulators, where time means nothing */
    /* The stopping rule (rl_sampling.h): after `repetitions` (the minimum),
     * more repetitions until the median's relative noise is at most
     * max_noise (0: never) with at least min_samples samples, or timeout_s
     * of sampling has passed (0: never), or max_repetitions (0: exactly
     * `repetitions`) are done. */
    double max_noise;
    double timeout_s;
    long min_samples;
    int max_repetitions;
} rl_measure_settings;

/* A prepared case: device buffers filled and, once measured, its samples. */
typedef struct rl_case_run {
    rl_backend *backend;
    rl_case_spec spec;
    rl_op_signature sig;
    rl_launch launch;
    bool flush;        /* evict caches before each sample */
    char cache[96];    /* the cache policy, in words, for the results */
    double *samples;
    size_t sample_count, sample_capacity;
    const volatile sig_atomic_t *stop; /* set by SIGINT; may be NULL */
    rl_device_state *device_worst;     /* folded in after each repetition; may be NULL */
} rl_case_run;

void rl_case_name(const rl_case_spec *spec, char *buf, size_t len);

/* Float64 check tolerance for a case: output rounding plus accumulation
 * error growing with the square root of the reduction length. */
double rl_case_tolerance(rl_op op, rl_precision p, int64_t reduction_length);

/* Outputs are filled with this byte before the validation launch, so an
 * element the kernel never writes reads back as a poison value (NaN for
 * floats, a value no kernel produces for int32). */
int rl_output_poison_byte(rl_dtype t);
bool rl_output_is_poison(rl_dtype t, double value);

/* Allocate the case's buffers on the backend and fill the inputs; checks the
 * backend's free memory first. */
rl_status rl_case_prepare(rl_backend *backend, const rl_case_spec *spec, rl_case_run *run,
                          rl_err *err);
/* Validate on fresh random inputs (seeded by seed): poison outputs, run once,
 * compare with the reference. Leaves the inputs in place for timing. */
rl_status rl_case_validate(rl_case_run *run, uint64_t seed, rl_validation *out, rl_err *err);
/* Warm up and estimate the time of one call. */
rl_status rl_case_warmup(rl_case_run *run, const rl_measure_settings *ms, double *call_s,
                         rl_err *err);
/* One timed call (the Google Benchmark callback); records the sample. */
rl_status rl_case_sample(void *run, double *seconds, rl_err *err);
void rl_case_release(rl_case_run *run);

/* Everything for one case, as `rooflab run` does it: prepare, validate,
 * warm up, measure through Google Benchmark, summarise into result. Errors
 * of the case end up in result (outcome and message), not in the return
 * value, which is RL_ERR_INTERRUPTED only when the user stopped the run. */
rl_status rl_case_execute(rl_backend *backend, const rl_case_spec *spec,
                          const rl_measure_settings *ms, uint64_t seed,
                          const volatile sig_atomic_t *stop, rl_case_result *result);

#endif
