/* rooflab harness: how long a case is sampled.
 *
 * After nvbench's stopping criterion: keep adding repetitions until the
 * median is known well enough (its relative noise, rl_median_noise, at most
 * a target), or a time limit passes, or a repetition cap is reached; and say
 * which of the three stopped it. nvbench stops on the relative standard
 * deviation of the samples, which on a CPU (wide, skewed times) never falls
 * to 1 % however long it runs; the median's confidence interval does, as
 * 1/sqrt(samples). The loop is separate from what a repetition does, so a
 * test drives it with a fake sample source and a fake clock. */
#ifndef RL_SAMPLING_H
#define RL_SAMPLING_H

#include <stddef.h>

#include "rl/status.h"

typedef enum rl_stop_reason {
    RL_STOP_NONE,            /* still sampling */
    RL_STOP_NOISE,           /* the median's noise reached the target */
    RL_STOP_TIMEOUT,         /* the time limit passed first */
    RL_STOP_MAX_REPETITIONS  /* the repetition cap came first */
} rl_stop_reason;

/* "noise target", "timeout", "max repetitions" ("" for RL_STOP_NONE). */
const char *rl_stop_reason_name(rl_stop_reason r);

typedef struct rl_stop_rule {
    double max_noise;    /* stop at this relative noise of the median (0.01 = 1 %); 0: never */
    double timeout_s;    /* stop once this much time has been spent sampling; 0: never */
    int min_repetitions; /* neither noise nor timeout stops before this many */
    long min_samples;    /* noise does not stop before this many samples */
    int max_repetitions; /* stop here whatever else */
} rl_stop_rule;

/* Whether to stop after `repetitions` repetitions holding n samples
 * (sorted in place) and elapsed_s of sampling; *noise gets the median's
 * relative noise. */
rl_stop_reason rl_stop_check(const rl_stop_rule *rule, double *samples, size_t n, int repetitions,
                             double elapsed_s, double *noise);

/* A source of samples: repetition() adds one repetition's samples to the
 * array the source owns; samples() gives it; now_s() is its clock. */
typedef struct rl_sample_source {
    rl_status (*repetition)(void *ctx, rl_err *err);
    const double *(*samples)(void *ctx, size_t *n);
    double (*now_s)(void *ctx);
    void *ctx;
} rl_sample_source;

typedef struct rl_sampling_outcome {
    rl_stop_reason reason;
    double noise;     /* the median's relative noise when it stopped */
    int repetitions;
    double elapsed_s; /* time spent sampling */
} rl_sampling_outcome;

/* Run repetitions until the rule stops them. A failing repetition ends it
 * with that error (out->reason RL_STOP_NONE). */
rl_status rl_sample_until(const rl_stop_rule *rule, const rl_sample_source *src,
                          rl_sampling_outcome *out, rl_err *err);

#endif
