/* rooflab fit: whether an LLM's weights, KV-cache and activations fit a
 * device's memory, with the breakdown and the limits at this shape.
 * Exit 0: fits; 1: does not; 2: bad input. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "devices/rl_catalog.h"
#include "devices/rl_device.h"
#include "harness/cli.h"
#include "harness/rl_cli_util.h"
#include "harness/rl_llm_target.h"
#include "model/rl_llm.h"

static const char usage[] =
    "usage: rooflab fit --model NAME|PATH --device ID[@MODE]|auto|cpu [--power-mode M]\n"
    "                   --batch B --seq S\n"
    "                   [--dtype fp16|bf16|fp8|int8|int4] [--kv-dtype fp16|bf16|fp8|int8|int4]\n"
    "                   [--attention flash|eager] [--assume-llama] [--root PATH] [--json]\n"
    "\n"
    "Whether weights + KV-cache + activations + reserve fit the device's memory, and\n"
    "the largest batch at this sequence length and the longest sequence at this batch.\n"
    "When it does not fit: the part that breaks it (the weights alone, or the KV-cache\n"
    "or activations), the widest weight/KV-cache precision that fits, and the limits\n"
    "at each precision.\n"
    "  --model       a shipped config (model/configs: llama-3-8b, mistral-7b, mixtral-8x7b,\n"
    "                qwen2-1.5b, gemma-2-2b, phi-2, pythia-1b, ...) or a path to a Hugging\n"
    "                Face config.json; its model_type must be in the architecture table\n"
    "                (docs/model.md), or the run is refused\n"
    "  --device      a catalog id (rooflab devices lists them; ID@MODE names a Jetson's\n"
    "                power mode, as in predict), auto (the device here) or cpu (this\n"
    "                host's memory)\n"
    "  --power-mode  Jetson only; accepted for symmetry with predict (memory does not\n"
    "                depend on it)\n"
    "  --dtype       weights (default: the config's torch_dtype when 16-bit, else fp16);\n"
    "                int4 counts one fp16 scale per 128 weights (4.125 bits)\n"
    "  --kv-dtype    KV-cache (default: fp16, or bf16 for bf16 weights)\n"
    "  --attention   flash (default: scores never materialised) or eager (adds the\n"
    "                batch x heads x seq^2 scores, their fp32 softmax and its cast back)\n"
    "  --assume-llama  count an unknown model_type as a Llama layout (said in the output)\n"
    "  --root        with --device auto: read Jetson files under PATH (tests)\n"
    "Units: GB = 1e9 bytes. Exit status: 0 fits, 1 does not fit, 2 bad input.\n";

typedef struct fit_options {
    const char *model, *device, *mode, *dtype, *kv_dtype, *attention, *root;
    int64_t batch, seq;
    bool json, assume_llama;
} fit_options;

static rl_status parse(int argc, char **argv, fit_options *o, bool *help, rl_err *err)
{
    static const struct option longopts[] = {
        {"model", required_argument, NULL, 'M'},     {"device", required_argument, NULL, 'd'},
        {"power-mode", required_argument, NULL, 'P'}, {"batch", required_argument, NULL, 'b'},
        {"seq", required_argument, NULL, 's'},       {"dtype", required_argument, NULL, 't'},
        {"kv-dtype", required_argument, NULL, 'k'},  {"attention", required_argument, NULL, 'a'},
        {"root", required_argument, NULL, 'R'},      {"json", no_argument, NULL, 'j'},
        {"assume-llama", no_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0},
    };
    *o = (fit_options){.attention = "flash", .root = "/"};
    *help = false;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'M': o->model = optarg; break;
        case 'd': o->device = optarg; break;
        case 'P': o->mode = optarg; break;
        case 't': o->dtype = optarg; break;
        case 'k': o->kv_dtype = optarg; break;
        case 'a': o->attention = optarg; break;
        case 'R': o->root = optarg; break;
        case 'j': o->json = true; break;
        case 'L': o->assume_llama = true; break;
        case 'b': RL_TRY(rl_cli_parse_i64(optarg, "--batch", 1, INT64_MAX, &o->batch, err)); break;
        case 's': RL_TRY(rl_cli_parse_i64(optarg, "--seq", 1, INT64_MAX, &o->seq, err)); break;
        case 'h': *help = true; return RL_OK;
        case ':': return rl_fail(err, RL_ERR_INVALID, "%s needs a value", argv[optind - 1]);
        default: return rl_fail(err, RL_ERR_INVALID, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return rl_fail(err, RL_ERR_INVALID, "unexpected argument '%s'", argv[optind]);
    if (!o->model)
        return rl_fail(err, RL_ERR_INVALID, "--model is required");
    if (!o->device)
        return rl_fail(err, RL_ERR_INVALID, "--device is required (a catalog id or auto)");
    if (!o->batch)
        return rl_fail(err, RL_ERR_INVALID, "--batch is required");
    if (!o->seq)
        return rl_fail(err, RL_ERR_INVALID, "--seq is required");
    if (strcmp(o->attention, "flash") != 0 && strcmp(o->attention, "eager") != 0)
        return rl_fail(err, RL_ERR_INVALID, "--attention must be flash or eager (got '%s')",
                       o->attention);
    return RL_OK;
}

/* The memory target: capacity, reserve and how they were decided. */
typedef struct target {
    char id[48], name[256], mode[32];
    uint64_t capacity, reserve;
    char reserve_text[160];
} target;

static rl_status reserve_for_entry(const rl_catalog_entry *e, target *t, rl_err *err)
{
    return rl_llm_catalog_target(e, &t->capacity, &t->reserve, t->reserve_text,
                                 sizeof t->reserve_text, err);
}

static rl_status resolve_target(const fit_options *o, target *t, rl_err *err)
{
    memset(t, 0, sizeof *t);
    rl_catalog cat;
    RL_TRY(rl_catalog_load(&cat, err));
    rl_status st = RL_OK;
    if (strcmp(o->device, "auto") != 0 && strcmp(o->device, "cpu") != 0) {
        const rl_catalog_entry *e;
        const rl_power_mode *mode = NULL;
        char id[128];
        const char *mode_name = NULL;
        st = rl_catalog_device_arg(o->device, o->mode, id, sizeof id, &mode_name, err);
        if (st == RL_OK)
            st = rl_catalog_get(&cat, id, &e, err);
        if (st == RL_OK && mode_name)
            st = rl_catalog_find_mode(e, mode_name, &mode, err);
        if (st == RL_OK) {
            snprintf(t->id, sizeof t->id, "%s", e->id);
            snprintf(t->name, sizeof t->name, "%s", e->name);
            if (mode)
                snprintf(t->mode, sizeof t->mode, "%s", mode->name);
            st = reserve_for_entry(e, t, err);
        }
        rl_catalog_free(&cat);
        return st;
    }
    /* auto: the primary device here; cpu: the host, with its memory. */
    const bool want_cpu = strcmp(o->device, "cpu") == 0;
    rl_detection d;
    st = rl_devices_detect(&cat, o->root, &d, err);
    rl_catalog_free(&cat);
    if (st != RL_OK)
        return st; /* the detection frees its own on failure */
    const rl_device_profile *p = NULL;
    for (int i = 0; i < d.count && !p; i++)
        if (!want_cpu || d.devices[i].kind == RL_DEVICE_CPU)
            p = &d.devices[i];
    if (!p)
        st = rl_fail(err, RL_ERR_DEVICE, "no %s detected under %s", want_cpu ? "CPU" : "device",
                     o->root);
    if (st == RL_OK) {
        snprintf(t->id, sizeof t->id, "%s", p->matched ? p->entry.id : p->id);
        snprintf(t->name, sizeof t->name, "%s", p->name);
        snprintf(t->mode, sizeof t->mode, "%s", p->power_mode);
        t->capacity = p->memory_bytes;
        t->reserve = p->reserve_bytes;
        snprintf(t->reserve_text, sizeof t->reserve_text, "detected %s (see rooflab devices)",
                 rl_device_kind_name(p->kind));
        if (p->available_source[0]) /* a Jetson: what is not available now, + 1 GiB runtime */
            snprintf(t->reserve_text, sizeof t->reserve_text,
                     "runtime 1 GiB + memory in use now (%.3g GB available; see rooflab devices)",
                     p->available_bytes / 1e9);
        if (o->mode && p->matched && p->entry.mode_count) {
            const rl_power_mode *mode;
            st = rl_catalog_find_mode(&p->entry, o->mode, &mode, err);
        } else if (o->mode) {
            st = rl_fail(err, RL_ERR_INVALID, "--power-mode: the detected device has no modes");
        }
        if (st == RL_OK && t->capacity == 0)
            st = rl_fail(err, RL_ERR_DEVICE, "the detected device's memory size is unknown");
    }
    rl_detection_free(&d);
    return st;
}

/* 8030261248 -> "8,030,261,248" */
static const char *grouped(uint64_t v, char *buf, size_t len)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
    size_t j = 0;
    for (int i = 0; i < n && j + 2 < len; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[j++] = ',';
        buf[j++] = digits[i];
    }
    buf[j] = 0;
    return buf;
}

/* The part that breaks the plan, the widest precision that fits, and the
 * limits at each precision. */
static void print_would_fit(const fit_options *o, const rl_llm_plan *p,
                            const rl_llm_alternative alt[RL_LLM_ALTERNATIVES], int first_fit)
{
    const rl_llm_breaker b = rl_llm_what_breaks(p);
    if (b == RL_LLM_BREAK_WEIGHTS) {
        const double left = p->capacity_bytes > p->reserve_bytes
                                ? (double)(p->capacity_bytes - p->reserve_bytes)
                                : 0.0;
        printf("breaks it: the weights alone (%.3f GB) exceed the %.3f GB left after the "
               "reserve\n",
               p->weights_bytes / 1e9, left / 1e9);
    } else {
        const double left =
            (double)(p->capacity_bytes - p->weights_bytes - p->reserve_bytes);
        printf("breaks it: KV-cache %.3f GB + activations %.3f GB at batch %lld x seq %lld "
               "exceed the %.3f GB left after weights and reserve (the %s is the larger "
               "part)\n",
               p->kv_cache_bytes / 1e9, p->activation_bytes / 1e9, (long long)o->batch,
               (long long)o->seq, left / 1e9,
               b == RL_LLM_BREAK_KV_CACHE ? "KV-cache" : "activations");
    }
    if (strcmp(o->attention, "eager") == 0 && p->activation_bytes > p->kv_cache_bytes)
        printf("note: eager attention materialises batch x heads x seq^2 scores "
               "(%.3f GB of activations here); --attention flash does not\n",
               p->activation_bytes / 1e9);
    if (first_fit >= 0)
        printf("would fit: --dtype %s --kv-dtype %s (the widest precision that fits at batch "
               "%lld, seq %lld: %.3f GB)\n",
               rl_llm_dtype_name(alt[first_fit].weights), rl_llm_dtype_name(alt[first_fit].kv),
               (long long)o->batch, (long long)o->seq, alt[first_fit].plan.total_bytes / 1e9);
    else
        printf("would fit: no precision down to int4 weights and KV-cache fits at batch %lld, "
               "seq %lld\n",
               (long long)o->batch, (long long)o->seq);
    printf("by precision (largest batch at seq %lld, longest seq at batch %lld):\n",
           (long long)o->seq, (long long)o->batch);
    printf("  weights  KV-cache      total GB  fits  largest batch   longest seq\n");
    for (int i = 0; i < RL_LLM_ALTERNATIVES; i++) {
        const rl_llm_alternative *a = &alt[i];
        if (!a->valid) {
            printf("  %-8s %-8s  overflows 64-bit byte counts\n", rl_llm_dtype_name(a->weights),
                   rl_llm_dtype_name(a->kv));
            continue;
        }
        printf("  %-8s %-8s  %12.3f  %-4s  %13lld  %12lld\n", rl_llm_dtype_name(a->weights),
               rl_llm_dtype_name(a->kv), a->plan.total_bytes / 1e9, a->plan.fits ? "yes" : "no",
               (long long)a->plan.max_batch_at_seq, (long long)a->plan.max_seq_at_batch);
    }
}

static void print_text(const fit_options *o, const rl_llm_config *c, const target *t,
                       const rl_llm_plan *p, rl_llm_dtype w, rl_llm_dtype kv,
                       const rl_llm_alternative alt[RL_LLM_ALTERNATIVES], int first_fit)
{
    printf("Fit: %s on %s (%s)%s%s, batch %lld, seq %lld\n", o->model, t->id, t->name,
           t->mode[0] ? ", power mode " : "", t->mode, (long long)o->batch, (long long)o->seq);
    printf("weights %s, KV-cache %s, attention %s\n", rl_llm_dtype_name(w), rl_llm_dtype_name(kv),
           o->attention);
    printf("Units: GB = 1e9 bytes\n\n");
    char g1[40], g2[40];
    printf("  parameters     %18s   h=%lld L=%lld H=%lld KV=%lld d=%lld I=%lld V=%lld%s\n",
           grouped(p->params, g1, sizeof g1), (long long)c->hidden, (long long)c->layers,
           (long long)c->heads, (long long)c->kv_heads, (long long)c->head_dim,
           (long long)c->intermediate, (long long)c->vocab,
           c->tied_embeddings ? ", tied embeddings" : "");
    char layout[512];
    rl_llm_layout_describe(c, layout, sizeof layout);
    printf("  layout         %s\n", layout);
    if (c->layout.experts)
        printf("  active params  %18s   per token (FLOPs); memory holds all of them\n",
               grouped(p->active_params, g1, sizeof g1));
    printf("  weights           %12.3f GB   params x %g bits / 8\n", p->weights_bytes / 1e9,
           rl_llm_dtype_bits_per_128(w) / 128.0);
    printf("  KV per token   %18s B   2 x L x KV x d x %g B\n",
           grouped(p->kv_bytes_per_token, g2, sizeof g2), rl_llm_dtype_bits_per_128(kv) / 1024.0);
    printf("  KV-cache          %12.3f GB   per token x batch x seq%s\n", p->kv_cache_bytes / 1e9,
           c->layout.sliding_layers ? ", sliding layers at most the window" : "");
    printf("  activations       %12.3f GB   peak of one layer's prefill of %lld tokens%s\n",
           p->activation_bytes / 1e9, (long long)(o->batch * o->seq),
           strcmp(o->attention, "eager") == 0 ? " + attention scores" : "");
    printf("  reserve           %12.3f GB   %s\n", p->reserve_bytes / 1e9, t->reserve_text);
    printf("  ---------------------------------\n");
    printf("  total             %12.3f GB   of %.3f GB capacity (%.0f %%)\n", p->total_bytes / 1e9,
           p->capacity_bytes / 1e9,
           p->capacity_bytes ? 100.0 * (double)p->total_bytes / (double)p->capacity_bytes : 0.0);
    if (p->fits)
        printf("verdict: FITS (%.3f GB to spare)\n",
               (double)(p->capacity_bytes - p->total_bytes) / 1e9);
    else
        printf("verdict: DOES NOT FIT (%.3f GB short)\n",
               (double)(p->total_bytes - p->capacity_bytes) / 1e9);
    if (!p->fits)
        print_would_fit(o, p, alt, first_fit);
    printf("largest batch at seq %lld: %lld\n", (long long)o->seq, (long long)p->max_batch_at_seq);
    printf("longest seq at batch %lld: %lld", (long long)o->batch, (long long)p->max_seq_at_batch);
    /* Memory is the only limit fit computes; the model's own is named when
     * it binds first. */
    if (c->max_positions > 0 && p->max_seq_at_batch > c->max_positions)
        printf(" in memory, beyond the model's max_position_embeddings (%lld)",
               (long long)c->max_positions);
    else if (c->max_positions > 0)
        printf("   (the model's max_position_embeddings: %lld)", (long long)c->max_positions);
    printf("\n");
}

static int print_json(const fit_options *o, const rl_llm_config *c, const target *t,
                      const rl_llm_plan *p, rl_llm_dtype w, rl_llm_dtype kv,
                      const rl_llm_alternative alt[RL_LLM_ALTERNATIVES], int first_fit)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "model", o->model);
    cJSON_AddStringToObject(j, "family", c->layout.family);
    cJSON_AddBoolToObject(j, "assumed_llama", c->layout.assumed);
    char layout[512];
    rl_llm_layout_describe(c, layout, sizeof layout);
    cJSON_AddStringToObject(j, "layout", layout);
    cJSON_AddStringToObject(j, "device", t->id);
    if (t->mode[0])
        cJSON_AddStringToObject(j, "power_mode", t->mode);
    cJSON_AddNumberToObject(j, "batch", (double)o->batch);
    cJSON_AddNumberToObject(j, "seq", (double)o->seq);
    cJSON_AddStringToObject(j, "dtype", rl_llm_dtype_name(w));
    cJSON_AddStringToObject(j, "kv_dtype", rl_llm_dtype_name(kv));
    cJSON_AddStringToObject(j, "attention", o->attention);
    cJSON_AddNumberToObject(j, "params", (double)p->params);
    cJSON_AddNumberToObject(j, "active_params", (double)p->active_params);
    cJSON_AddNumberToObject(j, "sliding_window", (double)c->layout.sliding_window);
    cJSON_AddNumberToObject(j, "sliding_layers", (double)c->layout.sliding_layers);
    cJSON_AddNumberToObject(j, "weights_bytes", (double)p->weights_bytes);
    cJSON_AddNumberToObject(j, "kv_bytes_per_token", (double)p->kv_bytes_per_token);
    cJSON_AddNumberToObject(j, "kv_cache_bytes", (double)p->kv_cache_bytes);
    cJSON_AddNumberToObject(j, "activation_bytes", (double)p->activation_bytes);
    cJSON_AddNumberToObject(j, "reserve_bytes", (double)p->reserve_bytes);
    cJSON_AddNumberToObject(j, "total_bytes", (double)p->total_bytes);
    cJSON_AddNumberToObject(j, "capacity_bytes", (double)p->capacity_bytes);
    cJSON_AddBoolToObject(j, "fits", p->fits);
    cJSON_AddNumberToObject(j, "max_batch_at_seq", (double)p->max_batch_at_seq);
    cJSON_AddNumberToObject(j, "max_seq_at_batch", (double)p->max_seq_at_batch);
    cJSON_AddStringToObject(j, "breaks", rl_llm_breaker_name(rl_llm_what_breaks(p)));
    if (first_fit >= 0) {
        cJSON *sug = cJSON_AddObjectToObject(j, "would_fit");
        cJSON_AddStringToObject(sug, "dtype", rl_llm_dtype_name(alt[first_fit].weights));
        cJSON_AddStringToObject(sug, "kv_dtype", rl_llm_dtype_name(alt[first_fit].kv));
        cJSON_AddNumberToObject(sug, "total_bytes", (double)alt[first_fit].plan.total_bytes);
    } else {
        cJSON_AddNullToObject(j, "would_fit");
    }
    cJSON *rows = cJSON_AddArrayToObject(j, "by_precision");
    for (int i = 0; i < RL_LLM_ALTERNATIVES; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddItemToArray(rows, r);
        cJSON_AddStringToObject(r, "dtype", rl_llm_dtype_name(alt[i].weights));
        cJSON_AddStringToObject(r, "kv_dtype", rl_llm_dtype_name(alt[i].kv));
        if (!alt[i].valid) {
            cJSON_AddStringToObject(r, "error", "overflows 64-bit byte counts");
            continue;
        }
        cJSON_AddNumberToObject(r, "total_bytes", (double)alt[i].plan.total_bytes);
        cJSON_AddBoolToObject(r, "fits", alt[i].plan.fits);
        cJSON_AddNumberToObject(r, "max_batch_at_seq", (double)alt[i].plan.max_batch_at_seq);
        cJSON_AddNumberToObject(r, "max_seq_at_batch", (double)alt[i].plan.max_seq_at_batch);
    }
    char *text = cJSON_Print(j);
    cJSON_Delete(j);
    if (!text)
        return rl_cli_fail("fit", "out of memory writing JSON");
    puts(text);
    free(text);
    return p->fits ? 0 : 1;
}

int rl_cli_fit(int argc, char **argv)
{
    fit_options o;
    rl_err err;
    bool help;
    if (parse(argc, argv, &o, &help, &err) != RL_OK) {
        fprintf(stderr, "rooflab fit: %s (see rooflab fit --help)\n", err.msg);
        return 2;
    }
    if (help) {
        fputs(usage, stdout);
        return 0;
    }
    char path[1024];
    rl_llm_config cfg;
    if (rl_model_config_path(o.model, path, sizeof path, &err) != RL_OK ||
        rl_hf_config_load_as(path, o.assume_llama, &cfg, &err) != RL_OK)
        return rl_cli_fail("fit", err.msg);

    /* 16-bit compute type of the model: bf16 for bfloat16 checkpoints. */
    const rl_llm_dtype native = strcmp(cfg.torch_dtype, "bfloat16") == 0 ? RL_LLM_BF16 : RL_LLM_FP16;
    rl_llm_dtype w = native, kv;
    if (o.dtype && rl_llm_dtype_parse(o.dtype, &w, &err) != RL_OK)
        return rl_cli_fail("fit", err.msg);
    /* The KV-cache is kept in the compute type: the weights' own when they
     * are a float type, else the model's 16-bit type. */
    kv = (w == RL_LLM_FP16 || w == RL_LLM_BF16 || w == RL_LLM_FP32) ? w : native;
    if (o.kv_dtype && rl_llm_dtype_parse(o.kv_dtype, &kv, &err) != RL_OK)
        return rl_cli_fail("fit", err.msg);

    target t;
    if (resolve_target(&o, &t, &err) != RL_OK)
        return rl_cli_fail("fit", err.msg);

    rl_llm_plan_request req = {
        .batch = o.batch,
        .seq = o.seq,
        .weights = w,
        .kv = kv,
        .flash_attention = strcmp(o.attention, "flash") == 0,
        .capacity_bytes = t.capacity,
        .reserve_bytes = t.reserve,
    };
    rl_llm_plan plan;
    if (rl_llm_plan_compute(&cfg, &req, &plan, &err) != RL_OK)
        return rl_cli_fail("fit", err.msg);
    rl_llm_alternative alt[RL_LLM_ALTERNATIVES];
    int first_fit;
    /* the table's 16-bit rows in the type asked for, so its first row is this plan */
    rl_llm_alternatives(&cfg, &req, (w == RL_LLM_FP16 || w == RL_LLM_BF16) ? w : native, alt,
                        &first_fit);
    if (o.json)
        return print_json(&o, &cfg, &t, &plan, w, kv, alt, first_fit);
    print_text(&o, &cfg, &t, &plan, w, kv, alt, first_fit);
    return plan.fits ? 0 : 1;
}
