#include "report/rl_stragglers.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "report/state_json.h"

/* A case's ratio for host h: its rate over the median, when it ran there and
 * at least one other host ran it too (one host alone has nothing to lag). */
static bool case_ratio(const rl_merge_row *r, size_t h, double *ratio)
{
    if (r->hosts_with < 2 || !(r->rates[h] > 0) || !(r->median > 0))
        return false;
    *ratio = r->rates[h] / r->median;
    return true;
}

size_t rl_merge_stragglers(const rl_merge *m, rl_straggler *out)
{
    size_t count = 0;
    for (size_t h = 0; h < m->host_count; h++) {
        rl_straggler s = {.host = h, .worst_ratio = 1.0};
        for (size_t i = 0; i < m->count; i++) {
            double ratio;
            if (!case_ratio(&m->rows[i], h, &ratio))
                continue;
            s.compared++;
            if (ratio < RL_MERGE_SLOW_FRACTION)
                s.lagging++;
            if (ratio < s.worst_ratio) {
                s.worst_ratio = ratio;
                snprintf(s.worst_case, sizeof s.worst_case, "%s", m->rows[i].name);
            }
        }
        if (s.lagging)
            out[count++] = s;
    }
    return count;
}

/* "SM 1410 MHz, memory 2619 MHz, 312/700 W, 64 C": the fields known. */
static void describe_state(const rl_run_info *in, char *buf, size_t len)
{
    if (!in->device_state_read) {
        snprintf(buf, len, "device state not recorded");
        return;
    }
    const rl_device_state *d = &in->device_end;
    size_t used = 0;
    int w = snprintf(buf, len, "at the end of its run:");
    used = w > 0 ? (size_t)w : 0;
#define ADD(cond, ...)                                                                             \
    do {                                                                                           \
        if ((cond) && used < len) {                                                                \
            w = snprintf(buf + used, len - used, __VA_ARGS__);                                     \
            used += w > 0 ? (size_t)w : 0;                                                         \
        }                                                                                          \
    } while (0)
    ADD(d->sm_clock_mhz >= 0, " SM clock %.0f MHz", d->sm_clock_mhz);
    ADD(d->mem_clock_mhz >= 0, ", memory clock %.0f MHz", d->mem_clock_mhz);
    ADD(d->power_draw_w >= 0, ", power %.0f W", d->power_draw_w);
    ADD(d->power_limit_w >= 0, " of a %.0f W limit", d->power_limit_w);
    ADD(d->temperature_c >= 0, ", %.0f C", d->temperature_c);
    ADD(d->power_mode[0], ", power mode %s", d->power_mode);
#undef ADD
}

void rl_stragglers_print(const rl_merge *m, const rl_straggler *s, size_t count,
                         const rl_results *runs, FILE *out)
{
    if (count == 0) {
        fprintf(out, "\nStragglers: none (no host below %.0f %% of a case's median)\n",
                100 * RL_MERGE_SLOW_FRACTION);
        return;
    }
    fprintf(out, "\nStragglers (below %.0f %% of a case's median across hosts):\n",
            100 * RL_MERGE_SLOW_FRACTION);
    for (size_t k = 0; k < count; k++) {
        char state[256];
        describe_state(&runs[s[k].host].info, state, sizeof state);
        fprintf(out, "  %s (%s): %zu of %zu cases lag, worst %.2fx the median on %s; %s\n",
                m->hosts[s[k].host], runs[s[k].host].info.device, s[k].lagging, s[k].compared,
                s[k].worst_ratio, s[k].worst_case, state);
    }
}

char *rl_stragglers_json(const rl_merge *m, const rl_straggler *s, size_t count,
                         const rl_results *runs)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "schema", "rooflab.stragglers/1");
    cJSON_AddNumberToObject(root, "slow_fraction", RL_MERGE_SLOW_FRACTION);
    cJSON *list = cJSON_AddArrayToObject(root, "stragglers");
    for (size_t k = 0; k < count; k++) {
        const size_t h = s[k].host;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "host", m->hosts[h]);
        cJSON_AddStringToObject(o, "device", runs[h].info.device);
        cJSON_AddNumberToObject(o, "lagging", (double)s[k].lagging);
        cJSON_AddNumberToObject(o, "compared", (double)s[k].compared);
        cJSON_AddNumberToObject(o, "worst_ratio", s[k].worst_ratio);
        cJSON_AddStringToObject(o, "worst_case", s[k].worst_case);
        cJSON *cases = cJSON_AddArrayToObject(o, "lagging_cases");
        for (size_t i = 0; i < m->count; i++) {
            double ratio;
            if (!case_ratio(&m->rows[i], h, &ratio) || !(ratio < RL_MERGE_SLOW_FRACTION))
                continue;
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "name", m->rows[i].name);
            cJSON_AddNumberToObject(c, "ratio", ratio);
            cJSON_AddItemToArray(cases, c);
        }
        if (runs[h].info.device_state_read) {
            cJSON *state = cJSON_AddObjectToObject(o, "device_state");
            rl_device_state_add_json(state, "start", &runs[h].info.device_start);
            rl_device_state_add_json(state, "end", &runs[h].info.device_end);
        } else {
            cJSON_AddNullToObject(o, "device_state");
        }
        cJSON_AddItemToArray(list, o);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}
