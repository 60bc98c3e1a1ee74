/* The interactive roofline's data: every catalog device, power mode and
 * precision with the roofs the model derives for GEMM and each row op, or
 * the message `rooflab predict` refuses the case with. The page's script
 * reads this and derives no roof of its own. */
#include "report/rl_interactive.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "devices/rl_catalog.h"
/* The table the CUDA backend and `rooflab predict` answer from (header-only,
 * pure): the page refuses exactly what predict refuses. */
#include "kernels/rl_support.h"
#include "model/rl_roofline.h"
#include "report/rl_roofline_svg.h"

/* A number written with 17 significant digits, so the page reads back the
 * very double the model computed (cJSON's own printing may round off the
 * last bits); non-finite numbers are null. */
static void add_exact(cJSON *o, const char *key, double v)
{
    char text[32];
    if (isfinite(v))
        snprintf(text, sizeof text, "%.17g", v);
    else
        snprintf(text, sizeof text, "null");
    cJSON_AddRawToObject(o, key, text);
}

/* The ops the panel offers: GEMM and the row ops. */
static bool lab_op(rl_op op)
{
    return op == RL_OP_GEMM || rl_op_is_rowwise(op);
}

/* Index of text in the messages array, appending it when new. */
static int message_index(cJSON *messages, const char *kind, const char *text)
{
    int i = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, messages)
    {
        if (strcmp(cJSON_GetObjectItem(m, "text")->valuestring, text) == 0 &&
            strcmp(cJSON_GetObjectItem(m, "kind")->valuestring, kind) == 0)
            return i;
        i++;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", kind);
    cJSON_AddStringToObject(o, "text", text);
    cJSON_AddItemToArray(messages, o);
    return i;
}

/* Index of a compute roof in the machine's roofs, appending it when new. */
static int roof_index(cJSON *roofs, const rl_compute_roof *r, double byte_per_s)
{
    int i = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, roofs)
    {
        if (strcmp(cJSON_GetObjectItem(o, "name")->valuestring, r->name) == 0)
            return i;
        i++;
    }
    cJSON *n = cJSON_CreateObject();
    cJSON_AddStringToObject(n, "name", r->name);
    cJSON_AddStringToObject(n, "unit", rl_unit_name(r->unit));
    add_exact(n, "flop_per_s", r->flop_per_s);
    add_exact(n, "ridge", rl_ridge(r->flop_per_s, byte_per_s));
    cJSON_AddStringToObject(n, "source", r->source ? r->source : "");
    cJSON_AddItemToArray(roofs, n);
    return i;
}

/* One machine: a GPU, or a Jetson in one power mode. Each case is a roof
 * index (>= 0) or -(message index + 1), in the order rooflab predict
 * checks: what the backend runs, then the roof's peak, then the bandwidth. */
static cJSON *machine_json(const rl_catalog_entry *e, const rl_power_mode *mode,
                           cJSON *messages, rl_err *err)
{
    rl_machine m;
    if (rl_catalog_machine(e, mode, &m, NULL, err) != RL_OK)
        return NULL;
    int cc_major = 0, cc_minor = 0;
    if (sscanf(e->compute_capability, "%d.%d", &cc_major, &cc_minor) != 2)
        cc_major = cc_minor = 0;
    const double bw = m.mem_count > 0 ? m.mem[0].byte_per_s : 0.0;

    cJSON *o = cJSON_CreateObject();
    if (mode) {
        char key[48];
        cJSON_AddStringToObject(o, "mode", rl_power_mode_key(mode, key, sizeof key));
    } else {
        cJSON_AddNullToObject(o, "mode");
    }
    cJSON_AddStringToObject(o, "mem", m.mem[0].name);
    add_exact(o, "byte_per_s", bw);
    cJSON_AddStringToObject(o, "bw_source", mode && mode->emc_max_mhz > 0
                                                 ? "derived: 2 x EMC cap x bus width / 8"
                                                 : e->bandwidth_byte_per_s.source);
    add_exact(o, "mufu_op_per_s", m.mufu_op_per_s);
    cJSON_AddStringToObject(o, "mufu_source", m.mufu_source);
    cJSON *roofs = cJSON_AddArrayToObject(o, "roofs");
    cJSON *cases = cJSON_AddArrayToObject(o, "cases");
    for (int p = 0; p < RL_PREC_COUNT; p++) {
        cJSON *row = cJSON_CreateArray();
        for (int op = 0; op < RL_OP_COUNT; op++) {
            if (!lab_op((rl_op)op))
                continue;
            rl_err why;
            rl_compute_roof roof;
            int v;
            if (!rl_cuda_runs((rl_op)op, (rl_precision)p, cc_major, cc_minor, &why))
                v = -1 - message_index(messages, "refused", why.msg);
            else if (rl_machine_compute_roof(&m, (rl_op)op, (rl_precision)p, &roof, &why) !=
                     RL_OK)
                v = -1 - message_index(messages, "unknown", why.msg);
            else if (!(bw > 0))
                v = -1 - message_index(messages, "unknown", "no main-memory bandwidth is known");
            else
                v = roof_index(roofs, &roof, bw);
            cJSON_AddItemToArray(row, cJSON_CreateNumber(v));
        }
        cJSON_AddItemToArray(cases, row);
    }
    return o;
}

static cJSON *device_json(const rl_catalog_entry *e, cJSON *messages, rl_err *err)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "id", e->id);
    cJSON_AddStringToObject(d, "name", e->name);
    cJSON_AddStringToObject(d, "kind", e->kind == RL_CAT_JETSON ? "jetson" : "gpu");
    cJSON_AddStringToObject(d, "cc", e->compute_capability);
    cJSON *modes = cJSON_AddArrayToObject(d, "modes");
    cJSON *machines = cJSON_AddArrayToObject(d, "machines");
    for (int i = 0; i < e->mode_count; i++) {
        const rl_power_mode *pm = &e->modes[i];
        cJSON *mo = cJSON_CreateObject();
        char key[48];
        cJSON_AddStringToObject(mo, "key", rl_power_mode_key(pm, key, sizeof key));
        cJSON_AddStringToObject(mo, "name", pm->name);
        cJSON_AddBoolToObject(mo, "default", pm->is_default);
        cJSON_AddBoolToObject(mo, "super", pm->super_conf);
        cJSON_AddNumberToObject(mo, "sms", pm->sms);
        cJSON_AddNumberToObject(mo, "gpu_max_mhz", pm->gpu_max_mhz);
        cJSON_AddNumberToObject(mo, "emc_max_mhz", pm->emc_max_mhz);
        cJSON_AddItemToArray(modes, mo);
    }
    const int n = e->mode_count > 0 ? e->mode_count : 1;
    for (int i = 0; i < n; i++) {
        cJSON *mj = machine_json(e, e->mode_count > 0 ? &e->modes[i] : NULL, messages, err);
        if (!mj) {
            cJSON_Delete(d);
            return NULL;
        }
        cJSON_AddItemToArray(machines, mj);
    }
    return d;
}

static void measured_json(cJSON *root, const rl_results *run)
{
    cJSON *pts = cJSON_AddArrayToObject(root, "measured");
    if (!run)
        return;
    /* what the points were measured on, in words: "AMD EPYC, 2 threads" */
    char on[400];
    const rl_run_info *in = &run->info;
    if (strncmp(in->device, "cpu", 3) == 0 && in->cpu.model[0])
        snprintf(on, sizeof on, "%s%s%s", in->cpu.model, in->device_description[0] ? ", " : "",
                 in->device_description);
    else
        snprintf(on, sizeof on, "%s", in->device_description[0] ? in->device_description
                                                                : in->device);
    cJSON_AddStringToObject(root, "measured_on", on);
    for (size_t i = 0; i < run->count; i++) {
        const rl_case_result *c = &run->cases[i];
        /* only what a FLOP/s axis can show */
        if (c->outcome != RL_CASE_OK || !(c->flops > 0) || !(c->intensity > 0) ||
            !(c->flop_per_s > 0))
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", c->name);
        cJSON_AddStringToObject(o, "op", rl_op_name(c->op));
        cJSON_AddStringToObject(o, "precision", rl_precision_name(c->precision));
        cJSON_AddStringToObject(o, "color", rl_op_color(c->op));
        add_exact(o, "intensity", c->intensity);
        add_exact(o, "flop_per_s", c->flop_per_s);
        add_exact(o, "time_s", c->time_s.median);
        cJSON_AddItemToArray(pts, o);
    }
}

/* The device the panel opens on: the one asked for, else the run's device
 * where the catalog recognises it, else the lab's H100, else the first. */
static const rl_catalog_entry *start_device(const rl_catalog *cat, const rl_results *run,
                                            const rl_lab_start *start)
{
    const rl_catalog_entry *e = NULL;
    if (start && start->device[0])
        e = rl_catalog_find(cat, start->device);
    if (!e && run && run->info.device_description[0])
        e = rl_catalog_match_cuda(cat, run->info.device_description);
    if (!e)
        e = rl_catalog_find(cat, "h100-sxm5");
    if (!e && cat->count > 0)
        e = &cat->entries[0];
    return e;
}

/* "start": the settings the page applies first, as its URL hash would. */
static void start_json(cJSON *root, const rl_catalog_entry *e, const rl_lab_start *start)
{
    cJSON *st = cJSON_AddObjectToObject(root, "start");
    cJSON_AddStringToObject(st, "device", e->id);
    if (start && start->power_mode[0] && start->device[0] && strcmp(start->device, e->id) == 0)
        cJSON_AddStringToObject(st, "mode", start->power_mode);
    cJSON_AddStringToObject(st, "precision",
                            start && start->precision[0] ? start->precision : "fp16");
    const bool own = start && start->has_case &&
                     (start->op == RL_OP_GEMM || rl_op_is_rowwise(start->op));
    const rl_shape gemm512 = {.m = 512, .n = 512, .k = 512};
    const rl_shape *s = own ? &start->shape : &gemm512;
    const rl_op op = own ? start->op : RL_OP_GEMM;
    cJSON_AddStringToObject(st, "op", rl_op_name(op));
    if (op == RL_OP_GEMM) {
        cJSON_AddNumberToObject(st, "m", (double)s->m);
        cJSON_AddNumberToObject(st, "n", (double)s->n);
        cJSON_AddNumberToObject(st, "k", (double)s->k);
    } else {
        cJSON_AddNumberToObject(st, "rows", (double)s->rows);
        cJSON_AddNumberToObject(st, "cols", (double)s->cols);
    }
}

rl_status rl_interactive_data_json(const rl_results *run, const rl_lab_start *start, char **out,
                                   rl_err *err)
{
    *out = NULL;
    rl_catalog cat;
    RL_TRY(rl_catalog_load(&cat, err));
    if (cat.count == 0) {
        rl_catalog_free(&cat);
        return rl_fail(err, RL_ERR_INVALID, "the device catalog is empty");
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "schema", "rooflab.lab/1");
    cJSON *precs = cJSON_AddArrayToObject(root, "precisions");
    for (int p = 0; p < RL_PREC_COUNT; p++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", rl_precision_name((rl_precision)p));
        cJSON_AddNumberToObject(o, "in_bytes",
                                (double)rl_dtype_size(rl_input_dtype((rl_precision)p)));
        cJSON_AddNumberToObject(
            o, "gemm_out_bytes",
            (double)rl_dtype_size(rl_output_dtype(RL_OP_GEMM, (rl_precision)p)));
        cJSON_AddItemToArray(precs, o);
    }
    cJSON *ops = cJSON_AddArrayToObject(root, "ops");
    for (int op = 0; op < RL_OP_COUNT; op++) {
        if (!lab_op((rl_op)op))
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", rl_op_name((rl_op)op));
        cJSON_AddStringToObject(o, "color", rl_op_color((rl_op)op));
        cJSON_AddItemToArray(ops, o);
    }
    cJSON *messages = cJSON_AddArrayToObject(root, "messages");
    cJSON *devices = cJSON_AddArrayToObject(root, "devices");
    rl_status s = RL_OK;
    for (int i = 0; i < cat.count && s == RL_OK; i++) {
        cJSON *d = device_json(&cat.entries[i], messages, err);
        if (d)
            cJSON_AddItemToArray(devices, d);
        else
            s = RL_ERR_INVALID;
    }
    measured_json(root, run);
    start_json(root, start_device(&cat, run, start), start);
    rl_catalog_free(&cat);
    if (s == RL_OK) {
        *out = cJSON_PrintUnformatted(root);
        if (!*out)
            s = rl_fail(err, RL_ERR_NOMEM, "out of memory writing the lab's data");
    }
    cJSON_Delete(root);
    return s;
}
