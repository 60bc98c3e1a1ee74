/* LLM memory planning: Hugging Face config reading, exact parameter counts,
 * GQA-aware KV-cache, fit verdicts and limits, overflow and bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/rl_test.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "devices/rl_catalog.h"
#include "model/rl_llm.h"
#include "model/rl_llm_layer.h"

static void load(const char *name, rl_llm_config *c)
{
    char path[1024];
    rl_err err;
    snprintf(path, sizeof path, "%s/model/configs/%s.json", ROOFLAB_SOURCE_DIR, name);
    if (rl_hf_config_load(path, c, &err) != RL_OK)
        fail_msg("%s", err.msg);
}

static uint64_t params_of(const char *name)
{
    rl_llm_config c;
    uint64_t n = 0;
    rl_err err;
    load(name, &c);
    assert_int_equal(rl_llm_param_count(&c, &n, &err), RL_OK);
    return n;
}

static uint64_t kv_of(const char *name, rl_llm_dtype t)
{
    rl_llm_config c;
    uint64_t n = 0;
    rl_err err;
    load(name, &c);
    assert_int_equal(rl_llm_kv_bytes_per_token(&c, t, &n, &err), RL_OK);
    return n;
}

static void parameter_counts(void **state)
{
    (void)state;
    assert_int_equal(params_of("llama-3-8b"), 8030261248ull);
    assert_int_equal(params_of("llama-3-70b"), 70553706496ull);
    assert_int_equal(params_of("llama-2-7b"), 6738415616ull);
    assert_int_equal(params_of("mistral-7b"), 7241732096ull);
    assert_int_equal(params_of("tinyllama-1.1b"), 1100048384ull);
    /* tied embeddings: the lm_head is not counted twice */
    assert_int_equal(params_of("llama-3.2-1b"), 1235814400ull);
}

static void kv_cache_per_token(void **state)
{
    (void)state;
    assert_int_equal(kv_of("llama-3-8b", RL_LLM_FP16), 131072); /* GQA: 8 KV heads, not 32 */
    assert_int_equal(kv_of("llama-2-7b", RL_LLM_FP16), 524288); /* MHA */
    assert_int_equal(kv_of("tinyllama-1.1b", RL_LLM_FP16), 22528);
    assert_int_equal(kv_of("llama-3.2-1b", RL_LLM_FP16), 32768);
    assert_int_equal(kv_of("llama-3-8b", RL_LLM_FP8), 65536);
    /* int4: 4 bits + one fp16 scale per 128 values = 4.125 bits */
    assert_int_equal(kv_of("llama-3-8b", RL_LLM_INT4), 131072 / 16 * 33 / 8);
}

static void config_fields(void **state)
{
    (void)state;
    rl_llm_config c;
    load("llama-3.2-1b", &c);
    assert_int_equal(c.head_dim, 64);
    assert_true(c.tied_embeddings);
    assert_string_equal(c.torch_dtype, "bfloat16");
    assert_int_equal(c.max_positions, 131072);
    load("llama-2-7b", &c);
    assert_int_equal(c.kv_heads, 32);
    assert_false(c.tied_embeddings);
    assert_int_equal(c.head_dim, 128); /* derived: 4096 / 32 */
}

/* Parse text; expect failure with a message containing `needle`. */
static void expect_error(const char *text, const char *needle)
{
    rl_llm_config c;
    rl_err err = {{0}};
    rl_status st = rl_hf_config_parse(text, strlen(text), "cfg.json", &c, &err);
    if (st == RL_OK)
        fail_msg("accepted: %s", text);
    if (!strstr(err.msg, needle))
        fail_msg("message '%s' lacks '%s'", err.msg, needle);
    assert_non_null(strstr(err.msg, "cfg.json"));
    assert_null(strchr(err.msg, '\n'));
}

#define GOOD_TAIL "\"intermediate_size\": 64, \"vocab_size\": 100, \"model_type\": \"llama\""

static void malformed_configs(void **state)
{
    (void)state;
    expect_error("{\"hidden_size\": 64, \"num_hidden_layers\": 2,", "not valid JSON");
    expect_error("", "not valid JSON");
    expect_error("[1, 2]", "object");
    expect_error("{\"num_hidden_layers\": 2, \"num_attention_heads\": 4, " GOOD_TAIL "}",
                 "hidden_size");
    expect_error("{\"hidden_size\": 64, \"num_hidden_layers\": 0, \"num_attention_heads\": 4, "
                 GOOD_TAIL "}", "num_hidden_layers");
    expect_error("{\"hidden_size\": -64, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, "
                 GOOD_TAIL "}", "hidden_size");
    expect_error("{\"hidden_size\": 64.5, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, "
                 GOOD_TAIL "}", "hidden_size");
    expect_error("{\"hidden_size\": \"64\", \"num_hidden_layers\": 2, \"num_attention_heads\": 4, "
                 GOOD_TAIL "}", "hidden_size");
    /* heads do not divide hidden and no head_dim */
    expect_error("{\"hidden_size\": 100, \"num_hidden_layers\": 2, \"num_attention_heads\": 3, "
                 GOOD_TAIL "}", "head_dim");
    expect_error("{\"hidden_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, "
                 "\"num_key_value_heads\": 3, " GOOD_TAIL "}", "num_key_value_heads");
    expect_error("{\"hidden_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, "
                 "\"tie_word_embeddings\": 1, " GOOD_TAIL "}", "tie_word_embeddings");

    /* ... but an explicit head_dim makes it fine, and KV defaults to heads */
    const char *ok = "{\"hidden_size\": 100, \"num_hidden_layers\": 2, \"num_attention_heads\": 3, "
                     "\"head_dim\": 32, " GOOD_TAIL "}";
    rl_llm_config c;
    rl_err err;
    assert_int_equal(rl_hf_config_parse(ok, strlen(ok), "ok.json", &c, &err), RL_OK);
    assert_int_equal(c.head_dim, 32);
    assert_int_equal(c.kv_heads, 3);
    assert_false(c.tied_embeddings);

    /* a truncated file on disk, and a missing one */
    assert_int_equal(rl_hf_config_load(ROOFLAB_TEST_DATA "/hf/truncated.json", &c, &err),
                     RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "truncated.json"));
    assert_int_equal(rl_hf_config_load(ROOFLAB_TEST_DATA "/hf/absent.json", &c, &err), RL_ERR_IO);
}


/* Total and active parameters of a shipped config. */
static void counts_of(const char *name, uint64_t *total, uint64_t *active)
{
    rl_llm_config c;
    rl_err err;
    load(name, &c);
    if (rl_llm_param_counts(&c, total, active, &err) != RL_OK)
        fail_msg("%s: %s", name, err.msg);
}

/* Every family of the architecture table against its count from the
 * transformers implementation; where a published total exists it is the
 * expected value (the comment says which). */
static void family_counts(void **state)
{
    (void)state;
    static const struct {
        const char *config, *family;
        uint64_t total, active;
    } want[] = {
        /* published: 46,702,792,704 (Mixtral-8x7B); active: 2 of 8 experts */
        {"mixtral-8x7b", "mixtral", 46702792704ull, 12879925248ull},
        /* published: 2,779,683,840 (Phi-2) */
        {"phi-2", "phi", 2779683840ull, 2779683840ull},
        /* published: 1,011,781,632 (Pythia-1B) */
        {"pythia-1b", "gpt_neox", 1011781632ull, 1011781632ull},
        /* published: 1,543,714,304 (Qwen2-1.5B) */
        {"qwen2-1.5b", "qwen2", 1543714304ull, 1543714304ull},
        /* published: 2,614,341,888 (Gemma-2-2B) */
        {"gemma-2-2b", "gemma2", 2614341888ull, 2614341888ull},
        /* model card: 14.3B total, 2.7B activated */
        {"qwen1.5-moe-a2.7b", "qwen2_moe", 14315784192ull, 2689173504ull},
        /* model card: 0.6B total, 0.44B non-embedding (tied) */
        {"qwen3-0.6b", "qwen3", 596049920ull, 596049920ull},
        /* model card: 30.5B total, 3.3B activated */
        {"qwen3-30b-a3b", "qwen3_moe", 30532122624ull, 3353032704ull},
        /* Gemma report: 1,981,884,416 non-embedding + 256000 x 2048 tied */
        {"gemma-2b", "gemma", 2506172416ull, 2506172416ull},
        /* Gemma 3 report: 1B = 302M embedding + 698M non-embedding */
        {"gemma-3-1b", "gemma3_text", 999885952ull, 999885952ull},
        /* model card: 3.8B */
        {"phi-3-mini-4k", "phi3", 3821079552ull, 3821079552ull},
        /* model card: 3B (3.03B; tied by PretrainedConfig's default) */
        {"starcoder2-3b", "starcoder2", 3030371328ull, 3030371328ull},
        /* OLMo-1B: 1.18B, no norm parameters */
        {"olmo-1b", "olmo", 1176764416ull, 1176764416ull},
        {"mistral-7b", "mistral", 7241732096ull, 7241732096ull},
        {"llama-3-8b", "llama", 8030261248ull, 8030261248ull},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        uint64_t total = 0, active = 0;
        rl_llm_config c;
        load(want[i].config, &c);
        assert_string_equal(c.layout.family, want[i].family);
        assert_false(c.layout.assumed);
        counts_of(want[i].config, &total, &active);
        if (total != want[i].total || active != want[i].active)
            fail_msg("%s: %llu total, %llu active; expected %llu, %llu", want[i].config,
                     (unsigned long long)total, (unsigned long long)active,
                     (unsigned long long)want[i].total, (unsigned long long)want[i].active);
    }
    /* Mixtral is never counted as its dense 7.24 B skeleton */
    uint64_t total;
    counts_of("mixtral-8x7b", &total, NULL);
    assert_true(total > 46000000000ull);
}

/* Parse text; expect RL_OK and return the counts. */
static rl_llm_config parse_ok(const char *text, bool assume)
{
    rl_llm_config c;
    rl_err err;
    if (rl_hf_config_parse_as(text, strlen(text), "cfg.json", assume, &c, &err) != RL_OK)
        fail_msg("refused: %s (%s)", err.msg, text);
    return c;
}

#define DIMS "\"hidden_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, " \
             "\"num_key_value_heads\": 2, \"intermediate_size\": 128, \"vocab_size\": 100, "

static uint64_t count_text(const char *text)
{
    rl_llm_config c = parse_ok(text, false);
    uint64_t n;
    rl_err err;
    assert_int_equal(rl_llm_param_count(&c, &n, &err), RL_OK);
    return n;
}

static void explicit_keys_override(void **state)
{
    (void)state;
    /* h 64, d 16, H 4, KV 2, I 128, V 100, L 2 */
    const uint64_t attn = 64 * 16 * (4 + 4) + 4 * 16 * 64, mlp = 3 * 64 * 128, norms = 2 * 64;
    const uint64_t llama = 2 * (attn + mlp + norms) + 2 * 100 * 64 + 64;
    assert_int_equal(count_text("{" DIMS "\"model_type\": \"llama\"}"), llama);
    /* attention_bias: q, k, v (H + 2 KV) d and o (h) per layer */
    assert_int_equal(count_text("{" DIMS "\"model_type\": \"llama\", \"attention_bias\": true}"),
                     llama + 2 * ((4 + 4) * 16 + 64));
    /* mlp_bias: gate and up (2 I), down (h) */
    assert_int_equal(count_text("{" DIMS "\"model_type\": \"llama\", \"mlp_bias\": true}"),
                     llama + 2 * (2 * 128 + 64));
    /* tie_word_embeddings: Gemma's default is tied, an explicit false is not */
    const uint64_t gemma = 2 * (attn + mlp + norms) + 100 * 64 + 64;
    assert_int_equal(count_text("{" DIMS "\"model_type\": \"gemma\"}"), gemma);
    assert_int_equal(
        count_text("{" DIMS "\"model_type\": \"gemma\", \"tie_word_embeddings\": false}"),
        gemma + 100 * 64);
    /* head_dim: explicit 32 instead of 64 / 4 */
    assert_int_equal(count_text("{" DIMS "\"model_type\": \"llama\", \"head_dim\": 32}"),
                     llama + 2 * (64 * 16 * 8 + 4 * 16 * 64));
    /* Qwen2 has q/k/v biases and no o bias; Qwen3 adds per-head q/k norms */
    assert_int_equal(count_text("{" DIMS "\"model_type\": \"qwen2\"}"),
                     llama + 2 * (4 + 4) * 16);
    assert_int_equal(count_text("{" DIMS "\"model_type\": \"qwen3\"}"), llama + 2 * 2 * 16);
    /* Gemma 2: four norms a layer */
    assert_int_equal(count_text("{" DIMS "\"model_type\": \"gemma2\"}"), gemma + 2 * 2 * 64);
    /* Phi's qk_layernorm: two LayerNorms (weight and bias) of head_dim */
    const char *phi = "{" DIMS "\"model_type\": \"phi\"}";
    const char *phi_qk = "{" DIMS "\"model_type\": \"phi\", \"qk_layernorm\": true}";
    assert_int_equal(count_text(phi_qk) - count_text(phi), 2 * 2 * 2 * 16);
    /* StarCoder2's use_bias switches every block bias */
    const char *sc = "{" DIMS "\"model_type\": \"starcoder2\"}";
    const char *sc_nb = "{" DIMS "\"model_type\": \"starcoder2\", \"use_bias\": false}";
    assert_int_equal(count_text(sc) - count_text(sc_nb),
                     2 * ((4 + 4) * 16 + 64 + 128 + 64));
}

/* Parse text; expect a refusal naming `key`, on one line. */
static void expect_refused(const char *text, const char *key)
{
    rl_llm_config c;
    rl_err err = {{0}};
    if (rl_hf_config_parse(text, strlen(text), "cfg.json", &c, &err) == RL_OK)
        fail_msg("accepted: %s", text);
    if (!strstr(err.msg, key))
        fail_msg("message '%s' lacks '%s'", err.msg, key);
    assert_null(strchr(err.msg, '\n'));
}

static void unknown_layouts_refused(void **state)
{
    (void)state;
    expect_refused("{" DIMS "\"model_type\": \"falcon\"}", "model_type 'falcon'");
    expect_refused("{" DIMS "\"model_type\": \"deepseek_v3\"}", "--assume-llama");
    expect_refused("{" DIMS "\"architectures\": [\"LlamaForCausalLM\"]}", "no \"model_type\"");
    expect_refused("{" DIMS "\"model_type\": 7}", "model_type");
    /* a Mixtral shape labelled llama is not counted as a dense model */
    expect_refused("{" DIMS "\"model_type\": \"llama\", \"num_local_experts\": 8}",
                   "\"num_local_experts\"");
    expect_refused("{" DIMS "\"model_type\": \"qwen3\", \"num_experts\": 8}", "\"num_experts\"");
    /* keys the family's implementation ignores, with a value that is not its own */
    expect_refused("{" DIMS "\"model_type\": \"mistral\", \"attention_bias\": true}",
                   "\"attention_bias\"");
    expect_refused("{" DIMS "\"model_type\": \"qwen2\", \"attention_bias\": false}",
                   "\"attention_bias\"");
    expect_refused("{" DIMS "\"model_type\": \"llama\", \"qk_layernorm\": true}",
                   "\"qk_layernorm\"");
    expect_refused("{" DIMS "\"model_type\": \"llama\", \"sliding_window\": 4096}",
                   "\"sliding_window\"");
    expect_refused("{" DIMS "\"model_type\": \"deepseek_v2\", \"q_lora_rank\": 8}",
                   "deepseek_v2");
    expect_refused("{" DIMS "\"model_type\": \"gpt_neox\"}", "\"num_key_value_heads\"");
    expect_refused("{" DIMS "\"model_type\": \"mixtral\"}", "\"num_local_experts\"");
    expect_refused("{" DIMS "\"model_type\": \"mixtral\", \"num_local_experts\": 2, "
                   "\"num_experts_per_tok\": 3}", "\"num_experts_per_tok\"");
    expect_refused("{" DIMS "\"model_type\": \"gemma2\", \"layer_types\": [\"full_attention\"]}",
                   "\"layer_types\"");
    /* ... while a value equal to the family's own is accepted */
    parse_ok("{" DIMS "\"model_type\": \"mistral\", \"attention_bias\": false}", false);
    parse_ok("{" DIMS "\"model_type\": \"llama\", \"num_local_experts\": null}", false);

    /* --assume-llama counts the Llama layout and says what it ignored */
    rl_llm_config c = parse_ok("{" DIMS "\"model_type\": \"falcon\", \"num_experts\": 4}", true);
    assert_true(c.layout.assumed);
    assert_string_equal(c.layout.family, "llama");
    assert_non_null(strstr(c.layout.note, "num_experts"));
}

#define QWEN_MOE "\"model_type\": \"qwen2_moe\", \"num_experts\": 4, " \
                 "\"num_experts_per_tok\": 2, \"moe_intermediate_size\": 32, " \
                 "\"shared_expert_intermediate_size\": 64"

static void sparse_layers(void **state)
{
    (void)state;
    /* 4 layers, every 2nd sparse (1 and 3), layer 1 listed dense (twice) */
    rl_llm_config c = parse_ok("{\"hidden_size\": 64, \"num_hidden_layers\": 4, "
                               "\"num_attention_heads\": 4, \"intermediate_size\": 128, "
                               "\"vocab_size\": 100, \"decoder_sparse_step\": 2, "
                               "\"mlp_only_layers\": [1, 1, 0], " QWEN_MOE "}",
                               false);
    assert_int_equal(c.layout.moe_layers, 1);
    uint64_t total, active;
    rl_err err;
    assert_int_equal(rl_llm_param_counts(&c, &total, &active, &err), RL_OK);
    /* one sparse layer: router 4h, 4 experts (2 active) of 3 h 32, shared 3 h 64 + gate h,
     * against the dense MLP 3 h 128 it replaces */
    const uint64_t h = 64, dense = 3 * h * 128;
    const uint64_t sparse_all = 4 * h + 4 * 3 * h * 32 + 3 * h * 64 + h;
    const uint64_t sparse_active = 4 * h + 2 * 3 * h * 32 + 3 * h * 64 + h;
    assert_int_equal(total - active, sparse_all - sparse_active);
    rl_llm_config d = parse_ok("{\"hidden_size\": 64, \"num_hidden_layers\": 4, "
                               "\"num_attention_heads\": 4, \"intermediate_size\": 128, "
                               "\"vocab_size\": 100, \"model_type\": \"qwen2\"}",
                               false);
    uint64_t qwen2;
    assert_int_equal(rl_llm_param_count(&d, &qwen2, &err), RL_OK);
    assert_int_equal(total, qwen2 - dense + sparse_all);
    /* a hostile layer count is counted without walking 2^31 layers */
    c = parse_ok("{\"hidden_size\": 64, \"num_hidden_layers\": 2147483647, "
                 "\"num_attention_heads\": 4, \"intermediate_size\": 128, "
                 "\"vocab_size\": 100, " QWEN_MOE "}",
                 false);
    assert_int_equal(c.layout.moe_layers, 2147483647);
    expect_refused("{\"hidden_size\": 64, \"num_hidden_layers\": 4, "
                   "\"num_attention_heads\": 4, \"intermediate_size\": 128, "
                   "\"vocab_size\": 100, \"mlp_only_layers\": [7], " QWEN_MOE "}",
                   "\"mlp_only_layers\"");
}

static void sliding_window_kv(void **state)
{
    (void)state;
    rl_llm_config c;
    rl_llm_plan p;
    rl_err err;
    rl_llm_plan_request r = {.batch = 2, .seq = 8192, .weights = RL_LLM_BF16,
                             .kv = RL_LLM_BF16, .flash_attention = true,
                             .capacity_bytes = 80000000000ull};
    /* Gemma 2: layers 0, 2, ... use a 4096 window; 13 of 26 */
    load("gemma-2-2b", &c);
    assert_int_equal(c.layout.sliding_window, 4096);
    assert_int_equal(c.layout.sliding_layers, 13);
    assert_int_equal(rl_llm_total_bytes(&c, &r, &p, &err), RL_OK);
    const uint64_t per_layer_token = 2 * 4 * 256 * 2;
    assert_int_equal(p.kv_cache_bytes, per_layer_token * 2 * (13 * 8192 + 13 * 4096));
    /* Gemma 3: 5 local layers to 1 global, 512-token window */
    load("gemma-3-1b", &c);
    assert_int_equal(c.layout.sliding_layers, 26 - 4);
    assert_int_equal(rl_llm_total_bytes(&c, &r, &p, &err), RL_OK);
    assert_int_equal(p.kv_cache_bytes, 2ull * 1 * 256 * 2 * 2 * (4 * 8192 + 22 * 512));
    /* Mistral-7B-v0.1: every layer at most 4096 tokens */
    load("mistral-7b", &c);
    assert_int_equal(c.layout.sliding_layers, 32);
    assert_int_equal(rl_llm_total_bytes(&c, &r, &p, &err), RL_OK);
    assert_int_equal(p.kv_cache_bytes, 131072ull * 2 * 4096);
    /* within the window nothing is capped */
    r.seq = 1024;
    assert_int_equal(rl_llm_total_bytes(&c, &r, &p, &err), RL_OK);
    assert_int_equal(p.kv_cache_bytes, 131072ull * 2 * 1024);
    /* Qwen2 ships sliding_window with use_sliding_window false: no cap */
    load("qwen2-1.5b", &c);
    assert_int_equal(c.layout.sliding_layers, 0);
    /* ... and when it is true, layers from max_window_layers on slide */
    c = parse_ok("{" DIMS "\"model_type\": \"qwen2\", \"use_sliding_window\": true, "
                 "\"sliding_window\": 16, \"max_window_layers\": 1}", false);
    assert_int_equal(c.layout.sliding_layers, 1);
    assert_int_equal(c.layout.sliding_window, 16);
}

/* The Orin NX 16GB's catalog memory and the reserve that fit uses. */
static rl_llm_plan_request orin_nx_16gb(int64_t batch, int64_t seq, rl_llm_dtype w)
{
    rl_catalog cat;
    rl_err err;
    if (rl_catalog_load(&cat, &err) != RL_OK)
        fail_msg("%s", err.msg);
    const rl_catalog_entry *e = rl_catalog_find(&cat, "orin-nx-16gb");
    assert_non_null(e);
    rl_llm_plan_request r = {
        .batch = batch,
        .seq = seq,
        .weights = w,
        .kv = RL_LLM_FP16,
        .flash_attention = true,
        .capacity_bytes = (uint64_t)e->capacity_bytes.value,
        .reserve_bytes = RL_LLM_RUNTIME_RESERVE_BYTES + (uint64_t)e->os_reserve_bytes.value,
    };
    rl_catalog_free(&cat);
    return r;
}

static void llama3_8b_on_orin_nx_16gb(void **state)
{
    (void)state;
    rl_llm_config c;
    load("llama-3-8b", &c);
    rl_llm_plan p;
    rl_err err;
    /* fp16 weights alone (16.06 GB) exceed the 16 GB board */
    rl_llm_plan_request r = orin_nx_16gb(8, 2048, RL_LLM_FP16);
    assert_int_equal(rl_llm_plan_compute(&c, &r, &p, &err), RL_OK);
    assert_int_equal(p.weights_bytes, 2ull * 8030261248ull);
    assert_int_equal(p.kv_cache_bytes, 131072ull * 8 * 2048);
    assert_false(p.fits);
    assert_int_equal(p.max_batch_at_seq, 0);
    assert_int_equal(p.max_seq_at_batch, 0);

    /* int4 weights fit at batch 8, seq 2048 */
    r = orin_nx_16gb(8, 2048, RL_LLM_INT4);
    assert_int_equal(rl_llm_plan_compute(&c, &r, &p, &err), RL_OK);
    assert_int_equal(p.weights_bytes, (8030261248ull * 528 + 1023) / 1024);
    /* activations: 16384 tokens x max(2h + 3I, 2h + 2(H+KV)d) x 2 B + 8 x V x 4 B */
    assert_int_equal(p.activation_bytes,
                     16384ull * (2 * 4096 + 3 * 14336) * 2 + 8ull * 128256 * 4);
    assert_int_equal(p.total_bytes,
                     p.weights_bytes + p.kv_cache_bytes + p.activation_bytes + p.reserve_bytes);
    assert_true(p.fits);
    assert_true(p.max_batch_at_seq >= 8);
    assert_true(p.max_seq_at_batch >= 2048);

    /* the limits are exact: one more does not fit */
    rl_llm_plan q;
    rl_llm_plan_request edge = r;
    edge.batch = p.max_batch_at_seq;
    assert_int_equal(rl_llm_total_bytes(&c, &edge, &q, &err), RL_OK);
    assert_true(q.fits);
    edge.batch++;
    assert_int_equal(rl_llm_total_bytes(&c, &edge, &q, &err), RL_OK);
    assert_false(q.fits);
    edge = r;
    edge.seq = p.max_seq_at_batch + 1;
    assert_int_equal(rl_llm_total_bytes(&c, &edge, &q, &err), RL_OK);
    assert_false(q.fits);

    rl_llm_plan e;
    r.flash_attention = false;
    assert_int_equal(rl_llm_total_bytes(&c, &r, &e, &err), RL_OK);
    /* eager attention adds b x H x s^2 scores in bf16 (2 B), their fp32
     * softmax (4 B) and its cast back (2 B), and K, V repeated from 8 to 32
     * heads: 2 x T x H x d x 2 B */
    assert_int_equal(e.activation_bytes - p.activation_bytes,
                     8ull * 32 * 2048 * 2048 * (2 + 4 + 2) + 2ull * 16384 * 32 * 128 * 2);
}


static void what_would_fit(void **state)
{
    (void)state;
    rl_llm_config c;
    rl_llm_plan p;
    rl_err err;
    load("llama-3-8b", &c);
    /* Orin NX 16GB, bf16: the weights alone (16.06 GB) break it */
    rl_llm_plan_request r = orin_nx_16gb(8, 2048, RL_LLM_BF16);
    r.kv = RL_LLM_BF16;
    assert_int_equal(rl_llm_plan_compute(&c, &r, &p, &err), RL_OK);
    assert_int_equal(rl_llm_what_breaks(&p), RL_LLM_BREAK_WEIGHTS);
    rl_llm_alternative alt[RL_LLM_ALTERNATIVES];
    int first;
    rl_llm_alternatives(&c, &r, RL_LLM_BF16, alt, &first);
    /* the widest that fits: int8 weights, the KV-cache left at bf16 */
    assert_int_equal(first, 3);
    assert_int_equal(alt[first].weights, RL_LLM_INT8);
    assert_int_equal(alt[first].kv, RL_LLM_BF16);
    for (int i = 0; i < RL_LLM_ALTERNATIVES; i++) {
        assert_true(alt[i].valid);
        assert_true(alt[i].plan.fits == (i >= first)); /* narrower always fits here */
        /* each row's limits are exact: the largest batch fits, one more does not */
        rl_llm_plan_request q = r;
        q.weights = alt[i].weights;
        q.kv = alt[i].kv;
        rl_llm_plan e;
        if (alt[i].plan.max_batch_at_seq > 0) {
            q.batch = alt[i].plan.max_batch_at_seq;
            assert_int_equal(rl_llm_total_bytes(&c, &q, &e, &err), RL_OK);
            assert_true(e.fits);
        }
        q.batch = alt[i].plan.max_batch_at_seq + 1;
        assert_int_equal(rl_llm_total_bytes(&c, &q, &e, &err), RL_OK);
        assert_false(e.fits);
    }

    /* H100 80 GB at batch 64 x seq 8192: the weights fit, the KV-cache
     * (68.7 GB in bf16) is what breaks it, and only int4/int4 fits */
    r.capacity_bytes = 80000000000ull;
    r.reserve_bytes = RL_LLM_RUNTIME_RESERVE_BYTES;
    r.batch = 64;
    r.seq = 8192;
    assert_int_equal(rl_llm_plan_compute(&c, &r, &p, &err), RL_OK);
    assert_int_equal(p.kv_cache_bytes, 131072ull * 64 * 8192);
    assert_int_equal(rl_llm_what_breaks(&p), RL_LLM_BREAK_KV_CACHE);
    rl_llm_alternatives(&c, &r, RL_LLM_BF16, alt, &first);
    assert_int_equal(first, 8);
    assert_int_equal(alt[first].kv, RL_LLM_INT4);

    /* eager attention at batch 4 x seq 8192: the scores break it */
    r.batch = 4;
    r.flash_attention = false;
    assert_int_equal(rl_llm_plan_compute(&c, &r, &p, &err), RL_OK);
    assert_int_equal(rl_llm_what_breaks(&p), RL_LLM_BREAK_ACTIVATIONS);

    /* nothing fits a 4 GB device at seq 32768 */
    r.capacity_bytes = 4000000000ull;
    r.batch = 1;
    r.seq = 32768;
    rl_llm_alternatives(&c, &r, RL_LLM_BF16, alt, &first);
    assert_int_equal(first, -1);
    rl_llm_plan fits = {.fits = true};
    assert_int_equal(rl_llm_what_breaks(&fits), RL_LLM_BREAK_NONE);
}

static void overflow_is_an_error(void **state)
{
    (void)state;
    rl_llm_config c;
    load("llama-3-70b", &c);
    rl_llm_plan p;
    rl_err err;
    rl_llm_plan_request r = {.batch = INT64_MAX / 2, .seq = INT64_MAX / 2,
                             .weights = RL_LLM_FP16, .kv = RL_LLM_FP16, .flash_attention = true,
                             .capacity_bytes = 80000000000ull};
    assert_int_equal(rl_llm_total_bytes(&c, &r, &p, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "overflow"));
    r.batch = 1;
    r.seq = (int64_t)1 << 50;
    assert_int_equal(rl_llm_plan_compute(&c, &r, &p, &err), RL_ERR_INVALID);
    r.seq = 0;
    assert_int_equal(rl_llm_total_bytes(&c, &r, &p, &err), RL_ERR_INVALID);
}

static void dtypes(void **state)
{
    (void)state;
    rl_llm_dtype t;
    rl_err err;
    assert_int_equal(rl_llm_dtype_parse("int4", &t, &err), RL_OK);
    assert_int_equal(t, RL_LLM_INT4);
    assert_int_equal(rl_llm_dtype_parse("BF16", &t, &err), RL_OK);
    assert_int_equal(t, RL_LLM_BF16);
    assert_int_equal(rl_llm_dtype_bits_per_128(RL_LLM_INT4), 528);
    assert_int_equal(rl_llm_dtype_bits_per_128(RL_LLM_BF16), 2048);
    assert_int_equal(rl_llm_dtype_parse("int3", &t, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "int3"));
}

/* Sum of count x FLOPs of a layer's kernels whose role starts with one of
 * the prefixes ("" matches every kernel). */
static double role_flops(const rl_llm_layer *l, const char *const *roles, int n, bool gemm_only)
{
    double f = 0;
    for (int i = 0; i < l->count; i++) {
        const rl_llm_kernel *k = &l->kernels[i];
        bool match = false;
        for (int r = 0; r < n; r++)
            match |= strncmp(k->role, roles[r], strlen(roles[r])) == 0;
        if (match && (!gemm_only || k->op == RL_OP_GEMM))
            f += k->count * rl_op_flops(k->op, &k->shape);
    }
    return f;
}

/* Per layer, the weight GEMMs do 2 FLOPs per token per weight the token
 * uses: the layer's active parameters less its norms (these models have
 * no biases). An independent check of the kernel shapes against the
 * parameter count of llm_plan.c. */
static void check_weight_flops(const char *name, rl_llm_phase phase, int64_t batch, int64_t seq)
{
    rl_llm_config c;
    rl_err err;
    load(name, &c);
    rl_llm_model_kernels m;
    assert_int_equal(rl_llm_kernels_build(&c, phase, batch, seq, &m, &err), RL_OK);
    uint64_t total, active;
    assert_int_equal(rl_llm_param_counts(&c, &total, &active, &err), RL_OK);
    const double h = (double)c.hidden, V = (double)c.vocab, L = (double)c.layers;
    const double norms = (double)c.layout.norms_per_layer * h +
                         (c.layout.qk_norm ? 2.0 * (double)c.head_dim : 0.0);
    const double per_layer =
        ((double)active - (c.tied_embeddings ? 1 : 2) * V * h - h) / L - norms;
    const double T = (double)m.tokens;
    static const char *const not_attention[] = {"q_", "k_", "v_", "o_", "gate", "up", "down",
                                                "router", "expert", "shared"};
    for (int i = 0; i < m.kinds; i++) {
        const double got = role_flops(&m.layer[i], not_attention, 10, true);
        assert_true(fabs(got - 2.0 * T * per_layer) <= 1e-9 * got);
        /* Q.K^T and P.V: 2 x (2 x heads x queries x attended x head_dim) per sequence */
        static const char *const attn[] = {"attn_scores", "attn_values"};
        const double want = 4.0 * (double)batch * (double)c.heads * (double)m.queries *
                            (double)m.layer[i].attended * (double)c.head_dim;
        assert_true(fabs(role_flops(&m.layer[i], attn, 2, true) - want) <= 1e-9 * want);
    }
    /* the model: the layers, the embedding gather (no FLOPs) and lm_head */
    double model = 2.0 * (double)batch * V * h;
    for (int i = 0; i < m.kinds; i++)
        model += (double)m.layer[i].layers * rl_llm_layer_flops(&m.layer[i]);
    assert_true(fabs(rl_llm_model_flops(&m) - model) <= 1e-12 * model);
}

static void layer_kernels(void **state)
{
    (void)state;
    check_weight_flops("llama-3-8b", RL_LLM_PREFILL, 8, 512);
    check_weight_flops("llama-3-8b", RL_LLM_DECODE, 3, 1000);
    check_weight_flops("mixtral-8x7b", RL_LLM_DECODE, 1, 4096);
    check_weight_flops("mixtral-8x7b", RL_LLM_DECODE, 5, 100); /* 10 routed rows, 8 experts */
    check_weight_flops("mixtral-8x7b", RL_LLM_PREFILL, 2, 77);
    check_weight_flops("qwen3-30b-a3b", RL_LLM_DECODE, 7, 300);
    check_weight_flops("gemma-2-2b", RL_LLM_PREFILL, 2, 8192);
    check_weight_flops("tinyllama-1.1b", RL_LLM_DECODE, 1, 1);

    rl_llm_config c;
    rl_err err;
    rl_llm_model_kernels m;
    /* Llama-3-8B decode: one token per sequence, GQA groups of 4 stacked
     * against their shared K: batch*KV products of 4 rows */
    load("llama-3-8b", &c);
    assert_int_equal(rl_llm_kernels_build(&c, RL_LLM_DECODE, 8, 512, &m, &err), RL_OK);
    assert_int_equal(m.kinds, 1);
    assert_int_equal(m.tokens, 8);
    const rl_llm_kernel *scores = NULL;
    for (int i = 0; i < m.layer[0].count; i++)
        if (strcmp(m.layer[0].kernels[i].role, "attn_scores") == 0)
            scores = &m.layer[0].kernels[i];
    assert_non_null(scores);
    assert_int_equal(scores->shape.batch, 8 * 8);
    assert_int_equal(scores->shape.m, 4);
    assert_int_equal(scores->shape.n, 512);
    assert_int_equal(scores->shape.k, 128);
    /* each K element is read once per group: the cache of 8 x 512 tokens x
     * 8 KV heads x 128 in fp16, plus Q and the scores */
    assert_near(rl_op_bytes(RL_OP_GEMM, RL_PREC_FP16, &scores->shape),
                2.0 * (8.0 * 512 * 8 * 128 + 8.0 * 32 * 128 + 8.0 * 32 * 512), 0.0);
    assert_int_equal(m.lm_head.shape.m, 8);

    /* Mixtral, one token: its 2 experts' weights, read once each */
    load("mixtral-8x7b", &c);
    assert_int_equal(rl_llm_kernels_build(&c, RL_LLM_DECODE, 1, 64, &m, &err), RL_OK);
    for (int i = 0; i < m.layer[0].count; i++)
        if (strncmp(m.layer[0].kernels[i].role, "expert_", 7) == 0 &&
            m.layer[0].kernels[i].op == RL_OP_GEMM) {
            assert_int_equal(m.layer[0].kernels[i].shape.batch, 2);
            assert_int_equal(m.layer[0].kernels[i].shape.m, 1);
        }
    /* 5 tokens x 2 = 10 rows over 8 experts: 6 take 1 row, 2 take 2 */
    assert_int_equal(rl_llm_kernels_build(&c, RL_LLM_DECODE, 5, 64, &m, &err), RL_OK);
    int parts = 0;
    for (int i = 0; i < m.layer[0].count; i++)
        if (strcmp(m.layer[0].kernels[i].role, "expert_gate") == 0) {
            const rl_shape *s = &m.layer[0].kernels[i].shape;
            assert_true((s->batch == 6 && s->m == 1) || (s->batch == 2 && s->m == 2));
            parts++;
        }
    assert_int_equal(parts, 2);

    /* Gemma 2: half the layers slide over a 4096-token window, which binds
     * only beyond 4096 tokens */
    load("gemma-2-2b", &c);
    assert_int_equal(rl_llm_kernels_build(&c, RL_LLM_PREFILL, 1, 4096, &m, &err), RL_OK);
    assert_int_equal(m.kinds, 1);
    assert_int_equal(rl_llm_kernels_build(&c, RL_LLM_DECODE, 1, 10000, &m, &err), RL_OK);
    assert_int_equal(m.kinds, 2);
    assert_int_equal(m.layer[0].layers + m.layer[1].layers, c.layers);
    assert_true(m.layer[1].sliding);
    assert_int_equal(m.layer[1].attended, 4096);
    assert_int_equal(m.layer[0].attended, 10000);

    /* refusals, in one line */
    assert_int_equal(rl_llm_kernels_build(&c, RL_LLM_DECODE, 0, 10, &m, &err), RL_ERR_INVALID);
    assert_int_equal(rl_llm_kernels_build(&c, RL_LLM_PREFILL, INT64_MAX / 2, 4, &m, &err),
                     RL_ERR_INVALID);
    c.kv_heads = 3; /* 8 heads do not split into 3 groups */
    assert_int_equal(rl_llm_kernels_build(&c, RL_LLM_DECODE, 1, 10, &m, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "groups"));
    rl_llm_phase ph;
    assert_int_equal(rl_llm_phase_parse("Decode", &ph, &err), RL_OK);
    assert_int_equal(ph, RL_LLM_DECODE);
    assert_int_equal(rl_llm_phase_parse("generate", &ph, &err), RL_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parameter_counts),
        cmocka_unit_test(kv_cache_per_token),
        cmocka_unit_test(config_fields),
        cmocka_unit_test(malformed_configs),
        cmocka_unit_test(family_counts),
        cmocka_unit_test(explicit_keys_override),
        cmocka_unit_test(unknown_layouts_refused),
        cmocka_unit_test(sliding_window_kv),
        cmocka_unit_test(sparse_layers),
        cmocka_unit_test(llama3_8b_on_orin_nx_16gb),
        cmocka_unit_test(what_would_fit),
        cmocka_unit_test(overflow_is_an_error),
        cmocka_unit_test(dtypes),
        cmocka_unit_test(layer_kernels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
