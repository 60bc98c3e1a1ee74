/* report.html: each fused kernel beside its unfused chain. */
#include <math.h>
#include <stdlib.h>

#include "report/rl_fusion.h"
#include "report/rl_sbuf.h"

static void cell(rl_sbuf *b, double v, const char *text)
{
    if (!isfinite(v)) {
        rl_sbuf_put(b, "<td class=\"n\" data-v=\"\">\u2014</td>");
        return;
    }
    rl_sbuf_printf(b, "<td class=\"n\" data-v=\"%.6g\">", v);
    rl_sbuf_put_xml(b, text);
    rl_sbuf_put(b, "</td>");
}

void rl_fusion_table_html(void *buf, const rl_results *r)
{
    rl_sbuf *b = buf;
    size_t n;
    rl_fusion_pair *pairs = rl_fusion_pairs(r, &n);
    if (!pairs)
        return;
    rl_sbuf_put(b, "<h2>Fusion, measured</h2>\n<p class=\"meta\">Each fused kernel beside its "
                   "unfused chain at the same shape and precision. Gain = the chain's median "
                   "time \u00f7 the fused kernel's; predicted from the model's times (the byte "
                   "ratio when both are memory-bound). A gain below 1, or below half the "
                   "predicted one, is flagged with its likely cause.</p>\n");
    rl_sbuf_put(b, "<table class=\"sortable\" id=\"fusion\"><thead><tr><th>Fused op</th>"
                   "<th>Precision</th><th>Shape</th><th data-num=\"1\">Fused time</th>"
                   "<th data-num=\"1\">Unfused time</th><th data-num=\"1\">Measured gain</th>"
                   "<th data-num=\"1\">Predicted gain</th><th data-num=\"1\">Measured \u00f7 "
                   "predicted</th><th>Flag</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const rl_fusion_pair *p = &pairs[i];
        char t[64];
        rl_sbuf_printf(b, "<tr class=\"%s\"><td>", p->flagged ? "fail" : "ok");
        rl_sbuf_put_xml(b, rl_op_name(p->fused->op));
        rl_sbuf_put(b, " vs ");
        rl_sbuf_put_xml(b, rl_op_name(p->unfused->op));
        rl_sbuf_put(b, "</td><td>");
        rl_sbuf_put_xml(b, rl_precision_name(p->fused->precision));
        rl_sbuf_put(b, "</td><td>");
        rl_shape_format(p->fused->op, &p->fused->shape, t, sizeof t);
        rl_sbuf_put_xml(b, t);
        rl_sbuf_put(b, "</td>");
        rl_format_time(p->fused->time_s.median, t, sizeof t);
        cell(b, p->fused->time_s.median, t);
        rl_format_time(p->unfused->time_s.median, t, sizeof t);
        cell(b, p->unfused->time_s.median, t);
        snprintf(t, sizeof t, "%.2f\u00d7", p->measured_gain);
        cell(b, p->measured_gain, t);
        snprintf(t, sizeof t, "%.2f\u00d7", p->predicted_gain);
        cell(b, p->predicted_gain, t);
        snprintf(t, sizeof t, "%.2f", p->gain_ratio);
        cell(b, p->gain_ratio, t);
        rl_sbuf_put(b, "<td>");
        if (p->flagged) {
            rl_sbuf_put(b, "<span class=\"low\">");
            rl_sbuf_put_xml(b, p->flag);
            rl_sbuf_put(b, "</span><div class=\"why\">likely cause: ");
            rl_sbuf_put_xml(b, p->cause);
            rl_sbuf_put(b, "</div>");
        } else {
            rl_sbuf_put(b, "\u2014");
        }
        rl_sbuf_put(b, "</td></tr>\n");
    }
    rl_sbuf_put(b, "</tbody></table>\n");
    free(pairs);
}
