/* The per-device spread of a merge: a strip chart, one row per case. */
#include "report/rl_strip_chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/rl_sbuf.h"

#define LEFT 330.0   /* case names */
#define RIGHT 40.0
#define TOP 64.0     /* title and legend */
#define ROW 22.0
#define BOTTOM 48.0  /* axis ticks and label */
#define MAX_RATIO 5.0
#define NAME_CHARS 47 /* of 11 px DejaVu Sans in LEFT - 12 px */
#define NAME_HEAD 18

static const char normal_fill[] = "#4c78a8", slow_fill[] = "#d62728";

/* Host h's rate over the median of row r, when both exist and another
 * device ran the case too (alone, it has nothing to be compared with). */
static bool ratio_of(const rl_merge_row *r, size_t h, double *ratio)
{
    if (r->hosts_with < 2 || !(r->rates[h] > 0) || !(r->median > 0) || !isfinite(r->rates[h]))
        return false;
    *ratio = r->rates[h] / r->median;
    return isfinite(*ratio);
}

/* Axis range: the median and the threshold always inside, widened to the
 * data, in steps of 0.05, at most MAX_RATIO on the right. */
static void axis_range(const rl_merge *m, double *lo, double *hi)
{
    double min = RL_MERGE_SLOW_FRACTION - 0.05, max = 1.1;
    for (size_t i = 0; i < m->count; i++)
        for (size_t h = 0; h < m->host_count; h++) {
            double v;
            if (!ratio_of(&m->rows[i], h, &v))
                continue;
            if (v < min)
                min = v;
            if (v > max)
                max = v;
        }
    *lo = fmax(0.0, floor((min - 0.03) * 20) / 20);
    *hi = fmin(MAX_RATIO, ceil((max + 0.03) * 20) / 20);
}

static double tick_step(double span)
{
    static const double steps[] = {0.05, 0.1, 0.2, 0.25, 0.5, 1.0};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (span / steps[i] <= 10)
            return steps[i];
    return 1.0;
}

char *rl_strip_chart_svg(const rl_merge *m)
{
    double lo, hi;
    axis_range(m, &lo, &hi);
    const double width = RL_STRIP_WIDTH, plot_w = width - LEFT - RIGHT;
    const double rows = m->count ? (double)m->count : 1;
    const double height = TOP + rows * ROW + BOTTOM;
#define X(v) (LEFT + ((v) - lo) / (hi - lo) * plot_w)

    rl_sbuf b;
    rl_sbuf_init(&b);
    rl_sbuf_printf(&b,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                   "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Helvetica, Arial, "
                   "sans-serif\" font-size=\"12\">\n",
                   width, height, width, height);
    rl_sbuf_printf(&b, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"white\"/>\n", width, height);
    rl_sbuf_printf(&b,
                   "<text x=\"%.0f\" y=\"22\" font-size=\"15\" font-weight=\"bold\">Spread across "
                   "%zu devices: each one's rate over the case's median</text>\n",
                   LEFT - 320, m->host_count);
    /* legend */
    rl_sbuf_printf(&b,
                   "<circle cx=\"%.0f\" cy=\"44\" r=\"4.5\" fill=\"%s\"/><text x=\"%.0f\" y=\"48\">"
                   "within %.0f %% of the median or above</text>\n",
                   LEFT - 312, normal_fill, LEFT - 302, 100 * (1 - RL_MERGE_SLOW_FRACTION));
    rl_sbuf_printf(&b,
                   "<circle cx=\"%.0f\" cy=\"44\" r=\"4.5\" fill=\"%s\"/><text x=\"%.0f\" y=\"48\">"
                   "below %.0f %%: a straggler on this case (named)</text>\n",
                   LEFT + 10, slow_fill, LEFT + 20, 100 * RL_MERGE_SLOW_FRACTION);

    const double y0 = TOP, y1 = TOP + rows * ROW;
    /* row bands and case names */
    for (size_t i = 0; i < m->count; i++) {
        const double y = TOP + i * ROW;
        if (i % 2 == 0)
            rl_sbuf_printf(&b, "<rect x=\"%.0f\" y=\"%.1f\" width=\"%.0f\" height=\"%.0f\" "
                               "fill=\"#f5f5f5\"/>\n",
                           LEFT - 325, y, width - RIGHT - LEFT + 325, ROW);
        rl_sbuf_printf(&b, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">",
                       LEFT - 8, y + ROW / 2 + 4);
        /* At most NAME_CHARS characters fit left of the plot: a longer name
         * keeps its start (the op) and its end (the shape), the <title>
         * holds it whole. Names are ASCII (rl_case_name). */
        char name[NAME_CHARS + 8];
        const char *full = m->rows[i].name;
        const size_t len = strlen(full);
        if (len <= NAME_CHARS)
            snprintf(name, sizeof name, "%s", full);
        else
            snprintf(name, sizeof name, "%.*s\u2026%s", NAME_HEAD, full,
                     full + len - (NAME_CHARS - NAME_HEAD - 1));
        rl_sbuf_put_xml(&b, name);
        rl_sbuf_put(&b, "<title>");
        rl_sbuf_put_xml(&b, m->rows[i].name);
        rl_sbuf_put(&b, "</title></text>\n");
    }
    /* grid and ticks */
    const double step = tick_step(hi - lo);
    for (long k = lround(ceil(lo / step - 1e-9)); k * step <= hi + 1e-9; k++) {
        const double t = k * step;
        /* "0.75", "1", "1.1": two decimals, trailing zeros dropped */
        char label[16];
        snprintf(label, sizeof label, "%.2f", t);
        for (char *end = label + strlen(label) - 1; *end == '0' || *end == '.'; end--) {
            const bool dot = *end == '.';
            *end = '\0';
            if (dot)
                break;
        }
        rl_sbuf_printf(&b,
                       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                       "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#444\">%s</text>\n",
                       X(t), y0, X(t), y1, X(t), y1 + 16, label);
    }
    rl_sbuf_printf(&b,
                   "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">rate / median across "
                   "devices (FLOP/s, or B/s for ops without FLOPs)</text>\n",
                   LEFT + plot_w / 2, y1 + 36);
    rl_sbuf_printf(&b,
                   "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" "
                   "stroke-width=\"1.5\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                   "fill=\"#555\">median</text>\n",
                   X(1.0), y0, X(1.0), y1, X(1.0), y0 - 5);
    rl_sbuf_printf(&b,
                   "<line class=\"threshold\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                   "stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
                   "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\">%.0f %%</text>\n",
                   X(RL_MERGE_SLOW_FRACTION), y0, X(RL_MERGE_SLOW_FRACTION), y1, slow_fill,
                   X(RL_MERGE_SLOW_FRACTION) - 3, y0 - 5, slow_fill,
                   100 * RL_MERGE_SLOW_FRACTION);

    /* the dots: normal ones first, so the slow ones and their names sit on top */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < m->count; i++) {
            const rl_merge_row *r = &m->rows[i];
            const double y = TOP + i * ROW + ROW / 2;
            if (r->hosts_with < 2) {
                if (pass == 0)
                    rl_sbuf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#888\" "
                                       "font-style=\"italic\">%s</text>\n",
                                   LEFT + 6, y + 4,
                                   r->hosts_with == 1 ? "one device only: no spread"
                                                      : "ran on no device (failed or unsupported)");
                continue;
            }
            for (size_t h = 0; h < m->host_count; h++) {
                double v;
                if (!ratio_of(r, h, &v))
                    continue;
                const bool slow = v < RL_MERGE_SLOW_FRACTION;
                if (slow != (pass == 1))
                    continue;
                const bool off_scale = v > hi;
                const double x = X(off_scale ? hi : v);
                char rate[32];
                rl_format_si(r->rates[h], r->rate_unit, rate, sizeof rate);
                rl_sbuf_printf(&b, "<g class=\"dot%s\">", slow ? " slow" : "");
                if (off_scale)
                    rl_sbuf_printf(&b, "<path d=\"M%.1f %.1f l-9 -5 v10 z\" fill=\"%s\"/>", x, y,
                                   normal_fill);
                else
                    rl_sbuf_printf(&b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\" "
                                       "fill-opacity=\"%s\"/>",
                                   x, y, slow ? slow_fill : normal_fill, slow ? "1" : "0.75");
                rl_sbuf_put(&b, "<title>");
                rl_sbuf_printf_xml(&b, "%s, %s: %.3f x the median (%s)", m->hosts[h], r->name, v,
                                   rate);
                rl_sbuf_put(&b, "</title>");
                if (slow) {
                    rl_sbuf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10.5\" "
                                       "text-anchor=\"end\" fill=\"%s\">",
                                   x - 7, y + 4, slow_fill);
                    rl_sbuf_put_xml(&b, m->hosts[h]);
                    rl_sbuf_put(&b, "</text>");
                }
                rl_sbuf_put(&b, "</g>\n");
            }
        }
    rl_sbuf_put(&b, "</svg>\n");
#undef X
    return rl_sbuf_take(&b);
}
