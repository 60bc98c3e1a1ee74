/* The LLM layer table of report.html: an llm-suite run's kernels added up
 * into one transformer layer, measured beside predicted. The roles and
 * per-layer counts come from the run's "llm" object (rl_llm_record), the
 * times from the cases themselves, found by name, so the table and the
 * terminal summary add up the same numbers. */
#include "report/rl_llm_table.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

void rl_llm_record_from_json(const void *json, rl_llm_record *out)
{
    memset(out, 0, sizeof *out);
    const cJSON *llm = json;
    if (!cJSON_IsObject(llm))
        return;
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(llm, "model");
    const cJSON *batch = cJSON_GetObjectItemCaseSensitive(llm, "batch");
    const cJSON *seq = cJSON_GetObjectItemCaseSensitive(llm, "seq");
    const cJSON *layers = cJSON_GetObjectItemCaseSensitive(llm, "layers");
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(llm, "layer_cases");
    if (!cJSON_IsString(model) || !cJSON_IsNumber(batch) || !cJSON_IsNumber(seq) ||
        !cJSON_IsNumber(layers) || !cJSON_IsArray(rows))
        return;
    /* a hostile file: counts are whole and in range, or the table is left out */
    const double limit = 9007199254740992.0; /* 2^53 */
    if (!(batch->valuedouble >= 1 && batch->valuedouble <= limit) ||
        !(seq->valuedouble >= 1 && seq->valuedouble <= limit) ||
        !(layers->valuedouble >= 1 && layers->valuedouble <= 1e6))
        return;
    const cJSON *row;
    cJSON_ArrayForEach(row, rows)
    {
        const cJSON *role = cJSON_GetObjectItemCaseSensitive(row, "role");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(row, "case");
        const cJSON *per = cJSON_GetObjectItemCaseSensitive(row, "per_layer");
        if (out->count >= RL_LLM_RECORD_ROWS || !cJSON_IsString(role) || !cJSON_IsString(name) ||
            !cJSON_IsNumber(per) || !(per->valuedouble >= 1 && per->valuedouble <= 64))
            return;
        snprintf(out->rows[out->count].role, sizeof out->rows[0].role, "%s", role->valuestring);
        snprintf(out->rows[out->count].case_name, sizeof out->rows[0].case_name, "%s",
                 name->valuestring);
        out->rows[out->count].per_layer = (int)per->valuedouble;
        out->count++;
    }
    snprintf(out->model, sizeof out->model, "%s", model->valuestring);
    out->batch = (int64_t)batch->valuedouble;
    out->seq = (int64_t)seq->valuedouble;
    out->layers = (int64_t)layers->valuedouble;
    out->present = out->count > 0;
}

static const rl_case_result *find_case(const rl_results *r, const char *name)
{
    for (size_t i = 0; i < r->count; i++)
        if (strcmp(r->cases[i].name, name) == 0)
            return &r->cases[i];
    return NULL;
}

static void ms_cell(rl_sbuf *b, bool have, double s)
{
    if (!have) {
        rl_sbuf_put(b, "<td class=\"n\" data-v=\"\">\u2014</td>");
        return;
    }
    rl_sbuf_printf(b, "<td class=\"n\" data-v=\"%.6g\">%.4g</td>", s * 1e3, s * 1e3);
}

/* One row of the layer totals: a layer's seconds (0: unknown, say why),
 * times the layers, and the prefill tokens per second that gives. */
static void layer_row(rl_sbuf *b, const char *what, double layer_s, long long layers,
                      double tokens, const char *missing)
{
    char text[160];
    if (layer_s > 0)
        snprintf(text, sizeof text, "%.4g ms; x %lld layers: %.4g s; %.4g tokens/s",
                 layer_s * 1e3, layers, layer_s * (double)layers,
                 tokens / (layer_s * (double)layers));
    else
        snprintf(text, sizeof text, "\u2014 (%s)", missing);
    rl_sbuf_put(b, "<tr><th>");
    rl_sbuf_put_xml(b, what);
    rl_sbuf_put(b, "</th><td>");
    rl_sbuf_put_xml(b, text);
    rl_sbuf_put(b, "</td></tr>\n");
}

void rl_report_llm_table(rl_sbuf *b, const rl_results *r)
{
    rl_llm_record from_run;
    const rl_llm_record *s = &r->llm;
    if (!s->present && r->extra_json) {
        rl_llm_record_from_json(
            cJSON_GetObjectItemCaseSensitive((const cJSON *)r->extra_json, "llm"), &from_run);
        s = &from_run;
    }
    if (!s->present)
        return;
    double measured = 0, predicted = 0;
    bool all_measured = true, all_predicted = true;
    double m_s[RL_LLM_RECORD_ROWS] = {0}, p_s[RL_LLM_RECORD_ROWS] = {0};
    bool have_m[RL_LLM_RECORD_ROWS] = {0}, have_p[RL_LLM_RECORD_ROWS] = {0};
    for (int i = 0; i < s->count; i++) {
        const rl_case_result *c = find_case(r, s->rows[i].case_name);
        have_m[i] = c && c->outcome == RL_CASE_OK;
        have_p[i] = c && c->predicted.present;
        m_s[i] = have_m[i] ? s->rows[i].per_layer * c->time_s.median : 0;
        p_s[i] = have_p[i] ? s->rows[i].per_layer * c->predicted.time_s : 0;
        measured += m_s[i];
        predicted += p_s[i];
        all_measured &= have_m[i];
        all_predicted &= have_p[i];
    }
    const double tokens = (double)s->batch * (double)s->seq;
    rl_sbuf_put(b, "<h2>LLM layer</h2>\n<p class=\"meta\">");
    rl_sbuf_printf_xml(b, "One transformer layer of %s at prefill, batch %lld x seq %lld (%.0f "
                          "tokens), %lld layers. Times are per layer (a case's median x its "
                          "runs per layer), in ms; the share is of the measured layer.",
                       s->model, (long long)s->batch, (long long)s->seq, tokens,
                       (long long)s->layers);
    rl_sbuf_put(b, "</p>\n<table class=\"sortable\" id=\"llm\"><thead><tr><th>Role</th>"
                   "<th>Case</th><th data-num>Runs</th><th data-num>Measured ms</th>"
                   "<th data-num>Predicted ms</th><th data-num>Measured / predicted</th>"
                   "<th data-num>Share of layer</th></tr></thead><tbody>\n");
    for (int i = 0; i < s->count; i++) {
        rl_sbuf_put(b, "<tr><td>");
        rl_sbuf_put_xml(b, s->rows[i].role);
        rl_sbuf_put(b, "</td><td class=\"case\">");
        rl_sbuf_put_xml(b, s->rows[i].case_name);
        rl_sbuf_printf(b, "</td><td class=\"n\" data-v=\"%d\">%d</td>", s->rows[i].per_layer,
                       s->rows[i].per_layer);
        ms_cell(b, have_m[i], m_s[i]);
        ms_cell(b, have_p[i], p_s[i]);
        if (have_m[i] && have_p[i] && p_s[i] > 0)
            rl_sbuf_printf(b, "<td class=\"n\" data-v=\"%.6g\">%.3g</td>", m_s[i] / p_s[i],
                           m_s[i] / p_s[i]);
        else
            rl_sbuf_put(b, "<td class=\"n\" data-v=\"\">\u2014</td>");
        if (have_m[i] && all_measured && measured > 0)
            rl_sbuf_printf(b, "<td class=\"n\" data-v=\"%.6g\">%.1f %%</td>",
                           100 * m_s[i] / measured, 100 * m_s[i] / measured);
        else
            rl_sbuf_put(b, "<td class=\"n\" data-v=\"\">\u2014</td>");
        rl_sbuf_put(b, "</tr>\n");
    }
    rl_sbuf_put(b, "</tbody></table>\n<table class=\"info\">\n");
    layer_row(b, "Layer, measured", all_measured ? measured : 0, s->layers, tokens,
              "not every kernel was measured");
    layer_row(b, "Layer, predicted", all_predicted ? predicted : 0, s->layers, tokens,
              "no prediction for this device");
    rl_sbuf_put(b, "</table>\n<p class=\"meta\">Prefill tokens/s counts the layers "
                   "alone: the embedding and lm_head are not measured (rooflab predict --suite "
                   "llm predicts them).</p>\n");
}
