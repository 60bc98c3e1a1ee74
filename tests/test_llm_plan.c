/* LLM memory planning: Hugging Face config reading, exact parameter counts,
 * GQA-aware KV-cache, fit verdicts and limits, overflow and bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/rl_test.h"
#include <stdio.h>
#include <string.h>

#include "devices/rl_catalog.h"
#include "model/rl_llm.h"

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

#define GOOD_TAIL "\"intermediate_size\": 64, \"vocab_size\": 100"

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

    /* eager attention adds 2 x b x H x s^2 x 2 B of scores */
    rl_llm_plan e;
    r.flash_attention = false;
    assert_int_equal(rl_llm_total_bytes(&c, &r, &e, &err), RL_OK);
    assert_int_equal(e.activation_bytes - p.activation_bytes, 2ull * 8 * 32 * 2048 * 2048 * 2);
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
    assert_int_equal(rl_llm_dtype_bits_per_128(RL_LLM_INT4), 528);
    assert_int_equal(rl_llm_dtype_bits_per_128(RL_LLM_BF16), 2048);
    assert_int_equal(rl_llm_dtype_parse("int3", &t, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "int3"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parameter_counts),
        cmocka_unit_test(kv_cache_per_token),
        cmocka_unit_test(config_fields),
        cmocka_unit_test(malformed_configs),
        cmocka_unit_test(llama3_8b_on_orin_nx_16gb),
        cmocka_unit_test(overflow_is_an_error),
        cmocka_unit_test(dtypes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
