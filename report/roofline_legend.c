/* The legend panel right of the plot (roofs, marker meanings, op colours,
 * precision shapes, notes) and the bandwidth strip of zero-FLOP ops. Every
 * text is fitted to the panel's width. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/roofline_internal.h"

#define LX LEGEND_X
#define LEGEND_TEXT_W (SVG_W - LX - 32 - 6) /* right of a key, inside the frame */

/* Word-wrapped note lines; returns the y after the last line. */
static double note(rl_sbuf *b, double x, double y, const char *text, size_t width_chars)
{
    const char *s = text;
    while (*s) {
        size_t take = strlen(s);
        if (rl_svg_glyphs(s) > width_chars) {
            /* break at the last space within width_chars glyphs */
            size_t g = 0, last_space = 0, i = 0;
            for (; s[i] && g < width_chars; i++) {
                if (((unsigned char)s[i] & 0xc0) != 0x80)
                    g++;
                if (s[i] == ' ')
                    last_space = i;
            }
            take = last_space ? last_space : i;
            /* never split a UTF-8 character */
            while (take > 0 && ((unsigned char)s[take] & 0xc0) == 0x80)
                take--;
        }
        char line[256];
        snprintf(line, sizeof line, "%.*s", (int)(take < sizeof line - 1 ? take : sizeof line - 1), s);
        rl_sbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#555555\">", x,
                       y);
        rl_sbuf_put_xml(b, line);
        rl_sbuf_put(b, "</text>\n");
        y += 12.5;
        s += take ? take : 1;
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

/* One legend entry's text right of its key, shortened to the panel. */
static void key_text(rl_sbuf *b, double y, const char *text, const char *suffix)
{
    char name[400], fit[460];
    /* the name is shortened, never the suffix (", joined by a line") */
    rl_svg_fit_text(text, 11, LEGEND_TEXT_W - rl_svg_text_width(suffix, 11) + 2, name,
                    sizeof name);
    snprintf(fit, sizeof fit, "%s%s", name, suffix);
    rl_sbuf_printf(b, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#222222\">", LX + 32, y);
    rl_sbuf_put_xml(b, fit);
    rl_sbuf_put(b, "</text>\n");
}

static double bandwidth_strip(rl_sbuf *b, svg_plot *p, double y);

void rl_svg_draw_legend(rl_sbuf *b, svg_plot *p, int labelled)
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
    double y = AREA_T + 8;
    y = heading(b, y, p->predictions ? "Roofs (device)" : "Roofs");
    for (int l = 0; l < p->layer_count; l++) {
        const svg_layer *ly = &p->layers[l];
        rl_sbuf_printf(b,
                       "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
                       "stroke-width=\"1.8\"",
                       LX, y - 4, LX + 26, y - 4, ly->color);
        if (ly->dash && ly->dash[0])
            rl_sbuf_printf(b, " stroke-dasharray=\"%s\"", ly->dash);
        rl_sbuf_put(b, "/>");
        bool empty = ly->set->memory_count == 0 && ly->set->compute_count == 0;
        key_text(b, y, ly->tag, empty ? " (none known)" : "");
        y += 14;
    }
    rl_sbuf_printf(b, "<circle cx=\"%d\" cy=\"%.1f\" r=\"3.2\" fill=\"#ffffff\" stroke=\"#333333\" "
                      "stroke-width=\"1.5\"/>",
                   LX + 13, y - 4);
    key_text(b, y, "ridge point", "");
    y += 14;
    if (p->predictions) {
        rl_sbuf_printf(b, "<rect x=\"%d\" y=\"%.1f\" width=\"12\" height=\"11\" fill=\"#e8f0fa\"/>"
                          "<rect x=\"%d\" y=\"%.1f\" width=\"12\" height=\"11\" fill=\"#fcefe2\"/>",
                       LX + 1, y - 10, LX + 14, y - 10);
        key_text(b, y, "memory- / compute-bound", "");
        y += 14;
    }
    y += 6;
    y = heading(b, y, "Points");
    rl_svg_marker(b, SH_CIRCLE, LX + 13, y - 4, SVG_MARK_R, "#555555", true, "key");
    key_text(b, y, p->filled_name, p->predictions ? " (colour: device)" : "");
    y += 14;
    if (!p->predictions) {
        rl_svg_marker(b, SH_CIRCLE, LX + 13, y - 4, SVG_MARK_R, "#555555", false, "key");
        key_text(b, y, p->hollow_name, any_hollow ? ", joined by a line" : " (none)");
        y += 14;
    }
    y += 6;
    if (!p->predictions) {
        y = heading(b, y, "Op (colour)");
        for (int op = 0; op < RL_OP_COUNT; op++) {
            if (!ops[op])
                continue;
            rl_sbuf_printf(b, "<rect x=\"%d\" y=\"%.1f\" width=\"11\" height=\"11\" rx=\"2\" fill=\"%s\"/>",
                           LX + 8, y - 10, rl_op_color((rl_op)op));
            key_text(b, y, rl_op_name((rl_op)op), "");
            y += 14;
        }
        y += 6;
    }
    y = heading(b, y, "Precision (shape)");
    int col = 0;
    for (int pr = 0; pr < RL_PREC_COUNT; pr++) {
        if (!precs[pr])
            continue;
        double x = LX + col * 118;
        rl_svg_marker(b, rl_svg_precision_shape((rl_precision)pr), x + 13, y - 4, SVG_MARK_R,
                      "#555555", true, "key");
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
    if (p->predictions)
        y = note(b, LX, y,
                 labelled > 0 ? "Labels: the shape, where there is room; hover any point for its "
                                "device, precision and numbers."
                              : "Hover a point for its numbers.",
                 40);
    else if (labelled > 0) {
        snprintf(buf, sizeof buf,
                 "Labels: per op, the case with the largest %s gap (%d shown); hover any point "
                 "for its numbers.",
                 p->gap_word, labelled);
        y = note(b, LX, y, buf, 40);
    } else {
        y = note(b, LX, y, "Hover a point for its numbers.", 40);
    }
    if (p->not_plotted > 0) {
        const char *word = p->not_plotted_word ? p->not_plotted_word : "failed or unsupported case";
        snprintf(buf, sizeof buf, "%d %s%s not plotted (see the table).", p->not_plotted, word,
                 p->not_plotted == 1 ? "" : "s");
        y = note(b, LX, y, buf, 40);
    }
    if (any_zero)
        y = bandwidth_strip(b, p, y + 8);
    rl_sbuf_put(b, "</g>\n");
}

/* Zero-FLOP ops have no place on a FLOP/s axis: a small log axis of byte/s
 * with the memory roofs as ticks and the cases as markers. */
static double bandwidth_strip(rl_sbuf *b, svg_plot *p, double y)
{
    y = heading(b, y, "Zero-FLOP ops (bandwidth)");
    y = note(b, LX, y,
             "copy does no FLOPs, so it has no place on the FLOP/s axis; it is shown here "
             "against the memory roofs.",
             40);
    svg_range r = {DBL_MAX, -DBL_MAX};
    for (size_t i = 0; i < p->n; i++)
        if (p->pts[i].zero_flop) {
            rl_svg_widen(&r, p->pts[i].y1);
            rl_svg_widen(&r, p->pts[i].y2);
        }
    for (int l = 0; l < p->layer_count; l++)
        for (int i = 0; i < p->layers[l].set->memory_count; i++)
            rl_svg_widen(&r, p->layers[l].set->memory[i].value);
    double lo, hi;
    rl_svg_finish_range(&r, 9, 11, 2, &lo, &hi);
    const double x0 = LX + 6, x1 = SVG_W - 14;
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
    svg_box placed[64];
    int np = 0;
    for (int l = 0; l < p->layer_count; l++) {
        const svg_layer *ly = &p->layers[l];
        const rl_roof_set *s = ly->set;
        for (int i = 0; i < s->memory_count; i++) {
            double v = s->memory[i].value;
            if (!IN_STRIP(v))
                continue;
            double x = BX(v);
            rl_sbuf_printf(b,
                           "<line class=\"bw-roof\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                           "stroke=\"%s\" stroke-width=\"1.5\"%s><title>",
                           x, ax - 2, x, axis_y, ly->color,
                           ly->dash && ly->dash[0] ? " stroke-dasharray=\"4 3\"" : "");
            char t[200];
            rl_svg_roof_label_text(&s->memory[i], true, ly->tag, t, sizeof t);
            rl_sbuf_put_xml(b, t);
            rl_sbuf_put(b, "</title></line>\n");
            double w = rl_svg_text_width(s->memory[i].name, 9);
            for (int lift = 0; lift < 2; lift++) {
                svg_box bb = rl_svg_text_box(x, ax - 5 - lift * 10, w, 9, 'm');
                bool free_ = bb.x0 >= LX && bb.x1 <= SVG_W - 2;
                for (int k = 0; k < np && free_; k++)
                    free_ = !rl_svg_overlaps(placed[k], bb);
                if (!free_)
                    continue;
                if (np < 64)
                    placed[np++] = bb;
                rl_svg_text_element(b, x, ax - 5 - lift * 10, 'm', ly->color, "bw-roof-label",
                                    s->memory[i].name, 9);
                break;
            }
        }
    }
    int row = 0;
    for (size_t i = 0; i < p->n; i++) {
        const svg_point *q = &p->pts[i];
        if (!q->zero_flop)
            continue;
        double my = ax + 8 + (row < rows ? row : rows - 1) * 11;
        row++;
        const char *color = rl_svg_point_color(p, q);
        svg_shape s = rl_svg_precision_shape(q->prec);
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
            rl_svg_marker(b, s, BX(q->y2), my, 4, color, false, "p bw");
        if (IN_STRIP(q->y1))
            rl_svg_marker(b, s, BX(q->y1), my, 4, color, true, "m bw");
        rl_sbuf_put(b, "</g>\n");
    }
    rl_sbuf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888888\"/>",
                   x0, axis_y, x1, axis_y);
    for (double l = lo; l <= hi + 0.01; l++) {
        double x = BX(pow(10, l));
        char t[48];
        rl_svg_decade_label_si(l, "B/s", t, sizeof t);
        rl_sbuf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888888\"/>",
                       x, axis_y, x, axis_y + 4);
        /* label every decade that fits: first, last and every other one */
        if (l == lo || l >= hi - 0.01 || ((int)(l - lo)) % 2 == 0)
            rl_svg_text_element(b, x, axis_y + 15, l == lo ? 's' : l >= hi - 0.01 ? 'e' : 'm',
                                "#333333", "bw-axis", t, 9);
    }
#undef BX
#undef IN_STRIP
    return axis_y + 24;
}
