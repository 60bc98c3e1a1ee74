/* rooflab run: the suite, validated and measured, written as results.json
 * and results.csv. */
#include <cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness/cli.h"
#include "harness/rl_call_bound.h"
#include "harness/rl_case.h"
#include "harness/rl_ceilings.h"
#include "harness/rl_ceilings_drift.h"
#include "harness/rl_cli_util.h"
#include "harness/rl_device_list.h"
#include "harness/rl_launch_overhead.h"
#include "harness/rl_llm_suite.h"
#include "harness/rl_load_average.h"
#include "harness/rl_multi_run.h"
#include "harness/rl_run_info.h"
#include "harness/rl_run_model.h"
#include "harness/rl_run_output.h"
#include "harness/rl_run_progress.h"
#include "harness/rl_slurm_env.h"
#include "harness/rl_suite.h"
#include "devices/rl_catalog.h"
#include "devices/rl_device.h"
#include "report/rl_report.h"
#include "report/rl_summary.h"

/* The CLI's mutable state, for its signal handler. SIGINT, SIGTERM and
 * SIGHUP stop the run after the current sample and keep what it finished
 * (stop_signal: the first one's number). A second one ends the process at
 * once, except while a results set is being written (writing): then it
 * waits for the write, so the files always agree with each other. */
static volatile sig_atomic_t stop_signal = 0;
static volatile sig_atomic_t writing = 0;
static volatile sig_atomic_t second_signal = 0;

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void on_stop_signal(int sig)
{
    if (!stop_signal) {
        stop_signal = sig;
        return;
    }
    if (writing) {
        second_signal = sig;
        return;
    }
    signal(sig, SIG_DFL);
    raise(sig); /* delivered when this handler returns */
}

static void catch_stop_signals(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
        sigaddset(&sa.sa_mask, stop_signals[i]);
    /* No SA_RESTART: a signal ends a wait for the output folder's lock. */
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
        sigaction(stop_signals[i], &sa, NULL);
}

/* Write the set with a second signal held back until it is done; the last
 * write (final) keeps holding it back, the run ends right after. */
static rl_status write_results(rl_run_output *out, const rl_results *r, bool final, rl_err *err)
{
    writing = 1;
    rl_status s = rl_run_output_write(out, r, err);
    if (final)
        return s;
    writing = 0;
    if (second_signal) {
        signal(second_signal, SIG_DFL);
        raise(second_signal);
    }
    return s;
}

static const char usage[] =
    "usage: rooflab run [--device auto|cpu|cuda:N|cuda:all|cuda:N,M,...] [--suite quick|full]\n"
    "                   [--ops LIST]\n"
    "                   [--precision LIST] [--threads N] [--repetitions N] [--seed N]\n"
    "                   [--shape SPEC] [--ceilings] [--lock-clocks] [--out DIR] [--wait-lock]\n"
    "                   [--max-noise PCT] [--timeout S] [--min-samples N]\n"
    "       rooflab run --suite llm --model NAME|PATH --batch B --seq S [--dtype D] ...\n"
    "\n"
    "Validates every case against its float64 reference, then measures it through\n"
    "Google Benchmark and writes DIR/results.json and DIR/results.csv.\n"
    "  --device       auto (default: a CUDA GPU when usable, else the CPU), cpu, cuda:N;\n"
    "                 cuda:all or cuda:N,M,... runs every GPU named at once, one process\n"
    "                 each, into DIR/cudaN/, and merges them into DIR/merged/\n"
    "  --suite        quick (default; about 50 s on a 2-core VM), full, or tiny\n"
    "                 (seconds; a smoke test of the pipeline, sizes sit in cache)\n"
    "  --suite llm    one transformer layer of --model at prefill of --batch x --seq\n"
    "                 tokens (its projections, norms and softmax), added up per layer and\n"
    "                 model; refused before it starts when the model's weights, KV-cache\n"
    "                 and activations (in --dtype, default the config's) do not fit\n"
    "  --model        a shipped config (model/configs: llama-3-8b, llama-3.2-1b, mistral-7b,\n"
    "                 gemma-3-1b, qwen3-30b-a3b, ...; an unknown name lists them all)\n"
    "                 or a Hugging Face config.json path\n"
    "  --shape        a shape instead of the suite's: [batch=B,]m=M,n=N,k=K (gemm;\n"
    "                 batch: B independent products, as attention's Q.K^T),\n"
    "                 rows=R,cols=C (row ops; scale_mask_softmax: ,queries=Q for causal\n"
    "                 blocks of Q queries, default C) or count=N[,iters=I] (copy, triad,\n"
    "                 fma);\n"
    "                 repeat it for several shapes, run in the order given\n"
    "  --ops          comma-separated ops: gemm, layernorm, softmax, residual_layernorm,\n"
    "                 scale_mask_softmax, bias_gelu (and *_unfused), silu_gate, copy, triad,\n"
    "                 fma\n"
    "  --precision    comma-separated: fp64, fp32, tf32, fp16, bf16, fp8, int8\n"
    "  --threads      CPU threads (default: all cores)\n"
    "  --repetitions  Google Benchmark repetitions per case, at least (default 5); more\n"
    "                 follow until the median is known to --max-noise or --timeout passes\n"
    "  --max-noise    target noise of a case's median, in percent: the half-width of its\n"
    "                 95 % confidence interval (default 1; 0: exactly --repetitions)\n"
    "  --timeout      seconds of sampling after which a case stops short of the target\n"
    "                 (default 2; 0: none; at most 100 repetitions either way)\n"
    "  --min-samples  samples before the noise target may stop a case (default 10)\n"
    "  --seed         seed of the random inputs (default: from the clock)\n"
    "  --kernel-version N|all\n"
    "                 run version N of each op's kernel ladder (GPU LayerNorm/Softmax:\n"
    "                 1 thread per row, 2 warp per row, 3 vectorised block per row,\n"
    "                 4 row in registers), or\n"
    "                 every version as its own case; default: the backend's fastest\n"
    "  --ceilings     measure this machine's roofs first (else reuse those stored by\n"
    "                 `rooflab ceilings` or an earlier `run --ceilings`)\n"
    "  --lock-clocks  ask NVML for application clocks at the GPU's maximum (needs root\n"
    "                 or an unrestricted API); says on stderr whether it could\n"
    "  --out          output folder (default results/runs/<date>-<host>-<device>); one\n"
    "                 run at a time writes into it, another is refused\n"
    "  --wait-lock    wait for the run writing into --out instead of refusing\n"
    "  --host-share N count host memory as shared by N runs at once, each given a 1/N\n"
    "                 share (cuda:all and cuda:N,M,... set it for each GPU's run)\n"
    "SIGINT, SIGTERM and SIGHUP stop the run after the current sample and keep\n"
    "the finished cases (a second one ends it at once, but never mid-write).\n"
    "A results set already in --out is replaced only by one that holds as many\n"
    "cases; until then this run's files go to --out/partial-<date>-<pid>/.\n";

#define RUN_MAX_SHAPES 64

typedef struct run_options {
    const char *device, *suite, *ops, *precisions, *out, *model, *dtype, *kernel_version;
    const char *shapes[RUN_MAX_SHAPES]; /* each --shape, in the order given */
    size_t shape_count;
    int64_t batch, seq;
    int threads, repetitions;
    int host_share; /* runs sharing this host's memory at once (multi-GPU) */
    double max_noise_pct, timeout_s; /* the stopping rule (rl_sampling.h) */
    long min_samples;
    int max_reps; /* ROOFLAB_MAX_REPS: measurement cap for tests and emulators */
    uint64_t seed;
    bool seed_given;
    bool measure_ceilings, wait_lock;
    bool lock_clocks;
} run_options;

static int parse_options(int argc, char **argv, run_options *o, rl_err *err)
{
    static const struct option longopts[] = {
        {"device", required_argument, NULL, 'd'},   {"suite", required_argument, NULL, 's'},
        {"ops", required_argument, NULL, 'o'},      {"precision", required_argument, NULL, 'p'},
        {"threads", required_argument, NULL, 't'},  {"repetitions", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 'S'},     {"out", required_argument, NULL, 'O'},
        {"shape", required_argument, NULL, 'x'},    {"ceilings", no_argument, NULL, 'c'},
        {"model", required_argument, NULL, 'm'},    {"batch", required_argument, NULL, 'b'},
        {"seq", required_argument, NULL, 'q'},      {"dtype", required_argument, NULL, 'D'},
        {"kernel-version", required_argument, NULL, 'k'},
        {"wait-lock", no_argument, NULL, 'w'},
        {"lock-clocks", no_argument, NULL, 'L'},
        {"max-noise", required_argument, NULL, 'N'},
        {"timeout", required_argument, NULL, 'T'},
        {"min-samples", required_argument, NULL, 'M'},
        {"host-share", required_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    *o = (run_options){.device = "auto", .suite = "quick", .repetitions = 5, .host_share = 1,
                       .max_noise_pct = 1.0, .timeout_s = 2.0, .min_samples = 10};
    optind = 1;
    opterr = 0;
    int c;
    int64_t v;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': o->device = optarg; break;
        case 's': o->suite = optarg; break;
        case 'o': o->ops = optarg; break;
        case 'p': o->precisions = optarg; break;
        case 'O': o->out = optarg; break;
        case 'x':
            if (o->shape_count == RUN_MAX_SHAPES)
                return rl_fail(err, RL_ERR_INVALID, "at most %d --shape options",
                               RUN_MAX_SHAPES);
            o->shapes[o->shape_count++] = optarg;
            break;
        case 'c': o->measure_ceilings = true; break;
        case 'w': o->wait_lock = true; break;
        case 'L': o->lock_clocks = true; break;
        case 'm': o->model = optarg; break;
        case 'D': o->dtype = optarg; break;
        case 'k':
            o->kernel_version = optarg;
            if (strcmp(optarg, "all") != 0)
                RL_TRY(rl_cli_parse_i64(optarg, "--kernel-version", 1, 64, &v, err));
            break;
        case 'b': RL_TRY(rl_cli_parse_i64(optarg, "--batch", 1, INT32_MAX, &o->batch, err)); break;
        case 'q': RL_TRY(rl_cli_parse_i64(optarg, "--seq", 1, INT32_MAX, &o->seq, err)); break;
        case 't':
            RL_TRY(rl_cli_parse_i64(optarg, "--threads", 1, 4096, &v, err));
            o->threads = (int)v;
            break;
        case 'r':
            RL_TRY(rl_cli_parse_i64(optarg, "--repetitions", 1, 1000, &v, err));
            o->repetitions = (int)v;
            break;
        case 'N':
            RL_TRY(rl_cli_parse_double(optarg, "--max-noise", 0, 100, &o->max_noise_pct, err));
            break;
        case 'T': RL_TRY(rl_cli_parse_double(optarg, "--timeout", 0, 3600, &o->timeout_s, err)); break;
        case 'M':
            RL_TRY(rl_cli_parse_i64(optarg, "--min-samples", 1, 1000000, &v, err));
            o->min_samples = (long)v;
            break;
        case 'H':
            RL_TRY(rl_cli_parse_i64(optarg, "--host-share", 1, 4096, &v, err));
            o->host_share = (int)v;
            break;
        case 'S':
            RL_TRY(rl_cli_parse_i64(optarg, "--seed", 0, INT64_MAX, &v, err));
            o->seed = (uint64_t)v;
            o->seed_given = true;
            break;
        case 'h': return -1; /* not an rl_status: help was asked for */
        case ':': return rl_fail(err, RL_ERR_INVALID, "option %s needs a value", argv[optind - 1]);
        default: return rl_fail(err, RL_ERR_INVALID, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return rl_fail(err, RL_ERR_INVALID, "unexpected argument '%s'", argv[optind]);
    return RL_OK;
}

static void default_out_dir(const rl_run_info *info, char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    /* The host name is whatever the machine says ("../../x" included). */
    char host[72], device[72];
    rl_path_component(info->host, host, sizeof host);
    rl_path_component(info->device, device, sizeof device);
    snprintf(buf, len, "results/runs/%s-%s-%s", stamp, host, device);
    /* Inside a Slurm job: the job's folder, as scripts/slurm/rooflab.sbatch names it. */
    rl_slurm_out_dir(&info->slurm, rl_slurm_step_tasks(), host, buf, len);
}

/* --device cuda:all or cuda:N,M,...: every GPU named, at once, each in its
 * own process and folder (ROOT/cudaN), then merged into ROOT/merged. */
static int run_every_gpu(int argc, char **argv, const run_options *o)
{
    rl_err err;
    rl_device_list list;
    if (rl_device_list_parse(o->device, &list, &err) != RL_OK)
        return rl_cli_fail("run", err.msg);
    char reason[256] = "";
    const int gpus = rl_cuda_device_count(reason, sizeof reason);
    if (rl_device_list_resolve(&list, gpus, reason, &err) != RL_OK)
        return rl_cli_fail("run", err.msg);
    rl_multi_device devices[RL_MAX_DEVICES];
    memset(devices, 0, sizeof devices);
    for (int i = 0; i < list.count; i++) {
        snprintf(devices[i].device, sizeof devices[i].device, "cuda:%d", list.ordinals[i]);
        snprintf(devices[i].label, sizeof devices[i].label, "cuda%d", list.ordinals[i]);
    }
    char root[PATH_MAX];
    if (o->out && strlen(o->out) >= sizeof root)
        return rl_cli_fail("run", "output folder path is too long");
    if (o->out) {
        snprintf(root, sizeof root, "%s", o->out);
    } else {
        rl_run_info *info = calloc(1, sizeof *info);
        if (!info)
            return rl_cli_fail("run", "out of memory");
        rl_run_info_fill(info);
        rl_slurm_info_fill(&info->slurm);
        snprintf(info->device, sizeof info->device, "%s", o->device);
        default_out_dir(info, root, sizeof root);
        free(info);
    }
    fprintf(stderr, "rooflab run: %d GPU%s at once, one process each; results in %s/cudaN/, "
                    "merged in %s/merged/\n",
            list.count, list.count == 1 ? "" : "s", root, root);
    catch_stop_signals();
    const rl_multi_spec spec = {.program = "/proc/self/exe",
                                .args = argv + 1,
                                .arg_count = argc - 1,
                                .root = root,
                                .wait_lock = o->wait_lock,
                                .stop = &stop_signal};
    err.msg[0] = '\0';
    const int code = rl_multi_run(&spec, devices, (size_t)list.count, &err);
    if (code != 0 && err.msg[0]) {
        rl_cli_fail("run", err.msg);
    }
    return code;
}

/* Host memory the harness itself needs next to a case's buffers: the inputs
 * and outputs again in storage type and as doubles, for the reference. */
static uint64_t host_bytes_for(const rl_case_spec *c)
{
    rl_op_signature sig;
    if (rl_op_signature_of(c->op, c->precision, &c->shape, &sig, NULL) != RL_OK)
        return 0;
    uint64_t total = 0;
    for (int i = 0; i < sig.count; i++)
        if (sig.tensors[i].role != RL_TENSOR_SCRATCH)
            total += (uint64_t)sig.tensors[i].elems * (rl_dtype_size(sig.tensors[i].dtype) + 16);
    return total;
}

static uint64_t host_available_bytes(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    unsigned long long kb = 0;
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    if (kb)
        return (uint64_t)kb * 1024;
    long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : UINT64_MAX;
}

/* Refuse, before anything is allocated, a case that cannot fit. Runs that
 * start together on one host (one per GPU) each count on 1/host_share of
 * its available memory, since each sees all of it free when it starts. */
static rl_status preflight(rl_backend *be, const rl_case_spec *cases, size_t count,
                           int host_share, rl_err *err)
{
    rl_mem_info mem = {0};
    RL_TRY(be->mem_info(be->state, &mem, err));
    /* One DRAM (the CPU, a Jetson): device buffers and host copies add up
     * against the same free memory. */
    const bool shared = strcmp(be->name, "cpu") == 0 || mem.shared_with_host;
    const uint64_t host_free = (shared && mem.free_bytes < host_available_bytes()
                                    ? mem.free_bytes
                                    : host_available_bytes()) /
                               (uint64_t)host_share;
    char share[64] = "";
    if (host_share > 1)
        snprintf(share, sizeof share, " (its 1/%d share: %d runs at once)", host_share,
                 host_share);
    for (size_t i = 0; i < count; i++) {
        RL_TRY(rl_shape_validate(cases[i].op, cases[i].precision, &cases[i].shape, err));
        const uint64_t dev = rl_op_footprint_bytes(cases[i].op, cases[i].precision, &cases[i].shape);
        const uint64_t host = host_bytes_for(&cases[i]) + (shared ? dev : 0);
        char name[160];
        rl_case_name(&cases[i], name, sizeof name);
        if (dev > mem.free_bytes)
            return rl_fail(err, RL_ERR_NOMEM,
                           "%s needs %.3g GB of %s memory, %.3g GB is free: refusing to start",
                           name, dev / 1e9, be->name, mem.free_bytes / 1e9);
        if (host > host_free)
            return rl_fail(err, RL_ERR_NOMEM,
                           "%s needs %.3g GB of host memory with its reference, %.3g GB is "
                           "available%s: refusing to start",
                           name, host / 1e9, host_free / 1e9, share);
    }
    return RL_OK;
}

/* Reject a --shape whose buffers overflow for any op and precision it could
 * run at, before a device is opened (so the error is the only line). */
static rl_status check_shape_early(const rl_shape *shape, uint32_t op_mask,
                                   uint32_t precision_mask, rl_err *err)
{
    for (int op = 0; op < RL_OP_COUNT; op++) {
        const bool takes = rl_shape_fits_op((rl_op)op, shape);
        if (!takes || (op_mask && !(op_mask & (1u << op))))
            continue;
        for (int p = 0; p < RL_PREC_COUNT; p++) {
            if (precision_mask && !(precision_mask & (1u << p)))
                continue;
            rl_shape s = *shape;
            if (op == RL_OP_FMA && s.iters <= 0)
                s.iters = 1;
            RL_TRY(rl_shape_validate((rl_op)op, (rl_precision)p, &s, err));
        }
    }
    return RL_OK;
}

/* --kernel-version: pin every case to version N, or expand each case with a
 * ladder into one case per version ("all"). */
static rl_status apply_kernel_version(rl_backend *be, const char *which, rl_case_spec **cases,
                                      size_t *count, rl_err *err)
{
    if (!which)
        return RL_OK;
    if (strcmp(which, "all") != 0) {
        const int v = atoi(which);
        for (size_t i = 0; i < *count; i++)
            (*cases)[i].kernel_version = v;
        return RL_OK;
    }
    size_t total = 0;
    for (size_t i = 0; i < *count; i++) {
        const int n = be->kernel_versions(be->state, (*cases)[i].op);
        total += n > 1 ? (size_t)n : 1;
    }
    rl_case_spec *out = calloc(total ? total : 1, sizeof *out);
    if (!out)
        return rl_fail(err, RL_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < *count; i++) {
        const int n = be->kernel_versions(be->state, (*cases)[i].op);
        if (n <= 1) {
            out[k++] = (*cases)[i];
            continue;
        }
        for (int v = 1; v <= n; v++) {
            out[k] = (*cases)[i];
            out[k++].kernel_version = v;
        }
    }
    free(*cases);
    *cases = out;
    *count = k;
    return RL_OK;
}

/* Keep the cases the backend can run; say which it cannot. */
static size_t keep_supported(rl_backend *be, rl_case_spec *cases, size_t count)
{
    size_t kept = 0;
    for (size_t i = 0; i < count; i++) {
        rl_err why;
        if (be->supports(be->state, cases[i].op, cases[i].precision, cases[i].kernel_version,
                         &why))
            cases[kept++] = cases[i];
        else
            fprintf(stderr, "rooflab run: skipping %s at %s: %s\n", rl_op_name(cases[i].op),
                    rl_precision_name(cases[i].precision), why.msg);
    }
    return kept;
}

/* Refuse an llm run whose model would not fit the device: weights,
 * KV-cache, activations and reserve, in one line. */
static rl_status llm_preflight(const rl_run_model *model, const rl_llm_request *req,
                               const char *dtype, rl_err *err)
{
    if (!model->profile || model->profile->memory_bytes == 0)
        return rl_fail(err, RL_ERR_DEVICE, "no device profile with a memory capacity: cannot "
                                           "check that %s fits", req->model);
    rl_llm_dtype weights = strcmp(req->config.torch_dtype, "bfloat16") == 0 ? RL_LLM_BF16
                                                                           : RL_LLM_FP16;
    if (dtype)
        RL_TRY(rl_llm_dtype_parse(dtype, &weights, err));
    rl_llm_plan_request pr = {.batch = req->batch,
                              .seq = req->seq,
                              .weights = weights,
                              .kv = weights == RL_LLM_BF16 ? RL_LLM_BF16 : RL_LLM_FP16,
                              .flash_attention = true,
                              .capacity_bytes = model->profile->memory_bytes,
                              .reserve_bytes = model->profile->reserve_bytes};
    rl_llm_plan plan;
    RL_TRY(rl_llm_total_bytes(&req->config, &pr, &plan, err));
    if (!plan.fits)
        return rl_fail(err, RL_ERR_NOMEM,
                       "%s at batch %lld, seq %lld does not fit %s: weights %.3g GB + KV-cache "
                       "%.3g GB + activations %.3g GB + reserve %.3g GB = %.3g GB > %.3g GB "
                       "(rooflab fit shows the largest batch and sequence that fit)",
                       req->model, (long long)req->batch, (long long)req->seq,
                       model->profile->id, plan.weights_bytes / 1e9, plan.kv_cache_bytes / 1e9,
                       plan.activation_bytes / 1e9, plan.reserve_bytes / 1e9,
                       plan.total_bytes / 1e9, plan.capacity_bytes / 1e9);
    fprintf(stderr,
            "rooflab run: %s at batch %lld, seq %lld in %s: weights %.3g GB + KV-cache %.3g GB + "
            "activations %.3g GB + reserve %.3g GB = %.3g GB of %.3g GB\n",
            req->model, (long long)req->batch, (long long)req->seq, rl_llm_dtype_name(weights),
            plan.weights_bytes / 1e9, plan.kv_cache_bytes / 1e9, plan.activation_bytes / 1e9,
            plan.reserve_bytes / 1e9, plan.total_bytes / 1e9, plan.capacity_bytes / 1e9);
    return RL_OK;
}

/* The measured roofs: measured now (--ceilings, then stored) or the stored
 * ones of this host and device, if any. */
static rl_status attach_ceilings(rl_backend *be, const run_options *o, const rl_run_info *info,
                                 rl_ceilings *ceilings, const volatile sig_atomic_t *stop,
                                 rl_err *err)
{
    char path[PATH_MAX];
    rl_ceilings_record rec = {0};
    if (rl_ceilings_default_path(info->host, info->device, path, sizeof path, err) != RL_OK)
        return o->measure_ceilings ? RL_ERR_IO : RL_OK;
    if (o->measure_ceilings) {
        /* Where they will be kept must be writable before measuring them. */
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s", path);
        RL_TRY(rl_make_output_dir(dirname(dir), err));
        snprintf(rec.host, sizeof rec.host, "%s", info->host);
        snprintf(rec.device, sizeof rec.device, "%s", info->device);
        snprintf(rec.device_description, sizeof rec.device_description, "%s",
                 info->device_description);
        snprintf(rec.date, sizeof rec.date, "%s", info->date);
        rl_ceilings_options opts = {.threads = info->threads, .seed = info->seed, .stop = stop,
                                    .max_reps = o->max_reps};
        /* As `rooflab ceilings` does: a ceiling far below the one it
         * replaces is measured again, then warned of (rl_ceilings_drift.h). */
        rl_ceilings_record before;
        const bool compare = rl_ceilings_load_previous(path, &rec, &before, stderr);
        RL_TRY(rl_ceilings_measure(be, &info->cpu, &opts, &rec, err));
        int fallen = 0;
        if (compare)
            RL_TRY(rl_ceilings_check_drops(be, &info->cpu, &opts, &before, &rec, stderr, &fallen,
                                           err));
        RL_TRY(rl_ceilings_save(path, &rec, err));
        fprintf(stderr, "rooflab run: measured ceilings saved to %s\n", path);
    } else if (access(path, F_OK) == 0 || errno != ENOENT) {
        /* present but unreadable (a folder, no permission): say why below */
        rl_err why;
        if (rl_ceilings_load(path, &rec, &why) != RL_OK) {
            fprintf(stderr, "rooflab run: ignoring stored ceilings: %s\n", why.msg);
            return RL_OK;
        }
        fprintf(stderr, "rooflab run: using the ceilings measured on %s (%s)\n", rec.date, path);
    } else {
        fprintf(stderr, "rooflab run: no measured ceilings for %s on %s yet (rooflab ceilings, "
                        "or run --ceilings, measures them)\n",
                info->device, info->host);
        return RL_OK;
    }
    ceilings->measured = rec.measured;
    return RL_OK;
}

int rl_cli_run(int argc, char **argv)
{
    run_options o;
    rl_err err;
    int parsed = parse_options(argc, argv, &o, &err);
    if (parsed == -1) {
        fputs(usage, stdout);
        return 0;
    }
    if (parsed != RL_OK || rl_cli_max_reps(&o.max_reps, &err) != RL_OK)
        return rl_cli_fail("run", err.msg);

    uint32_t op_mask = 0, precision_mask = 0;
    if (o.ops && rl_parse_op_list(o.ops, &op_mask, &err) != RL_OK)
        return rl_cli_fail("run", err.msg);
    if (o.precisions && rl_parse_precision_list(o.precisions, &precision_mask, &err) != RL_OK)
        return rl_cli_fail("run", err.msg);
    if (o.model && strcmp(o.suite, "quick") == 0)
        o.suite = "llm";
    const bool llm = strcmp(o.suite, "llm") == 0;
    if (strcmp(o.suite, "quick") != 0 && strcmp(o.suite, "full") != 0 &&
        strcmp(o.suite, "tiny") != 0 && !llm)
        return rl_cli_fail("run", "unknown suite (known: quick, full, tiny, llm)");
    if (llm && (!o.model || !o.batch || !o.seq))
        return rl_cli_fail("run", "the llm suite needs --model, --batch and --seq");
    if (!llm && (o.model || o.batch || o.seq || o.dtype))
        return rl_cli_fail("run", "--model, --batch, --seq and --dtype belong to the llm suite");
    rl_llm_request llm_req = {.batch = o.batch, .seq = o.seq};
    rl_llm_case llm_cases[RL_LLM_CASES];
    int llm_count = 0;
    if (llm) {
        char path[PATH_MAX];
        snprintf(llm_req.model, sizeof llm_req.model, "%s", o.model);
        if (rl_model_config_path(o.model, path, sizeof path, &err) != RL_OK ||
            rl_hf_config_load(path, &llm_req.config, &err) != RL_OK)
            return rl_cli_fail("run", err.msg);
    }
    rl_shape shapes[RUN_MAX_SHAPES];
    for (size_t i = 0; i < o.shape_count; i++)
        if (rl_parse_shape(o.shapes[i], &shapes[i], &err) != RL_OK ||
            check_shape_early(&shapes[i], op_mask, precision_mask, &err) != RL_OK)
            return rl_cli_fail("run", err.msg);

    if (rl_device_list_is_multi(o.device))
        return run_every_gpu(argc, argv, &o);

    rl_results results;
    rl_results_init(&results);
    rl_run_info *info = &results.info;
    rl_backend be;
    if (rl_backend_open_ex(o.device, o.threads, o.lock_clocks, &be, info->device,
                           sizeof info->device, &err) !=
        RL_OK)
        return rl_cli_fail("run", err.msg);
    int code = 0;
    rl_case_spec *cases = NULL;
    size_t count = 0;
    rl_run_model model = {0};
    rl_run_output output = {.lock_fd = -1};

    if (rl_cpu_detect(&info->cpu, &err) != RL_OK) {
        code = rl_cli_fail("run", err.msg);
        goto out;
    }
    rl_run_info_fill(info);
    rl_slurm_info_fill(&info->slurm);
    snprintf(info->device_description, sizeof info->device_description, "%s",
             be.describe(be.state));
    snprintf(info->suite, sizeof info->suite, "%s", o.suite);
    info->threads = o.threads > 0 ? o.threads : info->cpu.pus;
    info->seed = o.seed_given ? o.seed : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    rl_run_model_open(&model, info->device);
    rl_run_model_bind_host(&model); /* before any OpenMP thread starts: they inherit it */
    rl_run_model_share_memory(&model, &be);
    results.extra_json = model.profile_json;
    rl_run_model_datasheet(&model, &results.ceilings.datasheet);

    rl_suite_request req = {.suite = o.suite,
                            .op_mask = op_mask,
                            .precision_mask = precision_mask,
                            .cache_bytes = be.cache_bytes(be.state),
                            .threads = info->threads,
                            .shape = o.shape_count ? shapes : NULL,
                            .shape_count = o.shape_count};
    rl_backend_default_precisions(&be, &req.default_gemm_precisions,
                                  &req.default_other_precisions);
    if (llm) {
        const bool cpu = strcmp(be.name, "cpu") == 0;
        const rl_precision p = cpu ? RL_PREC_FP32 : RL_PREC_BF16;
        if (rl_llm_suite_build(&llm_req, p, p, llm_cases, &llm_count, &err) != RL_OK ||
            llm_preflight(&model, &llm_req, o.dtype, &err) != RL_OK) {
            code = rl_cli_fail("run", err.msg);
            goto out;
        }
        cases = calloc((size_t)llm_count, sizeof *cases);
        if (!cases) {
            code = rl_cli_fail("run", "out of memory");
            goto out;
        }
        for (count = 0; count < (size_t)llm_count; count++)
            cases[count] = llm_cases[count].spec;
    } else if (rl_suite_build(&req, &cases, &count, &err) != RL_OK) {
        code = rl_cli_fail("run", err.msg);
        goto out;
    }
    if (apply_kernel_version(&be, o.kernel_version, &cases, &count, &err) != RL_OK) {
        code = rl_cli_fail("run", err.msg);
        goto out;
    }
    count = keep_supported(&be, cases, count);
    if (count == 0) {
        code = rl_cli_fail("run", "no case of the requested ops and precisions runs on this "
                                  "device");
        goto out;
    }
    if (preflight(&be, cases, count, o.host_share, &err) != RL_OK) {
        code = rl_cli_fail("run", err.msg);
        goto out;
    }
    /* A sample is one call and cannot be cut short: a shape the user chose
     * (or the llm suite, whose sums need every case) is refused when one
     * call may run too long; a suite's case is skipped. */
    size_t bounded = 0;
    for (size_t i = 0; i < count; i++) {
        if (rl_call_bound_check(&cases[i], strcmp(be.name, "cpu") != 0, info->threads,
                                model.profile ? &model.profile->machine : NULL, &err) == RL_OK)
            cases[bounded++] = cases[i];
        else if (o.shape_count || llm) {
            code = rl_cli_fail("run", err.msg);
            goto out;
        } else
            fprintf(stderr, "rooflab run: skipping %s\n", err.msg);
    }
    count = bounded;
    if (count == 0) {
        code = rl_cli_fail("run", "no case of the suite fits the limit on one call's time");
        goto out;
    }

    char dir[PATH_MAX];
    if (o.out && strlen(o.out) >= sizeof dir) {
        code = rl_cli_fail("run", "output folder path is too long");
        goto out;
    }
    if (o.out)
        snprintf(dir, sizeof dir, "%s", o.out);
    else
        default_out_dir(info, dir, sizeof dir);
    catch_stop_signals();
    /* Lock the folder and find out now, not after the run, whether results
     * can be written there, without touching the results already in it. */
    if (rl_run_output_open(&output, dir, o.wait_lock, &stop_signal, &err) != RL_OK) {
        code = rl_cli_fail("run", err.msg);
        code = stop_signal ? 128 + stop_signal : code;
        goto out;
    }

    const rl_measure_settings ms = {
        .repetitions = o.repetitions,
        .repetition_s = 0.05,
        .max_iterations = 2000,
        .max_flushed_iterations = 20,
        .warmup_s = 0.02,
        .max_reps = o.max_reps,
        .max_noise = o.max_noise_pct / 100.0,
        .timeout_s = o.timeout_s,
        .min_samples = o.min_samples,
        .max_repetitions = o.max_noise_pct > 0 ? 100 : 0,
    };
    if (o.max_reps)
        fprintf(stderr, "rooflab run: note: ROOFLAB_MAX_REPS=%d caps the measurement; "
                        "the times are not representative\n", o.max_reps);
    if (attach_ceilings(&be, &o, info, &results.ceilings, &stop_signal, &err) != RL_OK) {
        code = rl_cli_fail("run", err.msg);
        code = stop_signal ? 128 + stop_signal : code;
        goto out;
    }
    /* The cost of one call, cited by the notes on small cases and fusion. */
    info->device_cache_bytes = (double)be.cache_bytes(be.state);
    if (rl_launch_overhead_measure(&be, &ms, &stop_signal, info) == RL_ERR_INTERRUPTED) {
        code = 128 + stop_signal;
        goto out;
    }
    /* Warnings about the device (a preset OPENBLAS_CORETYPE, doubtful
     * topology), now that the run is accepted; results.json keeps them. */
    if (model.profile && model.profile->warnings[0])
        fprintf(stderr, "rooflab run: note: %s\n", model.profile->warnings);
    fprintf(stderr, "rooflab run: %zu cases on %s (%s), results in %s\n", count, info->device,
            info->device_description, dir);
    /* Clocks and power before the first case and after each one, so even
     * an interrupted run says how the device stood when it stopped. */
    rl_run_model_device_state(&model, &be, &info->device_start);
    info->device_end = info->device_start;
    info->device_state_read = true;
    info->load_read = rl_load_average(info->load_start);
    memcpy(info->load_end, info->load_start, sizeof info->load_end);
    bool any_failed = false;
    rl_run_progress progress;
    rl_run_progress_start(&progress, stderr, count);
    for (size_t i = 0; i < count && !stop_signal; i++) {
        rl_case_result res;
        char name[160];
        rl_case_name(&cases[i], name, sizeof name);
        rl_run_progress_case(&progress, i, name);
        /* Each case its own seed, so inputs are fresh for every case. */
        rl_status s = rl_case_execute(&be, &cases[i], &ms, info->seed + 0x9E3779B97F4A7C15ull * i,
                                      &stop_signal, &res);
        if (s == RL_ERR_INTERRUPTED)
            break;
        const rl_device_state before = info->device_end;
        rl_run_model_device_state(&model, &be, &info->device_end);
        if (info->load_read && !rl_load_average(info->load_end))
            info->load_read = false;
        rl_case_energy_estimate(&res, &before, &info->device_end);
        rl_run_model_predict(&model, &results.ceilings, &res);
        if (res.outcome != RL_CASE_OK) {
            any_failed = true;
            rl_run_progress_break(&progress);
            fprintf(stderr, "        %s: %s\n", rl_case_outcome_name(res.outcome), res.message);
        }
        if (rl_results_append(&results, &res, &err) != RL_OK ||
            write_results(&output, &results, false, &err) != RL_OK) {
            code = rl_cli_fail("run", err.msg);
            goto out;
        }
    }
    rl_run_progress_break(&progress);
    /* From here a signal no longer stops anything: the last write goes
     * through, and what the file says decides the exit code. */
    writing = 1;
    results.complete = !stop_signal;
    if (rl_run_model_roof_from_run(&model, &results))
        fprintf(stderr, "rooflab run: no stored ceilings, so this run's copy/triad stands in as "
                        "the DRAM roof\n");
    rl_summary_print(&results, stdout);
    if (llm) {
        cJSON *summary = rl_llm_summary(&llm_req, llm_cases, llm_count, &results, stdout);
        if (!model.profile_json)
            model.profile_json = results.extra_json = cJSON_CreateObject();
        cJSON_AddItemToObject((cJSON *)model.profile_json, "llm", summary);
    }
    if (results.count == 0) {
        fprintf(stderr, "rooflab run: stopped before the first case finished; nothing written\n");
        code = 128 + stop_signal;
        goto out;
    }
    if (write_results(&output, &results, true, &err) != RL_OK) {
        code = rl_cli_fail("run", err.msg);
        goto out;
    }
    if (strcmp(output.written, output.dir) != 0)
        fprintf(stderr,
                "rooflab run: %s holds a run of more cases; this run's %zu are in %s\n",
                output.dir, results.count, output.written);
    printf("\nWrote %s/results.json, results.csv, roofline.svg and report.html%s\n",
           output.written, results.complete ? "" : " (partial: interrupted)");
    code = !results.complete ? 128 + stop_signal : any_failed ? 1 : 0;
out:
    rl_run_output_close(&output);
    free(cases);
    rl_results_free(&results);
    rl_run_model_close(&model);
    be.destroy(be.state);
    return code;
}
