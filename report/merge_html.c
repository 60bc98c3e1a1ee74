/* The merged report's page: the devices, the stragglers, the strip chart of
 * the spread beside a roofline, and the per-case table. */
#include "report/rl_merge_html.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/rl_roofline_svg.h"
#include "report/rl_sbuf.h"
#include "report/rl_strip_chart.h"

static const char style[] =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:24px;color:#222}\n"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}\n"
    "p.meta{color:#555;margin:0 0 12px;font-size:13px}\n"
    "table{border-collapse:collapse;font-size:12px}\n"
    "th,td{border-bottom:1px solid #e2e2e2;padding:4px 6px;text-align:left;vertical-align:top}\n"
    "th{background:#f3f3f3;font-weight:600}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    ".pictures{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}\n"
    "figure{margin:8px 0;flex:1 1 560px}figure svg{max-width:100%;height:auto;"
    "border:1px solid #ddd}\nfigcaption{font-size:12px;color:#555}\n"
    ".low{color:#b00020;font-weight:bold}\n";

static void devices_table(rl_sbuf *b, const rl_merge *m, const rl_results *runs)
{
    bool any_pci = false;
    for (size_t h = 0; h < m->host_count; h++)
        any_pci |= runs[h].info.pci_bus_id[0] || runs[h].info.gpu_uuid[0];
    rl_sbuf_printf(b,
                   "<table>\n<thead><tr><th>Device</th><th>Host</th><th>Device id</th>"
                   "<th>Description</th>%s<th>Cases</th><th>Status</th></tr></thead>\n"
                   "<tbody>\n",
                   any_pci ? "<th>PCI bus id</th><th>UUID</th>" : "");
    for (size_t h = 0; h < m->host_count; h++) {
        const rl_run_info *in = &runs[h].info;
        rl_sbuf_put(b, "<tr><td>");
        rl_sbuf_put_xml(b, m->hosts[h]);
        rl_sbuf_put(b, "</td><td>");
        rl_sbuf_put_xml(b, in->host);
        rl_sbuf_put(b, "</td><td>");
        rl_sbuf_put_xml(b, in->device);
        rl_sbuf_put(b, "</td><td>");
        rl_sbuf_put_xml(b, in->device_description);
        if (any_pci) {
            rl_sbuf_put(b, "</td><td>");
            rl_sbuf_put_xml(b, in->pci_bus_id[0] ? in->pci_bus_id : "-");
            rl_sbuf_put(b, "</td><td>");
            rl_sbuf_put_xml(b, in->gpu_uuid[0] ? in->gpu_uuid : "-");
        }
        rl_sbuf_printf(b, "</td><td class=\"n\">%zu</td><td>%s</td></tr>\n", runs[h].count,
                       runs[h].complete ? "complete" : "partial (interrupted)");
    }
    rl_sbuf_put(b, "</tbody></table>\n");
}

static void stragglers_list(rl_sbuf *b, const rl_merge *m, const rl_straggler *s, size_t count)
{
    if (count == 0) {
        rl_sbuf_printf(b, "<p>None: no device below %.0f %% of a case's median.</p>\n",
                       100 * RL_MERGE_SLOW_FRACTION);
        return;
    }
    rl_sbuf_put(b, "<ul>\n");
    for (size_t k = 0; k < count; k++) {
        rl_sbuf_put(b, "<li class=\"low\">");
        rl_sbuf_printf_xml(b, "%s: %zu of %zu cases below %.0f %% of the median, worst %.2fx on %s",
                           m->hosts[s[k].host], s[k].lagging, s[k].compared,
                           100 * RL_MERGE_SLOW_FRACTION, s[k].worst_ratio, s[k].worst_case);
        rl_sbuf_put(b, "</li>\n");
    }
    rl_sbuf_put(b, "</ul>\n<p class=\"meta\">stragglers.json has each one's lagging cases and "
                   "the clocks, power and temperature its run recorded.</p>\n");
}

static void cases_table(rl_sbuf *b, const rl_merge *m)
{
    rl_sbuf_put(b, "<table>\n<thead><tr><th>Case</th><th>Devices</th><th>Median</th>"
                   "<th>Min</th><th>Max</th><th>Spread (max/min)</th><th>Below 90 %</th>"
                   "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < m->count; i++) {
        const rl_merge_row *r = &m->rows[i];
        char med[32], lo[32], hi[32];
        rl_format_si(r->median, r->rate_unit, med, sizeof med);
        rl_format_si(r->min, r->rate_unit, lo, sizeof lo);
        rl_format_si(r->max, r->rate_unit, hi, sizeof hi);
        rl_sbuf_put(b, "<tr><td>");
        rl_sbuf_put_xml(b, r->name);
        rl_sbuf_printf(b, "</td><td class=\"n\">%zu</td><td class=\"n\">%s</td><td class=\"n\">"
                          "%s</td><td class=\"n\">%s</td><td class=\"n\">",
                       r->hosts_with, med, lo, hi);
        if (r->spread == r->spread)
            rl_sbuf_printf(b, "%.3f", r->spread);
        else
            rl_sbuf_put(b, "\u2014");
        rl_sbuf_put(b, "</td><td class=\"low\">");
        rl_sbuf_put_xml(b, r->slow);
        rl_sbuf_put(b, "</td></tr>\n");
    }
    rl_sbuf_put(b, "</tbody></table>\n");
}

char *rl_merge_html_string(const rl_merge *m, const rl_straggler *s, size_t count,
                           const rl_results *runs)
{
    char *strip = rl_strip_chart_svg(m);
    char *roof = m->host_count ? rl_roofline_svg_string(&runs[0]) : NULL;
    if (!strip || (m->host_count && !roof)) {
        free(strip);
        free(roof);
        return NULL;
    }
    rl_sbuf b;
    rl_sbuf_init(&b);
    rl_sbuf_put(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<title>");
    rl_sbuf_printf(&b, "rooflab merge: %zu devices", m->host_count);
    rl_sbuf_printf(&b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
    rl_sbuf_printf(&b, "<h1>Merged report: %zu devices, %zu cases</h1>\n", m->host_count,
                   m->count);
    rl_sbuf_put(&b, "<p class=\"meta\">Per case, each device's rate (FLOP/s, or B/s for ops "
                    "without FLOPs) against the median across devices. Hover a dot for its "
                    "numbers; each device's own report is in its results folder.</p>\n");
    devices_table(&b, m, runs);
    rl_sbuf_put(&b, "<h2>Stragglers</h2>\n");
    stragglers_list(&b, m, s, count);
    rl_sbuf_put(&b, "<div class=\"pictures\">\n<figure>\n");
    rl_sbuf_put(&b, strip);
    rl_sbuf_put(&b, "<figcaption>The spread: one dot per device and case.</figcaption>\n"
                    "</figure>\n");
    if (roof) {
        rl_sbuf_put(&b, "<figure>\n");
        rl_sbuf_put(&b, roof);
        rl_sbuf_put(&b, "<figcaption>");
        rl_sbuf_printf_xml(&b, "The roofline of %s, the first run merged.", m->hosts[0]);
        rl_sbuf_put(&b, "</figcaption>\n</figure>\n");
    }
    rl_sbuf_put(&b, "</div>\n<h2>Cases</h2>\n");
    cases_table(&b, m);
    rl_sbuf_put(&b, "</body>\n</html>\n");
    free(strip);
    free(roof);
    return rl_sbuf_take(&b);
}
