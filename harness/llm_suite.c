/* The llm suite. A pre-norm Llama layer runs, per token: residual-add +
 * norm, the QKV projection, attention (Q.K^T, scale + mask + softmax, P.V),
 * the output projection, residual-add + norm, the gate/up projection, the
 * SiLU gating and the down projection: every one is measured, the same
 * kernels predict --suite llm predicts (model/llm_layer.c; there q, k, v and
 * gate, up are separate GEMMs of the same total FLOPs). The attention
 * products are batched GEMMs, one per (sequence, KV head), the GQA group's
 * query heads stacked as rows against the K (V) they share. LayerNorm stands
 * in for RMSNorm: the same traffic, a few more FLOPs. */
#include <cJSON.h>
#include <string.h>

#include "harness/rl_llm_suite.h"

rl_status rl_llm_suite_build(const rl_llm_request *req, rl_precision gemm_p, rl_precision row_p,
                             rl_llm_case cases[RL_LLM_CASES], int *count, rl_err *err)
{
    const rl_llm_config *c = &req->config;
    if (req->batch <= 0 || req->seq <= 0)
        return rl_fail(err, RL_ERR_INVALID, "--batch and --seq must be positive");
    if (req->batch > INT64_MAX / req->seq)
        return rl_fail(err, RL_ERR_INVALID, "batch x seq overflows");
    /* The layer's GEMMs are those of a gated, dense MLP; other layouts
     * would be measured with the wrong shapes. */
    if (!c->layout.gated_mlp || c->layout.experts > 0)
        return rl_fail(err, RL_ERR_INVALID,
                       "the llm suite measures a Llama-style layer (gated MLP, no experts); "
                       "%s has %s",
                       c->layout.family,
                       c->layout.experts > 0 ? "a mixture of experts" : "a plain (ungated) MLP");
    if (c->heads % c->kv_heads != 0)
        return rl_fail(err, RL_ERR_INVALID, "%s: %lld heads do not split into groups over %lld "
                                            "KV heads", c->origin, (long long)c->heads,
                       (long long)c->kv_heads);
    const int64_t tokens = req->batch * req->seq;
    const int64_t group = c->heads / c->kv_heads;
    const int64_t qkv = (c->heads + 2 * c->kv_heads) * c->head_dim;
    if (c->heads > INT64_MAX / req->batch || c->heads * req->batch > INT64_MAX / req->seq)
        return rl_fail(err, RL_ERR_INVALID, "batch x heads x seq overflows");
    const int64_t pairs = req->batch * c->kv_heads, rows = group * req->seq;
    const struct {
        const char *role;
        rl_op op;
        rl_precision p;
        rl_shape shape;
        int per_layer;
    } layer[RL_LLM_CASES] = {
        {"residual_norm", RL_OP_RESIDUAL_LAYERNORM, row_p, {.rows = tokens, .cols = c->hidden}, 2},
        {"qkv_proj", RL_OP_GEMM, gemm_p, {.m = tokens, .n = qkv, .k = c->hidden}, 1},
        {"attn_scores", RL_OP_GEMM, gemm_p,
         {.batch = pairs, .m = rows, .n = req->seq, .k = c->head_dim}, 1},
        {"attn_softmax", RL_OP_SCALE_MASK_SOFTMAX, row_p,
         {.rows = req->batch * c->heads * req->seq, .cols = req->seq}, 1},
        {"attn_values", RL_OP_GEMM, gemm_p,
         {.batch = pairs, .m = rows, .n = c->head_dim, .k = req->seq}, 1},
        {"out_proj", RL_OP_GEMM, gemm_p, {.m = tokens, .n = c->hidden, .k = c->heads * c->head_dim},
         1},
        {"mlp_gate_up", RL_OP_GEMM, gemm_p, {.m = tokens, .n = 2 * c->intermediate, .k = c->hidden},
         1},
        {"mlp_act", RL_OP_SILU_GATE, row_p, {.rows = tokens, .cols = c->intermediate}, 1},
        {"mlp_down", RL_OP_GEMM, gemm_p, {.m = tokens, .n = c->hidden, .k = c->intermediate}, 1},
    };
    int n = 0;
    for (int i = 0; i < RL_LLM_CASES; i++) {
        rl_err why;
        if (rl_shape_validate(layer[i].op, layer[i].p, &layer[i].shape, &why) != RL_OK)
            return rl_fail(err, RL_ERR_INVALID, "%s: %s", layer[i].role, why.msg);
        /* Q.K^T and P.V have one shape when seq equals head_dim: one case,
         * run twice per layer, so no case name repeats. */
        bool same = false;
        for (int j = 0; j < n; j++)
            if (cases[j].spec.op == layer[i].op && cases[j].spec.precision == layer[i].p &&
                memcmp(&cases[j].spec.shape, &layer[i].shape, sizeof layer[i].shape) == 0) {
                cases[j].per_layer += layer[i].per_layer;
                cases[j].role = "attn_scores_values";
                same = true;
            }
        if (same)
            continue;
        cases[n].spec = (rl_case_spec){.op = layer[i].op, .precision = layer[i].p,
                                       .shape = layer[i].shape};
        cases[n].role = layer[i].role;
        cases[n].per_layer = layer[i].per_layer;
        n++;
    }
    *count = n;
    return RL_OK;
}

void *rl_llm_summary(const rl_llm_request *req, const rl_llm_case cases[RL_LLM_CASES], int count,
                     const rl_results *results, FILE *out)
{
    const double tokens = (double)req->batch * (double)req->seq;
    double measured = 0.0, predicted = 0.0;
    bool all_measured = true, all_predicted = true;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "model", req->model);
    cJSON_AddNumberToObject(o, "batch", (double)req->batch);
    cJSON_AddNumberToObject(o, "seq", (double)req->seq);
    cJSON_AddNumberToObject(o, "layers", (double)req->config.layers);
    cJSON *parts = cJSON_AddArrayToObject(o, "layer_cases");
    fprintf(out, "\nOne transformer layer of %s at batch %lld, seq %lld (%.0f tokens):\n",
            req->model, (long long)req->batch, (long long)req->seq, tokens);
    fprintf(out, "  %-14s %3s %-52s %13s %13s %8s\n", "kernel", "x", "case", "measured ms",
            "predicted ms", "share");
    double case_ms[RL_LLM_CASES] = {0};
    for (int i = 0; i < count; i++) {
        char name[160];
        rl_case_name(&cases[i].spec, name, sizeof name);
        const rl_case_result *r = NULL;
        for (size_t k = 0; k < results->count; k++)
            if (strcmp(results->cases[k].name, name) == 0)
                r = &results->cases[k];
        const bool ok = r && r->outcome == RL_CASE_OK;
        const bool pred = r && r->predicted.present;
        all_measured &= ok;
        all_predicted &= pred;
        case_ms[i] = ok ? cases[i].per_layer * r->time_s.median * 1e3 : 0.0;
        measured += ok ? cases[i].per_layer * r->time_s.median : 0.0;
        predicted += pred ? cases[i].per_layer * r->predicted.time_s : 0.0;
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "role", cases[i].role);
        cJSON_AddStringToObject(p, "case", name);
        cJSON_AddNumberToObject(p, "per_layer", cases[i].per_layer);
        if (ok)
            cJSON_AddNumberToObject(p, "measured_s", r->time_s.median);
        if (pred)
            cJSON_AddNumberToObject(p, "predicted_s", r->predicted.time_s);
        cJSON_AddItemToArray(parts, p);
    }
    for (int i = 0; i < count; i++) {
        char name[160];
        rl_case_name(&cases[i].spec, name, sizeof name);
        const rl_case_result *r = NULL;
        for (size_t k = 0; k < results->count; k++)
            if (strcmp(results->cases[k].name, name) == 0)
                r = &results->cases[k];
        char m[32] = "-", pr[32] = "-", share[16] = "-";
        if (r && r->outcome == RL_CASE_OK) {
            snprintf(m, sizeof m, "%.3f", case_ms[i]);
            if (measured > 0)
                snprintf(share, sizeof share, "%.0f%%", 100.0 * case_ms[i] / (measured * 1e3));
        }
        if (r && r->predicted.present)
            snprintf(pr, sizeof pr, "%.3f", cases[i].per_layer * r->predicted.time_s * 1e3);
        fprintf(out, "  %-14s %3d %-52s %13s %13s %8s\n", cases[i].role, cases[i].per_layer, name,
                m, pr, share);
    }
    const double layers = (double)req->config.layers;
    if (all_measured && measured > 0) {
        fprintf(out, "  layer: %.3f ms measured", measured * 1e3);
        cJSON_AddNumberToObject(o, "layer_measured_s", measured);
        cJSON_AddNumberToObject(o, "model_measured_s", measured * layers);
        cJSON_AddNumberToObject(o, "prefill_tokens_per_s_measured", tokens / (measured * layers));
    }
    if (all_predicted && predicted > 0) {
        fprintf(out, ", %.3f ms predicted", predicted * 1e3);
        cJSON_AddNumberToObject(o, "layer_predicted_s", predicted);
        cJSON_AddNumberToObject(o, "model_predicted_s", predicted * layers);
        cJSON_AddNumberToObject(o, "prefill_tokens_per_s_predicted", tokens / (predicted * layers));
    }
    fprintf(out, "\n");
    if (all_measured && measured > 0)
        fprintf(out, "  x %lld layers: %.3f s per prefill, %.0f tokens/s measured%s\n",
                (long long)req->config.layers, measured * layers, tokens / (measured * layers),
                all_predicted && predicted > 0 ? "" : " (no prediction)");
    if (all_predicted && predicted > 0)
        fprintf(out, "  predicted: %.3f s per prefill, %.0f tokens/s\n", predicted * layers,
                tokens / (predicted * layers));
    fprintf(out, "  (not measured: rotary embeddings, the embedding and lm_head; rooflab "
                 "predict --suite llm predicts them)\n");
    return o;
}
