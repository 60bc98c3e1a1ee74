/* Flags on doubtful numbers (rl_case_flags.h). */
#include "report/rl_case_flags.h"

#include <math.h>
#include <string.h>

#include "report/rl_fusion.h"
#include "report/rl_sbuf.h"

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void noisy(const rl_case_result *c, rl_case_flags *f)
{
    const bool wide = c->time_s.cv > RL_NOISY_CV;
    const bool short_of_target = c->noise_target > 0 && isfinite(c->noise) &&
                                 c->noise > c->noise_target;
    if (!wide && !short_of_target)
        return;
    f->noisy = true;
    char target[96] = "";
    if (c->stop_reason[0])
        snprintf(target, sizeof target, "; median known to +/-%.1f %% (target %.1f %%, stopped by %s)",
                 100 * c->noise, 100 * c->noise_target, c->stop_reason);
    snprintf(f->noisy_why, sizeof f->noisy_why, "noisy: CV %.2f%s%s", c->time_s.cv,
             wide ? " (above 0.10)" : "", target);
}

/* The highest measured roof of the case's precision (compute), or the
 * slowest memory level (what a case streaming past every cache sees). */
static const rl_roof *measured_compute_roof(const rl_results *r, const rl_case_result *c)
{
    const rl_roof_set *m = &r->ceilings.measured;
    const rl_roof *best = NULL;
    for (int i = 0; i < m->compute_count; i++)
        if (strcmp(m->compute[i].name, rl_precision_name(c->precision)) == 0 &&
            (!best || m->compute[i].value > best->value))
            best = &m->compute[i];
    return best;
}

static const rl_roof *measured_memory_floor(const rl_results *r)
{
    const rl_roof_set *m = &r->ceilings.measured;
    const rl_roof *low = NULL;
    for (int i = 0; i < m->memory_count; i++)
        if (!low || m->memory[i].value < low->value)
            low = &m->memory[i];
    return low;
}

static void stale(const rl_results *r, const rl_case_result *c, rl_case_flags *f)
{
    char a[32], b[32];
    const rl_roof *roof = c->flops > 0 ? measured_compute_roof(r, c) : NULL;
    if (roof && c->flop_per_s > roof->value * (1 + RL_ABOVE_ROOF_MARGIN)) {
        rl_format_si(c->flop_per_s, "FLOP/s", a, sizeof a);
        rl_format_si(roof->value, "FLOP/s", b, sizeof b);
        snprintf(f->stale_why, sizeof f->stale_why,
                 "%s is above the measured %s %s roof %s (+%.0f %%): ceilings are stale: re-run "
                 "`rooflab ceilings`",
                 a, roof->name, roof->unit, b, 100 * (c->flop_per_s / roof->value - 1));
        f->above_measured_roof = true;
        return;
    }
    /* only a case that streams past every cache is held to the slowest level */
    roof = rl_case_streams_from_memory(c) ? measured_memory_floor(r) : NULL;
    if (roof && c->byte_per_s > roof->value * (1 + RL_ABOVE_ROOF_MARGIN)) {
        rl_format_si(c->byte_per_s, "B/s", a, sizeof a);
        rl_format_si(roof->value, "B/s", b, sizeof b);
        if (starts_with(roof->source, RL_ROOF_FROM_RUN)) {
            snprintf(f->stale_why, sizeof f->stale_why,
                     "%s is above the %s roof %s that this run's copy/triad stands in for "
                     "(+%.0f %%): it streams faster than copy; `rooflab ceilings` measures the "
                     "roof",
                     a, roof->name, b, 100 * (c->byte_per_s / roof->value - 1));
            f->above_run_roof = true;
            return;
        }
        snprintf(f->stale_why, sizeof f->stale_why,
                 "%s is above the measured %s roof %s (+%.0f %%): ceilings are stale: re-run "
                 "`rooflab ceilings`",
                 a, roof->name, b, 100 * (c->byte_per_s / roof->value - 1));
        f->above_measured_roof = true;
    }
}

/* The datasheet roof the recorded MFU was taken against: the one whose
 * value is the peak it implies, else the case's precision's. */
static const rl_roof *mfu_roof(const rl_results *r, const rl_case_result *c)
{
    const rl_roof_set *d = &r->ceilings.datasheet;
    const double peak = c->flop_per_s / c->predicted.measured_mfu;
    for (int i = 0; i < d->compute_count; i++)
        if (fabs(d->compute[i].value - peak) <= 1e-6 * peak)
            return &d->compute[i];
    for (int i = 0; i < d->compute_count; i++)
        if (strcmp(d->compute[i].name, rl_precision_name(c->precision)) == 0 &&
            strcmp(d->compute[i].unit, "tensor") != 0)
            return &d->compute[i];
    return NULL;
}

/* The measured FMA probe's roof of the same precision and unit. */
static const rl_roof *measured_fma_roof(const rl_results *r, const rl_roof *like)
{
    const rl_roof_set *m = &r->ceilings.measured;
    for (int i = 0; i < m->compute_count; i++)
        if (strcmp(m->compute[i].name, like->name) == 0 &&
            strcmp(m->compute[i].unit, like->unit) == 0)
            return &m->compute[i];
    return NULL;
}

static void mfu(const rl_results *r, const rl_case_result *c, rl_case_flags *f)
{
    if (c->outcome != RL_CASE_OK || !c->predicted.present || !(c->flops > 0) ||
        !(c->predicted.measured_mfu > 0) || !(c->flop_per_s > 0))
        return;
    f->mfu_present = true;
    f->mfu = c->predicted.measured_mfu;
    const rl_roof *roof = mfu_roof(r, c);
    f->estimated_roof = roof && starts_with(roof->source, "estimate");
    const rl_roof *fma = f->estimated_roof ? measured_fma_roof(r, roof) : NULL;
    char a[32];
    if (fma) {
        f->mfu = c->flop_per_s / fma->value;
        f->mfu_vs_measured = true;
        rl_format_si(fma->value, "FLOP/s", a, sizeof a);
        if (c->predicted.measured_mfu > 1.0)
            snprintf(f->mfu_basis, sizeof f->mfu_basis,
                     "MFU %.1f %% against the measured %s %s peak %s (FMA probe); the estimated "
                     "datasheet roof (from the reported clock) would give %.1f %%",
                     100 * f->mfu, fma->name, fma->unit, a, 100 * c->predicted.measured_mfu);
    } else if (f->estimated_roof) {
        snprintf(f->mfu_basis, sizeof f->mfu_basis,
                 "MFU against an estimated peak (%.120s); `rooflab ceilings` measures the FMA peak",
                 roof->source);
    }
    if (!(f->mfu > 1.0))
        return;
    f->mfu_over_100 = true;
    if (f->above_measured_roof)
        snprintf(f->mfu_why, sizeof f->mfu_why,
                 "MFU %.1f %% > 100 %%: the point is above the measured roof (ceilings are stale)",
                 100 * f->mfu);
    else if (fma)
        snprintf(f->mfu_why, sizeof f->mfu_why,
                 "MFU %.1f %% > 100 %%: within %.0f %% of the measured FMA peak, itself the "
                 "median of noisy samples",
                 100 * f->mfu, 100 * RL_ABOVE_ROOF_MARGIN);
    else if (f->estimated_roof)
        snprintf(f->mfu_why, sizeof f->mfu_why,
                 "MFU %.1f %% > 100 %%: the peak is an estimate from the clock the system reports "
                 "(a hypervisor's may be below the real one); measure it: `rooflab ceilings`",
                 100 * f->mfu);
    else
        snprintf(f->mfu_why, sizeof f->mfu_why,
                 "MFU %.1f %% > 100 %%: the device ran above its roof's datasheet peak (clocks "
                 "above the datasheet's, or a roof that is not this op's)",
                 100 * f->mfu);
}

void rl_case_flags_of(const rl_results *r, const rl_case_result *c, rl_case_flags *f)
{
    memset(f, 0, sizeof *f);
    if (c->outcome != RL_CASE_OK)
        return;
    noisy(c, f);
    stale(r, c, f);
    mfu(r, c, f);
}

bool rl_case_flags_any(const rl_case_flags *f)
{
    return f->noisy || f->above_measured_roof || f->above_run_roof || f->mfu_over_100 ||
           f->mfu_basis[0];
}

bool rl_mfu_basis_note(const rl_results *r, char *buf, size_t len)
{
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < r->count; i++) {
        rl_case_flags f;
        rl_case_flags_of(r, &r->cases[i], &f);
        if (!f.mfu_vs_measured)
            continue;
        snprintf(buf, len,
                 "MFU is taken against the measured FMA peak of each precision (`rooflab "
                 "ceilings`): the datasheet compute roofs of this device are estimates from the "
                 "clock the system reports");
        return true;
    }
    return false;
}

void rl_case_flags_print(const rl_results *r, FILE *out)
{
    char note[256];
    if (rl_mfu_basis_note(r, note, sizeof note))
        fprintf(out, "Note: %s.\n", note);
    bool header = false;
    for (size_t i = 0; i < r->count; i++) {
        rl_case_flags f;
        rl_case_flags_of(r, &r->cases[i], &f);
        if (!rl_case_flags_any(&f))
            continue;
        if (!header)
            fprintf(out, "Flags:\n");
        header = true;
        fprintf(out, "  %s\n", r->cases[i].name);
        const char *lines[] = {f.noisy_why, f.stale_why, f.mfu_why, f.mfu_basis};
        for (size_t k = 0; k < sizeof lines / sizeof lines[0]; k++)
            if (lines[k][0])
                fprintf(out, "      %s\n", lines[k]);
    }
}

void rl_case_flags_html(void *buf, const rl_case_flags *f)
{
    rl_sbuf *b = buf;
    const char *lines[] = {f->noisy_why, f->stale_why, f->mfu_why, f->mfu_basis};
    for (size_t k = 0; k < sizeof lines / sizeof lines[0]; k++) {
        if (!lines[k][0])
            continue;
        rl_sbuf_put(b, "<div class=\"why flag\">");
        rl_sbuf_put_xml(b, lines[k]);
        rl_sbuf_put(b, "</div>");
    }
}
