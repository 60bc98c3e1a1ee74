/* The ceilings file: "rooflab.ceilings/1". */
#include <cJSON.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/rl_ceilings_file.h"
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
    char dev[32];
    snprintf(dev, sizeof dev, "%s", device);
    for (char *p = dev; *p; p++)
        if (*p == ':' || *p == '/')
            *p = '-';
    if ((size_t)snprintf(buf, len, "%s/%s-%s.json", base, host, dev) >= len)
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

rl_status rl_ceilings_load(const char *path, rl_ceilings_record *rec, rl_err *err)
{
    memset(rec, 0, sizeof *rec);
    FILE *f = fopen(path, "rb");
    if (!f)
        return rl_fail(err, RL_ERR_IO, "cannot read %s: %s", path, strerror(errno));
    char *text = NULL;
    size_t len = 0;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        char *grown = realloc(text, len + n + 1);
        if (!grown) {
            free(text);
            fclose(f);
            return rl_fail(err, RL_ERR_NOMEM, "out of memory reading %s", path);
        }
        text = grown;
        memcpy(text + len, chunk, n);
        len += n;
    }
    fclose(f);
    cJSON *root = text ? cJSON_ParseWithLength(text, len) : NULL;
    free(text);
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
    if (!root || !cJSON_IsString(schema) || strcmp(schema->valuestring, CEILINGS_SCHEMA) != 0) {
        cJSON_Delete(root);
        return rl_fail(err, RL_ERR_INVALID, "%s is not a rooflab ceilings file", path);
    }
    const struct {
        const char *key;
        char *dst;
        size_t len;
    } strings[] = {{"host", rec->host, sizeof rec->host},
                   {"device", rec->device, sizeof rec->device},
                   {"device_description", rec->device_description,
                    sizeof rec->device_description},
                   {"date", rec->date, sizeof rec->date}};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, strings[i].key);
        snprintf(strings[i].dst, strings[i].len, "%s", cJSON_IsString(v) ? v->valuestring : "");
    }
    rl_roof_set_read_json(cJSON_GetObjectItemCaseSensitive(root, "measured"), &rec->measured);
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(root, "sweep"))
    {
        if (rec->sweep_count == RL_MAX_SWEEP)
            break;
        const cJSON *ws = cJSON_GetObjectItemCaseSensitive(p, "working_set_bytes");
        const cJSON *bw = cJSON_GetObjectItemCaseSensitive(p, "byte_per_s");
        if (cJSON_IsNumber(ws) && cJSON_IsNumber(bw))
            rec->sweep[rec->sweep_count++] =
                (rl_sweep_point){.working_set_bytes = ws->valuedouble, .byte_per_s = bw->valuedouble};
    }
    cJSON_Delete(root);
    return RL_OK;
}
