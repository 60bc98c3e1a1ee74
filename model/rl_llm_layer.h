/* rooflab model: the kernels of one decoder layer (and of the whole model)
 * of an LLM at prefill or decode, as ops of rl_ops.h with their shapes, so
 * that their FLOPs and bytes come from the op accounting alone. Pure
 * arithmetic on a config (rl_llm.h); llm_layer.c and docs/model.md
 * ("The layer's kernels") say what is counted and what is not. */
#ifndef RL_LLM_LAYER_H
#define RL_LLM_LAYER_H

#include <stdbool.h>
#include <stdint.h>

#include "model/rl_llm.h"
#include "model/rl_ops.h"

typedef enum rl_llm_phase {
    RL_LLM_PREFILL, /* batch x seq new tokens, causal attention over the prompt */
    RL_LLM_DECODE   /* one new token per sequence against a KV-cache of seq tokens */
} rl_llm_phase;

const char *rl_llm_phase_name(rl_llm_phase p); /* "prefill", "decode" */
rl_status rl_llm_phase_parse(const char *name, rl_llm_phase *p, rl_err *err);

/* One kernel of a layer: `count` calls of op on shape per layer. */
typedef struct rl_llm_kernel {
    char role[24];  /* "q_proj", "attn_scores", "mlp_act", ... */
    char what[96];  /* what it computes, for people */
    rl_op op;
    rl_shape shape;
    int count;
} rl_llm_kernel;

#define RL_LLM_LAYER_MAX_KERNELS 32

/* One kind of layer: layers differ only in whether they attend within a
 * sliding window and whether their MLP is the sparse (MoE) block. */
typedef struct rl_llm_layer {
    char kind[64];       /* "full attention, dense MLP", ... */
    int64_t layers;      /* how many of the model's layers are of this kind */
    bool sliding, moe;
    int64_t attended;    /* keys each query attends */
    int count;
    rl_llm_kernel kernels[RL_LLM_LAYER_MAX_KERNELS];
} rl_llm_layer;

#define RL_LLM_LAYER_KINDS 2

typedef struct rl_llm_model_kernels {
    rl_llm_phase phase;
    int64_t batch, seq;
    int64_t tokens;      /* new tokens through every layer: batch*seq or batch */
    int64_t queries;     /* per sequence: seq (prefill) or 1 (decode) */
    int64_t group;       /* query heads per KV head (GQA group; 1 = MHA) */
    int kinds;
    rl_llm_layer layer[RL_LLM_LAYER_KINDS];
    rl_llm_kernel embedding; /* the token rows gathered from the table (a copy) */
    rl_llm_kernel lm_head;   /* logits of one position per sequence */
} rl_llm_model_kernels;

/* The kernels of `c` at `phase` for batch sequences of seq tokens (the
 * prompt at prefill, the KV-cache at decode), at most RL_LLM_LAYER_KINDS
 * kinds of layer. Refuses in one line (RL_ERR_INVALID) what it cannot
 * count exactly: heads not a multiple of KV heads, a model whose sliding
 * and sparse layers are both a part of the layers, an ungated MLP without
 * a bias (no plain-GELU op), a dimension product over 64 bits. */
rl_status rl_llm_kernels_build(const rl_llm_config *c, rl_llm_phase phase, int64_t batch,
                               int64_t seq, rl_llm_model_kernels *out, rl_err *err);

/* FLOPs and minimum bytes of one layer (every kernel x its count) and of
 * the model (layers of each kind + embedding + lm_head), from the op
 * accounting at precision p. */
double rl_llm_layer_flops(const rl_llm_layer *l);
double rl_llm_layer_bytes(const rl_llm_layer *l, rl_precision p);
double rl_llm_model_flops(const rl_llm_model_kernels *m);

/* What the kernel list leaves out, in one line (depends on the layout). */
void rl_llm_kernels_excluded(const rl_llm_config *c, char *buf, size_t len);

#endif
