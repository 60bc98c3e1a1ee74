/* rooflab devices: the state of a device at one moment (clocks, power,
 * temperature), read by its backend at the start and the end of a run so
 * that a throttled or power-capped run is visible in its results. */
#ifndef RL_DEVICE_STATE_H
#define RL_DEVICE_STATE_H

#include <stdbool.h>
#include <stddef.h>

/* A field the backend cannot read is negative. */
typedef struct rl_device_state {
    double sm_clock_mhz;  /* current core/SM clock */
    double mem_clock_mhz; /* current memory clock */
    double power_limit_w; /* enforced power limit */
    double power_draw_w;  /* current draw */
    double temperature_c;
} rl_device_state;

/* Every field unknown. */
static inline void rl_device_state_unknown(rl_device_state *s)
{
    s->sm_clock_mhz = s->mem_clock_mhz = s->power_limit_w = s->power_draw_w = s->temperature_c =
        -1.0;
}

/* "clock 1980 -> 1755 MHz; power 95 -> 612 W; power limit 700 -> 700 W; ..." for the
 * fields known at start or end; false (and an empty buf) when none is. */
bool rl_device_state_describe(const rl_device_state *start, const rl_device_state *end,
                              char *buf, size_t len);

#endif
