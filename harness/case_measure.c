/* Warm-up, timed samples through Google Benchmark, and the case's result. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness/rl_case.h"
#include "harness/rl_gbench.h"
#include "harness/rl_sampling.h"

static rl_status timed_call(rl_case_run *run, double *seconds, rl_err *err)
{
    rl_backend *be = run->backend;
    if (run->flush)
        RL_TRY(be->flush_caches(be->state, err));
    RL_TRY(be->timer_start(be->state, err));
    RL_TRY(be->launch(be->state, &run->launch, err));
    return be->timer_stop(be->state, seconds, err);
}

rl_status rl_case_sample(void *ctx, double *seconds, rl_err *err)
{
    rl_case_run *run = ctx;
    if (run->stop && *run->stop)
        return rl_fail(err, RL_ERR_INTERRUPTED, "interrupted");
    RL_TRY(timed_call(run, seconds, err));
    if (run->sample_count == run->sample_capacity) {
        size_t cap = run->sample_capacity ? 2 * run->sample_capacity : 256;
        double *grown = realloc(run->samples, cap * sizeof *grown);
        if (!grown)
            return rl_fail(err, RL_ERR_NOMEM, "out of memory recording samples");
        run->samples = grown;
        run->sample_capacity = cap;
    }
    run->samples[run->sample_count++] = *seconds;
    return RL_OK;
}

rl_status rl_case_warmup(rl_case_run *run, const rl_measure_settings *ms, double *call_s,
                         rl_err *err)
{
    double spent = 0.0, last[3] = {0};
    int calls = 0;
    /* At least three calls and warmup_s of work; the estimate is the
     * smallest of the last three, the least disturbed. A cap (max_reps)
     * stops it at that many calls. */
    const int cap = ms->max_reps > 0 ? ms->max_reps : INT_MAX;
    const int min_calls = cap < 3 ? cap : 3;
    while ((calls < min_calls || spent < ms->warmup_s) && calls < cap) {
        if (run->stop && *run->stop)
            return rl_fail(err, RL_ERR_INTERRUPTED, "interrupted");
        double t;
        RL_TRY(timed_call(run, &t, err));
        last[calls % 3] = t;
        spent += t;
        calls++;
        if (calls >= 3 && t > ms->warmup_s)
            break;
    }
    double best = last[0];
    for (int i = 1; i < calls && i < 3; i++)
        if (last[i] < best)
            best = last[i];
    *call_s = best > 0 ? best : 1e-9;
    return RL_OK;
}

static long iterations_for(const rl_case_run *run, const rl_measure_settings *ms, double call_s)
{
    double n = ceil(ms->repetition_s / call_s);
    long cap = run->flush ? ms->max_flushed_iterations : ms->max_iterations;
    if (ms->max_reps > 0 && (cap <= 0 || cap > ms->max_reps))
        cap = ms->max_reps;
    if (n > (double)cap)
        return cap;
    return n < 1 ? 1 : (long)n;
}

static int capped_repetitions(const rl_measure_settings *ms)
{
    if (ms->max_reps > 0 && (ms->repetitions <= 0 || ms->repetitions > ms->max_reps))
        return ms->max_reps;
    return ms->repetitions > 0 ? ms->repetitions : 1;
}

/* The stopping rule of a case from the settings; ROOFLAB_MAX_REPS caps it. */
static rl_stop_rule stop_rule(const rl_measure_settings *ms)
{
    rl_stop_rule rule = {.max_noise = ms->max_noise,
                         .timeout_s = ms->timeout_s,
                         .min_repetitions = capped_repetitions(ms),
                         .min_samples = ms->min_samples,
                         .max_repetitions = ms->max_repetitions};
    if (rule.max_repetitions < rule.min_repetitions)
        rule.max_repetitions = rule.min_repetitions;
    if (ms->max_reps > 0 && rule.max_repetitions > ms->max_reps)
        rule.max_repetitions = ms->max_reps;
    return rule;
}

/* One repetition through Google Benchmark, then the device's state. The
 * state is read here, between repetitions, not between timed samples: on
 * the CPU backend it is sysfs reads (cpufreq), on a GPU NVML calls, and
 * either, done between samples, would disturb the next one (caches, a
 * context switch) and cost time in a case of thousands of short calls. */
typedef struct repetition_ctx {
    rl_case_run *run;
    rl_gb_case gb;
} repetition_ctx;

static rl_status one_repetition(void *ctx, rl_err *err)
{
    repetition_ctx *c = ctx;
    RL_TRY(rl_gb_run_case(&c->gb, err));
    if (c->run->device_worst) {
        rl_device_state now;
        c->run->backend->device_state(c->run->backend->state, &now);
        rl_device_state_worst(c->run->device_worst, &now);
    }
    return RL_OK;
}

static const double *run_samples(void *ctx, size_t *n)
{
    const repetition_ctx *c = ctx;
    *n = c->run->sample_count;
    return c->run->samples;
}

static double monotonic_s(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

rl_status rl_case_execute(rl_backend *be, const rl_case_spec *spec,
                          const rl_measure_settings *ms, uint64_t seed,
                          const volatile sig_atomic_t *stop, rl_case_result *res)
{
    memset(res, 0, sizeof *res);
    rl_case_name(spec, res->name, sizeof res->name);
    res->op = spec->op;
    res->precision = spec->precision;
    res->shape = spec->shape;
    res->kernel_version = spec->kernel_version;
    snprintf(res->backend, sizeof res->backend, "%s", be->name);
    snprintf(res->kernel, sizeof res->kernel, "%s",
             be->kernel_version_name(be->state, spec->op, spec->kernel_version));
    res->flops = rl_op_flops(spec->op, &spec->shape);
    res->bytes = rl_op_bytes(spec->op, spec->precision, &spec->shape);
    res->intensity = rl_op_intensity(spec->op, spec->precision, &spec->shape);

    rl_case_run run;
    rl_err err;
    rl_status s = rl_case_prepare(be, spec, &run, &err);
    if (s != RL_OK) {
        res->outcome = s == RL_ERR_UNSUPPORTED ? RL_CASE_UNSUPPORTED : RL_CASE_ERROR;
        snprintf(res->message, sizeof res->message, "%.255s", err.msg);
        return RL_OK;
    }
    run.stop = stop;
    rl_device_state_unknown(&res->device_worst);
    run.device_worst = &res->device_worst;
    {
        rl_device_state now;
        be->device_state(be->state, &now);
        rl_device_state_worst(&res->device_worst, &now);
    }
    if (ms->hot && run.flush) {
        run.flush = false;
        snprintf(run.cache, sizeof run.cache, "not flushed: hot, the working set stays in cache");
    }
    snprintf(res->cache, sizeof res->cache, "%s", run.cache);

    s = rl_case_validate(&run, seed, &res->validation, &err);
    double call_s = 0.0;
    if (s == RL_OK)
        s = rl_case_warmup(&run, ms, &call_s, &err);
    if (s == RL_OK) {
        run.sample_count = 0;
        repetition_ctx rep = {
            .run = &run,
            .gb = {.name = res->name,
                   .sample = rl_case_sample,
                   .ctx = &run,
                   .flops = res->flops,
                   .bytes = res->bytes,
                   .iterations = iterations_for(&run, ms, call_s),
                   .repetitions = 1},
        };
        const rl_sample_source src = {.repetition = one_repetition,
                                      .samples = run_samples,
                                      .now_s = monotonic_s,
                                      .ctx = &rep};
        const rl_stop_rule rule = stop_rule(ms);
        rl_sampling_outcome how;
        s = rl_sample_until(&rule, &src, &how, &err);
        if (s != RL_OK && stop && *stop)
            s = RL_ERR_INTERRUPTED;
        snprintf(res->stop_reason, sizeof res->stop_reason, "%s",
                 rl_stop_reason_name(how.reason));
        res->noise = how.noise; /* INFINITY below two samples: written as null */
        res->noise_target = rule.max_noise;
        res->repetitions = how.repetitions;
    }
    {
        rl_device_state now;
        be->device_state(be->state, &now);
        rl_device_state_worst(&res->device_worst, &now);
        const rl_device_state *w = &res->device_worst;
        res->device_read = w->sm_clock_mhz >= 0 || w->mem_clock_mhz >= 0 || w->power_draw_w >= 0 ||
                           w->temperature_c >= 0 || w->throttle_reasons >= 0;
        const char *why = rl_device_state_throttle(w);
        if (why && s == RL_OK)
            fprintf(stderr,
                    "rooflab: warning: %s ran %s-throttled (NVML clocks-event reasons 0x%llx, "
                    "lowest SM clock %.0f MHz): its rate is below what the device sustains "
                    "unthrottled\n",
                    res->name, why, (unsigned long long)w->throttle_reasons, w->sm_clock_mhz);
    }
    if (s == RL_OK) {
        res->time_s = rl_stats_compute(run.samples, run.sample_count);
        res->outcome = RL_CASE_OK;
        if (res->time_s.median > 0) {
            res->flop_per_s = res->flops / res->time_s.median;
            res->byte_per_s = res->bytes / res->time_s.median;
        }
    } else {
        res->outcome = s == RL_ERR_VALIDATION ? RL_CASE_VALIDATION_FAILED : RL_CASE_ERROR;
        snprintf(res->message, sizeof res->message, "%.255s", err.msg);
    }
    rl_case_release(&run);
    return s == RL_ERR_INTERRUPTED ? RL_ERR_INTERRUPTED : RL_OK;
}
