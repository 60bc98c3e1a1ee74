/* rooflab report (internal): the device-state extras of a Jetson and the
 * per-case energy estimate, to and from results.json. */
#ifndef RL_STATE_JSON_H
#define RL_STATE_JSON_H

#include <cJSON.h>

#include "report/rl_results.h"

/* parent[key] = {clock_mhz, memory_clock_mhz, power_w, power_limit_w,
 * temperature_c, throttle_reasons, then the extras below}: the fields the
 * backend could read; unknown ones are left out. The one writer of a device
 * state, for results.json and stragglers.json alike. */
void rl_device_state_add_json(cJSON *parent, const char *key, const rl_device_state *d);

/* clock_max_mhz, clock_min_mhz, clocks_pinned, power_mode, rails[],
 * thermal_zones[]: the fields known, added to a device_state object. */
void rl_device_state_add_extra_json(cJSON *o, const rl_device_state *d);
/* Reading checks every number plausible; `where` starts the message. */
rl_status rl_device_state_read_extra_json(const cJSON *o, rl_device_state *d, const char *where,
                                          rl_err *err);

/* "energy_estimate": {...} of a case, when present. */
void rl_energy_add_json(cJSON *case_object, const rl_energy_estimate *e);
rl_status rl_energy_read_json(const cJSON *case_object, rl_energy_estimate *e, const char *where,
                              rl_err *err);

#endif
