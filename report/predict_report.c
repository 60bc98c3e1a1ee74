/* The page and files of `rooflab predict --out DIR`. */
#include "report/rl_predict_report.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/rl_interactive.h"
#include "report/rl_report.h"
#include "report/rl_results.h"
#include "report/rl_sbuf.h"

static void devices_table(rl_sbuf *b, const rl_prediction_plot *pl)
{
    rl_sbuf_put(b, "<h2>Devices and roofs</h2>\n<table class=\"devices\">\n<thead><tr><th>device"
                   "</th><th>roof</th><th>value</th><th>source</th></tr></thead>\n<tbody>\n");
    for (size_t d = 0; d < pl->device_count; d++) {
        const rl_predicted_device *dev = &pl->devices[d];
        const rl_roof_set *s = &dev->roofs;
        for (int k = 0; k < s->memory_count + s->compute_count; k++) {
            const bool mem = k < s->memory_count;
            const rl_roof *r = mem ? &s->memory[k] : &s->compute[k - s->memory_count];
            char v[48];
            rl_format_si(r->value, mem ? "B/s" : "FLOP/s", v, sizeof v);
            rl_sbuf_printf(b, "<tr><td><span class=\"sw\" style=\"background:%s\"></span>",
                           rl_device_color(d));
            rl_sbuf_put_xml(b, dev->label);
            rl_sbuf_put(b, "</td><td>");
            rl_sbuf_printf_xml(b, "%s%s%s", r->name, r->unit[0] ? " " : "", r->unit);
            rl_sbuf_printf(b, "</td><td class=\"n\">%s</td><td>", v);
            rl_sbuf_put_xml(b, r->source);
            rl_sbuf_put(b, "</td></tr>\n");
        }
    }
    rl_sbuf_put(b, "</tbody></table>\n");
}

static void num_cell(rl_sbuf *b, double v, const char *text)
{
    rl_sbuf_printf(b, "<td class=\"n\" data-v=\"%.9g\">", v);
    rl_sbuf_put_xml(b, text);
    rl_sbuf_put(b, "</td>");
}

static void predictions_table(rl_sbuf *b, const rl_prediction_plot *pl)
{
    rl_sbuf_put(b, "<h2>Predictions</h2>\n<p class=\"meta\">Below the ridge a case is "
                   "memory-bound: its time is its bytes over the bandwidth. Click a column to "
                   "sort. SI units.</p>\n<table class=\"sortable predictions\">\n<thead><tr>"
                   "<th>device</th><th>op</th><th>precision</th><th>shape</th>"
                   "<th data-num>intensity (FLOP/B)</th><th data-num>ridge (FLOP/B)</th>"
                   "<th>bound</th><th data-num>attainable</th><th data-num>time</th>"
                   "<th data-num>MFU</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < pl->count; i++) {
        const rl_predicted_point *c = &pl->points[i];
        char shape[64], t[48];
        rl_shape_label(c->op, &c->shape, shape, sizeof shape);
        rl_sbuf_printf(b, "<tr%s><td><span class=\"sw\" style=\"background:%s\"></span>",
                       c->hypothetical ? " class=\"skip\"" : "", rl_device_color(c->device));
        rl_sbuf_put_xml(b, c->device < pl->device_count ? pl->devices[c->device].label : "?");
        rl_sbuf_printf(b, "</td><td>%s</td><td>%s%s</td><td>", rl_op_name(c->op),
                       rl_precision_name(c->precision), c->hypothetical ? " (hypothetical)" : "");
        rl_sbuf_put_xml(b, shape);
        rl_sbuf_put(b, "</td>");
        snprintf(t, sizeof t, "%.4g", c->intensity);
        num_cell(b, c->intensity, t);
        snprintf(t, sizeof t, "%.4g", c->ridge);
        num_cell(b, c->ridge, t);
        rl_sbuf_printf(b, "<td>%s (%s)</td>", c->bound, c->binding);
        rl_format_si(c->attainable_flop_per_s, "FLOP/s", t, sizeof t);
        num_cell(b, c->attainable_flop_per_s, t);
        rl_format_time(c->time_s, t, sizeof t);
        num_cell(b, c->time_s, t);
        snprintf(t, sizeof t, "%.1f %%", 100 * c->mfu);
        num_cell(b, c->mfu, t);
        rl_sbuf_put(b, "</tr>\n");
    }
    rl_sbuf_put(b, "</tbody></table>\n");
    if (pl->refusal_count) {
        rl_sbuf_put(b, "<h2>Not predicted</h2>\n<ul class=\"refused\">\n");
        for (size_t i = 0; i < pl->refusal_count; i++) {
            rl_sbuf_put(b, "<li>");
            rl_sbuf_put_xml(b, pl->refusals[i]);
            rl_sbuf_put(b, "</li>\n");
        }
        rl_sbuf_put(b, "</ul>\n");
    }
}

/* Panels after the picture: each is one call here. */
static void panels(rl_sbuf *b, const rl_prediction_plot *pl)
{
    rl_interactive_predictions_panel(b, pl); /* the lab's roofline, any catalog device */
}

char *rl_predict_report_html_string(const rl_prediction_plot *pl)
{
    char *svg = rl_prediction_svg_string(pl);
    if (!svg)
        return NULL;
    rl_sbuf b;
    rl_sbuf_init(&b);
    rl_report_html_open(&b, pl->title);
    rl_sbuf_put(&b, "<h1>");
    rl_sbuf_put_xml(&b, pl->title);
    rl_sbuf_put(&b, "</h1>\n<p class=\"meta\">");
    rl_sbuf_put_xml(&b, pl->subtitle);
    rl_sbuf_put(&b, " Predicted from the device catalog's datasheet figures by the roofline model; "
                    "nothing here was measured. Hover a point for its numbers.</p>\n");
    rl_sbuf_put(&b, "<figure>\n");
    rl_sbuf_put(&b, svg);
    rl_sbuf_put(&b, "</figure>\n");
    free(svg);
    panels(&b, pl);
    predictions_table(&b, pl);
    devices_table(&b, pl);
    rl_report_html_close(&b);
    return rl_sbuf_take(&b);
}

static rl_status write_owned(const char *dir, const char *name, char *text, rl_err *err)
{
    char path[PATH_MAX];
    if (!text)
        return rl_fail(err, RL_ERR_NOMEM, "out of memory writing %s", name);
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        free(text);
        return rl_fail(err, RL_ERR_IO, "path too long: %s", dir);
    }
    rl_status s = rl_write_file_atomic(path, text, strlen(text), err);
    free(text);
    return s;
}

rl_status rl_predict_report_write(const rl_prediction_plot *pl, const char *predictions_json,
                                  const char *dir, rl_err *err)
{
    char *json = strdup(predictions_json ? predictions_json : "{}");
    RL_TRY(write_owned(dir, "predictions.json", json, err));
    RL_TRY(write_owned(dir, "roofline.svg", rl_prediction_svg_string(pl), err));
    return write_owned(dir, "report.html", rl_predict_report_html_string(pl), err);
}
