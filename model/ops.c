/* Op names, tensor signatures, and the FLOP/byte accounting.
 *
 * Conventions (docs/op-accounting.md has the worked table):
 *  - A FLOP is one add, multiply, compare, divide or transcendental (exp,
 *    tanh, rsqrt); an FMA is two.
 *  - Bytes are the minimum traffic: each input read once, each output written
 *    once. An unfused chain also writes and re-reads each intermediate.
 *  - GEMM is C = A.B with beta = 0, so C is written, not read. */
#include "model/rl_ops.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const op_names[RL_OP_COUNT] = {
    [RL_OP_GEMM] = "gemm",
    [RL_OP_LAYERNORM] = "layernorm",
    [RL_OP_SOFTMAX] = "softmax",
    [RL_OP_RESIDUAL_LAYERNORM] = "residual_layernorm",
    [RL_OP_RESIDUAL_LAYERNORM_UNFUSED] = "residual_layernorm_unfused",
    [RL_OP_SCALE_MASK_SOFTMAX] = "scale_mask_softmax",
    [RL_OP_SCALE_MASK_SOFTMAX_UNFUSED] = "scale_mask_softmax_unfused",
    [RL_OP_BIAS_GELU] = "bias_gelu",
    [RL_OP_BIAS_GELU_UNFUSED] = "bias_gelu_unfused",
    [RL_OP_COPY] = "copy",
    [RL_OP_TRIAD] = "triad",
    [RL_OP_FMA] = "fma",
    [RL_OP_SILU_GATE] = "silu_gate",
    [RL_OP_GELU_GATE] = "gelu_gate",
    [RL_OP_RESIDUAL_ADD] = "residual_add",
};

static const char *const precision_names[RL_PREC_COUNT] = {
    [RL_PREC_FP64] = "fp64", [RL_PREC_FP32] = "fp32", [RL_PREC_TF32] = "tf32",
    [RL_PREC_FP16] = "fp16", [RL_PREC_BF16] = "bf16", [RL_PREC_FP8] = "fp8",
    [RL_PREC_INT8] = "int8",
};

static const char *const dtype_names[RL_DT_COUNT] = {
    [RL_DT_F64] = "f64", [RL_DT_F32] = "f32",   [RL_DT_F16] = "f16", [RL_DT_BF16] = "bf16",
    [RL_DT_E4M3] = "e4m3", [RL_DT_I8] = "i8", [RL_DT_I32] = "i32",
};

const char *rl_op_name(rl_op op)
{
    return (op >= 0 && op < RL_OP_COUNT) ? op_names[op] : "?";
}

const char *rl_precision_name(rl_precision p)
{
    return (p >= 0 && p < RL_PREC_COUNT) ? precision_names[p] : "?";
}

const char *rl_dtype_name(rl_dtype t)
{
    return (t >= 0 && t < RL_DT_COUNT) ? dtype_names[t] : "?";
}

rl_status rl_op_parse(const char *name, rl_op *op, rl_err *err)
{
    for (int i = 0; i < RL_OP_COUNT; i++) {
        if (name && strcasecmp(name, op_names[i]) == 0) {
            *op = (rl_op)i;
            return RL_OK;
        }
    }
    return rl_fail(err, RL_ERR_INVALID,
                   "unknown op '%s' (known: gemm, layernorm, softmax, residual_layernorm, "
                   "scale_mask_softmax, bias_gelu, their _unfused chains, copy, triad, fma, "
                   "silu_gate, gelu_gate, residual_add)",
                   name ? name : "");
}

rl_status rl_precision_parse(const char *name, rl_precision *p, rl_err *err)
{
    for (int i = 0; i < RL_PREC_COUNT; i++) {
        if (name && strcasecmp(name, precision_names[i]) == 0) {
            *p = (rl_precision)i;
            return RL_OK;
        }
    }
    return rl_fail(err, RL_ERR_INVALID,
                   "unknown precision '%s' (known: fp64, fp32, tf32, fp16, bf16, fp8, int8)",
                   name ? name : "");
}

size_t rl_dtype_size(rl_dtype t)
{
    switch (t) {
    case RL_DT_F64: return 8;
    case RL_DT_F32: return 4;
    case RL_DT_I32: return 4;
    case RL_DT_F16: return 2;
    case RL_DT_BF16: return 2;
    case RL_DT_E4M3: return 1;
    case RL_DT_I8: return 1;
    default: return 0;
    }
}

rl_dtype rl_input_dtype(rl_precision p)
{
    switch (p) {
    case RL_PREC_FP64: return RL_DT_F64;
    case RL_PREC_FP32: return RL_DT_F32;
    case RL_PREC_TF32: return RL_DT_F32;
    case RL_PREC_FP16: return RL_DT_F16;
    case RL_PREC_BF16: return RL_DT_BF16;
    case RL_PREC_FP8: return RL_DT_E4M3;
    case RL_PREC_INT8: return RL_DT_I8;
    default: return RL_DT_F32;
    }
}

rl_dtype rl_output_dtype(rl_op op, rl_precision p)
{
    if (op == RL_OP_GEMM && p == RL_PREC_INT8)
        return RL_DT_I32;
    if (op == RL_OP_GEMM && p == RL_PREC_FP8)
        return RL_DT_BF16;
    return rl_input_dtype(p);
}

bool rl_op_is_rowwise(rl_op op)
{
    switch (op) {
    case RL_OP_LAYERNORM:
    case RL_OP_SOFTMAX:
    case RL_OP_RESIDUAL_LAYERNORM:
    case RL_OP_RESIDUAL_LAYERNORM_UNFUSED:
    case RL_OP_SCALE_MASK_SOFTMAX:
    case RL_OP_SCALE_MASK_SOFTMAX_UNFUSED:
    case RL_OP_BIAS_GELU:
    case RL_OP_BIAS_GELU_UNFUSED:
    case RL_OP_SILU_GATE:
    case RL_OP_GELU_GATE:
    case RL_OP_RESIDUAL_ADD: return true;
    default: return false;
    }
}

bool rl_op_predict_only(rl_op op)
{
    return op == RL_OP_GELU_GATE || op == RL_OP_RESIDUAL_ADD;
}

int64_t rl_gemm_batch(const rl_shape *s)
{
    return s->batch > 1 ? s->batch : 1;
}

rl_op rl_op_fused_partner(rl_op op)
{
    switch (op) {
    case RL_OP_RESIDUAL_LAYERNORM_UNFUSED: return RL_OP_RESIDUAL_LAYERNORM;
    case RL_OP_SCALE_MASK_SOFTMAX_UNFUSED: return RL_OP_SCALE_MASK_SOFTMAX;
    case RL_OP_BIAS_GELU_UNFUSED: return RL_OP_BIAS_GELU;
    default: return op;
    }
}

bool rl_op_is_unfused(rl_op op)
{
    return rl_op_fused_partner(op) != op;
}

rl_op_params rl_op_default_params(rl_op op, const rl_shape *shape)
{
    rl_op_params p = {.eps = 1e-5, .scale = 1.0};
    if (op == RL_OP_SCALE_MASK_SOFTMAX || op == RL_OP_SCALE_MASK_SOFTMAX_UNFUSED)
        p.scale = shape->cols > 0 ? 1.0 / sqrt((double)shape->cols) : 1.0;
    if (op == RL_OP_TRIAD)
        p.scale = 3.0;
    return p;
}

/* a * b without overflow of int64; false when it would overflow. */
static bool mul_ok(int64_t a, int64_t b, int64_t *out)
{
    if (a < 0 || b < 0)
        return false;
    if (a != 0 && b > INT64_MAX / a)
        return false;
    *out = a * b;
    return true;
}

static void add_tensor(rl_op_signature *sig, const char *name, rl_tensor_role role,
                       rl_dtype dtype, rl_fill fill, int64_t elems)
{
    rl_tensor_desc *t = &sig->tensors[sig->count++];
    t->name = name;
    t->role = role;
    t->dtype = dtype;
    t->fill = fill;
    t->elems = elems;
}

static rl_status require_positive(const char *field, int64_t v, rl_err *err)
{
    if (v <= 0)
        return rl_fail(err, RL_ERR_INVALID, "%s must be a positive integer (got %lld)", field,
                       (long long)v);
    return RL_OK;
}

rl_status rl_shape_validate(rl_op op, rl_precision p, const rl_shape *s, rl_err *err)
{
    if (op < 0 || op >= RL_OP_COUNT)
        return rl_fail(err, RL_ERR_INVALID, "unknown op");
    if (p < 0 || p >= RL_PREC_COUNT)
        return rl_fail(err, RL_ERR_INVALID, "unknown precision");
    if (s->queries != 0 && rl_op_fused_partner(op) != RL_OP_SCALE_MASK_SOFTMAX)
        return rl_fail(err, RL_ERR_INVALID, "%s: only scale_mask_softmax takes queries",
                       rl_op_name(op));
    if (s->queries < 0)
        return rl_fail(err, RL_ERR_INVALID, "%s: queries must be positive (got %lld)",
                       rl_op_name(op), (long long)s->queries);
    if (op == RL_OP_GEMM) {
        RL_TRY(require_positive("m", s->m, err));
        RL_TRY(require_positive("n", s->n, err));
        RL_TRY(require_positive("k", s->k, err));
        if (s->batch < 0)
            return rl_fail(err, RL_ERR_INVALID, "batch must be positive (got %lld)",
                           (long long)s->batch);
    } else if (s->batch > 1) {
        return rl_fail(err, RL_ERR_INVALID, "%s: only gemm takes a batch", rl_op_name(op));
    } else if (rl_op_is_rowwise(op)) {
        RL_TRY(require_positive("rows", s->rows, err));
        RL_TRY(require_positive("cols", s->cols, err));
    } else {
        RL_TRY(require_positive("count", s->count, err));
        if (op == RL_OP_FMA)
            RL_TRY(require_positive("iters", s->iters, err));
    }
    rl_op_signature sig;
    rl_err sig_err;
    if (rl_op_signature_of(op, p, s, &sig, &sig_err) != RL_OK)
        return rl_fail(err, RL_ERR_INVALID, "%s", sig_err.msg);
    /* Every buffer, and all of them together, must be addressable. */
    uint64_t total = 0;
    for (int i = 0; i < sig.count; i++) {
        int64_t bytes;
        if (!mul_ok(sig.tensors[i].elems, (int64_t)rl_dtype_size(sig.tensors[i].dtype), &bytes) ||
            (uint64_t)bytes > SIZE_MAX || total + (uint64_t)bytes < total ||
            total + (uint64_t)bytes > (uint64_t)SIZE_MAX)
            return rl_fail(err, RL_ERR_INVALID,
                           "%s: buffer '%s' of this shape overflows the address space",
                           rl_op_name(op), sig.tensors[i].name);
        total += (uint64_t)bytes;
    }
    return RL_OK;
}

rl_status rl_op_signature_of(rl_op op, rl_precision p, const rl_shape *s, rl_op_signature *sig,
                             rl_err *err)
{
    memset(sig, 0, sizeof *sig);
    const rl_dtype in = rl_input_dtype(p);
    const rl_dtype out = rl_output_dtype(op, p);
    int64_t mat = 0, a = 0, b = 0, c = 0;

    if (op == RL_OP_GEMM) {
        const int64_t nb = rl_gemm_batch(s);
        if (!mul_ok(s->m, s->k, &a) || !mul_ok(s->k, s->n, &b) || !mul_ok(s->m, s->n, &c) ||
            !mul_ok(a, nb, &a) || !mul_ok(b, nb, &b) || !mul_ok(c, nb, &c))
            return rl_fail(err, RL_ERR_INVALID, "gemm: m, n, k must be positive and "
                                                "batch*m*k, batch*k*n, batch*m*n must fit in "
                                                "64 bits");
        add_tensor(sig, "a", RL_TENSOR_IN, in, RL_FILL_SIGNED, a);
        add_tensor(sig, "b", RL_TENSOR_IN, in, RL_FILL_SIGNED, b);
        add_tensor(sig, "c", RL_TENSOR_OUT, out, RL_FILL_SIGNED, c);
        return RL_OK;
    }
    if (rl_op_is_rowwise(op)) {
        if (s->cols <= 0 || !mul_ok(s->rows, s->cols, &mat) || s->rows <= 0)
            return rl_fail(err, RL_ERR_INVALID, "%s: rows and cols must be positive and "
                                                "rows*cols must fit in 64 bits",
                           rl_op_name(op));
    } else if (s->count <= 0) {
        return rl_fail(err, RL_ERR_INVALID, "%s: count must be positive", rl_op_name(op));
    }

    switch (op) {
    case RL_OP_LAYERNORM:
        add_tensor(sig, "x", RL_TENSOR_IN, in, RL_FILL_SIGNED, mat);
        add_tensor(sig, "gamma", RL_TENSOR_IN, in, RL_FILL_POSITIVE, s->cols);
        add_tensor(sig, "beta", RL_TENSOR_IN, in, RL_FILL_SIGNED, s->cols);
        add_tensor(sig, "y", RL_TENSOR_OUT, out, RL_FILL_SIGNED, mat);
        break;
    case RL_OP_SOFTMAX:
        add_tensor(sig, "x", RL_TENSOR_IN, in, RL_FILL_SMALL, mat);
        add_tensor(sig, "y", RL_TENSOR_OUT, out, RL_FILL_SIGNED, mat);
        break;
    case RL_OP_RESIDUAL_LAYERNORM:
    case RL_OP_RESIDUAL_LAYERNORM_UNFUSED:
        /* h = x + r continues the residual stream, so it is an output too. */
        add_tensor(sig, "x", RL_TENSOR_IN, in, RL_FILL_SIGNED, mat);
        add_tensor(sig, "residual", RL_TENSOR_IN, in, RL_FILL_SIGNED, mat);
        add_tensor(sig, "gamma", RL_TENSOR_IN, in, RL_FILL_POSITIVE, s->cols);
        add_tensor(sig, "beta", RL_TENSOR_IN, in, RL_FILL_SIGNED, s->cols);
        add_tensor(sig, "h", RL_TENSOR_OUT, out, RL_FILL_SIGNED, mat);
        add_tensor(sig, "y", RL_TENSOR_OUT, out, RL_FILL_SIGNED, mat);
        break;
    case RL_OP_SCALE_MASK_SOFTMAX:
        add_tensor(sig, "x", RL_TENSOR_IN, in, RL_FILL_SMALL, mat);
        add_tensor(sig, "y", RL_TENSOR_OUT, out, RL_FILL_SIGNED, mat);
        break;
    case RL_OP_SCALE_MASK_SOFTMAX_UNFUSED:
        add_tensor(sig, "x", RL_TENSOR_IN, in, RL_FILL_SMALL, mat);
        add_tensor(sig, "y", RL_TENSOR_OUT, out, RL_FILL_SIGNED, mat);
        add_tensor(sig, "scaled", RL_TENSOR_SCRATCH, in, RL_FILL_SIGNED, mat);
        add_tensor(sig, "masked", RL_TENSOR_SCRATCH, in, RL_FILL_SIGNED, mat);
        break;
    case RL_OP_BIAS_GELU:
        add_tensor(sig, "x", RL_TENSOR_IN, in, RL_FILL_SMALL, mat);
        add_tensor(sig, "bias", RL_TENSOR_IN, in, RL_FILL_SIGNED, s->cols);
        add_tensor(sig, "y", RL_TENSOR_OUT, out, RL_FILL_SIGNED, mat);
        break;
    case RL_OP_BIAS_GELU_UNFUSED:
        add_tensor(sig, "x", RL_TENSOR_IN, in, RL_FILL_SMALL, mat);
        add_tensor(sig, "bias", RL_TENSOR_IN, in, RL_FILL_SIGNED, s->cols);
        add_tensor(sig, "y", RL_TENSOR_OUT, out, RL_FILL_SIGNED, mat);
        add_tensor(sig, "biased", RL_TENSOR_SCRATCH, in, RL_FILL_SIGNED, mat);
        break;
    case RL_OP_SILU_GATE:
    case RL_OP_GELU_GATE:
        add_tensor(sig, "gate", RL_TENSOR_IN, in, RL_FILL_SMALL, mat);
        add_tensor(sig, "up", RL_TENSOR_IN, in, RL_FILL_SIGNED, mat);
        add_tensor(sig, "y", RL_TENSOR_OUT, out, RL_FILL_SIGNED, mat);
        break;
    case RL_OP_RESIDUAL_ADD:
        add_tensor(sig, "x", RL_TENSOR_IN, in, RL_FILL_SIGNED, mat);
        add_tensor(sig, "residual", RL_TENSOR_IN, in, RL_FILL_SIGNED, mat);
        add_tensor(sig, "h", RL_TENSOR_OUT, out, RL_FILL_SIGNED, mat);
        break;
    case RL_OP_COPY:
        add_tensor(sig, "a", RL_TENSOR_IN, in, RL_FILL_SIGNED, s->count);
        add_tensor(sig, "c", RL_TENSOR_OUT, out, RL_FILL_SIGNED, s->count);
        break;
    case RL_OP_TRIAD:
        add_tensor(sig, "b", RL_TENSOR_IN, in, RL_FILL_SIGNED, s->count);
        add_tensor(sig, "c", RL_TENSOR_IN, in, RL_FILL_SIGNED, s->count);
        add_tensor(sig, "a", RL_TENSOR_OUT, out, RL_FILL_SIGNED, s->count);
        break;
    case RL_OP_FMA:
        if (s->iters <= 0)
            return rl_fail(err, RL_ERR_INVALID, "fma: iters must be positive");
        add_tensor(sig, "x", RL_TENSOR_IN, in, RL_FILL_SIGNED, s->count);
        add_tensor(sig, "y", RL_TENSOR_OUT, out, RL_FILL_SIGNED, s->count);
        break;
    default: return rl_fail(err, RL_ERR_INVALID, "unknown op");
    }
    return RL_OK;
}

uint64_t rl_op_footprint_bytes(rl_op op, rl_precision p, const rl_shape *shape)
{
    rl_op_signature sig;
    if (rl_op_signature_of(op, p, shape, &sig, NULL) != RL_OK)
        return 0;
    uint64_t total = 0;
    for (int i = 0; i < sig.count; i++)
        total += (uint64_t)sig.tensors[i].elems * rl_dtype_size(sig.tensors[i].dtype);
    return total;
}

/* FLOPs per element of the row ops, by the convention above:
 *  layernorm: mean 1 (add) + variance 3 (subtract, FMA) + normalise 4
 *             (subtract, multiply by rstd, FMA with gamma and beta) = 8;
 *             the per-row rsqrt and divisions are not counted.
 *  softmax:   max 1 + subtract 1 + exp 1 + sum 1 + multiply by 1/sum 1 = 5.
 *  gelu (tanh form) 0.5*x*(1 + tanh(s*(x + 0.044715*x^3))): x^3 2, *c 1,
 *             + x 1, *s 1, tanh 1, 1+ 1, *x 1, *0.5 1 = 9.
 *  silu       g / (1 + exp(-g)): exp 1, 1+ 1, divide 1 = 3 (the negation
 *             is a sign flip folded into the exp's argument, not counted). */
enum {
    LAYERNORM_FLOP_PER_ELEM = 8,
    SOFTMAX_FLOP_PER_ELEM = 5,
    GELU_FLOP_PER_ELEM = 9,
    SILU_FLOP_PER_ELEM = 3,
};

/* Passes of copy/triad over their arrays (iters; 0 means one). */
/* The keys seen by the first n rows of a mask block: the sum over i = 1..n of
 * min(cols, before + i). */
static double mask_block_keys(double n, double before, double cols)
{
    const double rising = cols - before; /* rows before the cap is reached */
    if (n <= rising)
        return n * before + n * (n + 1) / 2;
    return rising * before + rising * (rising + 1) / 2 + (n - rising) * cols;
}

double rl_mask_visible_total(const rl_shape *s)
{
    if (s->rows <= 0 || s->cols <= 0)
        return 0.0;
    const int64_t q = rl_mask_queries(s);
    const double before = s->cols > q ? (double)(s->cols - q) : 0.0, cols = (double)s->cols;
    return (double)(s->rows / q) * mask_block_keys((double)q, before, cols) +
           mask_block_keys((double)(s->rows % q), before, cols);
}

static double stream_passes(const rl_shape *s)
{
    return s->iters > 1 ? (double)s->iters : 1.0;
}

double rl_op_flops(rl_op op, const rl_shape *s)
{
    const double mat = (double)s->rows * (double)s->cols;
    switch (op) {
    case RL_OP_GEMM:
        return 2.0 * (double)rl_gemm_batch(s) * (double)s->m * (double)s->n * (double)s->k;
    /* the activation, then one multiply by up */
    case RL_OP_SILU_GATE: return (SILU_FLOP_PER_ELEM + 1) * mat;
    case RL_OP_GELU_GATE: return (GELU_FLOP_PER_ELEM + 1) * mat;
    case RL_OP_RESIDUAL_ADD: return mat;
    case RL_OP_LAYERNORM: return LAYERNORM_FLOP_PER_ELEM * mat;
    case RL_OP_SOFTMAX: return SOFTMAX_FLOP_PER_ELEM * mat;
    case RL_OP_RESIDUAL_LAYERNORM:
    case RL_OP_RESIDUAL_LAYERNORM_UNFUSED: return (1 + LAYERNORM_FLOP_PER_ELEM) * mat;
    /* scale 1 + softmax, over the keys each row sees: a masked element
     * costs nothing (its output is 0; where the mask falls is known from
     * the shape, so no compare is needed). */
    case RL_OP_SCALE_MASK_SOFTMAX:
    case RL_OP_SCALE_MASK_SOFTMAX_UNFUSED:
        return (1 + SOFTMAX_FLOP_PER_ELEM) * rl_mask_visible_total(s);
    case RL_OP_BIAS_GELU:
    case RL_OP_BIAS_GELU_UNFUSED: return (1 + GELU_FLOP_PER_ELEM) * mat;
    case RL_OP_COPY: return 0.0;
    case RL_OP_TRIAD: return 2.0 * (double)s->count * stream_passes(s);
    case RL_OP_FMA: return 2.0 * (double)s->count * (double)s->iters;
    default: return 0.0;
    }
}

double rl_op_bytes(rl_op op, rl_precision p, const rl_shape *s)
{
    const double e_in = (double)rl_dtype_size(rl_input_dtype(p));
    const double e_out = (double)rl_dtype_size(rl_output_dtype(op, p));
    const double mat = (double)s->rows * (double)s->cols;
    const double row = (double)s->cols;
    switch (op) {
    /* each product reads its own A and B and writes its own C */
    case RL_OP_GEMM:
        return (double)rl_gemm_batch(s) *
               (((double)s->m * (double)s->k + (double)s->k * (double)s->n) * e_in +
                (double)s->m * (double)s->n * e_out);
    /* read gate, up; write y */
    case RL_OP_SILU_GATE:
    case RL_OP_GELU_GATE: return 3.0 * mat * e_in;
    /* read x, r; write h */
    case RL_OP_RESIDUAL_ADD: return 3.0 * mat * e_in;
    /* read x, gamma, beta; write y */
    case RL_OP_LAYERNORM: return (2.0 * mat + 2.0 * row) * e_in;
    /* read x; write y */
    case RL_OP_SOFTMAX: return 2.0 * mat * e_in;
    /* read x, r, gamma, beta; write h and y */
    case RL_OP_RESIDUAL_LAYERNORM: return (4.0 * mat + 2.0 * row) * e_in;
    /* residual_add: read x, r, write h; layernorm: re-read h, write y */
    case RL_OP_RESIDUAL_LAYERNORM_UNFUSED: return (5.0 * mat + 2.0 * row) * e_in;
    /* read the x each row sees (the masked part need not be read); write
     * all of y */
    case RL_OP_SCALE_MASK_SOFTMAX: return (rl_mask_visible_total(s) + mat) * e_in;
    /* scale: x -> scaled (all); mask: the seen part of scaled -> masked
     * (all); softmax: masked -> y (all: it knows no mask) */
    case RL_OP_SCALE_MASK_SOFTMAX_UNFUSED: return (5.0 * mat + rl_mask_visible_total(s)) * e_in;
    /* read x, bias; write y */
    case RL_OP_BIAS_GELU: return (2.0 * mat + row) * e_in;
    /* bias_add: x, bias -> biased; gelu: biased -> y */
    case RL_OP_BIAS_GELU_UNFUSED: return (4.0 * mat + row) * e_in;
    case RL_OP_COPY: return 2.0 * (double)s->count * e_in * stream_passes(s);
    case RL_OP_TRIAD: return 3.0 * (double)s->count * e_in * stream_passes(s);
    case RL_OP_FMA: return 2.0 * (double)s->count * e_in;
    default: return 0.0;
    }
}

const char *rl_unit_name(rl_unit u)
{
    switch (u) {
    case RL_UNIT_TENSOR: return "tensor";
    case RL_UNIT_SIMT: return "simt";
    case RL_UNIT_MUFU: return "mufu";
    default: return "?";
    }
}

rl_op_exec rl_op_execution(rl_op op, rl_precision p)
{
    if (op == RL_OP_GEMM) {
        if (p == RL_PREC_FP32)
            return (rl_op_exec){RL_UNIT_SIMT, RL_PREC_FP32};
        return (rl_op_exec){RL_UNIT_TENSOR, p};
    }
    if (op == RL_OP_FMA)
        return (rl_op_exec){RL_UNIT_SIMT, p == RL_PREC_TF32 ? RL_PREC_FP32 : p};
    /* row ops, copy, triad: fp32 arithmetic over 16-bit (or fp32) storage */
    return (rl_op_exec){RL_UNIT_SIMT, p == RL_PREC_FP64 ? RL_PREC_FP64 : RL_PREC_FP32};
}

double rl_op_transcendentals(rl_op op, const rl_shape *s)
{
    const double mat = (double)s->rows * (double)s->cols;
    switch (op) {
    case RL_OP_SCALE_MASK_SOFTMAX:
    case RL_OP_SCALE_MASK_SOFTMAX_UNFUSED: return rl_mask_visible_total(s);
    case RL_OP_SOFTMAX:
    case RL_OP_BIAS_GELU:
    case RL_OP_BIAS_GELU_UNFUSED:
    case RL_OP_SILU_GATE:
    case RL_OP_GELU_GATE: return mat;
    default: return 0.0;
    }
}

double rl_op_intensity(rl_op op, rl_precision p, const rl_shape *shape)
{
    const double bytes = rl_op_bytes(op, p, shape);
    return bytes > 0 ? rl_op_flops(op, shape) / bytes : 0.0;
}

int64_t rl_op_reduction_length(rl_op op, const rl_shape *s)
{
    if (op == RL_OP_GEMM)
        return s->k;
    if (op == RL_OP_BIAS_GELU || op == RL_OP_BIAS_GELU_UNFUSED || op == RL_OP_SILU_GATE ||
        op == RL_OP_GELU_GATE || op == RL_OP_RESIDUAL_ADD)
        return 1;
    if (rl_op_is_rowwise(op))
        return s->cols;
    if (op == RL_OP_FMA)
        return s->iters;
    return 1;
}

void rl_shape_format(rl_op op, const rl_shape *s, char *buf, size_t len)
{
    if (op == RL_OP_GEMM && s->batch > 1)
        snprintf(buf, len, "batch=%lld,m=%lld,n=%lld,k=%lld", (long long)s->batch,
                 (long long)s->m, (long long)s->n, (long long)s->k);
    else if (op == RL_OP_GEMM)
        snprintf(buf, len, "m=%lld,n=%lld,k=%lld", (long long)s->m, (long long)s->n,
                 (long long)s->k);
    else if (rl_op_is_rowwise(op) && s->queries > 0 && s->queries != s->cols)
        snprintf(buf, len, "rows=%lld,cols=%lld,queries=%lld", (long long)s->rows,
                 (long long)s->cols, (long long)s->queries);
    else if (rl_op_is_rowwise(op))
        snprintf(buf, len, "rows=%lld,cols=%lld", (long long)s->rows, (long long)s->cols);
    else if (op == RL_OP_FMA || s->iters > 1)
        snprintf(buf, len, "count=%lld,iters=%lld", (long long)s->count, (long long)s->iters);
    else
        snprintf(buf, len, "count=%lld", (long long)s->count);
}
