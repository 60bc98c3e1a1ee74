/* rooflab report: two runs compared case by case, and many hosts merged.
 *
 * Cases are matched by name. A case's "rate" is its FLOP/s, or its byte/s
 * for ops that do no FLOPs (copy); both are at the median time. */
#ifndef RL_COMPARE_H
#define RL_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report/rl_results.h"
#include "rl/status.h"

/* The rate a case is compared by; 0 when it did not run. */
double rl_case_rate(const rl_case_result *c);
/* "FLOP/s" or "B/s". */
const char *rl_case_rate_unit(const rl_case_result *c);

/* ---- compare A and B -------------------------------------------------------- */

typedef struct rl_compare_row {
    const rl_case_result *a, *b; /* both present; they point into the inputs */
    double time_ratio;           /* B time / A time; NAN when either did not run */
    double rate_ratio;           /* B rate / A rate; NAN when either did not run */
} rl_compare_row;

typedef struct rl_comparison {
    rl_compare_row *rows; /* in A's order */
    size_t count;
    const rl_case_result **only_a, **only_b;
    size_t only_a_count, only_b_count;
} rl_comparison;

/* The inputs must outlive the comparison. */
rl_status rl_compare(const rl_results *a, const rl_results *b, rl_comparison *out, rl_err *err);
void rl_comparison_free(rl_comparison *cmp);
/* The table of ratios and the cases found in only one run. */
void rl_comparison_print(const rl_comparison *cmp, const char *label_a, const char *label_b,
                         FILE *out);
/* name,op,precision,a_time_s,b_time_s,time_ratio,a_rate,b_rate,rate_unit,rate_ratio,in
 * (in = both|a|b); newly allocated, NULL when out of memory. */
char *rl_comparison_csv(const rl_comparison *cmp);

/* ---- merge many hosts ---------------------------------------------------------- */

#define RL_MERGE_SLOW_FRACTION 0.9 /* "slow": below 90 % of the median across hosts */

typedef struct rl_merge_row {
    char name[160];
    rl_op op;
    rl_precision precision;
    char rate_unit[8];  /* "FLOP/s" or "B/s" */
    double *rates;      /* one per host (input), 0 where the case is absent or did not run */
    size_t hosts_with;  /* how many hosts have a rate */
    double median, min, max;
    double spread;      /* max / min; NAN with no rate */
    char slow[512];     /* "host-b, host-c": below 90 % of the median */
    size_t slow_count;
} rl_merge_row;

typedef struct rl_merge {
    size_t host_count;
    char (*hosts)[128]; /* a run's host name, "#2" appended to repeats */
    rl_merge_row *rows; /* in order of first appearance */
    size_t count;
} rl_merge;

rl_status rl_merge_runs(const rl_results *runs, size_t n, rl_merge *out, rl_err *err);
void rl_merge_free(rl_merge *m);
void rl_merge_print(const rl_merge *m, FILE *out);
/* name,op,precision,rate_unit,hosts,median,min,max,spread,slow_hosts,<one column per host> */
char *rl_merge_csv(const rl_merge *m);
/* {"schema": "rooflab.merge/1", "hosts": [...], "cases": [{name, op, precision, rate_unit,
 *  median, min, max, spread, slow_hosts: [...], rates: {host: rate},
 *  ratios: {host: rate / median}}]} */
char *rl_merge_json(const rl_merge *m);

#endif
