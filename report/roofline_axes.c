/* Scales and axes: what can be plotted, the log-log ranges, the plot box
 * (one decade is as many pixels across as up, so a memory roof always
 * climbs at 45 degrees and pictures of different runs compare by eye), the
 * frame, grid, ticks and axis titles. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/roofline_internal.h"

double rl_svg_px(const svg_plot *p, double lx)
{
    return p->bx0 + (lx - p->lx0) / (p->lx1 - p->lx0) * (p->bx1 - p->bx0);
}

double rl_svg_py(const svg_plot *p, double ly)
{
    return p->by1 - (ly - p->ly0) / (p->ly1 - p->ly0) * (p->by1 - p->by0);
}

bool rl_svg_inside_plot(const svg_plot *p, svg_box b)
{
    return b.x0 >= p->bx0 + 2 && b.x1 <= p->bx1 - 2 && b.y0 >= p->by0 + 2 && b.y1 <= p->by1 - 2;
}

bool rl_svg_in_y(const svg_plot *p, double v)
{
    return v > 0 && isfinite(v) && log10(v) >= p->ly0 && log10(v) <= p->ly1;
}

bool rl_svg_in_x(const svg_plot *p, double v)
{
    return v > 0 && isfinite(v) && log10(v) >= p->lx0 && log10(v) <= p->lx1;
}

double rl_svg_top_value(const rl_roof *roofs, int n)
{
    double top = 0;
    for (int i = 0; i < n; i++)
        if (roofs[i].value > top && isfinite(roofs[i].value))
            top = roofs[i].value;
    return top;
}

/* ---- plottable values -------------------------------------------------------- */

/* Only values in [PLOT_MIN, PLOT_MAX] are drawn (rates, bandwidths and
 * intensities alike) and an axis spans at most MAX_DECADES: a subnormal or
 * astronomic number from a hostile file cannot stretch an axis over hundreds
 * of decades or reach the document as inf. */
#define PLOT_MIN 1e-6
#define PLOT_MAX 1e24
#define MAX_DECADES 18

static bool plottable(double v)
{
    return v >= PLOT_MIN && v <= PLOT_MAX; /* false for NaN */
}

/* The precision a roof name starts with ("fp16" of "fp16 tensor"). */
static bool name_precision(const char *name, rl_precision *out)
{
    char first[24];
    snprintf(first, sizeof first, "%s", name);
    first[strcspn(first, " ")] = 0;
    rl_err err;
    return first[0] && rl_precision_parse(first, out, &err) == RL_OK;
}

void rl_svg_note_roof_precision(svg_plot *p, const char *roof_name)
{
    rl_precision pr;
    if (roof_name && name_precision(roof_name, &pr))
        p->roof_precisions[pr] = true;
}

static void keep_drawable(const rl_roof_set *in, const bool *precisions, rl_roof_set *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < in->memory_count && i < RL_MAX_ROOFS; i++)
        if (plottable(in->memory[i].value))
            out->memory[out->memory_count++] = in->memory[i];
    for (int i = 0; i < in->compute_count && i < RL_MAX_ROOFS; i++) {
        rl_precision pr;
        if (!plottable(in->compute[i].value))
            continue;
        if (precisions && name_precision(in->compute[i].name, &pr) && !precisions[pr])
            continue;
        out->compute[out->compute_count++] = in->compute[i];
    }
}

/* Drop what cannot be drawn: roofs, intensities and rates out of range,
 * and (when asked) the compute roofs of precisions no point uses. */
static void keep_drawable_only(svg_plot *p)
{
    bool present[RL_PREC_COUNT] = {0}, any = false;
    for (size_t i = 0; i < p->n; i++)
        if ((unsigned)p->pts[i].prec < RL_PREC_COUNT)
            present[p->pts[i].prec] = any = true;
    for (int i = 0; i < RL_PREC_COUNT; i++)
        present[i] |= p->roof_precisions[i];
    const bool *filter = p->present_precisions_only && any ? present : NULL;
    for (int l = 0; l < p->layer_count; l++) {
        svg_layer *ly = &p->layers[l];
        keep_drawable(ly->set, filter, &p->kept[l][0]);
        ly->set = &p->kept[l][0];
        if (ly->extent) {
            /* the extent keeps every precision: it ends the lines as the set does */
            keep_drawable(ly->extent, NULL, &p->kept[l][1]);
            ly->extent = &p->kept[l][1];
        }
    }
    for (size_t i = 0; i < p->n; i++) {
        svg_point *q = &p->pts[i];
        if (!plottable(q->x))
            q->x = 0;
        if (!plottable(q->y1))
            q->y1 = 0;
        if (!plottable(q->y2))
            q->y2 = 0;
    }
}

/* ---- axis ranges ---------------------------------------------------------------- */

void rl_svg_widen(svg_range *r, double v)
{
    if (!(v > 0) || !isfinite(v))
        return;
    double l = log10(v);
    if (l < r->lo)
        r->lo = l;
    if (l > r->hi)
        r->hi = l;
}

void rl_svg_finish_range(svg_range *r, double fallback_lo, double fallback_hi,
                         double min_decades, double *lo, double *hi)
{
    if (r->lo > r->hi) {
        r->lo = fallback_lo;
        r->hi = fallback_hi;
    }
    /* margin of ~0.25 decade, then whole decades */
    *lo = floor(r->lo - 0.25);
    *hi = ceil(r->hi + 0.25);
    while (*hi - *lo < min_decades) {
        (*hi)++;
        if (*hi - *lo < min_decades)
            (*lo)--;
    }
    if (*hi - *lo > MAX_DECADES) /* keep the top: the roofs and the fastest cases */
        *lo = *hi - MAX_DECADES;
}

static void choose_ranges(svg_plot *p)
{
    svg_range x = {DBL_MAX, -DBL_MAX}, y = {DBL_MAX, -DBL_MAX};
    for (size_t i = 0; i < p->n; i++) {
        const svg_point *q = &p->pts[i];
        if (q->zero_flop)
            continue;
        rl_svg_widen(&x, q->x);
        rl_svg_widen(&y, q->y1);
        rl_svg_widen(&y, q->y2);
    }
    for (int l = 0; l < p->layer_count; l++) {
        const rl_roof_set *s = p->layers[l].set;
        const rl_roof_set *e = p->layers[l].extent ? p->layers[l].extent : s;
        double top_c = rl_svg_top_value(e->compute, e->compute_count);
        double top_m = rl_svg_top_value(e->memory, e->memory_count);
        for (int i = 0; i < s->compute_count; i++) {
            rl_svg_widen(&y, s->compute[i].value);
            if (top_m > 0)
                rl_svg_widen(&x, s->compute[i].value / top_m); /* ridge */
        }
        for (int i = 0; i < s->memory_count; i++)
            if (top_c > 0)
                rl_svg_widen(&x, top_c / s->memory[i].value);
    }
    rl_svg_finish_range(&x, -1, 2, 3, &p->lx0, &p->lx1);
    /* predictions sit on their roofs: a decade more on the left leaves the
     * memory roofs room for their labels below the smallest case */
    if (p->predictions)
        p->lx0--;
    /* memory roofs must show a visible slope: reach at least 1.5 decades
     * below the top compute roof */
    if (y.lo <= y.hi && y.hi - y.lo < 1.5)
        y.lo = y.hi - 1.5;
    rl_svg_finish_range(&y, 8, 12, 3, &p->ly0, &p->ly1);
}

/* One pixel size per decade on both axes: the largest that fits both
 * ranges in the area; then whole decades are added where they still fit
 * (intensity on the right, then the left; rates at the bottom), and the box
 * is as large as its decades, anchored at the area's bottom left. */
static void fit_box(svg_plot *p)
{
    const double aw = AREA_R - AREA_L, ah = AREA_B - AREA_T;
    double dx = p->lx1 - p->lx0, dy = p->ly1 - p->ly0;
    const double s = fmin(aw / dx, ah / dy);
    for (int k = 0; (dx + 1) * s <= aw + 1e-9 && dx < MAX_DECADES; k++, dx++) {
        if (k % 2 == 0)
            p->lx1++;
        else
            p->lx0--;
    }
    for (; (dy + 1) * s <= ah + 1e-9 && dy < MAX_DECADES; dy++)
        p->ly0--;
    p->bx0 = AREA_L;
    p->bx1 = AREA_L + dx * s;
    p->by1 = AREA_B;
    p->by0 = AREA_B - dy * s;
}

void rl_svg_layout_axes(svg_plot *p)
{
    keep_drawable_only(p);
    choose_ranges(p);
    fit_box(p);
}

/* ---- axes -------------------------------------------------------------------------- */

static void decade_label_x(double l, char *buf, size_t len)
{
    int e = (int)lround(l);
    if (e >= -3 && e <= 4)
        snprintf(buf, len, "%g", pow(10, e));
    else
        snprintf(buf, len, "1e%d", e);
}

/* "100 GFLOP/s", "1 TB/s" for the decade 10^l. */
void rl_svg_decade_label_si(double l, const char *unit, char *buf, size_t len)
{
    static const char *const prefixes[] = {"", "k", "M", "G", "T", "P", "E"};
    int e = (int)lround(l);
    if (e < 0 || e > 20) {
        snprintf(buf, len, "1e%d %s", e, unit);
        return;
    }
    int k = e / 3 > 6 ? 6 : e / 3;
    snprintf(buf, len, "%g %s%s", pow(10, e - 3 * k), prefixes[k], unit);
}

void rl_svg_draw_axes(rl_sbuf *b, const svg_plot *p)
{
    const double x0 = p->bx0, x1 = p->bx1, y0 = p->by0, y1 = p->by1;
    rl_sbuf_printf(b, "<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                      "fill=\"#fcfcfc\" stroke=\"#888888\" stroke-width=\"1\"/>\n",
                   x0, y0, x1 - x0, y1 - y0);
    rl_svg_draw_regions(b, p); /* shading under the grid */
    rl_sbuf_put(b, "<g class=\"grid\" stroke=\"#e3e3e3\" stroke-width=\"1\">\n");
    for (double l = p->lx0 + 1; l < p->lx1 - 0.5; l++)
        rl_sbuf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                       rl_svg_px(p, l), y0, rl_svg_px(p, l), y1);
    for (double l = p->ly0 + 1; l < p->ly1 - 0.5; l++)
        rl_sbuf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x0,
                       rl_svg_py(p, l), x1, rl_svg_py(p, l));
    rl_sbuf_put(b, "\n</g>\n<g class=\"ticks\" stroke=\"#888888\" stroke-width=\"1\">");
    /* minor ticks at 2..9 of each decade */
    for (double l = p->lx0; l < p->lx1 - 0.5; l++)
        for (int k = 1; k <= 9; k++) {
            double x = rl_svg_px(p, l + log10(k));
            double len = k == 1 ? 6 : 3;
            rl_sbuf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x, y1, x,
                           y1 + len);
        }
    for (double l = p->ly0; l < p->ly1 - 0.5; l++)
        for (int k = 1; k <= 9; k++) {
            double y = rl_svg_py(p, l + log10(k));
            double len = k == 1 ? 6 : 3;
            rl_sbuf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x0 - len,
                           y, x0, y);
        }
    rl_sbuf_put(b, "</g>\n<g class=\"axis-labels\" font-size=\"11\" fill=\"#333333\">\n");
    char buf[64];
    for (double l = p->lx0; l <= p->lx1 + 0.01; l++) {
        decade_label_x(l, buf, sizeof buf);
        rl_sbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
                       rl_svg_px(p, l), y1 + 19, buf);
    }
    for (double l = p->ly0; l <= p->ly1 + 0.01; l++) {
        rl_svg_decade_label_si(l, "FLOP/s", buf, sizeof buf);
        rl_sbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>", x0 - 8,
                       rl_svg_py(p, l) + 4, buf);
    }
    rl_sbuf_printf(b,
                   "\n<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"13\">"
                   "Arithmetic intensity (FLOP/B)</text>\n",
                   (x0 + x1) / 2, y1 + 42);
    rl_sbuf_printf(b,
                   "<text transform=\"translate(14 %.1f) rotate(-90)\" text-anchor=\"middle\" "
                   "font-size=\"13\">Performance (FLOP/s)</text>\n</g>\n",
                   (y0 + y1) / 2);
}
