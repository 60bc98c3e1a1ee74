/* One catalog entry in full: `rooflab devices ID [--power-mode M] [--json]`.
 * Sources print as numbered citations, listed at the end with title and URL. */
#include "harness/rl_catalog_show.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "model/rl_roofline.h"

/* ---- citations ------------------------------------------------------------------------- */

/* The sources cited so far, in order of first citation (indices into e->sources). */
typedef struct refs {
    int n;
    int order[RL_CAT_MAX_SOURCES];
} refs;

static int source_index(const rl_catalog_entry *e, const char *key, size_t key_len)
{
    for (int i = 0; i < e->source_count; i++)
        if (strlen(e->sources[i].key) == key_len && strncmp(e->sources[i].key, key, key_len) == 0)
            return i;
    return -1;
}

static int ref_number(refs *r, int index)
{
    for (int i = 0; i < r->n; i++)
        if (r->order[i] == index)
            return i + 1;
    r->order[r->n++] = index;
    return r->n;
}

static void put(char *out, size_t len, size_t *used, const char *s, size_t n)
{
    while (n-- > 0 && *used + 1 < len)
        out[(*used)++] = *s++;
    out[*used < len ? *used : len - 1] = 0;
}

/* Whether every token of s[0..n) (split on spaces and commas) is a key. */
static bool all_keys(const rl_catalog_entry *e, const char *s, size_t n)
{
    bool any = false;
    for (size_t i = 0; i < n;) {
        while (i < n && (s[i] == ' ' || s[i] == ','))
            i++;
        size_t j = i;
        while (j < n && s[j] != ' ' && s[j] != ',')
            j++;
        if (j > i) {
            if (source_index(e, s + i, j - i) < 0)
                return false;
            any = true;
        }
        i = j;
    }
    return any;
}

/* Keys in s[0..n) as "[1][2]". */
static void put_refs(const rl_catalog_entry *e, refs *r, const char *s, size_t n, char *out,
                     size_t len, size_t *used)
{
    for (size_t i = 0; i < n;) {
        while (i < n && (s[i] == ' ' || s[i] == ','))
            i++;
        size_t j = i;
        while (j < n && s[j] != ' ' && s[j] != ',')
            j++;
        if (j > i) {
            char num[16];
            int k = snprintf(num, sizeof num, "[%d]", ref_number(r, source_index(e, s + i, j - i)));
            put(out, len, used, num, (size_t)k);
        }
        i = j;
    }
}

/* A source text with its keys turned into citation numbers: "GK-H100 HPC" ->
 * "[1][2]"; in a derivation, "[PG GK-H100]" -> "[3][1]". */
static const char *cite(const rl_catalog_entry *e, refs *r, const char *text, char *out,
                        size_t len)
{
    size_t used = 0;
    out[0] = 0;
    if (!text || !*text)
        return out;
    const size_t n = strlen(text);
    if (all_keys(e, text, n)) {
        put_refs(e, r, text, n, out, len, &used);
        return out;
    }
    for (size_t i = 0; i < n;) {
        const char *close = text[i] == '[' ? strchr(text + i, ']') : NULL;
        if (close && all_keys(e, text + i + 1, (size_t)(close - text - i - 1))) {
            put_refs(e, r, text + i + 1, (size_t)(close - text - i - 1), out, len, &used);
            i = (size_t)(close - text) + 1;
        } else {
            put(out, len, &used, text + i, 1);
            i++;
        }
    }
    return out;
}

/* The cited sources of a text as a JSON array of {"title", "url"}. */
static cJSON *cited_json(const rl_catalog_entry *e, const char *text)
{
    refs r = {0};
    char buf[512];
    cite(e, &r, text, buf, sizeof buf);
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < r.n; i++) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "title", e->sources[r.order[i]].title);
        cJSON_AddStringToObject(s, "url", e->sources[r.order[i]].url);
        cJSON_AddItemToArray(arr, s);
    }
    return arr;
}

static void add_sourced(const rl_catalog_entry *e, cJSON *obj, const char *key, double value,
                        const char *source)
{
    if (!(value > 0))
        return;
    cJSON *q = cJSON_AddObjectToObject(obj, key);
    cJSON_AddNumberToObject(q, "value", value);
    cJSON_AddStringToObject(q, "source", source);
    cJSON_AddItemToObject(q, "cited", cited_json(e, source));
}

/* ---- text ------------------------------------------------------------------------------ */

static const char *rate_unit(int p)
{
    return p == RL_PREC_INT8 ? "TOP/s" : "TFLOP/s";
}

static void cell(FILE *out, double v)
{
    if (v > 0)
        fprintf(out, " %12.4g", v / 1e12);
    else
        fprintf(out, " %12s", "-");
}

static void print_text(FILE *out, const rl_catalog_entry *e, const rl_power_mode *sel,
                       const rl_machine *m)
{
    refs r = {0};
    char c1[512], c2[512];
    fprintf(out, "%s: %s (%s)\n", e->id, e->name,
            e->kind == RL_CAT_JETSON ? "Jetson, memory shared with the CPU" : "discrete GPU");
    fprintf(out, "  file          %s\n", e->path[0] ? e->path : "-");
    fprintf(out, "Units: SI (GB = 1e9 B, TFLOP/s = 1e12 FLOP/s, int8 in TOP/s); [n] cites a "
                 "source listed at the end.\n\n");
    fprintf(out, "  compute cap.  %s %s\n", e->compute_capability,
            cite(e, &r, e->cc_source, c1, sizeof c1));
    fprintf(out, "  memory        %s %s\n", e->memory_type,
            cite(e, &r, e->memory_type_source, c1, sizeof c1));
    fprintf(out, "  capacity      %.4g GB %s\n", e->capacity_bytes.value / 1e9,
            cite(e, &r, e->capacity_bytes.source, c1, sizeof c1));
    fprintf(out, "  bus           %.0f bit %s\n", e->bus_width_bits.value,
            cite(e, &r, e->bus_width_bits.source, c1, sizeof c1));
    fprintf(out, "  bandwidth     %.4g GB/s (nameplate) %s\n", e->bandwidth_byte_per_s.value / 1e9,
            cite(e, &r, e->bandwidth_byte_per_s.source, c1, sizeof c1));
    if (e->os_reserve_bytes.value > 0)
        fprintf(out, "  OS reserve    %.4g GB %s\n", e->os_reserve_bytes.value / 1e9,
                cite(e, &r, e->os_reserve_bytes.source, c1, sizeof c1));
    fprintf(out, "  SMs           %.0f %s\n", e->sms.value, cite(e, &r, e->sms.source, c1, sizeof c1));
    fprintf(out, "  boost clock   %.0f MHz %s\n", e->boost_clock_mhz.value,
            cite(e, &r, e->boost_clock_mhz.source, c1, sizeof c1));
    if (e->tensor_clock_mhz.value > 0)
        fprintf(out, "  tensor clock  %.0f MHz %s\n", e->tensor_clock_mhz.value,
                cite(e, &r, e->tensor_clock_mhz.source, c1, sizeof c1));
    if (e->l2_bytes.value > 0)
        fprintf(out, "  L2            %.0f B %s\n", e->l2_bytes.value,
                cite(e, &r, e->l2_bytes.source, c1, sizeof c1));

    fprintf(out, "\nPeaks%s%s%s (dense: roofs; sparse, with 2:4 structured sparsity: shown, "
                 "never a roof)\n",
            sel ? " in power mode " : "", sel ? sel->name : "",
            sel && sel->super_conf ? " (Super conf)" : "");
    fprintf(out, "  %-6s %12s %12s %12s\n", "", "dense tensor", "dense SIMT", "sparse");
    for (int p = 0; p < RL_PREC_COUNT; p++) {
        if (!(m->tensor_flop_per_s[p] > 0) && !(m->simt_flop_per_s[p] > 0) &&
            !(e->sparse[p].value > 0))
            continue;
        fprintf(out, "  %-6s", rl_precision_name((rl_precision)p));
        cell(out, m->tensor_flop_per_s[p]);
        cell(out, m->simt_flop_per_s[p]);
        cell(out, e->sparse[p].value);
        fprintf(out, "  %s\n", rate_unit(p));
    }
    if (m->mufu_op_per_s > 0)
        fprintf(out, "  %-6s %12s %12s %12s  special-function (exp2, tanh, rcp) T results/s: %.4g\n",
                "exp", "", "", "", m->mufu_op_per_s / 1e12);
    fprintf(out, "Where each peak comes from:\n");
    for (int p = 0; p < RL_PREC_COUNT; p++) {
        if (m->tensor_flop_per_s[p] > 0)
            fprintf(out, "  %-5s tensor  %s\n", rl_precision_name((rl_precision)p),
                    cite(e, &r, m->tensor_source[p], c1, sizeof c1));
        if (m->simt_flop_per_s[p] > 0)
            fprintf(out, "  %-5s SIMT    %s\n", rl_precision_name((rl_precision)p),
                    cite(e, &r, m->simt_source[p], c1, sizeof c1));
        if (e->sparse[p].value > 0)
            fprintf(out, "  %-5s sparse  %s\n", rl_precision_name((rl_precision)p),
                    cite(e, &r, e->sparse[p].source, c1, sizeof c1));
    }
    if (m->mufu_op_per_s > 0)
        fprintf(out, "  exp   MUFU    %s\n", cite(e, &r, m->mufu_source, c1, sizeof c1));
    if (e->kind == RL_CAT_GPU) {
        if (e->dense[RL_PREC_FP32].value > 0)
            fprintf(out, "  datasheet non-tensor fp32: %.4g TFLOP/s %s\n",
                    e->dense[RL_PREC_FP32].value / 1e12,
                    cite(e, &r, e->dense[RL_PREC_FP32].source, c1, sizeof c1));
        if (e->fp64_vector.value > 0)
            fprintf(out, "  datasheet non-tensor fp64: %.4g TFLOP/s %s\n",
                    e->fp64_vector.value / 1e12, cite(e, &r, e->fp64_vector.source, c2, sizeof c2));
        fprintf(out, "  (the SIMT roofs are derived per SM; the catalog refuses an entry whose "
                     "derived fp32/fp64 is more than 3 %% from the datasheet's)\n");
    }

    fprintf(out, "\nPer-SM rates (per clock):\n");
    for (int p = 0; p < RL_PREC_COUNT; p++)
        if (e->per_sm_per_clock[p].value > 0)
            fprintf(out, "  %-5s tensor  %g FLOP %s\n", rl_precision_name((rl_precision)p),
                    e->per_sm_per_clock[p].value,
                    cite(e, &r, e->per_sm_per_clock[p].source, c1, sizeof c1));
    for (int p = 0; p < RL_PREC_COUNT; p++)
        if (e->simt_fma_per_sm_per_clock[p].value > 0)
            fprintf(out, "  %-5s SIMT    %g FMA %s\n", rl_precision_name((rl_precision)p),
                    e->simt_fma_per_sm_per_clock[p].value,
                    cite(e, &r, e->simt_fma_per_sm_per_clock[p].source, c1, sizeof c1));
    if (e->mufu_per_sm_per_clock.value > 0)
        fprintf(out, "  exp   MUFU    %g results %s\n", e->mufu_per_sm_per_clock.value,
                cite(e, &r, e->mufu_per_sm_per_clock.source, c1, sizeof c1));

    if (e->mode_count > 0) {
        fprintf(out, "\nPower modes (* default, > shown above, @super from the JetPack 6.2 Super "
                     "conf; peaks derived per mode: SMs x rate x the mode's GPU clock cap)\n");
        fprintf(out, "  %-19s %3s %4s %4s %7s %7s %8s %10s %10s %10s %8s\n", "name", "id", "CPUs",
                "SMs", "GPU MHz", "EMC MHz", "GB/s", "fp16 tens.", "int8 tens.", "fp32 SIMT",
                "exp T/s");
        for (int i = 0; i < e->mode_count; i++) {
            const rl_power_mode *pm = &e->modes[i];
            rl_machine mm;
            rl_err err;
            if (rl_catalog_machine(e, pm, &mm, NULL, &err) != RL_OK)
                memset(&mm, 0, sizeof mm);
            char name[64], key[48];
            snprintf(name, sizeof name, "%s%s%s", pm == sel ? ">" : "",
                     rl_power_mode_key(pm, key, sizeof key), pm->is_default ? "*" : "");
            char emc[16];
            if (pm->emc_max_mhz > 0)
                snprintf(emc, sizeof emc, "%.0f", pm->emc_max_mhz);
            else
                snprintf(emc, sizeof emc, "-");
            fprintf(out, "  %-19s %3d %4d %4d %7.0f %7s %8.4g %10.4g %10.4g %10.4g %8.4g %s\n",
                    name, pm->id, pm->online_cpus, pm->sms, pm->gpu_max_mhz, emc,
                    mm.mem[0].byte_per_s / 1e9, mm.tensor_flop_per_s[RL_PREC_FP16] / 1e12,
                    mm.tensor_flop_per_s[RL_PREC_INT8] / 1e12,
                    mm.simt_flop_per_s[RL_PREC_FP32] / 1e12, mm.mufu_op_per_s / 1e12,
                    cite(e, &r, pm->source, c1, sizeof c1));
        }
    }
    if (e->notes[0])
        fprintf(out, "\nNotes: %s\n", cite(e, &r, e->notes, c1, sizeof c1));

    fprintf(out, "\nSources:\n");
    for (int i = 0; i < r.n; i++)
        fprintf(out, "  [%d] %s. %s\n", i + 1, e->sources[r.order[i]].title,
                e->sources[r.order[i]].url);
}

/* ---- JSON ------------------------------------------------------------------------------ */

static cJSON *to_json(const rl_catalog_entry *e, const rl_power_mode *sel, const rl_machine *m)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", e->id);
    cJSON_AddStringToObject(o, "name", e->name);
    cJSON_AddStringToObject(o, "kind", e->kind == RL_CAT_JETSON ? "jetson" : "gpu");
    cJSON_AddStringToObject(o, "file", e->path);
    cJSON *cc = cJSON_AddObjectToObject(o, "compute_capability");
    cJSON_AddStringToObject(cc, "value", e->compute_capability);
    cJSON_AddStringToObject(cc, "source", e->cc_source);
    cJSON_AddItemToObject(cc, "cited", cited_json(e, e->cc_source));
    cJSON *mem = cJSON_AddObjectToObject(o, "memory");
    cJSON *type = cJSON_AddObjectToObject(mem, "type");
    cJSON_AddStringToObject(type, "value", e->memory_type);
    cJSON_AddStringToObject(type, "source", e->memory_type_source);
    cJSON_AddItemToObject(type, "cited", cited_json(e, e->memory_type_source));
    add_sourced(e, mem, "capacity_bytes", e->capacity_bytes.value, e->capacity_bytes.source);
    add_sourced(e, mem, "bus_width_bits", e->bus_width_bits.value, e->bus_width_bits.source);
    add_sourced(e, mem, "bandwidth_byte_per_s", e->bandwidth_byte_per_s.value,
                e->bandwidth_byte_per_s.source);
    add_sourced(e, mem, "os_reserve_bytes", e->os_reserve_bytes.value, e->os_reserve_bytes.source);
    cJSON *gpu = cJSON_AddObjectToObject(o, "gpu");
    add_sourced(e, gpu, "sms", e->sms.value, e->sms.source);
    add_sourced(e, gpu, "boost_clock_mhz", e->boost_clock_mhz.value, e->boost_clock_mhz.source);
    add_sourced(e, gpu, "tensor_clock_mhz", e->tensor_clock_mhz.value, e->tensor_clock_mhz.source);
    add_sourced(e, gpu, "l2_bytes", e->l2_bytes.value, e->l2_bytes.source);
    if (sel)
        cJSON_AddStringToObject(o, "power_mode", sel->name);

    cJSON *peaks = cJSON_AddObjectToObject(o, "peak_flop_per_s");
    for (int p = 0; p < RL_PREC_COUNT; p++) {
        if (!(m->tensor_flop_per_s[p] > 0) && !(m->simt_flop_per_s[p] > 0) &&
            !(e->sparse[p].value > 0))
            continue;
        cJSON *q = cJSON_AddObjectToObject(peaks, rl_precision_name((rl_precision)p));
        add_sourced(e, q, "dense_tensor", m->tensor_flop_per_s[p], m->tensor_source[p]);
        add_sourced(e, q, "dense_simt", m->simt_flop_per_s[p], m->simt_source[p]);
        add_sourced(e, q, "sparse_not_used_for_roofs", e->sparse[p].value, e->sparse[p].source);
    }
    add_sourced(e, o, "mufu_op_per_s", m->mufu_op_per_s, m->mufu_source);
    if (e->kind == RL_CAT_GPU) {
        cJSON *ds = cJSON_AddObjectToObject(o, "datasheet_non_tensor_flop_per_s");
        add_sourced(e, ds, "fp32", e->dense[RL_PREC_FP32].value, e->dense[RL_PREC_FP32].source);
        add_sourced(e, ds, "fp64", e->fp64_vector.value, e->fp64_vector.source);
    }
    cJSON *rates = cJSON_AddObjectToObject(o, "per_sm_per_clock");
    cJSON *tr = cJSON_AddObjectToObject(rates, "tensor_flop");
    cJSON *sr = cJSON_AddObjectToObject(rates, "simt_fma");
    for (int p = 0; p < RL_PREC_COUNT; p++) {
        add_sourced(e, tr, rl_precision_name((rl_precision)p), e->per_sm_per_clock[p].value,
                    e->per_sm_per_clock[p].source);
        add_sourced(e, sr, rl_precision_name((rl_precision)p),
                    e->simt_fma_per_sm_per_clock[p].value, e->simt_fma_per_sm_per_clock[p].source);
    }
    add_sourced(e, rates, "mufu_results", e->mufu_per_sm_per_clock.value,
                e->mufu_per_sm_per_clock.source);

    cJSON *modes = cJSON_AddArrayToObject(o, "power_modes");
    for (int i = 0; i < e->mode_count; i++) {
        const rl_power_mode *pm = &e->modes[i];
        rl_machine mm;
        rl_err err;
        if (rl_catalog_machine(e, pm, &mm, NULL, &err) != RL_OK)
            memset(&mm, 0, sizeof mm);
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "name", pm->name);
        cJSON_AddNumberToObject(j, "id", pm->id);
        cJSON_AddBoolToObject(j, "default", pm->is_default);
        if (pm->super_conf)
            cJSON_AddStringToObject(j, "conf", "super");
        cJSON_AddNumberToObject(j, "online_cpus", pm->online_cpus);
        cJSON_AddNumberToObject(j, "sms", pm->sms);
        cJSON_AddNumberToObject(j, "gpu_max_mhz", pm->gpu_max_mhz);
        cJSON_AddNumberToObject(j, "emc_max_mhz", pm->emc_max_mhz);
        cJSON_AddNumberToObject(j, "byte_per_s", mm.mem[0].byte_per_s);
        cJSON *t = cJSON_AddObjectToObject(j, "dense_tensor_flop_per_s");
        cJSON *s = cJSON_AddObjectToObject(j, "dense_simt_flop_per_s");
        for (int p = 0; p < RL_PREC_COUNT; p++) {
            if (mm.tensor_flop_per_s[p] > 0)
                cJSON_AddNumberToObject(t, rl_precision_name((rl_precision)p),
                                        mm.tensor_flop_per_s[p]);
            if (mm.simt_flop_per_s[p] > 0)
                cJSON_AddNumberToObject(s, rl_precision_name((rl_precision)p),
                                        mm.simt_flop_per_s[p]);
        }
        if (mm.mufu_op_per_s > 0)
            cJSON_AddNumberToObject(j, "mufu_op_per_s", mm.mufu_op_per_s);
        cJSON_AddStringToObject(j, "source", pm->source);
        cJSON_AddItemToObject(j, "cited", cited_json(e, pm->source));
        cJSON_AddItemToArray(modes, j);
    }
    cJSON_AddStringToObject(o, "notes", e->notes);
    cJSON *src = cJSON_AddObjectToObject(o, "sources");
    for (int i = 0; i < e->source_count; i++) {
        cJSON *s = cJSON_AddObjectToObject(src, e->sources[i].key);
        cJSON_AddStringToObject(s, "title", e->sources[i].title);
        cJSON_AddStringToObject(s, "url", e->sources[i].url);
    }
    return o;
}

rl_status rl_catalog_show(FILE *out, const rl_catalog_entry *e, const char *mode, bool json,
                          rl_err *err)
{
    const rl_power_mode *sel = NULL;
    if (mode || e->kind == RL_CAT_JETSON)
        RL_TRY(rl_catalog_find_mode(e, mode, &sel, err));
    rl_machine m;
    RL_TRY(rl_catalog_machine(e, sel, &m, NULL, err));
    if (!json) {
        print_text(out, e, sel, &m);
        return RL_OK;
    }
    cJSON *o = to_json(e, sel, &m);
    char *text = o ? cJSON_Print(o) : NULL;
    cJSON_Delete(o);
    if (!text)
        return rl_fail(err, RL_ERR_NOMEM, "out of memory writing JSON");
    fputs(text, out);
    fputc('\n', out);
    free(text);
    return RL_OK;
}
