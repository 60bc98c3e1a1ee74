/* rooflab report (internal): the measured facts of a run that its notes and
 * flags cite (launch overhead, the backend's cache, the machine's load) and
 * each case's stopping rule, to and from results.json. */
#ifndef RL_RUN_FACTS_JSON_H
#define RL_RUN_FACTS_JSON_H

#include <cJSON.h>

#include "report/rl_results.h"

void rl_run_facts_add_json(cJSON *root, const rl_results *r);
/* Absent members read as unknown (files of older versions lack them). */
rl_status rl_run_facts_read_json(const cJSON *root, rl_run_info *in, rl_err *err);

/* Each case's "sampling" (stop reason, noise) into r's cases, read in order
 * after the cases themselves. */
rl_status rl_case_facts_read_json(const cJSON *cases, rl_results *r, rl_err *err);

#endif
