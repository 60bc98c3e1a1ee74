/* Roofs and their labels: each memory roof a diagonal up to the highest
 * compute roof of its set, each compute roof a horizontal from where the
 * highest memory roof of its set reaches it, ridge points marked, and (for
 * predictions) the memory- and compute-bound regions shaded. Labels go
 * where they touch no other label, marker or line. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/roofline_internal.h"

/* A white halo under labels keeps them legible over the grid. */
const char rl_svg_halo[] = " stroke=\"#fcfcfc\" stroke-width=\"3\" paint-order=\"stroke\"";

void rl_svg_roof_label_text(const rl_roof *r, bool memory, const char *tag, char *buf,
                            size_t len)
{
    char v[48];
    rl_format_si(r->value, memory ? "B/s" : "FLOP/s", v, sizeof v);
    char set[64] = "";
    if (tag)
        snprintf(set, sizeof set, " (%s)", tag);
    if (memory || !r->unit[0])
        snprintf(buf, len, "%s %s%s", r->name, v, set);
    else
        snprintf(buf, len, "%s %s %s%s", r->name, r->unit, v, set);
}

static const char *anchor_attr(char anchor)
{
    return anchor == 'e' ? " text-anchor=\"end\"" : anchor == 'm' ? " text-anchor=\"middle\"" : "";
}

void rl_svg_text_element(rl_sbuf *b, double x, double y, char anchor, const char *color,
                         const char *cls, const char *text, double fs)
{
    rl_sbuf_printf(b, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" fill=\"%s\"%s>",
                   cls, x, y, fs, color, anchor_attr(anchor));
    rl_sbuf_put_xml(b, text);
    rl_sbuf_put(b, "</text>");
}

static void roof_text(rl_sbuf *b, double x, double y, double fs, const char *color, char anchor,
                      const char *transform, const char *text)
{
    rl_sbuf_printf(b,
                   "<text class=\"roof-label\" x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" "
                   "fill=\"%s\"%s%s%s>",
                   x, y, fs, color, anchor_attr(anchor), transform, rl_svg_halo);
    rl_sbuf_put_xml(b, text);
    rl_sbuf_put(b, "</text>\n");
}

/* Boxes covering rotated text: squares as tall as the text every few
 * pixels along the baseline, centred on its middle line (conservative for
 * slanted text, so parallel labels of close roofs never touch). */
static size_t rotated_boxes(double sx, double sy, double w, double fs, double ang, svg_box *out,
                            size_t max)
{
    double c = cos(ang), s = sin(ang);
    size_t n = 0;
    for (double d = 0; d <= w && n < max; d += 4) {
        double cx = sx + d * c - s * fs * 0.35;
        double cy = sy - d * s - c * fs * 0.35;
        out[n++] = (svg_box){cx - fs * 0.5, cy - fs * 0.5, cx + fs * 0.5, cy + fs * 0.5};
    }
    return n;
}

typedef struct roof_seg {
    const svg_layer *ly;
    const rl_roof *r;
    bool memory;
    double la, lb; /* log10 x of the ends */
    int owner;     /* its index among the plot's line obstacles */
} roof_seg;

static bool try_memory_label(rl_sbuf *b, svg_plot *p, const roof_seg *sg, const char *text,
                             double fs)
{
    const double lbw = log10(sg->r->value);
    double x0 = rl_svg_px(p, sg->la), y0 = rl_svg_py(p, sg->la + lbw);
    double x1 = rl_svg_px(p, sg->lb), y1 = rl_svg_py(p, sg->lb + lbw);
    double len = hypot(x1 - x0, y1 - y0);
    double ang = atan2(y0 - y1, x1 - x0);
    double w = rl_svg_text_width(text, fs);
    static const double fractions[] = {0.04, 0.12, 0.2, 0.28, 0.36, 0.44, 0.52, 0.6, 0.68, 0.76};
    const double lifts[] = {4, -fs - 3};
    svg_box bx[160];
    for (size_t li = 0; li < sizeof lifts / sizeof lifts[0]; li++)
        for (size_t fi = 0; fi < sizeof fractions / sizeof fractions[0]; fi++) {
            double d = fractions[fi] * len;
            /* start on the line, then lift perpendicular (up-left of the diagonal) */
            double sx = x0 + d * cos(ang) - sin(ang) * lifts[li];
            double sy = y0 - d * sin(ang) - cos(ang) * lifts[li];
            size_t n = rotated_boxes(sx, sy, w, fs, ang, bx, 160);
            bool ok = n > 0;
            for (size_t i = 0; i < n && ok; i++)
                ok = rl_svg_inside_plot(p, bx[i]) && !rl_svg_hits(&p->obstacles, bx[i], sg->owner);
            if (!ok)
                continue;
            for (size_t i = 0; i < n; i++)
                rl_svg_add_box(&p->obstacles, bx[i]);
            char tr[80];
            snprintf(tr, sizeof tr, " transform=\"rotate(%.2f %.1f %.1f)\"", -ang * 180 / SVG_PI,
                     sx, sy);
            roof_text(b, sx, sy, fs, sg->ly->color, 's', tr, text);
            return true;
        }
    return false;
}

typedef struct cand_pos {
    double x, y;
    char anchor;
} cand_pos;

static bool try_compute_label(rl_sbuf *b, svg_plot *p, const roof_seg *sg, const char *text,
                              double fs)
{
    const double y = rl_svg_py(p, log10(sg->r->value));
    const double xa = rl_svg_px(p, sg->la), xb = rl_svg_px(p, sg->lb);
    double w = rl_svg_text_width(text, fs);
    /* first choice: on the line's own extension, left of where it starts
     * (the ridge), where nothing else is drawn above the memory roofs */
    cand_pos cand[48];
    size_t n = 0;
    if (xa > p->bx0 + 20)
        cand[n++] = (cand_pos){xa - 7, y + fs * 0.36, 'e'};
    /* then just above or just below the line: its right end, its left end,
     * points in between (never across another line: those are obstacles) */
    static const double fr[] = {1, 0, 0.5, 0.75, 0.25, 0.875, 0.625, 0.375, 0.125};
    const double dys[] = {-4, fs + 2, -10, fs + 8}; /* the last two clear markers on the roof */
    for (size_t k = 0; k < 4; k++)
        for (size_t i = 0; i < sizeof fr / sizeof fr[0]; i++)
            cand[n++] = (cand_pos){
                fr[i] == 1 ? xb - 6 : fr[i] == 0 ? xa + 8 : xa + fr[i] * (xb - xa), y + dys[k],
                fr[i] == 1 ? 'e' : fr[i] == 0 ? 's' : 'm'};
    for (size_t i = 0; i < n; i++) {
        svg_box bb = rl_svg_text_box(cand[i].x, cand[i].y, w, fs, cand[i].anchor);
        if (!rl_svg_inside_plot(p, bb) || rl_svg_hits(&p->obstacles, bb, sg->owner))
            continue;
        rl_svg_add_box(&p->obstacles, bb);
        roof_text(b, cand[i].x, cand[i].y, fs, sg->ly->color, cand[i].anchor, "", text);
        return true;
    }
    return false;
}

/* Full text ("fp32 simd 190 GFLOP/s (datasheet)"), else without the set
 * (the line style says it), else smaller; with no room at all the value
 * stays in the line's hover text and in the tables. */
static void place_roof_label(rl_sbuf *b, svg_plot *p, const roof_seg *sg)
{
    char full[200], shorter[200];
    rl_svg_roof_label_text(sg->r, sg->memory, sg->ly->tag, full, sizeof full);
    rl_svg_roof_label_text(sg->r, sg->memory, NULL, shorter, sizeof shorter);
    const char *texts[] = {full, shorter, shorter};
    const double sizes[] = {SVG_FS, SVG_FS, SVG_FS - 1.5};
    for (int k = 0; k < 3; k++) {
        bool ok = sg->memory ? try_memory_label(b, p, sg, texts[k], sizes[k])
                             : try_compute_label(b, p, sg, texts[k], sizes[k]);
        if (ok)
            return;
    }
}

/* Visible part [la, lb] (log10 x) of the memory roof y = bw * x for x up to
 * x_end; false when none of it is inside the plot. */
static bool memory_segment(const svg_plot *p, double bw, double x_end, double *la, double *lb)
{
    double lbw = log10(bw);
    *la = fmax(p->lx0, p->ly0 - lbw);
    *lb = fmin(fmin(log10(x_end), p->lx1), p->ly1 - lbw);
    return *lb > *la + 1e-9;
}

/* Every roof line of the plot, in drawing order. */
static size_t roof_segments(const svg_plot *p, roof_seg *segs, size_t max)
{
    size_t ns = 0;
    for (int l = 0; l < p->layer_count; l++) {
        const svg_layer *ly = &p->layers[l];
        const rl_roof_set *s = ly->set;
        const rl_roof_set *e = ly->extent ? ly->extent : s;
        double top_c = rl_svg_top_value(e->compute, e->compute_count);
        double top_m = rl_svg_top_value(e->memory, e->memory_count);
        for (int i = 0; i < s->memory_count && ns < max; i++) {
            const rl_roof *r = &s->memory[i];
            double la, lb, x_end = top_c > 0 ? top_c / r->value : pow(10, p->lx1);
            if (!(r->value > 0) || !isfinite(r->value) ||
                !memory_segment(p, r->value, x_end, &la, &lb))
                continue;
            segs[ns++] = (roof_seg){ly, r, true, la, lb, -1};
        }
        for (int i = 0; i < s->compute_count && ns < max; i++) {
            const rl_roof *r = &s->compute[i];
            if (!(r->value > 0) || !isfinite(r->value))
                continue;
            double lc = log10(r->value);
            if (lc < p->ly0 || lc > p->ly1)
                continue;
            double la = top_m > 0 ? fmax(p->lx0, log10(r->value / top_m)) : p->lx0;
            double lb = p->lx1;
            if (la >= lb)
                continue;
            segs[ns++] = (roof_seg){ly, r, false, la, lb, -1};
        }
    }
    return ns;
}

static svg_seg seg_pixels(const svg_plot *p, const roof_seg *sg, int owner)
{
    const double lv = log10(sg->r->value);
    if (sg->memory)
        return (svg_seg){rl_svg_px(p, sg->la), rl_svg_py(p, sg->la + lv), rl_svg_px(p, sg->lb),
                         rl_svg_py(p, sg->lb + lv), owner};
    return (svg_seg){rl_svg_px(p, sg->la), rl_svg_py(p, lv), rl_svg_px(p, sg->lb),
                     rl_svg_py(p, lv), owner};
}

#define MAX_SEGS (SVG_MAX_LAYERS * 2 * RL_MAX_ROOFS)

void rl_svg_reserve_roof_lines(svg_plot *p)
{
    roof_seg segs[MAX_SEGS];
    size_t ns = roof_segments(p, segs, MAX_SEGS);
    for (size_t i = 0; i < ns; i++) {
        rl_svg_add_seg(&p->obstacles, seg_pixels(p, &segs[i], (int)i));
        if (segs[i].memory)
            continue;
        /* the ridge mark at the compute roof's left end */
        const svg_seg s = seg_pixels(p, &segs[i], (int)i);
        rl_svg_add_box(&p->obstacles, (svg_box){s.x0 - 4, s.y0 - 4, s.x0 + 4, s.y0 + 4});
    }
}

/* The ridges of every layer's compute roofs against its top memory roof. */
static bool ridge_range(const svg_plot *p, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int l = 0; l < p->layer_count; l++) {
        const rl_roof_set *s = p->layers[l].set;
        double top_m = rl_svg_top_value(s->memory, s->memory_count);
        for (int i = 0; top_m > 0 && i < s->compute_count; i++) {
            double r = s->compute[i].value / top_m;
            *lo = fmin(*lo, r);
            *hi = fmax(*hi, r);
        }
    }
    return *lo <= *hi;
}

static bool region_edges(const svg_plot *p, double *lo, double *hi, double *xl, double *xh)
{
    if (!p->predictions || !ridge_range(p, lo, hi))
        return false;
    *xl = fmin(fmax(rl_svg_px(p, log10(*lo)), p->bx0), p->bx1);
    *xh = fmin(fmax(rl_svg_px(p, log10(*hi)), p->bx0), p->bx1);
    return true;
}

void rl_svg_draw_regions(rl_sbuf *b, const svg_plot *p)
{
    double lo, hi, xl, xh;
    if (!region_edges(p, &lo, &hi, &xl, &xh))
        return;
    const char *which = hi <= lo * (1 + 1e-9) ? "the" : "every";
    rl_sbuf_put(b, "<g class=\"regions\">\n");
    if (xl > p->bx0)
        rl_sbuf_printf(b,
                       "<rect class=\"region memory-bound\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                       "height=\"%.1f\" fill=\"#e8f0fa\"><title>memory-bound: intensity below "
                       "%s ridge (%.3g FLOP/B)</title></rect>\n",
                       p->bx0, p->by0, xl - p->bx0, p->by1 - p->by0, which, lo);
    if (xh < p->bx1)
        rl_sbuf_printf(b,
                       "<rect class=\"region compute-bound\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                       "height=\"%.1f\" fill=\"#fcefe2\"><title>compute-bound: intensity above "
                       "%s ridge (%.3g FLOP/B)</title></rect>\n",
                       xh, p->by0, p->bx1 - xh, p->by1 - p->by0, which, hi);
    rl_sbuf_put(b, "</g>\n");
}

/* The names of the regions at the bottom of the plot, where roofs rarely are. */
void rl_svg_label_regions(rl_sbuf *b, svg_plot *p)
{
    double lo, hi, xl, xh;
    if (!region_edges(p, &lo, &hi, &xl, &xh))
        return;
    const bool one = hi <= lo * (1 + 1e-9);
    /* the long names say "on every roof" when there are several ridges */
    const char *const mem[2] = {one ? "memory-bound" : "memory-bound on every roof", "memory-bound"};
    const char *const cmp[2] = {one ? "compute-bound" : "compute-bound on every roof",
                                "compute-bound"};
    rl_sbuf_put(b, "<g class=\"region-labels\">\n");
    /* the bottom corner of the region, else its top corner */
    const double ys[2] = {p->by1 - 8, p->by0 + 16};
    bool placed = false;
    for (int t = 0; t < 2 && !placed; t++)
        for (int k = 0; k < 2 && !placed; k++) {
            svg_box mb = rl_svg_text_box(p->bx0 + 6, ys[k], rl_svg_text_width(mem[t], 10), 10, 's');
            if (mb.x1 < xl - 2 && !rl_svg_hits(&p->obstacles, mb, -1)) {
                rl_svg_add_box(&p->obstacles, mb);
                rl_svg_text_element(b, p->bx0 + 6, ys[k], 's', "#3a5f8f", "region-label", mem[t],
                                    10);
                placed = true;
            }
        }
    placed = false;
    for (int t = 0; t < 2 && !placed; t++)
        for (int k = 0; k < 2 && !placed; k++) {
            svg_box cb = rl_svg_text_box(p->bx1 - 6, ys[k], rl_svg_text_width(cmp[t], 10), 10, 'e');
            if (cb.x0 > xh + 2 && !rl_svg_hits(&p->obstacles, cb, -1)) {
                rl_svg_add_box(&p->obstacles, cb);
                rl_svg_text_element(b, p->bx1 - 6, ys[k], 'e', "#9a5a1a", "region-label", cmp[t],
                                    10);
                placed = true;
            }
        }
    rl_sbuf_put(b, "\n</g>\n");
}

static void roof_line(rl_sbuf *b, const svg_plot *p, const roof_seg *sg)
{
    const svg_seg px = seg_pixels(p, sg, 0);
    char t[200];
    rl_svg_roof_label_text(sg->r, sg->memory, sg->ly->tag, t, sizeof t);
    rl_sbuf_printf(b,
                   "<line class=\"roof %s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                   "stroke=\"%s\" stroke-width=\"1.8\"",
                   sg->memory ? "memory" : "compute", px.x0, px.y0, px.x1, px.y1, sg->ly->color);
    if (sg->ly->dash && sg->ly->dash[0])
        rl_sbuf_printf(b, " stroke-dasharray=\"%s\"", sg->ly->dash);
    rl_sbuf_put(b, "><title>");
    rl_sbuf_put_xml(b, t);
    if (sg->r->source[0]) {
        rl_sbuf_put(b, "\nsource: ");
        rl_sbuf_put_xml(b, sg->r->source);
    }
    rl_sbuf_put(b, "</title></line>\n");
}

/* The ridge: where the top memory roof of the set meets a compute roof. */
static void ridge_mark(rl_sbuf *b, const svg_plot *p, const roof_seg *sg)
{
    const rl_roof_set *e = sg->ly->extent ? sg->ly->extent : sg->ly->set;
    double top_m = rl_svg_top_value(e->memory, e->memory_count);
    if (!(top_m > 0))
        return;
    double ridge = sg->r->value / top_m;
    double lr = log10(ridge);
    if (lr < p->lx0 || lr > p->lx1)
        return;
    rl_sbuf_printf(b,
                   "<circle class=\"ridge\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.2\" fill=\"#ffffff\" "
                   "stroke=\"%s\" stroke-width=\"1.5\"><title>",
                   rl_svg_px(p, lr), rl_svg_py(p, log10(sg->r->value)), sg->ly->color);
    rl_sbuf_printf_xml(b, "ridge point of %s %s (%s): %.3g FLOP/B", sg->r->name, sg->r->unit,
                       sg->ly->tag, ridge);
    rl_sbuf_put(b, "</title></circle>\n");
}

void rl_svg_draw_roofs(rl_sbuf *b, svg_plot *p)
{
    roof_seg segs[MAX_SEGS];
    size_t ns = roof_segments(p, segs, MAX_SEGS);
    for (size_t i = 0; i < ns; i++)
        segs[i].owner = (int)i; /* the order rl_svg_reserve_roof_lines gave them */
    rl_sbuf_put(b, "<g class=\"roofs\" fill=\"none\">\n");
    for (size_t i = 0; i < ns; i++) {
        roof_line(b, p, &segs[i]);
        if (!segs[i].memory)
            ridge_mark(b, p, &segs[i]);
    }
    rl_sbuf_put(b, "</g>\n");
    /* Labels after all lines so that they sit on top; compute roofs first
     * (they have fewer places to go). */
    rl_sbuf_put(b, "<g class=\"roof-labels\">\n");
    for (size_t i = 0; i < ns; i++)
        if (!segs[i].memory)
            place_roof_label(b, p, &segs[i]);
    for (size_t i = 0; i < ns; i++)
        if (segs[i].memory)
            place_roof_label(b, p, &segs[i]);
    rl_sbuf_put(b, "</g>\n");
}
