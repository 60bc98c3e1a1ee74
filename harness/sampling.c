#include "harness/rl_sampling.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/rl_stats.h"

const char *rl_stop_reason_name(rl_stop_reason r)
{
    switch (r) {
    case RL_STOP_NOISE: return "noise target";
    case RL_STOP_TIMEOUT: return "timeout";
    case RL_STOP_MAX_REPETITIONS: return "max repetitions";
    default: return "";
    }
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

rl_stop_reason rl_stop_check(const rl_stop_rule *rule, double *samples, size_t n, int repetitions,
                             double elapsed_s, double *noise)
{
    qsort(samples, n, sizeof *samples, cmp_double);
    *noise = rl_median_noise(samples, n);
    if (repetitions >= rule->min_repetitions) {
        if (rule->max_noise > 0 && (long)n >= rule->min_samples && *noise <= rule->max_noise)
            return RL_STOP_NOISE;
        if (rule->timeout_s > 0 && elapsed_s >= rule->timeout_s)
            return RL_STOP_TIMEOUT;
    }
    if (repetitions >= rule->max_repetitions)
        return RL_STOP_MAX_REPETITIONS;
    return RL_STOP_NONE;
}

rl_status rl_sample_until(const rl_stop_rule *rule, const rl_sample_source *src,
                          rl_sampling_outcome *out, rl_err *err)
{
    memset(out, 0, sizeof *out);
    const double start = src->now_s(src->ctx);
    double *sorted = NULL;
    size_t cap = 0;
    rl_status s = RL_OK;
    while (out->reason == RL_STOP_NONE) {
        if ((s = src->repetition(src->ctx, err)) != RL_OK)
            break;
        out->repetitions++;
        out->elapsed_s = src->now_s(src->ctx) - start;
        /* judged on a sorted copy: the source keeps its samples in order */
        size_t n;
        const double *samples = src->samples(src->ctx, &n);
        if (n > cap) {
            double *grown = realloc(sorted, n * sizeof *grown);
            if (!grown) {
                s = rl_fail(err, RL_ERR_NOMEM, "out of memory judging the samples");
                break;
            }
            sorted = grown;
            cap = n;
        }
        if (n)
            memcpy(sorted, samples, n * sizeof *sorted);
        out->reason = rl_stop_check(rule, sorted, n, out->repetitions, out->elapsed_s,
                                    &out->noise);
    }
    free(sorted);
    return s;
}
