/* rooflab report (internal): roof sets to and from cJSON, shared by
 * results.json and the ceilings file. */
#ifndef RL_ROOF_JSON_H
#define RL_ROOF_JSON_H

#include <cJSON.h>

#include "report/rl_results.h"

/* Add {"memory": [...], "compute": [...]} under key. */
void rl_roof_set_add_json(cJSON *parent, const char *key, const rl_roof_set *set);
/* Read such an object (NULL leaves set empty); a roof outside the plausible
 * range fails. */
rl_status rl_roof_set_read_json(const cJSON *o, rl_roof_set *set, rl_err *err);

#endif
