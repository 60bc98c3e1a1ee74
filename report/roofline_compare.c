/* Two runs on one roofline: cases matched by name, A's point filled, B's
 * hollow, joined by a line; A's roofs, and B's where they differ. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/roofline_internal.h"

static bool same_roof(const rl_roof *x, const rl_roof *y)
{
    return strcmp(x->name, y->name) == 0 && strcmp(x->unit, y->unit) == 0 &&
           fabs(x->value - y->value) <= 1e-9 * fabs(x->value);
}

/* The roofs of `set` that `other` does not have (same name, unit, value). */
static void roofs_not_in(const rl_roof_set *set, const rl_roof_set *other, rl_roof_set *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < set->memory_count; i++) {
        bool found = false;
        for (int k = 0; k < other->memory_count && !found; k++)
            found = same_roof(&set->memory[i], &other->memory[k]);
        if (!found)
            out->memory[out->memory_count++] = set->memory[i];
    }
    for (int i = 0; i < set->compute_count; i++) {
        bool found = false;
        for (int k = 0; k < other->compute_count && !found; k++)
            found = same_roof(&set->compute[i], &other->compute[k]);
        if (!found)
            out->compute[out->compute_count++] = set->compute[i];
    }
}

static double rate_of(const rl_case_result *c)
{
    if (!c || c->outcome != RL_CASE_OK)
        return 0;
    const double v = rl_svg_zero_flop(c) ? c->byte_per_s : c->flop_per_s;
    return v > 0 && isfinite(v) ? v : 0;
}

static const rl_case_result *find_case(const rl_results *r, const char *name)
{
    for (size_t i = 0; i < r->count; i++)
        if (strcmp(r->cases[i].name, name) == 0)
            return &r->cases[i];
    return NULL;
}

static void compare_title(const rl_case_result *a, const rl_case_result *b, const char *la,
                          const char *lb, char *buf, size_t len)
{
    const rl_case_result *c = a ? a : b;
    bool zf = rl_svg_zero_flop(c);
    const char *unit = zf ? "B/s" : "FLOP/s";
    char ra[48], rb[48], ta[32], tb[32];
    rl_format_si(rate_of(a) > 0 ? rate_of(a) : NAN, unit, ra, sizeof ra);
    rl_format_si(rate_of(b) > 0 ? rate_of(b) : NAN, unit, rb, sizeof rb);
    rl_format_time(a && a->outcome == RL_CASE_OK ? a->time_s.median : NAN, ta, sizeof ta);
    rl_format_time(b && b->outcome == RL_CASE_OK ? b->time_s.median : NAN, tb, sizeof tb);
    int n = snprintf(buf, len, "%s\nintensity %.3g FLOP/B\nA (%.300s): %s, median %s\nB (%.300s): %s, median %s",
                     c->name, c->intensity, la, ra, ta, lb, rb, tb);
    if (n > 0 && (size_t)n < len && rate_of(a) > 0 && rate_of(b) > 0) {
        n += snprintf(buf + n, len - (size_t)n, "\nB/A rate %.3g", rate_of(b) / rate_of(a));
        if (n > 0 && (size_t)n < len && a->time_s.median > 0 && b->time_s.median > 0)
            snprintf(buf + n, len - (size_t)n, ", B/A time %.3g",
                     b->time_s.median / a->time_s.median);
    }
}

char *rl_compare_svg_string(const rl_results *a, const rl_results *b, const char *label_a,
                            const char *label_b)
{
    const char *la = label_a ? label_a : a->info.host;
    const char *lb = label_b ? label_b : b->info.host;
    svg_plot *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->pts = calloc(a->count + b->count + 1, sizeof *p->pts);
    if (!p->pts) {
        free(p);
        return NULL;
    }
    snprintf(p->title, sizeof p->title, "Roofline comparison: A = %.250s, B = %.250s", la, lb);
    if (strcmp(a->info.device_description, b->info.device_description) == 0)
        snprintf(p->subtitle, sizeof p->subtitle,
                 "%.120s. Cases matched by name: A filled, B hollow. SI units: 1 GFLOP/s = 1e9 "
                 "FLOP/s.",
                 a->info.device_description[0] ? a->info.device_description : "?");
    else
        snprintf(p->subtitle, sizeof p->subtitle,
                 "A: %.60s, B: %.60s. Cases matched by name. SI units: 1 GFLOP/s = 1e9 FLOP/s.",
                 a->info.device_description[0] ? a->info.device_description : "?",
                 b->info.device_description[0] ? b->info.device_description : "?");
    /* B's roofs where they differ from A's */
    rl_roof_set *b_ds = calloc(2, sizeof *b_ds), *b_ms;
    if (!b_ds) {
        free(p->pts);
        free(p);
        return NULL;
    }
    b_ms = b_ds + 1;
    roofs_not_in(&b->ceilings.datasheet, &a->ceilings.datasheet, b_ds);
    roofs_not_in(&b->ceilings.measured, &a->ceilings.measured, b_ms);
    bool with_b = b_ds->memory_count || b_ds->compute_count || b_ms->memory_count ||
                  b_ms->compute_count;
    p->layers[p->layer_count++] = (svg_layer){&a->ceilings.datasheet, NULL,
                                              with_b ? "A datasheet" : "datasheet", "#4d4d4d", ""};
    p->layers[p->layer_count++] = (svg_layer){&a->ceilings.measured, NULL,
                                              with_b ? "A measured" : "measured", "#1a1a1a", "7 4"};
    if (b_ds->memory_count || b_ds->compute_count)
        p->layers[p->layer_count++] =
            (svg_layer){b_ds, &b->ceilings.datasheet, "B datasheet", "#a0522d", ""};
    if (b_ms->memory_count || b_ms->compute_count)
        p->layers[p->layer_count++] =
            (svg_layer){b_ms, &b->ceilings.measured, "B measured", "#a0522d", "7 4"};
    char fname[300], hname[300];
    snprintf(fname, sizeof fname, "A: %.290s", la);
    snprintf(hname, sizeof hname, "B: %.290s", lb);
    p->filled_name = fname;
    p->hollow_name = hname;
    p->gap_word = "B/A";
    p->present_precisions_only = true;
    for (size_t pass = 0; pass < 2; pass++) {
        const rl_results *r = pass == 0 ? a : b;
        for (size_t i = 0; i < r->count; i++) {
            const rl_case_result *ca = pass == 0 ? &a->cases[i] : find_case(a, b->cases[i].name);
            const rl_case_result *cb = pass == 0 ? find_case(b, a->cases[i].name) : &b->cases[i];
            if (pass == 1 && ca)
                continue; /* matched in the first pass */
            double ya = rate_of(ca), yb = rate_of(cb);
            if (!(ya > 0) && !(yb > 0)) {
                p->not_plotted++;
                continue;
            }
            const rl_case_result *c = ca ? ca : cb;
            svg_point *q = &p->pts[p->n++];
            q->name = c->name;
            q->op = c->op;
            q->prec = c->precision;
            q->layer = -1;
            q->zero_flop = rl_svg_zero_flop(c);
            q->x = c->intensity;
            q->y1 = ya;
            q->y2 = yb;
            q->gap = rl_svg_gap(ya, yb);
            if (ca && ca->predicted.present)
                rl_svg_note_roof_precision(p, ca->predicted.roof);
            if (cb && cb->predicted.present)
                rl_svg_note_roof_precision(p, cb->predicted.roof);
            compare_title(ca, cb, la, lb, q->title, sizeof q->title);
            rl_svg_case_label(c, "B/A ", ya > 0 && yb > 0 ? yb / ya : NAN, q->label,
                              sizeof q->label);
        }
    }
    char *svg = rl_svg_render(p);
    free(b_ds);
    free(p->pts);
    free(p);
    return svg;
}

rl_status rl_compare_svg_write(const rl_results *a, const rl_results *b, const char *label_a,
                               const char *label_b, const char *path, rl_err *err)
{
    return rl_svg_write_text(path, rl_compare_svg_string(a, b, label_a, label_b), err);
}
