/* The ceilings file: "rooflab.ceilings/1". */
#include <cJSON.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/rl_ceilings_file.h"
#include "report/rl_json_read.h"
#include "report/roof_json.h"

#define CEILINGS_SCHEMA "rooflab.ceilings/1"

rl_status rl_ceilings_default_path(const char *host, const char *device, char *buf, size_t len,
                                   rl_err *err)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    char base[PATH_MAX];
    if (xdg && *xdg)
        snprintf(base, sizeof base, "%s/rooflab/ceilings", xdg);
    else if (home && *home)
        snprintf(base, sizeof base, "%s/.cache/rooflab/ceilings", home);
    else
        return rl_fail(err, RL_ERR_IO, "neither XDG_CACHE_HOME nor HOME is set: no cache folder");
    /* Both names come from outside (gethostname, --device): one safe
     * component each, so the file stays inside the cache folder. */
    char safe_host[72], dev[72];
    rl_path_component(host, safe_host, sizeof safe_host);
    rl_path_component(device, dev, sizeof dev);
    if ((size_t)snprintf(buf, len, "%s/%s-%s.json", base, safe_host, dev) >= len)
        return rl_fail(err, RL_ERR_IO, "cache path too long");
    return RL_OK;
}

rl_status rl_ceilings_save(const char *path, const rl_ceilings_record *rec, rl_err *err)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    RL_TRY(rl_make_output_dir(dirname(dir), err));
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "schema", CEILINGS_SCHEMA);
    cJSON_AddStringToObject(root, "host", rec->host);
    cJSON_AddStringToObject(root, "device", rec->device);
    cJSON_AddStringToObject(root, "device_description", rec->device_description);
    cJSON_AddStringToObject(root, "date", rec->date);
    rl_roof_set_add_json(root, "measured", &rec->measured);
    cJSON *sweep = cJSON_AddArrayToObject(root, "sweep");
    for (int i = 0; i < rec->sweep_count; i++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddNumberToObject(p, "working_set_bytes", rec->sweep[i].working_set_bytes);
        cJSON_AddNumberToObject(p, "byte_per_s", rec->sweep[i].byte_per_s);
        cJSON_AddItemToArray(sweep, p);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        return rl_fail(err, RL_ERR_NOMEM, "out of memory writing %s", path);
    rl_status s = rl_write_file_atomic(path, text, strlen(text), err);
    free(text);
    return s;
}

/* A ceilings file holds a few dozen numbers. */
#define CEILINGS_MAX_BYTES ((size_t)16 << 20)

static rl_status parse_record(const cJSON *root, rl_ceilings_record *rec, rl_err *err)
{
    RL_TRY(rl_json_expect_schema(root, CEILINGS_SCHEMA, "ceilings", err));
    rl_json_string(root, "host", rec->host, sizeof rec->host);
    rl_json_string(root, "device", rec->device, sizeof rec->device);
    rl_json_string(root, "device_description", rec->device_description,
                   sizeof rec->device_description);
    rl_json_string(root, "date", rec->date, sizeof rec->date);
    RL_TRY(rl_roof_set_read_json(cJSON_GetObjectItemCaseSensitive(root, "measured"),
                                 &rec->measured, err));
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(root, "sweep"))
    {
        if (rec->sweep_count == RL_MAX_SWEEP)
            break;
        char where[32];
        snprintf(where, sizeof where, "sweep point %d: ", rec->sweep_count);
        if (!cJSON_GetObjectItemCaseSensitive(p, "working_set_bytes") ||
            !cJSON_GetObjectItemCaseSensitive(p, "byte_per_s"))
            continue; /* as before: a point without both numbers is skipped */
        rl_sweep_point *pt = &rec->sweep[rec->sweep_count];
        RL_TRY(rl_json_number(p, "working_set_bytes", 1, RL_PLAUSIBLE_COUNT_MAX, 0,
                              &pt->working_set_bytes, where, err));
        RL_TRY(rl_json_number(p, "byte_per_s", RL_PLAUSIBLE_ROOF_MIN, RL_PLAUSIBLE_RATE_MAX, 0,
                              &pt->byte_per_s, where, err));
        rec->sweep_count++;
    }
    return RL_OK;
}

rl_status rl_ceilings_parse(const char *text, size_t len, rl_ceilings_record *rec, rl_err *err)
{
    memset(rec, 0, sizeof *rec);
    cJSON *root;
    RL_TRY(rl_json_parse(text, len, &root, err));
    rl_status s = parse_record(root, rec, err);
    cJSON_Delete(root);
    if (s != RL_OK)
        memset(rec, 0, sizeof *rec);
    return s;
}

rl_status rl_ceilings_load(const char *path, rl_ceilings_record *rec, rl_err *err)
{
    memset(rec, 0, sizeof *rec);
    char *text;
    size_t len;
    RL_TRY(rl_read_text_file(path, CEILINGS_MAX_BYTES, &text, &len, err));
    rl_err inner;
    rl_status s = rl_ceilings_parse(text, len, rec, &inner);
    free(text);
    if (s != RL_OK)
        return rl_fail(err, s, "%s: %s", path, inner.msg);
    return RL_OK;
}
