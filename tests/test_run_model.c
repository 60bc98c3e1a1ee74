/* run's predictions: each case against the roof of the unit that runs it,
 * MFU against that roof, the fraction of the binding roof, and the roofs a
 * case is judged against added to the picture's datasheet roofs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/rl_test.h"
#include "tests/rl_test_catalog.h"
#include <string.h>

#include "devices/rl_device.h"
#include "harness/rl_case.h"
#include "harness/rl_run_model.h"
#include "report/rl_case_flags.h"

/* An H100 SXM5 as the CUDA runtime would describe it. */
static void h100_profile(const rl_catalog *cat, rl_device_profile *p)
{
    rl_cuda_raw raw = {.ordinal = 0, .cc_major = 9, .cc_minor = 0, .sms = 132,
                       .clock_khz = 1980000, .mem_clock_khz = 2619000, .bus_width_bits = 5120,
                       .l2_bytes = 52428800, .total_mem_bytes = 85520809984ull};
    strcpy(raw.name, "NVIDIA H100 80GB HBM3");
    rl_err err;
    assert_int_equal(rl_profile_from_cuda(cat, &raw, p, &err), RL_OK);
    assert_true(p->matched);
}

static const rl_roof *find_roof(const rl_roof_set *s, const char *name, const char *unit)
{
    for (int i = 0; i < s->compute_count; i++)
        if (strcmp(s->compute[i].name, name) == 0 && strcmp(s->compute[i].unit, unit) == 0)
            return &s->compute[i];
    return NULL;
}

static void fma_fp16_against_simt(void **state)
{
    rl_device_profile p;
    h100_profile(*state, &p);
    rl_run_model m = {.profile = &p};
    rl_ceilings ceilings;
    memset(&ceilings, 0, sizeof ceilings);
    rl_run_model_datasheet(&m, &ceilings.datasheet);
    /* the datasheet roofs name their unit: fp16's dense peak is the tensor cores' */
    const rl_roof *t = find_roof(&ceilings.datasheet, "fp16", "tensor");
    assert_non_null(t);
    assert_near(t->value, 989.4e12, 1.0);
    assert_null(find_roof(&ceilings.datasheet, "fp16", "simt"));

    rl_case_result res;
    memset(&res, 0, sizeof res);
    res.op = RL_OP_FMA;
    res.precision = RL_PREC_FP16;
    res.shape = (rl_shape){.count = 1 << 20, .iters = 1000};
    res.outcome = RL_CASE_OK;
    res.flops = rl_op_flops(res.op, &res.shape);
    res.time_s.median = res.flops / 100e12; /* measured at 100 TFLOP/s */
    res.flop_per_s = 100e12;
    rl_run_model_predict(&m, &ceilings, &res);
    assert_true(res.predicted.present);
    assert_string_equal(res.predicted.roof, "fp16 simt");
    assert_string_equal(res.predicted.binding, "fp16 simt");
    const double simt = 132.0 * 256 * 2 * 1980e6;
    assert_near(res.predicted.flop_per_s, simt, 1.0);
    assert_near(res.predicted.measured_mfu, 100e12 / simt, 1e-12); /* not 100 / 989.4 */
    assert_near(res.predicted.roof_fraction, 100e12 / simt, 1e-12);
    /* the SIMT roof it was judged against joins the picture */
    const rl_roof *s = find_roof(&ceilings.datasheet, "fp16", "simt");
    assert_non_null(s);
    assert_near(s->value, simt, 1.0);
}

static void softmax_draws_the_special_function_roof(void **state)
{
    rl_device_profile p;
    h100_profile(*state, &p);
    rl_run_model m = {.profile = &p};
    rl_ceilings ceilings;
    memset(&ceilings, 0, sizeof ceilings);
    rl_run_model_datasheet(&m, &ceilings.datasheet);
    assert_null(find_roof(&ceilings.datasheet, "softmax exp", "mufu"));
    rl_case_result res;
    memset(&res, 0, sizeof res);
    res.op = RL_OP_SOFTMAX;
    res.precision = RL_PREC_BF16;
    res.shape = (rl_shape){.rows = 8192, .cols = 4096};
    res.outcome = RL_CASE_OK;
    rl_run_model_predict(&m, &ceilings, &res);
    assert_string_equal(res.predicted.roof, "fp32 simt"); /* 16-bit storage, fp32 math */
    assert_string_equal(res.predicted.bound, "memory");
    const rl_roof *r = find_roof(&ceilings.datasheet, "softmax exp", "mufu");
    assert_non_null(r);
    assert_near(r->value, 5.0 * 132 * 16 * 1980e6, 1.0); /* 5 FLOP per exp */
    /* a GEMM adds no special-function roof */
    rl_ceilings c2;
    memset(&c2, 0, sizeof c2);
    res.op = RL_OP_GEMM;
    res.precision = RL_PREC_FP64;
    res.shape = (rl_shape){.m = 4096, .n = 4096, .k = 4096};
    rl_run_model_predict(&m, &c2, &res);
    assert_string_equal(res.predicted.roof, "fp64 tensor");
    assert_near(res.predicted.mfu, 1.0, 1e-12); /* compute-bound on DMMA: 67 */
    for (int i = 0; i < c2.datasheet.compute_count; i++)
        assert_string_not_equal(c2.datasheet.compute[i].unit, "mufu");
}

/* A CPU: an fp32 SIMD peak, no datasheet bandwidth. */
static void cpu_profile(rl_device_profile *p)
{
    memset(p, 0, sizeof *p);
    p->kind = RL_DEVICE_CPU;
    snprintf(p->id, sizeof p->id, "cpu");
    p->machine.simt_flop_per_s[RL_PREC_FP32] = 100e9;
    p->machine.peak_flop_per_s[RL_PREC_FP32] = 100e9;
    snprintf(p->machine.simt_name, sizeof p->machine.simt_name, "simd");
}

static rl_case_result streamed(rl_op op, rl_shape shape, double byte_per_s)
{
    rl_case_result c;
    memset(&c, 0, sizeof c);
    c.op = op;
    c.precision = RL_PREC_FP32;
    c.shape = shape;
    rl_case_spec spec = {.op = op, .precision = RL_PREC_FP32, .shape = shape};
    rl_case_name(&spec, c.name, sizeof c.name);
    c.outcome = RL_CASE_OK;
    c.validation.checked = c.validation.passed = true;
    c.flops = rl_op_flops(op, &shape);
    c.bytes = rl_op_bytes(op, RL_PREC_FP32, &shape);
    c.byte_per_s = byte_per_s;
    c.time_s.median = c.bytes / byte_per_s;
    c.flop_per_s = c.flops / c.time_s.median;
    /* as harness/case_prepare.c says it for a 32 MB cache */
    if (c.bytes >= 4 * 32e6)
        snprintf(c.cache, sizeof c.cache, "not flushed: working set %.3g MB >= 4x cache 32 MB",
                 c.bytes / 1e6);
    else
        snprintf(c.cache, sizeof c.cache,
                 "flushed before each sample: working set %.3g MB < 4x cache 32 MB", c.bytes / 1e6);
    return c;
}

static void a_cpu_run_takes_its_copy_as_the_dram_roof(void **state)
{
    (void)state;
    rl_device_profile p;
    cpu_profile(&p);
    rl_run_model m = {.profile = &p};
    rl_results r;
    rl_results_init(&r);
    rl_err err;
    /* a copy in cache: no roof from it */
    rl_case_result small = streamed(RL_OP_COPY, (rl_shape){.count = 4096}, 90e9);
    assert_int_equal(rl_results_append(&r, &small, &err), RL_OK);
    assert_false(rl_run_model_roof_from_run(&m, &r));
    /* one moving 4x the 32 MB cache and more: the roof; LayerNorm 5 % faster than it */
    rl_case_result ln = streamed(RL_OP_LAYERNORM, (rl_shape){.rows = 4096, .cols = 4096}, 21e9);
    rl_case_result copy = streamed(RL_OP_COPY, (rl_shape){.count = 1 << 25}, 20e9);
    assert_int_equal(rl_results_append(&r, &ln, &err), RL_OK);
    assert_int_equal(rl_results_append(&r, &copy, &err), RL_OK);
    assert_true(rl_run_model_roof_from_run(&m, &r));
    const rl_roof_set *mem = &r.ceilings.measured;
    assert_int_equal(mem->memory_count, 1);
    assert_string_equal(mem->memory[0].name, "DRAM");
    assert_near(mem->memory[0].value, 20e9, 1.0);
    assert_non_null(strstr(mem->memory[0].source, "this run's copy/fp32/count=33554432"));
    /* every case predicted again, memory-bound against it */
    assert_true(r.cases[1].predicted.present);
    assert_string_equal(r.cases[1].predicted.bound, "memory");
    assert_near(r.cases[1].predicted.time_s, ln.bytes / 20e9, 1e-12);
    /* above it: not stale ceilings, a stream faster than copy */
    rl_case_flags f;
    rl_case_flags_of(&r, &r.cases[1], &f);
    assert_true(f.above_run_roof);
    assert_false(f.above_measured_roof);
    assert_non_null(strstr(f.stale_why, "this run's copy/triad stands in for"));
    /* once there is a DRAM roof (stored ceilings, or this one), nothing changes */
    assert_false(rl_run_model_roof_from_run(&m, &r));
    assert_int_equal(r.ceilings.measured.memory_count, 1);
    rl_results_free(&r);
}

static void a_gpu_keeps_its_datasheet_bandwidth(void **state)
{
    rl_device_profile p;
    h100_profile(*state, &p);
    rl_run_model m = {.profile = &p};
    rl_results r;
    rl_results_init(&r);
    rl_err err;
    rl_case_result copy = streamed(RL_OP_COPY, (rl_shape){.count = 1 << 28}, 3e12);
    assert_int_equal(rl_results_append(&r, &copy, &err), RL_OK);
    assert_false(rl_run_model_roof_from_run(&m, &r));
    assert_int_equal(r.ceilings.measured.memory_count, 0);
    rl_results_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fma_fp16_against_simt),
        cmocka_unit_test(softmax_draws_the_special_function_roof),
        cmocka_unit_test(a_cpu_run_takes_its_copy_as_the_dram_roof),
        cmocka_unit_test(a_gpu_keeps_its_datasheet_bandwidth),
    };
    return cmocka_run_group_tests(tests, catalog_setup, catalog_teardown);
}
