/* The run's measured facts in results.json (run_facts_json.h). */
#include "report/run_facts_json.h"

#include "report/rl_fusion.h"
#include "report/rl_json_read.h"

void rl_run_facts_add_json(cJSON *root, const rl_results *r)
{
    const rl_run_info *in = &r->info;
    if (in->launch_overhead_s > 0) {
        cJSON *o = cJSON_AddObjectToObject(root, "launch_overhead");
        cJSON_AddNumberToObject(o, "time_s", in->launch_overhead_s);
        cJSON_AddStringToObject(o, "source", in->launch_overhead_source);
    }
    if (in->device_cache_bytes > 0)
        cJSON_AddNumberToObject(root, "device_cache_bytes", in->device_cache_bytes);
    rl_fusion_add_json(root, r);
}

rl_status rl_run_facts_read_json(const cJSON *root, rl_run_info *in, rl_err *err)
{
    const cJSON *launch = cJSON_GetObjectItemCaseSensitive(root, "launch_overhead");
    RL_TRY(rl_json_number(launch, "time_s", 0, RL_PLAUSIBLE_TIME_MAX, 0, &in->launch_overhead_s,
                          "launch_overhead: ", err));
    rl_json_string(launch, "source", in->launch_overhead_source,
                   sizeof in->launch_overhead_source);
    RL_TRY(rl_json_number(root, "device_cache_bytes", 0, RL_PLAUSIBLE_COUNT_MAX, 0,
                          &in->device_cache_bytes, "", err));
    return RL_OK;
}
