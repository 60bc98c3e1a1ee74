/* libFuzzer target: the command-line value parsers. The first byte picks
 * the parser, the rest is the option's value: --shape (then the model's
 * accounting and the case list for that shape, for every op and precision),
 * --ops, --precision, a bounded integer, --dtype, and the argv of a
 * subcommand that takes only --out (NUL-separated words). */
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness/rl_cli_util.h"
#include "harness/rl_suite.h"
#include "model/rl_llm.h"
#include "model/rl_ops.h"
#include "tests/fuzz/fuzz_util.h"

static void shape_cases(const rl_shape *shape)
{
    rl_err err;
    for (int op = 0; op < RL_OP_COUNT; op++)
        for (int p = 0; p < RL_PREC_COUNT; p++) {
            rl_shape s = *shape;
            if (rl_shape_validate((rl_op)op, (rl_precision)p, &s, &err) != RL_OK) {
                fuzz_check_message(err.msg);
                continue;
            }
            rl_op_signature sig;
            (void)rl_op_signature_of((rl_op)op, (rl_precision)p, &s, &sig, &err);
            (void)rl_op_flops((rl_op)op, &s);
            (void)rl_op_bytes((rl_op)op, (rl_precision)p, &s);
            (void)rl_op_intensity((rl_op)op, (rl_precision)p, &s);
            (void)rl_op_footprint_bytes((rl_op)op, (rl_precision)p, &s);
            (void)rl_op_default_params((rl_op)op, &s);
        }
    rl_suite_request req = {.suite = "quick",
                            .default_gemm_precisions = 1u << RL_PREC_FP32,
                            .default_other_precisions = 1u << RL_PREC_FP32,
                            .cache_bytes = 32u << 20,
                            .threads = 2,
                            .shape = shape};
    rl_case_spec *cases = NULL;
    size_t count = 0;
    if (rl_suite_build(&req, &cases, &count, &err) == RL_OK)
        free(cases);
    else
        fuzz_check_message(err.msg);
}

static void out_only_argv(const char *text, size_t size)
{
    char *argv[16];
    int argc = 0;
    argv[argc++] = (char *)"report";
    for (size_t i = 0; i < size && argc < 15; i += strlen(text + i) + 1)
        argv[argc++] = (char *)text + i;
    argv[argc] = NULL;
    const char *out = NULL;
    FILE *saved_out = stdout, *saved_err = stderr;
    stdout = stderr = fuzz_sink(); /* the usage, the one-line error */
    (void)rl_cli_parse_out_only("report", "usage\n", argc, argv, &out);
    stdout = saved_out;
    stderr = saved_err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const int which = data[0] % 6;
    char *text = fuzz_text(data + 1, size - 1);
    rl_err err = {{0}};
    rl_status s = RL_OK;
    switch (which) {
    case 0: {
        rl_shape shape;
        s = rl_parse_shape(text, &shape, &err);
        if (s == RL_OK)
            shape_cases(&shape);
        break;
    }
    case 1: {
        uint32_t mask;
        s = rl_parse_op_list(text, &mask, &err);
        break;
    }
    case 2: {
        uint32_t mask;
        s = rl_parse_precision_list(text, &mask, &err);
        break;
    }
    case 3: {
        int64_t v;
        s = rl_cli_parse_i64(text, "--repetitions", 1, 1000000, &v, &err);
        break;
    }
    case 4: {
        rl_llm_dtype t;
        s = rl_llm_dtype_parse(text, &t, &err);
        break;
    }
    default: out_only_argv(text, size - 1); break;
    }
    /* A message may quote the value (it came from the command line), but it
     * is one line whenever the value is. */
    if (s != RL_OK && !memchr(data + 1, '\n', size - 1) && strchr(err.msg, '\n'))
        abort();
    free(text);
    return 0;
}
