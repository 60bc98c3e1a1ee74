/* rooflab report: what makes a case's numbers doubtful, from the results
 * alone (so `rooflab report` says it of any results.json):
 *   noisy        the samples' CV is above RL_NOISY_CV, or sampling stopped
 *                before the median reached its noise target;
 *   stale        the point lies above a measured roof: the ceilings were
 *                measured on a slower machine state, re-run `rooflab ceilings`;
 *   estimated    the compute roof its MFU is judged against comes from an
 *                estimated clock: MFU is then taken against the measured FMA
 *                peak of that precision where there is one, and says so;
 *   MFU > 100 %  never shown without its reason. */
#ifndef RL_CASE_FLAGS_H
#define RL_CASE_FLAGS_H

#include <stdbool.h>
#include <stdio.h>

#include "report/rl_results.h"

/* A point this far above a measured roof is above it, not on it. */
#define RL_ABOVE_ROOF_MARGIN 0.02

typedef struct rl_case_flags {
    bool noisy;
    char noisy_why[200];
    bool above_measured_roof;
    /* above a DRAM roof this run's own copy/triad stands in for (no stored
     * ceilings): not stale ceilings, a stream faster than copy */
    bool above_run_roof;
    char stale_why[240];
    bool estimated_roof; /* the datasheet roof of its MFU is an estimate */
    bool mfu_present;
    double mfu;          /* the MFU to show: against the measured FMA peak when mfu_vs_measured */
    bool mfu_vs_measured;
    /* Said per case only where the estimate would have given over 100 %
     * (the page and summary say once that MFU is against the measured peak). */
    char mfu_basis[240];
    bool mfu_over_100;
    char mfu_why[240];
} rl_case_flags;

void rl_case_flags_of(const rl_results *r, const rl_case_result *c, rl_case_flags *f);
bool rl_case_flags_any(const rl_case_flags *f);

/* "MFU is against the measured FMA peak ...": one sentence for the run when
 * some case's MFU is (false and "" otherwise). */
bool rl_mfu_basis_note(const rl_results *r, char *buf, size_t len);

/* One line per flagged case for the terminal ("Flags:" section). */
void rl_case_flags_print(const rl_results *r, FILE *out);
/* The case's flags as <div class="why"> notes of report.html (b: rl_sbuf). */
void rl_case_flags_html(void *b, const rl_case_flags *f);

#endif
