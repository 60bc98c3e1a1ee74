/* Buffers, random inputs and validation of one case. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/rl_case.h"
#include "kernels/ref/rl_ref.h"
#include "kernels/rl_dtype.h"

void rl_case_name(const rl_case_spec *spec, char *buf, size_t len)
{
    char shape[96];
    rl_shape_format(spec->op, &spec->shape, shape, sizeof shape);
    if (spec->kernel_version > 0)
        snprintf(buf, len, "%s/%s/%s/v%d", rl_op_name(spec->op),
                 rl_precision_name(spec->precision), shape, spec->kernel_version);
    else
        snprintf(buf, len, "%s/%s/%s", rl_op_name(spec->op), rl_precision_name(spec->precision),
                 shape);
}

/* The precision the arithmetic itself rounds to: TF32 tensor cores round
 * their inputs to a 10-bit mantissa; everything else accumulates in fp32 or,
 * for fp64, in fp64; integer GEMM is exact. */
static double math_epsilon(rl_precision p)
{
    switch (p) {
    case RL_PREC_FP64: return ldexp(1.0, -52);
    case RL_PREC_INT8: return 0.0;
    default: return ldexp(1.0, -23);
    }
}

double rl_case_tolerance(rl_op op, rl_precision p, int64_t reduction_length)
{
    const double eps_out = rl_dtype_epsilon(rl_output_dtype(op, p));
    const double eps_math = math_epsilon(p);
    const double eps_tf32 = p == RL_PREC_TF32 ? ldexp(1.0, -10) : 0.0;
    const double len = reduction_length > 1 ? (double)reduction_length : 1.0;
    const double tol = 2.0 * eps_out + 4.0 * eps_tf32 + 4.0 * eps_math * sqrt(len);
    /* Integer GEMM is exact; allow only double rounding of the comparison. */
    return tol > 0.0 ? tol : 1e-12;
}

/* splitmix64: a small, well-mixed generator; each case gets its own seed. */
static uint64_t next_u64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double next_unit(uint64_t *state)
{
    return (double)(next_u64(state) >> 11) * 0x1.0p-53;
}

/* Random values that are never zero, scaled per tensor role. */
static void fill_random(double *v, int64_t n, rl_fill fill, rl_precision p, uint64_t *state)
{
    const bool integer = p == RL_PREC_INT8;
    for (int64_t i = 0; i < n; i++) {
        double u = next_unit(state);
        double x;
        switch (fill) {
        case RL_FILL_POSITIVE: x = 0.5 + u; break;
        case RL_FILL_SMALL: x = (u < 0.5 ? -1.0 : 1.0) * (0.25 + 2.75 * fabs(2.0 * u - 1.0)); break;
        default: x = (u < 0.5 ? -1.0 : 1.0) * (0.125 + 0.875 * fabs(2.0 * u - 1.0)); break;
        }
        /* int8 GEMM: small non-zero integers, so int32 sums stay exact. */
        if (integer)
            x = (x < 0 ? -1.0 : 1.0) * (1.0 + floor(fabs(x) * 7.0));
        v[i] = x;
    }
}

rl_status rl_case_prepare(rl_backend *be, const rl_case_spec *spec, rl_case_run *run,
                          rl_err *err)
{
    memset(run, 0, sizeof *run);
    run->backend = be;
    run->spec = *spec;
    RL_TRY(rl_shape_validate(spec->op, spec->precision, &spec->shape, err));
    RL_TRY(rl_op_signature_of(spec->op, spec->precision, &spec->shape, &run->sig, err));
    rl_err why;
    if (!be->supports(be->state, spec->op, spec->precision, spec->kernel_version, &why))
        return rl_fail(err, RL_ERR_UNSUPPORTED, "%s", why.msg);
    if (be->supports_shape && !be->supports_shape(be->state, spec->op, &spec->shape, &why))
        return rl_fail(err, RL_ERR_UNSUPPORTED, "%s", why.msg);

    /* Refuse up front what cannot fit, rather than fail half-way. */
    const uint64_t need = rl_op_footprint_bytes(spec->op, spec->precision, &spec->shape);
    rl_mem_info mem;
    RL_TRY(be->mem_info(be->state, &mem, err));
    if (need > mem.free_bytes)
        return rl_fail(err, RL_ERR_NOMEM,
                       "needs %.3g GB of %s memory but only %.3g GB is free", need / 1e9, be->name,
                       mem.free_bytes / 1e9);

    run->launch.op = spec->op;
    run->launch.precision = spec->precision;
    run->launch.kernel_version = spec->kernel_version;
    run->launch.shape = spec->shape;
    run->launch.params = rl_op_default_params(spec->op, &spec->shape);
    for (int i = 0; i < run->sig.count; i++) {
        const rl_tensor_desc *t = &run->sig.tensors[i];
        rl_status s = be->alloc(be->state, (size_t)t->elems * rl_dtype_size(t->dtype),
                                &run->launch.tensors[i], err);
        if (s != RL_OK) {
            rl_case_release(run);
            return s;
        }
    }

    /* The compute probe keeps its data in registers and a working set that
     * fits any cache; every other case is flushed unless its working set is
     * at least four times the largest cache. */
    const size_t cache = be->cache_bytes(be->state);
    if (spec->op == RL_OP_FMA) {
        run->flush = false;
        snprintf(run->cache, sizeof run->cache, "not flushed: compute probe");
    } else if (need >= 4ull * cache) {
        run->flush = false;
        snprintf(run->cache, sizeof run->cache,
                 "not flushed: working set %.3g MB >= 4x cache %.3g MB", need / 1e6, cache / 1e6);
    } else {
        run->flush = true;
        snprintf(run->cache, sizeof run->cache,
                 "flushed before each sample: working set %.3g MB < 4x cache %.3g MB", need / 1e6,
                 cache / 1e6);
    }
    return RL_OK;
}

void rl_case_release(rl_case_run *run)
{
    for (int i = 0; i < RL_MAX_TENSORS; i++) {
        if (run->launch.tensors[i])
            run->backend->release(run->backend->state, run->launch.tensors[i]);
        run->launch.tensors[i] = NULL;
    }
    free(run->samples);
    run->samples = NULL;
    run->sample_count = run->sample_capacity = 0;
}

/* How many units to compare with the reference: all of them when that is
 * cheap, else a sample bounded by the reference's work. */
static int64_t units_to_check(rl_op op, const rl_shape *s, int64_t total)
{
    const double work_budget = 4e7;
    double per_unit = 1.0;
    if (op == RL_OP_GEMM)
        per_unit = (double)s->k;
    else if (rl_op_is_rowwise(op))
        per_unit = (double)s->cols;
    else if (op == RL_OP_FMA)
        per_unit = (double)s->iters;
    int64_t budget = (int64_t)(work_budget / per_unit);
    if (budget < 16)
        budget = 16;
    return total < budget ? total : budget;
}

typedef struct host_tensors {
    void *stored[RL_MAX_TENSORS];  /* in the storage type */
    double *value[RL_MAX_TENSORS]; /* the same values as doubles */
} host_tensors;

static void host_free(host_tensors *h)
{
    for (int i = 0; i < RL_MAX_TENSORS; i++) {
        free(h->stored[i]);
        free(h->value[i]);
    }
}

/* 0xFF bytes are NaN in every float type; for int32 (int8 GEMM) they would
 * be -1, a valid result, so 0x7F bytes: 2139062143, beyond any sum of
 * fewer than 130,000 int8 products (at most 128 x 128 each). */
int rl_output_poison_byte(rl_dtype t)
{
    return t == RL_DT_I32 ? 0x7F : 0xFF;
}

bool rl_output_is_poison(rl_dtype t, double value)
{
    return t == RL_DT_I32 ? value == 2139062143.0 : isnan(value);
}

rl_status rl_case_validate(rl_case_run *run, uint64_t seed, rl_validation *out, rl_err *err)
{
    rl_backend *be = run->backend;
    const rl_case_spec *spec = &run->spec;
    memset(out, 0, sizeof *out);
    host_tensors h = {0};
    rl_status s = RL_OK;
    uint64_t rng = seed;

    for (int i = 0; i < run->sig.count && s == RL_OK; i++) {
        const rl_tensor_desc *t = &run->sig.tensors[i];
        const size_t bytes = (size_t)t->elems * rl_dtype_size(t->dtype);
        if (t->role == RL_TENSOR_SCRATCH)
            continue;
        h.stored[i] = malloc(bytes);
        h.value[i] = malloc((size_t)t->elems * sizeof(double));
        if (!h.stored[i] || !h.value[i]) {
            s = rl_fail(err, RL_ERR_NOMEM, "host memory for the reference (%.3g GB) is short",
                        (double)t->elems * 8 / 1e9);
            break;
        }
        if (t->role == RL_TENSOR_IN) {
            /* Round to the storage type, then let the reference see exactly
             * the rounded values the kernel sees. */
            fill_random(h.value[i], t->elems, t->fill, spec->precision, &rng);
            rl_dtype_from_f64(t->dtype, h.stored[i], h.value[i], (size_t)t->elems);
            rl_dtype_to_f64(t->dtype, h.value[i], h.stored[i], (size_t)t->elems);
            s = be->upload(be->state, run->launch.tensors[i], h.stored[i], bytes, err);
        } else {
            s = be->fill_bytes(be->state, run->launch.tensors[i],
                               rl_output_poison_byte(t->dtype), bytes, err);
        }
    }
    if (s == RL_OK)
        s = be->launch(be->state, &run->launch, err);
    if (s == RL_OK)
        s = be->sync(be->state, err);

    /* Download every output, then compute the reference on a sample. */
    const int64_t total_units = rl_ref_unit_count(spec->op, &spec->shape);
    const int64_t n_units = units_to_check(spec->op, &spec->shape, total_units);
    int64_t *units = NULL;
    double *refs[RL_MAX_TENSORS] = {0};
    if (s == RL_OK) {
        units = malloc((size_t)n_units * sizeof *units);
        if (!units)
            s = rl_fail(err, RL_ERR_NOMEM, "out of memory for validation");
    }
    if (s == RL_OK) {
        /* Spread the sample evenly, first and last unit included, so edges
         * (the last partial vector, the last thread's rows) are covered. */
        for (int64_t u = 0; u < n_units; u++)
            units[u] = n_units == 1 ? 0 : (int64_t)((double)u * (double)(total_units - 1) /
                                                    (double)(n_units - 1));
    }
    for (int i = 0; i < run->sig.count && s == RL_OK; i++) {
        const rl_tensor_desc *t = &run->sig.tensors[i];
        if (t->role != RL_TENSOR_OUT)
            continue;
        const size_t bytes = (size_t)t->elems * rl_dtype_size(t->dtype);
        s = be->download(be->state, h.stored[i], run->launch.tensors[i], bytes, err);
        if (s == RL_OK) {
            rl_dtype_to_f64(t->dtype, h.value[i], h.stored[i], (size_t)t->elems);
            refs[i] = malloc((size_t)t->elems * sizeof(double));
            if (!refs[i])
                s = rl_fail(err, RL_ERR_NOMEM, "out of memory for the reference");
        }
    }
    if (s == RL_OK) {
        double *args[RL_MAX_TENSORS] = {0};
        for (int i = 0; i < run->sig.count; i++)
            args[i] = run->sig.tensors[i].role == RL_TENSOR_OUT ? refs[i] : h.value[i];
        s = rl_ref_run(spec->op, &spec->shape, &run->launch.params, args, units, n_units, err);
    }
    if (s == RL_OK) {
        /* Error relative to |ref| + the mean |ref| of the output, so tiny
         * reference values (softmax tails) do not dominate. A NaN anywhere
         * in an output (an element never written) fails the case. */
        double max_err = 0.0;
        bool nan_seen = false;
        for (int i = 0; i < run->sig.count; i++) {
            const rl_tensor_desc *t = &run->sig.tensors[i];
            if (t->role != RL_TENSOR_OUT)
                continue;
            for (int64_t e = 0; e < t->elems; e++)
                if (rl_output_is_poison(t->dtype, h.value[i][e]))
                    nan_seen = true;
            double sum_abs = 0.0;
            int64_t n = 0;
            for (int64_t u = 0; u < n_units; u++) {
                int64_t first, len;
                rl_ref_unit_span(spec->op, &spec->shape, units[u], &first, &len);
                for (int64_t e = first; e < first + len; e++, n++)
                    sum_abs += fabs(refs[i][e]);
            }
            const double scale = n > 0 ? sum_abs / (double)n : 1.0;
            for (int64_t u = 0; u < n_units; u++) {
                int64_t first, len;
                rl_ref_unit_span(spec->op, &spec->shape, units[u], &first, &len);
                for (int64_t e = first; e < first + len; e++) {
                    const double d = fabs(h.value[i][e] - refs[i][e]) /
                                     (fabs(refs[i][e]) + scale + 1e-300);
                    if (!(d <= max_err)) /* catches NaN */
                        max_err = isnan(d) ? INFINITY : d;
                }
            }
        }
        out->checked = true;
        out->max_rel_err = nan_seen ? INFINITY : max_err;
        out->tolerance = rl_case_tolerance(spec->op, spec->precision,
                                           rl_op_reduction_length(spec->op, &spec->shape));
        out->passed = !nan_seen && max_err <= out->tolerance;
        out->checked_units = n_units;
        out->total_units = total_units;
        if (nan_seen)
            s = rl_fail(err, RL_ERR_VALIDATION,
                        "output has elements the kernel never wrote (poison left)");
        else if (!out->passed)
            s = rl_fail(err, RL_ERR_VALIDATION, "max relative error %.3g exceeds tolerance %.3g",
                        max_err, out->tolerance);
    }
    for (int i = 0; i < RL_MAX_TENSORS; i++)
        free(refs[i]);
    free(units);
    host_free(&h);
    return s;
}
