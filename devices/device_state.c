/* The device state's text form, shared by the terminal summary and the
 * report page. */
#include <stdio.h>

#include "devices/rl_device_state.h"

/* "name a -> b unit", "name ? -> b unit" where only one end is known. */
static void add_pair(char *buf, size_t len, size_t *used, const char *name, double a, double b,
                     const char *unit)
{
    if (a < 0 && b < 0)
        return;
    if (*used >= len)
        return;
    char sa[24], sb[24];
    snprintf(sa, sizeof sa, a >= 0 ? "%.0f" : "?", a);
    snprintf(sb, sizeof sb, b >= 0 ? "%.0f" : "?", b);
    const int n = snprintf(buf + *used, len - *used, "%s%s %s -> %s %s", *used ? "; " : "", name,
                           sa, sb, unit);
    if (n > 0)
        *used += (size_t)n < len - *used ? (size_t)n : len - *used - 1;
}

bool rl_device_state_describe(const rl_device_state *start, const rl_device_state *end,
                              char *buf, size_t len)
{
    size_t used = 0;
    if (len == 0)
        return false;
    buf[0] = '\0';
    add_pair(buf, len, &used, "clock", start->sm_clock_mhz, end->sm_clock_mhz, "MHz");
    add_pair(buf, len, &used, "memory clock", start->mem_clock_mhz, end->mem_clock_mhz, "MHz");
    add_pair(buf, len, &used, "power", start->power_draw_w, end->power_draw_w, "W");
    add_pair(buf, len, &used, "power limit", start->power_limit_w, end->power_limit_w, "W");
    add_pair(buf, len, &used, "temperature", start->temperature_c, end->temperature_c, "C");
    return used > 0;
}
