#include "model/rl_stats.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double rl_percentile_sorted(const double *sorted, size_t n, double q)
{
    if (n == 0)
        return 0.0;
    if (q <= 0.0)
        return sorted[0];
    if (q >= 1.0)
        return sorted[n - 1];
    const double pos = q * (double)(n - 1);
    const size_t lo = (size_t)pos;
    const double frac = pos - (double)lo;
    if (lo + 1 >= n)
        return sorted[n - 1];
    return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

double rl_median_noise(const double *sorted, size_t n)
{
    if (n < 2)
        return INFINITY;
    const double median = rl_percentile_sorted(sorted, n, 0.5);
    if (!(median > 0))
        return INFINITY;
    const double half = 1.96 * sqrt((double)n) / 2.0;
    /* 1-based ranks j = floor(n/2 - half), k = ceil(1 + n/2 + half), clamped */
    double j = floor((double)n / 2.0 - half), k = ceil(1.0 + (double)n / 2.0 + half);
    if (j < 1)
        j = 1;
    if (k > (double)n)
        k = (double)n;
    return (sorted[(size_t)k - 1] - sorted[(size_t)j - 1]) / (2.0 * median);
}

rl_stats rl_stats_compute(double *values, size_t n)
{
    rl_stats s = {0};
    if (n == 0)
        return s;
    qsort(values, n, sizeof *values, cmp_double);
    s.count = n;
    s.min = values[0];
    s.max = values[n - 1];
    s.median = rl_percentile_sorted(values, n, 0.5);
    s.p10 = rl_percentile_sorted(values, n, 0.1);
    s.p90 = rl_percentile_sorted(values, n, 0.9);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += values[i];
    s.mean = sum / (double)n;
    if (n > 1 && s.mean != 0.0) {
        double ss = 0.0;
        for (size_t i = 0; i < n; i++)
            ss += (values[i] - s.mean) * (values[i] - s.mean);
        s.cv = sqrt(ss / (double)(n - 1)) / fabs(s.mean);
    }
    return s;
}
