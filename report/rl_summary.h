/* rooflab report: the summary printed at the end of a run. */
#ifndef RL_SUMMARY_H
#define RL_SUMMARY_H

#include <stdio.h>

#include "report/rl_results.h"

void rl_summary_print(const rl_results *r, FILE *out);

/* The part of the summary `rooflab report` prints too: the fusion table,
 * the flags on doubtful numbers, and why cases fell below half their
 * prediction. */
void rl_summary_print_findings(const rl_results *r, FILE *out);

#endif
