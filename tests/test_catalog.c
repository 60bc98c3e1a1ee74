/* The device catalog: every entry loads with a source for every number,
 * roofs use dense figures only, Jetson peaks follow the power mode, names
 * match, and bad files fail with one line naming the file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/rl_test.h"
#include "tests/rl_test_catalog.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/rl_catalog.h"
#include "model/rl_roofline.h"

static const char *const ids[] = {"h100-sxm5",    "h100-pcie",   "h200-sxm",      "a100-sxm4-80gb",
                                  "orin-nx-16gb", "orin-nx-8gb", "agx-orin-64gb", "orin-nano-8gb"};

static void loads_all_entries(void **state)
{
    const rl_catalog *cat = *state;
    assert_int_equal(cat->count, 8);
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        const rl_catalog_entry *e = rl_catalog_find(cat, ids[i]);
        if (!e)
            fail_msg("missing %s", ids[i]);
        assert_true(e->capacity_bytes.value > 0 && e->capacity_bytes.source[0]);
        assert_true(e->bandwidth_byte_per_s.value > 0 && e->bandwidth_byte_per_s.source[0]);
        assert_true(e->sms.value > 0 && e->sms.source[0]);
        assert_true(e->compute_capability[0] && e->cc_source[0]);
    }
    rl_err err;
    const rl_catalog_entry *e;
    assert_int_equal(rl_catalog_get(cat, "h100", &e, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "h100-sxm5")); /* lists the known ids */
}

static void roofs_are_dense_never_sparse(void **state)
{
    const rl_catalog *cat = *state;
    for (int i = 0; i < cat->count; i++) {
        const rl_catalog_entry *e = &cat->entries[i];
        rl_machine m;
        rl_err err;
        assert_int_equal(rl_catalog_machine(e, NULL, &m, NULL, &err), RL_OK);
        for (int p = 0; p < RL_PREC_COUNT; p++) {
            if (e->kind == RL_CAT_GPU)
                assert_near(m.peak_flop_per_s[p], e->dense[p].value, 0.0);
            if (e->sparse[p].value > 0)
                assert_true(m.peak_flop_per_s[p] < e->sparse[p].value);
        }
    }
    const rl_catalog_entry *h = rl_catalog_find(cat, "h100-sxm5");
    assert_near(h->dense[RL_PREC_FP16].value, 989.4e12, 1.0);
    assert_near(h->sparse[RL_PREC_FP16].value, 1979e12, 1.0);
    /* fp64: the tensor-core figure is the roof, the vector one is kept apart */
    assert_near(h->dense[RL_PREC_FP64].value, 67e12, 1.0);
    assert_near(h->fp64_vector.value, 34e12, 1.0);
    /* no fp8 on the A100 */
    assert_near(rl_catalog_find(cat, "a100-sxm4-80gb")->dense[RL_PREC_FP8].value, 0.0, 0.0);
}

static void h100_ridge(void **state)
{
    const rl_catalog *cat = *state;
    rl_machine m;
    rl_err err;
    double r;
    assert_int_equal(rl_catalog_machine(rl_catalog_find(cat, "h100-sxm5"), NULL, &m, NULL, &err),
                     RL_OK);
    assert_int_equal(rl_machine_ridge(&m, RL_PREC_FP16, 0, &r, &err), RL_OK);
    assert_near(r, 295.3, 0.1); /* dense; the sparse figure would give 591 */
    assert_int_equal(rl_machine_ridge(&m, RL_PREC_FP8, 0, &r, &err), RL_OK);
    assert_near(r, 590.7, 0.1);
    /* the other data-center ridges of the reference table */
    assert_int_equal(rl_catalog_machine(rl_catalog_find(cat, "h100-pcie"), NULL, &m, NULL, &err),
                     RL_OK);
    assert_near(m.peak_flop_per_s[RL_PREC_FP16] / m.mem[0].byte_per_s, 378, 0.5);
    assert_int_equal(rl_catalog_machine(rl_catalog_find(cat, "a100-sxm4-80gb"), NULL, &m, NULL,
                                        &err), RL_OK);
    assert_near(m.peak_flop_per_s[RL_PREC_FP16] / m.mem[0].byte_per_s, 153, 0.5);
}

static void jetson_power_modes(void **state)
{
    const rl_catalog *cat = *state;
    const rl_catalog_entry *e = rl_catalog_find(cat, "orin-nx-16gb");
    const rl_power_mode *mode;
    rl_machine m;
    rl_err err;
    char src[RL_PREC_COUNT][RL_CAT_SOURCE_LEN];

    /* default: 15W, 4 SMs @ 612 MHz -> fp16 dense 5.0 TFLOP/s, ridge 49 */
    assert_int_equal(rl_catalog_find_mode(e, NULL, &mode, &err), RL_OK);
    assert_string_equal(mode->name, "15W");
    assert_int_equal(rl_catalog_machine(e, NULL, &m, src, &err), RL_OK);
    assert_near(m.peak_flop_per_s[RL_PREC_FP16], 4 * 2048 * 612e6, 1.0);
    assert_near(m.mem[0].byte_per_s, 102.4e9, 1.0);
    assert_near(m.peak_flop_per_s[RL_PREC_FP16] / m.mem[0].byte_per_s, 49.0, 0.1);
    assert_non_null(strstr(src[RL_PREC_FP16], "derived"));
    assert_near(m.peak_flop_per_s[RL_PREC_FP8], 0.0, 0.0);

    /* MAXN: the datasheet's 15.0 */
    assert_int_equal(rl_catalog_find_mode(e, "MAXN", &mode, &err), RL_OK);
    assert_int_equal(rl_catalog_machine(e, mode, &m, NULL, &err), RL_OK);
    assert_near(m.peak_flop_per_s[RL_PREC_FP16], 15.04e12, 0.01e12);
    assert_near(m.peak_flop_per_s[RL_PREC_FP32], 1.88e12, 0.01e12);

    /* 10W: EMC capped at 2133 MHz -> 2 x 2133 MHz x 16 B = 68.3 GB/s */
    assert_int_equal(rl_catalog_find_mode(e, "1", &mode, &err), RL_OK);
    assert_string_equal(mode->name, "10W");
    assert_int_equal(rl_catalog_machine(e, mode, &m, NULL, &err), RL_OK);
    assert_near(m.mem[0].byte_per_s, 2.0 * 2133e6 * 16, 1.0);

    /* AGX names its modes MODE_30W; "30w" finds it */
    const rl_catalog_entry *agx = rl_catalog_find(cat, "agx-orin-64gb");
    assert_int_equal(rl_catalog_find_mode(agx, "30w", &mode, &err), RL_OK);
    assert_string_equal(mode->name, "MODE_30W");
    assert_true(mode->is_default);

    assert_int_equal(rl_catalog_find_mode(e, "99W", &mode, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "99W"));
    assert_non_null(strstr(err.msg, "15W"));
    /* data-center GPUs have no modes */
    assert_int_equal(rl_catalog_find_mode(rl_catalog_find(cat, "h100-sxm5"), "MAXN", &mode, &err),
                     RL_ERR_INVALID);
}

static void name_matching(void **state)
{
    const rl_catalog *cat = *state;
    struct {
        const char *name, *id;
    } cases[] = {
        {"NVIDIA H100 80GB HBM3", "h100-sxm5"}, {"NVIDIA H100 PCIe", "h100-pcie"},
        {"NVIDIA H200", "h200-sxm"},            {"NVIDIA A100-SXM4-80GB", "a100-sxm4-80gb"},
        {"NVIDIA H200 NVL", NULL},              {"NVIDIA H100 NVL", NULL},
        {"NVIDIA GeForce RTX 4090", NULL},      {"Orin", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const rl_catalog_entry *e = rl_catalog_match_cuda(cat, cases[i].name);
        if (cases[i].id == NULL)
            assert_null(e);
        else if (!e || strcmp(e->id, cases[i].id) != 0)
            fail_msg("%s -> %s, expected %s", cases[i].name, e ? e->id : "none", cases[i].id);
    }
    const rl_catalog_entry *e;
    e = rl_catalog_match_jetson(cat, "NVIDIA Jetson Orin NX Engine Reference Carrier Board",
                                "nvidia,p3768-0000+p3767-0001 nvidia,p3767-0001 nvidia,tegra234",
                                0);
    assert_string_equal(e->id, "orin-nx-8gb");
    /* without module ids, the model text and the memory size decide */
    e = rl_catalog_match_jetson(cat, "NVIDIA Jetson Orin NX Engine Reference Carrier Board", "",
                                15655636ull * 1024);
    assert_string_equal(e->id, "orin-nx-16gb");
    e = rl_catalog_match_jetson(cat, "Jetson AGX Orin", "", 62ull << 30);
    assert_string_equal(e->id, "agx-orin-64gb");
    assert_null(rl_catalog_match_jetson(cat, "Jetson AGX Orin", "", 30ull << 30));
}

static void expect_parse_error(const char *text, const char *needle)
{
    rl_catalog_entry e;
    rl_err err = {{0}};
    if (rl_catalog_parse_entry(text, strlen(text), "x.json", &e, &err) == RL_OK)
        fail_msg("accepted: %s", text);
    if (!strstr(err.msg, needle) || !strstr(err.msg, "x.json"))
        fail_msg("message '%s' lacks '%s'", err.msg, needle);
    assert_null(strchr(err.msg, '\n'));
}

#define HEAD "{\"schema\": \"rooflab.catalog/1\", \"id\": \"x\", \"kind\": \"gpu\", " \
             "\"sources\": {\"S\": \"https://example.org\"}, "                    \
             "\"compute_capability\": {\"value\": \"9.0\", \"source\": \"S\"}, "

static void bad_entries(void **state)
{
    (void)state;
    expect_parse_error("{\"schema\": \"rooflab.catalog/1\", ", "not valid JSON");
    expect_parse_error(HEAD "\"memory\": {\"type\": {\"value\": \"HBM3\", \"source\": \"S\"}, "
                            "\"capacity_bytes\": {\"value\": 1e9}}}",
                       "memory.capacity_bytes has no source");
    expect_parse_error(HEAD "\"memory\": {\"type\": {\"value\": \"HBM3\", \"source\": \"Q\"}}}",
                       "'Q'");
    expect_parse_error(HEAD "\"memory\": {\"type\": {\"value\": \"HBM3\", \"source\": \"S\"}, "
                            "\"capacity_bytes\": {\"value\": -1, \"source\": \"S\"}}}",
                       "positive");
    /* sources: a URL or {"title", "url"}; anything else names the key */
    expect_parse_error("{\"schema\": \"rooflab.catalog/1\", \"id\": \"x\", \"kind\": \"gpu\", "
                       "\"sources\": {\"S\": {\"title\": \"T\"}}}",
                       "sources.S");
    expect_parse_error("{\"schema\": \"rooflab.catalog/1\", \"id\": \"x\", \"kind\": \"gpu\", "
                       "\"sources\": {\"S\": 3}}",
                       "sources.S");
    /* a truncated file in a folder: the loader names it */
    rl_catalog cat;
    rl_err err;
    assert_int_equal(rl_catalog_load_dir(ROOFLAB_TEST_DATA "/catalog-bad", &cat, &err),
                     RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "h100-sxm5.json"));
    assert_non_null(strstr(err.msg, "not valid JSON"));
    assert_int_equal(rl_catalog_load_dir(ROOFLAB_TEST_DATA "/absent", &cat, &err), RL_ERR_IO);
}

/* A copy of the shipped catalog file `file` in a fresh folder, with the
 * number after the anchors (found in order: each after the last) replaced
 * by `value`, verbatim (1e999 is kept as text, as a hand-edited file would
 * hold it). Fails the test if an anchor is gone from the shipped file. */
static void write_absurd_copy(const char *dir, const char *file, const char *const *anchors,
                              const char *value)
{
    char src_path[512], dst_path[600];
    snprintf(src_path, sizeof src_path, "%s/devices/catalog/%s", ROOFLAB_SOURCE_DIR, file);
    FILE *f = fopen(src_path, "rb");
    assert_non_null(f);
    static char text[1 << 17];
    const size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    assert_true(len > 0 && len < sizeof text - 1);
    text[len] = '\0';
    const char *at = text;
    for (size_t i = 0; anchors[i]; i++) {
        const char *hit = strstr(at, anchors[i]);
        if (!hit)
            fail_msg("%s: anchor '%s' not found", file, anchors[i]);
        at = hit + strlen(anchors[i]);
    }
    const size_t number = strcspn(at, ",}\n \t");
    assert_true(number > 0);
    snprintf(dst_path, sizeof dst_path, "%s/%s", dir, file);
    FILE *out = fopen(dst_path, "wb");
    assert_non_null(out);
    fwrite(text, 1, (size_t)(at - text), out);
    fputs(value, out);
    fputs(at + number, out);
    assert_int_equal(fclose(out), 0);
}

/* Absurd numbers (a unit slip, a typo) refuse the entry, naming the file
 * and the field. Each case is the shipped entry with one number changed. */
static void absurd_entries(void **state)
{
    (void)state;
    static const char *const bandwidth[] = {"\"bandwidth_gb_per_s\"", "\"value\": ", NULL};
    static const char *const capacity[] = {"\"capacity_bytes\"", "\"value\": ", NULL};
    static const char *const fp16[] = {"\"dense\"", "\"fp16\"", "\"value\": ", NULL};
    static const char *const sms[] = {"\"sms\"", "\"value\": ", NULL};
    static const char *const simt[] = {"\"simt_fma_per_sm_per_clock\"", "\"fp32\"",
                                       "\"value\": ", NULL};
    static const char *const mode_clock[] = {"\"power_modes\"", "\"gpu_max_mhz\": ", NULL};
    static const struct {
        const char *file;
        const char *const *anchors;
        const char *value, *field;
    } cases[] = {
        {"h100-sxm5.json", bandwidth, "3350000", "memory.bandwidth_gb_per_s"},   /* MB/s as GB/s */
        {"h100-sxm5.json", capacity, "8e15", "memory.capacity_bytes"},           /* 8 PB */
        {"h100-sxm5.json", fp16, "989400", "peak_tflop_per_s.dense.fp16"},       /* GFLOP/s */
        {"h100-sxm5.json", sms, "0", "gpu.sms"},
        {"h100-sxm5.json", bandwidth, "1e999", "memory.bandwidth_gb_per_s"},     /* infinite */
        {"h100-sxm5.json", simt, "256", "simt_fma_per_sm_per_clock.fp32"},       /* 2x the PG */
        {"orin-nano-8gb.json", mode_clock, "408000000", "gpu_max_mhz"},          /* Hz as MHz */
    };
    char root[] = "/tmp/rl-absurd-XXXXXX";
    assert_non_null(mkdtemp(root));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char dir[64];
        snprintf(dir, sizeof dir, "%s/%zu", root, i);
        assert_int_equal(mkdir(dir, 0700), 0);
        write_absurd_copy(dir, cases[i].file, cases[i].anchors, cases[i].value);
        rl_catalog cat;
        rl_err err = {{0}};
        if (rl_catalog_load_dir(dir, &cat, &err) != RL_ERR_INVALID)
            fail_msg("case %zu (%s = %s): accepted", i, cases[i].field, cases[i].value);
        if (!strstr(err.msg, cases[i].file) || !strstr(err.msg, cases[i].field))
            fail_msg("case %zu: message '%s' lacks the file or '%s'", i, err.msg,
                     cases[i].field);
        assert_null(strchr(err.msg, '\n'));
        char path[128];
        snprintf(path, sizeof path, "%s/%s", dir, cases[i].file);
        unlink(path);
        rmdir(dir);
    }
    rmdir(root);
}

/* SIMT and special-function peaks derived per SM: SMs x rate x 2 x clock. */
static void unit_peaks(void **state)
{
    const rl_catalog *cat = *state;
    rl_machine m;
    rl_err err;
    assert_int_equal(rl_catalog_machine(rl_catalog_find(cat, "h100-sxm5"), NULL, &m, NULL, &err),
                     RL_OK);
    assert_near(m.simt_flop_per_s[RL_PREC_FP16], 132.0 * 256 * 2 * 1980e6, 1.0); /* 133.8 */
    assert_near(m.simt_flop_per_s[RL_PREC_BF16], 132.0 * 256 * 2 * 1980e6, 1.0);
    assert_near(m.simt_flop_per_s[RL_PREC_FP32], 132.0 * 128 * 2 * 1980e6, 1.0); /* 66.9 */
    assert_near(m.simt_flop_per_s[RL_PREC_FP64], 132.0 * 64 * 2 * 1980e6, 1.0);  /* 33.5 */
    assert_near(m.tensor_flop_per_s[RL_PREC_FP64], 67e12, 1.0);
    assert_near(m.tensor_flop_per_s[RL_PREC_FP16], 989.4e12, 1.0);
    assert_near(m.tensor_flop_per_s[RL_PREC_FP32], 0.0, 0.0); /* fp32 has no MMA */
    assert_near(m.mufu_op_per_s, 132.0 * 16 * 1980e6, 1.0);
    assert_non_null(strstr(m.simt_source[RL_PREC_FP16], "derived: 132 SM x 256"));
    /* every source listed with a title and a URL */
    const rl_catalog_entry *h = rl_catalog_find(cat, "h100-sxm5");
    const rl_cat_source *pg = rl_catalog_source(h, "PG");
    assert_non_null(pg);
    assert_non_null(strstr(pg->url, "docs.nvidia.com/cuda"));
    assert_non_null(strstr(pg->title, "Programming Guide"));
    for (int i = 0; i < cat->count; i++)
        for (int k = 0; k < cat->entries[i].source_count; k++)
            assert_true(cat->entries[i].sources[k].title[0] && cat->entries[i].sources[k].url[0]);
    /* the A100's bf16 SIMT rate is half its fp16 one (39 vs 78 TFLOP/s) */
    assert_int_equal(rl_catalog_machine(rl_catalog_find(cat, "a100-sxm4-80gb"), NULL, &m, NULL,
                                        &err), RL_OK);
    assert_near(m.simt_flop_per_s[RL_PREC_BF16], 108.0 * 128 * 2 * 1410e6, 1.0);
    assert_near(m.simt_flop_per_s[RL_PREC_FP16], 108.0 * 256 * 2 * 1410e6, 1.0);
    /* a Jetson: from each mode's SMs and clock cap */
    const rl_catalog_entry *nx = rl_catalog_find(cat, "orin-nx-16gb");
    const rl_power_mode *mode;
    assert_int_equal(rl_catalog_find_mode(nx, "MAXN", &mode, &err), RL_OK);
    assert_int_equal(rl_catalog_machine(nx, mode, &m, NULL, &err), RL_OK);
    assert_near(m.simt_flop_per_s[RL_PREC_FP32], 8.0 * 128 * 2 * 918e6, 1.0);
    assert_near(m.mufu_op_per_s, 8.0 * 16 * 918e6, 1.0);
    assert_near(m.simt_flop_per_s[RL_PREC_FP16], 0.0, 0.0); /* not sourced for sm_87 */
    assert_int_equal(rl_catalog_machine(nx, NULL, &m, NULL, &err), RL_OK); /* 15W */
    assert_near(m.simt_flop_per_s[RL_PREC_FP32], 4.0 * 128 * 2 * 612e6, 1.0);
    assert_near(m.peak_flop_per_s[RL_PREC_FP32], 4.0 * 128 * 2 * 612e6, 1.0);
    assert_near(m.tensor_flop_per_s[RL_PREC_FP16], 4.0 * 2048 * 612e6, 1.0);
}

static void data_dir(void **state)
{
    (void)state;
    char dir[1024];
    rl_err err;
    assert_int_equal(setenv("ROOFLAB_DATA_DIR", ROOFLAB_TEST_DATA, 1), 0);
    assert_int_equal(rl_data_dir(dir, sizeof dir, &err), RL_ERR_IO);
    assert_non_null(strstr(err.msg, "ROOFLAB_DATA_DIR"));
    assert_int_equal(setenv("ROOFLAB_DATA_DIR", ROOFLAB_SOURCE_DIR, 1), 0);
    assert_int_equal(rl_data_dir(dir, sizeof dir, &err), RL_OK);
    assert_string_equal(dir, ROOFLAB_SOURCE_DIR);
    unsetenv("ROOFLAB_DATA_DIR");
    assert_int_equal(rl_data_dir(dir, sizeof dir, &err), RL_OK);

    char path[1024];
    assert_int_equal(rl_model_config_path("llama-3-8b", path, sizeof path, &err), RL_OK);
    assert_non_null(strstr(path, "model/configs/llama-3-8b.json"));
    assert_int_equal(rl_model_config_path("./my/config.json", path, sizeof path, &err), RL_OK);
    assert_string_equal(path, "./my/config.json");
    assert_int_equal(rl_model_config_path("gpt-5", path, sizeof path, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "llama-3-8b"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_all_entries),  cmocka_unit_test(roofs_are_dense_never_sparse),
        cmocka_unit_test(h100_ridge),         cmocka_unit_test(jetson_power_modes),
        cmocka_unit_test(name_matching),      cmocka_unit_test(bad_entries),
        cmocka_unit_test(data_dir),           cmocka_unit_test(absurd_entries),
        cmocka_unit_test(unit_peaks),
    };
    return cmocka_run_group_tests(tests, catalog_setup, catalog_teardown);
}
