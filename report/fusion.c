/* Fused kernels beside their unfused chains: pairing, measured and
 * predicted gains, and the causes of a gain that falls short. */
#include "report/rl_fusion.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/rl_sbuf.h"

/* A fused call this close to the launch overhead is mostly overhead. */
#define LAUNCH_BOUND_FACTOR 20.0

static bool same_shape(const rl_shape *a, const rl_shape *b)
{
    return a->m == b->m && a->n == b->n && a->k == b->k && a->rows == b->rows &&
           a->cols == b->cols && a->count == b->count && a->iters == b->iters &&
           a->batch == b->batch && a->queries == b->queries;
}

static bool measured(const rl_case_result *c)
{
    return c->outcome == RL_CASE_OK && c->time_s.median > 0;
}

double rl_results_cache_bytes(const rl_results *r)
{
    if (r->info.device_cache_bytes > 0)
        return r->info.device_cache_bytes;
    return (double)r->info.cpu.llc_bytes;
}

/* The size of one intermediate of the chain: the largest tensor of its
 * signature (a step writes a whole matrix that the next step re-reads; in
 * residual+LayerNorm it is the output h, re-read by the LayerNorm step). */
static double chain_intermediate_bytes(const rl_case_result *u)
{
    rl_op_signature sig;
    rl_err err;
    double largest = 0;
    if (rl_op_signature_of(u->op, u->precision, &u->shape, &sig, &err) != RL_OK)
        return 0;
    for (int i = 0; i < sig.count; i++) {
        const double b = (double)sig.tensors[i].elems * (double)rl_dtype_size(sig.tensors[i].dtype);
        if (b > largest)
            largest = b;
    }
    return largest;
}

static void add_cause(char *buf, size_t len, const char *text)
{
    size_t used = strlen(buf);
    if (used + 2 < len)
        snprintf(buf + used, len - used, "%s%s", used ? "; " : "", text);
}

/* Why a flagged pair's gain fell short, from what the results record. */
static void find_causes(const rl_results *r, rl_fusion_pair *p)
{
    const rl_case_result *f = p->fused, *u = p->unfused;
    char text[256], a[32], b[32];
    p->cause[0] = '\0';
    /* the gain is a ratio of two medians: its relative uncertainty is about
     * the sum of theirs (rl_median_noise, recorded by the stopping rule) */
    const double spread = f->noise + u->noise;
    const double line = p->measured_gain < 1 ? 1.0 : 0.5 * p->predicted_gain;
    if (f->stop_reason[0] && u->stop_reason[0] && isfinite(spread) &&
        p->measured_gain * (1 + spread) >= line) {
        snprintf(text, sizeof text,
                 "noise: the medians are known to +/-%.1f %% and +/-%.1f %%, as wide as the gap",
                 100 * f->noise, 100 * u->noise);
        add_cause(p->cause, sizeof p->cause, text);
    } else if (f->time_s.cv > RL_NOISY_CV || u->time_s.cv > RL_NOISY_CV) {
        snprintf(text, sizeof text,
                 "noise: the samples' CV is %.2f (fused) and %.2f (unfused), above %.2f",
                 f->time_s.cv, u->time_s.cv, RL_NOISY_CV);
        add_cause(p->cause, sizeof p->cause, text);
    }
    const double intermediate = chain_intermediate_bytes(u);
    const double cache = rl_results_cache_bytes(r);
    if (intermediate > 0 && cache > 0 && intermediate <= cache) {
        rl_format_si(intermediate, "B", a, sizeof a);
        rl_format_si(cache, "B", b, sizeof b);
        snprintf(text, sizeof text,
                 "cache: the chain's intermediate (%s) fits in the %s last-level cache, so its "
                 "write and re-read need not reach memory as the model counts them",
                 a, b);
        add_cause(p->cause, sizeof p->cause, text);
    }
    const double launch = r->info.launch_overhead_s;
    if (launch > 0 && f->time_s.median < LAUNCH_BOUND_FACTOR * launch) {
        rl_format_time(f->time_s.median, a, sizeof a);
        rl_format_time(launch, b, sizeof b);
        snprintf(text, sizeof text,
                 "overhead: the fused call takes %s, %.1fx the measured launch overhead %s "
                 "(the chain pays it once per step)",
                 a, f->time_s.median / launch, b);
        add_cause(p->cause, sizeof p->cause, text);
    }
    if (!p->cause[0])
        snprintf(p->cause, sizeof p->cause,
                 "no cause in the recorded facts (noise, cache, launch overhead): compare "
                 "the fused kernel's rate with its roof");
}

static void assess(const rl_results *r, rl_fusion_pair *p)
{
    const rl_case_result *f = p->fused, *u = p->unfused;
    p->measured_gain = u->time_s.median / f->time_s.median;
    p->byte_ratio = f->bytes > 0 ? u->bytes / f->bytes : NAN;
    p->predicted_gain = f->predicted.present && u->predicted.present &&
                                f->predicted.time_s > 0 && u->predicted.time_s > 0
                            ? u->predicted.time_s / f->predicted.time_s
                            : NAN;
    p->gain_ratio = p->measured_gain / p->predicted_gain;
    p->flagged = false;
    p->flag[0] = p->cause[0] = '\0';
    if (p->measured_gain < 1) {
        p->flagged = true;
        snprintf(p->flag, sizeof p->flag, "the unfused chain is faster");
    } else if (p->gain_ratio < 0.5) {
        p->flagged = true;
        snprintf(p->flag, sizeof p->flag, "below half the predicted gain");
    }
    if (p->flagged)
        find_causes(r, p);
}

/* The fused case for the unfused case u: same precision, backend and
 * shape; the same kernel version when there is one, else the fastest. */
static const rl_case_result *fused_twin(const rl_results *r, const rl_case_result *u)
{
    const rl_op want = rl_op_fused_partner(u->op);
    const rl_case_result *best = NULL;
    for (size_t i = 0; i < r->count; i++) {
        const rl_case_result *f = &r->cases[i];
        if (f->op != want || f->precision != u->precision || !measured(f) ||
            strcmp(f->backend, u->backend) != 0 || !same_shape(&f->shape, &u->shape))
            continue;
        if (f->kernel_version == u->kernel_version)
            return f;
        if (!best || f->time_s.median < best->time_s.median)
            best = f;
    }
    return best;
}

bool rl_fusion_pair_of(const rl_results *r, const rl_case_result *c, rl_fusion_pair *out)
{
    if (!rl_op_is_unfused(c->op) || !measured(c))
        return false;
    const rl_case_result *f = fused_twin(r, c);
    if (!f)
        return false;
    memset(out, 0, sizeof *out);
    out->fused = f;
    out->unfused = c;
    assess(r, out);
    return true;
}

rl_fusion_pair *rl_fusion_pairs(const rl_results *r, size_t *count)
{
    *count = 0;
    rl_fusion_pair *pairs = NULL;
    for (size_t i = 0; i < r->count; i++) {
        rl_fusion_pair p;
        if (!rl_fusion_pair_of(r, &r->cases[i], &p))
            continue;
        if (!pairs && !(pairs = calloc(r->count, sizeof *pairs)))
            return NULL;
        pairs[(*count)++] = p;
    }
    return pairs;
}

void rl_fusion_print(const rl_results *r, FILE *out)
{
    size_t n;
    rl_fusion_pair *pairs = rl_fusion_pairs(r, &n);
    if (!pairs)
        return;
    fprintf(out, "Fusion (gain = unfused median time / fused median time; predicted from the "
                 "model's times):\n");
    fprintf(out, "  %-26s %-5s %-22s %10s %10s %9s %9s %6s\n", "fused op", "prec", "shape",
            "fused ms", "chain ms", "measured", "predicted", "ratio");
    for (size_t i = 0; i < n; i++) {
        const rl_fusion_pair *p = &pairs[i];
        char shape[64], pred[16], ratio[16];
        rl_shape_format(p->fused->op, &p->fused->shape, shape, sizeof shape);
        snprintf(pred, sizeof pred, isfinite(p->predicted_gain) ? "%.2fx" : "-",
                 p->predicted_gain);
        snprintf(ratio, sizeof ratio, isfinite(p->gain_ratio) ? "%.2f" : "-", p->gain_ratio);
        fprintf(out, "  %-26s %-5s %-22s %10.3f %10.3f %8.2fx %9s %6s%s\n",
                rl_op_name(p->fused->op), rl_precision_name(p->fused->precision), shape,
                p->fused->time_s.median * 1e3, p->unfused->time_s.median * 1e3,
                p->measured_gain, pred, ratio, p->flagged ? "  FLAG" : "");
        if (p->flagged)
            fprintf(out, "      %s: %s\n", p->flag, p->cause);
    }
    free(pairs);
}

static void add_number_or_null(cJSON *o, const char *key, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

void rl_fusion_add_json(void *parent, const rl_results *r)
{
    size_t n;
    rl_fusion_pair *pairs = rl_fusion_pairs(r, &n);
    if (!pairs)
        return;
    cJSON *array = cJSON_AddArrayToObject((cJSON *)parent, "fusion");
    for (size_t i = 0; i < n; i++) {
        const rl_fusion_pair *p = &pairs[i];
        cJSON *o = cJSON_CreateObject();
        char shape[64];
        rl_shape_format(p->fused->op, &p->fused->shape, shape, sizeof shape);
        cJSON_AddStringToObject(o, "fused", p->fused->name);
        cJSON_AddStringToObject(o, "unfused", p->unfused->name);
        cJSON_AddStringToObject(o, "fused_op", rl_op_name(p->fused->op));
        cJSON_AddStringToObject(o, "unfused_op", rl_op_name(p->unfused->op));
        cJSON_AddStringToObject(o, "precision", rl_precision_name(p->fused->precision));
        cJSON_AddStringToObject(o, "shape", shape);
        cJSON_AddNumberToObject(o, "fused_median_s", p->fused->time_s.median);
        cJSON_AddNumberToObject(o, "unfused_median_s", p->unfused->time_s.median);
        cJSON_AddNumberToObject(o, "measured_gain", p->measured_gain);
        add_number_or_null(o, "predicted_gain", p->predicted_gain);
        add_number_or_null(o, "byte_ratio", p->byte_ratio);
        add_number_or_null(o, "measured_over_predicted", p->gain_ratio);
        cJSON_AddBoolToObject(o, "flagged", p->flagged);
        if (p->flagged) {
            cJSON_AddStringToObject(o, "flag", p->flag);
            cJSON_AddStringToObject(o, "likely_cause", p->cause);
        }
        cJSON_AddItemToArray(array, o);
    }
    free(pairs);
}
