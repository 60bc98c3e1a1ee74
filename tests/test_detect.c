/* Detection without hardware: Jetson fixtures under tests/data, fake CUDA
 * runtime values, fake CPU descriptions. */
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

static void jetson_15w_gets_the_mode_peaks(void **state)
{
    const rl_catalog *cat = *state;
    rl_jetson_raw raw;
    rl_err err;
    assert_int_equal(rl_jetson_read(ROOFLAB_TEST_DATA "/jetson-orin-nx-16gb-15w", &raw, &err),
                     RL_OK);
    assert_true(raw.present);
    assert_non_null(strstr(raw.model, "Orin NX"));
    assert_non_null(strstr(raw.compatible, "p3767-0000"));
    assert_int_equal(raw.pmode_id, 2);
    assert_string_equal(raw.pmode_name, "15W");
    assert_near(raw.gpu_cur_mhz, 306.0, 1e-9);
    assert_near(raw.gpu_max_mhz, 612.0, 1e-9);

    rl_device_profile p;
    assert_int_equal(rl_profile_from_jetson(cat, &raw, &p, &err), RL_OK);
    assert_int_equal(p.kind, RL_DEVICE_JETSON);
    assert_true(p.matched);
    assert_string_equal(p.entry.id, "orin-nx-16gb");
    assert_string_equal(p.power_mode, "15W");
    assert_int_equal(p.sms, 4);
    /* 4 SMs x 2048 FLOP/clk x 612 MHz = 5.0 TFLOP/s, not the datasheet's 15.0 */
    assert_near(p.machine.peak_flop_per_s[RL_PREC_FP16], 5.013504e12, 1.0);
    assert_true(p.machine.peak_flop_per_s[RL_PREC_FP16] < 6e12);
    assert_near(p.machine.mem[0].byte_per_s, 102.4e9, 1.0);
    /* the GPU idles at 306 MHz: warned */
    assert_non_null(strstr(p.warnings, "306 MHz"));
    assert_non_null(strstr(p.warnings, "jetson_clocks"));
    /* memory shared with the OS: 1 GiB runtime + 2.8 GB OS */
    assert_int_equal(p.reserve_bytes, (1ull << 30) + 2800000000ull);
    assert_int_equal(p.memory_bytes, 16000000000ull);
}

static void jetson_mode_by_id_without_conf(void **state)
{
    const rl_catalog *cat = *state;
    rl_jetson_raw raw;
    rl_device_profile p;
    rl_err err;
    assert_int_equal(rl_jetson_read(ROOFLAB_TEST_DATA "/jetson-orin-nano-8gb-7w", &raw, &err),
                     RL_OK);
    assert_true(raw.present);
    assert_int_equal(raw.pmode_id, 1);
    assert_string_equal(raw.pmode_name, "");
    assert_int_equal(rl_profile_from_jetson(cat, &raw, &p, &err), RL_OK);
    assert_string_equal(p.entry.id, "orin-nano-8gb");
    assert_string_equal(p.power_mode, "7W");
    assert_near(p.machine.peak_flop_per_s[RL_PREC_FP16], 4 * 2048 * 408e6, 1.0);
    /* EMC cap 2133 MHz: 2 x 2133 MHz x 16 B = 68.3 GB/s */
    assert_near(p.machine.mem[0].byte_per_s, 2 * 2133e6 * 16, 1.0);
    assert_null(strstr(p.warnings, "below"));
}

static void not_a_jetson(void **state)
{
    const rl_catalog *cat = *state;
    rl_jetson_raw raw;
    rl_err err;
    assert_int_equal(rl_jetson_read(ROOFLAB_TEST_DATA "/hf", &raw, &err), RL_OK);
    assert_false(raw.present);
    /* unknown board: a profile without peaks and a warning */
    rl_jetson_raw odd = {.present = true, .pmode_id = -1};
    strcpy(odd.model, "NVIDIA Jetson Xavier NX");
    rl_device_profile p;
    assert_int_equal(rl_profile_from_jetson(cat, &odd, &p, &err), RL_OK);
    assert_false(p.matched);
    assert_near(p.machine.peak_flop_per_s[RL_PREC_FP16], 0.0, 0.0);
    assert_non_null(strstr(p.warnings, "no catalog entry"));
    /* detection under a fixture root finds only the Jetson */
    rl_detection d;
    assert_int_equal(rl_devices_detect(cat, ROOFLAB_TEST_DATA "/jetson-orin-nx-16gb-15w", &d,
                                       &err), RL_OK);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.devices[0].power_mode, "15W");
    rl_detection_free(&d);
    assert_int_equal(rl_devices_detect(cat, ROOFLAB_TEST_DATA "/hf", &d, &err), RL_OK);
    assert_int_equal(d.count, 0);
    assert_non_null(strstr(d.gpu_note, "no Jetson"));
    rl_detection_free(&d);
}

static rl_cuda_raw h100_raw(void)
{
    rl_cuda_raw r = {0};
    strcpy(r.name, "NVIDIA H100 80GB HBM3");
    r.cc_major = 9;
    r.sms = 132;
    r.clock_khz = 1980000;
    r.mem_clock_khz = 2619000;
    r.bus_width_bits = 5120;
    r.l2_bytes = 52428800;
    r.total_mem_bytes = 85045608448ull;
    return r;
}

static void cuda_raw_values_to_profile(void **state)
{
    const rl_catalog *cat = *state;
    rl_cuda_raw raw = h100_raw();
    rl_device_profile p;
    rl_err err;
    assert_int_equal(rl_profile_from_cuda(cat, &raw, &p, &err), RL_OK);
    assert_true(p.matched);
    assert_string_equal(p.entry.id, "h100-sxm5");
    assert_string_equal(p.id, "cuda:0");
    assert_string_equal(p.compute_capability, "9.0");
    /* 2 x 2619 MHz x 5120 bit / 8 = 3352 GB/s */
    assert_near(p.theoretical_byte_per_s, 2.0 * 2619e6 * 640, 1.0);
    assert_near(p.machine.mem[0].byte_per_s, 3350e9, 1.0);
    assert_near(p.machine.peak_flop_per_s[RL_PREC_FP16], 989.4e12, 1.0);
    assert_int_equal(p.memory_bytes, raw.total_mem_bytes);
    assert_string_equal(p.warnings, "");

    /* a MIG slice or another SKU: fewer SMs, warned */
    raw.sms = 114;
    assert_int_equal(rl_profile_from_cuda(cat, &raw, &p, &err), RL_OK);
    assert_non_null(strstr(p.warnings, "114 SMs"));

    /* unknown GPU: no peaks, bandwidth from the clocks */
    rl_cuda_raw odd = h100_raw();
    strcpy(odd.name, "NVIDIA GeForce RTX 4090");
    odd.mem_clock_khz = 10501000;
    odd.bus_width_bits = 384;
    assert_int_equal(rl_profile_from_cuda(cat, &odd, &p, &err), RL_OK);
    assert_false(p.matched);
    assert_near(p.machine.peak_flop_per_s[RL_PREC_FP16], 0.0, 0.0);
    assert_near(p.machine.mem[0].byte_per_s, 2.0 * 10501e6 * 48, 1.0);
    assert_non_null(strstr(p.warnings, "no catalog entry"));
}

static void no_gpu_is_not_a_crash(void **state)
{
    (void)state;
    char reason[200] = "";
    const int n = rl_cuda_device_count(reason, sizeof reason);
    assert_true(n >= 0);
    if (n == 0)
        assert_true(reason[0] != 0);
}

static rl_cpu_info fake_cpu(const char *arch, const char *isa, int cores)
{
    rl_cpu_info c;
    memset(&c, 0, sizeof c);
    strcpy(c.model, "test CPU");
    strcpy(c.arch, arch);
    strcpy(c.isa, isa);
    c.cores = cores;
    c.pus = cores;
    c.memory_bytes = 64ull << 30;
    return c;
}

static void cpu_peak_estimates(void **state)
{
    (void)state;
    rl_cpu_peak pk;
    rl_err err;
    /* Zen 4 (family 25): AVX-512 as 2 x 256 bit = 32 fp32 FLOP/cycle */
    rl_cpu_info zen4 = fake_cpu("x86_64", "sse4_2 avx avx2 fma avx512f avx512vl", 2);
    assert_int_equal(rl_cpu_peak_estimate(&zen4, "AuthenticAMD", 25, 2600, "test", &pk, &err),
                     RL_OK);
    assert_int_equal(pk.fp32_flop_per_cycle, 32);
    assert_near(pk.fp32_flop_per_s, 2 * 2600e6 * 32, 1.0);
    assert_near(pk.fp64_flop_per_s, 2 * 2600e6 * 16, 1.0);
    assert_non_null(strstr(pk.assumptions, "Zen 4"));
    /* Intel AVX-512: 2 FMA x 16 lanes x 2 = 64 */
    assert_int_equal(rl_cpu_peak_estimate(&zen4, "GenuineIntel", 6, 2600, "test", &pk, &err),
                     RL_OK);
    assert_int_equal(pk.fp32_flop_per_cycle, 64);
    rl_cpu_info avx2 = fake_cpu("x86_64", "sse4_2 avx avx2 fma", 8);
    assert_int_equal(rl_cpu_peak_estimate(&avx2, "GenuineIntel", 6, 3000, "test", &pk, &err),
                     RL_OK);
    assert_int_equal(pk.fp32_flop_per_cycle, 32);
    /* "avx512vl" alone must not count as avx512f */
    rl_cpu_info tricky = fake_cpu("x86_64", "avx avx2 fma avx512vl", 1);
    assert_int_equal(rl_cpu_peak_estimate(&tricky, "GenuineIntel", 6, 1000, "t", &pk, &err), RL_OK);
    assert_int_equal(pk.fp32_flop_per_cycle, 32);
    rl_cpu_info arm = fake_cpu("aarch64", "asimd asimdhp", 8);
    assert_int_equal(rl_cpu_peak_estimate(&arm, "", 0, 1984, "test", &pk, &err), RL_OK);
    assert_int_equal(pk.fp32_flop_per_cycle, 16);

    rl_device_profile p;
    rl_profile_from_cpu(&zen4, &pk, "Haswell", &p);
    assert_true(p.estimate);
    assert_int_equal(p.kind, RL_DEVICE_CPU);
    assert_non_null(strstr(p.peak_source[RL_PREC_FP32], "estimate"));
    assert_non_null(strstr(p.warnings, "OPENBLAS_CORETYPE=Haswell"));
}

static void openblas_coretype(void **state)
{
    (void)state;
    char w[256];
    assert_true(rl_openblas_coretype_warning("Haswell", "avx avx2 fma avx512f", w, sizeof w));
    assert_non_null(strstr(w, "AVX-512"));
    assert_true(rl_openblas_coretype_warning("SANDYBRIDGE", "avx avx2 fma", w, sizeof w));
    assert_false(rl_openblas_coretype_warning("SkylakeX", "avx avx2 fma avx512f", w, sizeof w));
    assert_false(rl_openblas_coretype_warning("Haswell", "avx avx2 fma", w, sizeof w));
    assert_false(rl_openblas_coretype_warning(NULL, "avx avx2 fma avx512f", w, sizeof w));
    assert_false(rl_openblas_coretype_warning("Unknown", "avx avx2 fma avx512f", w, sizeof w));
}

static void cpu_clock_from_fixture(void **state)
{
    (void)state;
    double mhz;
    int family;
    char source[96], vendor[32];
    rl_cpu_clock_read(ROOFLAB_TEST_DATA "/hf", &mhz, source, sizeof source, vendor,
                      sizeof vendor, &family);
    assert_near(mhz, 0.0, 0.0);
    assert_string_equal(source, "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jetson_15w_gets_the_mode_peaks),
        cmocka_unit_test(jetson_mode_by_id_without_conf),
        cmocka_unit_test(not_a_jetson),
        cmocka_unit_test(cuda_raw_values_to_profile),
        cmocka_unit_test(no_gpu_is_not_a_crash),
        cmocka_unit_test(cpu_peak_estimates),
        cmocka_unit_test(openblas_coretype),
        cmocka_unit_test(cpu_clock_from_fixture),
    };
    return cmocka_run_group_tests(tests, catalog_setup, catalog_teardown);
}
