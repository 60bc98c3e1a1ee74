/* rooflab predict: the roofline prediction of an op on catalog devices
 * without the device. One case prints as a worked derivation; several
 * (devices, precisions, shapes, a sweep) as a table; --json and --out give
 * every prediction. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "devices/rl_catalog.h"
#include "harness/cli.h"
#include "harness/rl_cli_util.h"
#include "harness/rl_predict_cases.h"
#include "harness/rl_suite.h"
#include "kernels/rl_support.h"
#include "model/rl_ops.h"
#include "model/rl_roofline.h"

static const char usage[] =
    "usage: rooflab predict --device ID[@MODE][,ID[@MODE]...] [--power-mode M] --op OP\n"
    "                       (--m M --n N --k K | --rows R --cols C [--queries Q]\n"
    "                        | --count N [--iters I]\n"
    "                        | --shape SPEC ... | --sweep A..B)\n"
    "                       --precision P[,P...] [--json] [--out DIR] [--hypothetical]\n"
    "\n"
    "The roofline prediction of an op on catalog devices, no device needed. One case\n"
    "is derived step by step: FLOPs and bytes (the op accounting of\n"
    "docs/op-accounting.md), intensity, ridge, binding roof, attainable rate, time and\n"
    "MFU. Several cases (devices x precisions x shapes) print as a table, then which\n"
    "shapes fall below each ridge. Each op is judged against the unit it runs on (GEMM:\n"
    "tensor cores, fp32 on the CUDA cores; the FMA probe: the SIMT pipes at its\n"
    "precision; row ops: fp32 SIMT arithmetic), with dense peaks.\n"
    "  --device      catalog ids, comma-separated or repeated (h100-sxm5, orin-nx-16gb,\n"
    "                ...; see rooflab devices); ID@MODE picks a Jetson power mode by\n"
    "                name or id (orin-nx-16gb@MAXN, orin-nx-16gb@25W@super); a Jetson\n"
    "                without @MODE is at its default mode\n"
    "  --power-mode  the mode of every listed Jetson given without @MODE\n"
    "  --op          gemm, layernorm, softmax, residual_layernorm, scale_mask_softmax,\n"
    "                bias_gelu (and *_unfused), copy, triad, fma\n"
    "  --precision   comma-separated: fp64, fp32, tf32, fp16, bf16, fp8, int8\n"
    "  --queries Q   scale_mask_softmax: the causal mask's rows come in blocks of Q\n"
    "                queries, the last Q of the cols keys (default cols: a prefill's\n"
    "                square block; 1: a decode step, every key seen; more than cols: a\n"
    "                sliding window of cols keys over Q positions)\n"
    "  --shape       m=M,n=N,k=K (gemm), rows=R,cols=C[,queries=Q] (row ops) or\n"
    "                count=N[,iters=I];\n"
    "                repeat it for several shapes, predicted in the order given\n"
    "  --sweep A..B  sizes A, 2A, 4A ... up to B: a square GEMM (m=n=k), the row length\n"
    "                of a row op (cols; --rows R, default 4096 rows), or the count of\n"
    "                copy, triad and fma\n"
    "  --json        the prediction as one JSON object on stdout; several cases as\n"
    "                {\"schema\": \"rooflab.predictions/1\", \"devices\", \"predictions\",\n"
    "                \"refused\"}\n"
    "  --out DIR     also write DIR/roofline.svg (every device's roofs, every case),\n"
    "                DIR/report.html and DIR/predictions.json\n"
    "  --hypothetical  predict an op at a precision no backend runs (layernorm at int8,\n"
    "                ...); every output line says so. Without it such a case is refused:\n"
    "                alone, with exit 2; among others, listed as not predicted while the\n"
    "                rest is predicted.\n"
    "Units: SI (GB = 1e9 B, TFLOP/s = 1e12 FLOP/s).\n";

/* "989.4 TFLOP/s" with an SI prefix. */
static const char *si(double v, const char *unit, char *buf, size_t len)
{
    static const char *const prefix[] = {"", "k", "M", "G", "T", "P", "E"};
    int i = 0;
    double a = fabs(v);
    while (a >= 1000.0 && i < 6) {
        a /= 1000.0;
        v /= 1000.0;
        i++;
    }
    snprintf(buf, len, "%.4g %s%s", v, prefix[i], unit);
    return buf;
}

#define MAX_LIST 16   /* --device options, precisions */
#define MAX_SHAPES 64 /* --shape options and sweep steps */

typedef struct predict_options {
    const char *devices[MAX_LIST]; /* each --device, still comma-separated */
    size_t device_args;
    const char *mode, *op, *precision, *sweep, *out;
    const char *shapes[MAX_SHAPES];
    size_t shape_count;
    rl_shape shape; /* --m ... --iters */
    bool json, hypothetical;
} predict_options;

static int parse(int argc, char **argv, predict_options *o, rl_err *err, bool *help)
{
    static const struct option longopts[] = {
        {"device", required_argument, NULL, 'd'}, {"power-mode", required_argument, NULL, 'P'},
        {"op", required_argument, NULL, 'o'},     {"precision", required_argument, NULL, 'p'},
        {"m", required_argument, NULL, 'm'},      {"n", required_argument, NULL, 'n'},
        {"k", required_argument, NULL, 'k'},      {"rows", required_argument, NULL, 'r'},
        {"cols", required_argument, NULL, 'c'},   {"count", required_argument, NULL, 'C'},
        {"iters", required_argument, NULL, 'i'},  {"json", no_argument, NULL, 'j'},
        {"queries", required_argument, NULL, 'q'},
        {"shape", required_argument, NULL, 'x'},  {"sweep", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'O'},
        {"hypothetical", no_argument, NULL, 'H'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *o = (predict_options){0};
    *help = false;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        int64_t *dst = NULL;
        const char *name = NULL;
        switch (c) {
        case 'd':
            if (o->device_args == MAX_LIST)
                return rl_fail(err, RL_ERR_INVALID, "at most %d --device options", MAX_LIST);
            o->devices[o->device_args++] = optarg;
            break;
        case 'P': o->mode = optarg; break;
        case 'o': o->op = optarg; break;
        case 'p': o->precision = optarg; break;
        case 'j': o->json = true; break;
        case 'H': o->hypothetical = true; break;
        case 's': o->sweep = optarg; break;
        case 'O': o->out = optarg; break;
        case 'x':
            if (o->shape_count == MAX_SHAPES)
                return rl_fail(err, RL_ERR_INVALID, "at most %d --shape options", MAX_SHAPES);
            o->shapes[o->shape_count++] = optarg;
            break;
        case 'h': *help = true; return RL_OK;
        case 'm': dst = &o->shape.m, name = "--m"; break;
        case 'n': dst = &o->shape.n, name = "--n"; break;
        case 'k': dst = &o->shape.k, name = "--k"; break;
        case 'r': dst = &o->shape.rows, name = "--rows"; break;
        case 'c': dst = &o->shape.cols, name = "--cols"; break;
        case 'C': dst = &o->shape.count, name = "--count"; break;
        case 'i': dst = &o->shape.iters, name = "--iters"; break;
        case 'q': dst = &o->shape.queries, name = "--queries"; break;
        case ':': return rl_fail(err, RL_ERR_INVALID, "%s needs a value", argv[optind - 1]);
        default: return rl_fail(err, RL_ERR_INVALID, "unknown option '%s'", argv[optind - 1]);
        }
        if (dst)
            RL_TRY(rl_cli_parse_i64(optarg, name, 1, INT64_MAX, dst, err));
    }
    if (optind < argc)
        return rl_fail(err, RL_ERR_INVALID, "unexpected argument '%s'", argv[optind]);
    if (!o->device_args)
        return rl_fail(err, RL_ERR_INVALID, "--device ID is required");
    if (!o->op)
        return rl_fail(err, RL_ERR_INVALID, "--op is required");
    if (!o->precision)
        return rl_fail(err, RL_ERR_INVALID, "--precision is required");
    if (o->out && !*o->out)
        return rl_fail(err, RL_ERR_INVALID, "--out needs a folder");
    return RL_OK;
}

/* ---- the cases ---------------------------------------------------------------- */

/* "A..B": whole numbers, 1 <= A <= B. */
static rl_status parse_sweep(const char *text, int64_t *lo, int64_t *hi, rl_err *err)
{
    const char *dots = strstr(text, "..");
    if (!dots || dots == text || !dots[2])
        return rl_fail(err, RL_ERR_INVALID, "--sweep '%.40s': expected A..B (e.g. 128..8192)",
                       text);
    char first[32];
    if ((size_t)(dots - text) >= sizeof first)
        return rl_fail(err, RL_ERR_INVALID, "--sweep '%.40s': expected A..B (e.g. 128..8192)",
                       text);
    snprintf(first, sizeof first, "%.*s", (int)(dots - text), text);
    RL_TRY(rl_cli_parse_i64(first, "--sweep start", 1, INT64_MAX, lo, err));
    RL_TRY(rl_cli_parse_i64(dots + 2, "--sweep end", 1, INT64_MAX, hi, err));
    if (*hi < *lo)
        return rl_fail(err, RL_ERR_INVALID, "--sweep %lld..%lld: the end is below the start",
                       (long long)*lo, (long long)*hi);
    return RL_OK;
}

/* The shapes asked for, in order: --m ... (one shape), each --shape, then the sweep. */
static rl_status collect_shapes(const predict_options *o, rl_op op, rl_shape *out, size_t *n,
                                rl_err *err)
{
    *n = 0;
    const rl_shape none = {0};
    /* with --sweep, --rows (row ops) and --iters (fma) are the sweep's other dimension */
    rl_shape sized = o->shape;
    if (o->sweep && rl_op_is_rowwise(op))
        sized.rows = sized.queries = 0;
    if (o->sweep && op != RL_OP_GEMM && !rl_op_is_rowwise(op))
        sized.iters = 0;
    if (memcmp(&sized, &none, sizeof none) != 0) {
        out[(*n)++] = o->shape;
        if (op == RL_OP_FMA && out[0].iters == 0)
            out[0].iters = 1;
    }
    for (size_t i = 0; i < o->shape_count; i++) {
        if (*n == MAX_SHAPES)
            return rl_fail(err, RL_ERR_INVALID, "at most %d shapes in all", MAX_SHAPES);
        RL_TRY(rl_parse_shape(o->shapes[i], &out[(*n)++], err));
    }
    if (o->sweep) {
        int64_t lo, hi;
        RL_TRY(parse_sweep(o->sweep, &lo, &hi, err));
        for (int64_t v = lo; v <= hi; v *= 2) {
            if (*n == MAX_SHAPES)
                return rl_fail(err, RL_ERR_INVALID, "at most %d shapes in all", MAX_SHAPES);
            rl_shape s = {0};
            if (op == RL_OP_GEMM)
                s.m = s.n = s.k = v;
            else if (rl_op_is_rowwise(op))
                s.rows = o->shape.rows > 0 ? o->shape.rows : 4096, s.cols = v,
                s.queries = o->shape.queries;
            else
                s.count = v, s.iters = o->shape.iters > 0 ? o->shape.iters : 1;
            out[(*n)++] = s;
            if (v > INT64_MAX / 2)
                break;
        }
    }
    if (*n == 0)
        return rl_fail(err, RL_ERR_INVALID,
                       "a shape is required: --m/--n/--k, --rows/--cols, --count, --shape or "
                       "--sweep");
    for (size_t i = 0; i < *n; i++) {
        if (op == RL_OP_FMA && out[i].iters == 0)
            out[i].iters = 1;
        char shape[96];
        rl_shape_format(op, &out[i], shape, sizeof shape);
        rl_err why; /* at the widest element (fp64): fits at every precision */
        if (rl_shape_validate(op, RL_PREC_FP64, &out[i], &why) != RL_OK)
            return rl_fail(err, RL_ERR_INVALID, "%s %.100s: %.300s", rl_op_name(op), shape,
                           why.msg);
    }
    return RL_OK;
}

/* The accounting formulas, for the derivation text (the numbers come from
 * rl_op_flops / rl_op_bytes). */
static void formulas(rl_op op, rl_precision p, char *fl, size_t fl_len, char *by, size_t by_len)
{
    const size_t ei = rl_dtype_size(rl_input_dtype(p));
    const size_t eo = rl_dtype_size(rl_output_dtype(op, p));
    if (op == RL_OP_GEMM) {
        snprintf(fl, fl_len, "2*m*n*k");
        snprintf(by, by_len, "(m*k + k*n)*%zu B + m*n*%zu B", ei, eo);
    } else if (rl_op_fused_partner(op) == RL_OP_SCALE_MASK_SOFTMAX) {
        snprintf(fl, fl_len, "6 per key seen, per docs/op-accounting.md");
        snprintf(by, by_len, "%s (%zu B/elem)",
                 rl_op_is_unfused(op) ? "each step reads its input and writes its output once; "
                                        "the mask reads only the keys each row sees"
                                      : "the x each row sees read once, y written once",
                 ei);
    } else {
        snprintf(fl, fl_len, "per docs/op-accounting.md");
        snprintf(by, by_len, "each input read once, each output written once%s (%zu B/elem)",
                 rl_op_is_unfused(op) ? ", each intermediate written and re-read" : "", ei);
    }
}

static void print_text(FILE *out, const rl_catalog_entry *e, const rl_power_mode *mode, rl_op op,
                       rl_precision p, const rl_shape *s, const rl_machine *m,
                       char (*src)[RL_CAT_SOURCE_LEN], const rl_case_prediction *r,
                       const rl_fusion_prediction *fu)
{
    char shape[96], a[48], b[48], c[48], fl[64], by[128];
    rl_shape_format(op, s, shape, sizeof shape);
    formulas(op, p, fl, sizeof fl, by, sizeof by);
    fprintf(out, "Prediction: %s %s at %s on %s (%s)", rl_op_name(op), shape, rl_precision_name(p),
           e->id, e->name);
    if (mode)
        fprintf(out, ", power mode %s%s", mode->name, mode->super_conf ? " (Super conf)" : "");
    fprintf(out, "\nUnits: SI (GB = 1e9 B, TFLOP/s = 1e12 FLOP/s); peaks are dense (no sparsity).\n\n");
    fprintf(out, "1. FLOPs        = %s = %.0f FLOP (%s)\n", fl, r->flops, si(r->flops, "FLOP", a, 48));
    fprintf(out, "2. Bytes        = %s = %.0f B (%s)\n", by, r->bytes, si(r->bytes, "B", b, 48));
    fprintf(out, "3. Intensity I  = FLOPs / bytes = %.4g FLOP/B\n", r->intensity);
    fprintf(out, "4. Roof         = %s: %s runs on the %s unit at %s arithmetic\n", r->roof.name,
           rl_op_name(op), rl_unit_name(r->roof.unit), rl_precision_name(r->roof.arith));
    fprintf(out, "   Peak (%s, dense) = %s   [%s]\n", r->roof.name,
           si(r->peak_flop_per_s, "FLOP/s", a, 48), r->roof.source);
    if (m->peak_flop_per_s[p] > 0 && m->peak_flop_per_s[p] != r->peak_flop_per_s)
        fprintf(out, "   (the datasheet's dense %s peak, %s, is another unit's: not this op's roof)\n",
               rl_precision_name(p), si(m->peak_flop_per_s[p], "FLOP/s", c, 48));
    if (r->transcendentals > 0 && r->mufu_op_per_s > 0)
        fprintf(out, "   Special-function unit = %s exp/s: %.0f transcendentals take %s   [%s]\n",
               si(r->mufu_op_per_s, "", c, 48), r->transcendentals,
               rl_cli_time_text(r->transcendentals / r->mufu_op_per_s, fl, 48), m->mufu_source);
    si(r->peak_flop_per_s, "FLOP/s", a, 48);
    fprintf(out, "   Bandwidth (%s) = %s   [%s]\n", m->mem[0].name, si(r->byte_per_s, "B/s", b, 48),
           mode ? (mode->emc_max_mhz > 0 ? "derived: 2 x EMC cap x bus width / 8"
                                         : e->bandwidth_byte_per_s.source)
                : e->bandwidth_byte_per_s.source);
    fprintf(out, "5. Ridge        = peak / bandwidth = %s / %s = %.4g FLOP/B\n", a, b, r->ridge);
    fprintf(out, "6. Bound        = %s-bound, by %s\n", rl_bound_name(r->bound), r->binding_roof);
    fprintf(out, "7. Attainable   = min(peak, I x bandwidth%s) = %s\n",
           r->transcendentals > 0 && r->mufu_op_per_s > 0 ? ", special-function ceiling" : "",
           si(r->attainable_flop_per_s, "FLOP/s", fl, 48));
    fprintf(out, "8. Time         = max(FLOPs / peak, %sbytes / bandwidth) = %s\n",
           r->transcendentals > 0 && r->mufu_op_per_s > 0 ? "exps / exp rate, " : "",
           rl_cli_time_text(r->predicted_time_s, a, 48));
    fprintf(out, "9. MFU          = attainable / %s peak = %.1f %%\n", r->roof.name, 100.0 * r->mfu);
    if (fu) {
        fprintf(out, "\nFusion: %s moves %.0f B, %s moves %.0f B (ratio %.3g);\n",
               rl_op_name(fu->unfused), fu->unfused_bytes, rl_op_name(fu->fused), fu->fused_bytes,
               fu->byte_ratio);
        fprintf(out, "        predicted times %s vs %s -> fusion speedup %.3g x%s\n",
               rl_cli_time_text(fu->unfused_time_s, a, 48), rl_cli_time_text(fu->fused_time_s, b, 48), fu->speedup,
               fu->memory_bound ? " (both memory-bound: the byte ratio)" : "");
    }
    fprintf(out, "\nRidge points on %s (dense peak / %s):", e->id, si(m->mem[0].byte_per_s, "B/s", a, 48));
    for (int q = 0; q < RL_PREC_COUNT; q++)
        if (m->peak_flop_per_s[q] > 0)
            fprintf(out, " %s %.4g", rl_precision_name((rl_precision)q),
                   rl_ridge(m->peak_flop_per_s[q], m->mem[0].byte_per_s));
    fprintf(out, " FLOP/B\n");
}

/* The text derivation with every line marked: no backend runs this case. */
static int print_text_hypothetical(const rl_catalog_entry *e, const rl_power_mode *mode, rl_op op,
                                   rl_precision p, const rl_shape *s, const rl_machine *m,
                                   char (*src)[RL_CAT_SOURCE_LEN], const rl_case_prediction *r,
                                   const rl_fusion_prediction *fu, const char *why)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return rl_cli_fail("predict", "out of memory");
    print_text(mem, e, mode, op, p, s, m, src, r, fu);
    if (fclose(mem) != 0 || !text) {
        free(text);
        return rl_cli_fail("predict", "out of memory");
    }
    printf("HYPOTHETICAL | no backend runs this case (%s)\n", why);
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        printf("HYPOTHETICAL | %s\n", line);
    }
    free(text);
    return 0;
}

static int print_json(const rl_predict_target *t, const rl_predict_item *c,
                      const rl_fusion_prediction *fu)
{
    cJSON *o = rl_predict_case_json(t, c);
    if (o && fu) {
        cJSON *f = cJSON_AddObjectToObject(o, "fusion");
        cJSON_AddStringToObject(f, "fused_op", rl_op_name(fu->fused));
        cJSON_AddStringToObject(f, "unfused_op", rl_op_name(fu->unfused));
        cJSON_AddNumberToObject(f, "fused_bytes", fu->fused_bytes);
        cJSON_AddNumberToObject(f, "unfused_bytes", fu->unfused_bytes);
        cJSON_AddNumberToObject(f, "byte_ratio", fu->byte_ratio);
        cJSON_AddNumberToObject(f, "speedup", fu->speedup);
        cJSON_AddBoolToObject(f, "memory_bound", fu->memory_bound);
    }
    char *text = o ? cJSON_Print(o) : NULL;
    cJSON_Delete(o);
    if (!text)
        return rl_cli_fail("predict", "out of memory writing JSON");
    puts(text);
    free(text);
    return 0;
}

/* One case: the derivation (or its JSON), as before there were several. */
static int print_one(const predict_options *o, const rl_predict_set *s)
{
    const rl_predict_item *c = &s->cases[0];
    const rl_predict_target *t = &s->targets[c->target];
    rl_fusion_prediction fu;
    rl_err err;
    const bool has_fusion = rl_op_has_fusion_pair(c->op) &&
                            rl_predict_fusion(&t->m, c->op, c->p, &c->shape, &fu, &err) == RL_OK;
    if (o->json)
        return print_json(t, c, has_fusion ? &fu : NULL);
    char(*src)[RL_CAT_SOURCE_LEN] = (char(*)[RL_CAT_SOURCE_LEN])t->src;
    if (!c->hypothetical) {
        print_text(stdout, t->e, t->mode, c->op, c->p, &c->shape, &t->m, src, &c->r,
                   has_fusion ? &fu : NULL);
        return 0;
    }
    return print_text_hypothetical(t->e, t->mode, c->op, c->p, &c->shape, &t->m, src, &c->r,
                                   has_fusion ? &fu : NULL, c->why);
}

static int print_many(const predict_options *o, const rl_predict_set *s)
{
    if (!o->json)
        return rl_predict_print_table(stdout, s) ? 0 : 2;
    char *text = rl_predict_set_json(s);
    if (!text)
        return rl_cli_fail("predict", "out of memory writing JSON");
    puts(text);
    free(text);
    return 0;
}

int rl_cli_predict(int argc, char **argv)
{
    if (rl_cli_predict_is_llm(argc, argv)) /* --suite llm: cli_predict_llm.c */
        return rl_cli_predict_llm(argc, argv);
    predict_options o;
    rl_err err;
    bool help;
    if (parse(argc, argv, &o, &err, &help) != RL_OK) {
        fprintf(stderr, "rooflab predict: %s (see rooflab predict --help)\n", err.msg);
        return 2;
    }
    if (help) {
        fputs(usage, stdout);
        return 0;
    }
    rl_op op;
    char names[MAX_LIST][128];
    size_t np = 0;
    rl_precision precs[MAX_LIST];
    if (rl_op_parse(o.op, &op, &err) != RL_OK ||
        rl_predict_split_list(o.precision, "precision", names, MAX_LIST, &np, &err) != RL_OK)
        return rl_cli_fail("predict", err.msg);
    for (size_t i = 0; i < np; i++) {
        if (rl_precision_parse(names[i], &precs[i], &err) != RL_OK)
            return rl_cli_fail("predict", err.msg);
        for (size_t k = 0; k < i; k++)
            if (precs[k] == precs[i]) {
                snprintf(err.msg, sizeof err.msg, "precision %s is listed twice",
                         rl_precision_name(precs[i]));
                return rl_cli_fail("predict", err.msg);
            }
    }
    rl_shape shapes[MAX_SHAPES];
    size_t ns = 0;
    if (collect_shapes(&o, op, shapes, &ns, &err) != RL_OK)
        return rl_cli_fail("predict", err.msg);
    /* an unwritable --out is refused before anything is printed */
    if (o.out && rl_make_output_dir(o.out, &err) != RL_OK)
        return rl_cli_fail("predict", err.msg);

    rl_catalog cat;
    if (rl_catalog_load(&cat, &err) != RL_OK)
        return rl_cli_fail("predict", err.msg);
    rl_predict_set s = {0};
    int rc = 2;
    if (rl_predict_resolve(o.devices, o.device_args, o.mode, &cat, &s, &err) != RL_OK ||
        rl_predict_plan(&s, op, precs, np, shapes, ns, o.hypothetical, &err) != RL_OK)
        goto fail;
    if (s.count == 0) {
        /* nothing to predict: the refusal, as for one case */
        snprintf(err.msg, sizeof err.msg, "%.*s; --hypothetical predicts it anyway",
                 (int)sizeof err.msg - 40, s.refusals[0].reason);
        goto fail;
    }
    for (size_t i = 0; i < s.refusal_count; i++)
        fprintf(stderr, "rooflab predict: not predicted: %s %s %s: %s\n",
                s.targets[s.refusals[i].target].label, rl_op_name(s.refusals[i].op),
                rl_precision_name(s.refusals[i].p), s.refusals[i].reason);
    rc = s.count == 1 && s.refusal_count == 0 && np == 1 && s.target_count == 1
             ? print_one(&o, &s)
             : print_many(&o, &s);
    if (rc == 0 && o.out) {
        if (rl_predict_write_out(&s, o.out, &err) != RL_OK)
            goto fail;
        fprintf(stderr, "rooflab predict: wrote %s/roofline.svg, report.html and predictions.json\n",
                o.out);
    }
    rl_predict_set_free(&s);
    rl_catalog_free(&cat);
    return rc;
fail:
    rl_predict_set_free(&s);
    rl_catalog_free(&cat);
    return rl_cli_fail("predict", err.msg);
}
