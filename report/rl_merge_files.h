/* rooflab report: a merge written out, for `rooflab merge` and for the
 * merged folder of a run on every GPU of a node. */
#ifndef RL_MERGE_FILES_H
#define RL_MERGE_FILES_H

#include <stdio.h>

#include "report/rl_compare.h"
#include "report/rl_results.h"
#include "rl/status.h"

/* Merge the n runs (rl_merge_runs), print the table and the stragglers to
 * `table` (NULL: nothing printed), and write into out_dir (created if
 * needed), each file atomically: merge.csv, merge.json, stragglers.json,
 * spread.svg (the strip chart) and report.html. */
rl_status rl_merge_write(const rl_results *runs, size_t n, const char *out_dir, FILE *table,
                         rl_err *err);

/* One line each when the runs are of different suites or rooflab versions,
 * naming which run has which (m: the merge of the same runs, for their
 * names). Nothing when they agree. */
void rl_merge_print_mismatches(const rl_results *runs, const rl_merge *m, size_t n, FILE *out);

#endif
