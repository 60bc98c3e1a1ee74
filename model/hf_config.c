/* A Hugging Face config.json read with cJSON into an rl_llm_config.
 * Keys: hidden_size, num_hidden_layers, num_attention_heads,
 * num_key_value_heads (default: num_attention_heads), head_dim (default
 * hidden_size / num_attention_heads, only when absent or null),
 * intermediate_size, vocab_size, torch_dtype (or the newer "dtype"),
 * max_position_embeddings (optional); then model_type and the keys that
 * shape the layout through the architecture table (arch_table.c). */
#include "model/rl_arch.h"
#include "model/rl_llm.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

/* Dimensions above this are refused as nonsense (2^31). */
#define DIM_MAX 2147483648.0

static rl_status get_dim(const cJSON *root, const char *key, const char *origin, bool required,
                         int64_t *out, rl_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!v || cJSON_IsNull(v)) {
        if (required)
            return rl_fail(err, RL_ERR_INVALID, "%s: missing \"%s\"", origin, key);
        *out = 0;
        return RL_OK;
    }
    if (!cJSON_IsNumber(v))
        return rl_fail(err, RL_ERR_INVALID, "%s: \"%s\" must be a number", origin, key);
    const double d = v->valuedouble;
    if (!(d > 0) || d != floor(d) || d > DIM_MAX)
        return rl_fail(err, RL_ERR_INVALID, "%s: \"%s\" must be a positive integer (got %g)",
                       origin, key, d);
    *out = (int64_t)d;
    return RL_OK;
}

rl_status rl_hf_config_parse_as(const char *text, size_t len, const char *origin,
                                bool assume_llama, rl_llm_config *cfg, rl_err *err)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->origin, sizeof cfg->origin, "%s", origin ? origin : "config.json");
    origin = cfg->origin;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root)
        return rl_fail(err, RL_ERR_INVALID, "%s: not valid JSON (error near byte %ld)", origin,
                       end ? (long)(end - text) : -1L);
    rl_status st = RL_OK;
    if (!cJSON_IsObject(root)) {
        st = rl_fail(err, RL_ERR_INVALID, "%s: the top level must be an object", origin);
        goto done;
    }
#define DIM(key, req, dst)                                            \
    do {                                                              \
        st = get_dim(root, key, origin, req, dst, err);               \
        if (st != RL_OK)                                              \
            goto done;                                                \
    } while (0)
    DIM("hidden_size", true, &cfg->hidden);
    DIM("num_hidden_layers", true, &cfg->layers);
    DIM("num_attention_heads", true, &cfg->heads);
    DIM("num_key_value_heads", false, &cfg->kv_heads);
    DIM("head_dim", false, &cfg->head_dim);
    DIM("intermediate_size", true, &cfg->intermediate);
    DIM("vocab_size", true, &cfg->vocab);
    DIM("max_position_embeddings", false, &cfg->max_positions);
#undef DIM
    if (cfg->kv_heads == 0)
        cfg->kv_heads = cfg->heads;
    if (cfg->heads % cfg->kv_heads != 0) {
        st = rl_fail(err, RL_ERR_INVALID,
                     "%s: \"num_key_value_heads\" (%lld) must divide \"num_attention_heads\" (%lld)",
                     origin, (long long)cfg->kv_heads, (long long)cfg->heads);
        goto done;
    }
    if (cfg->head_dim == 0) {
        if (cfg->hidden % cfg->heads != 0) {
            st = rl_fail(err, RL_ERR_INVALID,
                         "%s: \"head_dim\" is absent and \"num_attention_heads\" (%lld) does not "
                         "divide \"hidden_size\" (%lld)",
                         origin, (long long)cfg->heads, (long long)cfg->hidden);
            goto done;
        }
        cfg->head_dim = cfg->hidden / cfg->heads;
    }
    const cJSON *dt = cJSON_GetObjectItemCaseSensitive(root, "torch_dtype");
    if (!cJSON_IsString(dt))
        dt = cJSON_GetObjectItemCaseSensitive(root, "dtype");
    if (cJSON_IsString(dt))
        snprintf(cfg->torch_dtype, sizeof cfg->torch_dtype, "%s", dt->valuestring);
    const cJSON *mt = cJSON_GetObjectItemCaseSensitive(root, "model_type");
    if (cJSON_IsString(mt))
        snprintf(cfg->model_type, sizeof cfg->model_type, "%s", mt->valuestring);
    st = rl_arch_resolve(root, assume_llama, cfg, err);
done:
    cJSON_Delete(root);
    return st;
}

rl_status rl_hf_config_parse(const char *text, size_t len, const char *origin,
                             rl_llm_config *cfg, rl_err *err)
{
    return rl_hf_config_parse_as(text, len, origin, false, cfg, err);
}

rl_status rl_hf_config_load(const char *path, rl_llm_config *cfg, rl_err *err)
{
    return rl_hf_config_load_as(path, false, cfg, err);
}

rl_status rl_hf_config_load_as(const char *path, bool assume_llama, rl_llm_config *cfg,
                               rl_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return rl_fail(err, RL_ERR_IO, "%s: %s", path, strerror(errno));
    /* config.json files are a few KiB; refuse anything over 4 MiB. */
    enum { MAX = 4 << 20 };
    char *buf = malloc(MAX + 1);
    if (!buf) {
        fclose(f);
        return rl_fail(err, RL_ERR_NOMEM, "%s: out of memory", path);
    }
    size_t n = fread(buf, 1, MAX + 1, f);
    const bool bad = ferror(f);
    fclose(f);
    rl_status st;
    if (bad)
        st = rl_fail(err, RL_ERR_IO, "%s: read error", path);
    else if (n > MAX)
        st = rl_fail(err, RL_ERR_INVALID, "%s: larger than 4 MiB, not a config.json", path);
    else
        st = rl_hf_config_parse_as(buf, n, path, assume_llama, cfg, err);
    free(buf);
    return st;
}
