/* Tests of the interactive roofline's data and panel: the roofs embedded per
 * device, power mode and precision are the model's (rl_predict_case's roof
 * and bandwidth), refusals carry the backend table's message, the run's
 * measured points are there, and nothing in the data can end its script
 * element. (tests/cli/interactive.sh checks the page itself in Chromium.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "devices/rl_catalog.h"
#include "kernels/rl_support.h"
#include "model/rl_roofline.h"
#include "report/rl_interactive.h"
#include "rl_test.h"

static const cJSON *find_id(const cJSON *arr, const char *key, const char *id)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, arr)
    {
        const cJSON *v = cJSON_GetObjectItem(o, key);
        if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0)
            return o;
    }
    return NULL;
}

static int index_of(const cJSON *arr, const char *name)
{
    int i = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, arr)
    {
        if (strcmp(cJSON_GetObjectItem(o, "name")->valuestring, name) == 0)
            return i;
        i++;
    }
    return -1;
}

static cJSON *load(const rl_results *run)
{
    char *text = NULL;
    rl_err err;
    assert_int_equal(rl_interactive_data_json(run, NULL, &text, &err), RL_OK);
    cJSON *d = cJSON_Parse(text);
    free(text);
    assert_non_null(d);
    assert_string_equal(cJSON_GetObjectItem(d, "schema")->valuestring, "rooflab.lab/1");
    return d;
}

/* Every case of every machine of the catalog against the model and the
 * backend table, the way rooflab predict derives them. */
static void test_every_case_is_the_models(void **state)
{
    cJSON *d = load(NULL);
    rl_catalog cat;
    rl_err err;
    assert_int_equal(rl_catalog_load(&cat, &err), RL_OK);
    const cJSON *devices = cJSON_GetObjectItem(d, "devices");
    const cJSON *ops = cJSON_GetObjectItem(d, "ops");
    const cJSON *messages = cJSON_GetObjectItem(d, "messages");
    assert_int_equal(cJSON_GetArraySize(devices), cat.count);
    int checked = 0, refused = 0;
    const rl_shape shape = {.m = 512, .n = 512, .k = 512, .rows = 512, .cols = 512};
    for (int i = 0; i < cat.count; i++) {
        const rl_catalog_entry *e = &cat.entries[i];
        const cJSON *dev = find_id(devices, "id", e->id);
        assert_non_null(dev);
        const cJSON *machines = cJSON_GetObjectItem(dev, "machines");
        assert_int_equal(cJSON_GetArraySize(machines), e->mode_count ? e->mode_count : 1);
        int cc_major = 0, cc_minor = 0;
        assert_int_equal(sscanf(e->compute_capability, "%d.%d", &cc_major, &cc_minor), 2);
        for (int mi = 0; mi < cJSON_GetArraySize(machines); mi++) {
            const rl_power_mode *mode = e->mode_count ? &e->modes[mi] : NULL;
            rl_machine m;
            assert_int_equal(rl_catalog_machine(e, mode, &m, NULL, &err), RL_OK);
            const cJSON *mj = cJSON_GetArrayItem(machines, mi);
            assert_near(cJSON_GetObjectItem(mj, "byte_per_s")->valuedouble, m.mem[0].byte_per_s, 0);
            assert_string_equal(cJSON_GetObjectItem(mj, "mem")->valuestring, m.mem[0].name);
            assert_near(cJSON_GetObjectItem(mj, "mufu_op_per_s")->valuedouble, m.mufu_op_per_s, 0);
            const cJSON *roofs = cJSON_GetObjectItem(mj, "roofs");
            const cJSON *cases = cJSON_GetObjectItem(mj, "cases");
            assert_int_equal(cJSON_GetArraySize(cases), RL_PREC_COUNT);
            for (int p = 0; p < RL_PREC_COUNT; p++) {
                for (int op = 0; op < RL_OP_COUNT; op++) {
                    const int oi = index_of(ops, rl_op_name((rl_op)op));
                    if (op != RL_OP_GEMM && !rl_op_is_rowwise((rl_op)op)) {
                        assert_int_equal(oi, -1);
                        continue;
                    }
                    assert_true(oi >= 0);
                    const int v = (int)cJSON_GetArrayItem(cJSON_GetArrayItem(cases, p), oi)->valueint;
                    rl_err why;
                    rl_case_prediction r;
                    if (!rl_cuda_runs((rl_op)op, (rl_precision)p, cc_major, cc_minor, &why)) {
                        assert_true(v < 0);
                        const cJSON *msg = cJSON_GetArrayItem(messages, -1 - v);
                        assert_string_equal(cJSON_GetObjectItem(msg, "kind")->valuestring, "refused");
                        assert_string_equal(cJSON_GetObjectItem(msg, "text")->valuestring, why.msg);
                        refused++;
                    } else if (rl_predict_case(&m, (rl_op)op, (rl_precision)p, &shape, &r, &why) !=
                               RL_OK) {
                        assert_true(v < 0);
                        const cJSON *msg = cJSON_GetArrayItem(messages, -1 - v);
                        assert_string_equal(cJSON_GetObjectItem(msg, "kind")->valuestring, "unknown");
                        assert_string_equal(cJSON_GetObjectItem(msg, "text")->valuestring, why.msg);
                        refused++;
                    } else {
                        assert_true(v >= 0);
                        const cJSON *roof = cJSON_GetArrayItem(roofs, v);
                        assert_string_equal(cJSON_GetObjectItem(roof, "name")->valuestring,
                                            r.roof.name);
                        assert_near(cJSON_GetObjectItem(roof, "flop_per_s")->valuedouble,
                                    r.peak_flop_per_s, 0);
                        assert_near(cJSON_GetObjectItem(roof, "ridge")->valuedouble, r.ridge, 0);
                        checked++;
                    }
                }
            }
        }
    }
    assert_true(checked > 500);
    assert_true(refused > 100);
    const cJSON *precs = cJSON_GetObjectItem(d, "precisions");
    const cJSON *fp8 = find_id(precs, "name", "fp8");
    assert_int_equal(cJSON_GetObjectItem(fp8, "in_bytes")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(fp8, "gemm_out_bytes")->valueint, 2); /* bf16 out */
    assert_int_equal(cJSON_GetObjectItem(find_id(precs, "name", "int8"), "gemm_out_bytes")->valueint, 4);
    /* a page of predictions alone has no measured points, and starts on the H100 */
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(d, "measured")), 0);
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(d, "start"), "device")->valuestring, "h100-sxm5");
    rl_catalog_free(&cat);
    cJSON_Delete(d);
}

/* Jetson modes are keyed as predict --power-mode takes them. */
static void test_mode_keys(void **state)
{
    cJSON *d = load(NULL);
    const cJSON *nx = find_id(cJSON_GetObjectItem(d, "devices"), "id", "orin-nx-16gb");
    assert_non_null(nx);
    const cJSON *modes = cJSON_GetObjectItem(nx, "modes");
    const cJSON *def = NULL, *super = NULL, *m;
    cJSON_ArrayForEach(m, modes)
    {
        if (cJSON_IsTrue(cJSON_GetObjectItem(m, "default")))
            def = m;
        if (cJSON_IsTrue(cJSON_GetObjectItem(m, "super")))
            super = m;
    }
    assert_non_null(def);
    assert_string_equal(cJSON_GetObjectItem(def, "key")->valuestring, "15W");
    assert_non_null(super);
    assert_non_null(strstr(cJSON_GetObjectItem(super, "key")->valuestring, "@super"));
    /* each machine names its mode by the same key */
    const cJSON *machines = cJSON_GetObjectItem(nx, "machines");
    for (int i = 0; i < cJSON_GetArraySize(modes); i++)
        assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(machines, i), "mode")->valuestring,
                            cJSON_GetObjectItem(cJSON_GetArrayItem(modes, i), "key")->valuestring);
    cJSON_Delete(d);
}

/* The run's measured points, and a hostile name that cannot end the script. */
static void test_panel_embeds_the_run(void **state)
{
    rl_results r;
    rl_results_init(&r);
    snprintf(r.info.device_description, sizeof r.info.device_description, "NVIDIA H100 80GB HBM3");
    rl_case_result c = {0};
    c.op = RL_OP_GEMM;
    c.precision = RL_PREC_FP16;
    c.outcome = RL_CASE_OK;
    c.flops = 2e9;
    c.intensity = 100;
    c.flop_per_s = 5e14;
    c.time_s.median = 4e-6;
    snprintf(c.name, sizeof c.name, "gemm</script><!-- & \"x\"");
    rl_err err;
    assert_int_equal(rl_results_append(&r, &c, &err), RL_OK);
    c.outcome = RL_CASE_UNSUPPORTED; /* not drawn */
    snprintf(c.name, sizeof c.name, "not run");
    assert_int_equal(rl_results_append(&r, &c, &err), RL_OK);

    cJSON *d = load(&r);
    const cJSON *pts = cJSON_GetObjectItem(d, "measured");
    assert_int_equal(cJSON_GetArraySize(pts), 1);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(pts, 0), "name")->valuestring,
                        "gemm</script><!-- & \"x\"");
    assert_near(cJSON_GetObjectItem(cJSON_GetArrayItem(pts, 0), "flop_per_s")->valuedouble, 5e14, 0);
    /* the run's GPU is recognised in the catalog */
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(d, "start"), "device")->valuestring, "h100-sxm5");
    cJSON_Delete(d);

    rl_sbuf b;
    rl_sbuf_init(&b);
    rl_interactive_panel(&b, &r, &(rl_lab_start){.device = "orin-nx-16gb", .power_mode = "MAXN"});
    char *html = rl_sbuf_take(&b);
    assert_non_null(html);
    const char *data = strstr(html, "<script type=\"application/json\" id=\"rl-lab-data\">");
    assert_non_null(data);
    data += strlen("<script type=\"application/json\" id=\"rl-lab-data\">");
    const char *end = strstr(data, "</script>");
    assert_non_null(end);
    /* the data's text holds no < > &: nothing in it can end or confuse the element */
    assert_null(memchr(data, '<', (size_t)(end - data)));
    assert_null(memchr(data, '&', (size_t)(end - data)));
    char *json = strndup(data, (size_t)(end - data));
    cJSON *again = cJSON_Parse(json);
    assert_non_null(again);
    const cJSON *start = cJSON_GetObjectItem(again, "start");
    assert_string_equal(cJSON_GetObjectItem(start, "device")->valuestring, "orin-nx-16gb");
    assert_string_equal(cJSON_GetObjectItem(start, "mode")->valuestring, "MAXN");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(again, "measured"), 0),
                                            "name")->valuestring,
                        "gemm</script><!-- & \"x\"");
    cJSON_Delete(again);
    free(json);
    /* the script is the embedded asset, whole */
    assert_non_null(strstr(html, rl_lab_js));
    assert_non_null(strstr(rl_lab_js, "function predict("));
    assert_non_null(strstr(html, rl_lab_css));
    free(html);
    rl_results_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_case_is_the_models),
        cmocka_unit_test(test_mode_keys),
        cmocka_unit_test(test_panel_embeds_the_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
