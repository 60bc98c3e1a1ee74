/* rooflab harness: the C face of the Google Benchmark shim.
 * Google Benchmark is the measurement loop; rooflab reaches it through these
 * few functions so that everything else stays C11. Every case uses manual
 * time: the sample callback times its own call with the backend's clock
 * (a monotonic clock on the CPU, device events on a GPU), so rates are never
 * divided by CPU time. */
#ifndef RL_GBENCH_H
#define RL_GBENCH_H

#include "rl/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Time one call of the case and return its seconds. */
typedef rl_status (*rl_gb_sample_fn)(void *ctx, double *seconds, rl_err *err);

typedef struct rl_gb_case {
    const char *name;        /* "softmax/fp32/rows=4096,cols=4096" */
    rl_gb_sample_fn sample;
    void *ctx;
    double flops;            /* per call, from the model's op accounting */
    double bytes;
    const char *skip_reason; /* non-NULL: reported as an error and not timed */
    long iterations;         /* per repetition; 0 = Google Benchmark's min-time rule */
    int repetitions;         /* 0 = --benchmark_repetitions */
} rl_gb_case;

/* Run one case through Google Benchmark with no output of its own (the
 * caller collects the samples through its callback). Fails with the
 * benchmark's error message if the case reported one. */
rl_status rl_gb_run_case(const rl_gb_case *c, rl_err *err);

/* Register the cases and hand argv to Google Benchmark's own front end, so
 * --benchmark_filter, --benchmark_repetitions, --benchmark_format=json and
 * friends behave as its users expect. Returns the process exit code. */
int rl_gb_main(int argc, char **argv, const rl_gb_case *cases, int count);

#ifdef __cplusplus
}
#endif

#endif
