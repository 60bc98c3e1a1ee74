/* The terminal summary: one line per case. */
#include <stdio.h>

#include "report/rl_summary.h"

void rl_summary_print(const rl_results *r, FILE *out)
{
    fprintf(out, "\n%s on %s (%s), %s suite, %s\n", r->info.host, r->info.device,
                 r->info.device_description, r->info.suite,
                 r->complete ? "complete" : "partial");
    fprintf(out, "Units: SI (GB/s = 1e9 B/s, GFLOP/s = 1e9 FLOP/s); time is the median of the "
                 "samples, spread p10..p90.\n");
    fprintf(out, "%-52s %9s %10s %17s %10s %9s  %s\n", "case", "FLOP/B", "median ms",
            "p10..p90 ms", "GFLOP/s", "GB/s", "validation");
    for (size_t i = 0; i < r->count; i++) {
        const rl_case_result *c = &r->cases[i];
        char check[48];
        if (c->validation.checked)
            snprintf(check, sizeof check, "%s (err %.1e <= %.1e)",
                     c->validation.passed ? "pass" : "FAIL", c->validation.max_rel_err,
                     c->validation.tolerance);
        else
            snprintf(check, sizeof check, "not checked");
        if (c->outcome == RL_CASE_OK) {
            char spread[32];
            snprintf(spread, sizeof spread, "%.3f..%.3f", c->time_s.p10 * 1e3,
                     c->time_s.p90 * 1e3);
            fprintf(out, "%-52s %9.3g %10.3f %17s %10.2f %9.2f  %s\n", c->name, c->intensity,
                    c->time_s.median * 1e3, spread, c->flop_per_s / 1e9, c->byte_per_s / 1e9,
                    check);
        } else {
            fprintf(out, "%-52s %9.3g %10s %17s %10s %9s  %s: %s\n", c->name, c->intensity, "-",
                    "-", "-", "-", rl_case_outcome_name(c->outcome), c->message);
        }
    }
}
