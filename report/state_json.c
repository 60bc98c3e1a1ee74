/* The parts of results.json that say how the device stood: a Jetson's
 * state (mode, pinned clocks, rails, thermal zones) and each case's energy
 * estimate. */
#include <string.h>

#include "report/state_json.h"

#include "report/rl_json_read.h"

/* Numbers read checked plausible (rl_json_read.h); -1 is "unknown". */
#define NUM(o, key, lo, hi, fallback, dst) \
    RL_TRY(rl_json_number(o, key, lo, hi, fallback, &(dst), where, err))

void rl_device_state_add_json(cJSON *parent, const char *key, const rl_device_state *d)
{
    cJSON *o = cJSON_AddObjectToObject(parent, key);
    if (!o)
        return;
    if (d->sm_clock_mhz >= 0)
        cJSON_AddNumberToObject(o, "clock_mhz", d->sm_clock_mhz);
    if (d->mem_clock_mhz >= 0)
        cJSON_AddNumberToObject(o, "memory_clock_mhz", d->mem_clock_mhz);
    if (d->power_draw_w >= 0)
        cJSON_AddNumberToObject(o, "power_w", d->power_draw_w);
    if (d->power_limit_w >= 0)
        cJSON_AddNumberToObject(o, "power_limit_w", d->power_limit_w);
    if (d->temperature_c >= 0)
        cJSON_AddNumberToObject(o, "temperature_c", d->temperature_c);
    if (d->throttle_reasons >= 0)
        cJSON_AddNumberToObject(o, "throttle_reasons", (double)d->throttle_reasons);
    rl_device_state_add_extra_json(o, d);
}

void rl_device_state_add_extra_json(cJSON *o, const rl_device_state *d)
{
    if (d->sm_clock_max_mhz >= 0)
        cJSON_AddNumberToObject(o, "clock_max_mhz", d->sm_clock_max_mhz);
    if (d->sm_clock_min_mhz >= 0)
        cJSON_AddNumberToObject(o, "clock_min_mhz", d->sm_clock_min_mhz);
    if (d->clocks_pinned >= 0)
        cJSON_AddBoolToObject(o, "clocks_pinned", d->clocks_pinned);
    if (d->power_mode[0])
        cJSON_AddStringToObject(o, "power_mode", d->power_mode);
    if (d->rail_count > 0) {
        cJSON *rails = cJSON_AddArrayToObject(o, "rails");
        for (int i = 0; i < d->rail_count; i++) {
            cJSON *r = cJSON_CreateObject();
            cJSON_AddStringToObject(r, "name", d->rails[i].name);
            cJSON_AddNumberToObject(r, "voltage_v", d->rails[i].voltage_v);
            cJSON_AddNumberToObject(r, "current_a", d->rails[i].current_a);
            cJSON_AddNumberToObject(r, "power_w", d->rails[i].power_w);
            cJSON_AddItemToArray(rails, r);
        }
    }
    if (d->zone_count > 0) {
        cJSON *zones = cJSON_AddArrayToObject(o, "thermal_zones");
        for (int i = 0; i < d->zone_count; i++) {
            cJSON *z = cJSON_CreateObject();
            cJSON_AddStringToObject(z, "name", d->zones[i].name);
            cJSON_AddNumberToObject(z, "temperature_c", d->zones[i].temperature_c);
            cJSON_AddItemToArray(zones, z);
        }
    }
}

rl_status rl_device_state_read_extra_json(const cJSON *o, rl_device_state *d, const char *where,
                                          rl_err *err)
{
    NUM(o, "clock_max_mhz", -1, 1e6, -1.0, d->sm_clock_max_mhz);
    NUM(o, "clock_min_mhz", -1, 1e6, -1.0, d->sm_clock_min_mhz);
    const cJSON *pinned = cJSON_GetObjectItemCaseSensitive(o, "clocks_pinned");
    d->clocks_pinned = cJSON_IsBool(pinned) ? cJSON_IsTrue(pinned) : -1;
    d->power_mode[0] = '\0';
    rl_json_string(o, "power_mode", d->power_mode, sizeof d->power_mode);
    d->rail_count = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(o, "rails"))
    {
        if (d->rail_count == RL_STATE_MAX_RAILS)
            break;
        rl_power_rail *r = &d->rails[d->rail_count++];
        r->name[0] = '\0';
        rl_json_string(item, "name", r->name, sizeof r->name);
        NUM(item, "voltage_v", -1, 1e4, -1.0, r->voltage_v);
        NUM(item, "current_a", -1, 1e5, -1.0, r->current_a);
        NUM(item, "power_w", -1, 1e6, -1.0, r->power_w);
    }
    d->zone_count = 0;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(o, "thermal_zones"))
    {
        if (d->zone_count == RL_STATE_MAX_ZONES)
            break;
        rl_thermal_zone *z = &d->zones[d->zone_count++];
        z->name[0] = '\0';
        rl_json_string(item, "name", z->name, sizeof z->name);
        NUM(item, "temperature_c", -300, 1e4, -1.0, z->temperature_c);
    }
    return RL_OK;
}

void rl_energy_add_json(cJSON *o, const rl_energy_estimate *e)
{
    if (!e->present)
        return;
    cJSON *x = cJSON_AddObjectToObject(o, "energy_estimate");
    cJSON_AddStringToObject(x, "method",
                            "mean of the power read before and after the case x median time per "
                            "call; power is not sampled during the case");
    cJSON_AddNumberToObject(x, "power_before_w", e->power_before_w);
    cJSON_AddNumberToObject(x, "power_after_w", e->power_after_w);
    cJSON_AddNumberToObject(x, "joule_per_call", e->joule_per_call);
    cJSON_AddNumberToObject(x, "flop_per_joule", e->flop_per_joule);
    cJSON_AddNumberToObject(x, "byte_per_joule", e->byte_per_joule);
}

rl_status rl_energy_read_json(const cJSON *o, rl_energy_estimate *e, const char *where,
                              rl_err *err)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, "energy_estimate");
    *e = (rl_energy_estimate){0};
    if (!cJSON_IsObject(x))
        return RL_OK;
    e->present = true;
    NUM(x, "power_before_w", -1, 1e6, -1.0, e->power_before_w);
    NUM(x, "power_after_w", -1, 1e6, -1.0, e->power_after_w);
    NUM(x, "joule_per_call", -1, 1e9, -1.0, e->joule_per_call);
    NUM(x, "flop_per_joule", 0, 1e30, 0.0, e->flop_per_joule);
    NUM(x, "byte_per_joule", 0, 1e30, 0.0, e->byte_per_joule);
    return RL_OK;
}
