/* rooflab bench: the same cases through Google Benchmark's own front end.
 * Options of ours select the cases; every --benchmark_* flag goes to Google
 * Benchmark untouched. Cases are prepared lazily, one at a time, so only
 * one case's buffers exist at once, and each is validated before its first
 * timed call (a failing case is reported as a benchmark error). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness/cli.h"
#include "harness/rl_case.h"
#include "harness/rl_cli_util.h"
#include "harness/rl_gbench.h"
#include "harness/rl_run_info.h"
#include "harness/rl_suite.h"

static const char usage[] =
    "usage: rooflab bench [--device auto|cpu|cuda:N] [--suite quick|full] [--ops LIST]\n"
    "                     [--precision LIST] [--threads N] [--benchmark_* ...]\n"
    "\n"
    "Runs the suite's cases through Google Benchmark's own front end, so its flags work\n"
    "as usual: --benchmark_filter=REGEX, --benchmark_repetitions=N,\n"
    "--benchmark_format=console|json|csv, --benchmark_out=FILE, --benchmark_min_time=S,\n"
    "--benchmark_list_tests. Times are manual (the device's own clock); the counters\n"
    "flop_per_s and byte_per_s come from the model's op accounting.\n";

typedef struct bench_session {
    rl_backend *backend;
    const rl_measure_settings *ms;
    uint64_t seed;
    int current; /* index of the prepared case, -1 if none */
    rl_case_run run;
} bench_session;

typedef struct bench_case {
    bench_session *session;
    int index;
    rl_case_spec spec;
    char name[160];
    bool failed;
    rl_err failure;
} bench_case;

static rl_status bench_sample(void *ctx, double *seconds, rl_err *err)
{
    bench_case *bc = ctx;
    bench_session *s = bc->session;
    if (bc->failed)
        return rl_fail(err, RL_ERR_VALIDATION, "%s", bc->failure.msg);
    if (s->current != bc->index) {
        if (s->current >= 0)
            rl_case_release(&s->run);
        s->current = -1;
        rl_validation v;
        double call_s;
        rl_status st = rl_case_prepare(s->backend, &bc->spec, &s->run, &bc->failure);
        if (st == RL_OK) {
            s->current = bc->index;
            st = rl_case_validate(&s->run, s->seed + 0x9E3779B97F4A7C15ull * (uint64_t)bc->index,
                                  &v, &bc->failure);
        }
        if (st == RL_OK)
            st = rl_case_warmup(&s->run, s->ms, &call_s, &bc->failure);
        if (st != RL_OK) {
            bc->failed = true;
            return rl_fail(err, st, "%s", bc->failure.msg);
        }
    }
    return rl_case_sample(&s->run, seconds, err);
}

int rl_cli_bench(int argc, char **argv)
{
    /* Split argv: Google Benchmark's flags to it, the rest to us. */
    char **ours = calloc((size_t)argc + 1, sizeof *ours);
    char **theirs = calloc((size_t)argc + 2, sizeof *theirs);
    int n_ours = 0, n_theirs = 0;
    if (!ours || !theirs) {
        free(ours);
        free(theirs);
        return rl_cli_fail("bench", "out of memory");
    }
    theirs[n_theirs++] = "rooflab bench";
    for (int i = 0; i < argc; i++) {
        if (i > 0 && strncmp(argv[i], "--benchmark_", 12) == 0)
            theirs[n_theirs++] = argv[i];
        else
            ours[n_ours++] = argv[i];
    }

    static const struct option longopts[] = {
        {"device", required_argument, NULL, 'd'}, {"suite", required_argument, NULL, 's'},
        {"ops", required_argument, NULL, 'o'},    {"precision", required_argument, NULL, 'p'},
        {"threads", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *device = "auto", *suite = "quick", *ops = NULL, *precisions = NULL;
    int threads = 0, c, code = 0;
    int64_t v;
    rl_err err;
    rl_backend be = {0};
    bool backend_open = false;
    rl_case_spec *cases = NULL;
    bench_case *bcs = NULL;
    rl_gb_case *gbs = NULL;
    size_t count = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(n_ours, ours, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': device = optarg; break;
        case 's': suite = optarg; break;
        case 'o': ops = optarg; break;
        case 'p': precisions = optarg; break;
        case 't':
            if (rl_cli_parse_i64(optarg, "--threads", 1, 4096, &v, &err) != RL_OK) {
                code = rl_cli_fail("bench", err.msg);
                goto out;
            }
            threads = (int)v;
            break;
        case 'h': fputs(usage, stdout); goto out;
        case ':':
            snprintf(err.msg, sizeof err.msg, "option %s needs a value", ours[optind - 1]);
            code = rl_cli_fail("bench", err.msg);
            goto out;
        default:
            snprintf(err.msg, sizeof err.msg, "unknown option '%s'", ours[optind - 1]);
            code = rl_cli_fail("bench", err.msg);
            goto out;
        }
    }
    if (optind < n_ours) {
        snprintf(err.msg, sizeof err.msg, "unexpected argument '%s'", ours[optind]);
        code = rl_cli_fail("bench", err.msg);
        goto out;
    }
    int max_reps;
    rl_suite_request req = {.suite = suite, .threads = threads};
    if (rl_cli_max_reps(&max_reps, &err) != RL_OK ||
        (ops && rl_parse_op_list(ops, &req.op_mask, &err) != RL_OK) ||
        (precisions && rl_parse_precision_list(precisions, &req.precision_mask, &err) != RL_OK)) {
        code = rl_cli_fail("bench", err.msg);
        goto out;
    }
    char device_id[32];
    if (rl_backend_open(device, threads, &be, device_id, sizeof device_id, &err) != RL_OK) {
        code = rl_cli_fail("bench", err.msg);
        goto out;
    }
    backend_open = true;
    req.cache_bytes = be.cache_bytes(be.state);
    rl_backend_default_precisions(&be, &req.default_gemm_precisions,
                                  &req.default_other_precisions);
    if (rl_suite_build(&req, &cases, &count, &err) != RL_OK) {
        code = rl_cli_fail("bench", err.msg);
        goto out;
    }
    bcs = calloc(count ? count : 1, sizeof *bcs);
    gbs = calloc(count ? count : 1, sizeof *gbs);
    if (!bcs || !gbs) {
        code = rl_cli_fail("bench", "out of memory");
        goto out;
    }
    const rl_measure_settings ms = {.warmup_s = 0.02, .max_reps = max_reps};
    bench_session session = {.backend = &be, .ms = &ms, .seed = (uint64_t)time(NULL), .current = -1};
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        rl_err why;
        if (!be.supports(be.state, cases[i].op, cases[i].precision, 0, &why))
            continue;
        bench_case *bc = &bcs[n];
        bc->session = &session;
        bc->index = (int)n;
        bc->spec = cases[i];
        rl_case_name(&cases[i], bc->name, sizeof bc->name);
        gbs[n] = (rl_gb_case){.name = bc->name,
                              .sample = bench_sample,
                              .ctx = bc,
                              .flops = rl_op_flops(cases[i].op, &cases[i].shape),
                              .bytes = rl_op_bytes(cases[i].op, cases[i].precision,
                                                   &cases[i].shape),
                              .iterations = ms.max_reps,
                              .repetitions = ms.max_reps};
        n++;
    }
    code = rl_gb_main(n_theirs, theirs, gbs, (int)n);
    if (session.current >= 0)
        rl_case_release(&session.run);
out:
    if (backend_open)
        be.destroy(be.state);
    free(gbs);
    free(bcs);
    free(cases);
    free(ours);
    free(theirs);
    return code;
}
