/* results.json round trip through cJSON, CSV, atomic writes, bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/rl_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/rl_ceilings_file.h"
#include "report/rl_results.h"

static void make_results(rl_results *r)
{
    rl_results_init(r);
    snprintf(r->info.tool_version, sizeof r->info.tool_version, "0.1.0");
    snprintf(r->info.host, sizeof r->info.host, "node-a");
    snprintf(r->info.device, sizeof r->info.device, "cpu");
    snprintf(r->info.suite, sizeof r->info.suite, "tiny");
    snprintf(r->info.cpu.model, sizeof r->info.cpu.model, "Test CPU \"quoted\"");
    r->info.cpu.cores = 2;
    r->info.seed = 18446744073709551557ull; /* beyond double's exact range */
    r->info.env_count = 1;
    snprintf(r->info.env[0], sizeof r->info.env[0], "OPENBLAS_CORETYPE=Haswell");
    rl_case_result c = {0};
    snprintf(c.name, sizeof c.name, "gemm/fp32/m=64,n=48,k=80");
    c.op = RL_OP_GEMM;
    c.precision = RL_PREC_FP32;
    c.shape = (rl_shape){.m = 64, .n = 48, .k = 80};
    c.flops = rl_op_flops(c.op, &c.shape);
    c.bytes = rl_op_bytes(c.op, c.precision, &c.shape);
    c.intensity = c.flops / c.bytes;
    c.time_s = (rl_stats){.count = 25, .median = 1.5e-5, .p10 = 1.4e-5, .p90 = 1.9e-5,
                          .min = 1.3e-5, .max = 2.2e-5, .cv = 0.07};
    c.flop_per_s = c.flops / c.time_s.median;
    c.byte_per_s = c.bytes / c.time_s.median;
    c.validation = (rl_validation){.checked = true, .passed = true, .max_rel_err = 3e-7,
                                   .tolerance = 4e-6, .checked_units = 3072, .total_units = 3072};
    snprintf(c.cache, sizeof c.cache, "flushed before each sample");
    snprintf(c.backend, sizeof c.backend, "cpu");
    assert_int_equal(rl_results_append(r, &c, NULL), RL_OK);
    rl_case_result f = c;
    snprintf(f.name, sizeof f.name, "softmax/fp32/rows=3,cols=5");
    f.op = RL_OP_SOFTMAX;
    f.shape = (rl_shape){.rows = 3, .cols = 5};
    f.outcome = RL_CASE_VALIDATION_FAILED;
    f.validation.passed = false;
    snprintf(f.message, sizeof f.message, "max relative error 0.5 exceeds tolerance 1e-6");
    assert_int_equal(rl_results_append(r, &f, NULL), RL_OK);
    rl_roof_set *m = &r->ceilings.measured;
    m->memory_count = 1;
    snprintf(m->memory[0].name, sizeof m->memory[0].name, "DRAM");
    m->memory[0].value = 21.5e9;
    m->compute_count = 1;
    snprintf(m->compute[0].name, sizeof m->compute[0].name, "fp32");
    snprintf(m->compute[0].unit, sizeof m->compute[0].unit, "simd");
    m->compute[0].value = 190e9;
}

static char *temp_dir(void)
{
    char *dir = strdup("/tmp/rooflab-test-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void json_round_trip(void **state)
{
    (void)state;
    rl_results r, back;
    make_results(&r);
    r.complete = true;
    char *dir = temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/results.json", dir);
    assert_int_equal(rl_results_write_json(&r, path, NULL), RL_OK);
    rl_err err;
    assert_int_equal(rl_results_read_json(path, &back, &err), RL_OK);
    assert_true(back.complete);
    assert_string_equal(back.info.host, "node-a");
    assert_string_equal(back.info.cpu.model, "Test CPU \"quoted\"");
    assert_true(back.info.seed == r.info.seed);
    assert_int_equal(back.count, 2);
    const rl_case_result *a = &back.cases[0], *b = &r.cases[0];
    assert_string_equal(a->name, b->name);
    assert_int_equal(a->op, RL_OP_GEMM);
    assert_int_equal(a->shape.k, 80);
    assert_near(a->flops, b->flops, 0.0);
    assert_near(a->time_s.median, b->time_s.median, 0.0);
    assert_near(a->time_s.p90, b->time_s.p90, 0.0);
    assert_int_equal(a->time_s.count, 25);
    assert_near(a->flop_per_s, b->flop_per_s, b->flop_per_s * 1e-15);
    assert_true(a->validation.passed);
    assert_int_equal(back.ceilings.measured.memory_count, 1);
    assert_string_equal(back.ceilings.measured.memory[0].name, "DRAM");
    assert_near(back.ceilings.measured.memory[0].value, 21.5e9, 0.0);
    assert_string_equal(back.ceilings.measured.compute[0].unit, "simd");
    assert_int_equal(back.ceilings.datasheet.compute_count, 0);
    assert_int_equal(back.cases[1].outcome, RL_CASE_VALIDATION_FAILED);
    assert_false(back.cases[1].validation.passed);
    /* a failed case is never timed */
    assert_near(back.cases[1].time_s.median, 0.0, 0.0);
    /* no device state was read: none comes back */
    assert_false(back.info.device_state_read);
    rl_results_free(&back);

    /* the device state: known fields come back, unknown ones stay unknown */
    r.info.device_state_read = true;
    rl_device_state_unknown(&r.info.device_start);
    r.info.device_start.sm_clock_mhz = 1980.0;
    r.info.device_start.power_limit_w = 700.0;
    r.info.device_end = r.info.device_start;
    r.info.device_end.sm_clock_mhz = 1755.0;
    r.info.device_end.temperature_c = 71.0;
    assert_int_equal(rl_results_write_json(&r, path, NULL), RL_OK);
    assert_int_equal(rl_results_read_json(path, &back, NULL), RL_OK);
    assert_true(back.info.device_state_read);
    assert_near(back.info.device_start.sm_clock_mhz, 1980.0, 0.0);
    assert_near(back.info.device_end.sm_clock_mhz, 1755.0, 0.0);
    assert_near(back.info.device_end.power_limit_w, 700.0, 0.0);
    assert_near(back.info.device_end.temperature_c, 71.0, 0.0);
    assert_true(back.info.device_start.temperature_c < 0);
    assert_true(back.info.device_start.mem_clock_mhz < 0);
    assert_true(back.info.device_end.power_draw_w < 0);
    rl_results_free(&back);

    /* partial status survives too */
    r.complete = false;
    assert_int_equal(rl_results_write_json(&r, path, NULL), RL_OK);
    assert_int_equal(rl_results_read_json(path, &back, NULL), RL_OK);
    assert_false(back.complete);
    rl_results_free(&back);
    rl_results_free(&r);
    unlink(path);
    rmdir(dir);
    free(dir);
}

static void device_state_text(void **state)
{
    (void)state;
    rl_device_state a, b;
    rl_device_state_unknown(&a);
    rl_device_state_unknown(&b);
    char text[256];
    /* nothing known: nothing to say */
    assert_false(rl_device_state_describe(&a, &b, text, sizeof text));
    assert_string_equal(text, "");
    a.sm_clock_mhz = 1980.0;
    b.sm_clock_mhz = 1755.0;
    b.power_draw_w = 612.4;
    assert_true(rl_device_state_describe(&a, &b, text, sizeof text));
    assert_string_equal(text, "clock 1980 -> 1755 MHz; power ? -> 612 W");
    /* a short buffer is cut, never overrun */
    char small[12];
    assert_true(rl_device_state_describe(&a, &b, small, sizeof small));
    assert_int_equal(strlen(small), sizeof small - 1);
}

static void csv_rows(void **state)
{
    (void)state;
    rl_results r;
    make_results(&r);
    char *dir = temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/results.csv", dir);
    assert_int_equal(rl_results_write_csv(&r, path, NULL), RL_OK);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    int lines = 0;
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "name,op,precision"));
    assert_non_null(strstr(line, "time_median_s"));
    lines++;
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "\"gemm/fp32/m=64,n=48,k=80\",gemm,fp32,64,48,80"));
    lines++;
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "failed_validation"));
    lines++;
    assert_null(fgets(line, sizeof line, f));
    assert_int_equal(lines, 3);
    fclose(f);
    unlink(path);
    rmdir(dir);
    free(dir);
    rl_results_free(&r);
}

static void malformed_json(void **state)
{
    (void)state;
    rl_results r;
    rl_err err;
    assert_int_equal(rl_results_parse_json("{\"schema\": \"rooflab.results/1\", \"cases\": [", &r,
                                           &err),
                     RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "malformed"));
    assert_int_equal(rl_results_parse_json("{\"schema\": \"other/2\", \"cases\": []}", &r, &err),
                     RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "schema"));
    assert_int_equal(rl_results_parse_json("{\"schema\": \"rooflab.results/1\", \"cases\": "
                                           "[{\"op\": \"matmul\", \"precision\": \"fp32\"}]}",
                                           &r, &err),
                     RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "matmul"));
    assert_int_equal(rl_results_read_json("/nonexistent/results.json", &r, &err), RL_ERR_IO);
}

/* Every message is one short printable line: no raw bytes of the input. */
static void assert_clean_message(const char *msg)
{
    assert_true(strlen(msg) < 300);
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
        if (*p < 0x20 || *p >= 0x7f)
            fail_msg("raw byte 0x%02x in message: %s", *p, msg);
}

static rl_status parse_case(const char *case_json, rl_results *r, rl_err *err)
{
    char doc[2048];
    snprintf(doc, sizeof doc, "{\"schema\": \"rooflab.results/1\", \"cases\": [%s]}", case_json);
    return rl_results_parse_json(doc, r, err);
}

static rl_status parse_top(const char *members, rl_results *r, rl_err *err)
{
    char doc[2048];
    snprintf(doc, sizeof doc, "{\"schema\": \"rooflab.results/1\", %s, \"cases\": []}", members);
    return rl_results_parse_json(doc, r, err);
}

/* Numbers no run writes are refused with a line naming the field, before
 * any cast: today's casts of 1e300 and -1 into int and size_t are undefined. */
static void hostile_numbers(void **state)
{
    (void)state;
    static const struct {
        const char *json, *words;
    } cases[] = {
        {"{\"op\": \"gemm\", \"precision\": \"fp32\", \"shape\": {\"m\": 1e300}}", "\"m\""},
        {"{\"op\": \"gemm\", \"precision\": \"fp32\", \"shape\": {\"m\": -1}}", "\"m\""},
        {"{\"op\": \"gemm\", \"precision\": \"fp32\", \"shape\": {\"k\": 2.5}}", "whole number"},
        {"{\"op\": \"gemm\", \"precision\": \"fp32\", \"kernel_version\": 1e300}", "kernel_version"},
        {"{\"op\": \"gemm\", \"precision\": \"fp32\", \"time_s\": {\"repetitions\": -1}}",
         "repetitions"},
        {"{\"op\": \"gemm\", \"precision\": \"fp32\", \"time_s\": {\"median\": -0.5}}", "median"},
        {"{\"op\": \"gemm\", \"precision\": \"fp32\", \"flops\": 1e999}", "flops"},
        {"{\"op\": \"gemm\", \"precision\": \"fp32\", \"flops\": \"12\"}", "not a number"},
        {"{\"op\": \"gemm\", \"precision\": \"fp32\", \"achieved\": {\"flop_per_s\": 1e308}}",
         "flop_per_s"},
        {"{\"op\": \"gemm\", \"precision\": \"fp32\", \"validation\": {\"checked_units\": 1e19}}",
         "checked_units"},
        {"{\"op\": \"gemm\", \"precision\": \"fp32\", \"predicted\": {\"mfu\": -3}}", "mfu"},
        {"{\"op\": \"gemm\", \"precision\": \"fp32\", \"energy_estimate\": "
         "{\"joule_per_call\": 1e300}}",
         "joule_per_call"},
        {"7", "not an object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rl_results r;
        rl_err err = {{0}};
        if (parse_case(cases[i].json, &r, &err) != RL_ERR_INVALID)
            fail_msg("accepted: %s", cases[i].json);
        if (!strstr(err.msg, cases[i].words))
            fail_msg("'%s' not in: %s", cases[i].words, err.msg);
        assert_clean_message(err.msg);
    }
    static const struct {
        const char *json, *words;
    } tops[] = {
        {"\"threads\": 1e300", "threads"},
        {"\"cpu\": {\"llc_bytes\": -1}", "llc_bytes"},
        {"\"cpu\": {\"cores\": 1e10}", "cores"},
        {"\"blas\": {\"threads\": -7}", "threads"},
        {"\"device_state\": {\"start\": {\"clock_mhz\": 1e300}}", "clock_mhz"},
        {"\"device_state\": {\"end\": {\"rails\": [{\"name\": \"VDD_IN\", \"power_w\": 1e300}]}}",
         "power_w"},
        {"\"ceilings\": {\"measured\": {\"memory\": [{\"level\": \"L1\", \"byte_per_s\": 5e-324}]}}",
         "L1"},
        {"\"ceilings\": {\"datasheet\": {\"compute\": [{\"precision\": \"fp32\", \"flop_per_s\": "
         "1e308}]}}",
         "fp32"},
        {"\"ceilings\": {\"datasheet\": {\"memory\": [{\"level\": \"DRAM\"}]}}", "missing"},
    };
    for (size_t i = 0; i < sizeof tops / sizeof tops[0]; i++) {
        rl_results r;
        rl_err err = {{0}};
        if (parse_top(tops[i].json, &r, &err) != RL_ERR_INVALID)
            fail_msg("accepted: %s", tops[i].json);
        if (!strstr(err.msg, tops[i].words))
            fail_msg("'%s' not in: %s", tops[i].words, err.msg);
        assert_clean_message(err.msg);
    }
    /* null is what cJSON writes for NaN and infinity: read as absent */
    rl_results r;
    rl_err err;
    assert_int_equal(parse_case("{\"op\": \"gemm\", \"precision\": \"fp32\", \"status\": \"ok\", "
                                "\"time_s\": {\"median\": 0.5, \"cv\": null}, "
                                "\"validation\": {\"max_rel_err\": null}}",
                                &r, &err),
                     RL_OK);
    assert_int_equal(r.count, 1);
    assert_near(r.cases[0].time_s.median, 0.5, 0);
    rl_results_free(&r);
    /* a failed validation's error may be astronomic and is still read */
    assert_int_equal(parse_case("{\"op\": \"gemm\", \"precision\": \"fp32\", "
                                "\"status\": \"validation_failed\", "
                                "\"validation\": {\"max_rel_err\": 1e300}}",
                                &r, &err),
                     RL_OK);
    rl_results_free(&r);
}

/* Binary garbage and control characters never reach a message or a string
 * field as raw bytes. */
static void hostile_bytes(void **state)
{
    (void)state;
    rl_results r;
    rl_err err;
    const char garbage[] = "{\"schema\": \"rooflab.results/1\", \"cases\": [\x01\x02\xff\xfe\n"
                           "\x1b[31mred\x1b[0m\n\n\n";
    assert_int_equal(rl_results_parse_json(garbage, &r, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "malformed JSON at line 1"));
    assert_clean_message(err.msg);
    assert_int_equal(parse_case("{\"op\": \"\\u001b[2J\\u0007gemm\xff\", \"precision\": \"fp32\"}",
                                &r, &err),
                     RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "unknown op"));
    assert_clean_message(err.msg);
    char long_op[600];
    memset(long_op, 'x', sizeof long_op);
    memcpy(long_op, "{\"op\": \"", 8);
    snprintf(long_op + 500, 100, "\", \"precision\": \"fp32\"}");
    assert_int_equal(parse_case(long_op, &r, &err), RL_ERR_INVALID);
    assert_clean_message(err.msg);
    assert_true(strlen(err.msg) < 100);
    /* string fields keep valid UTF-8 and lose control characters */
    assert_int_equal(parse_top("\"host\": \"n\\u00f6de\\n\\u001b[31m\\t-a\"", &r, &err), RL_OK);
    assert_string_equal(r.info.host, "n\xc3\xb6" "de??[31m?-a");
    rl_results_free(&r);
}

/* A folder, an empty file and a huge file are said as such. */
static void unreadable_files(void **state)
{
    (void)state;
    rl_results r;
    rl_err err;
    char *dir = temp_dir();
    assert_int_equal(rl_results_read_json(dir, &r, &err), RL_ERR_IO);
    assert_non_null(strstr(err.msg, "Is a directory"));
    assert_null(strstr(err.msg, "malformed"));
    char path[600];
    snprintf(path, sizeof path, "%s/empty.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(rl_results_read_json(path, &r, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "unexpected end"));
    unlink(path);
    rmdir(dir);
    free(dir);
}

static rl_status load_ceilings_text(const char *dir, const char *text, rl_err *err)
{
    char path[600];
    snprintf(path, sizeof path, "%s/c.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    rl_ceilings_record rec;
    rl_status s = rl_ceilings_load(path, &rec, err);
    unlink(path);
    return s;
}

/* The ceilings cache: implausible roofs and sweep points refused, a folder
 * said as such. */
static void hostile_ceilings(void **state)
{
    (void)state;
    char *dir = temp_dir();
    rl_err err;
    static const struct {
        const char *body, *words;
    } bad[] = {
        {"\"measured\": {\"memory\": [{\"level\": \"L1\", \"byte_per_s\": 5e-324}]}", "L1"},
        {"\"measured\": {\"compute\": [{\"precision\": \"fp32\", \"flop_per_s\": 1e308}]}", "fp32"},
        {"\"measured\": {\"compute\": [{\"precision\": \"fp32\", \"flop_per_s\": -1}]}", "fp32"},
        {"\"sweep\": [{\"working_set_bytes\": -4096, \"byte_per_s\": 1e10}]}", "working_set"},
        {"\"sweep\": [{\"working_set_bytes\": 4096, \"byte_per_s\": 1e999}]}", "byte_per_s"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, "{\"schema\": \"rooflab.ceilings/1\", %s}", bad[i].body);
        if (load_ceilings_text(dir, text, &err) != RL_ERR_INVALID)
            fail_msg("accepted: %s", text);
        if (!strstr(err.msg, bad[i].words))
            fail_msg("'%s' not in: %s", bad[i].words, err.msg);
        assert_clean_message(err.msg);
    }
    assert_int_equal(load_ceilings_text(dir, "\x7f" "ELF\x02\x01\x01\n\n", &err), RL_ERR_INVALID);
    assert_clean_message(err.msg);
    assert_int_equal(load_ceilings_text(dir,
                                        "{\"schema\": \"rooflab.ceilings/1\", \"measured\": "
                                        "{\"memory\": [{\"level\": \"DRAM\", \"byte_per_s\": "
                                        "2.5e10}]}, \"sweep\": [{\"working_set_bytes\": 4096, "
                                        "\"byte_per_s\": 1e11}]}",
                                        &err),
                     RL_OK);
    rl_ceilings_record rec;
    assert_int_equal(rl_ceilings_load(dir, &rec, &err), RL_ERR_IO);
    assert_non_null(strstr(err.msg, "Is a directory"));
    rmdir(dir);
    free(dir);
}

static void unwritable_places(void **state)
{
    (void)state;
    rl_err err;
    /* a folder under a regular file cannot be created, even by root */
    assert_int_equal(rl_make_output_dir("/dev/null/results", &err), RL_ERR_IO);
    assert_non_null(strstr(err.msg, "/dev/null"));
    assert_int_equal(rl_write_file_atomic("/nonexistent-dir/x.json", "{}", 2, &err), RL_ERR_IO);
    char *dir = temp_dir();
    char nested[512];
    snprintf(nested, sizeof nested, "%s/a/b/c", dir);
    assert_int_equal(rl_make_output_dir(nested, &err), RL_OK);
    char file[600];
    snprintf(file, sizeof file, "%s/out.txt", nested);
    assert_int_equal(rl_write_file_atomic(file, "hello\n", 6, &err), RL_OK);
    FILE *f = fopen(file, "r");
    char buf[16] = {0};
    assert_non_null(f);
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, "hello\n");
    unlink(file);
    char p[600];
    snprintf(p, sizeof p, "%s/a/b/c", dir);
    rmdir(p);
    snprintf(p, sizeof p, "%s/a/b", dir);
    rmdir(p);
    snprintf(p, sizeof p, "%s/a", dir);
    rmdir(p);
    rmdir(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_round_trip),
        cmocka_unit_test(device_state_text),
        cmocka_unit_test(csv_rows),
        cmocka_unit_test(malformed_json),
        cmocka_unit_test(unwritable_places),
        cmocka_unit_test(hostile_numbers),
        cmocka_unit_test(hostile_bytes),
        cmocka_unit_test(unreadable_files),
        cmocka_unit_test(hostile_ceilings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
