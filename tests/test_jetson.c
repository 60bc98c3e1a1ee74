/* Jetson power modes read from fixtures: JetPack 6.2 "Super" confs, which
 * rename and renumber modes, matched by name and checked against the
 * devfreq clock and the TPC mask. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/rl_test.h"
#include "tests/rl_test_catalog.h"
#include <stdio.h>
#include <string.h>

#include "devices/rl_catalog.h"
#include "devices/rl_device.h"

static void profile_of(const rl_catalog *cat, const char *fixture, rl_jetson_raw *raw,
                       rl_device_profile *p)
{
    char root[512];
    rl_err err;
    snprintf(root, sizeof root, "%s/%s", ROOFLAB_TEST_DATA, fixture);
    assert_int_equal(rl_jetson_read(root, raw, &err), RL_OK);
    assert_true(raw->present);
    assert_int_equal(rl_profile_from_jetson(cat, raw, p, &err), RL_OK);
    assert_true(p->matched);
}

/* Every Super mode: the entry, the mode named by the conf, its SMs, clock
 * and bandwidth; peaks follow from them (rate x SMs x clock). */
static void super_modes_by_name(void **state)
{
    const rl_catalog *cat = *state;
    static const struct {
        const char *fixture, *entry, *mode;
        int sms;
        double mhz, byte_per_s;
    } want[] = {
        {"jetson-orin-nx-16gb-maxn-super", "orin-nx-16gb", "MAXN_SUPER", 8, 1173, 102.4e9},
        {"jetson-orin-nx-16gb-40w", "orin-nx-16gb", "40W", 8, 1173, 102.4e9},
        {"jetson-orin-nx-8gb-maxn-super", "orin-nx-8gb", "MAXN_SUPER", 8, 1173, 102.4e9},
        {"jetson-orin-nx-8gb-40w", "orin-nx-8gb", "40W", 8, 1173, 102.4e9},
        /* the Super conf's 15W: 612 MHz and EMC 2133 MHz, not the original's 625 MHz */
        {"jetson-orin-nano-8gb-super-15w", "orin-nano-8gb", "15W", 8, 612, 2 * 2133e6 * 16},
        {"jetson-orin-nano-8gb-super-25w", "orin-nano-8gb", "25W", 8, 918, 2 * 3199e6 * 16},
        {"jetson-orin-nano-8gb-maxn-super", "orin-nano-8gb", "MAXN_SUPER", 8, 1020,
         2 * 3199e6 * 16},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        rl_jetson_raw raw;
        rl_device_profile p;
        profile_of(cat, want[i].fixture, &raw, &p);
        assert_true(raw.conf_super);
        assert_string_equal(p.entry.id, want[i].entry);
        assert_string_equal(p.power_mode, want[i].mode);
        assert_int_equal(p.sms, want[i].sms);
        assert_near(p.sm_clock_mhz, want[i].mhz, 1e-9);
        assert_near(p.machine.peak_flop_per_s[RL_PREC_FP16], want[i].sms * 2048 * want[i].mhz * 1e6,
                    1.0);
        assert_near(p.machine.mem[0].byte_per_s, want[i].byte_per_s, 1.0);
        /* the clock and the mask agree with the mode: no correction */
        assert_null(strstr(p.warnings, "peaks use"));
        assert_null(strstr(p.warnings, "not in the catalog"));
        assert_non_null(strstr(p.clock_source, "Super conf"));
    }
}

/* The issue this fixes: MAXN_SUPER has id 0, like the original MAXN (918
 * MHz); by id alone it read as MAXN. */
static void maxn_super_is_not_maxn(void **state)
{
    const rl_catalog *cat = *state;
    rl_jetson_raw raw;
    rl_device_profile p;
    profile_of(cat, "jetson-orin-nx-16gb-maxn-super", &raw, &p);
    assert_int_equal(raw.pmode_id, 0);
    assert_string_equal(raw.pmode_name, "MAXN_SUPER");
    assert_near(raw.gpu_max_mhz, 1173.0, 1e-9);
    assert_string_equal(p.power_mode, "MAXN_SUPER");
    assert_near(p.sm_clock_mhz, 1173.0, 1e-9);
    /* 8 SMs x 2048 FLOP/clk x 1173 MHz = 19.2 TFLOP/s fp16 */
    assert_near(p.machine.peak_flop_per_s[RL_PREC_FP16], 19.218432e12, 1.0);
    /* pinned at its cap: no jetson_clocks advice */
    assert_null(strstr(p.warnings, "jetson_clocks"));
}

/* The Orin Nano's Super conf renumbers: id 1 is 25W there, 7W before. */
static void nano_super_25w_is_not_7w(void **state)
{
    const rl_catalog *cat = *state;
    rl_jetson_raw raw;
    rl_device_profile p;
    profile_of(cat, "jetson-orin-nano-8gb-super-25w", &raw, &p);
    assert_int_equal(raw.pmode_id, 1);
    assert_string_equal(p.power_mode, "25W");
    assert_int_equal(p.sms, 8);
    assert_near(p.machine.mem[0].byte_per_s / 1e9, 102.4, 0.1);
    /* without the conf's name, the id and the devfreq clock (918 MHz) still
     * pick the Super 25W over the original 7W (408 MHz) */
    raw.pmode_name[0] = 0;
    raw.conf_read = raw.conf_super = false;
    rl_err err;
    assert_int_equal(rl_profile_from_jetson(cat, &raw, &p, &err), RL_OK);
    assert_string_equal(p.power_mode, "25W");
}

/* A mode the catalog does not know: one warning, and the peaks from the
 * devfreq clock and the TPC mask actually read (252: 2 TPCs = 4 SMs). */
static void unknown_mode_uses_the_clock_read(void **state)
{
    const rl_catalog *cat = *state;
    rl_jetson_raw raw;
    rl_device_profile p;
    profile_of(cat, "jetson-orin-nx-16gb-unknown-mode", &raw, &p);
    assert_string_equal(raw.pmode_name, "30W_CUSTOM");
    assert_int_equal(raw.tpc_pg_mask, 252);
    assert_string_equal(p.power_mode, "30W_CUSTOM");
    assert_non_null(strstr(p.warnings, "30W_CUSTOM"));
    assert_non_null(strstr(p.warnings, "not in the catalog"));
    assert_non_null(strstr(p.clock_source, "devfreq"));
    assert_int_equal(p.sms, 4);
    assert_near(p.sm_clock_mhz, 1020.0, 1e-9);
    assert_near(p.machine.peak_flop_per_s[RL_PREC_FP16], 4 * 2048 * 1020e6, 1.0);
    /* no id fallback: id 5 exists in no catalog mode, but neither would a
     * renumbered id be trusted */
    assert_null(strstr(p.warnings, "assuming"));
}

/* A known mode whose devfreq max_freq disagrees with its cap, above or
 * below: warned, and the peaks use the clock read. */
static void clock_disagreeing_either_way(void **state)
{
    const rl_catalog *cat = *state;
    const double clocks[] = {918.0, 408.0}; /* 15W caps at 612 MHz */
    for (int i = 0; i < 2; i++) {
        rl_jetson_raw raw;
        rl_device_profile p;
        profile_of(cat, "jetson-orin-nx-16gb-15w", &raw, &p);
        raw.gpu_max_mhz = clocks[i];
        rl_err err;
        assert_int_equal(rl_profile_from_jetson(cat, &raw, &p, &err), RL_OK);
        assert_string_equal(p.power_mode, "15W");
        assert_non_null(strstr(p.warnings, "caps it at 612 MHz"));
        assert_non_null(strstr(p.clock_source, "devfreq"));
        assert_near(p.sm_clock_mhz, clocks[i], 1e-9);
        assert_near(p.machine.peak_flop_per_s[RL_PREC_FP16], 4 * 2048 * clocks[i] * 1e6, 1.0);
    }
}

/* A TPC mask that disagrees with the mode's SM count wins, with a warning. */
static void tpc_mask_disagreeing(void **state)
{
    const rl_catalog *cat = *state;
    rl_jetson_raw raw;
    rl_device_profile p;
    profile_of(cat, "jetson-orin-nx-16gb-maxn-super", &raw, &p);
    raw.tpc_pg_mask = 252;
    rl_err err;
    assert_int_equal(rl_profile_from_jetson(cat, &raw, &p, &err), RL_OK);
    assert_int_equal(p.sms, 4);
    assert_non_null(strstr(p.warnings, "TPC mask 252"));
}

/* By name for predict/fit: the original conf's 15W first, "@super" for the
 * Super conf's; ids are not unique across confs. */
static void find_mode_by_conf(void **state)
{
    const rl_catalog *cat = *state;
    const rl_catalog_entry *e = rl_catalog_find(cat, "orin-nano-8gb");
    assert_non_null(e);
    const rl_power_mode *m = NULL;
    rl_err err;
    assert_int_equal(rl_catalog_find_mode(e, "15W", &m, &err), RL_OK);
    assert_false(m->super_conf);
    assert_near(m->gpu_max_mhz, 625.0, 1e-9);
    assert_int_equal(rl_catalog_find_mode(e, "15w@super", &m, &err), RL_OK);
    assert_true(m->super_conf);
    assert_near(m->gpu_max_mhz, 612.0, 1e-9);
    assert_int_equal(rl_catalog_find_mode(e, "MAXN_SUPER", &m, &err), RL_OK);
    assert_near(m->gpu_max_mhz, 1020.0, 1e-9);
    assert_int_equal(rl_catalog_find_mode(e, "MAXN", &m, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "15W@super"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(super_modes_by_name),
        cmocka_unit_test(maxn_super_is_not_maxn),
        cmocka_unit_test(nano_super_25w_is_not_7w),
        cmocka_unit_test(unknown_mode_uses_the_clock_read),
        cmocka_unit_test(clock_disagreeing_either_way),
        cmocka_unit_test(tpc_mask_disagreeing),
        cmocka_unit_test(find_mode_by_conf),
    };
    return cmocka_run_group_tests(tests, catalog_setup, catalog_teardown);
}
