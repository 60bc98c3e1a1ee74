/* The device catalog: devices/catalog/<id>.json read with cJSON, every number
 * checked for a source, and turned into roofline machines (rl_machine). */
#include "devices/rl_catalog.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

/* ---- small helpers ------------------------------------------------------- */

/* Copy with truncation to len - 1 characters. */
static void copy_str(char *dst, size_t len, const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i + 1 < len; i++)
        dst[i] = src[i];
    dst[i] = 0;
}

static bool ci_contains(const char *hay, const char *needle)
{
    if (!hay || !needle || !*needle)
        return false;
    const size_t n = strlen(needle);
    for (const char *h = hay; *h; h++) {
        size_t i = 0;
        while (i < n && h[i] && tolower((unsigned char)h[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

static bool ci_equal(const char *a, const char *b)
{
    while (*a && *b && tolower((unsigned char)*a) == tolower((unsigned char)*b)) {
        a++;
        b++;
    }
    return *a == 0 && *b == 0;
}

/* The basename of a path, for messages. */
static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* ---- parsing one entry --------------------------------------------------- */

typedef struct parse_ctx {
    const char *origin;    /* file name for messages */
    const cJSON *sources;  /* the "sources" object */
    rl_err *err;
} parse_ctx;

/* A source is "derived...", "unsourced...", or keys that "sources" lists. */
static rl_status check_source(const parse_ctx *c, const char *field, const char *src)
{
    if (!src || !*src)
        return rl_fail(c->err, RL_ERR_INVALID, "%s: %s has no source", c->origin, field);
    if (strncmp(src, "derived", 7) == 0 || strncmp(src, "unsourced", 9) == 0)
        return RL_OK;
    char buf[RL_CAT_SOURCE_LEN];
    copy_str(buf, sizeof buf, src);
    char *save = NULL;
    for (char *tok = strtok_r(buf, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) {
        if (!cJSON_GetObjectItemCaseSensitive(c->sources, tok))
            return rl_fail(c->err, RL_ERR_INVALID,
                           "%s: %s cites source '%s', which the file's \"sources\" does not list",
                           c->origin, field, tok);
    }
    return RL_OK;
}

/* Sanity bounds, in the file's units: a number past one is a typo or a
 * unit slip (TB/s written as GB/s, bytes as kB), never a device. */
#define MAX_BANDWIDTH_GB_PER_S 1e5 /* 100 TB/s */
#define MAX_CAPACITY_BYTES 1e14    /* 100 TB */
#define MAX_DENSE_TFLOP_PER_S 1e5  /* 100 PFLOP/s */
#define MAX_SPARSE_TFLOP_PER_S 2e5 /* twice the dense bound */
#define MAX_SMS 1e4
#define MAX_CLOCK_MHZ 1e4          /* 10 GHz */
#define MAX_PER_SM_PER_CLOCK 1e6
#define MAX_BUS_BITS 65536
#define MAX_L2_BYTES 1e10

/* obj[key] = {"value": number, "source": "..."}; absent allowed when !required.
 * The value must be finite, positive and at most max. */
static rl_status get_number(const parse_ctx *c, const cJSON *obj, const char *key,
                            const char *field, bool required, double max, rl_sourced *out)
{
    memset(out, 0, sizeof *out);
    const cJSON *q = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    if (!q) {
        if (required)
            return rl_fail(c->err, RL_ERR_INVALID, "%s: missing %s", c->origin, field);
        return RL_OK;
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, "value");
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(q, "source");
    if (!cJSON_IsObject(q) || !cJSON_IsNumber(v))
        return rl_fail(c->err, RL_ERR_INVALID,
                       "%s: %s must be {\"value\": number, \"source\": text}", c->origin, field);
    if (!isfinite(v->valuedouble))
        return rl_fail(c->err, RL_ERR_INVALID, "%s: %s must be a finite number", c->origin,
                       field);
    if (!(v->valuedouble > 0))
        return rl_fail(c->err, RL_ERR_INVALID, "%s: %s must be positive (got %g)", c->origin,
                       field, v->valuedouble);
    if (v->valuedouble > max)
        return rl_fail(c->err, RL_ERR_INVALID,
                       "%s: %s = %g is not believable (more than %g); check the units", c->origin,
                       field, v->valuedouble, max);
    RL_TRY(check_source(c, field, cJSON_IsString(s) ? s->valuestring : NULL));
    out->value = v->valuedouble;
    copy_str(out->source, sizeof out->source, s->valuestring);
    return RL_OK;
}

static rl_status get_text(const parse_ctx *c, const cJSON *obj, const char *key,
                          const char *field, char *val, size_t val_len, char *src,
                          size_t src_len)
{
    const cJSON *q = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    const cJSON *v = q ? cJSON_GetObjectItemCaseSensitive(q, "value") : NULL;
    const cJSON *s = q ? cJSON_GetObjectItemCaseSensitive(q, "source") : NULL;
    if (!cJSON_IsString(v))
        return rl_fail(c->err, RL_ERR_INVALID, "%s: missing %s {\"value\": text, \"source\": text}",
                       c->origin, field);
    RL_TRY(check_source(c, field, cJSON_IsString(s) ? s->valuestring : NULL));
    copy_str(val, val_len, v->valuestring);
    copy_str(src, src_len, s->valuestring);
    return RL_OK;
}

static rl_status get_patterns(const parse_ctx *c, const cJSON *match, const char *key,
                              char (*dst)[RL_CAT_PATTERN_LEN], int *count)
{
    *count = 0;
    const cJSON *arr = match ? cJSON_GetObjectItemCaseSensitive(match, key) : NULL;
    if (!arr)
        return RL_OK;
    if (!cJSON_IsArray(arr))
        return rl_fail(c->err, RL_ERR_INVALID, "%s: match.%s must be an array of strings",
                       c->origin, key);
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        if (!cJSON_IsString(it) || !*it->valuestring)
            return rl_fail(c->err, RL_ERR_INVALID, "%s: match.%s must hold non-empty strings",
                           c->origin, key);
        if (*count >= RL_CAT_MAX_PATTERNS)
            return rl_fail(c->err, RL_ERR_INVALID, "%s: match.%s has more than %d patterns",
                           c->origin, key, RL_CAT_MAX_PATTERNS);
        copy_str(dst[(*count)++], RL_CAT_PATTERN_LEN, it->valuestring);
    }
    return RL_OK;
}

static rl_status get_int_field(const parse_ctx *c, const cJSON *obj, const char *key,
                               const char *where, bool allow_zero, double max, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0 ||
        (!allow_zero && v->valuedouble == 0))
        return rl_fail(c->err, RL_ERR_INVALID, "%s: %s.%s must be a finite %s number", c->origin,
                       where, key, allow_zero ? "non-negative" : "positive");
    if (v->valuedouble > max)
        return rl_fail(c->err, RL_ERR_INVALID,
                       "%s: %s.%s = %g is not believable (more than %g); check the units",
                       c->origin, where, key, v->valuedouble, max);
    *out = v->valuedouble;
    return RL_OK;
}

static rl_status parse_modes(const parse_ctx *c, const cJSON *arr, rl_catalog_entry *e)
{
    e->mode_count = 0;
    if (!arr)
        return RL_OK;
    if (!cJSON_IsArray(arr))
        return rl_fail(c->err, RL_ERR_INVALID, "%s: power_modes must be an array", c->origin);
    int defaults = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, arr)
    {
        if (e->mode_count >= RL_CAT_MAX_MODES)
            return rl_fail(c->err, RL_ERR_INVALID, "%s: more than %d power modes", c->origin,
                           RL_CAT_MAX_MODES);
        rl_power_mode *pm = &e->modes[e->mode_count];
        memset(pm, 0, sizeof *pm);
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(m, "name");
        const cJSON *src = cJSON_GetObjectItemCaseSensitive(m, "source");
        if (!cJSON_IsString(name) || !*name->valuestring)
            return rl_fail(c->err, RL_ERR_INVALID, "%s: power_modes[%d] has no name", c->origin,
                           e->mode_count);
        copy_str(pm->name, sizeof pm->name, name->valuestring);
        char where[48];
        snprintf(where, sizeof where, "power_modes[%s]", pm->name);
        RL_TRY(check_source(c, where, cJSON_IsString(src) ? src->valuestring : NULL));
        copy_str(pm->source, sizeof pm->source, src->valuestring);
        double id = 0, cpus = 0, sms = 0;
        RL_TRY(get_int_field(c, m, "id", where, true, 1e6, &id));
        RL_TRY(get_int_field(c, m, "online_cpus", where, false, 4096, &cpus));
        RL_TRY(get_int_field(c, m, "sms", where, false, MAX_SMS, &sms));
        RL_TRY(get_int_field(c, m, "gpu_max_mhz", where, false, MAX_CLOCK_MHZ, &pm->gpu_max_mhz));
        RL_TRY(get_int_field(c, m, "emc_max_mhz", where, true, 1e5, &pm->emc_max_mhz));
        pm->id = (int)id;
        pm->online_cpus = (int)cpus;
        pm->sms = (int)sms;
        pm->is_default = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "default"));
        const cJSON *conf = cJSON_GetObjectItemCaseSensitive(m, "conf");
        if (conf && !(cJSON_IsString(conf) && (strcmp(conf->valuestring, "super") == 0 ||
                                               strcmp(conf->valuestring, "original") == 0)))
            return rl_fail(c->err, RL_ERR_INVALID,
                           "%s: %s.conf must be \"original\" or \"super\"", c->origin, where);
        pm->super_conf = conf && strcmp(conf->valuestring, "super") == 0;
        defaults += pm->is_default;
        e->mode_count++;
    }
    if (e->mode_count > 0 && defaults != 1)
        return rl_fail(c->err, RL_ERR_INVALID, "%s: exactly one power mode must be the default",
                       c->origin);
    return RL_OK;
}

static rl_status parse_peaks(const parse_ctx *c, const cJSON *obj, const char *where,
                             double scale, double max, rl_sourced *dst)
{
    for (int p = 0; p < RL_PREC_COUNT; p++) {
        char field[64];
        snprintf(field, sizeof field, "%s.%s", where, rl_precision_name((rl_precision)p));
        RL_TRY(get_number(c, obj, rl_precision_name((rl_precision)p), field, false, max, &dst[p]));
        dst[p].value *= scale;
    }
    return RL_OK;
}

/* The title of a bare URL: its host ("glennklockwood.com"). */
static void host_of(const char *url, char *out, size_t len)
{
    const char *h = strstr(url, "://");
    h = h ? h + 3 : url;
    size_t n = strcspn(h, "/ ");
    if (n + 1 > len)
        n = len - 1;
    memcpy(out, h, n);
    out[n] = 0;
}

/* "sources": {"KEY": "URL" or {"title": T, "url": U}}. */
static rl_status parse_sources(const parse_ctx *c, rl_catalog_entry *e)
{
    e->source_count = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, c->sources)
    {
        if (e->source_count >= RL_CAT_MAX_SOURCES)
            return rl_fail(c->err, RL_ERR_INVALID, "%s: more than %d sources", c->origin,
                           RL_CAT_MAX_SOURCES);
        rl_cat_source *src = &e->sources[e->source_count];
        const char *url = NULL, *title = NULL;
        if (cJSON_IsString(it)) {
            url = it->valuestring;
        } else if (cJSON_IsObject(it)) {
            const cJSON *u = cJSON_GetObjectItemCaseSensitive(it, "url");
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(it, "title");
            url = cJSON_IsString(u) ? u->valuestring : NULL;
            title = cJSON_IsString(t) ? t->valuestring : NULL;
        }
        if (!it->string || !*it->string || strlen(it->string) >= sizeof src->key || !url ||
            !*url || (cJSON_IsObject(it) && (!title || !*title)))
            return rl_fail(c->err, RL_ERR_INVALID,
                           "%s: sources.%s must be a URL or {\"title\": text, \"url\": text}",
                           c->origin, it->string ? it->string : "?");
        copy_str(src->key, sizeof src->key, it->string);
        copy_str(src->url, sizeof src->url, url);
        if (title)
            copy_str(src->title, sizeof src->title, title);
        else
            host_of(url, src->title, sizeof src->title);
        e->source_count++;
    }
    return RL_OK;
}

/* A SIMT peak: SMs x FMA per SM per clock x 2 FLOP per FMA x clock. The
 * loader's datasheet check and the per-mode machines both use it. */
static double simt_flop_per_s(double sms, double fma_per_sm_per_clock, double mhz)
{
    return sms * fma_per_sm_per_clock * 2.0 * mhz * 1e6;
}

rl_status rl_catalog_parse_entry(const char *text, size_t len, const char *origin,
                                 rl_catalog_entry *e, rl_err *err)
{
    memset(e, 0, sizeof *e);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root) {
        long at = end ? (long)(end - text) : -1;
        return rl_fail(err, RL_ERR_INVALID, "%s: not valid JSON (error near byte %ld)", origin,
                       at);
    }
    parse_ctx c = {.origin = origin, .err = err};
    rl_status st = RL_OK;
#define CHECK(expr)           \
    do {                      \
        st = (expr);          \
        if (st != RL_OK)      \
            goto done;        \
    } while (0)

    if (!cJSON_IsObject(root)) {
        st = rl_fail(err, RL_ERR_INVALID, "%s: the top level must be an object", origin);
        goto done;
    }
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
    if (!cJSON_IsString(schema) || strcmp(schema->valuestring, "rooflab.catalog/1") != 0) {
        st = rl_fail(err, RL_ERR_INVALID, "%s: \"schema\" must be \"rooflab.catalog/1\"", origin);
        goto done;
    }
    c.sources = cJSON_GetObjectItemCaseSensitive(root, "sources");
    if (!cJSON_IsObject(c.sources)) {
        st = rl_fail(err, RL_ERR_INVALID, "%s: missing the \"sources\" object", origin);
        goto done;
    }
    CHECK(parse_sources(&c, e));
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(root, "kind");
    if (!cJSON_IsString(id) || !*id->valuestring || strlen(id->valuestring) >= sizeof e->id) {
        st = rl_fail(err, RL_ERR_INVALID, "%s: missing or too long \"id\"", origin);
        goto done;
    }
    copy_str(e->id, sizeof e->id, id->valuestring);
    copy_str(e->name, sizeof e->name, cJSON_IsString(name) ? name->valuestring : e->id);
    if (cJSON_IsString(kind) && strcmp(kind->valuestring, "jetson") == 0)
        e->kind = RL_CAT_JETSON;
    else if (cJSON_IsString(kind) && strcmp(kind->valuestring, "gpu") == 0)
        e->kind = RL_CAT_GPU;
    else {
        st = rl_fail(err, RL_ERR_INVALID, "%s: \"kind\" must be \"gpu\" or \"jetson\"", origin);
        goto done;
    }

    const cJSON *match = cJSON_GetObjectItemCaseSensitive(root, "match");
    CHECK(get_patterns(&c, match, "cuda_names", e->cuda_names, &e->cuda_name_count));
    CHECK(get_patterns(&c, match, "cuda_names_exclude", e->cuda_exclude, &e->cuda_exclude_count));
    CHECK(get_patterns(&c, match, "jetson_compatible", e->jetson_compatible,
                       &e->jetson_compatible_count));
    CHECK(get_patterns(&c, match, "jetson_models", e->jetson_models, &e->jetson_model_count));
    const cJSON *range = match ? cJSON_GetObjectItemCaseSensitive(match, "jetson_memory_gb") : NULL;
    if (range) {
        const cJSON *lo = cJSON_GetArrayItem(range, 0), *hi = cJSON_GetArrayItem(range, 1);
        if (!cJSON_IsNumber(lo) || !cJSON_IsNumber(hi) || lo->valuedouble > hi->valuedouble) {
            st = rl_fail(err, RL_ERR_INVALID, "%s: match.jetson_memory_gb must be [min, max]",
                         origin);
            goto done;
        }
        e->jetson_memory_gb_min = lo->valuedouble;
        e->jetson_memory_gb_max = hi->valuedouble;
    }

    CHECK(get_text(&c, root, "compute_capability", "compute_capability", e->compute_capability,
                   sizeof e->compute_capability, e->cc_source, sizeof e->cc_source));
    const cJSON *mem = cJSON_GetObjectItemCaseSensitive(root, "memory");
    CHECK(get_text(&c, mem, "type", "memory.type", e->memory_type, sizeof e->memory_type,
                   e->memory_type_source, sizeof e->memory_type_source));
    CHECK(get_number(&c, mem, "capacity_bytes", "memory.capacity_bytes", true, MAX_CAPACITY_BYTES,
                     &e->capacity_bytes));
    CHECK(get_number(&c, mem, "bus_width_bits", "memory.bus_width_bits", true, MAX_BUS_BITS,
                     &e->bus_width_bits));
    CHECK(get_number(&c, mem, "bandwidth_gb_per_s", "memory.bandwidth_gb_per_s", true,
                     MAX_BANDWIDTH_GB_PER_S, &e->bandwidth_byte_per_s));
    e->bandwidth_byte_per_s.value *= 1e9;
    CHECK(get_number(&c, mem, "os_reserve_bytes", "memory.os_reserve_bytes", false,
                     MAX_CAPACITY_BYTES, &e->os_reserve_bytes));

    const cJSON *gpu = cJSON_GetObjectItemCaseSensitive(root, "gpu");
    CHECK(get_number(&c, gpu, "sms", "gpu.sms", true, MAX_SMS, &e->sms));
    CHECK(get_number(&c, gpu, "boost_clock_mhz", "gpu.boost_clock_mhz", true, MAX_CLOCK_MHZ,
                     &e->boost_clock_mhz));
    CHECK(get_number(&c, gpu, "tensor_clock_mhz", "gpu.tensor_clock_mhz", false,
                     MAX_CLOCK_MHZ, &e->tensor_clock_mhz));
    CHECK(get_number(&c, gpu, "l2_bytes", "gpu.l2_bytes", false, MAX_L2_BYTES, &e->l2_bytes));

    const cJSON *peaks = cJSON_GetObjectItemCaseSensitive(root, "peak_tflop_per_s");
    const cJSON *dense = peaks ? cJSON_GetObjectItemCaseSensitive(peaks, "dense") : NULL;
    const cJSON *sparse = peaks ? cJSON_GetObjectItemCaseSensitive(peaks, "sparse") : NULL;
    CHECK(parse_peaks(&c, dense, "peak_tflop_per_s.dense", 1e12, MAX_DENSE_TFLOP_PER_S, e->dense));
    CHECK(parse_peaks(&c, sparse, "peak_tflop_per_s.sparse", 1e12, MAX_SPARSE_TFLOP_PER_S,
                      e->sparse));
    CHECK(get_number(&c, dense, "fp64_tensor", "peak_tflop_per_s.dense.fp64_tensor", false,
                     MAX_DENSE_TFLOP_PER_S, &e->fp64_tensor));
    e->fp64_tensor.value *= 1e12;
    e->fp64_vector = e->dense[RL_PREC_FP64];
    if (e->fp64_tensor.value > e->dense[RL_PREC_FP64].value)
        e->dense[RL_PREC_FP64] = e->fp64_tensor;

    const cJSON *per_sm = cJSON_GetObjectItemCaseSensitive(root, "per_sm_per_clock");
    CHECK(parse_peaks(&c, per_sm, "per_sm_per_clock", 1.0, MAX_PER_SM_PER_CLOCK,
                      e->per_sm_per_clock));
    for (int p = RL_PREC_FP64; p <= RL_PREC_FP32; p++)
        if (e->per_sm_per_clock[p].value > 0) {
            st = rl_fail(err, RL_ERR_INVALID,
                         "%s: per_sm_per_clock.%s: per_sm_per_clock holds tensor-core rates; "
                         "CUDA-core rates go in simt_fma_per_sm_per_clock",
                         origin, rl_precision_name((rl_precision)p));
            goto done;
        }
    const cJSON *simt = cJSON_GetObjectItemCaseSensitive(root, "simt_fma_per_sm_per_clock");
    CHECK(parse_peaks(&c, simt, "simt_fma_per_sm_per_clock", 1.0, MAX_PER_SM_PER_CLOCK,
                      e->simt_fma_per_sm_per_clock));
    for (int p = RL_PREC_TF32; p < RL_PREC_COUNT; p++)
        if (p != RL_PREC_FP16 && p != RL_PREC_BF16 && e->simt_fma_per_sm_per_clock[p].value > 0) {
            st = rl_fail(err, RL_ERR_INVALID,
                         "%s: simt_fma_per_sm_per_clock.%s: the SIMT pipes run fp64, fp32, fp16 "
                         "and bf16 only",
                         origin, rl_precision_name((rl_precision)p));
            goto done;
        }
    CHECK(get_number(&c, root, "mufu_per_sm_per_clock", "mufu_per_sm_per_clock", false,
                     MAX_PER_SM_PER_CLOCK, &e->mufu_per_sm_per_clock));
    CHECK(parse_modes(&c, cJSON_GetObjectItemCaseSensitive(root, "power_modes"), e));

    const cJSON *notes = cJSON_GetObjectItemCaseSensitive(root, "notes");
    copy_str(e->notes, sizeof e->notes, cJSON_IsString(notes) ? notes->valuestring : "");

    if (e->kind == RL_CAT_JETSON) {
        if (e->mode_count == 0 || !per_sm) {
            st = rl_fail(err, RL_ERR_INVALID,
                         "%s: a Jetson entry needs power_modes and per_sm_per_clock", origin);
            goto done;
        }
        for (int p = 0; p < RL_PREC_COUNT; p++)
            if (e->dense[p].value > 0) {
                st = rl_fail(err, RL_ERR_INVALID,
                             "%s: a Jetson entry derives its dense peaks per power mode; "
                             "remove peak_tflop_per_s.dense.%s",
                             origin, rl_precision_name((rl_precision)p));
                goto done;
            }
    } else {
        /* A per-SM SIMT rate and the datasheet's non-tensor figure must tell
         * the same story (a wrong rate or clock shows up here). */
        const rl_sourced *sheet[2] = {&e->fp64_vector, &e->dense[RL_PREC_FP32]};
        for (int p = RL_PREC_FP64; p <= RL_PREC_FP32; p++) {
            const double rate = e->simt_fma_per_sm_per_clock[p].value;
            if (!(rate > 0) || !(sheet[p]->value > 0))
                continue;
            const double derived = simt_flop_per_s(e->sms.value, rate, e->boost_clock_mhz.value);
            if (fabs(derived / sheet[p]->value - 1.0) > 0.03) {
                st = rl_fail(err, RL_ERR_INVALID,
                             "%s: simt_fma_per_sm_per_clock.%s gives %.4g TFLOP/s at the boost "
                             "clock, the datasheet's non-tensor %s %.4g: more than 3%% apart",
                             origin, rl_precision_name((rl_precision)p), derived / 1e12,
                             rl_precision_name((rl_precision)p), sheet[p]->value / 1e12);
                goto done;
            }
        }
        int any = 0;
        for (int p = 0; p < RL_PREC_COUNT; p++)
            any += e->dense[p].value > 0;
        if (!any) {
            st = rl_fail(err, RL_ERR_INVALID, "%s: no dense peak in peak_tflop_per_s.dense",
                         origin);
            goto done;
        }
    }
#undef CHECK
done:
    cJSON_Delete(root);
    return st;
}

/* ---- loading a folder ---------------------------------------------------- */

static rl_status read_file(const char *path, char **text, size_t *len, rl_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return rl_fail(err, RL_ERR_IO, "%s: %s", path, strerror(errno));
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 4096 + 1 > cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, 4096, f);
        n += got;
        if (got < 4096)
            break;
        if (n > (16u << 20)) {
            free(buf);
            fclose(f);
            return rl_fail(err, RL_ERR_INVALID, "%s: larger than 16 MiB", path);
        }
    }
    const bool failed = ferror(f);
    fclose(f);
    if (!buf)
        return rl_fail(err, RL_ERR_NOMEM, "%s: out of memory reading it", path);
    if (failed) {
        free(buf);
        return rl_fail(err, RL_ERR_IO, "%s: read error", path);
    }
    buf[n] = 0;
    *text = buf;
    *len = n;
    return RL_OK;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const rl_catalog_entry *)a)->id, ((const rl_catalog_entry *)b)->id);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

rl_status rl_catalog_load_dir(const char *dir, rl_catalog *cat, rl_err *err)
{
    cat->count = 0;
    cat->entries = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return rl_fail(err, RL_ERR_IO, "device catalog %s: %s", dir, strerror(errno));
    rl_status st = RL_OK;
    int cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || !ends_with(de->d_name, ".json"))
            continue;
        if (cat->count == cap) {
            int ncap = cap ? cap * 2 : 16;
            rl_catalog_entry *more = realloc(cat->entries, (size_t)ncap * sizeof *more);
            if (!more) {
                st = rl_fail(err, RL_ERR_NOMEM, "out of memory loading the device catalog");
                break;
            }
            cat->entries = more;
            cap = ncap;
        }
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        char *text = NULL;
        size_t len = 0;
        st = read_file(path, &text, &len, err);
        if (st != RL_OK)
            break;
        rl_catalog_entry *e = &cat->entries[cat->count];
        st = rl_catalog_parse_entry(text, len, path, e, err);
        free(text);
        if (st != RL_OK)
            break;
        copy_str(e->path, sizeof e->path, path);
        char expect[64];
        snprintf(expect, sizeof expect, "%s.json", e->id);
        if (strcmp(expect, base_name(path)) != 0) {
            st = rl_fail(err, RL_ERR_INVALID, "%s: id \"%s\" does not match the file name", path,
                         e->id);
            break;
        }
        cat->count++;
    }
    closedir(d);
    if (st == RL_OK && cat->count == 0)
        st = rl_fail(err, RL_ERR_IO, "device catalog %s holds no *.json entries", dir);
    if (st != RL_OK) {
        rl_catalog_free(cat);
        return st;
    }
    qsort(cat->entries, (size_t)cat->count, sizeof *cat->entries, by_id);
    return RL_OK;
}

rl_status rl_catalog_load(rl_catalog *cat, rl_err *err)
{
    char dir[1024];
    RL_TRY(rl_data_path("devices/catalog", dir, sizeof dir, err));
    return rl_catalog_load_dir(dir, cat, err);
}

void rl_catalog_free(rl_catalog *cat)
{
    free(cat->entries);
    cat->entries = NULL;
    cat->count = 0;
}

/* ---- lookups ------------------------------------------------------------- */

const rl_catalog_entry *rl_catalog_find(const rl_catalog *cat, const char *id)
{
    for (int i = 0; id && i < cat->count; i++)
        if (strcmp(cat->entries[i].id, id) == 0)
            return &cat->entries[i];
    return NULL;
}

rl_status rl_catalog_get(const rl_catalog *cat, const char *id, const rl_catalog_entry **out,
                         rl_err *err)
{
    *out = rl_catalog_find(cat, id);
    if (*out)
        return RL_OK;
    char known[384] = "";
    size_t used = 0;
    for (int i = 0; i < cat->count && used < sizeof known; i++)
        used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
                                 cat->entries[i].id);
    return rl_fail(err, RL_ERR_INVALID, "unknown device '%s' (catalog: %s)", id ? id : "", known);
}

const rl_catalog_entry *rl_catalog_match_cuda(const rl_catalog *cat, const char *name)
{
    for (int i = 0; name && i < cat->count; i++) {
        const rl_catalog_entry *e = &cat->entries[i];
        bool hit = false;
        for (int k = 0; k < e->cuda_name_count && !hit; k++)
            hit = ci_contains(name, e->cuda_names[k]);
        for (int k = 0; k < e->cuda_exclude_count && hit; k++)
            if (ci_contains(name, e->cuda_exclude[k]))
                hit = false;
        if (hit)
            return e;
    }
    return NULL;
}

const rl_catalog_entry *rl_catalog_match_jetson(const rl_catalog *cat, const char *model,
                                                const char *compatible, uint64_t mem_bytes)
{
    for (int i = 0; compatible && i < cat->count; i++) {
        const rl_catalog_entry *e = &cat->entries[i];
        for (int k = 0; k < e->jetson_compatible_count; k++)
            if (ci_contains(compatible, e->jetson_compatible[k]))
                return e;
    }
    const double gb = (double)mem_bytes / 1e9;
    for (int i = 0; model && i < cat->count; i++) {
        const rl_catalog_entry *e = &cat->entries[i];
        if (e->kind != RL_CAT_JETSON)
            continue;
        bool hit = false;
        for (int k = 0; k < e->jetson_model_count && !hit; k++)
            hit = ci_contains(model, e->jetson_models[k]);
        if (hit && mem_bytes > 0 && gb >= e->jetson_memory_gb_min && gb <= e->jetson_memory_gb_max)
            return e;
    }
    return NULL;
}

const rl_cat_source *rl_catalog_source(const rl_catalog_entry *e, const char *key)
{
    for (int i = 0; key && i < e->source_count; i++)
        if (strcmp(e->sources[i].key, key) == 0)
            return &e->sources[i];
    return NULL;
}

const rl_power_mode *rl_catalog_mode_by_id(const rl_catalog_entry *e, int id)
{
    for (int i = 0; i < e->mode_count; i++)
        if (e->modes[i].id == id)
            return &e->modes[i];
    return NULL;
}

const char *rl_power_mode_key(const rl_power_mode *m, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s", m->name, m->super_conf ? "@super" : "");
    return buf;
}

rl_status rl_catalog_split_device(char *spec, const char **mode, rl_err *err)
{
    char *at = strchr(spec, '@');
    *mode = NULL;
    if (!at)
        return RL_OK;
    *at = 0;
    if (!at[1])
        return rl_fail(err, RL_ERR_INVALID, "device '%s@': the power mode is missing", spec);
    *mode = at + 1;
    return RL_OK;
}

rl_status rl_catalog_device_arg(const char *arg, const char *power_mode, char *id, size_t len,
                                const char **mode, rl_err *err)
{
    if (strlen(arg) >= len)
        return rl_fail(err, RL_ERR_INVALID, "device '%.40s...' is too long", arg);
    snprintf(id, len, "%s", arg);
    RL_TRY(rl_catalog_split_device(id, mode, err));
    if (*mode && power_mode)
        return rl_fail(err, RL_ERR_INVALID,
                       "device '%s' names its power mode and --power-mode names another: give "
                       "one",
                       arg);
    if (!*mode)
        *mode = power_mode;
    return RL_OK;
}

rl_status rl_catalog_find_mode(const rl_catalog_entry *e, const char *name_or_id,
                               const rl_power_mode **out, rl_err *err)
{
    *out = NULL;
    if (e->mode_count == 0)
        return rl_fail(err, RL_ERR_INVALID, "%s has no power modes (only Jetson entries do)",
                       e->id);
    if (!name_or_id) {
        for (int i = 0; i < e->mode_count; i++)
            if (e->modes[i].is_default)
                *out = &e->modes[i];
        return RL_OK;
    }
    /* "15W@super" picks the Super conf's 15W where both confs name one so. */
    char want[64];
    copy_str(want, sizeof want, name_or_id);
    char *at = strchr(want, '@');
    const bool want_super = at && ci_equal(at + 1, "super");
    if (want_super)
        *at = 0;
    for (int pass = 0; pass < 2 && !*out; pass++)
        for (int i = 0; i < e->mode_count && !*out; i++) {
            const char *n = e->modes[i].name;
            const char *bare = strncmp(n, "MODE_", 5) == 0 ? n + 5 : n;
            const bool conf_ok = pass == 1 || e->modes[i].super_conf == want_super;
            if (conf_ok && (ci_equal(n, want) || ci_equal(bare, want)))
                *out = &e->modes[i];
        }
    if (*out)
        return RL_OK;
    char *end;
    long id = strtol(name_or_id, &end, 10);
    if (*name_or_id && *end == 0 && (*out = rl_catalog_mode_by_id(e, (int)id)) != NULL)
        return RL_OK;
    char known[256] = "";
    size_t used = 0;
    for (int i = 0; i < e->mode_count && used < sizeof known; i++) {
        char key[48];
        used += (size_t)snprintf(known + used, sizeof known - used, "%s%s (%d)", i ? ", " : "",
                                 rl_power_mode_key(&e->modes[i], key, sizeof key),
                                 e->modes[i].id);
    }
    return rl_fail(err, RL_ERR_INVALID, "unknown power mode '%s' for %s (known: %s)", name_or_id,
                   e->id, known);
}

/* ---- machines ------------------------------------------------------------ */

double rl_catalog_mode_bandwidth(const rl_catalog_entry *e, const rl_power_mode *mode)
{
    double bw = e->bandwidth_byte_per_s.value;
    if (mode && mode->emc_max_mhz > 0) {
        const double capped = 2.0 * mode->emc_max_mhz * 1e6 * e->bus_width_bits.value / 8.0;
        if (capped < bw)
            bw = capped;
    }
    return bw;
}

/* A source that is keys ("PG GK-H100"), not a derivation or a reason. */
static bool is_keys(const char *src)
{
    return strncmp(src, "derived", 7) != 0 && strncmp(src, "unsourced", 9) != 0;
}

/* The SIMT and special-function peaks of an entry on `sms` SMs at `mhz`:
 * SMs x rate x 2 FLOP per FMA x clock, and SMs x MUFU rate x clock. Where
 * the entry gives no per-SM SIMT rate for fp32 or fp64, the datasheet's
 * non-tensor figure stands in (GPU entries only). */
static void unit_peaks(const rl_catalog_entry *e, int sms, double mhz, const char *clock_what,
                       rl_machine *m)
{
    for (int p = 0; p < RL_PREC_COUNT; p++) {
        const rl_sourced *r = &e->simt_fma_per_sm_per_clock[p];
        if (r->value > 0) {
            m->simt_flop_per_s[p] = simt_flop_per_s(sms, r->value, mhz);
            char text[512];
            snprintf(text, sizeof text, "derived: %d SM x %g FMA/clk/SM x 2 x %g MHz (%s); rate %s%s%s",
                     sms, r->value, mhz, clock_what, is_keys(r->source) ? "[" : "", r->source,
                     is_keys(r->source) ? "]" : "");
            copy_str(m->simt_source[p], RL_ROOF_SOURCE_LEN, text);
        }
    }
    if (e->kind == RL_CAT_GPU) {
        const rl_sourced *fallback[2] = {&e->fp64_vector, &e->dense[RL_PREC_FP32]};
        for (int p = RL_PREC_FP64; p <= RL_PREC_FP32; p++)
            if (!(m->simt_flop_per_s[p] > 0) && fallback[p]->value > 0) {
                m->simt_flop_per_s[p] = fallback[p]->value;
                copy_str(m->simt_source[p], RL_ROOF_SOURCE_LEN, fallback[p]->source);
            }
    }
    if (e->mufu_per_sm_per_clock.value > 0) {
        m->mufu_op_per_s = sms * e->mufu_per_sm_per_clock.value * mhz * 1e6;
        char text[512];
        const char *ms = e->mufu_per_sm_per_clock.source;
        snprintf(text, sizeof text, "derived: %d SM x %g results/clk/SM x %g MHz (%s); rate %s%s%s",
                 sms, e->mufu_per_sm_per_clock.value, mhz, clock_what, is_keys(ms) ? "[" : "", ms,
                 is_keys(ms) ? "]" : "");
        copy_str(m->mufu_source, RL_ROOF_SOURCE_LEN, text);
    }
    copy_str(m->simt_name, sizeof m->simt_name, "simt");
}

rl_status rl_catalog_machine(const rl_catalog_entry *e, const rl_power_mode *mode,
                             rl_machine *m, char (*peak_source)[RL_CAT_SOURCE_LEN],
                             rl_err *err)
{
    memset(m, 0, sizeof *m);
    m->mem_count = 1;
    copy_str(m->mem[0].name, sizeof m->mem[0].name, e->memory_type);
    if (e->kind == RL_CAT_GPU) {
        if (mode)
            return rl_fail(err, RL_ERR_INVALID, "%s has no power modes (only Jetson entries do)",
                           e->id);
        m->mem[0].byte_per_s = e->bandwidth_byte_per_s.value;
        for (int p = 0; p < RL_PREC_COUNT; p++) {
            m->peak_flop_per_s[p] = e->dense[p].value; /* dense only, never e->sparse */
            if (peak_source)
                copy_str(peak_source[p], RL_CAT_SOURCE_LEN, e->dense[p].source);
            /* the tensor cores: every dense figure but fp32 (CUDA cores) and
             * fp64, whose tensor figure is kept apart */
            const rl_sourced *t = p == RL_PREC_FP64 ? &e->fp64_tensor
                                  : p == RL_PREC_FP32 ? NULL
                                                      : &e->dense[p];
            if (t && t->value > 0) {
                m->tensor_flop_per_s[p] = t->value;
                copy_str(m->tensor_source[p], RL_ROOF_SOURCE_LEN, t->source);
            }
        }
        unit_peaks(e, (int)e->sms.value, e->boost_clock_mhz.value, "boost clock", m);
        return RL_OK;
    }
    if (!mode) {
        RL_TRY(rl_catalog_find_mode(e, NULL, &mode, err));
        if (!mode)
            return rl_fail(err, RL_ERR_INVALID, "%s has no default power mode", e->id);
    }
    m->mem[0].byte_per_s = rl_catalog_mode_bandwidth(e, mode);
    char clock_what[48];
    snprintf(clock_what, sizeof clock_what, "mode %s", mode->name);
    unit_peaks(e, mode->sms, mode->gpu_max_mhz, clock_what, m);
    for (int p = 0; p < RL_PREC_COUNT; p++) {
        const double rate = e->per_sm_per_clock[p].value;
        if (rate > 0) {
            m->tensor_flop_per_s[p] = rate * mode->sms * mode->gpu_max_mhz * 1e6;
            snprintf(m->tensor_source[p], RL_ROOF_SOURCE_LEN,
                     "derived: %d SM x %g FLOP/clk/SM x %g MHz (mode %s)", mode->sms, rate,
                     mode->gpu_max_mhz, mode->name);
        }
        /* the dense peak of a precision: its fastest unit */
        const bool simt = m->simt_flop_per_s[p] > m->tensor_flop_per_s[p];
        m->peak_flop_per_s[p] = simt ? m->simt_flop_per_s[p] : m->tensor_flop_per_s[p];
        if (peak_source)
            copy_str(peak_source[p], RL_CAT_SOURCE_LEN,
                     simt ? m->simt_source[p] : m->tensor_source[p]);
    }
    return RL_OK;
}
