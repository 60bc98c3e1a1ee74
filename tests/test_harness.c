/* The harness's promise: a case is validated before it is timed, and a
 * kernel that computes wrong values or leaves outputs unwritten is reported
 * as failed and never timed. Checked with a CPU backend whose launch is
 * deliberately broken. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/rl_case.h"
#include "harness/rl_cli_util.h"
#include "kernels/rl_dtype.h"
#include "report/rl_json_read.h"
#include "tests/rl_test.h"

static const rl_measure_settings quick_settings = {
    .repetitions = 2, .repetition_s = 0.002, .max_iterations = 20,
    .max_flushed_iterations = 3, .warmup_s = 0.001};

/* The real CPU backend, for the broken launches to call through. */
static rl_backend real;

typedef enum breakage { BREAK_NONE, BREAK_ONE_VALUE, BREAK_LAST_UNWRITTEN } breakage;
static breakage broken = BREAK_NONE;
static long launches; /* calls of broken_launch */

/* Index of the main output tensor (the last output) of a launch. */
static int main_output(const rl_launch *l, rl_op_signature *sig)
{
    rl_op_signature_of(l->op, l->precision, &l->shape, sig, NULL);
    int out = -1;
    for (int i = 0; i < sig->count; i++)
        if (sig->tensors[i].role == RL_TENSOR_OUT)
            out = i;
    return out;
}

static rl_status broken_launch(void *state, const rl_launch *l, rl_err *err)
{
    rl_op_signature sig;
    launches++;
    const int out = main_output(l, &sig);
    const size_t elems = (size_t)sig.tensors[out].elems;
    const size_t esize = rl_dtype_size(sig.tensors[out].dtype);
    unsigned char *saved_last = malloc(esize);
    /* Remember the last element as it was (the NaN poison before the
     * validation run), to put it back after the real kernel wrote it. */
    real.download(state, saved_last, (char *)l->tensors[out] + (elems - 1) * esize, esize, err);
    rl_status s = real.launch(state, l, err);
    if (s == RL_OK && broken == BREAK_ONE_VALUE) {
        /* Scale one element in the middle by 1.01: a 1 % error. */
        const size_t mid = elems / 2;
        if (sig.tensors[out].dtype == RL_DT_F32) {
            float v;
            real.download(state, &v, (float *)l->tensors[out] + mid, sizeof v, err);
            v = v * 1.01f + 1e-3f;
            real.upload(state, (float *)l->tensors[out] + mid, &v, sizeof v, err);
        } else {
            double v;
            real.download(state, &v, (double *)l->tensors[out] + mid, sizeof v, err);
            v = v * 1.01 + 1e-3;
            real.upload(state, (double *)l->tensors[out] + mid, &v, sizeof v, err);
        }
    } else if (s == RL_OK && broken == BREAK_LAST_UNWRITTEN) {
        real.upload(state, (char *)l->tensors[out] + (elems - 1) * esize, saved_last, esize, err);
    }
    free(saved_last);
    return s;
}

static int setup(void **state)
{
    (void)state;
    rl_cpu_options opts = {.threads = 2};
    rl_err err;
    if (rl_cpu_backend_create(&opts, &real, &err) != RL_OK) {
        print_error("cpu backend: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    real.destroy(real.state);
    return 0;
}

static rl_case_result execute(breakage how, rl_op op, rl_precision p, rl_shape shape)
{
    rl_backend be = real;
    be.launch = broken_launch;
    broken = how;
    rl_case_spec spec = {.op = op, .precision = p, .shape = shape};
    rl_case_result res;
    assert_int_equal(rl_case_execute(&be, &spec, &quick_settings, 42, NULL, &res), RL_OK);
    return res;
}

static void correct_kernels_pass_and_are_timed(void **state)
{
    (void)state;
    const rl_op ops[] = {RL_OP_GEMM, RL_OP_SOFTMAX, RL_OP_RESIDUAL_LAYERNORM_UNFUSED,
                         RL_OP_TRIAD};
    const rl_shape shapes[] = {{.m = 33, .n = 17, .k = 65}, {.rows = 9, .cols = 1023},
                               {.rows = 5, .cols = 4097}, {.count = 1001}};
    for (size_t i = 0; i < 4; i++) {
        rl_case_result r = execute(BREAK_NONE, ops[i], RL_PREC_FP32, shapes[i]);
        if (r.outcome != RL_CASE_OK)
            print_error("%s: %s\n", r.name, r.message);
        assert_int_equal(r.outcome, RL_CASE_OK);
        assert_true(r.validation.checked && r.validation.passed);
        assert_true(r.validation.max_rel_err <= r.validation.tolerance);
        assert_true(r.time_s.count >= 2);
        assert_true(r.time_s.median > 0);
        assert_near(r.byte_per_s, r.bytes / r.time_s.median, 1e-9 * r.byte_per_s);
        /* tiny working sets are flushed between samples */
        assert_non_null(strstr(r.cache, "flushed before each sample"));
    }
}

/* ROOFLAB_MAX_REPS's cap: one validation call, then at most max_reps warm-up
 * calls, repetitions and calls per repetition, however long they take (under
 * an emulator) or however short (time budgets that ask for many more). */
static void capped_measurement_stays_within_the_cap(void **state)
{
    (void)state;
    for (int cap = 1; cap <= 3; cap++) {
        rl_measure_settings ms = {.repetitions = 5, .repetition_s = 10.0, .max_iterations = 1000,
                                  .max_flushed_iterations = 1000, .warmup_s = 10.0,
                                  .max_reps = cap};
        rl_backend be = real;
        be.launch = broken_launch;
        broken = BREAK_NONE;
        launches = 0;
        rl_case_spec spec = {.op = RL_OP_SOFTMAX, .precision = RL_PREC_FP32,
                             .shape = {.rows = 3, .cols = 100}};
        rl_case_result r;
        assert_int_equal(rl_case_execute(&be, &spec, &ms, 7, NULL, &r), RL_OK);
        assert_int_equal(r.outcome, RL_CASE_OK);
        assert_true(r.validation.checked && r.validation.passed);
        /* cap repetitions of cap calls each */
        assert_int_equal(r.time_s.count, (size_t)(cap * cap));
        assert_int_equal(launches, 1 + cap + cap * cap);
    }
}

static void wrong_values_fail_and_are_not_timed(void **state)
{
    (void)state;
    rl_case_result r = execute(BREAK_ONE_VALUE, RL_OP_LAYERNORM, RL_PREC_FP32,
                               (rl_shape){.rows = 7, .cols = 1023});
    assert_int_equal(r.outcome, RL_CASE_VALIDATION_FAILED);
    assert_false(r.validation.passed);
    assert_true(r.validation.max_rel_err > r.validation.tolerance);
    assert_int_equal(r.time_s.count, 0);
    assert_non_null(strstr(r.message, "exceeds tolerance"));

    r = execute(BREAK_ONE_VALUE, RL_OP_GEMM, RL_PREC_FP64, (rl_shape){.m = 9, .n = 7, .k = 5});
    assert_int_equal(r.outcome, RL_CASE_VALIDATION_FAILED);
}

static void unwritten_outputs_fail(void **state)
{
    (void)state;
    rl_case_result r = execute(BREAK_LAST_UNWRITTEN, RL_OP_COPY, RL_PREC_FP32,
                               (rl_shape){.count = 4097});
    assert_int_equal(r.outcome, RL_CASE_VALIDATION_FAILED);
    assert_non_null(strstr(r.message, "never wrote"));
    assert_int_equal(r.time_s.count, 0);
}

static void unsupported_is_reported(void **state)
{
    (void)state;
    rl_case_result r = execute(BREAK_NONE, RL_OP_GEMM, RL_PREC_FP16,
                               (rl_shape){.m = 8, .n = 8, .k = 8});
    assert_int_equal(r.outcome, RL_CASE_UNSUPPORTED);
    assert_true(strlen(r.message) > 0);
}

/* A backend that runs no masked block but the square one (as the CUDA
 * backend) is asked before anything is allocated or launched. */
static bool square_blocks_only(void *state, rl_op op, const rl_shape *shape, rl_err *err)
{
    (void)state;
    if (rl_mask_queries(shape) == shape->cols)
        return true;
    rl_fail(err, RL_ERR_UNSUPPORTED, "test: %s: square causal blocks only", rl_op_name(op));
    return false;
}

static void unsupported_shape_is_refused_before_launch(void **state)
{
    (void)state;
    rl_backend be = real;
    be.launch = broken_launch;
    be.supports_shape = square_blocks_only;
    broken = BREAK_NONE;
    launches = 0;
    rl_case_spec spec = {.op = RL_OP_SCALE_MASK_SOFTMAX, .precision = RL_PREC_FP32,
                         .shape = {.rows = 8, .cols = 16, .queries = 1}};
    rl_case_result r;
    assert_int_equal(rl_case_execute(&be, &spec, &quick_settings, 42, NULL, &r), RL_OK);
    assert_int_equal(r.outcome, RL_CASE_UNSUPPORTED);
    assert_non_null(strstr(r.message, "square causal blocks only"));
    assert_int_equal(launches, 0);
    spec.shape.queries = 0;
    assert_int_equal(rl_case_execute(&be, &spec, &quick_settings, 42, NULL, &r), RL_OK);
    assert_int_equal(r.outcome, RL_CASE_OK);
}

static void tolerances_fit_precision(void **state)
{
    (void)state;
    /* fp32 GEMM over k = 1024: 2 u + 4 u sqrt(1024), u = 2^-23 */
    assert_near(rl_case_tolerance(RL_OP_GEMM, RL_PREC_FP32, 1024), 130.0 * 0x1.0p-23, 1e-15);
    /* bf16 output rounding dominates: about 1.6e-2 */
    assert_true(rl_case_tolerance(RL_OP_GEMM, RL_PREC_BF16, 64) < 2e-2);
    assert_true(rl_case_tolerance(RL_OP_GEMM, RL_PREC_BF16, 64) > 1e-2);
    assert_true(rl_case_tolerance(RL_OP_SOFTMAX, RL_PREC_FP64, 4096) < 1e-13);
    assert_true(rl_case_tolerance(RL_OP_GEMM, RL_PREC_FP16, 4096) <
                rl_case_tolerance(RL_OP_GEMM, RL_PREC_BF16, 4096));
}

/* The poison each output type is filled with reads back as a value no
 * kernel writes: NaN for floats, and for int32 not -1 (0xFF bytes), which
 * an int8 GEMM can produce. */
static void poison_is_no_valid_output(void **state)
{
    (void)state;
    const rl_dtype outputs[] = {RL_DT_F64, RL_DT_F32, RL_DT_F16, RL_DT_BF16, RL_DT_I32};
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++) {
        const rl_dtype t = outputs[i];
        unsigned char bytes[8];
        memset(bytes, rl_output_poison_byte(t), sizeof bytes);
        double v = 0.0;
        rl_dtype_to_f64(t, &v, bytes, 1);
        assert_true(rl_output_is_poison(t, v));
        if (t == RL_DT_I32) {
            /* beyond the largest |sum| of 130,000 int8 products (128 x 128 each) */
            assert_true(fabs(v) > 128.0 * 128.0 * 130000.0);
            assert_false(rl_output_is_poison(t, -1.0));
        }
        assert_false(rl_output_is_poison(t, 1.0));
    }
}

/* The options parser of report/compare/merge starts afresh on each call:
 * glibc's getopt otherwise resumes inside the previous argv (a stale
 * pointer) when the last call stopped within a group of short options. */
static void out_only_parser_starts_afresh(void **state)
{
    (void)state;
    char a0[] = "report", a1[] = "-hh", b1[] = "--bogus";
    char *first[] = {a0, a1, NULL};
    char *second[] = {a0, b1, NULL};
    const char *out = NULL;
    FILE *saved = stdout;
    stdout = fopen("/dev/null", "w");
    assert_non_null(stdout);
    assert_int_equal(rl_cli_parse_out_only("report", "usage\n", 2, first, &out), 0);
    fclose(stdout);
    stdout = saved;
    assert_int_equal(rl_cli_parse_out_only("report", "usage\n", 2, second, &out), 2);
}

/* What the CLI prints is one printable line, whatever a message quotes. */
static void messages_printed_clean(void **state)
{
    (void)state;
    char clean[64];
    rl_clean_text("a\nb\x1b[31m\xff\xc3\xa9\t", clean, sizeof clean);
    assert_string_equal(clean, "a?b?[31m?\xc3\xa9?");
    rl_clean_text("\xe2\x82\xac\xe2\x82\xac", clean, 5); /* never half a character */
    assert_string_equal(clean, "\xe2\x82\xac");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(correct_kernels_pass_and_are_timed),
        cmocka_unit_test(capped_measurement_stays_within_the_cap),
        cmocka_unit_test(wrong_values_fail_and_are_not_timed),
        cmocka_unit_test(unwritten_outputs_fail),
        cmocka_unit_test(unsupported_is_reported),
        cmocka_unit_test(unsupported_shape_is_refused_before_launch),
        cmocka_unit_test(tolerances_fit_precision),
        cmocka_unit_test(poison_is_no_valid_output),
        cmocka_unit_test(out_only_parser_starts_afresh),
        cmocka_unit_test(messages_printed_clean),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
