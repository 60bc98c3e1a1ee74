/* rooflab predict with several cases: the table, the JSON document, and
 * the files of --out. Every number is the model's (rl_predict_item). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/rl_predict_cases.h"
#include "report/rl_predict_report.h"
#include "report/rl_results.h"
#include "report/rl_sbuf.h"

cJSON *rl_predict_case_json(const rl_predict_target *t, const rl_predict_item *c)
{
    const rl_case_prediction *r = &c->r;
    const rl_machine *m = &t->m;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    if (c->hypothetical) {
        cJSON_AddBoolToObject(o, "hypothetical", true);
        cJSON_AddStringToObject(o, "hypothetical_because", c->why);
    }
    char shape[96];
    rl_shape_format(c->op, &c->shape, shape, sizeof shape);
    cJSON_AddStringToObject(o, "device", t->e->id);
    if (t->mode) {
        cJSON_AddStringToObject(o, "power_mode", t->mode->name);
        cJSON_AddBoolToObject(o, "super_conf", t->mode->super_conf);
    }
    cJSON_AddStringToObject(o, "op", rl_op_name(c->op));
    cJSON_AddStringToObject(o, "shape", shape);
    cJSON_AddStringToObject(o, "precision", rl_precision_name(c->p));
    cJSON_AddNumberToObject(o, "flops", r->flops);
    cJSON_AddNumberToObject(o, "bytes", r->bytes);
    cJSON_AddNumberToObject(o, "intensity", r->intensity);
    cJSON_AddStringToObject(o, "roof", r->roof.name);
    cJSON_AddStringToObject(o, "unit", rl_unit_name(r->roof.unit));
    cJSON_AddStringToObject(o, "arithmetic_precision", rl_precision_name(r->roof.arith));
    cJSON_AddNumberToObject(o, "peak_flop_per_s", r->peak_flop_per_s);
    cJSON_AddStringToObject(o, "peak_source", r->roof.source ? r->roof.source : "");
    cJSON_AddNumberToObject(o, "dense_peak_flop_per_s", m->peak_flop_per_s[c->p]);
    cJSON_AddStringToObject(o, "dense_peak_source", t->src[c->p]);
    if (r->transcendentals > 0) {
        cJSON_AddNumberToObject(o, "transcendentals", r->transcendentals);
        cJSON_AddNumberToObject(o, "mufu_op_per_s", r->mufu_op_per_s);
        if (r->mufu_op_per_s > 0)
            cJSON_AddStringToObject(o, "mufu_source", m->mufu_source);
    }
    cJSON_AddStringToObject(o, "binding_roof", r->binding_roof);
    cJSON_AddNumberToObject(o, "byte_per_s", r->byte_per_s);
    cJSON_AddNumberToObject(o, "ridge", r->ridge);
    cJSON_AddStringToObject(o, "bound", rl_bound_name(r->bound));
    cJSON_AddNumberToObject(o, "attainable_flop_per_s", r->attainable_flop_per_s);
    cJSON_AddNumberToObject(o, "predicted_time_s", r->predicted_time_s);
    cJSON_AddNumberToObject(o, "mfu", r->mfu);
    cJSON *ridges = cJSON_AddObjectToObject(o, "ridges");
    for (int q = 0; q < RL_PREC_COUNT; q++)
        if (m->peak_flop_per_s[q] > 0)
            cJSON_AddNumberToObject(ridges, rl_precision_name((rl_precision)q),
                                    rl_ridge(m->peak_flop_per_s[q], m->mem[0].byte_per_s));
    return o;
}

char *rl_predict_set_json(const rl_predict_set *s)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "schema", "rooflab.predictions/1");
    cJSON_AddStringToObject(o, "units", "SI: FLOP, B, FLOP/s, B/s, s; peaks are dense");
    cJSON *devs = cJSON_AddArrayToObject(o, "devices");
    for (size_t i = 0; i < s->target_count; i++) {
        const rl_predict_target *t = &s->targets[i];
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "label", t->label);
        cJSON_AddStringToObject(d, "device", t->e->id);
        cJSON_AddStringToObject(d, "name", t->e->name);
        if (t->mode) {
            cJSON_AddStringToObject(d, "power_mode", t->mode->name);
            cJSON_AddBoolToObject(d, "super_conf", t->mode->super_conf);
        }
        cJSON_AddStringToObject(d, "memory", t->m.mem[0].name);
        cJSON_AddNumberToObject(d, "byte_per_s", t->m.mem[0].byte_per_s);
        cJSON_AddItemToArray(devs, d);
    }
    cJSON *preds = cJSON_AddArrayToObject(o, "predictions");
    for (size_t i = 0; i < s->count; i++)
        cJSON_AddItemToArray(preds, rl_predict_case_json(&s->targets[s->cases[i].target], &s->cases[i]));
    cJSON *ref = cJSON_AddArrayToObject(o, "refused");
    for (size_t i = 0; i < s->refusal_count; i++) {
        const rl_predict_refusal *r = &s->refusals[i];
        const rl_predict_target *t = &s->targets[r->target];
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "device", t->e->id);
        if (t->mode) {
            cJSON_AddStringToObject(d, "power_mode", t->mode->name);
            cJSON_AddBoolToObject(d, "super_conf", t->mode->super_conf);
        }
        cJSON_AddStringToObject(d, "op", rl_op_name(r->op));
        cJSON_AddStringToObject(d, "precision", rl_precision_name(r->p));
        cJSON_AddStringToObject(d, "reason", r->reason);
        cJSON_AddItemToArray(ref, d);
    }
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    return text;
}

/* ---- the table ------------------------------------------------------------ */

static const char *si(double v, const char *unit, char *buf, size_t len)
{
    rl_format_si(v, unit, buf, len);
    return buf;
}

static const char *shape_text(const rl_predict_item *c, char *buf, size_t len)
{
    if (c->op == RL_OP_GEMM && c->shape.m == c->shape.n && c->shape.n == c->shape.k)
        snprintf(buf, len, "%lld^3", (long long)c->shape.m);
    else
        rl_shape_format(c->op, &c->shape, buf, len);
    return buf;
}

static bool same_series(const rl_predict_item *a, const rl_predict_item *b)
{
    return a->target == b->target && a->op == b->op && a->p == b->p;
}

bool rl_predict_print_table(FILE *out, const rl_predict_set *s)
{
    size_t wdev = strlen("device"), wshape = strlen("shape");
    char a[48], b[48], c[48];
    for (size_t i = 0; i < s->target_count; i++)
        if (strlen(s->targets[i].label) > wdev)
            wdev = strlen(s->targets[i].label);
    for (size_t i = 0; i < s->count; i++)
        if (strlen(shape_text(&s->cases[i], a, sizeof a)) > wshape)
            wshape = strlen(a);
    fprintf(out, "Predictions from the roofline model (datasheet peaks, dense; main-memory bandwidth).\n"
                 "Units: SI (GB = 1e9 B, TFLOP/s = 1e12 FLOP/s); FLOP/B = arithmetic intensity.\n\n");
    fprintf(out, "%-*s  %-12s %-5s %-*s %10s %9s  %-8s %-12s %14s %11s %7s\n", (int)wdev, "device",
            "op", "prec", (int)wshape, "shape", "FLOP/B", "ridge", "bound", "by", "attainable",
            "time", "MFU");
    for (size_t i = 0; i < s->count; i++) {
        const rl_predict_item *k = &s->cases[i];
        const rl_case_prediction *r = &k->r;
        rl_format_time(r->predicted_time_s, c, sizeof c);
        fprintf(out, "%-*s  %-12s %-5s %-*s %10.4g %9.4g  %-8s %-12s %14s %11s %6.1f%%%s\n",
                (int)wdev, s->targets[k->target].label, rl_op_name(k->op), rl_precision_name(k->p),
                (int)wshape, shape_text(k, a, sizeof a), r->intensity, r->ridge,
                rl_bound_name(r->bound), r->binding_roof, si(r->attainable_flop_per_s, "FLOP/s", b, sizeof b),
                c, 100 * r->mfu, k->hypothetical ? "  HYPOTHETICAL" : "");
    }
    /* Per series: the shapes below the ridge, the question the lab asks. */
    fprintf(out, "\nBelow the ridge (memory-bound) and above it (compute-bound):\n");
    for (size_t i = 0; i < s->count;) {
        size_t j = i;
        while (j < s->count && same_series(&s->cases[i], &s->cases[j]))
            j++;
        const rl_predict_item *k = &s->cases[i];
        fprintf(out, "  %s %s %s (ridge %.4g FLOP/B):", s->targets[k->target].label,
                rl_op_name(k->op), rl_precision_name(k->p), k->r.ridge);
        for (int bound = 0; bound < 2; bound++) {
            size_t n = 0;
            for (size_t q = i; q < j; q++)
                if ((int)s->cases[q].r.bound == bound)
                    n++;
            if (!n)
                continue;
            fprintf(out, " %s-bound", rl_bound_name((rl_bound)bound));
            for (size_t q = i; q < j; q++)
                if ((int)s->cases[q].r.bound == bound)
                    fprintf(out, " %s", shape_text(&s->cases[q], a, sizeof a));
            fprintf(out, ";");
        }
        fprintf(out, "\n");
        i = j;
    }
    if (s->refusal_count) {
        fprintf(out, "\nNot predicted (%zu case%s; --hypothetical predicts what no backend runs):\n",
                s->refused_cases, s->refused_cases == 1 ? "" : "s");
        for (size_t i = 0; i < s->refusal_count; i++)
            fprintf(out, "  %s %s %s: %s\n", s->targets[s->refusals[i].target].label,
                    rl_op_name(s->refusals[i].op), rl_precision_name(s->refusals[i].p),
                    s->refusals[i].reason);
    }
    return !ferror(out);
}

/* ---- --out ------------------------------------------------------------------ */

static void add_roof(rl_roof *r, const char *name, const char *unit, double v, const char *src)
{
    snprintf(r->name, sizeof r->name, "%.*s", (int)sizeof r->name - 1, name);
    snprintf(r->unit, sizeof r->unit, "%.*s", (int)sizeof r->unit - 1, unit);
    r->value = v;
    snprintf(r->source, sizeof r->source, "%.*s", (int)sizeof r->source - 1, src ? src : "");
}

/* Each device's main memory and the compute roofs its cases are judged on
 * (only the precisions asked for), as the model gives them. */
static void device_roofs(const rl_predict_set *s, size_t t, rl_predicted_device *d)
{
    const rl_predict_target *tg = &s->targets[t];
    memset(d, 0, sizeof *d);
    snprintf(d->label, sizeof d->label, "%.*s", (int)sizeof d->label - 1, tg->label);
    rl_roof_set *rs = &d->roofs;
    add_roof(&rs->memory[rs->memory_count++], tg->m.mem[0].name, "", tg->m.mem[0].byte_per_s,
             tg->mode && tg->mode->emc_max_mhz > 0 ? "derived: 2 x EMC cap x bus width / 8"
                                                   : tg->e->bandwidth_byte_per_s.source);
    for (size_t i = 0; i < s->count; i++) {
        const rl_predict_item *k = &s->cases[i];
        if (k->target != t)
            continue;
        bool seen = false;
        for (int q = 0; q < rs->compute_count && !seen; q++)
            seen = fabs(rs->compute[q].value - k->r.peak_flop_per_s) <= 1e-9 * k->r.peak_flop_per_s &&
                   strncmp(rs->compute[q].name, k->r.roof.name, strcspn(k->r.roof.name, " ")) == 0;
        if (seen || rs->compute_count == RL_MAX_ROOFS)
            continue;
        /* "fp16 tensor": name "fp16", unit "tensor", as results.json keeps roofs */
        char name[24];
        size_t sp = strcspn(k->r.roof.name, " ");
        snprintf(name, sizeof name, "%.*s", (int)sp, k->r.roof.name);
        add_roof(&rs->compute[rs->compute_count++], name, rl_unit_name(k->r.roof.unit),
                 k->r.peak_flop_per_s, k->r.roof.source);
    }
}

rl_status rl_predict_write_out(const rl_predict_set *s, const char *dir, rl_err *err)
{
    RL_TRY(rl_make_output_dir(dir, err));
    rl_predicted_device *devs = calloc(s->target_count ? s->target_count : 1, sizeof *devs);
    rl_predicted_point *pts = calloc(s->count ? s->count : 1, sizeof *pts);
    const char **refusals = calloc(s->refusal_count ? s->refusal_count : 1, sizeof *refusals);
    char (*lines)[420] = calloc(s->refusal_count ? s->refusal_count : 1, sizeof *lines);
    char *json = rl_predict_set_json(s);
    rl_status st = RL_OK;
    if (!devs || !pts || !refusals || !lines || !json) {
        st = rl_fail(err, RL_ERR_NOMEM, "out of memory writing %s", dir);
        goto done;
    }
    for (size_t t = 0; t < s->target_count; t++)
        device_roofs(s, t, &devs[t]);
    for (size_t i = 0; i < s->count; i++) {
        const rl_predict_item *k = &s->cases[i];
        rl_predicted_point *p = &pts[i];
        p->device = k->target;
        p->op = k->op;
        p->precision = k->p;
        p->shape = k->shape;
        p->flops = k->r.flops;
        p->bytes = k->r.bytes;
        p->intensity = k->r.intensity;
        p->ridge = k->r.ridge;
        p->attainable_flop_per_s = k->r.attainable_flop_per_s;
        p->time_s = k->r.predicted_time_s;
        p->mfu = k->r.mfu;
        snprintf(p->bound, sizeof p->bound, "%.*s", (int)sizeof p->bound - 1, rl_bound_name(k->r.bound));
        snprintf(p->roof, sizeof p->roof, "%.*s", (int)sizeof p->roof - 1, k->r.roof.name);
        snprintf(p->binding, sizeof p->binding, "%.*s", (int)sizeof p->binding - 1, k->r.binding_roof);
        p->hypothetical = k->hypothetical;
    }
    for (size_t i = 0; i < s->refusal_count; i++) {
        const rl_predict_refusal *r = &s->refusals[i];
        snprintf(lines[i], sizeof lines[i], "%s %s %s: %s", s->targets[r->target].label,
                 rl_op_name(r->op), rl_precision_name(r->p), r->reason);
        refusals[i] = lines[i];
    }
    rl_prediction_plot pl = {.devices = devs,
                             .device_count = s->target_count,
                             .points = pts,
                             .count = s->count,
                             .refused = (int)s->refused_cases,
                             .refusals = refusals,
                             .refusal_count = s->refusal_count};
    int n = snprintf(pl.title, sizeof pl.title, "Predicted roofline:");
    for (size_t t = 0; t < s->target_count && n > 0 && (size_t)n < sizeof pl.title; t++)
        n += snprintf(pl.title + n, sizeof pl.title - (size_t)n, "%s %s", t ? "," : "",
                      s->targets[t].label);
    snprintf(pl.subtitle, sizeof pl.subtitle,
             "%zu case%s from the roofline model; datasheet peaks (dense). SI units: 1 TFLOP/s = "
             "1e12 FLOP/s, 1 GB/s = 1e9 B/s.",
             s->count, s->count == 1 ? "" : "s");
    st = rl_predict_report_write(&pl, json, dir, err);
done:
    free(json);
    free(lines);
    free(refusals);
    free(pts);
    free(devs);
    return st;
}
