/* rooflab predict --suite llm: every kernel of one decoder layer of a model
 * on a catalog device, at prefill or decode, predicted on the roofline; the
 * layer, the model and tokens/s; the memory plan's verdict in front, and a
 * refusal when the model does not fit, as `run --suite llm` refuses.
 * The kernels are model/llm_layer.c's; FLOPs and bytes come from the op
 * accounting (model/ops.c), times from rl_predict_case. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "devices/rl_catalog.h"
#include "harness/cli.h"
#include "harness/rl_cli_util.h"
#include "harness/rl_llm_target.h"
#include "model/rl_llm.h"
#include "model/rl_llm_layer.h"
#include "model/rl_roofline.h"
#include "report/rl_results.h"

static const char usage[] =
    "usage: rooflab predict --suite llm --model NAME|PATH --device ID[@MODE] [--power-mode M]\n"
    "                       --batch B --seq S [--phase prefill|decode] [--dtype fp16|bf16|int8]\n"
    "                       [--out DIR] [--json]\n"
    "\n"
    "Every kernel of one decoder layer of the model on a catalog device, predicted on\n"
    "the roofline: shape, FLOPs and bytes (docs/op-accounting.md), intensity, binding\n"
    "roof and time; the layer, the whole model (layers + embedding + lm_head) and\n"
    "tokens/s. The memory verdict of `rooflab fit` comes first; a model that does not\n"
    "fit is refused, as `rooflab run --suite llm` refuses it.\n"
    "  --model    a shipped config (model/configs: llama-3-8b, mixtral-8x7b, gemma-2-2b, ...)\n"
    "             or a path to a Hugging Face config.json\n"
    "  --device   a catalog id (h100-sxm5, orin-nx-16gb, ...; see rooflab devices)\n"
    "  --power-mode  Jetson only: nvpmodel mode name or id (default: the default mode)\n"
    "  --batch    sequences\n"
    "  --seq      prefill: the prompt's tokens; decode: the KV-cache's tokens, against\n"
    "             which one new token per sequence is generated\n"
    "  --phase    prefill (default) or decode\n"
    "  --dtype    fp16 or bf16 weights, activations and KV-cache (default: bf16 for\n"
    "             bfloat16 checkpoints, else fp16, as run --suite llm), or int8: W8A8\n"
    "             (int8 weight GEMMs; attention, norms and KV-cache in the 16-bit type)\n"
    "  --out DIR  also write DIR/llm_prediction.json and DIR/llm_prediction.txt\n"
    "  --json     one JSON object on stdout\n"
    "Units: SI (GB = 1e9 B, TFLOP/s = 1e12 FLOP/s). Peaks are dense. Exit status: 0, or\n"
    "2 for bad input or a model that does not fit.\n";

typedef struct llm_options {
    const char *model, *device, *mode, *phase, *dtype, *out;
    int64_t batch, seq;
    bool json;
} llm_options;

bool rl_cli_predict_is_llm(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--suite") == 0 || strncmp(argv[i], "--suite=", 8) == 0)
            return true;
    return false;
}

static rl_status parse(int argc, char **argv, llm_options *o, bool *help, rl_err *err)
{
    static const struct option longopts[] = {
        {"suite", required_argument, NULL, 'S'},  {"model", required_argument, NULL, 'M'},
        {"device", required_argument, NULL, 'd'}, {"power-mode", required_argument, NULL, 'P'},
        {"batch", required_argument, NULL, 'b'},  {"seq", required_argument, NULL, 's'},
        {"phase", required_argument, NULL, 'f'},  {"dtype", required_argument, NULL, 't'},
        {"out", required_argument, NULL, 'o'},    {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    *o = (llm_options){.phase = "prefill"};
    *help = false;
    optind = 1;
    opterr = 0;
    int c;
    const char *suite = NULL;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'S': suite = optarg; break;
        case 'M': o->model = optarg; break;
        case 'd': o->device = optarg; break;
        case 'P': o->mode = optarg; break;
        case 'f': o->phase = optarg; break;
        case 't': o->dtype = optarg; break;
        case 'o': o->out = optarg; break;
        case 'j': o->json = true; break;
        case 'b': RL_TRY(rl_cli_parse_i64(optarg, "--batch", 1, INT64_MAX, &o->batch, err)); break;
        case 's': RL_TRY(rl_cli_parse_i64(optarg, "--seq", 1, INT64_MAX, &o->seq, err)); break;
        case 'h': *help = true; return RL_OK;
        case ':': return rl_fail(err, RL_ERR_INVALID, "%s needs a value", argv[optind - 1]);
        default:
            return rl_fail(err, RL_ERR_INVALID, "'%s' is not an option of predict --suite llm",
                           argv[optind - 1]);
        }
    }
    if (optind < argc)
        return rl_fail(err, RL_ERR_INVALID, "unexpected argument '%s'", argv[optind]);
    if (!suite || strcmp(suite, "llm") != 0)
        return rl_fail(err, RL_ERR_INVALID, "predict knows one suite, llm (got '%s')",
                       suite ? suite : "");
    if (!o->model)
        return rl_fail(err, RL_ERR_INVALID, "--model is required");
    if (!o->device)
        return rl_fail(err, RL_ERR_INVALID, "--device ID is required (a catalog id)");
    if (!o->batch)
        return rl_fail(err, RL_ERR_INVALID, "--batch is required");
    if (!o->seq)
        return rl_fail(err, RL_ERR_INVALID, "--seq is required");
    return RL_OK;
}

/* Everything one prediction needs, resolved. */
typedef struct llm_setup {
    const rl_catalog_entry *entry;
    const rl_power_mode *mode;
    rl_machine machine;
    rl_llm_config cfg;
    rl_llm_phase phase;
    rl_llm_dtype dtype, kv;     /* weights; KV-cache */
    rl_precision precision;     /* activations, attention, row ops */
    rl_precision weight_gemm;   /* GEMMs against weights (int8 with --dtype int8) */
    rl_llm_plan plan;
} llm_setup;

/* The predictions of one model's kernels at one batch. */
typedef struct layer_prediction {
    rl_case_prediction k[RL_LLM_LAYER_MAX_KERNELS];
    double time_s, flops, bytes; /* one layer: every kernel x its count */
} layer_prediction;

typedef struct model_prediction {
    rl_llm_model_kernels kernels;
    layer_prediction layer[RL_LLM_LAYER_KINDS];
    rl_case_prediction embedding, lm_head;
    double time_s, flops;
    double proj_flops, proj_bytes; /* the weight GEMMs: projections, MLP, experts */
    double attn_flops, attn_bytes; /* Q.K^T and P.V */
    double memory_bound_s;         /* time in memory-bound kernels */
} model_prediction;

static bool is_attention_product(const rl_llm_kernel *k)
{
    return strcmp(k->role, "attn_scores") == 0 || strcmp(k->role, "attn_values") == 0;
}

/* The precision a kernel runs at: weight GEMMs at the weights' type,
 * everything else at the activations'. */
static rl_precision kernel_precision(const llm_setup *s, const rl_llm_kernel *k)
{
    return k->op == RL_OP_GEMM && !is_attention_product(k) ? s->weight_gemm : s->precision;
}

static rl_status predict_model(const llm_setup *s, int64_t batch, int64_t seq,
                               model_prediction *mp, rl_err *err)
{
    memset(mp, 0, sizeof *mp);
    RL_TRY(rl_llm_kernels_build(&s->cfg, s->phase, batch, seq, &mp->kernels, err));
    const rl_llm_model_kernels *mk = &mp->kernels;
    for (int i = 0; i < mk->kinds; i++) {
        const rl_llm_layer *l = &mk->layer[i];
        layer_prediction *lp = &mp->layer[i];
        for (int j = 0; j < l->count; j++) {
            const rl_llm_kernel *k = &l->kernels[j];
            rl_err why;
            if (rl_predict_case(&s->machine, k->op, kernel_precision(s, k), &k->shape, &lp->k[j],
                                &why) !=
                RL_OK)
                return rl_fail(err, RL_ERR_INVALID, "%s (%s): %s", k->role, rl_op_name(k->op),
                               why.msg);
            const double t = k->count * lp->k[j].predicted_time_s;
            lp->time_s += t;
            lp->flops += k->count * lp->k[j].flops;
            lp->bytes += k->count * lp->k[j].bytes;
            const double per_model = (double)l->layers * k->count;
            if (lp->k[j].bound == RL_BOUND_MEMORY)
                mp->memory_bound_s += (double)l->layers * t;
            if (k->op == RL_OP_GEMM && is_attention_product(k)) {
                mp->attn_flops += per_model * lp->k[j].flops;
                mp->attn_bytes += per_model * lp->k[j].bytes;
            } else if (k->op == RL_OP_GEMM) {
                mp->proj_flops += per_model * lp->k[j].flops;
                mp->proj_bytes += per_model * lp->k[j].bytes;
            }
        }
        mp->time_s += (double)l->layers * lp->time_s;
    }
    RL_TRY(rl_predict_case(&s->machine, mk->embedding.op, s->precision, &mk->embedding.shape,
                           &mp->embedding, err));
    RL_TRY(rl_predict_case(&s->machine, mk->lm_head.op, kernel_precision(s, &mk->lm_head),
                           &mk->lm_head.shape,
                           &mp->lm_head, err));
    mp->time_s += mp->embedding.predicted_time_s + mp->lm_head.predicted_time_s;
    mp->memory_bound_s += (mp->embedding.bound == RL_BOUND_MEMORY
                               ? mp->embedding.predicted_time_s : 0.0) +
                          (mp->lm_head.bound == RL_BOUND_MEMORY ? mp->lm_head.predicted_time_s
                                                                : 0.0);
    mp->flops = rl_llm_model_flops(mk);
    return RL_OK;
}

/* New tokens per second of the phase: every token of the prompts at
 * prefill, one per sequence at decode. */
static double tokens_per_s(const model_prediction *mp)
{
    return mp->time_s > 0 ? (double)mp->kernels.tokens / mp->time_s : 0.0;
}

/* ---- text ---------------------------------------------------------------- */

static void print_kernel_row(FILE *f, const llm_setup *s, const rl_llm_kernel *k,
                             const rl_case_prediction *r, double layer_s)
{
    char shape[96], t[32];
    rl_shape_format(k->op, &k->shape, shape, sizeof shape);
    fprintf(f, "  %-15s %-18s %-4s %-34s %2d %11.4g %11.4g %8.3g  %-12s %11s %6.1f%%\n", k->role,
            rl_op_name(k->op), rl_precision_name(kernel_precision(s, k)), shape, k->count, r->flops / 1e9, r->bytes / 1e6, r->intensity,
            r->binding_roof, rl_cli_time_text(k->count * r->predicted_time_s, t, sizeof t),
            layer_s > 0 ? 100.0 * k->count * r->predicted_time_s / layer_s : 0.0);
}

static void print_fit(FILE *f, const llm_setup *s, const llm_options *o)
{
    const rl_llm_plan *p = &s->plan;
    fprintf(f,
            "Fit (as rooflab fit, %s weights, %s KV-cache, flash attention): FITS - weights "
            "%.3f GB + KV-cache %.3f GB + activations %.3f GB + reserve %.3f GB = %.3f GB of "
            "%.3f GB\n",
            rl_llm_dtype_name(s->dtype), rl_llm_dtype_name(s->kv), p->weights_bytes / 1e9, p->kv_cache_bytes / 1e9,
            p->activation_bytes / 1e9, p->reserve_bytes / 1e9, p->total_bytes / 1e9,
            p->capacity_bytes / 1e9);
    fprintf(f, "     largest batch at seq %lld: %lld; longest seq at batch %lld: %lld\n",
            (long long)o->seq, (long long)p->max_batch_at_seq, (long long)o->batch,
            (long long)p->max_seq_at_batch);
}

static void print_decode_sweep(FILE *f, const llm_setup *s, const llm_options *o)
{
    fprintf(f, "\nWhy decode is memory-bound, and how batch moves it (KV-cache of %lld tokens "
               "per sequence):\n",
            (long long)o->seq);
    fprintf(f, "  each step reads every weight once for `batch` new tokens: a weight GEMM's "
               "intensity is about 2 x batch / %zu FLOP/B (%zu-byte weights)\n",
            rl_dtype_size(rl_input_dtype(s->weight_gemm)),
            rl_dtype_size(rl_input_dtype(s->weight_gemm)));
    fprintf(f, "  while each sequence reads its own KV-cache: the attention products stay near "
               "the GQA group (%lld) FLOP/B at any batch\n",
            (long long)(s->cfg.heads / s->cfg.kv_heads));
    fprintf(f, "  %7s %14s %14s %12s %14s %12s %6s\n", "batch", "weights FLOP/B",
            "attn FLOP/B", "step ms", "tokens/s", "memory-bound", "fits");
    int64_t batches[16];
    int n = 0;
    for (int64_t b = 1; b <= 256 && n < 12; b *= 4)
        batches[n++] = b;
    bool have = false;
    for (int i = 0; i < n; i++)
        have |= batches[i] == o->batch;
    if (!have) {
        int i = n++;
        while (i > 0 && batches[i - 1] > o->batch) {
            batches[i] = batches[i - 1];
            i--;
        }
        batches[i] = o->batch;
    }
    for (int i = 0; i < n; i++) {
        model_prediction *mp = malloc(sizeof *mp);
        rl_err err;
        if (!mp)
            return;
        if (predict_model(s, batches[i], o->seq, mp, &err) != RL_OK) {
            fprintf(f, "  %7lld  %s\n", (long long)batches[i], err.msg);
            free(mp);
            continue;
        }
        rl_llm_plan_request r = {.batch = batches[i], .seq = o->seq, .weights = s->dtype,
                                 .kv = s->kv, .flash_attention = true,
                                 .capacity_bytes = s->plan.capacity_bytes,
                                 .reserve_bytes = s->plan.reserve_bytes};
        rl_llm_plan p;
        const bool fits = rl_llm_total_bytes(&s->cfg, &r, &p, NULL) == RL_OK && p.fits;
        fprintf(f, "  %7lld %14.3g %14.3g %12.4g %14.4g %11.0f%% %6s%s\n", (long long)batches[i],
                mp->proj_bytes > 0 ? mp->proj_flops / mp->proj_bytes : 0.0,
                mp->attn_bytes > 0 ? mp->attn_flops / mp->attn_bytes : 0.0, mp->time_s * 1e3,
                tokens_per_s(mp), mp->time_s > 0 ? 100.0 * mp->memory_bound_s / mp->time_s : 0.0,
                fits ? "yes" : "no", batches[i] == o->batch ? "   <- this run" : "");
        free(mp);
    }
}

static void print_text(FILE *f, const llm_setup *s, const llm_options *o,
                       const model_prediction *mp)
{
    const rl_llm_model_kernels *mk = &mp->kernels;
    const rl_catalog_entry *e = s->entry;
    char a[32], b[32], c[32];
    fprintf(f, "Prediction: %s at %s, batch %lld x seq %lld (%lld new tokens per step), %s%s, "
               "on %s (%s)%s%s%s\n",
            o->model, rl_llm_phase_name(s->phase), (long long)o->batch, (long long)o->seq,
            (long long)mk->tokens, rl_precision_name(s->precision),
            s->weight_gemm != s->precision ? " (weight GEMMs int8)" : "", e->id, e->name,
            s->mode ? ", power mode " : "", s->mode ? s->mode->name : "",
            s->mode && s->mode->super_conf ? " (Super conf)" : "");
    fprintf(f, "Units: SI (GFLOP = 1e9 FLOP, MB = 1e6 B); peaks are dense; memory %s at %.4g "
               "GB/s. Times are per call x count.\n",
            s->machine.mem[0].name, s->machine.mem[0].byte_per_s / 1e9);
    print_fit(f, s, o);
    for (int i = 0; i < mk->kinds; i++) {
        const rl_llm_layer *l = &mk->layer[i];
        const layer_prediction *lp = &mp->layer[i];
        fprintf(f, "\nLayer: %s (%lld of %lld layers); each query attends %lld keys; %lld query "
                   "heads per KV head\n",
                l->kind, (long long)l->layers, (long long)s->cfg.layers, (long long)l->attended,
                (long long)mk->group);
        fprintf(f, "  %-15s %-18s %-4s %-34s %2s %11s %11s %8s  %-12s %11s %7s\n", "kernel", "op",
                "prec", "shape", "x", "GFLOP", "MB", "FLOP/B", "bound by", "time", "share");
        for (int j = 0; j < l->count; j++)
            print_kernel_row(f, s, &l->kernels[j], &lp->k[j], lp->time_s);
        fprintf(f, "  layer: %.6g GFLOP, %.6g MB, %s\n", lp->flops / 1e9, lp->bytes / 1e6,
                rl_cli_time_text(lp->time_s, a, sizeof a));
    }
    fprintf(f, "\nModel:");
    for (int i = 0; i < mk->kinds; i++)
        fprintf(f, "%s %lld layers x %s", i ? " +" : "", (long long)mk->layer[i].layers,
                rl_cli_time_text(mp->layer[i].time_s, a, sizeof a));
    fprintf(f, " + embedding %s + lm_head %s = %s per %s step\n",
            rl_cli_time_text(mp->embedding.predicted_time_s, b, sizeof b),
            rl_cli_time_text(mp->lm_head.predicted_time_s, c, sizeof c),
            rl_cli_time_text(mp->time_s, a, sizeof a), rl_llm_phase_name(s->phase));
    char shape[96];
    rl_shape_format(RL_OP_GEMM, &mk->lm_head.shape, shape, sizeof shape);
    fprintf(f, "  embedding: copy of %lld values (%s); lm_head: gemm %s (%s)\n",
            (long long)mk->embedding.shape.count, mk->embedding.what, shape, mk->lm_head.what);
    fprintf(f, "  %.6g GFLOP per step; %.0f %% of the time in memory-bound kernels\n",
            mp->flops / 1e9, mp->time_s > 0 ? 100.0 * mp->memory_bound_s / mp->time_s : 0.0);
    if (s->phase == RL_LLM_PREFILL)
        fprintf(f, "Tokens/s (prefill): %lld prompt tokens / %s = %.4g tokens/s\n",
                (long long)mk->tokens, rl_cli_time_text(mp->time_s, a, sizeof a), tokens_per_s(mp));
    else
        fprintf(f, "Tokens/s (decode): %lld new tokens (one per sequence) / %s = %.4g tokens/s "
                   "(%.4g per sequence)\n",
                (long long)mk->tokens, rl_cli_time_text(mp->time_s, a, sizeof a), tokens_per_s(mp),
                tokens_per_s(mp) / (double)o->batch);
    char excluded[512];
    rl_llm_kernels_excluded(&s->cfg, excluded, sizeof excluded);
    fprintf(f, "Not counted: %s.\n", excluded);
    if (s->cfg.layout.experts > 0)
        fprintf(f, "Experts: %lld token rows (tokens x %lld per token) over the most experts "
                   "they can reach, min(%lld, rows), evenly: each expert's weights read once.\n",
                (long long)(mk->tokens * s->cfg.layout.experts_per_token),
                (long long)s->cfg.layout.experts_per_token, (long long)s->cfg.layout.experts);
    fprintf(f, "Attention is counted as separate kernels with the scores written and re-read "
               "(what run --suite llm measures); the fit counts a flash kernel's memory.\n");
    if (s->phase == RL_LLM_DECODE)
        print_decode_sweep(f, s, o);
}

/* ---- JSON ---------------------------------------------------------------- */

static cJSON *kernel_json(const llm_setup *s, const rl_llm_kernel *k,
                          const rl_case_prediction *r)
{
    char shape[96];
    rl_shape_format(k->op, &k->shape, shape, sizeof shape);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "role", k->role);
    cJSON_AddStringToObject(o, "what", k->what);
    cJSON_AddStringToObject(o, "op", rl_op_name(k->op));
    cJSON_AddStringToObject(o, "shape", shape);
    cJSON_AddStringToObject(o, "precision", rl_precision_name(kernel_precision(s, k)));
    cJSON_AddNumberToObject(o, "count", k->count);
    cJSON_AddNumberToObject(o, "flops", r->flops);
    cJSON_AddNumberToObject(o, "bytes", r->bytes);
    cJSON_AddNumberToObject(o, "intensity", r->intensity);
    cJSON_AddStringToObject(o, "roof", r->roof.name);
    cJSON_AddStringToObject(o, "bound", rl_bound_name(r->bound));
    cJSON_AddStringToObject(o, "binding_roof", r->binding_roof);
    cJSON_AddNumberToObject(o, "predicted_time_s", r->predicted_time_s);
    return o;
}

static cJSON *to_json(const llm_setup *s, const llm_options *o, const model_prediction *mp)
{
    const rl_llm_model_kernels *mk = &mp->kernels;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "suite", "llm");
    cJSON_AddStringToObject(j, "model", o->model);
    cJSON_AddStringToObject(j, "family", s->cfg.layout.family);
    cJSON_AddStringToObject(j, "device", s->entry->id);
    if (s->mode) {
        cJSON_AddStringToObject(j, "power_mode", s->mode->name);
        cJSON_AddBoolToObject(j, "super_conf", s->mode->super_conf);
    }
    cJSON_AddStringToObject(j, "phase", rl_llm_phase_name(s->phase));
    cJSON_AddNumberToObject(j, "batch", (double)o->batch);
    cJSON_AddNumberToObject(j, "seq", (double)o->seq);
    cJSON_AddNumberToObject(j, "tokens", (double)mk->tokens);
    cJSON_AddStringToObject(j, "precision", rl_precision_name(s->precision));
    cJSON_AddNumberToObject(j, "byte_per_s", s->machine.mem[0].byte_per_s);
    cJSON *fit = cJSON_AddObjectToObject(j, "fit");
    cJSON_AddBoolToObject(fit, "fits", s->plan.fits);
    cJSON_AddStringToObject(fit, "dtype", rl_llm_dtype_name(s->dtype));
    cJSON_AddStringToObject(fit, "kv_dtype", rl_llm_dtype_name(s->kv));
    cJSON_AddStringToObject(fit, "attention", "flash");
    cJSON_AddNumberToObject(fit, "weights_bytes", (double)s->plan.weights_bytes);
    cJSON_AddNumberToObject(fit, "kv_cache_bytes", (double)s->plan.kv_cache_bytes);
    cJSON_AddNumberToObject(fit, "activation_bytes", (double)s->plan.activation_bytes);
    cJSON_AddNumberToObject(fit, "reserve_bytes", (double)s->plan.reserve_bytes);
    cJSON_AddNumberToObject(fit, "total_bytes", (double)s->plan.total_bytes);
    cJSON_AddNumberToObject(fit, "capacity_bytes", (double)s->plan.capacity_bytes);
    cJSON_AddNumberToObject(fit, "max_batch_at_seq", (double)s->plan.max_batch_at_seq);
    cJSON_AddNumberToObject(fit, "max_seq_at_batch", (double)s->plan.max_seq_at_batch);
    cJSON *layers = cJSON_AddArrayToObject(j, "layers");
    for (int i = 0; i < mk->kinds; i++) {
        const rl_llm_layer *l = &mk->layer[i];
        cJSON *lo = cJSON_CreateObject();
        cJSON_AddItemToArray(layers, lo);
        cJSON_AddStringToObject(lo, "kind", l->kind);
        cJSON_AddNumberToObject(lo, "layers", (double)l->layers);
        cJSON_AddNumberToObject(lo, "attended", (double)l->attended);
        cJSON_AddNumberToObject(lo, "flops", mp->layer[i].flops);
        cJSON_AddNumberToObject(lo, "bytes", mp->layer[i].bytes);
        cJSON_AddNumberToObject(lo, "predicted_time_s", mp->layer[i].time_s);
        cJSON *ks = cJSON_AddArrayToObject(lo, "kernels");
        for (int k = 0; k < l->count; k++)
            cJSON_AddItemToArray(ks, kernel_json(s, &l->kernels[k], &mp->layer[i].k[k]));
    }
    cJSON_AddItemToObject(j, "embedding", kernel_json(s, &mk->embedding, &mp->embedding));
    cJSON_AddItemToObject(j, "lm_head", kernel_json(s, &mk->lm_head, &mp->lm_head));
    cJSON *m = cJSON_AddObjectToObject(j, "model_step");
    cJSON_AddNumberToObject(m, "layers", (double)s->cfg.layers);
    cJSON_AddNumberToObject(m, "flops", mp->flops);
    cJSON_AddNumberToObject(m, "predicted_time_s", mp->time_s);
    cJSON_AddNumberToObject(m, "memory_bound_time_s", mp->memory_bound_s);
    cJSON_AddNumberToObject(m, "tokens_per_s", tokens_per_s(mp));
    char excluded[512];
    rl_llm_kernels_excluded(&s->cfg, excluded, sizeof excluded);
    cJSON_AddStringToObject(j, "not_counted", excluded);
    return j;
}

/* ---- the command --------------------------------------------------------- */

static rl_status setup(const llm_options *o, const rl_catalog *cat, llm_setup *s, rl_err *err)
{
    memset(s, 0, sizeof *s);
    char path[1024];
    RL_TRY(rl_llm_phase_parse(o->phase, &s->phase, err));
    RL_TRY(rl_model_config_path(o->model, path, sizeof path, err));
    RL_TRY(rl_hf_config_load(path, &s->cfg, err));
    /* ID@MODE as plain predict takes it. */
    char id[128];
    if (strchr(o->device, ','))
        return rl_fail(err, RL_ERR_INVALID,
                       "predict --suite llm takes one device, not a list ('%s')", o->device);
    const char *mode;
    RL_TRY(rl_catalog_device_arg(o->device, o->mode, id, sizeof id, &mode, err));
    RL_TRY(rl_catalog_get(cat, id, &s->entry, err));
    if (mode || s->entry->kind == RL_CAT_JETSON)
        RL_TRY(rl_catalog_find_mode(s->entry, mode, &s->mode, err));
    char src[RL_PREC_COUNT][RL_CAT_SOURCE_LEN];
    RL_TRY(rl_catalog_machine(s->entry, s->mode, &s->machine, src, err));
    /* The 16-bit type of the checkpoint, as run --suite llm and fit take it. */
    const rl_llm_dtype native =
        strcmp(s->cfg.torch_dtype, "bfloat16") == 0 ? RL_LLM_BF16 : RL_LLM_FP16;
    s->dtype = native;
    if (o->dtype) {
        RL_TRY(rl_llm_dtype_parse(o->dtype, &s->dtype, err));
        if (s->dtype != RL_LLM_FP16 && s->dtype != RL_LLM_BF16 && s->dtype != RL_LLM_INT8)
            return rl_fail(err, RL_ERR_INVALID,
                           "--dtype %s: predict counts fp16, bf16 or int8 (W8A8: int8 GEMMs "
                           "writing int32, as the op accounting counts them); other formats "
                           "change the GEMMs' traffic in ways it does not count (rooflab fit "
                           "plans their memory)",
                           o->dtype);
    }
    /* The KV-cache in the compute type, as fit keeps it. */
    s->kv = s->dtype == RL_LLM_INT8 ? native : s->dtype;
    s->precision = s->kv == RL_LLM_BF16 ? RL_PREC_BF16 : RL_PREC_FP16;
    s->weight_gemm = s->dtype == RL_LLM_INT8 ? RL_PREC_INT8 : s->precision;
    rl_llm_plan_request r = {.batch = o->batch, .seq = o->seq, .weights = s->dtype,
                             .kv = s->kv, .flash_attention = true};
    RL_TRY(rl_llm_catalog_target(s->entry, &r.capacity_bytes, &r.reserve_bytes, NULL, 0, err));
    RL_TRY(rl_llm_plan_compute(&s->cfg, &r, &s->plan, err));
    if (!s->plan.fits)
        return rl_fail(err, RL_ERR_NOMEM,
                       "%s at batch %lld, seq %lld does not fit %s: weights %.3g GB + KV-cache "
                       "%.3g GB + activations %.3g GB + reserve %.3g GB = %.3g GB > %.3g GB "
                       "(rooflab fit shows the largest batch and sequence that fit)",
                       o->model, (long long)o->batch, (long long)o->seq, s->entry->id,
                       s->plan.weights_bytes / 1e9, s->plan.kv_cache_bytes / 1e9,
                       s->plan.activation_bytes / 1e9, s->plan.reserve_bytes / 1e9,
                       s->plan.total_bytes / 1e9, s->plan.capacity_bytes / 1e9);
    return RL_OK;
}

static rl_status write_out(const char *dir, const char *json, const char *text, rl_err *err)
{
    char path[4096];
    RL_TRY(rl_make_output_dir(dir, err));
    snprintf(path, sizeof path, "%s/llm_prediction.json", dir);
    RL_TRY(rl_write_file_atomic(path, json, strlen(json), err));
    snprintf(path, sizeof path, "%s/llm_prediction.txt", dir);
    return rl_write_file_atomic(path, text, strlen(text), err);
}

int rl_cli_predict_llm(int argc, char **argv)
{
    llm_options o;
    rl_err err;
    bool help;
    if (parse(argc, argv, &o, &help, &err) != RL_OK) {
        fprintf(stderr, "rooflab predict: %s (see rooflab predict --suite llm --help)\n",
                err.msg);
        return 2;
    }
    if (help) {
        fputs(usage, stdout);
        return 0;
    }
    rl_catalog cat;
    if (rl_catalog_load(&cat, &err) != RL_OK)
        return rl_cli_fail("predict", err.msg);
    llm_setup *s = malloc(sizeof *s);
    model_prediction *mp = malloc(sizeof *mp);
    int rc = 2;
    char *json = NULL, *text = NULL;
    size_t text_len = 0;
    if (!s || !mp) {
        rc = rl_cli_fail("predict", "out of memory");
        goto out;
    }
    if (setup(&o, &cat, s, &err) != RL_OK || predict_model(s, o.batch, o.seq, mp, &err) != RL_OK) {
        rc = rl_cli_fail("predict", err.msg);
        goto out;
    }
    cJSON *j = to_json(s, &o, mp);
    json = j ? cJSON_Print(j) : NULL;
    cJSON_Delete(j);
    FILE *mem = open_memstream(&text, &text_len);
    if (mem) {
        print_text(mem, s, &o, mp);
        fclose(mem);
    }
    if (!json || !text) {
        rc = rl_cli_fail("predict", "out of memory");
        goto out;
    }
    if (o.out && write_out(o.out, json, text, &err) != RL_OK) {
        rc = rl_cli_fail("predict", err.msg);
        goto out;
    }
    fputs(o.json ? json : text, stdout);
    if (o.json)
        fputc('\n', stdout);
    rc = 0;
out:
    free(json);
    free(text);
    free(mp);
    free(s);
    rl_catalog_free(&cat);
    return rc;
}
