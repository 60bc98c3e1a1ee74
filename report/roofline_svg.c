/* The roofline picture: roofs, ridge points and cases on log-log axes. */
#include "report/rl_roofline_svg.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/rl_sbuf.h"

/* ---- geometry ------------------------------------------------------------- */

enum {
    W = RL_SVG_WIDTH,
    H = RL_SVG_HEIGHT,
    PL = 84,  /* plot box */
    PR = 688,
    PT = 58,
    PB = 572,
    LX = 712, /* legend panel */
};

static const double PI = 3.14159265358979323846;
static const double FS = 11;      /* roof and point label font size */
static const double MARK_R = 4.6; /* marker radius */

/* ---- colours and shapes --------------------------------------------------- */

const char *rl_op_color(rl_op op)
{
    static const char *const palette[RL_OP_COUNT] = {
        [RL_OP_GEMM] = "#1f77b4",
        [RL_OP_LAYERNORM] = "#ff7f0e",
        [RL_OP_SOFTMAX] = "#2ca02c",
        [RL_OP_RESIDUAL_LAYERNORM] = "#d62728",
        [RL_OP_RESIDUAL_LAYERNORM_UNFUSED] = "#9467bd",
        [RL_OP_SCALE_MASK_SOFTMAX] = "#8c564b",
        [RL_OP_SCALE_MASK_SOFTMAX_UNFUSED] = "#e377c2",
        [RL_OP_BIAS_GELU] = "#17becf",
        [RL_OP_BIAS_GELU_UNFUSED] = "#bcbd22",
        [RL_OP_COPY] = "#7f7f7f",
        [RL_OP_TRIAD] = "#393b79",
        [RL_OP_FMA] = "#a6761d",
    };
    return (unsigned)op < RL_OP_COUNT ? palette[op] : "#000000";
}

typedef enum shape { SH_CIRCLE, SH_SQUARE, SH_TRIANGLE, SH_DIAMOND, SH_TRIANGLE_DOWN, SH_HEXAGON, SH_CROSS } shape;

static shape precision_shape(rl_precision p)
{
    switch (p) {
    case RL_PREC_FP32: return SH_CIRCLE;
    case RL_PREC_FP64: return SH_SQUARE;
    case RL_PREC_FP16: return SH_TRIANGLE;
    case RL_PREC_BF16: return SH_DIAMOND;
    case RL_PREC_TF32: return SH_TRIANGLE_DOWN;
    case RL_PREC_FP8: return SH_HEXAGON;
    default: return SH_CROSS;
    }
}

/* One marker element. cls: "m", "p", "m bw", "key", ... */
static void marker(rl_sbuf *b, shape s, double x, double y, double r, const char *color,
                   bool filled, const char *cls)
{
    char style[160];
    if (filled)
        snprintf(style, sizeof style, "fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"0.8\"", color);
    else
        snprintf(style, sizeof style,
                 "fill=\"#ffffff\" fill-opacity=\"0.7\" stroke=\"%s\" stroke-width=\"1.4\"", color);
    if (s == SH_CIRCLE) {
        rl_sbuf_printf(b, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" %s/>", cls, x, y,
                       r, style);
        return;
    }
    rl_sbuf_printf(b, "<path class=\"%s\" d=\"", cls);
    switch (s) {
    case SH_SQUARE: {
        double h = r * 0.88;
        rl_sbuf_printf(b, "M%.1f %.1fh%.1fv%.1fh%.1fz", x - h, y - h, 2 * h, 2 * h, -2 * h);
        break;
    }
    case SH_TRIANGLE:
        rl_sbuf_printf(b, "M%.1f %.1fL%.1f %.1fL%.1f %.1fz", x, y - 1.2 * r, x + 1.1 * r,
                       y + 0.8 * r, x - 1.1 * r, y + 0.8 * r);
        break;
    case SH_TRIANGLE_DOWN:
        rl_sbuf_printf(b, "M%.1f %.1fL%.1f %.1fL%.1f %.1fz", x, y + 1.2 * r, x + 1.1 * r,
                       y - 0.8 * r, x - 1.1 * r, y - 0.8 * r);
        break;
    case SH_DIAMOND:
        rl_sbuf_printf(b, "M%.1f %.1fL%.1f %.1fL%.1f %.1fL%.1f %.1fz", x, y - 1.25 * r,
                       x + 1.05 * r, y, x, y + 1.25 * r, x - 1.05 * r, y);
        break;
    case SH_HEXAGON:
        for (int i = 0; i < 6; i++) {
            double a = PI / 3 * i;
            rl_sbuf_printf(b, "%c%.1f %.1f", i ? 'L' : 'M', x + 1.1 * r * cos(a),
                           y + 1.1 * r * sin(a));
        }
        rl_sbuf_put(b, "z");
        break;
    default: { /* a plus made of one outline */
        double t = r * 0.42, o = r * 1.15;
        rl_sbuf_printf(b,
                       "M%.1f %.1fH%.1fV%.1fH%.1fV%.1fH%.1fV%.1fH%.1fV%.1fH%.1fV%.1fH%.1fz",
                       x - t, y - o, x + t, y - t, x + o, y + t, x + t, y + o, x - t, y + t,
                       x - o, y - t, x - t);
        break;
    }
    }
    rl_sbuf_printf(b, "\" %s/>", style);
}

/* ---- text measurement and collision boxes ---------------------------------- */

static size_t glyphs(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xc0) != 0x80)
            n++;
    return n;
}

static double text_width(const char *s, double fs)
{
    return (double)glyphs(s) * fs * 0.56 + 2;
}

typedef struct box {
    double x0, y0, x1, y1;
} box;

#define MAX_BOXES 4096

typedef struct boxes {
    box v[MAX_BOXES];
    size_t n;
} boxes;

static bool overlaps(box a, box b)
{
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

static bool hits(const boxes *bs, box b)
{
    for (size_t i = 0; i < bs->n; i++)
        if (overlaps(bs->v[i], b))
            return true;
    return false;
}

static void add_box(boxes *bs, box b)
{
    if (bs->n < MAX_BOXES)
        bs->v[bs->n++] = b;
}

static bool inside_plot(box b)
{
    return b.x0 >= PL + 2 && b.x1 <= PR - 2 && b.y0 >= PT + 2 && b.y1 <= PB - 2;
}

/* The box of horizontal text with baseline y; anchor 's' start, 'e' end, 'm' middle. */
static box text_box(double x, double y, double w, double fs, char anchor)
{
    double x0 = anchor == 's' ? x : anchor == 'e' ? x - w : x - w / 2;
    return (box){x0, y - fs * 0.82, x0 + w, y + fs * 0.25};
}

/* ---- the plot description ----------------------------------------------------- */

typedef struct layer {
    const rl_roof_set *set;    /* the roofs drawn */
    const rl_roof_set *extent; /* the whole set, whose top roofs end the lines (NULL: set) */
    const char *tag;   /* "datasheet", "measured", "B measured" */
    const char *color;
    bool dashed;
} layer;

typedef struct point {
    const char *name;
    rl_op op;
    rl_precision prec;
    bool zero_flop; /* y values are byte/s, on the bandwidth strip */
    double x;       /* intensity */
    double y1;      /* filled marker: measured (or A); 0 = none */
    double y2;      /* hollow marker: predicted (or B); 0 = none */
    double gap;     /* |log10(y1 / y2)|, -1 without both */
    char title[1200];
    char label[96];
} point;

typedef struct plot {
    char title[600], subtitle[900];
    layer layers[4];
    int layer_count;
    point *pts;
    size_t n;
    const char *filled_name, *hollow_name; /* "measured", "predicted" */
    const char *gap_word;                  /* "measured/predicted", "B/A" */
    int not_plotted;
    double lx0, lx1, ly0, ly1; /* axis ranges, log10 */
    boxes obstacles;
    rl_roof_set kept[4][2]; /* each layer's set and extent, plottable roofs only */
} plot;

static double px(const plot *p, double lx)
{
    return PL + (lx - p->lx0) / (p->lx1 - p->lx0) * (PR - PL);
}

static double py(const plot *p, double ly)
{
    return PB - (ly - p->ly0) / (p->ly1 - p->ly0) * (PB - PT);
}

static double top_value(const rl_roof *roofs, int n)
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

static void keep_plottable(const rl_roof_set *in, rl_roof_set *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < in->memory_count && i < RL_MAX_ROOFS; i++)
        if (plottable(in->memory[i].value))
            out->memory[out->memory_count++] = in->memory[i];
    for (int i = 0; i < in->compute_count && i < RL_MAX_ROOFS; i++)
        if (plottable(in->compute[i].value))
            out->compute[out->compute_count++] = in->compute[i];
}

/* Drop what cannot be drawn: roofs, intensities and rates out of range. */
static void keep_plottable_only(plot *p)
{
    for (int l = 0; l < p->layer_count; l++) {
        layer *ly = &p->layers[l];
        keep_plottable(ly->set, &p->kept[l][0]);
        ly->set = &p->kept[l][0];
        if (ly->extent) {
            keep_plottable(ly->extent, &p->kept[l][1]);
            ly->extent = &p->kept[l][1];
        }
    }
    for (size_t i = 0; i < p->n; i++) {
        point *q = &p->pts[i];
        if (!plottable(q->x))
            q->x = 0;
        if (!plottable(q->y1))
            q->y1 = 0;
        if (!plottable(q->y2))
            q->y2 = 0;
    }
}

/* ---- axis ranges ---------------------------------------------------------------- */

typedef struct range {
    double lo, hi; /* log10, DBL_MAX/-DBL_MAX when empty */
} range;

static void widen(range *r, double v)
{
    if (!(v > 0) || !isfinite(v))
        return;
    double l = log10(v);
    if (l < r->lo)
        r->lo = l;
    if (l > r->hi)
        r->hi = l;
}

static void finish_range(range *r, double fallback_lo, double fallback_hi, double min_decades,
                         double *lo, double *hi)
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

static void choose_ranges(plot *p)
{
    range x = {DBL_MAX, -DBL_MAX}, y = {DBL_MAX, -DBL_MAX};
    for (size_t i = 0; i < p->n; i++) {
        const point *q = &p->pts[i];
        if (q->zero_flop)
            continue;
        widen(&x, q->x);
        widen(&y, q->y1);
        widen(&y, q->y2);
    }
    for (int l = 0; l < p->layer_count; l++) {
        const rl_roof_set *s = p->layers[l].set;
        const rl_roof_set *e = p->layers[l].extent ? p->layers[l].extent : s;
        double top_c = top_value(e->compute, e->compute_count);
        double top_m = top_value(e->memory, e->memory_count);
        for (int i = 0; i < s->compute_count; i++) {
            widen(&y, s->compute[i].value);
            if (top_m > 0)
                widen(&x, s->compute[i].value / top_m); /* ridge */
        }
        for (int i = 0; i < s->memory_count; i++)
            if (top_c > 0)
                widen(&x, top_c / s->memory[i].value);
    }
    finish_range(&x, -1, 2, 3, &p->lx0, &p->lx1);
    /* memory roofs must show a visible slope: reach at least 1.5 decades
     * below the top compute roof */
    if (y.lo <= y.hi && y.hi - y.lo < 1.5)
        y.lo = y.hi - 1.5;
    finish_range(&y, 8, 12, 3, &p->ly0, &p->ly1);
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
static void decade_label_si(double l, const char *unit, char *buf, size_t len)
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

static void decade_label_y(double l, char *buf, size_t len)
{
    decade_label_si(l, "FLOP/s", buf, len);
}

static void draw_axes(rl_sbuf *b, plot *p)
{
    rl_sbuf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fcfcfc\" "
                      "stroke=\"#888888\" stroke-width=\"1\"/>\n",
                   PL, PT, PR - PL, PB - PT);
    rl_sbuf_put(b, "<g class=\"grid\" stroke=\"#e3e3e3\" stroke-width=\"1\">\n");
    for (double l = p->lx0 + 1; l < p->lx1 - 0.5; l++)
        rl_sbuf_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", px(p, l), PT,
                       px(p, l), PB);
    for (double l = p->ly0 + 1; l < p->ly1 - 0.5; l++)
        rl_sbuf_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", PL, py(p, l),
                       PR, py(p, l));
    rl_sbuf_put(b, "\n</g>\n<g class=\"ticks\" stroke=\"#888888\" stroke-width=\"1\">");
    /* minor ticks at 2..9 of each decade */
    for (double l = p->lx0; l < p->lx1 - 0.5; l++)
        for (int k = 1; k <= 9; k++) {
            double x = px(p, l + log10(k));
            double len = k == 1 ? 6 : 3;
            rl_sbuf_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\"/>", x, PB, x,
                           PB + len);
        }
    for (double l = p->ly0; l < p->ly1 - 0.5; l++)
        for (int k = 1; k <= 9; k++) {
            double y = py(p, l + log10(k));
            double len = k == 1 ? 6 : 3;
            rl_sbuf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", PL - len,
                           y, PL, y);
        }
    rl_sbuf_put(b, "</g>\n<g class=\"axis-labels\" font-size=\"11\" fill=\"#333333\">\n");
    char buf[64];
    for (double l = p->lx0; l <= p->lx1 + 0.01; l++) {
        decade_label_x(l, buf, sizeof buf);
        rl_sbuf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                       px(p, l), PB + 19, buf);
    }
    for (double l = p->ly0; l <= p->ly1 + 0.01; l++) {
        decade_label_y(l, buf, sizeof buf);
        rl_sbuf_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", PL - 8,
                       py(p, l) + 4, buf);
    }
    rl_sbuf_printf(b,
                   "\n<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"13\">"
                   "Arithmetic intensity (FLOP/B)</text>\n",
                   (PL + PR) / 2, PB + 42);
    rl_sbuf_printf(b,
                   "<text transform=\"translate(16 %d) rotate(-90)\" text-anchor=\"middle\" "
                   "font-size=\"13\">Performance (FLOP/s)</text>\n</g>\n",
                   (PT + PB) / 2);
}

/* ---- roofs ---------------------------------------------------------------------------- */

static void roof_label_text(const rl_roof *r, bool memory, const char *tag, char *buf,
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

/* Boxes covering rotated text: squares every few pixels along the baseline,
 * lifted by half the font height. dir = (cos a, -sin a) on screen. */
static size_t rotated_boxes(double sx, double sy, double w, double ang, box *out, size_t max)
{
    double c = cos(ang), s = sin(ang);
    size_t n = 0;
    /* squares as tall as the text, centred on its middle line: conservative
     * for slanted text, so parallel labels of close roofs never touch */
    for (double d = 0; d <= w && n < max; d += 4) {
        double cx = sx + d * c - s * FS * 0.35;
        double cy = sy - d * s - c * FS * 0.35;
        out[n++] = (box){cx - FS * 0.5, cy - FS * 0.5, cx + FS * 0.5, cy + FS * 0.5};
    }
    return n;
}

static void text_element(rl_sbuf *b, double x, double y, char anchor, const char *color,
                         const char *cls, const char *text, double fs)
{
    rl_sbuf_printf(b, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" fill=\"%s\"%s>",
                   cls, x, y, fs, color,
                   anchor == 'e'   ? " text-anchor=\"end\""
                   : anchor == 'm' ? " text-anchor=\"middle\""
                                   : "");
    rl_sbuf_put_xml(b, text);
    rl_sbuf_put(b, "</text>");
}

/* A white halo under roof labels keeps them legible over grid and lines. */
static const char halo[] = " stroke=\"#fcfcfc\" stroke-width=\"3\" paint-order=\"stroke\"";

static void roof_text_open(rl_sbuf *b, double x, double y, double fs, const char *color,
                           char anchor, const char *transform)
{
    rl_sbuf_printf(b, "<text class=\"roof-label\" x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" fill=\"%s\"%s%s%s>",
                   x, y, fs, color,
                   anchor == 'e'   ? " text-anchor=\"end\""
                   : anchor == 'm' ? " text-anchor=\"middle\""
                                   : "",
                   transform, halo);
}

static bool try_memory_label(rl_sbuf *b, plot *p, const layer *ly, const char *text, double fs,
                             double lbw, double la, double lb)
{
    double x0 = px(p, la), y0 = py(p, la + lbw), x1 = px(p, lb), y1 = py(p, lb + lbw);
    double len = hypot(x1 - x0, y1 - y0);
    double ang = atan2(y0 - y1, x1 - x0);
    double w = text_width(text, fs);
    static const double fractions[] = {0.04, 0.12, 0.2, 0.28, 0.36, 0.44, 0.52, 0.6, 0.68, 0.76};
    const double lifts[] = {4, -fs - 3};
    box bx[128];
    for (size_t li = 0; li < sizeof lifts / sizeof lifts[0]; li++)
        for (size_t fi = 0; fi < sizeof fractions / sizeof fractions[0]; fi++) {
            double d = fractions[fi] * len;
            /* start on the line, then lift perpendicular (up-left of the diagonal) */
            double sx = x0 + d * cos(ang) - sin(ang) * lifts[li];
            double sy = y0 - d * sin(ang) - cos(ang) * lifts[li];
            size_t n = rotated_boxes(sx, sy, w, ang, bx, 128);
            bool ok = n > 0;
            for (size_t i = 0; i < n && ok; i++)
                ok = inside_plot(bx[i]) && !hits(&p->obstacles, bx[i]);
            if (!ok)
                continue;
            for (size_t i = 0; i < n; i++)
                add_box(&p->obstacles, bx[i]);
            char tr[80];
            snprintf(tr, sizeof tr, " transform=\"rotate(%.2f %.1f %.1f)\"", -ang * 180 / PI, sx,
                     sy);
            roof_text_open(b, sx, sy, fs, ly->color, 's', tr);
            rl_sbuf_put_xml(b, text);
            rl_sbuf_put(b, "</text>\n");
            return true;
        }
    return false;
}

typedef struct cand_pos {
    double x, y;
    char anchor;
} cand_pos;

static bool try_compute_label(rl_sbuf *b, plot *p, const layer *ly, const char *text, double fs,
                              double y, double xa, double xb)
{
    double w = text_width(text, fs);
    /* first choice: on the line's own extension, left of where it starts
     * (the ridge), where nothing else is drawn above the memory roofs */
    cand_pos cand[48];
    size_t n = 0;
    if (xa > PL + 20)
        cand[n++] = (cand_pos){xa - 7, y + fs * 0.36, 'e'};
    /* then just above or just below the line: its right end, its left end,
     * points in between (never across another compute roof: those are
     * obstacles) */
    static const double fr[] = {1, 0, 0.5, 0.75, 0.25, 0.875, 0.625, 0.375, 0.125};
    const double dys[] = {-4, fs + 2, -10, fs + 8}; /* the last two clear markers on the roof */
    for (size_t k = 0; k < 4; k++)
        for (size_t i = 0; i < sizeof fr / sizeof fr[0]; i++)
            cand[n++] = (cand_pos){
                fr[i] == 1 ? xb - 6 : fr[i] == 0 ? xa + 8 : xa + fr[i] * (xb - xa), y + dys[k],
                fr[i] == 1 ? 'e' : fr[i] == 0 ? 's' : 'm'};
    for (size_t i = 0; i < n; i++) {
        box bb = text_box(cand[i].x, cand[i].y, w, fs, cand[i].anchor);
        if (!inside_plot(bb) || hits(&p->obstacles, bb))
            continue;
        add_box(&p->obstacles, bb);
        roof_text_open(b, cand[i].x, cand[i].y, fs, ly->color, cand[i].anchor, "");
        rl_sbuf_put_xml(b, text);
        rl_sbuf_put(b, "</text>\n");
        return true;
    }
    return false;
}

/* Full text ("fp32 simd 190 GFLOP/s (datasheet)"), else without the set
 * (the line style says it), else smaller; with no room at all the value
 * stays in the line's hover text and in the tables. */
static void place_roof_label(rl_sbuf *b, plot *p, const layer *ly, const rl_roof *r, bool memory,
                             double la, double lb)
{
    char full[200], shorter[200];
    roof_label_text(r, memory, ly->tag, full, sizeof full);
    roof_label_text(r, memory, NULL, shorter, sizeof shorter);
    const char *texts[] = {full, shorter, shorter};
    const double sizes[] = {FS, FS, FS - 1.5};
    for (int k = 0; k < 3; k++) {
        bool ok = memory ? try_memory_label(b, p, ly, texts[k], sizes[k], log10(r->value), la, lb)
                         : try_compute_label(b, p, ly, texts[k], sizes[k],
                                             py(p, log10(r->value)), px(p, la), px(p, lb));
        if (ok)
            return;
    }
}

/* Visible part [la, lb] (log10 x) of the memory roof y = bw * x for x up to
 * x_end; false when none of it is inside the plot. */
static bool memory_segment(const plot *p, double bw, double x_end, double *la, double *lb)
{
    double lbw = log10(bw);
    *la = fmax(p->lx0, p->ly0 - lbw);
    *lb = fmin(fmin(log10(x_end), p->lx1), p->ly1 - lbw);
    return *lb > *la + 1e-9;
}

typedef struct roof_seg {
    const layer *ly;
    const rl_roof *r;
    bool memory;
    double la, lb;
} roof_seg;

static void draw_roofs(rl_sbuf *b, plot *p)
{
    roof_seg segs[4 * 2 * RL_MAX_ROOFS];
    size_t ns = 0;
    rl_sbuf_put(b, "<g class=\"roofs\" fill=\"none\">\n");
    for (int l = 0; l < p->layer_count; l++) {
        const layer *ly = &p->layers[l];
        const rl_roof_set *s = ly->set;
        const rl_roof_set *e = ly->extent ? ly->extent : s;
        double top_c = top_value(e->compute, e->compute_count);
        double top_m = top_value(e->memory, e->memory_count);
        const char *dash = ly->dashed ? " stroke-dasharray=\"7 4\"" : "";
        for (int i = 0; i < s->memory_count; i++) {
            const rl_roof *r = &s->memory[i];
            if (!(r->value > 0) || !isfinite(r->value))
                continue;
            double la, lb, x_end = top_c > 0 ? top_c / r->value : pow(10, p->lx1);
            if (!memory_segment(p, r->value, x_end, &la, &lb))
                continue;
            double lbw = log10(r->value);
            char t[200];
            roof_label_text(r, true, ly->tag, t, sizeof t);
            rl_sbuf_put(b, "<line class=\"roof memory\"");
            rl_sbuf_printf(b, " x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                              "stroke-width=\"1.8\"%s><title>",
                           px(p, la), py(p, la + lbw), px(p, lb), py(p, lb + lbw), ly->color,
                           dash);
            rl_sbuf_put_xml(b, t);
            if (r->source[0]) {
                rl_sbuf_put(b, "\nsource: ");
                rl_sbuf_put_xml(b, r->source);
            }
            rl_sbuf_put(b, "</title></line>\n");
            segs[ns++] = (roof_seg){ly, r, true, la, lb};
        }
        for (int i = 0; i < s->compute_count; i++) {
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
            char t[200];
            roof_label_text(r, false, ly->tag, t, sizeof t);
            rl_sbuf_printf(b,
                           "<line class=\"roof compute\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                           "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.8\"%s><title>",
                           px(p, la), py(p, lc), px(p, lb), py(p, lc), ly->color, dash);
            rl_sbuf_put_xml(b, t);
            if (r->source[0]) {
                rl_sbuf_put(b, "\nsource: ");
                rl_sbuf_put_xml(b, r->source);
            }
            rl_sbuf_put(b, "</title></line>\n");
            segs[ns++] = (roof_seg){ly, r, false, la, lb};
            /* the ridge: where the top memory roof of the set meets this roof */
            if (top_m > 0) {
                double ridge = r->value / top_m;
                double lr = log10(ridge);
                if (lr >= p->lx0 && lr <= p->lx1) {
                    rl_sbuf_printf(b,
                                   "<circle class=\"ridge\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.2\" "
                                   "fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"1.5\">"
                                   "<title>",
                                   px(p, lr), py(p, lc), ly->color);
                    rl_sbuf_printf_xml(b, "ridge point of %s %s (%s): %.3g FLOP/B", r->name,
                                       r->unit, ly->tag, ridge);
                    rl_sbuf_put(b, "</title></circle>\n");
                }
            }
        }
    }
    rl_sbuf_put(b, "</g>\n");
    /* no label may cross a compute roof (it would read as that roof's) */
    for (size_t i = 0; i < ns; i++)
        if (!segs[i].memory) {
            double y = py(p, log10(segs[i].r->value));
            add_box(&p->obstacles, (box){px(p, segs[i].la), y - 1, px(p, segs[i].lb), y + 1});
        }
    /* Labels after all lines so that they sit on top; compute roofs first
     * (they have fewer places to go). */
    rl_sbuf_put(b, "<g class=\"roof-labels\">\n");
    for (size_t i = 0; i < ns; i++)
        if (!segs[i].memory)
            place_roof_label(b, p, segs[i].ly, segs[i].r, false, segs[i].la, segs[i].lb);
    for (size_t i = 0; i < ns; i++)
        if (segs[i].memory)
            place_roof_label(b, p, segs[i].ly, segs[i].r, true, segs[i].la, segs[i].lb);
    rl_sbuf_put(b, "</g>\n");
}

/* ---- points ------------------------------------------------------------------------------ */

static bool in_y(const plot *p, double v)
{
    return v > 0 && isfinite(v) && log10(v) >= p->ly0 && log10(v) <= p->ly1;
}

static bool in_x(const plot *p, double v)
{
    return v > 0 && isfinite(v) && log10(v) >= p->lx0 && log10(v) <= p->lx1;
}

static void draw_points(rl_sbuf *b, plot *p)
{
    rl_sbuf_put(b, "<g class=\"points\">\n");
    /* links and hollow markers first, so filled markers sit on top */
    for (size_t i = 0; i < p->n; i++) {
        const point *q = &p->pts[i];
        if (q->zero_flop || !in_x(p, q->x))
            continue;
        const char *color = rl_op_color(q->op);
        shape s = precision_shape(q->prec);
        double x = px(p, log10(q->x));
        rl_sbuf_put(b, "<g class=\"case\" data-name=\"");
        rl_sbuf_put_xml(b, q->name);
        rl_sbuf_put(b, "\"><title>");
        rl_sbuf_put_xml(b, q->title);
        rl_sbuf_put(b, "</title>");
        bool have1 = in_y(p, q->y1), have2 = in_y(p, q->y2);
        if (have1 && have2)
            rl_sbuf_printf(b,
                           "<line class=\"link\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                           "stroke=\"%s\" stroke-width=\"1\" stroke-opacity=\"0.7\"/>",
                           x, py(p, log10(q->y1)), x, py(p, log10(q->y2)), color);
        if (have2)
            marker(b, s, x, py(p, log10(q->y2)), MARK_R, color, false, "p");
        if (have1)
            marker(b, s, x, py(p, log10(q->y1)), MARK_R, color, true, "m");
        rl_sbuf_put(b, "</g>\n");
    }
    rl_sbuf_put(b, "</g>\n");
}

/* Every marker is an obstacle for every label, roof labels included. */
static void reserve_markers(plot *p)
{
    for (size_t i = 0; i < p->n; i++) {
        const point *q = &p->pts[i];
        if (q->zero_flop || !in_x(p, q->x))
            continue;
        double x = px(p, log10(q->x));
        const double ys[2] = {q->y1, q->y2};
        for (int k = 0; k < 2; k++)
            if (in_y(p, ys[k])) {
                double y = py(p, log10(ys[k]));
                add_box(&p->obstacles, (box){x - MARK_R - 1, y - MARK_R - 1, x + MARK_R + 1,
                                             y + MARK_R + 1});
            }
    }
}

static int by_gap_desc(const void *a, const void *b)
{
    const point *const *pa = a, *const *pb = b;
    double ga = (*pa)->gap, gb = (*pb)->gap;
    if (ga != gb)
        return ga < gb ? 1 : -1;
    return strcmp((*pa)->name, (*pb)->name);
}

/* Label at most RL_SVG_MAX_POINT_LABELS points: per op the case with the
 * largest gap between its two markers (or its fastest case without a
 * prediction), largest gaps first, each where it overlaps nothing. */
static int label_points(rl_sbuf *b, plot *p)
{
    const point *best[RL_OP_COUNT] = {0};
    for (size_t i = 0; i < p->n; i++) {
        const point *q = &p->pts[i];
        if (q->zero_flop || !in_x(p, q->x) || !in_y(p, q->y1 > 0 ? q->y1 : q->y2))
            continue;
        const point *cur = best[q->op];
        double yq = q->y1 > 0 ? q->y1 : q->y2;
        if (!cur || q->gap > cur->gap ||
            (q->gap == cur->gap && yq > (cur->y1 > 0 ? cur->y1 : cur->y2)))
            best[q->op] = q;
    }
    const point *order[RL_OP_COUNT];
    size_t n = 0;
    for (int op = 0; op < RL_OP_COUNT; op++)
        if (best[op])
            order[n++] = best[op];
    qsort(order, n, sizeof order[0], by_gap_desc);
    int placed = 0;
    rl_sbuf_put(b, "<g class=\"point-labels\">\n");
    for (size_t i = 0; i < n && placed < RL_SVG_MAX_POINT_LABELS; i++) {
        const point *q = order[i];
        double x = px(p, log10(q->x));
        double y = py(p, log10(q->y1 > 0 && in_y(p, q->y1) ? q->y1 : q->y2));
        double w = text_width(q->label, FS);
        struct {
            double dx, dy;
            char anchor;
        } cand[] = {
            {9, 4, 's'},     {-9, 4, 'e'},    {0, -10, 'm'},  {0, 18, 'm'},
            {8, -9, 's'},    {-8, -9, 'e'},   {8, 16, 's'},   {-8, 16, 'e'},
            {0, -24, 'm'},   {0, 32, 'm'},    {14, -20, 's'}, {-14, -20, 'e'},
        };
        for (size_t k = 0; k < sizeof cand / sizeof cand[0]; k++) {
            box bb = text_box(x + cand[k].dx, y + cand[k].dy, w, FS, cand[k].anchor);
            if (!inside_plot(bb) || hits(&p->obstacles, bb))
                continue;
            add_box(&p->obstacles, bb);
            /* a leader from the marker to the label when they are apart */
            double nx = fmax(bb.x0, fmin(x, bb.x1)), ny = fmax(bb.y0, fmin(y, bb.y1));
            double dist = hypot(nx - x, ny - y);
            if (dist > 11)
                rl_sbuf_printf(b,
                               "<line class=\"leader\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                               "y2=\"%.1f\" stroke=\"#999999\" stroke-width=\"0.8\"/>",
                               x + (nx - x) * MARK_R / dist, y + (ny - y) * MARK_R / dist, nx,
                               ny);
            rl_sbuf_printf(b,
                           "<text class=\"pt-label\" x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" "
                           "fill=\"%s\"%s%s>",
                           x + cand[k].dx, y + cand[k].dy, FS, "#222222",
                           cand[k].anchor == 'e'   ? " text-anchor=\"end\""
                           : cand[k].anchor == 'm' ? " text-anchor=\"middle\""
                                                   : "",
                           halo);
            rl_sbuf_put_xml(b, q->label);
            rl_sbuf_put(b, "</text>\n");
            placed++;
            break;
        }
    }
    rl_sbuf_put(b, "</g>\n");
    return placed;
}

/* ---- legend ------------------------------------------------------------------------------- */

/* Word-wrapped note lines; returns the y after the last line. */
static double note(rl_sbuf *b, double x, double y, const char *text, size_t width_chars)
{
    const char *s = text;
    while (*s) {
        size_t take = strlen(s);
        if (glyphs(s) > width_chars) {
            /* break at the last space within width_chars glyphs */
            size_t g = 0, last_space = 0, i = 0;
            for (; s[i] && g < width_chars; i++) {
                if (((unsigned char)s[i] & 0xc0) != 0x80)
                    g++;
                if (s[i] == ' ')
                    last_space = i;
            }
            take = last_space ? last_space : i;
        }
        char line[256];
        snprintf(line, sizeof line, "%.*s", (int)(take < sizeof line - 1 ? take : sizeof line - 1), s);
        rl_sbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#555555\">", x,
                       y);
        rl_sbuf_put_xml(b, line);
        rl_sbuf_put(b, "</text>\n");
        y += 12.5;
        s += take;
        while (*s == ' ')
            s++;
    }
    return y;
}

static double heading(rl_sbuf *b, double y, const char *text)
{
    rl_sbuf_printf(b, "<text x=\"%d\" y=\"%.1f\" font-size=\"11.5\" font-weight=\"bold\" "
                      "fill=\"#222222\">",
                   LX, y);
    rl_sbuf_put_xml(b, text);
    rl_sbuf_put(b, "</text>\n");
    return y + 15;
}

static double bandwidth_strip(rl_sbuf *b, plot *p, double y);

static void draw_legend(rl_sbuf *b, plot *p, int labelled)
{
    bool ops[RL_OP_COUNT] = {0}, precs[RL_PREC_COUNT] = {0};
    bool any_zero = false, any_hollow = false;
    for (size_t i = 0; i < p->n; i++) {
        ops[p->pts[i].op] = true;
        precs[p->pts[i].prec] = true;
        any_zero |= p->pts[i].zero_flop;
        any_hollow |= p->pts[i].y2 > 0;
    }
    rl_sbuf_put(b, "<g class=\"legend\">\n");
    double y = PT + 8;
    y = heading(b, y, "Roofs");
    for (int l = 0; l < p->layer_count; l++) {
        rl_sbuf_printf(b,
                       "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
                       "stroke-width=\"1.8\"%s/>",
                       LX, y - 4, LX + 26, y - 4, p->layers[l].color,
                       p->layers[l].dashed ? " stroke-dasharray=\"7 4\"" : "");
        rl_sbuf_printf(b, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#222222\">", LX + 32,
                       y);
        rl_sbuf_put_xml(b, p->layers[l].tag);
        bool empty = p->layers[l].set->memory_count == 0 && p->layers[l].set->compute_count == 0;
        rl_sbuf_put(b, empty ? " (none known)</text>\n" : "</text>\n");
        y += 14;
    }
    rl_sbuf_printf(b, "<circle cx=\"%d\" cy=\"%.1f\" r=\"3.2\" fill=\"#ffffff\" stroke=\"#333333\" "
                      "stroke-width=\"1.5\"/>",
                   LX + 13, y - 4);
    rl_sbuf_printf(b, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#222222\">ridge point</text>\n",
                   LX + 32, y);
    y += 20;
    y = heading(b, y, "Points");
    marker(b, SH_CIRCLE, LX + 13, y - 4, MARK_R, "#555555", true, "key");
    rl_sbuf_printf(b, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#222222\">", LX + 32, y);
    rl_sbuf_put_xml(b, p->filled_name);
    rl_sbuf_put(b, "</text>\n");
    y += 14;
    marker(b, SH_CIRCLE, LX + 13, y - 4, MARK_R, "#555555", false, "key");
    rl_sbuf_printf(b, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#222222\">", LX + 32, y);
    rl_sbuf_put_xml(b, p->hollow_name);
    rl_sbuf_put(b, any_hollow ? ", joined by a line</text>\n" : " (none)</text>\n");
    y += 20;
    y = heading(b, y, "Op (colour)");
    for (int op = 0; op < RL_OP_COUNT; op++) {
        if (!ops[op])
            continue;
        rl_sbuf_printf(b, "<rect x=\"%d\" y=\"%.1f\" width=\"11\" height=\"11\" rx=\"2\" fill=\"%s\"/>",
                       LX + 8, y - 10, rl_op_color((rl_op)op));
        rl_sbuf_printf(b, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#222222\">%s</text>\n",
                       LX + 32, y, rl_op_name((rl_op)op));
        y += 14;
    }
    y += 6;
    y = heading(b, y, "Precision (shape)");
    int col = 0;
    for (int pr = 0; pr < RL_PREC_COUNT; pr++) {
        if (!precs[pr])
            continue;
        double x = LX + col * 118;
        marker(b, precision_shape((rl_precision)pr), x + 13, y - 4, MARK_R, "#555555", true,
               "key");
        rl_sbuf_printf(b, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" fill=\"#222222\">%s</text>\n",
                       x + 26, y, rl_precision_name((rl_precision)pr));
        if (++col == 2) {
            col = 0;
            y += 14;
        }
    }
    if (col)
        y += 14;
    y += 6;
    char buf[400];
    if (labelled > 0) {
        snprintf(buf, sizeof buf,
                 "Labels: per op, the case with the largest %s gap (%d shown); hover any point "
                 "for its numbers.",
                 p->gap_word, labelled);
        y = note(b, LX, y, buf, 40);
    } else {
        y = note(b, LX, y, "Hover a point for its numbers.", 40);
    }
    if (p->not_plotted > 0) {
        snprintf(buf, sizeof buf, "%d failed or unsupported case%s not plotted (see the table).",
                 p->not_plotted, p->not_plotted == 1 ? "" : "s");
        y = note(b, LX, y, buf, 40);
    }
    if (any_zero)
        y = bandwidth_strip(b, p, y + 8);
    rl_sbuf_put(b, "</g>\n");
}

/* Zero-FLOP ops have no place on a FLOP/s axis: a small log axis of byte/s
 * with the memory roofs as ticks and the cases as markers. */
static double bandwidth_strip(rl_sbuf *b, plot *p, double y)
{
    y = heading(b, y, "Zero-FLOP ops (bandwidth)");
    y = note(b, LX, y,
             "copy does no FLOPs, so it has no place on the FLOP/s axis; it is shown here "
             "against the memory roofs.",
             40);
    range r = {DBL_MAX, -DBL_MAX};
    for (size_t i = 0; i < p->n; i++)
        if (p->pts[i].zero_flop) {
            widen(&r, p->pts[i].y1);
            widen(&r, p->pts[i].y2);
        }
    for (int l = 0; l < p->layer_count; l++)
        for (int i = 0; i < p->layers[l].set->memory_count; i++)
            widen(&r, p->layers[l].set->memory[i].value);
    double lo, hi;
    finish_range(&r, 9, 11, 2, &lo, &hi);
    const double x0 = LX + 6, x1 = W - 14;
#define IN_STRIP(v) ((v) > 0 && log10(v) >= lo && log10(v) <= hi)
#define BX(v) (x0 + (log10(v) - lo) / (hi - lo) * (x1 - x0))
    /* roof ticks with level names, above the axis */
    double ax = y + 30;
    int rows = 0;
    for (size_t i = 0; i < p->n; i++)
        rows += p->pts[i].zero_flop;
    if (rows > 6)
        rows = 6;
    double axis_y = ax + 10 + rows * 11;
    box placed[64];
    int np = 0;
    for (int l = 0; l < p->layer_count; l++) {
        const rl_roof_set *s = p->layers[l].set;
        for (int i = 0; i < s->memory_count; i++) {
            double v = s->memory[i].value;
            if (!IN_STRIP(v))
                continue;
            double x = BX(v);
            rl_sbuf_printf(b,
                           "<line class=\"bw-roof\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                           "stroke=\"%s\" stroke-width=\"1.5\"%s><title>",
                           x, ax - 2, x, axis_y, p->layers[l].color,
                           p->layers[l].dashed ? " stroke-dasharray=\"4 3\"" : "");
            char t[200];
            roof_label_text(&s->memory[i], true, p->layers[l].tag, t, sizeof t);
            rl_sbuf_put_xml(b, t);
            rl_sbuf_put(b, "</title></line>\n");
            double w = text_width(s->memory[i].name, 9);
            for (int lift = 0; lift < 2; lift++) {
                box bb = text_box(x, ax - 5 - lift * 10, w, 9, 'm');
                bool free_ = bb.x0 >= LX && bb.x1 <= W - 2;
                for (int k = 0; k < np && free_; k++)
                    free_ = !overlaps(placed[k], bb);
                if (!free_)
                    continue;
                if (np < 64)
                    placed[np++] = bb;
                text_element(b, x, ax - 5 - lift * 10, 'm', p->layers[l].color, "bw-roof-label",
                             s->memory[i].name, 9);
                break;
            }
        }
    }
    int row = 0;
    for (size_t i = 0; i < p->n; i++) {
        const point *q = &p->pts[i];
        if (!q->zero_flop)
            continue;
        double my = ax + 8 + (row < rows ? row : rows - 1) * 11;
        row++;
        const char *color = rl_op_color(q->op);
        shape s = precision_shape(q->prec);
        rl_sbuf_put(b, "<g class=\"case\" data-name=\"");
        rl_sbuf_put_xml(b, q->name);
        rl_sbuf_put(b, "\"><title>");
        rl_sbuf_put_xml(b, q->title);
        rl_sbuf_put(b, "</title>");
        if (IN_STRIP(q->y1) && IN_STRIP(q->y2))
            rl_sbuf_printf(b,
                           "<line class=\"link\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                           "stroke=\"%s\" stroke-width=\"1\" stroke-opacity=\"0.7\"/>",
                           BX(q->y1), my, BX(q->y2), my, color);
        if (IN_STRIP(q->y2))
            marker(b, s, BX(q->y2), my, 4, color, false, "p bw");
        if (IN_STRIP(q->y1))
            marker(b, s, BX(q->y1), my, 4, color, true, "m bw");
        rl_sbuf_put(b, "</g>\n");
    }
    rl_sbuf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888888\"/>",
                   x0, axis_y, x1, axis_y);
    for (double l = lo; l <= hi + 0.01; l++) {
        double x = BX(pow(10, l));
        char t[48];
        decade_label_si(l, "B/s", t, sizeof t);
        rl_sbuf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888888\"/>",
                       x, axis_y, x, axis_y + 4);
        /* label every decade that fits: first, last and every other one */
        if (l == lo || l >= hi - 0.01 || ((int)(l - lo)) % 2 == 0)
            text_element(b, x, axis_y + 15, l == lo ? 's' : l >= hi - 0.01 ? 'e' : 'm',
                         "#333333", "bw-axis", t, 9);
    }
#undef BX
#undef IN_STRIP
    return axis_y + 24;
}

/* ---- the document ----------------------------------------------------------------------------- */

static char *render(plot *p)
{
    rl_sbuf b;
    rl_sbuf_init(&b);
    keep_plottable_only(p);
    choose_ranges(p);
    p->obstacles.n = 0;
    rl_sbuf_printf(&b,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
                   "height=\"%d\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" "
                   "class=\"rooflab-roofline\">\n",
                   W, H, W, H);
    rl_sbuf_put(&b, "<title>");
    rl_sbuf_put_xml(&b, p->title);
    rl_sbuf_put(&b, "</title>\n");
    rl_sbuf_printf(&b, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", W, H);
    rl_sbuf_printf(&b, "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\" fill=\"#111111\">",
                   PL);
    rl_sbuf_put_xml(&b, p->title);
    rl_sbuf_printf(&b, "</text>\n<text x=\"%d\" y=\"40\" font-size=\"11\" fill=\"#555555\">", PL);
    rl_sbuf_put_xml(&b, p->subtitle);
    rl_sbuf_put(&b, "</text>\n");
    draw_axes(&b, p);
    reserve_markers(p);
    draw_roofs(&b, p);
    draw_points(&b, p); /* after the roof labels, so their halos never hide a point */
    int labelled = label_points(&b, p);
    draw_legend(&b, p, labelled);
    rl_sbuf_put(&b, "</svg>\n");
    return rl_sbuf_take(&b);
}

/* ---- from results ------------------------------------------------------------------------------ */

static bool zero_flop(const rl_case_result *c)
{
    return !(c->flops > 0) || !(c->intensity > 0);
}

static void validation_text(const rl_case_result *c, char *buf, size_t len)
{
    if (!c->validation.checked)
        snprintf(buf, len, "not checked");
    else
        snprintf(buf, len, "%s (max rel err %.2g, tolerance %.2g)",
                 c->validation.passed ? "pass" : "FAIL", c->validation.max_rel_err,
                 c->validation.tolerance);
}

static void case_title(const rl_case_result *c, char *buf, size_t len)
{
    char rate[48], bw[48], t[32], prate[48], pt[32], val[96];
    rl_format_si(c->flop_per_s, "FLOP/s", rate, sizeof rate);
    rl_format_si(c->byte_per_s, "B/s", bw, sizeof bw);
    rl_format_time(c->time_s.median, t, sizeof t);
    validation_text(c, val, sizeof val);
    int n = snprintf(buf, len, "%s\nintensity %.3g FLOP/B\nmeasured %s, %s, median %s", c->name,
                     c->intensity, rate, bw, t);
    if (n < 0 || (size_t)n >= len)
        return;
    if (c->predicted.present) {
        rl_format_si(c->predicted.flop_per_s, "FLOP/s", prate, sizeof prate);
        rl_format_time(c->predicted.time_s, pt, sizeof pt);
        double ratio = c->predicted.time_s > 0 && c->time_s.median > 0
                           ? c->predicted.time_s / c->time_s.median
                           : NAN;
        n += snprintf(buf + n, len - (size_t)n,
                      "\npredicted %s, %s, %s-bound\nmeasured/predicted %.2f\nMFU predicted "
                      "%.1f %%, measured %.1f %%",
                      prate, pt, c->predicted.bound[0] ? c->predicted.bound : "?", ratio,
                      100 * c->predicted.mfu, 100 * c->predicted.measured_mfu);
    } else {
        n += snprintf(buf + n, len - (size_t)n, "\nno prediction (no peaks known)");
    }
    if (n < 0 || (size_t)n >= len)
        return;
    snprintf(buf + n, len - (size_t)n, "\nvalidation %s", val);
}

static void case_label(const rl_case_result *c, const char *ratio_word, double ratio, char *buf,
                       size_t len)
{
    if (isfinite(ratio) && ratio > 0)
        snprintf(buf, len, "%s %s %s%.2f", rl_op_name(c->op), rl_precision_name(c->precision),
                 ratio_word, ratio);
    else
        snprintf(buf, len, "%s %s", rl_op_name(c->op), rl_precision_name(c->precision));
}

static double gap_of(double a, double b)
{
    return a > 0 && b > 0 && isfinite(a) && isfinite(b) ? fabs(log10(a / b)) : -1;
}

static void describe_run(const rl_results *r, char *title, size_t tlen, char *sub, size_t slen)
{
    const rl_run_info *in = &r->info;
    if (in->cpu.model[0] && strncmp(in->device, "cpu", 3) == 0 &&
        !strstr(in->device_description, in->cpu.model))
        snprintf(title, tlen, "Roofline: %.100s, %.100s (%s) on %.100s", in->cpu.model,
                 in->device_description[0] ? in->device_description : "?", in->device,
                 in->host[0] ? in->host : "unknown host");
    else
        snprintf(title, tlen, "Roofline: %.200s (%s) on %.100s",
                 in->device_description[0] ? in->device_description : "unknown device",
                 in->device[0] ? in->device : "?", in->host[0] ? in->host : "unknown host");
    snprintf(sub, slen, "%s suite, %s, rooflab %s (%s)%s. SI units: 1 GFLOP/s = 1e9 FLOP/s, 1 GB/s = 1e9 B/s.",
             in->suite[0] ? in->suite : "?", in->date[0] ? in->date : "undated",
             in->tool_version[0] ? in->tool_version : "?",
             in->git_revision[0] ? in->git_revision : "?", r->complete ? "" : ", partial run");
}

char *rl_roofline_svg_string(const rl_results *r)
{
    plot *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->pts = calloc(r->count ? r->count : 1, sizeof *p->pts);
    if (!p->pts) {
        free(p);
        return NULL;
    }
    describe_run(r, p->title, sizeof p->title, p->subtitle, sizeof p->subtitle);
    p->layers[p->layer_count++] = (layer){&r->ceilings.datasheet, NULL, "datasheet", "#4d4d4d", false};
    p->layers[p->layer_count++] = (layer){&r->ceilings.measured, NULL, "measured", "#1a1a1a", true};
    p->filled_name = "measured";
    p->hollow_name = "predicted";
    p->gap_word = "measured/predicted";
    for (size_t i = 0; i < r->count; i++) {
        const rl_case_result *c = &r->cases[i];
        bool zf = zero_flop(c);
        double y1 = zf ? c->byte_per_s : c->flop_per_s;
        if (c->outcome != RL_CASE_OK || !(y1 > 0) || !isfinite(y1)) {
            p->not_plotted++;
            continue;
        }
        point *q = &p->pts[p->n++];
        q->name = c->name;
        q->op = c->op;
        q->prec = c->precision;
        q->zero_flop = zf;
        q->x = c->intensity;
        q->y1 = y1;
        if (c->predicted.present) {
            if (zf && c->predicted.time_s > 0)
                q->y2 = c->bytes / c->predicted.time_s;
            else if (!zf)
                q->y2 = c->predicted.flop_per_s;
        }
        q->gap = gap_of(q->y1, q->y2);
        case_title(c, q->title, sizeof q->title);
        case_label(c, "\u00d7", q->y2 > 0 ? q->y1 / q->y2 : NAN, q->label, sizeof q->label);
    }
    char *svg = render(p);
    free(p->pts);
    free(p);
    return svg;
}

static rl_status write_text(const char *path, char *text, rl_err *err)
{
    if (!text)
        return rl_fail(err, RL_ERR_NOMEM, "out of memory drawing %s", path);
    rl_status s = rl_write_file_atomic(path, text, strlen(text), err);
    free(text);
    return s;
}

rl_status rl_roofline_svg_write(const rl_results *r, const char *path, rl_err *err)
{
    return write_text(path, rl_roofline_svg_string(r), err);
}

/* ---- two runs -------------------------------------------------------------------------------------- */

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
    const double v = zero_flop(c) ? c->byte_per_s : c->flop_per_s;
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
    bool zf = zero_flop(c);
    const char *unit = zf ? "B/s" : "FLOP/s";
    char ra[48], rb[48], ta[32], tb[32];
    rl_format_si(rate_of(a) > 0 ? rate_of(a) : NAN, unit, ra, sizeof ra);
    rl_format_si(rate_of(b) > 0 ? rate_of(b) : NAN, unit, rb, sizeof rb);
    rl_format_time(a && a->outcome == RL_CASE_OK ? a->time_s.median : NAN, ta, sizeof ta);
    rl_format_time(b && b->outcome == RL_CASE_OK ? b->time_s.median : NAN, tb, sizeof tb);
    int n = snprintf(buf, len, "%s\nintensity %.3g FLOP/B\nA (%s): %s, median %s\nB (%s): %s, median %s",
                     c->name, c->intensity, la, ra, ta, lb, rb, tb);
    if (n > 0 && (size_t)n < len && rate_of(a) > 0 && rate_of(b) > 0) {
        n += snprintf(buf + n, len - (size_t)n, "\nB/A rate %.3f", rate_of(b) / rate_of(a));
        if (n > 0 && (size_t)n < len && a->time_s.median > 0 && b->time_s.median > 0)
            snprintf(buf + n, len - (size_t)n, ", B/A time %.3f",
                     b->time_s.median / a->time_s.median);
    }
}

char *rl_compare_svg_string(const rl_results *a, const rl_results *b, const char *label_a,
                            const char *label_b)
{
    const char *la = label_a ? label_a : a->info.host;
    const char *lb = label_b ? label_b : b->info.host;
    plot *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->pts = calloc(a->count + b->count + 1, sizeof *p->pts);
    if (!p->pts) {
        free(p);
        return NULL;
    }
    snprintf(p->title, sizeof p->title, "Roofline comparison: A = %s, B = %s", la, lb);
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
    p->layers[p->layer_count++] = (layer){&a->ceilings.datasheet, NULL,
                                          with_b ? "A datasheet" : "datasheet", "#4d4d4d", false};
    p->layers[p->layer_count++] = (layer){&a->ceilings.measured, NULL,
                                          with_b ? "A measured" : "measured", "#1a1a1a", true};
    if (b_ds->memory_count || b_ds->compute_count)
        p->layers[p->layer_count++] =
            (layer){b_ds, &b->ceilings.datasheet, "B datasheet", "#a0522d", false};
    if (b_ms->memory_count || b_ms->compute_count)
        p->layers[p->layer_count++] =
            (layer){b_ms, &b->ceilings.measured, "B measured", "#a0522d", true};
    char fname[160], hname[160];
    snprintf(fname, sizeof fname, "A: %s", la);
    snprintf(hname, sizeof hname, "B: %s", lb);
    p->filled_name = fname;
    p->hollow_name = hname;
    p->gap_word = "B/A";
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
            point *q = &p->pts[p->n++];
            q->name = c->name;
            q->op = c->op;
            q->prec = c->precision;
            q->zero_flop = zero_flop(c);
            q->x = c->intensity;
            q->y1 = ya;
            q->y2 = yb;
            q->gap = gap_of(ya, yb);
            compare_title(ca, cb, la, lb, q->title, sizeof q->title);
            case_label(c, "B/A ", ya > 0 && yb > 0 ? yb / ya : NAN, q->label, sizeof q->label);
        }
    }
    char *svg = render(p);
    free(b_ds);
    free(p->pts);
    free(p);
    return svg;
}

rl_status rl_compare_svg_write(const rl_results *a, const rl_results *b, const char *label_a,
                               const char *label_b, const char *path, rl_err *err)
{
    return write_text(path, rl_compare_svg_string(a, b, label_a, label_b), err);
}
