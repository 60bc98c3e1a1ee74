/* The kernels of one decoder layer, and of the model, at prefill or decode.
 *
 * T new tokens go through every layer: T = batch*seq at prefill, T = batch
 * at decode (one new token per sequence). Each query attends A keys:
 * A = seq (the prompt, or the KV-cache of seq tokens), and min(seq, window)
 * in a sliding-window layer. g = H / KV query heads share one K/V head.
 * Per layer (h hidden, d head_dim, I intermediate; [..] when the layout
 * has it):
 *   norms + residual adds, pre-norm blocks: residual add fused with the
 *       norm that follows it, twice (the add after attention with the MLP's
 *       norm, the add after the MLP with the next layer's first norm, or the
 *       final norm after the last layer) [+ Gemma 2/3's post-norms, plain];
 *       parallel blocks (Phi-2, GPT-NeoX): one fused add + norm [+ the MLP's
 *       own norm], and the add of the two branches
 *   q, k, v projections  T x (H*d | KV*d | KV*d) x h
 *   [q/k norms]          over head_dim, T*H and T*KV rows
 *   attn_scores  Q.K^T   batched per KV head: batch*KV products of
 *                        (g*queries) x A x d; the g query heads of a group
 *                        are stacked as rows against the one K they share
 *   attn_softmax         scale + causal mask + softmax, batch*H*queries
 *                        rows of A, in blocks of `queries` rows (the op
 *                        counts only the keys each row sees: about half at
 *                        prefill, all at decode; rl_mask_visible)
 *   attn_values  P.V     batch*KV products of (g*queries) x d x A
 *   o_proj               T x h x H*d
 *   dense MLP, gated     gate, up (T x I x h), SiLU*gate (GELU*gate for
 *                        Gemma), down (T x h x I)
 *   dense MLP, plain     fc1, bias+GELU, fc2
 *   sparse (MoE) block   router T x E x h and its softmax; the experts as
 *                        batched GEMMs: T*k token rows over G = min(E, T*k)
 *                        experts, spread as evenly as routing can (q or q+1
 *                        rows each), each expert's weights read once;
 *                        SiLU*gate over T*k rows; [the shared expert, dense,
 *                        and its h -> 1 gate]
 * Model: the layers of each kind, the embedding rows gathered (a copy of
 * T*h values) and lm_head, T_last x V x h, with T_last = batch: the logits
 * of the last position of each sequence (prefill), of the new token
 * (decode), as the memory plan's activations count them. */
#include "model/rl_llm_layer.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *rl_llm_phase_name(rl_llm_phase p)
{
    return p == RL_LLM_DECODE ? "decode" : "prefill";
}

rl_status rl_llm_phase_parse(const char *name, rl_llm_phase *p, rl_err *err)
{
    if (name && strcasecmp(name, "prefill") == 0)
        *p = RL_LLM_PREFILL;
    else if (name && strcasecmp(name, "decode") == 0)
        *p = RL_LLM_DECODE;
    else
        return rl_fail(err, RL_ERR_INVALID, "--phase must be prefill or decode (got '%s')",
                       name ? name : "");
    return RL_OK;
}

/* a * b, clearing *ok on overflow of int64 (operands are non-negative). */
static int64_t mul(int64_t a, int64_t b, bool *ok)
{
    if (a < 0 || b < 0 || (a != 0 && b > INT64_MAX / a)) {
        *ok = false;
        return 0;
    }
    return a * b;
}

typedef struct layer_kind {
    int64_t layers;
    bool sliding, moe;
} layer_kind;

/* The building state: the layer being filled and an error flag. */
typedef struct builder {
    rl_llm_layer *l;
    bool full; /* more kernels than RL_LLM_LAYER_MAX_KERNELS */
} builder;

static void add(builder *b, const char *role, const char *what, rl_op op, rl_shape shape,
                int count)
{
    if (b->l->count >= RL_LLM_LAYER_MAX_KERNELS) {
        b->full = true;
        return;
    }
    rl_llm_kernel *k = &b->l->kernels[b->l->count++];
    snprintf(k->role, sizeof k->role, "%s", role);
    snprintf(k->what, sizeof k->what, "%s", what);
    k->op = op;
    k->shape = shape;
    k->count = count;
}

static rl_shape gemm(int64_t batch, int64_t m, int64_t n, int64_t k)
{
    return (rl_shape){.m = m, .n = n, .k = k, .batch = batch > 1 ? batch : 0};
}

static rl_shape rows(int64_t r, int64_t c)
{
    return (rl_shape){.rows = r, .cols = c};
}

/* The gated MLP's activation: GELU for the Gemma families, SiLU for the
 * rest (their transformers implementations' hidden_act defaults). */
static rl_op gated_activation(const rl_llm_config *c)
{
    return strncmp(c->layout.family, "gemma", 5) == 0 ? RL_OP_GELU_GATE : RL_OP_SILU_GATE;
}

static void add_norms(builder *b, const rl_llm_config *c, int64_t T)
{
    const rl_llm_layout *l = &c->layout;
    const int64_t h = c->hidden;
    if (l->parallel) {
        add(b, "block_norm", "residual add + norm of the block's input", RL_OP_RESIDUAL_LAYERNORM,
            rows(T, h), 1);
        if (l->norms_per_layer >= 2)
            add(b, "mlp_norm", "the MLP branch's own norm of the same input", RL_OP_LAYERNORM,
                rows(T, h), 1);
        add(b, "branch_add", "attention branch + MLP branch", RL_OP_RESIDUAL_ADD, rows(T, h), 1);
        return;
    }
    add(b, "attn_norm", "residual add + norm before attention", RL_OP_RESIDUAL_LAYERNORM,
        rows(T, h), 1);
    if (l->norms_per_layer >= 4)
        add(b, "attn_post_norm", "norm of the attention output", RL_OP_LAYERNORM, rows(T, h), 1);
    add(b, "mlp_norm", "residual add + norm before the MLP", RL_OP_RESIDUAL_LAYERNORM,
        rows(T, h), 1);
    if (l->norms_per_layer >= 4)
        add(b, "mlp_post_norm", "norm of the MLP output", RL_OP_LAYERNORM, rows(T, h), 1);
}

static void add_attention(builder *b, const rl_llm_config *c, const rl_llm_model_kernels *m,
                          int64_t A, bool *ok)
{
    const int64_t h = c->hidden, H = c->heads, KV = c->kv_heads, d = c->head_dim;
    const int64_t T = m->tokens, g = m->group;
    const int64_t pairs = mul(m->batch, KV, ok);           /* (sequence, KV head) */
    const int64_t group_rows = mul(g, m->queries, ok);    /* stacked query rows */
    const int64_t score_rows = mul(mul(m->batch, H, ok), m->queries, ok);
    char what[96];
    add(b, "q_proj", "queries", RL_OP_GEMM, gemm(1, T, mul(H, d, ok), h), 1);
    add(b, "k_proj", "keys (appended to the KV-cache)", RL_OP_GEMM, gemm(1, T, mul(KV, d, ok), h),
        1);
    add(b, "v_proj", "values (appended to the KV-cache)", RL_OP_GEMM,
        gemm(1, T, mul(KV, d, ok), h), 1);
    if (c->layout.qk_norm) {
        add(b, "q_norm", "per-head norm of the queries", RL_OP_LAYERNORM,
            rows(mul(T, H, ok), d), 1);
        add(b, "k_norm", "per-head norm of the keys", RL_OP_LAYERNORM,
            rows(mul(T, KV, ok), d), 1);
    }
    if (g > 1)
        snprintf(what, sizeof what, "Q.K^T, per KV head: its %lld query heads against one K",
                 (long long)g);
    else
        snprintf(what, sizeof what, "Q.K^T, per head");
    add(b, "attn_scores", what, RL_OP_GEMM, gemm(pairs, group_rows, A, d), 1);
    /* Blocks of `queries` rows against A keys: a prefill's square causal
     * block (a banded one in a sliding window shorter than the prompt), or
     * at decode one row per head that sees every key. */
    rl_shape scores = rows(score_rows, A);
    scores.queries = m->queries == A ? 0 : m->queries;
    add(b, "attn_softmax", "scale + causal mask + softmax of the scores",
        RL_OP_SCALE_MASK_SOFTMAX, scores, 1);
    snprintf(what, sizeof what, "P.V, per KV head%s", g > 1 ? " (shared by its group)" : "");
    add(b, "attn_values", what, RL_OP_GEMM, gemm(pairs, group_rows, d, A), 1);
    add(b, "o_proj", "attention output projection", RL_OP_GEMM, gemm(1, T, h, mul(H, d, ok)), 1);
}

static void add_dense_mlp(builder *b, const rl_llm_config *c, int64_t T, int64_t I,
                          const char *prefix, rl_err *err, rl_status *st)
{
    const int64_t h = c->hidden;
    char role[24];
    if (!c->layout.gated_mlp) {
        if (!c->layout.mlp_bias) {
            *st = rl_fail(err, RL_ERR_INVALID,
                          "%s: an ungated MLP without a bias: the op accounting has bias+GELU, "
                          "not GELU alone",
                          c->origin);
            return;
        }
        add(b, "mlp_fc1", "MLP up projection", RL_OP_GEMM, gemm(1, T, I, h), 1);
        add(b, "mlp_act", "bias + GELU", RL_OP_BIAS_GELU, rows(T, I), 1);
        add(b, "mlp_fc2", "MLP down projection", RL_OP_GEMM, gemm(1, T, h, I), 1);
        return;
    }
    const rl_op act = gated_activation(c);
    snprintf(role, sizeof role, "%sgate_proj", prefix);
    add(b, role, "MLP gate projection", RL_OP_GEMM, gemm(1, T, I, h), 1);
    snprintf(role, sizeof role, "%sup_proj", prefix);
    add(b, role, "MLP up projection", RL_OP_GEMM, gemm(1, T, I, h), 1);
    snprintf(role, sizeof role, "%smlp_act", prefix);
    add(b, role, act == RL_OP_SILU_GATE ? "silu(gate) * up" : "gelu(gate) * up", act, rows(T, I),
        1);
    snprintf(role, sizeof role, "%sdown_proj", prefix);
    add(b, role, "MLP down projection", RL_OP_GEMM, gemm(1, T, h, I), 1);
}

/* The experts: T*k token rows over G = min(E, T*k) experts, r of them with
 * q+1 rows and G-r with q (T*k = G*q + r). */
static void add_experts(builder *b, const rl_llm_config *c, int64_t T, bool *ok)
{
    const rl_llm_layout *l = &c->layout;
    const int64_t h = c->hidden, E = l->experts, Ie = l->expert_intermediate;
    const int64_t routed = mul(T, l->experts_per_token, ok);
    const int64_t G = routed < E ? routed : E;
    if (!*ok || G <= 0)
        return;
    const int64_t q = routed / G, r = routed % G;
    const struct {
        int64_t experts, rows;
    } part[2] = {{G - r, q}, {r, q + 1}};
    char what[96];
    add(b, "router", "router logits", RL_OP_GEMM, gemm(1, T, E, h), 1);
    add(b, "router_softmax", "routing weights (top-k not counted)", RL_OP_SOFTMAX, rows(T, E), 1);
    static const char *const roles[3] = {"expert_gate", "expert_up", "expert_down"};
    for (int w = 0; w < 3; w++) {
        if (w == 2)
            add(b, "expert_act", "silu(gate) * up over the routed rows",
                gated_activation(c), rows(routed, Ie), 1);
        for (int i = 0; i < 2; i++) {
            if (part[i].experts == 0)
                continue;
            snprintf(what, sizeof what, "%lld experts x %lld token rows each",
                     (long long)part[i].experts, (long long)part[i].rows);
            const rl_shape s = w == 2 ? gemm(part[i].experts, part[i].rows, h, Ie)
                                      : gemm(part[i].experts, part[i].rows, Ie, h);
            add(b, roles[w], what, RL_OP_GEMM, s, 1);
        }
    }
}

static rl_status build_layer(const rl_llm_config *c, rl_llm_model_kernels *m, rl_llm_layer *l,
                             rl_err *err)
{
    builder b = {.l = l};
    bool ok = true;
    rl_status st = RL_OK;
    const int64_t T = m->tokens;
    add_norms(&b, c, T);
    add_attention(&b, c, m, l->attended, &ok);
    if (l->moe) {
        if (!c->layout.gated_mlp)
            return rl_fail(err, RL_ERR_INVALID, "%s: an ungated mixture of experts is not in the "
                                                "architecture table", c->origin);
        add_experts(&b, c, T, &ok);
        if (c->layout.shared_intermediate > 0) {
            add_dense_mlp(&b, c, T, c->layout.shared_intermediate, "shared_", err, &st);
            if (c->layout.shared_expert_gate)
                add(&b, "shared_gate", "the shared expert's gate logit (sigmoid not counted)",
                    RL_OP_GEMM, gemm(1, T, 1, c->hidden), 1);
        }
    } else {
        add_dense_mlp(&b, c, T, c->intermediate, "", err, &st);
    }
    RL_TRY(st);
    if (!ok)
        return rl_fail(err, RL_ERR_INVALID, "%s: batch %lld x seq %lld overflows the kernels' "
                                            "64-bit shapes",
                       c->origin, (long long)m->batch, (long long)m->seq);
    if (b.full)
        return rl_fail(err, RL_ERR_INVALID, "%s: more kernels per layer than rooflab keeps",
                       c->origin);
    /* every shape must be one the op accounting takes */
    for (int i = 0; i < l->count; i++) {
        rl_err why;
        if (rl_shape_validate(l->kernels[i].op, RL_PREC_FP16, &l->kernels[i].shape, &why) !=
            RL_OK)
            return rl_fail(err, RL_ERR_INVALID, "%s: %s", l->kernels[i].role, why.msg);
    }
    return RL_OK;
}

rl_status rl_llm_kernels_build(const rl_llm_config *c, rl_llm_phase phase, int64_t batch,
                               int64_t seq, rl_llm_model_kernels *out, rl_err *err)
{
    memset(out, 0, sizeof *out);
    if (batch <= 0 || seq <= 0)
        return rl_fail(err, RL_ERR_INVALID, "batch and seq must be positive");
    if (c->hidden <= 0 || c->layers <= 0 || c->heads <= 0 || c->kv_heads <= 0 ||
        c->head_dim <= 0 || c->intermediate <= 0 || c->vocab <= 0)
        return rl_fail(err, RL_ERR_INVALID, "%s: every dimension must be positive", c->origin);
    if (c->heads % c->kv_heads != 0)
        return rl_fail(err, RL_ERR_INVALID,
                       "%s: %lld heads do not split into groups over %lld KV heads", c->origin,
                       (long long)c->heads, (long long)c->kv_heads);
    const rl_llm_layout *l = &c->layout;
    bool ok = true;
    out->phase = phase;
    out->batch = batch;
    out->seq = seq;
    out->queries = phase == RL_LLM_PREFILL ? seq : 1;
    out->tokens = mul(batch, out->queries, &ok);
    out->group = c->heads / c->kv_heads;
    if (!ok)
        return rl_fail(err, RL_ERR_INVALID, "batch x seq overflows 64 bits");

    /* The kinds of layer: a sliding window matters only when it is shorter
     * than what a query would attend. */
    const int64_t L = c->layers;
    const int64_t window = l->sliding_window;
    const int64_t sliding = (l->sliding_layers > 0 && window > 0 && window < seq)
                                ? l->sliding_layers
                                : 0;
    const int64_t moe = l->experts > 0 ? l->moe_layers : 0;
    if (sliding > L || moe > L)
        return rl_fail(err, RL_ERR_INVALID, "%s: inconsistent layer counts", c->origin);
    if (sliding > 0 && sliding < L && moe > 0 && moe < L)
        return rl_fail(err, RL_ERR_INVALID,
                       "%s: some layers slide and some are sparse, and the config does not say "
                       "which are which: the layer kinds cannot be counted",
                       c->origin);
    layer_kind kind[RL_LLM_LAYER_KINDS];
    int kinds = 0;
    if (sliding > 0) {
        if (L - sliding > 0)
            kind[kinds++] = (layer_kind){L - sliding, false, moe == L};
        kind[kinds++] = (layer_kind){sliding, true, moe == L};
    } else {
        if (L - moe > 0)
            kind[kinds++] = (layer_kind){L - moe, false, false};
        if (moe > 0)
            kind[kinds++] = (layer_kind){moe, false, true};
    }
    for (int i = 0; i < kinds; i++) {
        rl_llm_layer *ly = &out->layer[i];
        ly->layers = kind[i].layers;
        ly->sliding = kind[i].sliding;
        ly->moe = kind[i].moe;
        ly->attended = ly->sliding ? window : seq;
        snprintf(ly->kind, sizeof ly->kind, "%s, %s",
                 ly->sliding ? "sliding-window attention" : "full attention",
                 ly->moe ? "sparse MLP (experts)" : "dense MLP");
        RL_TRY(build_layer(c, out, ly, err));
    }
    out->kinds = kinds;

    out->embedding = (rl_llm_kernel){.op = RL_OP_COPY, .count = 1};
    snprintf(out->embedding.role, sizeof out->embedding.role, "embedding");
    snprintf(out->embedding.what, sizeof out->embedding.what,
             "the new tokens' rows gathered from the table");
    out->embedding.shape = (rl_shape){.count = mul(out->tokens, c->hidden, &ok)};
    out->lm_head = (rl_llm_kernel){.op = RL_OP_GEMM, .count = 1};
    snprintf(out->lm_head.role, sizeof out->lm_head.role, "lm_head");
    snprintf(out->lm_head.what, sizeof out->lm_head.what,
             "logits of %s", phase == RL_LLM_PREFILL ? "each sequence's last position"
                                                     : "each new token");
    out->lm_head.shape = gemm(1, batch, c->vocab, c->hidden);
    if (!ok)
        return rl_fail(err, RL_ERR_INVALID, "batch x seq x hidden overflows 64 bits");
    return RL_OK;
}

double rl_llm_layer_flops(const rl_llm_layer *l)
{
    double f = 0.0;
    for (int i = 0; i < l->count; i++)
        f += l->kernels[i].count * rl_op_flops(l->kernels[i].op, &l->kernels[i].shape);
    return f;
}

double rl_llm_layer_bytes(const rl_llm_layer *l, rl_precision p)
{
    double b = 0.0;
    for (int i = 0; i < l->count; i++)
        b += l->kernels[i].count * rl_op_bytes(l->kernels[i].op, p, &l->kernels[i].shape);
    return b;
}

double rl_llm_model_flops(const rl_llm_model_kernels *m)
{
    double f = rl_op_flops(m->embedding.op, &m->embedding.shape) +
               rl_op_flops(m->lm_head.op, &m->lm_head.shape);
    for (int i = 0; i < m->kinds; i++)
        f += (double)m->layer[i].layers * rl_llm_layer_flops(&m->layer[i]);
    return f;
}

void rl_llm_kernels_excluded(const rl_llm_config *c, char *buf, size_t len)
{
    const rl_llm_layout *l = &c->layout;
    snprintf(buf, len,
             "rotary embeddings, the KV-cache append, sampling%s%s%s%s%s",
             l->qkv_bias || l->o_bias || l->mlp_bias ? ", the projections' bias adds" : "",
             l->lm_head_bias ? ", lm_head's bias" : "",
             l->experts ? ", MoE top-k, routing gather/scatter and the weighted sum of the "
                          "experts' outputs"
                        : "",
             l->shared_expert_gate ? ", the shared expert's sigmoid gate" : "",
             strncmp(l->family, "gemma", 5) == 0 ? ", the embedding scale by sqrt(hidden)" : "");
}
