/* results.json: writing and reading through cJSON. */
#include <cJSON.h>
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/rl_results.h"
#include "report/rl_json_read.h"
#include "report/roof_json.h"
#include "report/run_facts_json.h"
#include "report/state_json.h"

/* ---- writing ------------------------------------------------------------ */

static void add_shape(cJSON *parent, rl_op op, const rl_shape *s)
{
    cJSON *o = cJSON_AddObjectToObject(parent, "shape");
    if (op == RL_OP_GEMM) {
        if (s->batch > 1)
            cJSON_AddNumberToObject(o, "batch", (double)s->batch);
        cJSON_AddNumberToObject(o, "m", (double)s->m);
        cJSON_AddNumberToObject(o, "n", (double)s->n);
        cJSON_AddNumberToObject(o, "k", (double)s->k);
    } else if (rl_op_is_rowwise(op)) {
        cJSON_AddNumberToObject(o, "rows", (double)s->rows);
        cJSON_AddNumberToObject(o, "cols", (double)s->cols);
        if (s->queries > 0)
            cJSON_AddNumberToObject(o, "queries", (double)s->queries);
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
    if (c->device_read) {
        rl_device_state_add_json(o, "device_worst", &c->device_worst);
        const char *why = rl_device_state_throttle(&c->device_worst);
        if (why)
            cJSON_AddStringToObject(o, "throttled", why);
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
    if (in->slurm.job_id[0]) {
        cJSON *slurm = cJSON_AddObjectToObject(root, "slurm");
        cJSON_AddStringToObject(slurm, "job_id", in->slurm.job_id);
        cJSON_AddStringToObject(slurm, "array_job_id", in->slurm.array_job_id);
        cJSON_AddStringToObject(slurm, "array_task_id", in->slurm.array_task_id);
        cJSON_AddStringToObject(slurm, "step_id", in->slurm.step_id);
        cJSON_AddStringToObject(slurm, "proc_id", in->slurm.proc_id);
        cJSON_AddStringToObject(slurm, "node_list", in->slurm.node_list);
    }
    if (in->device_state_read) {
        cJSON *state = cJSON_AddObjectToObject(root, "device_state");
        rl_device_state_add_json(state, "start", &in->device_start);
        rl_device_state_add_json(state, "end", &in->device_end);
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
    rl_run_facts_add_json(root, r);
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

/* ---- reading ------------------------------------------------------------ */

/* Every number of a results file is hostile until checked (rl_json_read.h):
 * the reads below name their plausible ranges. */
#define NUM(o, key, lo, hi, fallback, dst) \
    RL_TRY(rl_json_number(o, key, lo, hi, fallback, &(dst), where, err))
#define INT(o, key, lo, hi, dst)                                       \
    do {                                                               \
        int64_t v_;                                                    \
        RL_TRY(rl_json_int(o, key, lo, hi, 0, &v_, where, err));       \
        (dst) = v_;                                                    \
    } while (0)

static const int64_t int_max = (int64_t)1 << 53;
#define RATE RL_PLAUSIBLE_RATE_MAX
#define TIME RL_PLAUSIBLE_TIME_MAX
#define RATIO RL_PLAUSIBLE_RATIO_MAX
#define COUNT RL_PLAUSIBLE_COUNT_MAX

static rl_status read_device_state(const cJSON *o, rl_device_state *d, const char *where,
                                   rl_err *err);

static rl_status read_case(const cJSON *o, size_t index, rl_case_result *c, rl_err *err)
{
    memset(c, 0, sizeof *c);
    char where[48];
    snprintf(where, sizeof where, "case %zu: ", index);
    if (!cJSON_IsObject(o))
        return rl_fail(err, RL_ERR_INVALID, "case %zu: not an object", index);
    char op[32], prec[32];
    rl_json_string(o, "op", op, sizeof op);
    rl_json_string(o, "precision", prec, sizeof prec);
    if (!op[0] || !prec[0])
        return rl_fail(err, RL_ERR_INVALID, "case %zu: missing \"op\" or \"precision\"", index);
    rl_err inner;
    char quoted[48];
    if (rl_op_parse(op, &c->op, &inner) != RL_OK) {
        rl_quote_text(op, 24, quoted, sizeof quoted);
        return rl_fail(err, RL_ERR_INVALID, "case %zu: unknown op '%s'", index, quoted);
    }
    if (rl_precision_parse(prec, &c->precision, &inner) != RL_OK) {
        rl_quote_text(prec, 24, quoted, sizeof quoted);
        return rl_fail(err, RL_ERR_INVALID, "case %zu: unknown precision '%s'", index, quoted);
    }
    rl_json_string(o, "name", c->name, sizeof c->name);
    rl_json_string(o, "backend", c->backend, sizeof c->backend);
    rl_json_string(o, "kernel", c->kernel, sizeof c->kernel);
    rl_json_string(o, "message", c->message, sizeof c->message);
    rl_json_string(o, "cache", c->cache, sizeof c->cache);
    INT(o, "kernel_version", 0, 1000000, c->kernel_version);
    rl_device_state_unknown(&c->device_worst);
    const cJSON *worst = cJSON_GetObjectItemCaseSensitive(o, "device_worst");
    if (cJSON_IsObject(worst)) {
        c->device_read = true;
        RL_TRY(read_device_state(worst, &c->device_worst, where, err));
    }
    const cJSON *shape = cJSON_GetObjectItemCaseSensitive(o, "shape");
    INT(shape, "m", 0, int_max, c->shape.m);
    INT(shape, "n", 0, int_max, c->shape.n);
    INT(shape, "k", 0, int_max, c->shape.k);
    INT(shape, "rows", 0, int_max, c->shape.rows);
    INT(shape, "cols", 0, int_max, c->shape.cols);
    INT(shape, "count", 0, int_max, c->shape.count);
    INT(shape, "iters", 0, int_max, c->shape.iters);
    INT(shape, "batch", 0, int_max, c->shape.batch);
    INT(shape, "queries", 0, int_max, c->shape.queries);
    NUM(o, "flops", 0, COUNT, 0, c->flops);
    NUM(o, "bytes", 0, COUNT, 0, c->bytes);
    NUM(o, "intensity", 0, COUNT, 0, c->intensity);
    char status[32];
    rl_json_string(o, "status", status, sizeof status);
    c->outcome = RL_CASE_ERROR;
    for (int k = RL_CASE_OK; k <= RL_CASE_ERROR; k++)
        if (strcmp(status, rl_case_outcome_name((rl_case_outcome)k)) == 0)
            c->outcome = (rl_case_outcome)k;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "time_s");
    NUM(t, "median", 0, TIME, 0, c->time_s.median);
    NUM(t, "p10", 0, TIME, 0, c->time_s.p10);
    NUM(t, "p90", 0, TIME, 0, c->time_s.p90);
    NUM(t, "min", 0, TIME, 0, c->time_s.min);
    NUM(t, "max", 0, TIME, 0, c->time_s.max);
    NUM(t, "cv", 0, RATIO, 0, c->time_s.cv);
    INT(t, "repetitions", 0, int_max, c->time_s.count);
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "achieved");
    NUM(a, "flop_per_s", 0, RATE, 0, c->flop_per_s);
    NUM(a, "byte_per_s", 0, RATE, 0, c->byte_per_s);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "validation");
    if (v) {
        c->validation.checked = true;
        c->validation.passed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "passed"));
        /* a broken kernel's error may be any size: finite is all we ask */
        NUM(v, "max_rel_err", 0, DBL_MAX, 0, c->validation.max_rel_err);
        NUM(v, "tolerance", 0, RATIO, 0, c->validation.tolerance);
        INT(v, "checked_units", 0, int_max, c->validation.checked_units);
        INT(v, "total_units", 0, int_max, c->validation.total_units);
    }
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "predicted");
    if (p) {
        c->predicted.present = true;
        NUM(p, "flop_per_s", 0, RATE, 0, c->predicted.flop_per_s);
        NUM(p, "time_s", 0, TIME, 0, c->predicted.time_s);
        NUM(p, "mfu", 0, RATIO, 0, c->predicted.mfu);
        rl_json_string(p, "bound", c->predicted.bound, sizeof c->predicted.bound);
        rl_json_string(p, "roof", c->predicted.roof, sizeof c->predicted.roof);
        rl_json_string(p, "binding_roof", c->predicted.binding, sizeof c->predicted.binding);
        NUM(p, "measured_fraction_of_binding_roof", 0, RATIO, 0, c->predicted.roof_fraction);
        NUM(o, "mfu", 0, RATIO, 0, c->predicted.measured_mfu);
    }
    RL_TRY(rl_energy_read_json(o, &c->energy, where, err));
    return RL_OK;
}

/* A roof is drawn on a log axis: zero, subnormal and astronomic values are
 * refused rather than drawn. */
static rl_status read_roof(const cJSON *item, const char *name_key, const char *value_key,
                           const char *what, rl_roof *roof, rl_err *err)
{
    rl_json_string(item, name_key, roof->name, sizeof roof->name);
    rl_json_string(item, "unit", roof->unit, sizeof roof->unit);
    rl_json_string(item, "source", roof->source, sizeof roof->source);
    char quoted[40], where[96];
    rl_quote_text(roof->name, 16, quoted, sizeof quoted);
    snprintf(where, sizeof where, "%s roof '%s': ", what, quoted);
    if (!cJSON_GetObjectItemCaseSensitive(item, value_key))
        return rl_fail(err, RL_ERR_INVALID, "%s\"%s\" is missing", where, value_key);
    NUM(item, value_key, RL_PLAUSIBLE_ROOF_MIN, RATE, 0, roof->value);
    return RL_OK;
}

rl_status rl_roof_set_read_json(const cJSON *o, rl_roof_set *set, rl_err *err)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(o, "memory"))
    {
        if (set->memory_count == RL_MAX_ROOFS)
            break;
        RL_TRY(read_roof(item, "level", "byte_per_s", "memory", &set->memory[set->memory_count],
                         err));
        set->memory_count++;
    }
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(o, "compute"))
    {
        if (set->compute_count == RL_MAX_ROOFS)
            break;
        RL_TRY(read_roof(item, "precision", "flop_per_s", "compute",
                         &set->compute[set->compute_count], err));
        set->compute_count++;
    }
    return RL_OK;
}

/* Absent fields stay -1 (unknown), as the writer leaves them out. */
static rl_status read_device_state(const cJSON *o, rl_device_state *d, const char *where,
                                   rl_err *err)
{
    NUM(o, "clock_mhz", 0, 1e6, -1.0, d->sm_clock_mhz);
    NUM(o, "memory_clock_mhz", 0, 1e6, -1.0, d->mem_clock_mhz);
    NUM(o, "power_w", 0, 1e6, -1.0, d->power_draw_w);
    NUM(o, "power_limit_w", 0, 1e6, -1.0, d->power_limit_w);
    NUM(o, "temperature_c", 0, 1e4, -1.0, d->temperature_c);
    double reasons; /* NVML's reason bits, all below 2^53 */
    NUM(o, "throttle_reasons", 0, 9.0e15, -1.0, reasons);
    d->throttle_reasons = (long long)reasons;
    RL_TRY(rl_device_state_read_extra_json(o, d, where, err));
    return RL_OK;
}

static rl_status read_info(const cJSON *root, rl_results *r, rl_err *err)
{
    const char *where = "";
    rl_run_info *in = &r->info;
    const cJSON *tool = cJSON_GetObjectItemCaseSensitive(root, "tool");
    rl_json_string(tool, "version", in->tool_version, sizeof in->tool_version);
    rl_json_string(tool, "git_revision", in->git_revision, sizeof in->git_revision);
    rl_json_string(root, "date", in->date, sizeof in->date);
    rl_json_string(root, "host", in->host, sizeof in->host);
    rl_json_string(root, "device", in->device, sizeof in->device);
    rl_json_string(root, "device_description", in->device_description,
                   sizeof in->device_description);
    rl_json_string(root, "suite", in->suite, sizeof in->suite);
    const cJSON *profile = cJSON_GetObjectItemCaseSensitive(root, "device_profile");
    rl_json_string(profile, "pci_bus_id", in->pci_bus_id, sizeof in->pci_bus_id);
    rl_json_string(profile, "uuid", in->gpu_uuid, sizeof in->gpu_uuid);
    char seed[32];
    rl_json_string(root, "seed", seed, sizeof seed);
    in->seed = strtoull(seed, NULL, 10);
    INT(root, "threads", 0, 1 << 24, in->threads);
    const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(root, "cpu");
    rl_json_string(cpu, "model", in->cpu.model, sizeof in->cpu.model);
    rl_json_string(cpu, "arch", in->cpu.arch, sizeof in->cpu.arch);
    rl_json_string(cpu, "isa", in->cpu.isa, sizeof in->cpu.isa);
    where = "cpu: ";
    INT(cpu, "cores", 0, 1 << 24, in->cpu.cores);
    INT(cpu, "threads", 0, 1 << 24, in->cpu.pus);
    INT(cpu, "llc_bytes", 0, int_max, in->cpu.llc_bytes);
    const cJSON *blas = cJSON_GetObjectItemCaseSensitive(root, "blas");
    rl_json_string(blas, "config", in->blas_config, sizeof in->blas_config);
    rl_json_string(blas, "corename", in->blas_corename, sizeof in->blas_corename);
    where = "blas: ";
    INT(blas, "threads", 0, 1 << 24, in->blas_threads);
    /* "slurm" is optional: files from outside Slurm, or older, lack it. */
    const cJSON *slurm = cJSON_GetObjectItemCaseSensitive(root, "slurm");
    rl_slurm_info *sl = &in->slurm;
    rl_json_string(slurm, "job_id", sl->job_id, sizeof sl->job_id);
    rl_json_string(slurm, "array_job_id", sl->array_job_id, sizeof sl->array_job_id);
    rl_json_string(slurm, "array_task_id", sl->array_task_id, sizeof sl->array_task_id);
    rl_json_string(slurm, "step_id", sl->step_id, sizeof sl->step_id);
    rl_json_string(slurm, "proc_id", sl->proc_id, sizeof sl->proc_id);
    rl_json_string(slurm, "node_list", sl->node_list, sizeof sl->node_list);
    const cJSON *state = cJSON_GetObjectItemCaseSensitive(root, "device_state");
    in->device_state_read = cJSON_IsObject(state);
    RL_TRY(read_device_state(cJSON_GetObjectItemCaseSensitive(state, "start"), &in->device_start,
                             "device_state start: ", err));
    RL_TRY(read_device_state(cJSON_GetObjectItemCaseSensitive(state, "end"), &in->device_end,
                             "device_state end: ", err));
    const cJSON *ceilings = cJSON_GetObjectItemCaseSensitive(root, "ceilings");
    rl_err inner;
    if (rl_roof_set_read_json(cJSON_GetObjectItemCaseSensitive(ceilings, "datasheet"),
                              &r->ceilings.datasheet, &inner) != RL_OK)
        return rl_fail(err, RL_ERR_INVALID, "datasheet %s", inner.msg);
    if (rl_roof_set_read_json(cJSON_GetObjectItemCaseSensitive(ceilings, "measured"),
                              &r->ceilings.measured, &inner) != RL_OK)
        return rl_fail(err, RL_ERR_INVALID, "measured %s", inner.msg);
    RL_TRY(rl_run_facts_read_json(root, in, err));
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
    r->complete = cJSON_IsString(status) && strcmp(status->valuestring, "complete") == 0;
    return RL_OK;
}

static rl_status parse_root(const cJSON *root, rl_results *r, rl_err *err)
{
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(root, "cases");
    RL_TRY(rl_json_expect_schema(root, RL_RESULTS_SCHEMA, "results", err));
    if (!cJSON_IsArray(cases))
        return rl_fail(err, RL_ERR_INVALID, "results file has no \"cases\" array");
    RL_TRY(read_info(root, r, err));
    rl_llm_record_from_json(cJSON_GetObjectItemCaseSensitive(root, "llm"), &r->llm);
    size_t index = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, cases)
    {
        rl_case_result c;
        RL_TRY(read_case(item, index++, &c, err));
        RL_TRY(rl_results_append(r, &c, err));
    }
    return rl_case_facts_read_json(cases, r, err);
}

static rl_status parse_text(const char *text, size_t len, rl_results *r, rl_err *err)
{
    rl_results_init(r);
    cJSON *root;
    RL_TRY(rl_json_parse(text, len, &root, err));
    rl_status s = parse_root(root, r, err);
    cJSON_Delete(root);
    if (s != RL_OK)
        rl_results_free(r);
    return s;
}

rl_status rl_results_parse_json(const char *text, rl_results *r, rl_err *err)
{
    return parse_text(text, strlen(text), r, err);
}

/* A results file of the largest suite is a few MB. */
#define RESULTS_MAX_BYTES ((size_t)256 << 20)

rl_status rl_results_read_json(const char *path, rl_results *r, rl_err *err)
{
    rl_results_init(r);
    char *text;
    size_t len;
    RL_TRY(rl_read_text_file(path, RESULTS_MAX_BYTES, &text, &len, err));
    rl_err inner;
    rl_status s = parse_text(text, len, r, &inner);
    free(text);
    if (s != RL_OK)
        return rl_fail(err, s, "%s: %s", path, inner.msg);
    return RL_OK;
}
