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

/* How well the median of n sorted samples is known: the half-width of its
 * distribution-free 95 % confidence interval (the order statistics of
 * ranks n/2 -/+ 1.96 sqrt(n)/2, normal approximation of the binomial),
 * relative to the median. Shrinks as 1/sqrt(n) whatever the samples'
 * distribution, and ignores outliers. INFINITY for n < 2 or a median <= 0. */
double rl_median_noise(const double *sorted, size_t n);

/* Summarise n samples. Sorts `values` in place. n == 0 gives all zeros. */
rl_stats rl_stats_compute(double *values, size_t n);

#endif
