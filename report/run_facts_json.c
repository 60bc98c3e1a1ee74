/* The run's measured facts in results.json (run_facts_json.h). */
#include "report/run_facts_json.h"

#include <math.h>
#include <stdio.h>

#include "report/rl_case_flags.h"
#include "report/rl_fusion.h"
#include "report/rl_json_read.h"

static void add_load(cJSON *o, const char *key, const double load[3])
{
    cJSON *a = cJSON_AddArrayToObject(o, key);
    for (int i = 0; i < 3; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(load[i]));
}

/* Each case's stopping rule and flags, added to its object in "cases". */
static void add_case_facts(cJSON *o, const rl_results *r, const rl_case_result *c)
{
    if (c->stop_reason[0]) {
        cJSON *s = cJSON_AddObjectToObject(o, "sampling");
        cJSON_AddStringToObject(s, "stop_reason", c->stop_reason);
        if (isfinite(c->noise))
            cJSON_AddNumberToObject(s, "noise", c->noise);
        else
            cJSON_AddNullToObject(s, "noise");
        cJSON_AddNumberToObject(s, "noise_target", c->noise_target);
        cJSON_AddNumberToObject(s, "repetitions", c->repetitions);
    }
    rl_case_flags f;
    rl_case_flags_of(r, c, &f);
    if (!rl_case_flags_any(&f))
        return;
    cJSON *flags = cJSON_AddObjectToObject(o, "flags");
    if (f.noisy)
        cJSON_AddStringToObject(flags, "noisy", f.noisy_why);
    if (f.above_measured_roof)
        cJSON_AddStringToObject(flags, "ceilings_stale", f.stale_why);
    if (f.above_run_roof)
        cJSON_AddStringToObject(flags, "above_run_roof", f.stale_why);
    if (f.mfu_vs_measured)
        cJSON_AddNumberToObject(flags, "mfu_vs_measured_fma_peak", f.mfu);
    if (f.mfu_basis[0])
        cJSON_AddStringToObject(flags, "mfu_basis", f.mfu_basis);
    if (f.mfu_over_100)
        cJSON_AddStringToObject(flags, "mfu_over_100", f.mfu_why);
}

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
    if (in->load_read) {
        cJSON *o = cJSON_AddObjectToObject(root, "load_average");
        add_load(o, "start", in->load_start);
        add_load(o, "end", in->load_end);
    }
    cJSON *cases = cJSON_GetObjectItemCaseSensitive(root, "cases");
    size_t i = 0;
    for (cJSON *o = cases ? cases->child : NULL; o && i < r->count; o = o->next, i++)
        add_case_facts(o, r, &r->cases[i]);
    rl_fusion_add_json(root, r);
}

static rl_status read_load(const cJSON *o, const char *key, double load[3], rl_err *err)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != 3)
        return rl_fail(err, RL_ERR_INVALID, "load_average: \"%s\" is not 3 numbers", key);
    for (int i = 0; i < 3; i++) {
        const cJSON *v = cJSON_GetArrayItem(a, i);
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0 ||
            v->valuedouble > 1e6)
            return rl_fail(err, RL_ERR_INVALID, "load_average: \"%s\" is not 3 numbers", key);
        load[i] = v->valuedouble;
    }
    return RL_OK;
}

rl_status rl_case_facts_read_json(const cJSON *cases, rl_results *r, rl_err *err)
{
    size_t i = 0;
    for (const cJSON *o = cases ? cases->child : NULL; o && i < r->count; o = o->next, i++) {
        rl_case_result *c = &r->cases[i];
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "sampling");
        if (!cJSON_IsObject(s))
            continue;
        char where[48];
        snprintf(where, sizeof where, "case %zu: sampling: ", i);
        rl_json_string(s, "stop_reason", c->stop_reason, sizeof c->stop_reason);
        RL_TRY(rl_json_number(s, "noise", 0, RL_PLAUSIBLE_RATIO_MAX, INFINITY, &c->noise, where,
                              err));
        RL_TRY(rl_json_number(s, "noise_target", 0, 1, 0, &c->noise_target, where, err));
        int64_t reps;
        RL_TRY(rl_json_int(s, "repetitions", 0, 1 << 24, 0, &reps, where, err));
        c->repetitions = (int)reps;
    }
    return RL_OK;
}

rl_status rl_run_facts_read_json(const cJSON *root, rl_run_info *in, rl_err *err)
{
    const cJSON *launch = cJSON_GetObjectItemCaseSensitive(root, "launch_overhead");
    RL_TRY(rl_json_number(launch, "time_s", 0, RL_PLAUSIBLE_TIME_MAX, 0, &in->launch_overhead_s,
                          "launch_overhead: ", err));
    rl_json_string(launch, "source", in->launch_overhead_source,
                   sizeof in->launch_overhead_source);
    /* the variables that steer the run (OPENBLAS_CORETYPE, OMP_*): the notes cite them */
    const cJSON *env = cJSON_GetObjectItemCaseSensitive(root, "environment");
    in->env_count = 0;
    for (const cJSON *v = cJSON_IsObject(env) ? env->child : NULL; v && in->env_count < RL_MAX_ENV;
         v = v->next) {
        char key[64], value[96];
        rl_clean_text(v->string ? v->string : "", key, sizeof key);
        rl_clean_text(cJSON_IsString(v) ? v->valuestring : "", value, sizeof value);
        if (key[0])
            snprintf(in->env[in->env_count++], sizeof in->env[0], "%s=%s", key, value);
    }
    const cJSON *load = cJSON_GetObjectItemCaseSensitive(root, "load_average");
    in->load_read = cJSON_IsObject(load);
    if (in->load_read) {
        RL_TRY(read_load(load, "start", in->load_start, err));
        RL_TRY(read_load(load, "end", in->load_end, err));
    }
    RL_TRY(rl_json_number(root, "device_cache_bytes", 0, RL_PLAUSIBLE_COUNT_MAX, 0,
                          &in->device_cache_bytes, "", err));
    return RL_OK;
}
