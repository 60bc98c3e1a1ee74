/* rooflab report: the LLM layer table of report.html (llm_table.c). */
#ifndef RL_LLM_TABLE_H
#define RL_LLM_TABLE_H

#include "report/rl_results.h"
#include "report/rl_sbuf.h"

/* For an llm-suite run: one row per kernel of the layer (role, case, runs
 * per layer, measured and predicted time per layer, their ratio, share of
 * the measured layer), the layer, and prefill tokens/s measured and
 * predicted. Nothing for other runs. */
void rl_report_llm_table(rl_sbuf *b, const rl_results *r);

#endif
