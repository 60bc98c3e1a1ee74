/* rooflab report: the page of a merge (report.html in the merge folder):
 * the devices merged, the stragglers, the strip chart of the spread
 * (rl_strip_chart.h) beside the roofline of the first run, and the per-case
 * table of medians and spreads. Self-contained; nothing is fetched. */
#ifndef RL_MERGE_HTML_H
#define RL_MERGE_HTML_H

#include "report/rl_compare.h"
#include "report/rl_results.h"
#include "report/rl_stragglers.h"

/* runs: the m->host_count runs merged, in the same order. Newly allocated
 * (free with free()); NULL when out of memory. */
char *rl_merge_html_string(const rl_merge *m, const rl_straggler *s, size_t count,
                           const rl_results *runs);

#endif
