/* The roofline document, and the plot of one run: its datasheet and
 * measured roofs, each case measured beside its prediction. */
#include "report/rl_roofline_svg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/rl_case_flags.h"
#include "report/roofline_internal.h"

char *rl_svg_render(svg_plot *p)
{
    rl_sbuf b;
    rl_sbuf_init(&b);
    rl_svg_layout_axes(p);
    p->obstacles.n = p->obstacles.nseg = 0;
    rl_sbuf_printf(&b,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
                   "height=\"%d\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" "
                   "class=\"rooflab-roofline\">\n",
                   SVG_W, SVG_H, SVG_W, SVG_H);
    rl_sbuf_put(&b, "<title>");
    rl_sbuf_put_xml(&b, p->title);
    rl_sbuf_put(&b, "</title>\n");
    rl_sbuf_printf(&b, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", SVG_W, SVG_H);
    /* title and subtitle stay inside the frame: long names are cut in the
     * middle (the whole title is the document's <title>) */
    char fit[900];
    rl_svg_fit_text(p->title, 15 * 1.1, SVG_W - AREA_L - 8, fit, sizeof fit);
    rl_sbuf_printf(&b,
                   "<text class=\"title\" x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\" "
                   "fill=\"#111111\">",
                   AREA_L);
    rl_sbuf_put_xml(&b, fit);
    rl_svg_fit_text(p->subtitle, 11, SVG_W - AREA_L - 8, fit, sizeof fit);
    rl_sbuf_printf(&b,
                   "</text>\n<text class=\"subtitle\" x=\"%d\" y=\"40\" font-size=\"11\" "
                   "fill=\"#555555\">",
                   AREA_L);
    rl_sbuf_put_xml(&b, fit);
    rl_sbuf_put(&b, "</text>\n");
    rl_svg_draw_axes(&b, p);
    rl_svg_reserve_markers(p);
    rl_svg_reserve_roof_lines(p);
    rl_svg_draw_roofs(&b, p);
    rl_svg_label_regions(&b, p); /* where the roof labels left room */
    rl_svg_draw_points(&b, p);   /* after the roof labels, so their halos never hide a point */
    int labelled = rl_svg_label_points(&b, p);
    rl_svg_draw_legend(&b, p, labelled);
    rl_sbuf_put(&b, "</svg>\n");
    return rl_sbuf_take(&b);
}

/* ---- helpers for the plots of runs --------------------------------------------- */

bool rl_svg_zero_flop(const rl_case_result *c)
{
    return !(c->flops > 0) || !(c->intensity > 0);
}

double rl_svg_gap(double a, double b)
{
    return a > 0 && b > 0 && isfinite(a) && isfinite(b) ? fabs(log10(a / b)) : -1;
}

void rl_svg_shape_text(rl_op op, const rl_shape *s, char *buf, size_t len)
{
    if (op == RL_OP_GEMM && s->m == s->n && s->n == s->k)
        snprintf(buf, len, "%lld\u00b3", (long long)s->m);
    else if (op == RL_OP_GEMM)
        snprintf(buf, len, "%lld\u00d7%lld\u00d7%lld", (long long)s->m, (long long)s->n,
                 (long long)s->k);
    else if (rl_op_is_rowwise(op))
        snprintf(buf, len, "%lld\u00d7%lld", (long long)s->rows, (long long)s->cols);
    else
        snprintf(buf, len, "n=%lld", (long long)s->count);
}

rl_status rl_svg_write_text(const char *path, char *text, rl_err *err)
{
    if (!text)
        return rl_fail(err, RL_ERR_NOMEM, "out of memory drawing %s", path);
    rl_status s = rl_write_file_atomic(path, text, strlen(text), err);
    free(text);
    return s;
}

/* ---- one run ---------------------------------------------------------------------- */

static void validation_text(const rl_case_result *c, char *buf, size_t len)
{
    if (!c->validation.checked)
        snprintf(buf, len, "not checked");
    else
        snprintf(buf, len, "%s (max rel err %.2g, tolerance %.2g)",
                 c->validation.passed ? "pass" : "FAIL", c->validation.max_rel_err,
                 c->validation.tolerance);
}

static void case_title(const rl_results *r, const rl_case_result *c, char *buf, size_t len)
{
    /* MFU as the table shows it (against the measured FMA peak where the
     * datasheet's is an estimate), and over 100 % only with its reason */
    rl_case_flags flags;
    rl_case_flags_of(r, c, &flags);
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
        char rt[48];
        rl_svg_ratio_text(ratio, "", rt, sizeof rt);
        n += snprintf(buf + n, len - (size_t)n,
                      "\npredicted %s, %s, %s-bound\nmeasured/predicted %s (%s against %s)"
                      "\nMFU predicted %.1f %%, measured %.1f %%%s%s%s",
                      prate, pt, c->predicted.bound[0] ? c->predicted.bound : "?",
                      rt[0] ? rt : "?", t, pt, 100 * c->predicted.mfu, 100 * flags.mfu,
                      flags.mfu_vs_measured ? " (against the measured FMA peak)" : "",
                      flags.mfu_over_100 ? "\n" : "", flags.mfu_why);
    } else {
        n += snprintf(buf + n, len - (size_t)n, "\nno prediction (no peaks known)");
    }
    if (n < 0 || (size_t)n >= len)
        return;
    snprintf(buf + n, len - (size_t)n, "\nvalidation %s", val);
}

/* "gemm 1024³ fp32 ×0.52": the shape tells apart the cases of one op. */
void rl_svg_case_label(const rl_case_result *c, const char *ratio_word, double ratio, char *buf,
                       size_t len)
{
    char shape[64], rt[48];
    rl_svg_shape_text(c->op, &c->shape, shape, sizeof shape);
    rl_svg_ratio_text(ratio, ratio_word, rt, sizeof rt);
    snprintf(buf, len, "%s %s %s%s%s", rl_op_name(c->op), shape, rl_precision_name(c->precision),
             rt[0] ? " " : "", rt);
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
    svg_plot *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->pts = calloc(r->count ? r->count : 1, sizeof *p->pts);
    if (!p->pts) {
        free(p);
        return NULL;
    }
    describe_run(r, p->title, sizeof p->title, p->subtitle, sizeof p->subtitle);
    p->layers[p->layer_count++] = (svg_layer){&r->ceilings.datasheet, NULL, "datasheet", "#4d4d4d", ""};
    p->layers[p->layer_count++] = (svg_layer){&r->ceilings.measured, NULL, "measured", "#1a1a1a", "7 4"};
    p->filled_name = "measured";
    p->hollow_name = "predicted";
    p->gap_word = "measured/predicted";
    p->present_precisions_only = true;
    for (size_t i = 0; i < r->count; i++) {
        const rl_case_result *c = &r->cases[i];
        bool zf = rl_svg_zero_flop(c);
        double y1 = zf ? c->byte_per_s : c->flop_per_s;
        if (c->outcome != RL_CASE_OK || !(y1 > 0) || !isfinite(y1)) {
            p->not_plotted++;
            continue;
        }
        svg_point *q = &p->pts[p->n++];
        q->name = c->name;
        q->op = c->op;
        q->prec = c->precision;
        q->layer = -1;
        q->zero_flop = zf;
        q->x = c->intensity;
        q->y1 = y1;
        if (c->predicted.present) {
            if (zf && c->predicted.time_s > 0)
                q->y2 = c->bytes / c->predicted.time_s;
            else if (!zf)
                q->y2 = c->predicted.flop_per_s;
        }
        q->gap = rl_svg_gap(q->y1, q->y2);
        rl_svg_note_roof_precision(p, c->predicted.present ? c->predicted.roof : "");
        case_title(r, c, q->title, sizeof q->title);
        rl_svg_case_label(c, "", q->y2 > 0 ? q->y1 / q->y2 : NAN, q->label, sizeof q->label);
    }
    char *svg = rl_svg_render(p);
    free(p->pts);
    free(p);
    return svg;
}

rl_status rl_roofline_svg_write(const rl_results *r, const char *path, rl_err *err)
{
    return rl_svg_write_text(path, rl_roofline_svg_string(r), err);
}
