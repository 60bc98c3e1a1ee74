/* report.html: one self-contained page with the roofline and the tables. */
#include "report/rl_report.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/rl_case_flags.h"
#include "report/rl_fusion.h"
#include "report/rl_interactive.h"
#include "report/rl_llm_table.h"
#include "report/rl_roofline_svg.h"
#include "report/rl_sbuf.h"

/* ---- page pieces ---------------------------------------------------------- */

static const char style[] =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:24px;color:#222;"
    "}\n"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}\n"
    "p.meta{color:#555;margin:0 0 12px;font-size:13px}\n"
    "table{border-collapse:collapse;font-size:12px}\n"
    "td.case{max-width:330px}\n"
    "th,td{border-bottom:1px solid #e2e2e2;padding:4px 6px;text-align:left;vertical-align:top}\n"
    "th{background:#f3f3f3;position:sticky;top:0;font-weight:600}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "table.sortable th{cursor:pointer;user-select:none}\n"
    "table.sortable th:hover{background:#e6e6e6}\n"
    "th.asc::after{content:' \\25B2'}th.desc::after{content:' \\25BC'}\n"
    "table.info th{position:static;text-align:left;width:160px}\n"
    "tr.fail td{background:#fff0f0}tr.skip td{color:#777}\n"
    ".why{color:#8a4b00;font-size:11.5px;margin-top:2px}\n"
    ".sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px}\n"
    "figure{margin:8px 0}figure svg{max-width:100%;height:auto;border:1px solid #ddd}\n"
    ".low{color:#b00020;font-weight:bold}\n";

/* Sort by the clicked column: numbers from data-v (empty last), else text. */
static const char script[] =
    "(function(){\n"
    "document.querySelectorAll('table.sortable').forEach(function(t){\n"
    "  var ths=t.tHead.rows[0].cells;\n"
    "  Array.prototype.forEach.call(ths,function(th,i){\n"
    "    th.addEventListener('click',function(){\n"
    "      var asc=!th.classList.contains('asc');\n"
    "      Array.prototype.forEach.call(ths,function(h){h.classList.remove('asc','desc');});\n"
    "      th.classList.add(asc?'asc':'desc');\n"
    "      var num=th.hasAttribute('data-num'),b=t.tBodies[0];\n"
    "      var rows=Array.prototype.slice.call(b.rows);\n"
    "      function key(r){var c=r.cells[i];if(!num)return c.textContent.trim().toLowerCase();\n"
    "        var v=c.getAttribute('data-v');return v===null||v===''?null:parseFloat(v);}\n"
    "      rows.sort(function(x,y){var a=key(x),c=key(y);\n"
    "        if(a===null&&c===null)return 0;if(a===null)return 1;if(c===null)return -1;\n"
    "        var r=a<c?-1:a>c?1:0;return asc?r:-r;});\n"
    "      rows.forEach(function(r){b.appendChild(r);});\n"
    "    });\n"
    "  });\n"
    "});\n"
    "})();\n";

static void info_row(rl_sbuf *b, const char *key, const char *value)
{
    rl_sbuf_put(b, "<tr><th>");
    rl_sbuf_put_xml(b, key);
    rl_sbuf_put(b, "</th><td>");
    rl_sbuf_put_xml(b, value && *value ? value : "\u2014");
    rl_sbuf_put(b, "</td></tr>\n");
}

static void run_info(rl_sbuf *b, const rl_results *r)
{
    const rl_run_info *in = &r->info;
    char buf[1024];
    rl_sbuf_put(b, "<table class=\"info\">\n");
    info_row(b, "Host", in->host);
    snprintf(buf, sizeof buf, "%s \u2014 %s", in->device, in->device_description);
    info_row(b, "Device", buf);
    if (in->cpu.model[0]) {
        snprintf(buf, sizeof buf, "%s (%s), %d cores, %d threads%s%s", in->cpu.model,
                 in->cpu.arch, in->cpu.cores, in->cpu.pus, in->cpu.isa[0] ? "; " : "",
                 in->cpu.isa);
        info_row(b, "CPU", buf);
    }
    snprintf(buf, sizeof buf, "%d", in->threads);
    info_row(b, "Threads", in->threads ? buf : "");
    if (in->blas_config[0]) {
        snprintf(buf, sizeof buf, "%s (core %s, %d threads)", in->blas_config,
                 in->blas_corename[0] ? in->blas_corename : "?", in->blas_threads);
        info_row(b, "BLAS", buf);
    }
    info_row(b, "Suite", in->suite);
    info_row(b, "Date", in->date);
    snprintf(buf, sizeof buf, "rooflab %s (%s)", in->tool_version, in->git_revision);
    info_row(b, "Tool", buf);
    if (in->device_state_read &&
        rl_device_state_describe(&in->device_start, &in->device_end, buf, sizeof buf))
        info_row(b, "Device state (first case \u2192 last)", buf);
    if (r->info.load_read) {
        snprintf(buf, sizeof buf, "%.2f %.2f %.2f at the start, %.2f %.2f %.2f at the end "
                 "(1, 5, 15 min; %d hardware threads)",
                 r->info.load_start[0], r->info.load_start[1], r->info.load_start[2],
                 r->info.load_end[0], r->info.load_end[1], r->info.load_end[2], r->info.cpu.pus);
        info_row(b, "Load average", buf);
    }
    info_row(b, "Run", r->complete ? "complete" : "partial (interrupted or still running)");
    rl_sbuf_put(b, "</table>\n");
}

static void ceilings_rows(rl_sbuf *b, const char *set_name, const rl_roof_set *s)
{
    for (int i = 0; i < s->memory_count; i++) {
        char v[48];
        rl_format_si(s->memory[i].value, "B/s", v, sizeof v);
        rl_sbuf_printf(b, "<tr><td>%s</td><td>memory</td><td>", set_name);
        rl_sbuf_put_xml(b, s->memory[i].name);
        rl_sbuf_printf(b, "</td><td></td><td class=\"n\" data-v=\"%.6g\">", s->memory[i].value);
        rl_sbuf_put_xml(b, v);
        rl_sbuf_put(b, "</td><td>");
        rl_sbuf_put_xml(b, s->memory[i].source[0] ? s->memory[i].source : "\u2014");
        rl_sbuf_put(b, "</td></tr>\n");
    }
    for (int i = 0; i < s->compute_count; i++) {
        char v[48];
        rl_format_si(s->compute[i].value, "FLOP/s", v, sizeof v);
        rl_sbuf_printf(b, "<tr><td>%s</td><td>compute</td><td>", set_name);
        rl_sbuf_put_xml(b, s->compute[i].name);
        rl_sbuf_put(b, "</td><td>");
        rl_sbuf_put_xml(b, s->compute[i].unit);
        rl_sbuf_printf(b, "</td><td class=\"n\" data-v=\"%.6g\">", s->compute[i].value);
        rl_sbuf_put_xml(b, v);
        rl_sbuf_put(b, "</td><td>");
        rl_sbuf_put_xml(b, s->compute[i].source[0] ? s->compute[i].source : "\u2014");
        rl_sbuf_put(b, "</td></tr>\n");
    }
}

static void ceilings_table(rl_sbuf *b, const rl_results *r)
{
    const rl_ceilings *c = &r->ceilings;
    rl_sbuf_put(b, "<h2>Ceilings</h2>\n");
    if (!c->datasheet.memory_count && !c->datasheet.compute_count && !c->measured.memory_count &&
        !c->measured.compute_count) {
        rl_sbuf_put(b, "<p class=\"meta\">No ceilings known for this device: no datasheet entry "
                       "matched and none were measured (<code>rooflab ceilings</code> measures "
                       "them). Cases are shown without predictions.</p>\n");
        return;
    }
    rl_sbuf_put(b, "<p class=\"meta\">Datasheet roofs are drawn solid, measured roofs dashed. "
                   "SI units (1 GB/s = 1e9 B/s).</p>\n");
    rl_sbuf_put(b, "<table class=\"sortable\" id=\"ceilings\"><thead><tr><th>Set</th><th>Kind</th>"
                   "<th>Name</th><th>Unit</th><th data-num=\"1\">Value</th><th>Source</th></tr></thead>"
                   "<tbody>\n");
    ceilings_rows(b, "datasheet", &c->datasheet);
    ceilings_rows(b, "measured", &c->measured);
    rl_sbuf_put(b, "</tbody></table>\n");
}

/* A numeric cell: formatted text, raw value for sorting; "—" when absent. */
static void num_cell(rl_sbuf *b, bool present, double v, const char *text, const char *cls)
{
    if (!present || !isfinite(v)) {
        rl_sbuf_put(b, "<td class=\"n\" data-v=\"\">\u2014</td>");
        return;
    }
    rl_sbuf_printf(b, "<td class=\"n%s%s\" data-v=\"%.6g\">", cls ? " " : "", cls ? cls : "", v);
    rl_sbuf_put_xml(b, text);
    rl_sbuf_put(b, "</td>");
}

static void case_row(rl_sbuf *b, const rl_results *r, const rl_case_result *c)
{
    rl_case_flags flags;
    rl_case_flags_of(r, c, &flags);
    bool ok = c->outcome == RL_CASE_OK, pred = c->predicted.present;
    bool zf = !(c->flops > 0);
    char t[64];
    rl_sbuf_printf(b, "<tr class=\"%s\"><td class=\"case\">",
                   c->outcome == RL_CASE_VALIDATION_FAILED || c->outcome == RL_CASE_ERROR ? "fail"
                   : ok                                                                 ? "ok"
                                                                                        : "skip");
    rl_sbuf_printf(b, "<span class=\"sw\" style=\"background:%s\"></span>", rl_op_color(c->op));
    rl_sbuf_put_xml(b, c->name);
    /* the note: why a case did not run, or why it fell short of its prediction */
    char why[320];
    if (!ok) {
        rl_sbuf_put(b, "<div class=\"why\">");
        rl_sbuf_put_xml(b, rl_case_outcome_name(c->outcome));
        if (c->message[0]) {
            rl_sbuf_put(b, ": ");
            rl_sbuf_put_xml(b, c->message);
        }
        rl_sbuf_put(b, "</div>");
    } else if (rl_case_why(r, c, why, sizeof why)) {
        rl_sbuf_put(b, "<div class=\"why\">why: ");
        rl_sbuf_put_xml(b, why);
        rl_sbuf_put(b, "</div>");
    }
    rl_case_flags_html(b, &flags);
    rl_sbuf_put(b, "</td>");
    snprintf(t, sizeof t, "%.3g", c->intensity);
    num_cell(b, true, c->intensity, t, NULL);
    rl_format_time(c->predicted.time_s, t, sizeof t);
    num_cell(b, pred && c->predicted.time_s > 0, c->predicted.time_s, t, NULL);
    rl_format_time(c->time_s.median, t, sizeof t);
    num_cell(b, ok, c->time_s.median, t, NULL);
    rl_format_si(c->predicted.flop_per_s, "FLOP/s", t, sizeof t);
    num_cell(b, pred && !zf, c->predicted.flop_per_s, t, NULL);
    rl_format_si(c->flop_per_s, "FLOP/s", t, sizeof t);
    num_cell(b, ok && !zf, c->flop_per_s, t, NULL);
    rl_format_si(c->byte_per_s, "B/s", t, sizeof t);
    num_cell(b, ok, c->byte_per_s, t, NULL);
    double ratio = rl_case_ratio(c);
    snprintf(t, sizeof t, "%.2f", ratio);
    num_cell(b, isfinite(ratio), ratio, t, ratio < 0.5 ? "low" : NULL);
    rl_sbuf_put(b, "<td>");
    rl_sbuf_put_xml(b, pred && c->predicted.bound[0] ? c->predicted.bound : "\u2014");
    if (pred && c->predicted.binding[0]) { /* which roof binds, and the op's own unit */
        rl_sbuf_put(b, " (");
        rl_sbuf_put_xml(b, c->predicted.binding);
        if (c->predicted.roof[0] && strcmp(c->predicted.roof, c->predicted.binding) != 0) {
            rl_sbuf_put(b, "; runs on ");
            rl_sbuf_put_xml(b, c->predicted.roof);
        }
        rl_sbuf_put(b, ")");
    }
    rl_sbuf_put(b, "</td>");
    snprintf(t, sizeof t, "%.1f %%", 100 * c->predicted.mfu);
    num_cell(b, pred && !zf, 100 * c->predicted.mfu, t, NULL);
    /* against the measured FMA peak where the datasheet's is an estimate;
     * over 100 % only with its reason (the flag notes under the case) */
    snprintf(t, sizeof t, "%.1f %%%s%s", 100 * flags.mfu, flags.mfu_vs_measured ? " (vs measured)" : "",
             flags.mfu_over_100 ? " \u26a0 see note" : "");
    num_cell(b, flags.mfu_present, 100 * flags.mfu, t, flags.mfu_over_100 ? "low" : NULL);
    if (c->validation.checked) {
        rl_sbuf_printf(b, "<td>%s</td>", c->validation.passed ? "pass" : "<b>FAIL</b>");
        /* sorted by how close the error came to the tolerance */
        snprintf(t, sizeof t, "%.2g / %.2g", c->validation.max_rel_err, c->validation.tolerance);
        num_cell(b, true,
                 c->validation.tolerance > 0 ? c->validation.max_rel_err / c->validation.tolerance
                                             : c->validation.max_rel_err,
                 t, NULL);
    } else {
        rl_sbuf_put(b, "<td>not checked</td><td class=\"n\" data-v=\"\">\u2014</td>");
    }
    rl_sbuf_put(b, "</tr>\n");
}

static void cases_table(rl_sbuf *b, const rl_results *r)
{
    size_t ok = 0, failed = 0;
    for (size_t i = 0; i < r->count; i++) {
        ok += r->cases[i].outcome == RL_CASE_OK;
        failed += r->cases[i].outcome == RL_CASE_VALIDATION_FAILED ||
                  r->cases[i].outcome == RL_CASE_ERROR;
    }
    rl_sbuf_printf(b, "<h2>Cases</h2>\n<p class=\"meta\">%zu cases: %zu measured, %zu failed, "
                      "%zu not run. Times are medians of the samples; rates at the median time. "
                      "Measured \u00f7 predicted = predicted time \u00f7 measured time (below 0.5 in "
                      "red, with a note on why). MFU = FLOP/s \u00f7 the dense peak of the unit "
                      "the op runs on (tensor cores for GEMM, the SIMT pipes for the FMA probe and "
                      "the fp32 arithmetic of row ops). SI units. Click a column header to sort.</p>\n",
                   r->count, ok, failed, r->count - ok - failed);
    char note[256];
    if (rl_mfu_basis_note(r, note, sizeof note)) {
        rl_sbuf_put(b, "<p class=\"meta\">");
        rl_sbuf_put_xml(b, note);
        rl_sbuf_put(b, " (\u201cvs measured\u201d in the MFU column).</p>\n");
    }
    rl_sbuf_put(b,
                "<table class=\"sortable\" id=\"cases\"><thead><tr><th>Case</th>"
                "<th data-num=\"1\">FLOP/B</th><th data-num=\"1\">Pred. time</th>"
                "<th data-num=\"1\">Meas. time</th><th data-num=\"1\">Pred. FLOP/s</th>"
                "<th data-num=\"1\">Meas. FLOP/s</th><th data-num=\"1\">Meas. B/s</th>"
                "<th data-num=\"1\">Meas. \u00f7 pred.</th><th>Binding roof</th>"
                "<th data-num=\"1\">MFU pred.</th><th data-num=\"1\">MFU meas.</th>"
                "<th>Validation</th><th data-num=\"1\">Max rel. err / tol.</th>"
                "</tr></thead><tbody>\n");
    for (size_t i = 0; i < r->count; i++)
        case_row(b, r, &r->cases[i]);
    rl_sbuf_put(b, "</tbody></table>\n");
}

/* Energy per call where the device's power was readable (an estimate). */
static void energy_table(rl_sbuf *b, const rl_results *r)
{
    bool any = false;
    for (size_t i = 0; i < r->count && !any; i++)
        any = r->cases[i].energy.present;
    if (!any)
        return;
    rl_sbuf_put(b, "<h2>Energy per call (estimate)</h2>\n<p class=\"meta\">The mean of the "
                   "power read just before and just after each case (a Jetson: the VDD_IN "
                   "rail) times the median time per call. Power is not sampled during the "
                   "case, so this is an estimate.</p>\n<table><tr><th>Case</th><th>Energy"
                   "</th></tr>\n");
    for (size_t i = 0; i < r->count; i++) {
        char text[160];
        if (!rl_energy_describe(&r->cases[i], text, sizeof text))
            continue;
        rl_sbuf_put(b, "<tr><td>");
        rl_sbuf_put_xml(b, r->cases[i].name);
        rl_sbuf_put(b, "</td><td>");
        rl_sbuf_put_xml(b, text);
        rl_sbuf_put(b, "</td></tr>\n");
    }
    rl_sbuf_put(b, "</table>\n");
}

char *rl_report_html_string(const rl_results *r)
{
    char *svg = rl_roofline_svg_string(r);
    if (!svg)
        return NULL;
    rl_sbuf b;
    rl_sbuf_init(&b);
    rl_sbuf_put(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<title>");
    rl_sbuf_printf_xml(&b, "rooflab report: %s on %s", r->info.device, r->info.host);
    rl_sbuf_printf(&b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
    rl_sbuf_put(&b, "<h1>");
    rl_sbuf_printf_xml(&b, "Roofline report: %s on %s",
                       r->info.device_description[0] ? r->info.device_description
                                                     : r->info.device,
                       r->info.host);
    rl_sbuf_put(&b, "</h1>\n<p class=\"meta\">What the hardware promised (datasheet), what it "
                    "really does (measured), and where each kernel lands. Hover a point for its "
                    "numbers.</p>\n");
    run_info(&b, r);
    /* the SVG document without its XML prolog: it has none */
    rl_sbuf_put(&b, "<figure>\n");
    rl_sbuf_put(&b, svg);
    rl_sbuf_put(&b, "</figure>\n");
    free(svg);
    ceilings_table(&b, r);
    cases_table(&b, r);
    rl_fusion_table_html(&b, r);
    rl_report_llm_table(&b, r);
    energy_table(&b, r);
    rl_interactive_panel(&b, r, NULL); /* the lab's roofline, any catalog device */
    rl_sbuf_printf(&b, "<script>\n%s</script>\n</body>\n</html>\n", script);
    return rl_sbuf_take(&b);
}

static rl_status write_text(const char *path, char *text, rl_err *err)
{
    if (!text)
        return rl_fail(err, RL_ERR_NOMEM, "out of memory writing %s", path);
    rl_status s = rl_write_file_atomic(path, text, strlen(text), err);
    free(text);
    return s;
}

rl_status rl_report_html_write(const rl_results *r, const char *path, rl_err *err)
{
    return write_text(path, rl_report_html_string(r), err);
}

rl_status rl_report_write_all(const rl_results *r, const char *dir, rl_err *err)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/roofline.svg", dir) >= (int)sizeof path)
        return rl_fail(err, RL_ERR_IO, "path too long: %s", dir);
    RL_TRY(rl_roofline_svg_write(r, path, err));
    snprintf(path, sizeof path, "%s/report.html", dir);
    return rl_report_html_write(r, path, err);
}

/* ---- for other pages (rooflab predict --out) --------------------------------- */

void rl_report_html_open(rl_sbuf *b, const char *title)
{
    rl_sbuf_put(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>");
    rl_sbuf_put_xml(b, title);
    rl_sbuf_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
}

void rl_report_html_close(rl_sbuf *b)
{
    rl_sbuf_printf(b, "<script>\n%s</script>\n</body>\n</html>\n", script);
}
