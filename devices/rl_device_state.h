/* rooflab devices: the state of a device at one moment (clocks, power,
 * temperature), read by its backend at the start and the end of a run so
 * that a throttled or power-capped run is visible in its results. */
#ifndef RL_DEVICE_STATE_H
#define RL_DEVICE_STATE_H

#include <stdbool.h>
#include <stddef.h>

#define RL_STATE_MAX_RAILS 8
#define RL_STATE_MAX_ZONES 16

/* One power monitor channel (a Jetson's INA3221 rails). */
typedef struct rl_power_rail {
    char name[32]; /* "VDD_IN", "VDD_CPU_GPU_CV", "VDD_SOC" */
    double voltage_v, current_a, power_w;
} rl_power_rail;

typedef struct rl_thermal_zone {
    char name[32]; /* "gpu-thermal", "tj-thermal" */
    double temperature_c;
} rl_thermal_zone;

/* A field the backend cannot read is negative (counts: 0; text: ""). */
typedef struct rl_device_state {
    double sm_clock_mhz;  /* current core/SM clock */
    double mem_clock_mhz; /* current memory clock (a Jetson: EMC) */
    double power_limit_w; /* enforced power limit */
    double power_draw_w;  /* current draw (a Jetson: the VDD_IN rail, the whole module) */
    double temperature_c; /* the GPU's (a Jetson: the gpu-thermal zone) */
    /* What a Jetson keeps in sysfs (devices/jetson_state.c); unknown elsewhere. */
    double sm_clock_max_mhz, sm_clock_min_mhz; /* GPU devfreq max_freq, min_freq */
    int clocks_pinned;                         /* 1: min == max (jetson_clocks); -1 unknown */
    char power_mode[32];                       /* nvpmodel mode name */
    int rail_count;
    rl_power_rail rails[RL_STATE_MAX_RAILS];
    int zone_count;
    rl_thermal_zone zones[RL_STATE_MAX_ZONES];
    /* NVML's clocks-event ("throttle") reasons, a bitmask of the
     * RL_THROTTLE_* bits; negative where unknown (no NVML: Jetson, CPU). */
    long long throttle_reasons;
} rl_device_state;

/* The bits of NVML's nvmlClocksEventReason* / nvmlClocksThrottleReason*. */
#define RL_THROTTLE_GPU_IDLE 0x1ll
#define RL_THROTTLE_SW_POWER_CAP 0x4ll
#define RL_THROTTLE_HW_SLOWDOWN 0x8ll
#define RL_THROTTLE_SW_THERMAL 0x20ll
#define RL_THROTTLE_HW_THERMAL 0x40ll
#define RL_THROTTLE_HW_POWER_BRAKE 0x80ll

/* Every field unknown. */
static inline void rl_device_state_unknown(rl_device_state *s)
{
    s->sm_clock_mhz = s->mem_clock_mhz = s->power_limit_w = s->power_draw_w = s->temperature_c =
        -1.0;
    s->sm_clock_max_mhz = s->sm_clock_min_mhz = -1.0;
    s->clocks_pinned = -1;
    s->power_mode[0] = '\0';
    s->rail_count = s->zone_count = 0;
    s->throttle_reasons = -1;
}

/* Fold reading s into worst: the lowest clocks and power limit, the highest
 * draw and temperature, every throttle reason seen. Unknown fields of
 * either side do not count. */
void rl_device_state_worst(rl_device_state *worst, const rl_device_state *s);

/* "power", "thermal", "power and thermal" when the reasons say the clocks
 * were held down by power or heat (hardware slowdown counts as both);
 * NULL otherwise or when unknown. */
const char *rl_device_state_throttle(const rl_device_state *s);

/* "clock 1980 -> 1755 MHz; power 95 -> 612 W; power limit 700 -> 700 W; ..." for the
 * fields known at start or end; false (and an empty buf) when none is. */
bool rl_device_state_describe(const rl_device_state *start, const rl_device_state *end,
                              char *buf, size_t len);

/* A Jetson's state from the files under root ("/" normally; fixtures in
 * tests): GPU devfreq clocks (and whether jetson_clocks pinned them), the
 * EMC clock, the INA3221 rails, the thermal zones and the nvpmodel mode.
 * Fields it cannot read are left as they were, so it can complete what a
 * backend read. False when root holds no Jetson. */
bool rl_jetson_state_read(const char *root, rl_device_state *out);

#endif
