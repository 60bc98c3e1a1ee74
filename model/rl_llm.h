/* rooflab model: LLM memory planning for decoder-only transformers: the
 * architecture from a Hugging Face config.json and the family table
 * (arch_table.c: Llama, Mistral, Mixtral, Qwen2/3 and their MoE, Gemma 1-3,
 * Phi-2/3, GPT-NeoX, StarCoder2, OLMo), the exact parameter count (total and
 * active), weights, GQA- and sliding-window-aware KV-cache, a documented
 * activation estimate, and whether it all fits a device's memory.
 * The formulas are written in llm_plan.c and docs/model.md. All byte
 * arithmetic is in uint64_t with overflow checks: a plan too large to
 * count fails instead of wrapping. */
#ifndef RL_LLM_H
#define RL_LLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rl/status.h"

/* Normalisation layers, which differ in parameters per normalised width. */
typedef enum rl_llm_norm {
    RL_LLM_NORM_RMS,   /* RMSNorm: one gain per value */
    RL_LLM_NORM_LAYER, /* LayerNorm with weight and bias: two per value */
    RL_LLM_NORM_NONE   /* LayerNorm without learned parameters (OLMo) */
} rl_llm_norm;

/* A family's layout, resolved for one config (family default, then the
 * config's explicit keys). Only what changes a count is here. */
typedef struct rl_llm_layout {
    char family[32];        /* the table row used */
    bool assumed;           /* forced to the Llama layout (--assume-llama) */
    char note[192];         /* with assumed: the keys that were ignored */
    bool gated_mlp;         /* gate, up, down (3 h I) or fc1, fc2 (2 h I) */
    bool qkv_bias, o_bias;  /* attention projection biases */
    bool mlp_bias;          /* MLP (and expert) biases */
    bool lm_head_bias;      /* Phi: the output projection has a bias */
    rl_llm_norm norm;
    int norms_per_layer;    /* 1 (parallel blocks), 2, or 4 (Gemma 2/3) */
    bool qk_norm;           /* per-head norms of q and k over head_dim */
    bool parallel;          /* attention and MLP read the same input */
    double rotary_fraction; /* part of head_dim that is rotated (no parameters) */
    int64_t sliding_window; /* tokens, 0: none */
    int64_t sliding_layers; /* layers whose KV-cache holds at most the window */
    /* Mixture of experts (experts == 0: dense) */
    int64_t experts, experts_per_token, expert_intermediate;
    int64_t shared_intermediate; /* one always-on expert (0: none) */
    bool shared_expert_gate;     /* its h -> 1 gate */
    int64_t moe_layers;          /* layers with the sparse block; others dense (I) */
} rl_llm_layout;

/* The shape of a decoder. */
typedef struct rl_llm_config {
    char origin[256];      /* the file (or label) it was read from */
    char model_type[32];   /* "llama", "mistral", ... ("" when absent) */
    int64_t hidden;        /* hidden_size, h */
    int64_t layers;        /* num_hidden_layers, L */
    int64_t heads;         /* num_attention_heads, H */
    int64_t kv_heads;      /* num_key_value_heads, KV (default H) */
    int64_t head_dim;      /* head_dim, d (default h / H) */
    int64_t intermediate;  /* intermediate_size, I (dense MLP; Mixtral's expert width) */
    int64_t vocab;         /* vocab_size, V */
    int64_t max_positions; /* max_position_embeddings, 0 when absent */
    bool tied_embeddings;  /* tie_word_embeddings (default: the family's) */
    char torch_dtype[16];  /* torch_dtype (or dtype), "" when absent */
    rl_llm_layout layout;
} rl_llm_config;

/* Parse config.json text; `origin` names it in messages. Every error is one
 * line naming the field. An unknown or absent model_type, or a key that
 * changes the count and that the family table does not handle, is refused
 * (RL_ERR_INVALID) unless assume_llama, which forces the Llama layout. */
rl_status rl_hf_config_parse_as(const char *text, size_t len, const char *origin,
                                bool assume_llama, rl_llm_config *cfg, rl_err *err);
rl_status rl_hf_config_load_as(const char *path, bool assume_llama, rl_llm_config *cfg,
                               rl_err *err);
/* The same, strict (assume_llama false). */
rl_status rl_hf_config_parse(const char *text, size_t len, const char *origin,
                             rl_llm_config *cfg, rl_err *err);
rl_status rl_hf_config_load(const char *path, rl_llm_config *cfg, rl_err *err);

/* The resolved layout in one line of text (truncated to len). */
void rl_llm_layout_describe(const rl_llm_config *c, char *buf, size_t len);

/* Storage formats of weights and KV-cache. int4 carries one fp16 scale per
 * group of 128 values (GPTQ/AWQ-style group quantisation), so it costs
 * 4.125 bits per value; fp8 and int8 scales are per tensor/channel and not
 * counted. */
typedef enum rl_llm_dtype {
    RL_LLM_FP32,
    RL_LLM_FP16,
    RL_LLM_BF16,
    RL_LLM_FP8,
    RL_LLM_INT8,
    RL_LLM_INT4,
    RL_LLM_DTYPE_COUNT
} rl_llm_dtype;

const char *rl_llm_dtype_name(rl_llm_dtype t);
rl_status rl_llm_dtype_parse(const char *name, rl_llm_dtype *t, rl_err *err);
/* Bits per group of 128 values (fp16: 2048, int4: 528). */
uint64_t rl_llm_dtype_bits_per_128(rl_llm_dtype t);

/* A fixed runtime reserve on every GPU: the CUDA context, cuBLAS/cuDNN
 * workspaces and allocator slack (an estimate: 1 GiB). */
#define RL_LLM_RUNTIME_RESERVE_BYTES (1ull << 30)

/* Exact parameter count of the family's layout (llm_plan.c writes the
 * formula); for a Llama layout:
 *   per layer  h*d*(H + 2*KV) + H*d*h + 3*h*I + 2*h
 *   total      L * per layer + V*h (embedding) + V*h (lm_head, unless tied) + h
 * `active` (may be NULL): what one token runs through, the experts it is
 * routed to only (equal to the total for a dense model). */
rl_status rl_llm_param_counts(const rl_llm_config *c, uint64_t *total, uint64_t *active,
                              rl_err *err);
rl_status rl_llm_param_count(const rl_llm_config *c, uint64_t *params, rl_err *err);

/* KV-cache bytes per token of context, every layer counted =
 * 2 * L * KV * d * bytes(kv dtype); sliding-window layers stop growing at
 * the window (rl_llm_total_bytes caps them). */
rl_status rl_llm_kv_bytes_per_token(const rl_llm_config *c, rl_llm_dtype kv, uint64_t *bytes,
                                    rl_err *err);

/* Peak activation bytes of one prefill of batch x seq tokens (see
 * llm_plan.c for the formula). */
rl_status rl_llm_activation_bytes(const rl_llm_config *c, int64_t batch, int64_t seq,
                                  bool flash_attention, uint64_t *bytes, rl_err *err);

typedef struct rl_llm_plan_request {
    int64_t batch, seq;
    rl_llm_dtype weights; /* storage of the weights */
    rl_llm_dtype kv;      /* storage of the KV-cache */
    bool flash_attention; /* true: attention scores are never materialised */
    uint64_t capacity_bytes; /* the device's memory */
    uint64_t reserve_bytes;  /* what the runtime and (on a Jetson) the OS keep */
} rl_llm_plan_request;

typedef struct rl_llm_plan {
    uint64_t params;           /* all of them: what memory holds */
    uint64_t active_params;    /* per token (routed experts only): what FLOPs use */
    uint64_t weights_bytes;
    uint64_t kv_bytes_per_token;
    uint64_t kv_cache_bytes;   /* per token * batch * seq, sliding layers at most the window */
    uint64_t activation_bytes;
    uint64_t reserve_bytes;
    uint64_t total_bytes;      /* weights + kv + activations + reserve */
    uint64_t capacity_bytes;
    bool fits;                 /* total <= capacity */
    int64_t max_batch_at_seq;  /* largest batch that fits at this seq (0: none) */
    int64_t max_seq_at_batch;  /* longest seq that fits at this batch (0: none) */
} rl_llm_plan;

/* Total bytes of one request (no search); RL_ERR_INVALID on overflow. */
rl_status rl_llm_total_bytes(const rl_llm_config *c, const rl_llm_plan_request *r,
                             rl_llm_plan *out, rl_err *err);

/* The full plan, with the largest batch and the longest sequence that fit
 * (each searched up to 2^40). */
rl_status rl_llm_plan_compute(const rl_llm_config *c, const rl_llm_plan_request *r,
                              rl_llm_plan *out, rl_err *err);

/* ---- what would fit (llm_fit.c) ------------------------------------------ */

/* The part that breaks a plan that does not fit. */
typedef enum rl_llm_breaker {
    RL_LLM_BREAK_NONE,        /* it fits */
    RL_LLM_BREAK_WEIGHTS,     /* weights + reserve alone exceed the capacity */
    RL_LLM_BREAK_KV_CACHE,    /* weights fit; the KV-cache is the larger of the rest */
    RL_LLM_BREAK_ACTIVATIONS  /* weights fit; the activations are the larger of the rest */
} rl_llm_breaker;

rl_llm_breaker rl_llm_what_breaks(const rl_llm_plan *p);
const char *rl_llm_breaker_name(rl_llm_breaker b); /* "weights", "kv_cache", ... */

/* The same request at other storage precisions: weights and KV-cache each
 * at the model's 16-bit type, 8 bits (int8 weights, fp8 KV-cache) and int4,
 * widest first, weights before KV-cache. */
#define RL_LLM_ALTERNATIVES 9

typedef struct rl_llm_alternative {
    rl_llm_dtype weights, kv;
    bool valid;       /* false: the plan overflowed 64-bit byte counts */
    rl_llm_plan plan; /* with its largest batch and longest sequence */
} rl_llm_alternative;

/* Fills alt[RL_LLM_ALTERNATIVES] from the request `r` (its batch, seq,
 * attention, capacity, reserve) with 16-bit type `native`; *first_fit is
 * the index of the first (widest) that fits at r's batch and seq, or -1. */
void rl_llm_alternatives(const rl_llm_config *c, const rl_llm_plan_request *r,
                         rl_llm_dtype native, rl_llm_alternative alt[RL_LLM_ALTERNATIVES],
                         int *first_fit);

#endif
