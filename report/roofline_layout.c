/* Text measurement and collision boxes: every label of the roofline is
 * placed where its box touches no other label, marker or line. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/roofline_internal.h"

size_t rl_svg_glyphs(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xc0) != 0x80)
            n++;
    return n;
}

/* An estimate for DejaVu Sans (the first font asked for): its digits and
 * lower-case letters average a little under 0.6 em. */
double rl_svg_text_width(const char *s, double fs)
{
    return (double)rl_svg_glyphs(s) * fs * 0.6 + 2;
}

bool rl_svg_overlaps(svg_box a, svg_box b)
{
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/* Liang-Barsky: clip the segment to the box; it crosses when something is left. */
bool rl_svg_box_crosses_seg(svg_box b, svg_seg s)
{
    double t0 = 0, t1 = 1;
    const double dx = s.x1 - s.x0, dy = s.y1 - s.y0;
    const double pv[4] = {-dx, dx, -dy, dy};
    const double qv[4] = {s.x0 - b.x0, b.x1 - s.x0, s.y0 - b.y0, b.y1 - s.y0};
    for (int i = 0; i < 4; i++) {
        if (pv[i] == 0) {
            if (qv[i] < 0)
                return false;
            continue;
        }
        double t = qv[i] / pv[i];
        if (pv[i] < 0) {
            if (t > t1)
                return false;
            if (t > t0)
                t0 = t;
        } else {
            if (t < t0)
                return false;
            if (t < t1)
                t1 = t;
        }
    }
    return t0 < t1;
}

bool rl_svg_hits(const svg_obstacles *o, svg_box b, int owner)
{
    for (size_t i = 0; i < o->n; i++)
        if (rl_svg_overlaps(o->box[i], b))
            return true;
    for (size_t i = 0; i < o->nseg; i++)
        if ((owner < 0 || o->seg[i].owner != owner) && rl_svg_box_crosses_seg(b, o->seg[i]))
            return true;
    return false;
}

void rl_svg_add_box(svg_obstacles *o, svg_box b)
{
    if (o->n < SVG_MAX_BOXES)
        o->box[o->n++] = b;
}

void rl_svg_add_seg(svg_obstacles *o, svg_seg s)
{
    if (o->nseg < SVG_MAX_SEGS)
        o->seg[o->nseg++] = s;
}

svg_box rl_svg_text_box(double x, double y, double w, double fs, char anchor)
{
    double x0 = anchor == 's' ? x : anchor == 'e' ? x - w : x - w / 2;
    return (svg_box){x0, y - fs * 0.82, x0 + w, y + fs * 0.25};
}

void rl_svg_fit_text(const char *text, double fs, double max_w, char *buf, size_t len)
{
    if (len == 0)
        return;
    snprintf(buf, len, "%s", text);
    if (rl_svg_text_width(buf, fs) <= max_w)
        return;
    /* keep the head and the tail (a path's folder and its last names), cut
     * whole UTF-8 characters out of the middle */
    size_t glyphs = rl_svg_glyphs(text);
    size_t keep = (size_t)fmax(2, floor((max_w - 2) / (fs * 0.6)) - 1);
    if (keep >= glyphs)
        return;
    size_t head = keep / 2, tail = keep - head;
    size_t g = 0, i = 0, cut_a = 0, cut_b = strlen(text);
    for (; text[i]; i++)
        if (((unsigned char)text[i] & 0xc0) != 0x80) {
            if (g == head)
                cut_a = i;
            if (g == glyphs - tail) {
                cut_b = i;
                break;
            }
            g++;
        }
    snprintf(buf, len, "%.*s\u2026%s", (int)cut_a, text, text + cut_b);
}
