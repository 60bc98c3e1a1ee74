/* rooflab predict: the roofline prediction for one op on a catalog device,
 * printed as a worked derivation (or as JSON with --json). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "devices/rl_catalog.h"
#include "harness/cli.h"
#include "harness/rl_cli_util.h"
#include "kernels/rl_support.h"
#include "model/rl_ops.h"
#include "model/rl_roofline.h"

static const char usage[] =
    "usage: rooflab predict --device ID [--power-mode M] --op OP\n"
    "                       (--m M --n N --k K | --rows R --cols C | --count N [--iters I])\n"
    "                       --precision P [--json] [--hypothetical]\n"
    "\n"
    "The roofline prediction for one case on a catalog device, derived step by step:\n"
    "FLOPs and bytes (the op accounting of docs/op-accounting.md), intensity, ridge,\n"
    "binding roof, attainable rate, time and MFU. Each op is judged against the unit\n"
    "it runs on (GEMM: tensor cores, fp32 on the CUDA cores; the FMA probe: the SIMT\n"
    "pipes at its precision; row ops: fp32 SIMT arithmetic), with dense peaks.\n"
    "  --device      a catalog id (h100-sxm5, orin-nx-16gb, ...; see rooflab devices)\n"
    "  --power-mode  Jetson only: nvpmodel mode name or id (default: the default mode)\n"
    "  --op          gemm, layernorm, softmax, residual_layernorm, scale_mask_softmax,\n"
    "                bias_gelu (and *_unfused), copy, triad, fma\n"
    "  --precision   fp64, fp32, tf32, fp16, bf16, fp8, int8\n"
    "  --json        one JSON object on stdout\n"
    "  --hypothetical  predict an op at a precision no backend runs (layernorm at int8,\n"
    "                ...); every output line says so. Without it such a case is refused.\n"
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

static const char *si_time(double s, char *buf, size_t len)
{
    if (s >= 1.0)
        snprintf(buf, len, "%.4g s", s);
    else if (s >= 1e-3)
        snprintf(buf, len, "%.4g ms", s * 1e3);
    else if (s >= 1e-6)
        snprintf(buf, len, "%.4g us", s * 1e6);
    else
        snprintf(buf, len, "%.4g ns", s * 1e9);
    return buf;
}

typedef struct predict_options {
    const char *device, *mode, *op, *precision;
    rl_shape shape;
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
        case 'd': o->device = optarg; break;
        case 'P': o->mode = optarg; break;
        case 'o': o->op = optarg; break;
        case 'p': o->precision = optarg; break;
        case 'j': o->json = true; break;
        case 'H': o->hypothetical = true; break;
        case 'h': *help = true; return RL_OK;
        case 'm': dst = &o->shape.m, name = "--m"; break;
        case 'n': dst = &o->shape.n, name = "--n"; break;
        case 'k': dst = &o->shape.k, name = "--k"; break;
        case 'r': dst = &o->shape.rows, name = "--rows"; break;
        case 'c': dst = &o->shape.cols, name = "--cols"; break;
        case 'C': dst = &o->shape.count, name = "--count"; break;
        case 'i': dst = &o->shape.iters, name = "--iters"; break;
        case ':': return rl_fail(err, RL_ERR_INVALID, "%s needs a value", argv[optind - 1]);
        default: return rl_fail(err, RL_ERR_INVALID, "unknown option '%s'", argv[optind - 1]);
        }
        if (dst)
            RL_TRY(rl_cli_parse_i64(optarg, name, 1, INT64_MAX, dst, err));
    }
    if (optind < argc)
        return rl_fail(err, RL_ERR_INVALID, "unexpected argument '%s'", argv[optind]);
    if (!o->device)
        return rl_fail(err, RL_ERR_INVALID, "--device ID is required");
    if (!o->op)
        return rl_fail(err, RL_ERR_INVALID, "--op is required");
    if (!o->precision)
        return rl_fail(err, RL_ERR_INVALID, "--precision is required");
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
        fprintf(out, ", power mode %s", mode->name);
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
               si_time(r->transcendentals / r->mufu_op_per_s, fl, 48), m->mufu_source);
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
           si_time(r->predicted_time_s, a, 48));
    fprintf(out, "9. MFU          = attainable / %s peak = %.1f %%\n", r->roof.name, 100.0 * r->mfu);
    if (fu) {
        fprintf(out, "\nFusion: %s moves %.0f B, %s moves %.0f B (ratio %.3g);\n",
               rl_op_name(fu->unfused), fu->unfused_bytes, rl_op_name(fu->fused), fu->fused_bytes,
               fu->byte_ratio);
        fprintf(out, "        predicted times %s vs %s -> fusion speedup %.3g x%s\n",
               si_time(fu->unfused_time_s, a, 48), si_time(fu->fused_time_s, b, 48), fu->speedup,
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

static int print_json(const rl_catalog_entry *e, const rl_power_mode *mode, rl_op op,
                      rl_precision p, const rl_shape *s, const rl_machine *m,
                      char (*src)[RL_CAT_SOURCE_LEN], const rl_case_prediction *r,
                      const rl_fusion_prediction *fu, const char *hypothetical)
{
    cJSON *o = cJSON_CreateObject();
    if (hypothetical) {
        cJSON_AddBoolToObject(o, "hypothetical", true);
        cJSON_AddStringToObject(o, "hypothetical_because", hypothetical);
    }
    char shape[96];
    rl_shape_format(op, s, shape, sizeof shape);
    cJSON_AddStringToObject(o, "device", e->id);
    if (mode)
        cJSON_AddStringToObject(o, "power_mode", mode->name);
    cJSON_AddStringToObject(o, "op", rl_op_name(op));
    cJSON_AddStringToObject(o, "shape", shape);
    cJSON_AddStringToObject(o, "precision", rl_precision_name(p));
    cJSON_AddNumberToObject(o, "flops", r->flops);
    cJSON_AddNumberToObject(o, "bytes", r->bytes);
    cJSON_AddNumberToObject(o, "intensity", r->intensity);
    cJSON_AddStringToObject(o, "roof", r->roof.name);
    cJSON_AddStringToObject(o, "unit", rl_unit_name(r->roof.unit));
    cJSON_AddStringToObject(o, "arithmetic_precision", rl_precision_name(r->roof.arith));
    cJSON_AddNumberToObject(o, "peak_flop_per_s", r->peak_flop_per_s);
    cJSON_AddStringToObject(o, "peak_source", r->roof.source);
    cJSON_AddNumberToObject(o, "dense_peak_flop_per_s", m->peak_flop_per_s[p]);
    cJSON_AddStringToObject(o, "dense_peak_source", src[p]);
    if (r->transcendentals > 0) {
        cJSON_AddNumberToObject(o, "transcendentals", r->transcendentals);
        cJSON_AddNumberToObject(o, "mufu_op_per_s", r->mufu_op_per_s);
        if (r->mufu_op_per_s > 0)
            cJSON_AddStringToObject(o, "mufu_source", m->mufu_source);
    }
    cJSON_AddStringToObject(o, "binding_roof", r->binding_roof);
    cJSON_AddNumberToObject(o, "byte_per_s", r->byte_per_s);
    cJSON_AddNumberToObject(o, "ridge", r->ridge);
    cJSON_AddStringToObject(o, "bound", rl_bound_name(r->bound));
    cJSON_AddNumberToObject(o, "attainable_flop_per_s", r->attainable_flop_per_s);
    cJSON_AddNumberToObject(o, "predicted_time_s", r->predicted_time_s);
    cJSON_AddNumberToObject(o, "mfu", r->mfu);
    cJSON *ridges = cJSON_AddObjectToObject(o, "ridges");
    for (int q = 0; q < RL_PREC_COUNT; q++)
        if (m->peak_flop_per_s[q] > 0)
            cJSON_AddNumberToObject(ridges, rl_precision_name((rl_precision)q),
                                    rl_ridge(m->peak_flop_per_s[q], m->mem[0].byte_per_s));
    if (fu) {
        cJSON *f = cJSON_AddObjectToObject(o, "fusion");
        cJSON_AddStringToObject(f, "fused_op", rl_op_name(fu->fused));
        cJSON_AddStringToObject(f, "unfused_op", rl_op_name(fu->unfused));
        cJSON_AddNumberToObject(f, "fused_bytes", fu->fused_bytes);
        cJSON_AddNumberToObject(f, "unfused_bytes", fu->unfused_bytes);
        cJSON_AddNumberToObject(f, "byte_ratio", fu->byte_ratio);
        cJSON_AddNumberToObject(f, "speedup", fu->speedup);
        cJSON_AddBoolToObject(f, "memory_bound", fu->memory_bound);
    }
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text)
        return rl_cli_fail("predict", "out of memory writing JSON");
    puts(text);
    free(text);
    return 0;
}

int rl_cli_predict(int argc, char **argv)
{
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
    rl_precision p;
    if (rl_op_parse(o.op, &op, &err) != RL_OK || rl_precision_parse(o.precision, &p, &err) != RL_OK)
        return rl_cli_fail("predict", err.msg);
    if (op == RL_OP_FMA && o.shape.iters == 0)
        o.shape.iters = 1;

    rl_catalog cat;
    if (rl_catalog_load(&cat, &err) != RL_OK)
        return rl_cli_fail("predict", err.msg);
    int rc = 2;
    const rl_catalog_entry *e;
    const rl_power_mode *mode = NULL;
    rl_machine m;
    char src[RL_PREC_COUNT][RL_CAT_SOURCE_LEN];
    rl_case_prediction r;
    rl_fusion_prediction fu;
    bool has_fusion = false;
    if (rl_catalog_get(&cat, o.device, &e, &err) != RL_OK)
        goto fail;
    if ((o.mode || e->kind == RL_CAT_JETSON) && rl_catalog_find_mode(e, o.mode, &mode, &err) != RL_OK)
        goto fail;
    if (rl_catalog_machine(e, mode, &m, src, &err) != RL_OK)
        goto fail;
    /* Every catalog device is a CUDA GPU: ask the CUDA backend's own table. */
    int cc_major = 0, cc_minor = 0;
    if (sscanf(e->compute_capability, "%d.%d", &cc_major, &cc_minor) != 2)
        cc_major = cc_minor = 0;
    rl_err why;
    const bool runs = rl_cuda_runs(op, p, cc_major, cc_minor, &why);
    if (!runs && !o.hypothetical) {
        snprintf(err.msg, sizeof err.msg, "%.*s; --hypothetical predicts it anyway",
                 (int)sizeof err.msg - 40, why.msg);
        goto fail;
    }
    if (rl_predict_case(&m, op, p, &o.shape, &r, &err) != RL_OK)
        goto fail;
    if (rl_op_has_fusion_pair(op) && rl_predict_fusion(&m, op, p, &o.shape, &fu, &err) == RL_OK)
        has_fusion = true;
    if (o.json)
        rc = print_json(e, mode, op, p, &o.shape, &m, src, &r, has_fusion ? &fu : NULL,
                        runs ? NULL : why.msg);
    else if (runs) {
        print_text(stdout, e, mode, op, p, &o.shape, &m, src, &r, has_fusion ? &fu : NULL);
        rc = 0;
    } else {
        rc = print_text_hypothetical(e, mode, op, p, &o.shape, &m, src, &r,
                                     has_fusion ? &fu : NULL, why.msg);
    }
    rl_catalog_free(&cat);
    return rc;
fail:
    rl_catalog_free(&cat);
    return rl_cli_fail("predict", err.msg);
}
