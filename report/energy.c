/* Energy per call of a case, estimated from the power read around it. */
#include <stdio.h>

#include "report/rl_results.h"

void rl_case_energy_estimate(rl_case_result *c, const rl_device_state *before,
                             const rl_device_state *after)
{
    c->energy = (rl_energy_estimate){0};
    if (c->outcome != RL_CASE_OK || !(c->time_s.median > 0) || before->power_draw_w < 0 ||
        after->power_draw_w < 0)
        return;
    rl_energy_estimate *e = &c->energy;
    e->present = true;
    e->power_before_w = before->power_draw_w;
    e->power_after_w = after->power_draw_w;
    e->joule_per_call = 0.5 * (e->power_before_w + e->power_after_w) * c->time_s.median;
    if (e->joule_per_call > 0) {
        e->flop_per_joule = c->flops / e->joule_per_call;
        e->byte_per_joule = c->bytes / e->joule_per_call;
    }
}

bool rl_energy_describe(const rl_case_result *c, char *buf, size_t len)
{
    const rl_energy_estimate *e = &c->energy;
    if (len == 0)
        return false;
    buf[0] = '\0';
    if (!e->present)
        return false;
    /* FLOP/J where the op has FLOPs, else B/J (copy, triad) */
    const bool flops = c->flops > 0;
    snprintf(buf, len, "%.3g mJ per call (power %.2f -> %.2f W), %.3g %s", e->joule_per_call * 1e3,
             e->power_before_w, e->power_after_w,
             (flops ? e->flop_per_joule : e->byte_per_joule) / 1e9, flops ? "GFLOP/J" : "GB/J");
    return true;
}
