/* Points and their labels: each case a filled marker (measured, or the
 * prediction when only predictions are drawn) and a hollow one (predicted,
 * or run B), coloured by op (or by device) and shaped by precision, its
 * numbers in an SVG <title> (hover text); labels where they overlap
 * nothing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/roofline_internal.h"

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
        [RL_OP_SILU_GATE] = "#1b9e77",
        [RL_OP_GELU_GATE] = "#66a61e",
        [RL_OP_RESIDUAL_ADD] = "#e7298a",
    };
    return (unsigned)op < RL_OP_COUNT ? palette[op] : "#000000";
}

const char *rl_svg_point_color(const svg_plot *p, const svg_point *q)
{
    if (q->layer >= 0 && q->layer < p->layer_count)
        return p->layers[q->layer].color;
    return rl_op_color(q->op);
}

svg_shape rl_svg_precision_shape(rl_precision p)
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

void rl_svg_marker(rl_sbuf *b, svg_shape s, double x, double y, double r, const char *color,
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
            double a = SVG_PI / 3 * i;
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

void rl_svg_ratio_text(double ratio, const char *word, char *buf, size_t len)
{
    if (!(isfinite(ratio) && ratio > 0))
        snprintf(buf, len, "%s", "");
    else if (ratio < 0.005)
        snprintf(buf, len, "%s< 0.01\u00d7", word);
    else
        snprintf(buf, len, "%s\u00d7%.2f", word, ratio);
}

void rl_svg_draw_points(rl_sbuf *b, const svg_plot *p)
{
    rl_sbuf_put(b, "<g class=\"points\">\n");
    /* links and hollow markers first, so filled markers sit on top */
    for (size_t i = 0; i < p->n; i++) {
        const svg_point *q = &p->pts[i];
        if (q->zero_flop || !rl_svg_in_x(p, q->x))
            continue;
        const char *color = rl_svg_point_color(p, q);
        svg_shape s = rl_svg_precision_shape(q->prec);
        double x = rl_svg_px(p, log10(q->x));
        rl_sbuf_put(b, "<g class=\"case\" data-name=\"");
        rl_sbuf_put_xml(b, q->name);
        rl_sbuf_put(b, "\"><title>");
        rl_sbuf_put_xml(b, q->title);
        rl_sbuf_put(b, "</title>");
        bool have1 = rl_svg_in_y(p, q->y1), have2 = rl_svg_in_y(p, q->y2);
        if (have1 && have2)
            rl_sbuf_printf(b,
                           "<line class=\"link\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                           "stroke=\"%s\" stroke-width=\"1\" stroke-opacity=\"0.7\"/>",
                           x, rl_svg_py(p, log10(q->y1)), x, rl_svg_py(p, log10(q->y2)), color);
        if (have2)
            rl_svg_marker(b, s, x, rl_svg_py(p, log10(q->y2)), SVG_MARK_R, color, false, "p");
        if (have1)
            rl_svg_marker(b, s, x, rl_svg_py(p, log10(q->y1)), SVG_MARK_R, color, true, "m");
        rl_sbuf_put(b, "</g>\n");
    }
    rl_sbuf_put(b, "</g>\n");
}

/* Every marker and link is an obstacle for every label, roof labels included. */
void rl_svg_reserve_markers(svg_plot *p)
{
    const double r = SVG_MARK_R + 1;
    for (size_t i = 0; i < p->n; i++) {
        const svg_point *q = &p->pts[i];
        if (q->zero_flop || !rl_svg_in_x(p, q->x))
            continue;
        double x = rl_svg_px(p, log10(q->x));
        const double ys[2] = {q->y1, q->y2};
        for (int k = 0; k < 2; k++)
            if (rl_svg_in_y(p, ys[k])) {
                double y = rl_svg_py(p, log10(ys[k]));
                rl_svg_add_box(&p->obstacles, (svg_box){x - r, y - r, x + r, y + r});
            }
        if (rl_svg_in_y(p, q->y1) && rl_svg_in_y(p, q->y2)) {
            double ya = rl_svg_py(p, log10(q->y1)), yb = rl_svg_py(p, log10(q->y2));
            rl_svg_add_box(&p->obstacles, (svg_box){x - 1, fmin(ya, yb), x + 1, fmax(ya, yb)});
        }
    }
}

static int by_gap_desc(const void *a, const void *b)
{
    const svg_point *const *pa = a, *const *pb = b;
    double ga = (*pa)->gap, gb = (*pb)->gap;
    if (ga != gb)
        return ga < gb ? 1 : -1;
    return strcmp((*pa)->name, (*pb)->name);
}

/* Runs: per op the case with the largest gap between its two markers (or
 * its fastest case without a prediction), largest gaps first. */
static size_t label_order_runs(const svg_plot *p, const svg_point **order)
{
    const svg_point *best[RL_OP_COUNT] = {0};
    for (size_t i = 0; i < p->n; i++) {
        const svg_point *q = &p->pts[i];
        if (q->zero_flop || !rl_svg_in_x(p, q->x) || !rl_svg_in_y(p, q->y1 > 0 ? q->y1 : q->y2))
            continue;
        const svg_point *cur = best[q->op];
        double yq = q->y1 > 0 ? q->y1 : q->y2;
        if (!cur || q->gap > cur->gap ||
            (q->gap == cur->gap && yq > (cur->y1 > 0 ? cur->y1 : cur->y2)))
            best[q->op] = q;
    }
    size_t n = 0;
    for (int op = 0; op < RL_OP_COUNT; op++)
        if (best[op])
            order[n++] = best[op];
    qsort(order, n, sizeof order[0], by_gap_desc);
    return n;
}

/* Predictions: every point in the order given, the ends of each series
 * (a device and precision) first so that a sweep's range is always read. */
static size_t label_order_predictions(const svg_plot *p, const svg_point **order)
{
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < p->n; i++) {
            const svg_point *q = &p->pts[i];
            if (q->zero_flop || !q->label[0] || !rl_svg_in_x(p, q->x) || !rl_svg_in_y(p, q->y1))
                continue;
            bool first = i == 0 || p->pts[i - 1].layer != q->layer || p->pts[i - 1].prec != q->prec ||
                         p->pts[i - 1].op != q->op;
            bool last = i + 1 == p->n || p->pts[i + 1].layer != q->layer ||
                        p->pts[i + 1].prec != q->prec || p->pts[i + 1].op != q->op;
            if ((first || last) == (pass == 0))
                order[n++] = q;
        }
    return n;
}

static bool place_label(rl_sbuf *b, svg_plot *p, const svg_point *q)
{
    double x = rl_svg_px(p, log10(q->x));
    double y = rl_svg_py(p, log10(q->y1 > 0 && rl_svg_in_y(p, q->y1) ? q->y1 : q->y2));
    double w = rl_svg_text_width(q->label, SVG_FS);
    static const struct {
        double dx, dy;
        char anchor;
    } cand[] = {
        {9, 4, 's'},   {-9, 4, 'e'},   {0, -10, 'm'},  {0, 18, 'm'},    {8, -9, 's'},
        {-8, -9, 'e'}, {8, 16, 's'},   {-8, 16, 'e'},  {0, -24, 'm'},   {0, 32, 'm'},
        {14, -20, 's'}, {-14, -20, 'e'}, {14, 30, 's'}, {-14, 30, 'e'},
    };
    for (size_t k = 0; k < sizeof cand / sizeof cand[0]; k++) {
        svg_box bb = rl_svg_text_box(x + cand[k].dx, y + cand[k].dy, w, SVG_FS, cand[k].anchor);
        if (!rl_svg_inside_plot(p, bb) || rl_svg_hits(&p->obstacles, bb, -1))
            continue;
        /* a leader from the marker to the label when they are apart */
        double nx = fmax(bb.x0, fmin(x, bb.x1)), ny = fmax(bb.y0, fmin(y, bb.y1));
        double dist = hypot(nx - x, ny - y);
        svg_seg leader = {x + (nx - x) * SVG_MARK_R / dist, y + (ny - y) * SVG_MARK_R / dist, nx,
                          ny, -1};
        if (dist > 11) {
            /* the leader must not cross another label */
            bool crosses = false;
            for (size_t i = 0; i < p->obstacles.n && !crosses; i++) {
                svg_box o = p->obstacles.box[i];
                crosses = !(x >= o.x0 && x <= o.x1 && y >= o.y0 && y <= o.y1) &&
                          rl_svg_box_crosses_seg(o, leader);
            }
            if (crosses)
                continue;
        }
        rl_svg_add_box(&p->obstacles, bb);
        if (dist > 11)
            rl_sbuf_printf(b,
                           "<line class=\"leader\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                           "y2=\"%.1f\" stroke=\"#999999\" stroke-width=\"0.8\"/>",
                           leader.x0, leader.y0, leader.x1, leader.y1);
        rl_sbuf_printf(b,
                       "<text class=\"pt-label\" x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" "
                       "fill=\"%s\"%s%s>",
                       x + cand[k].dx, y + cand[k].dy, SVG_FS,
                       p->predictions ? rl_svg_point_color(p, q) : "#222222",
                       cand[k].anchor == 'e'   ? " text-anchor=\"end\""
                       : cand[k].anchor == 'm' ? " text-anchor=\"middle\""
                                               : "",
                       rl_svg_halo);
        rl_sbuf_put_xml(b, q->label);
        rl_sbuf_put(b, "</text>\n");
        return true;
    }
    return false;
}

int rl_svg_label_points(rl_sbuf *b, svg_plot *p)
{
    const svg_point **order = malloc((p->n + RL_OP_COUNT) * sizeof *order);
    if (!order)
        return 0;
    size_t n = p->predictions ? label_order_predictions(p, order) : label_order_runs(p, order);
    const int max = p->max_labels > 0 ? p->max_labels : RL_SVG_MAX_POINT_LABELS;
    int placed = 0;
    rl_sbuf_put(b, "<g class=\"point-labels\">\n");
    for (size_t i = 0; i < n && placed < max; i++)
        placed += place_label(b, p, order[i]);
    rl_sbuf_put(b, "</g>\n");
    free(order);
    return placed;
}
