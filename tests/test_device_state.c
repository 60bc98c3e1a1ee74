/* The device's state while a case runs: the worst of several readings,
 * which throttle reasons count as power or thermal throttling, and the
 * per-case record in results.json (written and read back). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "devices/rl_device_state.h"
#include "report/rl_results.h"

static rl_device_state reading(double clock, double power, double temp, long long reasons)
{
    rl_device_state s;
    rl_device_state_unknown(&s);
    s.sm_clock_mhz = clock;
    s.mem_clock_mhz = clock > 0 ? 2619.0 : -1.0;
    s.power_draw_w = power;
    s.power_limit_w = power > 0 ? 700.0 : -1.0;
    s.temperature_c = temp;
    s.throttle_reasons = reasons;
    return s;
}

static void worst_of_readings(void **state)
{
    (void)state;
    rl_device_state w;
    rl_device_state_unknown(&w);
    const rl_device_state a = reading(1980.0, 450.0, 61.0, 0);
    const rl_device_state b = reading(1755.0, 699.0, 58.0, RL_THROTTLE_SW_POWER_CAP);
    const rl_device_state none = reading(-1.0, -1.0, -1.0, -1);
    rl_device_state_worst(&w, &a);
    rl_device_state_worst(&w, &none); /* unknown fields change nothing */
    rl_device_state_worst(&w, &b);
    assert_true(w.sm_clock_mhz == 1755.0);
    assert_true(w.power_draw_w == 699.0);
    assert_true(w.temperature_c == 61.0);
    assert_true(w.power_limit_w == 700.0);
    assert_true(w.throttle_reasons == RL_THROTTLE_SW_POWER_CAP);
    /* Nothing known stays unknown. */
    rl_device_state u;
    rl_device_state_unknown(&u);
    rl_device_state_worst(&u, &none);
    assert_true(u.sm_clock_mhz < 0 && u.throttle_reasons < 0);
}

static void throttle_kinds(void **state)
{
    (void)state;
    rl_device_state s = reading(1980.0, 400.0, 60.0, -1);
    assert_null(rl_device_state_throttle(&s));
    s.throttle_reasons = 0;
    assert_null(rl_device_state_throttle(&s));
    s.throttle_reasons = RL_THROTTLE_GPU_IDLE; /* idle is not throttling */
    assert_null(rl_device_state_throttle(&s));
    s.throttle_reasons = RL_THROTTLE_SW_POWER_CAP;
    assert_string_equal(rl_device_state_throttle(&s), "power");
    s.throttle_reasons = RL_THROTTLE_HW_POWER_BRAKE;
    assert_string_equal(rl_device_state_throttle(&s), "power");
    s.throttle_reasons = RL_THROTTLE_SW_THERMAL | RL_THROTTLE_GPU_IDLE;
    assert_string_equal(rl_device_state_throttle(&s), "thermal");
    s.throttle_reasons = RL_THROTTLE_HW_THERMAL | RL_THROTTLE_SW_POWER_CAP;
    assert_string_equal(rl_device_state_throttle(&s), "power and thermal");
    s.throttle_reasons = RL_THROTTLE_HW_SLOWDOWN;
    assert_string_equal(rl_device_state_throttle(&s), "power and thermal");
}

static void case_record_round_trip(void **state)
{
    (void)state;
    rl_results r;
    rl_results_init(&r);
    snprintf(r.info.device, sizeof r.info.device, "cuda:0");
    rl_case_result c;
    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "softmax/fp16/rows=4096,cols=32768");
    c.op = RL_OP_SOFTMAX;
    c.precision = RL_PREC_FP16;
    c.shape = (rl_shape){.rows = 4096, .cols = 32768};
    c.outcome = RL_CASE_OK;
    c.device_read = true;
    c.device_worst = reading(1650.0, 698.5, 71.0, RL_THROTTLE_SW_POWER_CAP);
    assert_int_equal(rl_results_append(&r, &c, NULL), RL_OK);
    rl_case_result d = c; /* a case on a device without NVML: no record */
    d.device_read = false;
    rl_device_state_unknown(&d.device_worst);
    assert_int_equal(rl_results_append(&r, &d, NULL), RL_OK);

    char *json = rl_results_to_json(&r);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"device_worst\""));
    assert_non_null(strstr(json, "\"throttled\""));
    rl_results back;
    rl_err err = {{0}};
    assert_int_equal(rl_results_parse_json(json, &back, &err), RL_OK);
    assert_int_equal(back.count, 2);
    assert_true(back.cases[0].device_read);
    assert_true(back.cases[0].device_worst.sm_clock_mhz == 1650.0);
    assert_true(back.cases[0].device_worst.power_draw_w == 698.5);
    assert_true(back.cases[0].device_worst.throttle_reasons == RL_THROTTLE_SW_POWER_CAP);
    assert_false(back.cases[1].device_read);
    assert_true(back.cases[1].device_worst.throttle_reasons < 0);
    free(json);
    rl_results_free(&back);
    rl_results_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(worst_of_readings),
        cmocka_unit_test(throttle_kinds),
        cmocka_unit_test(case_record_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
