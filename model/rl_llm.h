/* rooflab model: LLM memory planning for Llama-style decoders (Llama 2/3,
 * Mistral, TinyLlama): the architecture from a Hugging Face config.json,
 * the exact parameter count, weights, GQA-aware KV-cache, a documented
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

/* The shape of a Llama-style decoder. */
typedef struct rl_llm_config {
    char origin[256];      /* the file (or label) it was read from */
    char model_type[32];   /* "llama", "mistral", ... ("" when absent) */
    int64_t hidden;        /* hidden_size, h */
    int64_t layers;        /* num_hidden_layers, L */
    int64_t heads;         /* num_attention_heads, H */
    int64_t kv_heads;      /* num_key_value_heads, KV (default H) */
    int64_t head_dim;      /* head_dim, d (default h / H) */
    int64_t intermediate;  /* intermediate_size, I */
    int64_t vocab;         /* vocab_size, V */
    int64_t max_positions; /* max_position_embeddings, 0 when absent */
    bool tied_embeddings;  /* tie_word_embeddings (default false, as LlamaConfig) */
    char torch_dtype[16];  /* torch_dtype (or dtype), "" when absent */
} rl_llm_config;

/* Parse config.json text; `origin` names it in messages. Every error is one
 * line naming the field. */
rl_status rl_hf_config_parse(const char *text, size_t len, const char *origin,
                             rl_llm_config *cfg, rl_err *err);
rl_status rl_hf_config_load(const char *path, rl_llm_config *cfg, rl_err *err);

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

/* Exact parameter count:
 *   per layer  h*d*(H + 2*KV) + H*d*h + 3*h*I + 2*h
 *   total      L * per layer + V*h (embedding) + V*h (lm_head, unless tied) + h */
rl_status rl_llm_param_count(const rl_llm_config *c, uint64_t *params, rl_err *err);

/* KV-cache bytes per token = 2 * L * KV * d * bytes(kv dtype). */
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
    uint64_t params;
    uint64_t weights_bytes;
    uint64_t kv_bytes_per_token;
    uint64_t kv_cache_bytes;   /* kv_bytes_per_token * batch * seq */
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

#endif
