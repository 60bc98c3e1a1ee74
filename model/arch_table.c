/* The architecture table: for each Hugging Face model_type counted exactly,
 * the layout its transformers implementation (modeling_<type>.py) builds,
 * and the config keys that implementation reads to change it. The table
 * states family defaults; a config's explicit keys override them where the
 * implementation reads them. A count-changing key that the family does not
 * read, with a value other than the family's own, is refused: rooflab would
 * otherwise print a number for a model that is not the one described.
 * docs/model.md ("Architectures") gives a worked count per family. */
#include "model/rl_arch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How a family decides which layers attend within a sliding window. */
typedef enum sliding_rule {
    SW_NONE,      /* never */
    SW_ALL,       /* every layer, when sliding_window is set (Mistral, Phi-3, StarCoder2) */
    SW_QWEN,      /* layers >= max_window_layers, when use_sliding_window */
    SW_ALTERNATE, /* layers 0, 2, 4, ... (Gemma 2) */
    SW_PATTERN    /* all but every sliding_window_pattern-th layer (Gemma 3) */
} sliding_rule;

typedef enum moe_rule {
    MOE_NONE,
    MOE_MIXTRAL, /* every layer: router + num_local_experts x (w1, w2, w3) of intermediate_size */
    MOE_QWEN     /* sparse layers by decoder_sparse_step / mlp_only_layers, moe_intermediate_size */
} moe_rule;

/* Bias keys a family reads. */
enum {
    READS_ATTENTION_BIAS = 1u << 0, /* q, k, v, o */
    READS_MLP_BIAS = 1u << 1,       /* gate, up, down */
    READS_USE_BIAS = 1u << 2,       /* every linear layer of the blocks */
    READS_QKV_BIAS = 1u << 3,       /* q, k, v */
    READS_QK_LAYERNORM = 1u << 4,   /* Phi's optional per-head q/k LayerNorms */
};

typedef struct family {
    const char *model_type;
    bool gated_mlp, qkv_bias, o_bias, mlp_bias, lm_head_bias;
    rl_llm_norm norm;
    int norms_per_layer;
    bool qk_norm, parallel, tied;
    unsigned reads;
    sliding_rule sliding;
    int64_t default_window; /* the config class's sliding_window default (0: none) */
    moe_rule moe;
    bool shared_expert;  /* Qwen2-MoE: one always-on expert with an h -> 1 gate */
    bool fused_qkv_h;    /* GPT-NeoX: q, k, v fused as h -> 3h, so H*d must be h */
    bool mha_only;       /* no num_key_value_heads in the implementation */
} family;

#define RMS RL_LLM_NORM_RMS
#define LN RL_LLM_NORM_LAYER
#define NONORM RL_LLM_NORM_NONE

/* Read from transformers' modeling_<model_type>.py and configuration_*.py.
 * "tied" is the config class's tie_word_embeddings default (PretrainedConfig's
 * True where the class does not set it, as Starcoder2Config). */
static const family table[] = {
    /* type         gated  qkvb   ob     mlpb   headb  norm   n  qkn    par    tied */
    {"llama",       true,  false, false, false, false, RMS,   2, false, false, false,
     READS_ATTENTION_BIAS | READS_MLP_BIAS, SW_NONE, 0, MOE_NONE, false, false, false},
    {"mistral",     true,  false, false, false, false, RMS,   2, false, false, false,
     0, SW_ALL, 0, MOE_NONE, false, false, false},
    {"mixtral",     true,  false, false, false, false, RMS,   2, false, false, false,
     0, SW_ALL, 0, MOE_MIXTRAL, false, false, false},
    {"qwen2",       true,  true,  false, false, false, RMS,   2, false, false, false,
     0, SW_QWEN, 0, MOE_NONE, false, false, false},
    {"qwen2_moe",   true,  true,  false, false, false, RMS,   2, false, false, false,
     READS_QKV_BIAS, SW_QWEN, 0, MOE_QWEN, true, false, false},
    {"qwen3",       true,  false, false, false, false, RMS,   2, true,  false, false,
     READS_ATTENTION_BIAS, SW_QWEN, 0, MOE_NONE, false, false, false},
    {"qwen3_moe",   true,  false, false, false, false, RMS,   2, true,  false, false,
     READS_ATTENTION_BIAS, SW_QWEN, 0, MOE_QWEN, false, false, false},
    {"gemma",       true,  false, false, false, false, RMS,   2, false, false, true,
     READS_ATTENTION_BIAS, SW_NONE, 0, MOE_NONE, false, false, false},
    {"gemma2",      true,  false, false, false, false, RMS,   4, false, false, true,
     READS_ATTENTION_BIAS, SW_ALTERNATE, 4096, MOE_NONE, false, false, false},
    {"gemma3_text", true,  false, false, false, false, RMS,   4, true,  false, true,
     READS_ATTENTION_BIAS, SW_PATTERN, 4096, MOE_NONE, false, false, false},
    {"phi",         false, true,  true,  true,  true,  LN,    1, false, true,  false,
     READS_QK_LAYERNORM, SW_NONE, 0, MOE_NONE, false, false, false},
    {"phi3",        true,  false, false, false, false, RMS,   2, false, false, false,
     0, SW_ALL, 0, MOE_NONE, false, false, false},
    {"gpt_neox",    false, true,  true,  true,  false, LN,    2, false, true,  false,
     READS_ATTENTION_BIAS, SW_NONE, 0, MOE_NONE, false, true, true},
    {"starcoder2",  false, true,  true,  true,  false, LN,    2, false, false, true,
     READS_USE_BIAS, SW_ALL, 0, MOE_NONE, false, false, false},
    {"olmo",        true,  false, false, false, false, NONORM, 2, false, false, false,
     READS_ATTENTION_BIAS, SW_NONE, 0, MOE_NONE, false, false, false},
};
#define TABLE_LEN (sizeof table / sizeof table[0])

static const family *find_family(const char *model_type)
{
    for (size_t i = 0; i < TABLE_LEN; i++)
        if (strcmp(table[i].model_type, model_type) == 0)
            return &table[i];
    return NULL;
}

static const cJSON *item(const cJSON *root, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    return (v && !cJSON_IsNull(v)) ? v : NULL;
}

/* An optional boolean: absent or null keeps *out. */
static rl_status get_bool(const cJSON *root, const char *key, const char *origin, bool *out,
                          rl_err *err)
{
    const cJSON *v = item(root, key);
    if (!v)
        return RL_OK;
    if (!cJSON_IsBool(v))
        return rl_fail(err, RL_ERR_INVALID, "%s: \"%s\" must be true or false", origin, key);
    *out = cJSON_IsTrue(v);
    return RL_OK;
}

/* An optional non-negative integer below 2^31: absent or null keeps *out. */
static rl_status get_count(const cJSON *root, const char *key, const char *origin, bool positive,
                           int64_t *out, rl_err *err)
{
    const cJSON *v = item(root, key);
    if (!v)
        return RL_OK;
    const double d = cJSON_IsNumber(v) ? v->valuedouble : -1;
    if (!(d >= (positive ? 1 : 0)) || d != floor(d) || d > 2147483647.0)
        return rl_fail(err, RL_ERR_INVALID, "%s: \"%s\" must be a %s integer", origin, key,
                       positive ? "positive" : "non-negative");
    *out = (int64_t)d;
    return RL_OK;
}

static rl_status required_count(const cJSON *root, const char *key, const char *origin,
                                int64_t *out, rl_err *err)
{
    *out = 0;
    RL_TRY(get_count(root, key, origin, true, out, err));
    if (*out == 0)
        return rl_fail(err, RL_ERR_INVALID, "%s: missing \"%s\" (a mixture-of-experts family)",
                       origin, key);
    return RL_OK;
}

/* ---- sliding window ------------------------------------------------------ */

static rl_status resolve_sliding(const cJSON *root, const family *f, rl_llm_config *c,
                                 rl_err *err)
{
    rl_llm_layout *l = &c->layout;
    const char *origin = c->origin;
    int64_t window = f->default_window;
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(root, "sliding_window");
    if (w && cJSON_IsNull(w))
        window = 0; /* explicitly none */
    else
        RL_TRY(get_count(root, "sliding_window", origin, false, &window, err));
    l->sliding_window = 0;
    l->sliding_layers = 0;
    if (f->sliding == SW_NONE || window == 0)
        return RL_OK;

    /* Newer configs list each layer's attention; that list is what runs. */
    const cJSON *types = item(root, "layer_types");
    if (types) {
        if (!cJSON_IsArray(types) || cJSON_GetArraySize(types) != c->layers)
            return rl_fail(err, RL_ERR_INVALID,
                           "%s: \"layer_types\" must list one entry per layer (%lld)", origin,
                           (long long)c->layers);
        int64_t n = 0;
        const cJSON *t;
        cJSON_ArrayForEach(t, types) {
            if (cJSON_IsString(t) && strcmp(t->valuestring, "sliding_attention") == 0)
                n++;
            else if (!cJSON_IsString(t) || strcmp(t->valuestring, "full_attention") != 0)
                return rl_fail(err, RL_ERR_INVALID,
                               "%s: \"layer_types\": only full_attention and sliding_attention "
                               "layers are counted",
                               origin);
        }
        l->sliding_layers = n;
    } else {
        switch (f->sliding) {
        case SW_ALL: l->sliding_layers = c->layers; break;
        case SW_QWEN: {
            bool use = false;
            int64_t from = 28; /* max_window_layers' default in the Qwen config classes */
            RL_TRY(get_bool(root, "use_sliding_window", origin, &use, err));
            RL_TRY(get_count(root, "max_window_layers", origin, false, &from, err));
            l->sliding_layers = (use && from < c->layers) ? c->layers - from : 0;
            break;
        }
        case SW_ALTERNATE: l->sliding_layers = (c->layers + 1) / 2; break;
        case SW_PATTERN: {
            int64_t every = 6; /* Gemma3TextConfig's default */
            const char *key = item(root, "sliding_window_pattern") ? "sliding_window_pattern"
                                                                   : "_sliding_window_pattern";
            RL_TRY(get_count(root, key, origin, true, &every, err));
            l->sliding_layers = c->layers - c->layers / every;
            break;
        }
        case SW_NONE: break;
        }
    }
    if (l->sliding_layers)
        l->sliding_window = window;
    return RL_OK;
}

static int cmp_i64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Layers with the sparse block: every step-th, less those listed in
 * mlp_only_layers. Counted without walking the layers, which a hostile
 * config may make 2^31 of. */
static rl_status count_sparse_layers(const cJSON *dense, int64_t step, rl_llm_config *c,
                                     rl_err *err)
{
    const char *origin = c->origin;
    c->layout.moe_layers = c->layers / step;
    if (!dense)
        return RL_OK;
    if (!cJSON_IsArray(dense) || cJSON_GetArraySize(dense) > c->layers)
        return rl_fail(err, RL_ERR_INVALID,
                       "%s: \"mlp_only_layers\" must be a list of at most num_hidden_layers "
                       "layer numbers",
                       origin);
    const int n = cJSON_GetArraySize(dense);
    int64_t *ids = malloc((size_t)(n ? n : 1) * sizeof *ids);
    if (!ids)
        return rl_fail(err, RL_ERR_NOMEM, "%s: out of memory", origin);
    int k = 0;
    const cJSON *d;
    cJSON_ArrayForEach(d, dense) {
        const double v = cJSON_IsNumber(d) ? d->valuedouble : -1;
        if (!(v >= 0) || v != floor(v) || v >= (double)c->layers) {
            free(ids);
            return rl_fail(err, RL_ERR_INVALID,
                           "%s: \"mlp_only_layers\" must list layer numbers below %lld", origin,
                           (long long)c->layers);
        }
        ids[k++] = (int64_t)v;
    }
    qsort(ids, (size_t)k, sizeof *ids, cmp_i64);
    for (int i = 0; i < k; i++)
        if ((i == 0 || ids[i] != ids[i - 1]) && (ids[i] + 1) % step == 0)
            c->layout.moe_layers--;
    free(ids);
    return RL_OK;
}

/* ---- mixture of experts -------------------------------------------------- */

static rl_status resolve_moe(const cJSON *root, const family *f, rl_llm_config *c, rl_err *err)
{
    rl_llm_layout *l = &c->layout;
    const char *origin = c->origin;
    if (f->moe == MOE_MIXTRAL) {
        RL_TRY(required_count(root, "num_local_experts", origin, &l->experts, err));
        RL_TRY(required_count(root, "num_experts_per_tok", origin, &l->experts_per_token, err));
        l->expert_intermediate = c->intermediate;
        l->moe_layers = c->layers;
    } else if (f->moe == MOE_QWEN) {
        RL_TRY(required_count(root, "num_experts", origin, &l->experts, err));
        RL_TRY(required_count(root, "num_experts_per_tok", origin, &l->experts_per_token, err));
        RL_TRY(required_count(root, "moe_intermediate_size", origin, &l->expert_intermediate,
                              err));
        if (f->shared_expert) {
            RL_TRY(required_count(root, "shared_expert_intermediate_size", origin,
                                  &l->shared_intermediate, err));
            l->shared_expert_gate = true;
        }
        int64_t step = 1;
        RL_TRY(get_count(root, "decoder_sparse_step", origin, true, &step, err));
        RL_TRY(count_sparse_layers(item(root, "mlp_only_layers"), step, c, err));
    } else {
        return RL_OK;
    }
    if (l->experts_per_token > l->experts)
        return rl_fail(err, RL_ERR_INVALID,
                       "%s: \"num_experts_per_tok\" (%lld) exceeds the experts (%lld)", origin,
                       (long long)l->experts_per_token, (long long)l->experts);
    return RL_OK;
}

/* ---- keys the row does not read ------------------------------------------ */

/* Keys that change the parameter count or the KV-cache in some family. */
static const char *const guarded_keys[] = {
    "attention_bias", "mlp_bias", "use_bias", "qkv_bias", "qk_layernorm", "use_qk_norm",
    "num_local_experts", "num_experts", "n_routed_experts", "num_experts_per_tok",
    "moe_intermediate_size", "shared_expert_intermediate_size", "n_shared_experts",
    "decoder_sparse_step", "mlp_only_layers", "first_k_dense_replace", "moe_layer_freq",
    "q_lora_rank", "kv_lora_rank", "sliding_window", "use_sliding_window", "layer_types",
    "sliding_window_pattern", "num_key_value_heads", "head_dim", NULL,
};

static bool has(const char *const *list, const char *key)
{
    for (; *list; list++)
        if (strcmp(*list, key) == 0)
            return true;
    return false;
}

static bool row_reads(const family *f, const char *key)
{
    static const char *const always[] = {"num_key_value_heads", "head_dim", NULL};
    static const char *const sliding[] = {"sliding_window", "layer_types", NULL};
    static const char *const qwen_sliding[] = {"use_sliding_window", NULL};
    static const char *const pattern[] = {"sliding_window_pattern", NULL};
    static const char *const mixtral[] = {"num_local_experts", "num_experts_per_tok", NULL};
    static const char *const qwen_moe[] = {"num_experts", "num_experts_per_tok",
                                           "moe_intermediate_size", "decoder_sparse_step",
                                           "mlp_only_layers", NULL};
    if (has(always, key) && !f->mha_only && !f->fused_qkv_h)
        return true;
    if (f->sliding != SW_NONE && has(sliding, key))
        return true;
    if (f->sliding == SW_QWEN && has(qwen_sliding, key))
        return true;
    if (f->sliding == SW_PATTERN && has(pattern, key))
        return true;
    if (f->moe == MOE_MIXTRAL && has(mixtral, key))
        return true;
    if (f->moe == MOE_QWEN && has(qwen_moe, key))
        return true;
    if (f->shared_expert && strcmp(key, "shared_expert_intermediate_size") == 0)
        return true;
    return ((f->reads & READS_ATTENTION_BIAS) && strcmp(key, "attention_bias") == 0) ||
           ((f->reads & READS_MLP_BIAS) && strcmp(key, "mlp_bias") == 0) ||
           ((f->reads & READS_USE_BIAS) && strcmp(key, "use_bias") == 0) ||
           ((f->reads & READS_QKV_BIAS) && strcmp(key, "qkv_bias") == 0) ||
           ((f->reads & READS_QK_LAYERNORM) && strcmp(key, "qk_layernorm") == 0);
}

/* Whether a key's value describes what the resolved layout already is (so
 * an implementation that ignores it builds the same model). */
static bool agrees(const char *key, const cJSON *v, const rl_llm_config *c)
{
    const rl_llm_layout *l = &c->layout;
    if (cJSON_IsNull(v))
        return true;
    if (cJSON_IsBool(v)) {
        const bool on = cJSON_IsTrue(v);
        if (strcmp(key, "attention_bias") == 0)
            return l->qkv_bias == on && l->o_bias == on;
        if (strcmp(key, "mlp_bias") == 0)
            return l->mlp_bias == on;
        if (strcmp(key, "use_bias") == 0)
            return l->qkv_bias == on && l->o_bias == on && l->mlp_bias == on;
        if (strcmp(key, "qkv_bias") == 0)
            return l->qkv_bias == on;
        if (strcmp(key, "qk_layernorm") == 0 || strcmp(key, "use_qk_norm") == 0)
            return l->qk_norm == on;
        return !on;
    }
    if (cJSON_IsNumber(v)) {
        if (strcmp(key, "num_key_value_heads") == 0)
            return v->valuedouble == (double)c->heads;
        if (strcmp(key, "head_dim") == 0)
            return v->valuedouble * (double)c->heads == (double)c->hidden;
        return v->valuedouble == 0;
    }
    if (cJSON_IsArray(v)) {
        const cJSON *e;
        cJSON_ArrayForEach(e, v) {
            if (!(strcmp(key, "layer_types") == 0 && cJSON_IsString(e) &&
                  strcmp(e->valuestring, "full_attention") == 0))
                return false;
        }
        return true;
    }
    return false;
}

/* ---- the layout ---------------------------------------------------------- */

static rl_status apply_row(const cJSON *root, const family *f, rl_llm_config *c, rl_err *err)
{
    rl_llm_layout *l = &c->layout;
    const char *origin = c->origin;
    snprintf(l->family, sizeof l->family, "%s", f->model_type);
    l->gated_mlp = f->gated_mlp;
    l->qkv_bias = f->qkv_bias;
    l->o_bias = f->o_bias;
    l->mlp_bias = f->mlp_bias;
    l->lm_head_bias = f->lm_head_bias;
    l->norm = f->norm;
    l->norms_per_layer = f->norms_per_layer;
    l->qk_norm = f->qk_norm;
    l->parallel = f->parallel;
    c->tied_embeddings = f->tied;
    RL_TRY(get_bool(root, "tie_word_embeddings", origin, &c->tied_embeddings, err));

    if (f->reads & READS_ATTENTION_BIAS) {
        bool on = f->qkv_bias;
        RL_TRY(get_bool(root, "attention_bias", origin, &on, err));
        l->qkv_bias = l->o_bias = on;
    }
    if (f->reads & READS_MLP_BIAS)
        RL_TRY(get_bool(root, "mlp_bias", origin, &l->mlp_bias, err));
    if (f->reads & READS_USE_BIAS) {
        bool on = f->qkv_bias;
        RL_TRY(get_bool(root, "use_bias", origin, &on, err));
        l->qkv_bias = l->o_bias = l->mlp_bias = on;
    }
    if (f->reads & READS_QKV_BIAS)
        RL_TRY(get_bool(root, "qkv_bias", origin, &l->qkv_bias, err));
    if (f->reads & READS_QK_LAYERNORM)
        RL_TRY(get_bool(root, "qk_layernorm", origin, &l->qk_norm, err));

    /* The rotated part of each head: no parameters, shown for clarity. */
    l->rotary_fraction = 1.0;
    const cJSON *rot = item(root, "partial_rotary_factor");
    if (!rot)
        rot = item(root, "rotary_pct");
    if (rot) {
        if (!cJSON_IsNumber(rot) || !(rot->valuedouble > 0 && rot->valuedouble <= 1))
            return rl_fail(err, RL_ERR_INVALID, "%s: \"%s\" must be in (0, 1]", origin,
                           item(root, "partial_rotary_factor") ? "partial_rotary_factor"
                                                               : "rotary_pct");
        l->rotary_fraction = rot->valuedouble;
    }
    RL_TRY(resolve_sliding(root, f, c, err));
    return resolve_moe(root, f, c, err);
}

rl_status rl_arch_resolve(const cJSON *root, bool assume_llama, rl_llm_config *c, rl_err *err)
{
    memset(&c->layout, 0, sizeof c->layout);
    const char *origin = c->origin;
    const cJSON *mt = cJSON_GetObjectItemCaseSensitive(root, "model_type");
    if (mt && !cJSON_IsString(mt))
        return rl_fail(err, RL_ERR_INVALID, "%s: \"model_type\" must be a string", origin);
    const family *f = mt ? find_family(mt->valuestring) : NULL;
    if (!f && !assume_llama) {
        char known[256] = "";
        for (size_t i = 0; i < TABLE_LEN; i++)
            snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s",
                     i ? ", " : "", table[i].model_type);
        if (!mt)
            return rl_fail(err, RL_ERR_INVALID,
                           "%s: no \"model_type\", so the layout is unknown (counted exactly: "
                           "%s; --assume-llama forces the Llama layout)",
                           origin, known);
        return rl_fail(err, RL_ERR_INVALID,
                       "%s: model_type '%.40s' is not in the architecture table (counted "
                       "exactly: %s; --assume-llama forces the Llama layout)",
                       origin, mt->valuestring, known);
    }
    if (assume_llama)
        f = find_family("llama");
    RL_TRY(apply_row(root, f, c, err));
    c->layout.assumed = assume_llama;

    if (f->fused_qkv_h && c->heads * c->head_dim != c->hidden)
        return rl_fail(err, RL_ERR_INVALID,
                       "%s: \"head_dim\" x heads must equal hidden_size for %s (its q, k, v "
                       "are one h -> 3h projection)",
                       origin, f->model_type);
    if (f->mha_only && c->kv_heads != c->heads)
        return rl_fail(err, RL_ERR_INVALID,
                       "%s: \"num_key_value_heads\" is not read by %s (multi-head attention "
                       "only); refusing to guess its count",
                       origin, f->model_type);

    /* A count-changing key the row does not read: refuse, or with
     * --assume-llama list it as ignored. */
    size_t used = 0;
    for (const char *const *k = guarded_keys; *k; k++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, *k);
        if (!v || row_reads(f, *k) || agrees(*k, v, c))
            continue;
        if (!assume_llama)
            return rl_fail(err, RL_ERR_INVALID,
                           "%s: \"%s\" changes the count but %s's implementation does not read "
                           "it; refusing rather than guessing (--assume-llama ignores it)",
                           origin, *k, f->model_type);
        used += (size_t)snprintf(c->layout.note + used,
                                 used < sizeof c->layout.note ? sizeof c->layout.note - used : 0,
                                 "%s%s", used ? ", " : "ignored: ", *k);
        if (used >= sizeof c->layout.note)
            used = sizeof c->layout.note;
    }
    return RL_OK;
}

/* One line for people: "gemma2: gated MLP, RMSNorm x4, tied embeddings, ..." */
void rl_llm_layout_describe(const rl_llm_config *c, char *buf, size_t len)
{
    const rl_llm_layout *l = &c->layout;
    static const char *const norm_names[] = {"RMSNorm", "LayerNorm (weight + bias)",
                                             "LayerNorm (no parameters)"};
    size_t n = 0;
#define PUT(...)                                                                  \
    do {                                                                          \
        if (n < len)                                                              \
            n += (size_t)snprintf(buf + n, len - n, __VA_ARGS__);                 \
    } while (0)
    PUT("%s%s: %s MLP, %s x%d", l->family, l->assumed ? " (assumed: --assume-llama)" : "",
        l->gated_mlp ? "gated" : "plain", norm_names[l->norm], l->norms_per_layer);
    if (l->qkv_bias || l->o_bias)
        PUT(", %s biases", l->qkv_bias && l->o_bias ? "q/k/v/o" : l->qkv_bias ? "q/k/v" : "o");
    if (l->mlp_bias)
        PUT(", MLP biases");
    if (l->qk_norm)
        PUT(", q/k norms");
    if (l->parallel)
        PUT(", parallel attention+MLP");
    PUT(", %s embeddings", c->tied_embeddings ? "tied" : "untied");
    if (l->rotary_fraction < 1.0)
        PUT(", rotary on %.0f%% of head_dim", 100.0 * l->rotary_fraction);
    if (l->sliding_layers)
        PUT(", sliding window %lld on %lld of %lld layers", (long long)l->sliding_window,
            (long long)l->sliding_layers, (long long)c->layers);
    if (l->experts)
        PUT(", %lld experts (%lld per token) on %lld layers", (long long)l->experts,
            (long long)l->experts_per_token, (long long)l->moe_layers);
    if (l->assumed && c->model_type[0])
        PUT("; model_type '%s'", c->model_type);
    if (l->note[0])
        PUT("; %s", l->note);
#undef PUT
}
