/* rooflab model: summary statistics of timing samples. Pure arithmetic,
 * shared by the harness (per case) and the report (across hosts). */
#ifndef RL_STATS_H
#define RL_STATS_H

#include <stddef.h>

typedef struct rl_stats {
    size_t count;
    double median, p10, p90, min, max, mean;
    double cv; /* standard deviation / mean (0 for fewer than 2 samples) */
} rl_stats;

/* Percentile q in [0, 1] of sorted values, linearly interpolated between
 * the closest ranks. */
double rl_percentile_sorted(const double *sorted, size_t n, double q);

/* Summarise n samples. Sorts `values` in place. n == 0 gives all zeros. */
rl_stats rl_stats_compute(double *values, size_t n);

#endif
