/* LLM memory plan: weights + KV-cache + activations + reserve against a
 * device's memory.
 *
 * Parameters (Llama-style decoder, no biases; h hidden, d head_dim, H heads,
 * KV key/value heads, I intermediate, V vocab, L layers):
 *   per layer = h*d*(H + 2*KV)   q, k, v projections
 *             + H*d*h            o projection
 *             + 3*h*I            gate, up, down
 *             + 2*h              two RMSNorm gains
 *   total     = L * per layer + V*h (embedding) + V*h (lm_head unless tied) + h (final norm)
 *
 * Weights   = ceil(params * bits(dtype) / 8), int4 at 4.125 bits (one fp16
 *             scale per 128 values).
 * KV-cache  = 2 (K and V) * L * KV * d * bytes(kv dtype) per token, times
 *             batch * seq.
 * Activations: the peak of one prefill of the whole batch at once,
 *             T = batch * seq tokens, a = 2 bytes (fp16/bf16 compute; 4 for
 *             fp32 weights). Inference keeps no activations across layers,
 *             so the peak is inside one layer, where these tensors are live:
 *               attention: x, norm(x), q, k, v, attention output
 *                          = 2h + 2*H*d + 2*KV*d values per token
 *               MLP:       x, norm(x), gate, up, act(gate)*up
 *                          = 2h + 3I values per token
 *             activations = T * max(attention, MLP) * a
 *                         + batch * V * 4        (fp32 logits, last position)
 *                         + 2 * batch * H * seq^2 * a
 *                               (scores and probabilities; only without a
 *                                fused FlashAttention-style kernel, which
 *                                never materialises them)
 *             An engine that prefills in chunks needs less; this is the
 *             one-shot worst case.
 * Reserve    = given by the caller (the runtime reserve, plus the OS share
 *             on a Jetson whose memory is shared with the CPU). */
#include "model/rl_llm.h"

#include <stdio.h>
#include <string.h>

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
        if (name && strcmp(name, dtype_names[i]) == 0) {
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

rl_status rl_llm_param_count(const rl_llm_config *c, uint64_t *params, rl_err *err)
{
    RL_TRY(check_config(c, err));
    const uint64_t h = (uint64_t)c->hidden, d = (uint64_t)c->head_dim, H = (uint64_t)c->heads,
                   KV = (uint64_t)c->kv_heads, I = (uint64_t)c->intermediate,
                   V = (uint64_t)c->vocab, L = (uint64_t)c->layers;
    uint64_t qkv, o, mlp, layer, all, emb, total;
    if (!mul3(h, d, H + 2 * KV, &qkv) || !mul3(H, d, h, &o) || !mul3(3, h, I, &mlp) ||
        !add_u64(qkv, o, &layer) || !add_u64(layer, mlp, &layer) ||
        !add_u64(layer, 2 * h, &layer) || !mul_u64(L, layer, &all) ||
        !mul3(c->tied_embeddings ? 1 : 2, V, h, &emb) || !add_u64(all, emb, &total) ||
        !add_u64(total, h, &total))
        return overflow(err, c, "the parameter count");
    *params = total;
    return RL_OK;
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

static rl_status activation_bytes(const rl_llm_config *c, int64_t batch, int64_t seq,
                                  bool flash, uint64_t act_bytes, uint64_t *out, rl_err *err)
{
    RL_TRY(check_config(c, err));
    if (batch <= 0 || seq <= 0)
        return rl_fail(err, RL_ERR_INVALID, "batch and seq must be positive");
    const uint64_t h = (uint64_t)c->hidden, d = (uint64_t)c->head_dim, H = (uint64_t)c->heads,
                   KV = (uint64_t)c->kv_heads, I = (uint64_t)c->intermediate,
                   V = (uint64_t)c->vocab, b = (uint64_t)batch, s = (uint64_t)seq;
    uint64_t attn, mlp, tokens, peak, logits, total;
    if (!mul_u64(2 * (H + KV), d, &attn) || !add_u64(attn, 2 * h, &attn) ||
        !mul_u64(3, I, &mlp) || !add_u64(mlp, 2 * h, &mlp))
        return overflow(err, c, "the activation estimate");
    const uint64_t per_token = attn > mlp ? attn : mlp;
    if (!mul_u64(b, s, &tokens) || !mul3(tokens, per_token, act_bytes, &peak) ||
        !mul3(b, V, 4, &logits) || !add_u64(peak, logits, &total))
        return overflow(err, c, "the activation estimate");
    if (!flash) {
        uint64_t scores;
        if (!mul3(2 * b, H, s, &scores) || !mul3(scores, s, act_bytes, &scores) ||
            !add_u64(total, scores, &total))
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
    RL_TRY(rl_llm_param_count(c, &p->params, err));
    if (!bytes_of(p->params, r->weights, &p->weights_bytes))
        return overflow(err, c, "the weights");
    RL_TRY(rl_llm_kv_bytes_per_token(c, r->kv, &p->kv_bytes_per_token, err));
    if (!mul3(p->kv_bytes_per_token, (uint64_t)r->batch, (uint64_t)r->seq, &p->kv_cache_bytes))
        return rl_fail(err, RL_ERR_INVALID,
                       "%s: the KV-cache of batch %lld x seq %lld overflows 64-bit byte counts",
                       c->origin, (long long)r->batch, (long long)r->seq);
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
