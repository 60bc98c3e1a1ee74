/* The terminal summary: the roofs used, then one line per case with its
 * measured rate beside the roofline's prediction, so a headless node needs
 * no browser. */
#include <stdio.h>

#include "report/rl_case_flags.h"
#include "report/rl_fusion.h"
#include "report/rl_report.h"
#include "report/rl_summary.h"

static void print_roofs(const char *kind, const rl_roof_set *set, FILE *out)
{
    for (int i = 0; i < set->memory_count; i++)
        fprintf(out, "  %-9s %-5s %-7s %12.2f GB/s      %s\n", kind, set->memory[i].name, "",
                set->memory[i].value / 1e9, set->memory[i].source);
    for (int i = 0; i < set->compute_count; i++)
        fprintf(out, "  %-9s %-5s %-7s %12.2f GFLOP/s   %s\n", kind, set->compute[i].name,
                set->compute[i].unit, set->compute[i].value / 1e9, set->compute[i].source);
}

void rl_summary_print_findings(const rl_results *r, FILE *out)
{
    rl_fusion_print(r, out);
    rl_case_flags_print(r, out);
    bool why_header = false;
    for (size_t i = 0; i < r->count; i++) {
        char why[320];
        if (!rl_case_why(r, &r->cases[i], why, sizeof why))
            continue;
        if (!why_header)
            fprintf(out, "Why (cases below half their prediction):\n");
        why_header = true;
        fprintf(out, "  %s\n      %s\n", r->cases[i].name, why);
    }
}

void rl_summary_print(const rl_results *r, FILE *out)
{
    fprintf(out, "\n%s on %s (%s), %s suite, %s\n", r->info.host, r->info.device,
            r->info.device_description, r->info.suite, r->complete ? "complete" : "partial");
    fprintf(out, "Units: SI (GB/s = 1e9 B/s, GFLOP/s = 1e9 FLOP/s); time is the median of the "
                 "samples, spread p10..p90.\n");
    char state[1024];
    if (r->info.device_state_read &&
        rl_device_state_describe(&r->info.device_start, &r->info.device_end, state,
                                 sizeof state))
        fprintf(out, "Device state, first case -> last: %s\n", state);
    if (r->info.load_read)
        fprintf(out, "Load average (1, 5, 15 min): %.2f %.2f %.2f at the start, %.2f %.2f %.2f at "
                     "the end, on %d hardware threads%s\n",
                r->info.load_start[0], r->info.load_start[1], r->info.load_start[2],
                r->info.load_end[0], r->info.load_end[1], r->info.load_end[2], r->info.cpu.pus,
                r->info.cpu.pus > 0 && (r->info.load_start[0] > r->info.cpu.pus ||
                                        r->info.load_end[0] > r->info.cpu.pus)
                    ? ": the machine was busy, times are not the device's alone"
                    : "");
    const rl_ceilings *c = &r->ceilings;
    if (c->datasheet.memory_count + c->datasheet.compute_count + c->measured.memory_count +
            c->measured.compute_count >
        0) {
        fprintf(out, "Roofs:\n");
        print_roofs("datasheet", &c->datasheet, out);
        print_roofs("measured", &c->measured, out);
    }
    fprintf(out, "%-52s %8s %10s %17s %10s %9s %7s %-8s  %s\n", "case", "FLOP/B", "median ms",
            "p10..p90 ms", "GFLOP/s", "GB/s", "of roof", "bound", "validation");
    for (size_t i = 0; i < r->count; i++) {
        const rl_case_result *k = &r->cases[i];
        char check[48];
        if (k->validation.checked)
            snprintf(check, sizeof check, "%s (err %.1e <= %.1e)",
                     k->validation.passed ? "pass" : "FAIL", k->validation.max_rel_err,
                     k->validation.tolerance);
        else
            snprintf(check, sizeof check, "not checked");
        if (k->outcome == RL_CASE_OK) {
            char spread[32], of_roof[16];
            snprintf(spread, sizeof spread, "%.3f..%.3f", k->time_s.p10 * 1e3,
                     k->time_s.p90 * 1e3);
            /* measured / attainable, as a time ratio so copy (0 FLOPs) has one too */
            if (k->predicted.present && k->time_s.median > 0)
                snprintf(of_roof, sizeof of_roof, "%.0f%%",
                         100.0 * k->predicted.time_s / k->time_s.median);
            else
                snprintf(of_roof, sizeof of_roof, "-");
            fprintf(out, "%-52s %8.3g %10.3f %17s %10.2f %9.2f %7s %-8s  %s\n", k->name,
                    k->intensity, k->time_s.median * 1e3, spread, k->flop_per_s / 1e9,
                    k->byte_per_s / 1e9, of_roof, k->predicted.present ? k->predicted.bound : "-",
                    check);
        } else {
            fprintf(out, "%-52s %8.3g %10s %17s %10s %9s %7s %-8s  %s: %s\n", k->name,
                    k->intensity, "-", "-", "-", "-", "-", "-", rl_case_outcome_name(k->outcome),
                    k->message);
        }
    }
    rl_summary_print_findings(r, out);
    bool energy_header = false;
    for (size_t i = 0; i < r->count; i++) {
        char energy[160];
        if (!rl_energy_describe(&r->cases[i], energy, sizeof energy))
            continue;
        if (!energy_header)
            fprintf(out, "Energy per call (estimate: mean of the power before and after the "
                         "case x median time):\n");
        energy_header = true;
        fprintf(out, "  %-52s %s\n", r->cases[i].name, energy);
    }
}
