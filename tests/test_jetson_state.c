/* A Jetson's own state from fixtures: devfreq clocks and jetson_clocks
 * pinning, EMC clock, INA3221 rails, thermal zones, the nvpmodel mode; its
 * way into results.json, the summary and the report; energy per call. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/rl_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/rl_device_state.h"
#include "report/rl_report.h"
#include "report/rl_results.h"
#include "report/rl_summary.h"

static bool state_of(const char *fixture, rl_device_state *s)
{
    char root[512];
    snprintf(root, sizeof root, "%s/%s", ROOFLAB_TEST_DATA, fixture);
    rl_device_state_unknown(s);
    return rl_jetson_state_read(root, s);
}

static const rl_power_rail *rail(const rl_device_state *s, const char *name)
{
    for (int i = 0; i < s->rail_count; i++)
        if (strcmp(s->rails[i].name, name) == 0)
            return &s->rails[i];
    return NULL;
}

static void nano_super_25w_state(void **state)
{
    (void)state;
    rl_device_state s;
    assert_true(state_of("jetson-orin-nano-8gb-super-25w", &s));
    assert_string_equal(s.power_mode, "25W");
    assert_near(s.sm_clock_mhz, 918.0, 1e-9);
    assert_near(s.sm_clock_max_mhz, 918.0, 1e-9);
    assert_near(s.sm_clock_min_mhz, 918.0, 1e-9);
    assert_int_equal(s.clocks_pinned, 1);
    assert_near(s.mem_clock_mhz, 3199.0, 1e-9);
    /* hwmon: mV and mA; VDD_IN 5.080 V x 2.304 A */
    assert_int_equal(s.rail_count, 3);
    const rl_power_rail *in = rail(&s, "VDD_IN");
    assert_non_null(in);
    assert_near(in->voltage_v, 5.080, 1e-12);
    assert_near(in->current_a, 2.304, 1e-12);
    assert_near(in->power_w, 5.080 * 2.304, 1e-12);
    assert_near(s.power_draw_w, 5.080 * 2.304, 1e-12);
    assert_non_null(rail(&s, "VDD_CPU_GPU_CV"));
    assert_non_null(rail(&s, "VDD_SOC"));
    assert_near(rail(&s, "VDD_SOC")->power_w, 5.080 * 0.784, 1e-12);
    /* thermal zones in millidegrees; temperature_c is the GPU's */
    assert_int_equal(s.zone_count, 5);
    assert_string_equal(s.zones[0].name, "cpu-thermal");
    assert_near(s.zones[0].temperature_c, 47.5, 1e-12);
    assert_near(s.temperature_c, 46.25, 1e-12);
    /* no power limit is read on a Jetson */
    assert_true(s.power_limit_w < 0);
}

static void orin_nx_not_pinned(void **state)
{
    (void)state;
    rl_device_state s;
    assert_true(state_of("jetson-orin-nx-16gb-40w", &s));
    assert_string_equal(s.power_mode, "40W");
    assert_int_equal(s.clocks_pinned, 0);
    assert_near(s.sm_clock_mhz, 306.0, 1e-9);
    assert_near(s.sm_clock_max_mhz, 1173.0, 1e-9);
    assert_int_equal(s.rail_count, 3);
    char text[1024];
    rl_device_state end = s;
    end.rails[0].power_w = 20.5;
    assert_true(rl_device_state_describe(&s, &end, text, sizeof text));
    assert_non_null(strstr(text, "mode 40W"));
    assert_non_null(strstr(text, "not pinned"));
    assert_non_null(strstr(text, "VDD_IN 17.76 -> 20.50 W"));
    assert_non_null(strstr(text, "gpu-thermal 46.2 -> 46.2 C"));
    /* a short buffer is cut, never overrun */
    char small[20];
    assert_true(rl_device_state_describe(&s, &end, small, sizeof small));
    assert_int_equal(strlen(small), sizeof small - 1);
}

/* The first Jetson fixture has no rails, zones or min_freq: only what is
 * there is filled; a root without a Jetson changes nothing. */
static void partial_and_absent(void **state)
{
    (void)state;
    rl_device_state s;
    assert_true(state_of("jetson-orin-nx-16gb-15w", &s));
    assert_string_equal(s.power_mode, "15W");
    assert_near(s.sm_clock_mhz, 306.0, 1e-9);
    assert_int_equal(s.clocks_pinned, -1);
    assert_int_equal(s.rail_count, 0);
    assert_true(s.power_draw_w < 0);
    assert_false(state_of("hf", &s));
    assert_true(s.sm_clock_mhz < 0);
    assert_string_equal(s.power_mode, "");
}

static rl_case_result gemm_case(void)
{
    rl_case_result c;
    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "gemm/fp32/m256n256k256");
    c.op = RL_OP_GEMM;
    c.precision = RL_PREC_FP32;
    c.flops = 2.0 * 256 * 256 * 256;
    c.bytes = 3.0 * 256 * 256 * 4;
    c.outcome = RL_CASE_OK;
    c.time_s.median = 1e-3;
    c.time_s.count = 5;
    return c;
}

static void energy_per_call(void **state)
{
    (void)state;
    rl_device_state before, after;
    rl_device_state_unknown(&before);
    rl_device_state_unknown(&after);
    rl_case_result c = gemm_case();
    /* no power read: no estimate */
    rl_case_energy_estimate(&c, &before, &after);
    assert_false(c.energy.present);
    before.power_draw_w = 10.0;
    after.power_draw_w = 12.0;
    rl_case_energy_estimate(&c, &before, &after);
    assert_true(c.energy.present);
    /* (10 + 12) / 2 W x 1 ms = 11 mJ */
    assert_near(c.energy.joule_per_call, 0.011, 1e-15);
    assert_near(c.energy.flop_per_joule, 2.0 * 256 * 256 * 256 / 0.011, 1e-3);
    assert_near(c.energy.byte_per_joule, 3.0 * 256 * 256 * 4 / 0.011, 1e-6);
    char text[160];
    assert_true(rl_energy_describe(&c, text, sizeof text));
    assert_non_null(strstr(text, "11 mJ per call"));
    assert_non_null(strstr(text, "GFLOP/J"));
    /* a case that did not run has none */
    c.outcome = RL_CASE_VALIDATION_FAILED;
    rl_case_energy_estimate(&c, &before, &after);
    assert_false(c.energy.present);
    assert_false(rl_energy_describe(&c, text, sizeof text));
}

/* The Jetson state and the energy estimate through results.json, the
 * summary and the report page. */
static void through_results(void **state)
{
    (void)state;
    rl_results r;
    rl_results_init(&r);
    snprintf(r.info.device, sizeof r.info.device, "cuda:0");
    r.info.device_state_read = true;
    assert_true(state_of("jetson-orin-nano-8gb-super-25w", &r.info.device_start));
    assert_true(state_of("jetson-orin-nano-8gb-maxn-super", &r.info.device_end));
    rl_case_result c = gemm_case();
    rl_case_energy_estimate(&c, &r.info.device_start, &r.info.device_end);
    assert_true(c.energy.present);
    rl_err err;
    assert_int_equal(rl_results_append(&r, &c, &err), RL_OK);

    char *json = rl_results_to_json(&r);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"energy_estimate\""));
    assert_non_null(strstr(json, "\"thermal_zones\""));
    rl_results back;
    rl_results_init(&back);
    assert_int_equal(rl_results_parse_json(json, &back, &err), RL_OK);
    free(json);
    const rl_device_state *s = &back.info.device_start, *e = &back.info.device_end;
    assert_string_equal(s->power_mode, "25W");
    assert_string_equal(e->power_mode, "MAXN_SUPER");
    assert_int_equal(s->clocks_pinned, 1);
    assert_near(s->sm_clock_max_mhz, 918.0, 1e-9);
    assert_near(e->sm_clock_max_mhz, 1020.0, 1e-9);
    assert_int_equal(e->rail_count, 3);
    assert_string_equal(e->rails[0].name, "VDD_IN");
    assert_near(e->rails[0].power_w, 5.080 * 2.904, 1e-9);
    assert_int_equal(e->zone_count, 5);
    assert_near(e->temperature_c, 46.25, 1e-9);
    assert_true(back.cases[0].energy.present);
    assert_near(back.cases[0].energy.joule_per_call, c.energy.joule_per_call, 1e-15);
    assert_near(back.cases[0].energy.power_after_w, 5.080 * 2.904, 1e-9);

    char *summary = NULL;
    size_t summary_len = 0;
    FILE *f = open_memstream(&summary, &summary_len);
    assert_non_null(f);
    rl_summary_print(&back, f);
    fclose(f);
    assert_non_null(strstr(summary, "mode 25W -> MAXN_SUPER"));
    assert_non_null(strstr(summary, "VDD_IN"));
    assert_non_null(strstr(summary, "Energy per call (estimate"));
    assert_non_null(strstr(summary, "GFLOP/J"));
    free(summary);
    char *html = rl_report_html_string(&back);
    assert_non_null(html);
    assert_non_null(strstr(html, "Energy per call (estimate)"));
    assert_non_null(strstr(html, "VDD_CPU_GPU_CV"));
    free(html);
    rl_results_free(&back);
    rl_results_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nano_super_25w_state),
        cmocka_unit_test(orin_nx_not_pinned),
        cmocka_unit_test(partial_and_absent),
        cmocka_unit_test(energy_per_call),
        cmocka_unit_test(through_results),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
