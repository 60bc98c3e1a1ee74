/* The device state's text form, shared by the terminal summary and the
 * report page. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "devices/rl_device_state.h"

/* printf onto the end of buf; a full buffer is cut, never overrun. */
static void put(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
    if (*used + 1 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(buf + *used, len - *used, fmt, ap);
    va_end(ap);
    if (n > 0)
        *used += (size_t)n < len - *used ? (size_t)n : len - *used - 1;
}

/* "name a -> b unit", "name ? -> b unit" where only one end is known. */
static void add_pair(char *buf, size_t len, size_t *used, const char *name, double a, double b,
                     const char *unit)
{
    if (a < 0 && b < 0)
        return;
    char sa[24], sb[24];
    snprintf(sa, sizeof sa, a >= 0 ? "%.0f" : "?", a);
    snprintf(sb, sizeof sb, b >= 0 ? "%.0f" : "?", b);
    put(buf, len, used, "%s%s %s -> %s %s", *used ? "; " : "", name, sa, sb, unit);
}

static const rl_power_rail *rail_named(const rl_device_state *s, const char *name)
{
    for (int i = 0; i < s->rail_count; i++)
        if (strcmp(s->rails[i].name, name) == 0)
            return &s->rails[i];
    return NULL;
}

static const rl_thermal_zone *zone_named(const rl_device_state *s, const char *name)
{
    for (int i = 0; i < s->zone_count; i++)
        if (strcmp(s->zones[i].name, name) == 0)
            return &s->zones[i];
    return NULL;
}

static double lowest(double a, double b)
{
    if (a < 0)
        return b;
    if (b < 0)
        return a;
    return a < b ? a : b;
}

static double highest(double a, double b)
{
    return a > b ? a : b; /* unknown is negative */
}

void rl_device_state_worst(rl_device_state *worst, const rl_device_state *s)
{
    worst->sm_clock_mhz = lowest(worst->sm_clock_mhz, s->sm_clock_mhz);
    worst->mem_clock_mhz = lowest(worst->mem_clock_mhz, s->mem_clock_mhz);
    worst->power_limit_w = lowest(worst->power_limit_w, s->power_limit_w);
    worst->power_draw_w = highest(worst->power_draw_w, s->power_draw_w);
    worst->temperature_c = highest(worst->temperature_c, s->temperature_c);
    if (s->throttle_reasons >= 0)
        worst->throttle_reasons =
            (worst->throttle_reasons >= 0 ? worst->throttle_reasons : 0) | s->throttle_reasons;
}

const char *rl_device_state_throttle(const rl_device_state *s)
{
    if (s->throttle_reasons < 0)
        return NULL;
    const long long r = s->throttle_reasons;
    const bool power = r & (RL_THROTTLE_SW_POWER_CAP | RL_THROTTLE_HW_POWER_BRAKE |
                            RL_THROTTLE_HW_SLOWDOWN);
    const bool thermal = r & (RL_THROTTLE_SW_THERMAL | RL_THROTTLE_HW_THERMAL |
                              RL_THROTTLE_HW_SLOWDOWN);
    if (power && thermal)
        return "power and thermal";
    return power ? "power" : thermal ? "thermal" : NULL;
}

bool rl_device_state_describe(const rl_device_state *start, const rl_device_state *end,
                              char *buf, size_t len)
{
    size_t used = 0;
    if (len == 0)
        return false;
    buf[0] = '\0';
    if (start->power_mode[0] || end->power_mode[0]) {
        if (strcmp(start->power_mode, end->power_mode) == 0)
            put(buf, len, &used, "mode %s", end->power_mode);
        else
            put(buf, len, &used, "mode %s -> %s", start->power_mode[0] ? start->power_mode : "?",
                end->power_mode[0] ? end->power_mode : "?");
    }
    if (start->clocks_pinned >= 0 || end->clocks_pinned >= 0) {
        const int pinned = end->clocks_pinned >= 0 ? end->clocks_pinned : start->clocks_pinned;
        put(buf, len, &used, "%sGPU clocks %s", used ? "; " : "",
            pinned ? "pinned (min = max)" : "not pinned (run 'sudo jetson_clocks')");
    }
    add_pair(buf, len, &used, "clock", start->sm_clock_mhz, end->sm_clock_mhz, "MHz");
    add_pair(buf, len, &used, "max clock", start->sm_clock_max_mhz, end->sm_clock_max_mhz,
             "MHz");
    add_pair(buf, len, &used, "memory clock", start->mem_clock_mhz, end->mem_clock_mhz, "MHz");
    add_pair(buf, len, &used, "power", start->power_draw_w, end->power_draw_w, "W");
    add_pair(buf, len, &used, "power limit", start->power_limit_w, end->power_limit_w, "W");
    add_pair(buf, len, &used, "temperature", start->temperature_c, end->temperature_c, "C");
    /* The rails and zones of the end state, each beside its start value. */
    for (int i = 0; i < end->rail_count; i++) {
        const rl_power_rail *b = &end->rails[i], *a = rail_named(start, b->name);
        char sa[24];
        snprintf(sa, sizeof sa, a ? "%.2f" : "?", a ? a->power_w : 0.0);
        put(buf, len, &used, "%s%s %s -> %.2f W", used ? "; " : "", b->name, sa, b->power_w);
    }
    for (int i = 0; i < end->zone_count; i++) {
        const rl_thermal_zone *b = &end->zones[i], *a = zone_named(start, b->name);
        char sa[24];
        snprintf(sa, sizeof sa, a ? "%.1f" : "?", a ? a->temperature_c : 0.0);
        put(buf, len, &used, "%s%s %s -> %.1f C", used ? "; " : "", b->name, sa,
            b->temperature_c);
    }
    return used > 0;
}
