/* results.json: writing and reading through cJSON. */
#include <cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/rl_results.h"
#include "report/roof_json.h"
#include "report/state_json.h"

/* ---- writing ------------------------------------------------------------ */

static void add_shape(cJSON *parent, rl_op op, const rl_shape *s)
{
    cJSON *o = cJSON_AddObjectToObject(parent, "shape");
    if (op == RL_OP_GEMM) {
        cJSON_AddNumberToObject(o, "m", (double)s->m);
        cJSON_AddNumberToObject(o, "n", (double)s->n);
        cJSON_AddNumberToObject(o, "k", (double)s->k);
    } else if (rl_op_is_rowwise(op)) {
        cJSON_AddNumberToObject(o, "rows", (double)s->rows);
        cJSON_AddNumberToObject(o, "cols", (double)s->cols);
    } else {
        cJSON_AddNumberToObject(o, "count", (double)s->count);
        if (op == RL_OP_FMA)
            cJSON_AddNumberToObject(o, "iters", (double)s->iters);
    }
}

static void add_case(cJSON *array, const rl_case_result *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", c->name);
    cJSON_AddStringToObject(o, "op", rl_op_name(c->op));
    cJSON_AddStringToObject(o, "precision", rl_precision_name(c->precision));
    add_shape(o, c->op, &c->shape);
    cJSON_AddStringToObject(o, "backend", c->backend);
    cJSON_AddNumberToObject(o, "kernel_version", c->kernel_version);
    cJSON_AddStringToObject(o, "kernel", c->kernel);
    cJSON_AddNumberToObject(o, "flops", c->flops);
    cJSON_AddNumberToObject(o, "bytes", c->bytes);
    cJSON_AddNumberToObject(o, "intensity", c->intensity);
    cJSON_AddStringToObject(o, "status", rl_case_outcome_name(c->outcome));
    if (c->message[0])
        cJSON_AddStringToObject(o, "message", c->message);
    if (c->outcome == RL_CASE_OK) {
        cJSON *t = cJSON_AddObjectToObject(o, "time_s");
        cJSON_AddNumberToObject(t, "median", c->time_s.median);
        cJSON_AddNumberToObject(t, "p10", c->time_s.p10);
        cJSON_AddNumberToObject(t, "p90", c->time_s.p90);
        cJSON_AddNumberToObject(t, "min", c->time_s.min);
        cJSON_AddNumberToObject(t, "max", c->time_s.max);
        cJSON_AddNumberToObject(t, "cv", c->time_s.cv);
        cJSON_AddNumberToObject(t, "repetitions", (double)c->time_s.count);
        cJSON *a = cJSON_AddObjectToObject(o, "achieved");
        cJSON_AddNumberToObject(a, "flop_per_s", c->flop_per_s);
        cJSON_AddNumberToObject(a, "byte_per_s", c->byte_per_s);
        cJSON_AddStringToObject(o, "cache", c->cache);
    }
    if (c->validation.checked) {
        cJSON *v = cJSON_AddObjectToObject(o, "validation");
        cJSON_AddBoolToObject(v, "passed", c->validation.passed);
        cJSON_AddNumberToObject(v, "max_rel_err", c->validation.max_rel_err);
        cJSON_AddNumberToObject(v, "tolerance", c->validation.tolerance);
        cJSON_AddNumberToObject(v, "checked_units", (double)c->validation.checked_units);
        cJSON_AddNumberToObject(v, "total_units", (double)c->validation.total_units);
    }
    if (c->predicted.present) {
        cJSON *p = cJSON_AddObjectToObject(o, "predicted");
        cJSON_AddNumberToObject(p, "flop_per_s", c->predicted.flop_per_s);
        cJSON_AddNumberToObject(p, "time_s", c->predicted.time_s);
        cJSON_AddStringToObject(p, "bound", c->predicted.bound);
        cJSON_AddNumberToObject(p, "mfu", c->predicted.mfu);
        if (c->predicted.roof[0])
            cJSON_AddStringToObject(p, "roof", c->predicted.roof);
        if (c->predicted.binding[0])
            cJSON_AddStringToObject(p, "binding_roof", c->predicted.binding);
        if (c->outcome == RL_CASE_OK && c->predicted.roof_fraction > 0)
            cJSON_AddNumberToObject(p, "measured_fraction_of_binding_roof",
                                    c->predicted.roof_fraction);
        if (c->outcome == RL_CASE_OK)
            cJSON_AddNumberToObject(o, "mfu", c->predicted.measured_mfu);
    }
    rl_energy_add_json(o, &c->energy);
    cJSON_AddItemToArray(array, o);
}

static void add_cpu(cJSON *parent, const rl_cpu_info *cpu)
{
    cJSON *o = cJSON_AddObjectToObject(parent, "cpu");
    cJSON_AddStringToObject(o, "model", cpu->model);
    cJSON_AddStringToObject(o, "arch", cpu->arch);
    cJSON_AddNumberToObject(o, "cores", cpu->cores);
    cJSON_AddNumberToObject(o, "threads", cpu->pus);
    cJSON_AddNumberToObject(o, "numa_nodes", cpu->numa_nodes);
    cJSON_AddNumberToObject(o, "memory_bytes", (double)cpu->memory_bytes);
    cJSON_AddStringToObject(o, "isa", cpu->isa);
    cJSON *caches = cJSON_AddArrayToObject(o, "caches");
    for (int i = 0; i < cpu->cache_count; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddNumberToObject(c, "level", cpu->caches[i].level);
        cJSON_AddNumberToObject(c, "size_bytes", (double)cpu->caches[i].size_bytes);
        cJSON_AddNumberToObject(c, "instances", cpu->caches[i].instances);
        cJSON_AddItemToArray(caches, c);
    }
    cJSON_AddNumberToObject(o, "llc_bytes", (double)cpu->llc_bytes);
    if (cpu->warnings[0])
        cJSON_AddStringToObject(o, "warnings", cpu->warnings);
}

void rl_roof_set_add_json(cJSON *parent, const char *key, const rl_roof_set *set)
{
    cJSON *o = cJSON_AddObjectToObject(parent, key);
    cJSON *mem = cJSON_AddArrayToObject(o, "memory");
    for (int i = 0; i < set->memory_count; i++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "level", set->memory[i].name);
        cJSON_AddNumberToObject(m, "byte_per_s", set->memory[i].value);
        if (set->memory[i].source[0])
            cJSON_AddStringToObject(m, "source", set->memory[i].source);
        cJSON_AddItemToArray(mem, m);
    }
    cJSON *comp = cJSON_AddArrayToObject(o, "compute");
    for (int i = 0; i < set->compute_count; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "precision", set->compute[i].name);
        cJSON_AddStringToObject(c, "unit", set->compute[i].unit);
        cJSON_AddNumberToObject(c, "flop_per_s", set->compute[i].value);
        if (set->compute[i].source[0])
            cJSON_AddStringToObject(c, "source", set->compute[i].source);
        cJSON_AddItemToArray(comp, c);
    }
}

/* The fields the backend could read; unknown ones are left out. */
static void add_device_state(cJSON *parent, const char *key, const rl_device_state *d)
{
    cJSON *o = cJSON_AddObjectToObject(parent, key);
    if (d->sm_clock_mhz >= 0)
        cJSON_AddNumberToObject(o, "clock_mhz", d->sm_clock_mhz);
    if (d->mem_clock_mhz >= 0)
        cJSON_AddNumberToObject(o, "memory_clock_mhz", d->mem_clock_mhz);
    if (d->power_draw_w >= 0)
        cJSON_AddNumberToObject(o, "power_w", d->power_draw_w);
    if (d->power_limit_w >= 0)
        cJSON_AddNumberToObject(o, "power_limit_w", d->power_limit_w);
    if (d->temperature_c >= 0)
        cJSON_AddNumberToObject(o, "temperature_c", d->temperature_c);
    rl_device_state_add_extra_json(o, d);
}

char *rl_results_to_json(const rl_results *r)
{
    const rl_run_info *in = &r->info;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "schema", RL_RESULTS_SCHEMA);
    cJSON *tool = cJSON_AddObjectToObject(root, "tool");
    cJSON_AddStringToObject(tool, "name", "rooflab");
    cJSON_AddStringToObject(tool, "version", in->tool_version);
    cJSON_AddStringToObject(tool, "git_revision", in->git_revision);
    cJSON_AddStringToObject(root, "status", r->complete ? "complete" : "partial");
    cJSON_AddStringToObject(root, "date", in->date);
    cJSON_AddStringToObject(root, "host", in->host);
    cJSON_AddStringToObject(root, "device", in->device);
    cJSON_AddStringToObject(root, "device_description", in->device_description);
    cJSON_AddStringToObject(root, "suite", in->suite);
    char seed[32];
    snprintf(seed, sizeof seed, "%" PRIu64, in->seed);
    cJSON_AddStringToObject(root, "seed", seed);
    cJSON_AddNumberToObject(root, "threads", in->threads);
    add_cpu(root, &in->cpu);
    cJSON *blas = cJSON_AddObjectToObject(root, "blas");
    cJSON_AddStringToObject(blas, "config", in->blas_config);
    cJSON_AddStringToObject(blas, "corename", in->blas_corename);
    cJSON_AddNumberToObject(blas, "threads", in->blas_threads);
    cJSON *env = cJSON_AddObjectToObject(root, "environment");
    for (int i = 0; i < in->env_count; i++) {
        char key[160];
        snprintf(key, sizeof key, "%s", in->env[i]);
        char *eq = strchr(key, '=');
        if (!eq)
            continue;
        *eq = '\0';
        cJSON_AddStringToObject(env, key, eq + 1);
    }
    if (in->device_state_read) {
        cJSON *state = cJSON_AddObjectToObject(root, "device_state");
        add_device_state(state, "start", &in->device_start);
        add_device_state(state, "end", &in->device_end);
    }
    if (r->extra_json) {
        const cJSON *extra = (const cJSON *)r->extra_json;
        for (const cJSON *item = extra->child; item; item = item->next)
            if (item->string)
                cJSON_AddItemToObject(root, item->string, cJSON_Duplicate(item, 1));
    }
    cJSON *ceilings = cJSON_AddObjectToObject(root, "ceilings");
    rl_roof_set_add_json(ceilings, "datasheet", &r->ceilings.datasheet);
    rl_roof_set_add_json(ceilings, "measured", &r->ceilings.measured);
    cJSON *cases = cJSON_AddArrayToObject(root, "cases");
    for (size_t i = 0; i < r->count; i++)
        add_case(cases, &r->cases[i]);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

rl_status rl_results_write_json(const rl_results *r, const char *path, rl_err *err)
{
    char *text = rl_results_to_json(r);
    if (!text)
        return rl_fail(err, RL_ERR_NOMEM, "out of memory serialising results");
    size_t len = strlen(text);
    /* end with a newline, as text files do */
    char *with_nl = realloc(text, len + 2);
    if (!with_nl) {
        free(text);
        return rl_fail(err, RL_ERR_NOMEM, "out of memory serialising results");
    }
    with_nl[len] = '\n';
    with_nl[len + 1] = '\0';
    rl_status s = rl_write_file_atomic(path, with_nl, len + 1, err);
    free(with_nl);
    return s;
}

/* ---- reading -------------------------------------------------------------- */

static double num(const cJSON *o, const char *key, double fallback)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : fallback;
}

static void str(const cJSON *o, const char *key, char *dst, size_t len)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    snprintf(dst, len, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

static rl_status read_case(const cJSON *o, size_t index, rl_case_result *c, rl_err *err)
{
    memset(c, 0, sizeof *c);
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(o, "op");
    const cJSON *prec = cJSON_GetObjectItemCaseSensitive(o, "precision");
    if (!cJSON_IsString(op) || !cJSON_IsString(prec))
        return rl_fail(err, RL_ERR_INVALID, "case %zu: missing \"op\" or \"precision\"", index);
    rl_err inner;
    if (rl_op_parse(op->valuestring, &c->op, &inner) != RL_OK ||
        rl_precision_parse(prec->valuestring, &c->precision, &inner) != RL_OK)
        return rl_fail(err, RL_ERR_INVALID, "case %zu: %s", index, inner.msg);
    str(o, "name", c->name, sizeof c->name);
    str(o, "backend", c->backend, sizeof c->backend);
    str(o, "kernel", c->kernel, sizeof c->kernel);
    str(o, "message", c->message, sizeof c->message);
    str(o, "cache", c->cache, sizeof c->cache);
    c->kernel_version = (int)num(o, "kernel_version", 0);
    const cJSON *shape = cJSON_GetObjectItemCaseSensitive(o, "shape");
    c->shape.m = (int64_t)num(shape, "m", 0);
    c->shape.n = (int64_t)num(shape, "n", 0);
    c->shape.k = (int64_t)num(shape, "k", 0);
    c->shape.rows = (int64_t)num(shape, "rows", 0);
    c->shape.cols = (int64_t)num(shape, "cols", 0);
    c->shape.count = (int64_t)num(shape, "count", 0);
    c->shape.iters = (int64_t)num(shape, "iters", 0);
    c->flops = num(o, "flops", 0);
    c->bytes = num(o, "bytes", 0);
    c->intensity = num(o, "intensity", 0);
    char status[32];
    str(o, "status", status, sizeof status);
    c->outcome = RL_CASE_ERROR;
    for (int k = RL_CASE_OK; k <= RL_CASE_ERROR; k++)
        if (strcmp(status, rl_case_outcome_name((rl_case_outcome)k)) == 0)
            c->outcome = (rl_case_outcome)k;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "time_s");
    if (t) {
        c->time_s.median = num(t, "median", 0);
        c->time_s.p10 = num(t, "p10", 0);
        c->time_s.p90 = num(t, "p90", 0);
        c->time_s.min = num(t, "min", 0);
        c->time_s.max = num(t, "max", 0);
        c->time_s.cv = num(t, "cv", 0);
        c->time_s.count = (size_t)num(t, "repetitions", 0);
    }
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "achieved");
    c->flop_per_s = num(a, "flop_per_s", 0);
    c->byte_per_s = num(a, "byte_per_s", 0);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "validation");
    if (v) {
        c->validation.checked = true;
        c->validation.passed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "passed"));
        c->validation.max_rel_err = num(v, "max_rel_err", 0);
        c->validation.tolerance = num(v, "tolerance", 0);
        c->validation.checked_units = (int64_t)num(v, "checked_units", 0);
        c->validation.total_units = (int64_t)num(v, "total_units", 0);
    }
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "predicted");
    if (p) {
        c->predicted.present = true;
        c->predicted.flop_per_s = num(p, "flop_per_s", 0);
        c->predicted.time_s = num(p, "time_s", 0);
        c->predicted.mfu = num(p, "mfu", 0);
        str(p, "bound", c->predicted.bound, sizeof c->predicted.bound);
        str(p, "roof", c->predicted.roof, sizeof c->predicted.roof);
        str(p, "binding_roof", c->predicted.binding, sizeof c->predicted.binding);
        c->predicted.roof_fraction = num(p, "measured_fraction_of_binding_roof", 0);
        c->predicted.measured_mfu = num(o, "mfu", 0);
    }
    rl_energy_read_json(o, &c->energy);
    return RL_OK;
}

void rl_roof_set_read_json(const cJSON *o, rl_roof_set *set)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(o, "memory"))
    {
        if (set->memory_count == RL_MAX_ROOFS)
            break;
        rl_roof *roof = &set->memory[set->memory_count++];
        str(item, "level", roof->name, sizeof roof->name);
        str(item, "source", roof->source, sizeof roof->source);
        roof->value = num(item, "byte_per_s", 0);
    }
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(o, "compute"))
    {
        if (set->compute_count == RL_MAX_ROOFS)
            break;
        rl_roof *roof = &set->compute[set->compute_count++];
        str(item, "precision", roof->name, sizeof roof->name);
        str(item, "unit", roof->unit, sizeof roof->unit);
        str(item, "source", roof->source, sizeof roof->source);
        roof->value = num(item, "flop_per_s", 0);
    }
}

static void read_device_state(const cJSON *o, rl_device_state *d)
{
    d->sm_clock_mhz = num(o, "clock_mhz", -1.0);
    d->mem_clock_mhz = num(o, "memory_clock_mhz", -1.0);
    d->power_draw_w = num(o, "power_w", -1.0);
    d->power_limit_w = num(o, "power_limit_w", -1.0);
    d->temperature_c = num(o, "temperature_c", -1.0);
    rl_device_state_read_extra_json(o, d);
}

rl_status rl_results_parse_json(const char *text, rl_results *r, rl_err *err)
{
    rl_results_init(r);
    cJSON *root = cJSON_Parse(text);
    if (!root)
        return rl_fail(err, RL_ERR_INVALID, "malformed JSON near: %.40s",
                       cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() : "(end)");
    rl_status s = RL_OK;
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(root, "cases");
    if (!cJSON_IsString(schema) || strcmp(schema->valuestring, RL_RESULTS_SCHEMA) != 0) {
        s = rl_fail(err, RL_ERR_INVALID, "not a rooflab results file (\"schema\" is not \"%s\")",
                    RL_RESULTS_SCHEMA);
        goto out;
    }
    if (!cJSON_IsArray(cases)) {
        s = rl_fail(err, RL_ERR_INVALID, "results file has no \"cases\" array");
        goto out;
    }
    rl_run_info *in = &r->info;
    const cJSON *tool = cJSON_GetObjectItemCaseSensitive(root, "tool");
    str(tool, "version", in->tool_version, sizeof in->tool_version);
    str(tool, "git_revision", in->git_revision, sizeof in->git_revision);
    str(root, "date", in->date, sizeof in->date);
    str(root, "host", in->host, sizeof in->host);
    str(root, "device", in->device, sizeof in->device);
    str(root, "device_description", in->device_description, sizeof in->device_description);
    str(root, "suite", in->suite, sizeof in->suite);
    char seed[32];
    str(root, "seed", seed, sizeof seed);
    in->seed = strtoull(seed, NULL, 10);
    in->threads = (int)num(root, "threads", 0);
    const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(root, "cpu");
    str(cpu, "model", in->cpu.model, sizeof in->cpu.model);
    str(cpu, "arch", in->cpu.arch, sizeof in->cpu.arch);
    str(cpu, "isa", in->cpu.isa, sizeof in->cpu.isa);
    in->cpu.cores = (int)num(cpu, "cores", 0);
    in->cpu.pus = (int)num(cpu, "threads", 0);
    in->cpu.llc_bytes = (uint64_t)num(cpu, "llc_bytes", 0);
    const cJSON *blas = cJSON_GetObjectItemCaseSensitive(root, "blas");
    str(blas, "config", in->blas_config, sizeof in->blas_config);
    str(blas, "corename", in->blas_corename, sizeof in->blas_corename);
    in->blas_threads = (int)num(blas, "threads", 0);
    const cJSON *state = cJSON_GetObjectItemCaseSensitive(root, "device_state");
    in->device_state_read = cJSON_IsObject(state);
    read_device_state(cJSON_GetObjectItemCaseSensitive(state, "start"), &in->device_start);
    read_device_state(cJSON_GetObjectItemCaseSensitive(state, "end"), &in->device_end);
    const cJSON *ceilings = cJSON_GetObjectItemCaseSensitive(root, "ceilings");
    rl_roof_set_read_json(cJSON_GetObjectItemCaseSensitive(ceilings, "datasheet"), &r->ceilings.datasheet);
    rl_roof_set_read_json(cJSON_GetObjectItemCaseSensitive(ceilings, "measured"), &r->ceilings.measured);
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
    r->complete = cJSON_IsString(status) && strcmp(status->valuestring, "complete") == 0;
    size_t index = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, cases)
    {
        rl_case_result c;
        s = read_case(item, index++, &c, err);
        if (s == RL_OK)
            s = rl_results_append(r, &c, err);
        if (s != RL_OK)
            goto out;
    }
out:
    cJSON_Delete(root);
    if (s != RL_OK)
        rl_results_free(r);
    return s;
}

rl_status rl_results_read_json(const char *path, rl_results *r, rl_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return rl_fail(err, RL_ERR_IO, "cannot read %s: %s", path, strerror(errno));
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? 2 * cap : 65536;
            char *grown = realloc(text, cap);
            if (!grown) {
                free(text);
                fclose(f);
                return rl_fail(err, RL_ERR_NOMEM, "out of memory reading %s", path);
            }
            text = grown;
        }
        size_t n = fread(text + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    text[len] = '\0';
    rl_err inner;
    rl_status s = rl_results_parse_json(text, r, &inner);
    free(text);
    if (s != RL_OK)
        return rl_fail(err, s, "%s: %s", path, inner.msg);
    return RL_OK;
}
