/* rooflab report: the hosts of a merge that lag the others (stragglers), and
 * the device state they recorded, so a throttled or misconfigured GPU on a
 * shared cluster can be told from a slow case. */
#ifndef RL_STRAGGLERS_H
#define RL_STRAGGLERS_H

#include <stdio.h>

#include "report/rl_compare.h"
#include "report/rl_results.h"

typedef struct rl_straggler {
    size_t host;         /* index into m->hosts (and the runs merged, same order) */
    size_t lagging;      /* its cases below RL_MERGE_SLOW_FRACTION of the case's median */
    size_t compared;     /* its cases that at least one other host also ran */
    double worst_ratio;  /* its lowest rate / median over those cases */
    char worst_case[160];
} rl_straggler;

/* The stragglers of m, in host order, into out (room for m->host_count):
 * hosts with at least one case, run by two or more hosts, below
 * RL_MERGE_SLOW_FRACTION of that case's median. Returns how many. */
size_t rl_merge_stragglers(const rl_merge *m, rl_straggler *out);

/* A section for `rooflab merge`: each straggler, how many cases lag, its
 * worst ratio, and the device state its run recorded at the end (clocks,
 * power, temperature; "not recorded" when the run has none). runs: the
 * n == m->host_count runs merged, in the same order. */
void rl_stragglers_print(const rl_merge *m, const rl_straggler *s, size_t count,
                         const rl_results *runs, FILE *out);

/* {"schema": "rooflab.stragglers/1", "slow_fraction", "stragglers": [{host, lagging,
 *  compared, worst_ratio, worst_case, lagging_cases: [{name, ratio}], device_state}]} */
char *rl_stragglers_json(const rl_merge *m, const rl_straggler *s, size_t count,
                         const rl_results *runs);

#endif
