/* LLM memory plan: weights + KV-cache + activations + reserve against a
 * device's memory.
 *
 * Parameters (h hidden, d head_dim, H heads, KV key/value heads, I
 * intermediate, V vocab, L layers; the layout from arch_table.c):
 *   attention = h*d*(H + 2*KV) + H*d*h          q, k, v, o projections
 *             + (H + 2*KV)*d   with q/k/v biases, + h with an o bias
 *             + 2 * norm(d)    with per-head q/k norms (Qwen3, Gemma 3, Phi)
 *   mlp(I)    = 3*h*I (gated: gate, up, down)  or  2*h*I (fc1, fc2)
 *             + 2*I + h (gated) or I + h (plain)  with MLP biases
 *   moe       = h*E (router) + E * mlp(Ie) + [mlp(Is) + h (shared expert and its gate)]
 *   layer     = attention + (mlp(I) or moe) + norms_per_layer * norm(h)
 *   total     = sum of layers + V*h (embedding) + V*h (lm_head unless tied)
 *             + V (lm_head bias, Phi) + norm(h) (final norm)
 *   norm(w)   = w (RMSNorm), 2w (LayerNorm with bias), 0 (OLMo's, no parameters)
 *   active    = the same with k = experts per token in place of E in the
 *               experts' term (the router stays whole)
 *
 * Weights   = ceil(params * bits(dtype) / 8), int4 at 4.125 bits (one fp16
 *             scale per 128 values).
 * KV-cache  = 2 (K and V) * KV * d * bytes(kv dtype) per layer and token,
 *             times batch * (full layers * seq + sliding layers * min(seq,
 *             window)): a sliding-window layer keeps at most the window.
 * Activations: the peak of one prefill of the whole batch at once,
 *             T = batch * seq tokens, a = 2 bytes (fp16/bf16 compute; 4 for
 *             fp32 weights). Inference keeps no activations across layers,
 *             so the peak is inside one layer, where these tensors are live:
 *               attention: x, norm(x), q, k, v, attention output
 *                          = 2h + 2*H*d + 2*KV*d values per token
 *               MLP:       x, norm(x), gate, up, act(gate)*up = 2h + 3I (gated)
 *                          x, norm(x), fc1, act(fc1)          = 2h + 2I (plain)
 *                          MoE: I -> k*Ie + Is, plus E router logits
 *             activations = T * max(attention, MLP) * a
 *                         + batch * V * 4        (fp32 logits, last position)
 *             and without a fused FlashAttention-style kernel (eager):
 *                         + batch * H * seq^2 * (a + 4 + a)
 *                               (the scores in a, the softmax that eager
 *                                implementations compute in fp32, and its
 *                                cast back to a; 2a when a is already fp32)
 *                         + 2 * T * H * d * a   (K and V repeated to H heads
 *                                                when KV < H)
 *             An engine that prefills in chunks needs less; this is the
 *             one-shot worst case.
 * Reserve    = given by the caller (the runtime reserve, plus the OS share
 *             on a Jetson whose memory is shared with the CPU). */
#include "model/rl_llm.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- overflow-checked uint64 arithmetic ---------------------------------- */

static bool mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    if (a != 0 && b > UINT64_MAX / a)
        return false;
    *out = a * b;
    return true;
}

static bool add_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    if (b > UINT64_MAX - a)
        return false;
    *out = a + b;
    return true;
}

/* a * b * c ... as a chain; false on overflow. */
static bool mul3(uint64_t a, uint64_t b, uint64_t c, uint64_t *out)
{
    uint64_t t;
    return mul_u64(a, b, &t) && mul_u64(t, c, out);
}

/* ---- dtypes -------------------------------------------------------------- */

static const char *const dtype_names[RL_LLM_DTYPE_COUNT] = {
    [RL_LLM_FP32] = "fp32", [RL_LLM_FP16] = "fp16", [RL_LLM_BF16] = "bf16",
    [RL_LLM_FP8] = "fp8",   [RL_LLM_INT8] = "int8", [RL_LLM_INT4] = "int4",
};

const char *rl_llm_dtype_name(rl_llm_dtype t)
{
    return (t >= 0 && t < RL_LLM_DTYPE_COUNT) ? dtype_names[t] : "?";
}

rl_status rl_llm_dtype_parse(const char *name, rl_llm_dtype *t, rl_err *err)
{
    for (int i = 0; i < RL_LLM_DTYPE_COUNT; i++)
        if (name && strcasecmp(name, dtype_names[i]) == 0) {
            *t = (rl_llm_dtype)i;
            return RL_OK;
        }
    return rl_fail(err, RL_ERR_INVALID,
                   "unknown dtype '%s' (known: fp32, fp16, bf16, fp8, int8, int4)",
                   name ? name : "");
}

uint64_t rl_llm_dtype_bits_per_128(rl_llm_dtype t)
{
    switch (t) {
    case RL_LLM_FP32: return 128 * 32;
    case RL_LLM_FP16:
    case RL_LLM_BF16: return 128 * 16;
    case RL_LLM_FP8:
    case RL_LLM_INT8: return 128 * 8;
    case RL_LLM_INT4: return 128 * 4 + 16; /* + one fp16 scale per group of 128 */
    default: return 0;
    }
}

/* ceil(count * bits_per_128 / (128 * 8)) */
static bool bytes_of(uint64_t count, rl_llm_dtype t, uint64_t *out)
{
    const uint64_t bits = rl_llm_dtype_bits_per_128(t);
    if (bits == 0)
        return false;
    /* count * bits may overflow where the result would not: split count. */
    const uint64_t q = count / 1024, r = count % 1024;
    uint64_t hi, lo = (r * bits + 1023) / 1024;
    if (!mul_u64(q, bits, &hi))
        return false;
    return add_u64(hi, lo, out);
}

static rl_status check_config(const rl_llm_config *c, rl_err *err)
{
    if (c->hidden <= 0 || c->layers <= 0 || c->heads <= 0 || c->kv_heads <= 0 ||
        c->head_dim <= 0 || c->intermediate <= 0 || c->vocab <= 0)
        return rl_fail(err, RL_ERR_INVALID, "%s: every dimension must be positive", c->origin);
    return RL_OK;
}

static rl_status overflow(rl_err *err, const rl_llm_config *c, const char *what)
{
    return rl_fail(err, RL_ERR_INVALID, "%s: %s overflows 64-bit byte counts", c->origin, what);
}

/* ---- the counts ---------------------------------------------------------- */

/* Parameters of one norm over `width` values. */
static uint64_t norm_params(rl_llm_norm n, uint64_t width)
{
    return n == RL_LLM_NORM_RMS ? width : n == RL_LLM_NORM_LAYER ? 2 * width : 0;
}

/* One MLP of intermediate width I; false on overflow. */
static bool mlp_params(const rl_llm_layout *l, uint64_t h, uint64_t I, uint64_t *out)
{
    uint64_t w;
    if (!mul3(l->gated_mlp ? 3 : 2, h, I, &w))
        return false;
    const uint64_t bias = l->mlp_bias ? (l->gated_mlp ? 2 * I : I) + h : 0;
    return add_u64(w, bias, out);
}

/* The sparse block with `experts` of them counted; false on overflow. */
static bool moe_params(const rl_llm_layout *l, uint64_t h, uint64_t experts, uint64_t *out)
{
    uint64_t one, all, router, shared = 0;
    if (!mlp_params(l, h, (uint64_t)l->expert_intermediate, &one) ||
        !mul_u64(experts, one, &all) || !mul_u64(h, (uint64_t)l->experts, &router))
        return false;
    if (l->shared_intermediate &&
        (!mlp_params(l, h, (uint64_t)l->shared_intermediate, &shared) ||
         !add_u64(shared, l->shared_expert_gate ? h : 0, &shared)))
        return false;
    return add_u64(all, router, out) && add_u64(*out, shared, out);
}

rl_status rl_llm_param_counts(const rl_llm_config *c, uint64_t *total, uint64_t *active,
                              rl_err *err)
{
    RL_TRY(check_config(c, err));
    const rl_llm_layout *l = &c->layout;
    const uint64_t h = (uint64_t)c->hidden, d = (uint64_t)c->head_dim, H = (uint64_t)c->heads,
                   KV = (uint64_t)c->kv_heads, I = (uint64_t)c->intermediate,
                   V = (uint64_t)c->vocab, L = (uint64_t)c->layers;
    const uint64_t moe_layers = (uint64_t)l->moe_layers;
    if (moe_layers > L || (moe_layers && l->experts <= 0))
        return rl_fail(err, RL_ERR_INVALID, "%s: inconsistent mixture-of-experts layout",
                       c->origin);
    uint64_t qkv, o, attn, extra, dense, moe_all, moe_active, dense_total, moe_total,
        active_total, emb, head, sum, act_sum;
    /* biases and norms: each at most a few times 2^62 for 2^31 dimensions */
    uint64_t qkv_b = 0, qk_n = 0, norms = 0;
    if ((l->qkv_bias && !mul_u64(H + 2 * KV, d, &qkv_b)) ||
        !mul_u64(l->qk_norm ? 2 : 0, norm_params(l->norm, d), &qk_n) ||
        !mul_u64((uint64_t)l->norms_per_layer, norm_params(l->norm, h), &norms) ||
        !add_u64(qkv_b, qk_n, &extra) || !add_u64(extra, norms, &extra) ||
        !add_u64(extra, l->o_bias ? h : 0, &extra))
        return overflow(err, c, "the parameter count");
    if (!mul3(h, d, H + 2 * KV, &qkv) || !mul3(H, d, h, &o) || !add_u64(qkv, o, &attn) ||
        !add_u64(attn, extra, &attn) || !mlp_params(l, h, I, &dense) ||
        !add_u64(dense, attn, &dense) || !mul_u64(L - moe_layers, dense, &dense_total))
        return overflow(err, c, "the parameter count");
    moe_total = active_total = 0;
    if (moe_layers) {
        if (!moe_params(l, h, (uint64_t)l->experts, &moe_all) ||
            !moe_params(l, h, (uint64_t)l->experts_per_token, &moe_active) ||
            !add_u64(moe_all, attn, &moe_all) || !add_u64(moe_active, attn, &moe_active) ||
            !mul_u64(moe_layers, moe_all, &moe_total) ||
            !mul_u64(moe_layers, moe_active, &active_total))
            return overflow(err, c, "the parameter count");
    }
    if (!mul3(c->tied_embeddings ? 1 : 2, V, h, &emb))
        return overflow(err, c, "the parameter count");
    head = (l->lm_head_bias ? V : 0) + norm_params(l->norm, h);
    if (!add_u64(emb, head, &emb) || !add_u64(dense_total, emb, &sum) ||
        !add_u64(sum, moe_total, &sum) || !add_u64(dense_total, emb, &act_sum) ||
        !add_u64(act_sum, active_total, &act_sum))
        return overflow(err, c, "the parameter count");
    *total = sum;
    if (active)
        *active = act_sum;
    return RL_OK;
}

rl_status rl_llm_param_count(const rl_llm_config *c, uint64_t *params, rl_err *err)
{
    return rl_llm_param_counts(c, params, NULL, err);
}

rl_status rl_llm_kv_bytes_per_token(const rl_llm_config *c, rl_llm_dtype kv, uint64_t *bytes,
                                    rl_err *err)
{
    RL_TRY(check_config(c, err));
    uint64_t values;
    if (!mul3(2 * (uint64_t)c->layers, (uint64_t)c->kv_heads, (uint64_t)c->head_dim, &values) ||
        !bytes_of(values, kv, bytes))
        return overflow(err, c, "the KV-cache per token");
    return RL_OK;
}

/* Values per token live in the MLP (or the sparse block) at its peak. */
static bool mlp_live_values(const rl_llm_layout *l, uint64_t h, uint64_t I, bool moe,
                            uint64_t *out)
{
    uint64_t width = I, extra = 0;
    if (moe) {
        if (!mul_u64((uint64_t)l->experts_per_token, (uint64_t)l->expert_intermediate, &width) ||
            !add_u64(width, (uint64_t)l->shared_intermediate, &width))
            return false;
        extra = (uint64_t)l->experts; /* router logits */
    }
    return mul_u64(l->gated_mlp ? 3 : 2, width, out) && add_u64(*out, 2 * h + extra, out);
}

static rl_status activation_bytes(const rl_llm_config *c, int64_t batch, int64_t seq,
                                  bool flash, uint64_t act_bytes, uint64_t *out, rl_err *err)
{
    RL_TRY(check_config(c, err));
    if (batch <= 0 || seq <= 0)
        return rl_fail(err, RL_ERR_INVALID, "batch and seq must be positive");
    const rl_llm_layout *l = &c->layout;
    const uint64_t h = (uint64_t)c->hidden, d = (uint64_t)c->head_dim, H = (uint64_t)c->heads,
                   KV = (uint64_t)c->kv_heads, I = (uint64_t)c->intermediate,
                   V = (uint64_t)c->vocab, b = (uint64_t)batch, s = (uint64_t)seq;
    uint64_t attn, mlp = 0, moe = 0, tokens, peak, logits, total;
    if (!mul_u64(2 * (H + KV), d, &attn) || !add_u64(attn, 2 * h, &attn) ||
        (l->moe_layers < c->layers && !mlp_live_values(l, h, I, false, &mlp)) ||
        (l->moe_layers > 0 && !mlp_live_values(l, h, I, true, &moe)))
        return overflow(err, c, "the activation estimate");
    uint64_t per_token = attn > mlp ? attn : mlp;
    per_token = per_token > moe ? per_token : moe;
    if (!mul_u64(b, s, &tokens) || !mul3(tokens, per_token, act_bytes, &peak) ||
        !mul3(b, V, 4, &logits) || !add_u64(peak, logits, &total))
        return overflow(err, c, "the activation estimate");
    if (!flash) {
        /* eager: scores (a), their softmax in fp32 (4) and its cast back
         * (a) are live together; fp32 compute needs no cast. */
        const uint64_t per_score = act_bytes == 4 ? 8 : 2 * act_bytes + 4;
        uint64_t scores, repeated = 0;
        if (!mul3(b, H, s, &scores) || !mul3(scores, s, per_score, &scores) ||
            !add_u64(total, scores, &total) ||
            (KV < H && (!mul3(2 * tokens, H, d, &repeated) ||
                        !mul_u64(repeated, act_bytes, &repeated))) ||
            !add_u64(total, repeated, &total))
            return overflow(err, c, "the attention scores");
    }
    *out = total;
    return RL_OK;
}

rl_status rl_llm_activation_bytes(const rl_llm_config *c, int64_t batch, int64_t seq,
                                  bool flash_attention, uint64_t *bytes, rl_err *err)
{
    return activation_bytes(c, batch, seq, flash_attention, 2, bytes, err);
}

/* The KV-cache of batch x seq: every layer holds seq tokens, a
 * sliding-window layer at most its window. */
static rl_status kv_cache_bytes(const rl_llm_config *c, const rl_llm_plan_request *r,
                                uint64_t per_token, uint64_t *out, rl_err *err)
{
    const rl_llm_layout *l = &c->layout;
    const uint64_t b = (uint64_t)r->batch, s = (uint64_t)r->seq;
    bool ok;
    if (l->sliding_layers == 0 || l->sliding_window <= 0 || s <= (uint64_t)l->sliding_window) {
        ok = mul3(per_token, b, s, out);
    } else {
        const uint64_t L = (uint64_t)c->layers, Ls = (uint64_t)l->sliding_layers;
        const uint64_t w = (uint64_t)l->sliding_window;
        uint64_t per_layer_token, tokens_full, tokens_window, layer_tokens;
        ok = mul3(2, (uint64_t)c->kv_heads, (uint64_t)c->head_dim, &per_layer_token) &&
             bytes_of(per_layer_token, r->kv, &per_layer_token) &&
             mul_u64(L - Ls, s, &tokens_full) && mul_u64(Ls, w, &tokens_window) &&
             add_u64(tokens_full, tokens_window, &layer_tokens) &&
             mul3(per_layer_token, layer_tokens, b, out);
    }
    if (!ok)
        return rl_fail(err, RL_ERR_INVALID,
                       "%s: the KV-cache of batch %lld x seq %lld overflows 64-bit byte counts",
                       c->origin, (long long)r->batch, (long long)r->seq);
    return RL_OK;
}

rl_status rl_llm_total_bytes(const rl_llm_config *c, const rl_llm_plan_request *r,
                             rl_llm_plan *p, rl_err *err)
{
    memset(p, 0, sizeof *p);
    if (r->batch <= 0)
        return rl_fail(err, RL_ERR_INVALID, "batch must be a positive integer");
    if (r->seq <= 0)
        return rl_fail(err, RL_ERR_INVALID, "seq must be a positive integer");
    if (r->weights < 0 || r->weights >= RL_LLM_DTYPE_COUNT || r->kv < 0 ||
        r->kv >= RL_LLM_DTYPE_COUNT)
        return rl_fail(err, RL_ERR_INVALID, "unknown dtype");
    RL_TRY(rl_llm_param_counts(c, &p->params, &p->active_params, err));
    if (!bytes_of(p->params, r->weights, &p->weights_bytes))
        return overflow(err, c, "the weights");
    RL_TRY(rl_llm_kv_bytes_per_token(c, r->kv, &p->kv_bytes_per_token, err));
    RL_TRY(kv_cache_bytes(c, r, p->kv_bytes_per_token, &p->kv_cache_bytes, err));
    const uint64_t act = r->weights == RL_LLM_FP32 ? 4 : 2;
    RL_TRY(activation_bytes(c, r->batch, r->seq, r->flash_attention, act, &p->activation_bytes,
                            err));
    p->reserve_bytes = r->reserve_bytes;
    p->capacity_bytes = r->capacity_bytes;
    if (!add_u64(p->weights_bytes, p->kv_cache_bytes, &p->total_bytes) ||
        !add_u64(p->total_bytes, p->activation_bytes, &p->total_bytes) ||
        !add_u64(p->total_bytes, p->reserve_bytes, &p->total_bytes))
        return overflow(err, c, "the total");
    p->fits = p->total_bytes <= p->capacity_bytes;
    return RL_OK;
}

/* Whether batch x seq fits; an overflowing plan does not. */
static bool fits_at(const rl_llm_config *c, const rl_llm_plan_request *base, int64_t batch,
                    int64_t seq)
{
    rl_llm_plan_request r = *base;
    r.batch = batch;
    r.seq = seq;
    rl_llm_plan p;
    return rl_llm_total_bytes(c, &r, &p, NULL) == RL_OK && p.fits;
}

#define SEARCH_LIMIT ((int64_t)1 << 40)

/* The largest x in [1, SEARCH_LIMIT] with fits(x) (monotone), or 0. */
static int64_t search(const rl_llm_config *c, const rl_llm_plan_request *r, bool over_batch)
{
#define FITS(x) (over_batch ? fits_at(c, r, (x), r->seq) : fits_at(c, r, r->batch, (x)))
    if (!FITS(1))
        return 0;
    int64_t lo = 1, hi = 2; /* FITS(lo), hi unknown */
    while (hi <= SEARCH_LIMIT && FITS(hi)) {
        lo = hi;
        hi *= 2;
    }
    if (hi > SEARCH_LIMIT)
        return lo;
    while (hi - lo > 1) { /* FITS(lo), !FITS(hi) */
        const int64_t mid = lo + (hi - lo) / 2;
        if (FITS(mid))
            lo = mid;
        else
            hi = mid;
    }
    return lo;
#undef FITS
}

rl_status rl_llm_plan_compute(const rl_llm_config *c, const rl_llm_plan_request *r,
                              rl_llm_plan *out, rl_err *err)
{
    RL_TRY(rl_llm_total_bytes(c, r, out, err));
    out->max_batch_at_seq = search(c, r, true);
    out->max_seq_at_batch = search(c, r, false);
    return RL_OK;
}
