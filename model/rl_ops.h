/* rooflab model: op descriptions and their FLOP/byte accounting.
 *
 * This is the one place where FLOPs and bytes are counted. Everything that
 * prints a rate (the harness, the report, the predictions) calls these
 * functions. The conventions are written down in docs/op-accounting.md and
 * summarised next to each function in ops.c. Pure arithmetic: no I/O, no
 * device, nothing of ours but the status type. */
#ifndef RL_OPS_H
#define RL_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/rl_mask.h"
#include "rl/status.h"

/* The precision a case is run at (what the user names with --precision). */
typedef enum rl_precision {
    RL_PREC_FP64,
    RL_PREC_FP32,
    RL_PREC_TF32, /* fp32 storage, tensor-core math with a 10-bit mantissa */
    RL_PREC_FP16,
    RL_PREC_BF16,
    RL_PREC_FP8,  /* e4m3 inputs */
    RL_PREC_INT8, /* int8 inputs, int32 accumulation */
    RL_PREC_COUNT
} rl_precision;

/* How one tensor is stored in memory. */
typedef enum rl_dtype {
    RL_DT_F64,
    RL_DT_F32,
    RL_DT_F16,
    RL_DT_BF16,
    RL_DT_E4M3,
    RL_DT_I8,
    RL_DT_I32,
    RL_DT_COUNT
} rl_dtype;

/* The ops whose names appear in results files. Scripts downstream read
 * these names, so they never change. */
typedef enum rl_op {
    RL_OP_GEMM,
    RL_OP_LAYERNORM,
    RL_OP_SOFTMAX,
    RL_OP_RESIDUAL_LAYERNORM,
    RL_OP_RESIDUAL_LAYERNORM_UNFUSED,
    RL_OP_SCALE_MASK_SOFTMAX,
    RL_OP_SCALE_MASK_SOFTMAX_UNFUSED,
    RL_OP_BIAS_GELU,
    RL_OP_BIAS_GELU_UNFUSED,
    RL_OP_COPY,
    RL_OP_TRIAD,
    RL_OP_FMA,
    RL_OP_SILU_GATE,    /* out = silu(gate) * up: the gated MLP's activation (Llama) */
    RL_OP_GELU_GATE,    /* out = gelu(gate) * up (Gemma's GeGLU); predicted, not measured */
    RL_OP_RESIDUAL_ADD, /* h = x + r on its own (parallel blocks); predicted, not measured */
    RL_OP_COUNT
} rl_op;

/* The execution unit that does an op's arithmetic. A GPU has tensor cores
 * (MMA; DMMA for fp64 on sm_80+), the SIMT pipes of its CUDA cores (fp64,
 * fp32, and packed half2 / bfloat162) and the special-function unit (MUFU:
 * exp2, tanh, rcp, rsqrt ..., one result per op). A CPU has one vector
 * unit, its SIMD FMA pipes, which the model calls "simd". */
typedef enum rl_unit {
    RL_UNIT_TENSOR,
    RL_UNIT_SIMT,
    RL_UNIT_MUFU,
    RL_UNIT_COUNT
} rl_unit;

const char *rl_unit_name(rl_unit u); /* "tensor", "simt", "mufu" */

/* Where an op's arithmetic runs and at which precision it computes:
 *   gemm:     tensor at tf32/fp16/bf16/fp8/int8; tensor (DMMA) at fp64,
 *             the SIMT fp64 pipes where a device has no fp64 tensor unit;
 *             SIMT fp32 at fp32;
 *   fma:      SIMT at its precision (tf32 is fp32 storage: SIMT fp32);
 *   row ops, copy, triad: SIMT fp32 arithmetic over their storage type
 *             (SIMT fp64 at fp64).
 * Ops that evaluate exp or tanh also load the special-function unit: see
 * rl_op_transcendentals. */
typedef struct rl_op_exec {
    rl_unit unit;       /* RL_UNIT_TENSOR or RL_UNIT_SIMT */
    rl_precision arith; /* the arithmetic precision on that unit */
} rl_op_exec;

rl_op_exec rl_op_execution(rl_op op, rl_precision p);

/* A case's shape. Only the fields an op uses are meaningful:
 *   gemm:               C[m x n] = A[m x k] . B[k x n] (row-major); with
 *                       batch > 1, `batch` independent products, each with
 *                       its own A, B and C (a strided-batched GEMM: the
 *                       attention products per head, or one expert's rows
 *                       per expert); batch 0 or 1: one product
 *   row ops:            rows x cols, one reduction per row; scale_mask_softmax
 *                       also takes queries (rl_mask_visible)
 *   copy, triad:        count elements per array; iters passes over them
 *                       (0 or 1: one pass; more keep a cache-sized working
 *                       set hot for the ceilings' working-set sweep)
 *   fma:                count elements, iters dependent FMAs per element */
typedef struct rl_shape {
    int64_t m, n, k;
    int64_t rows, cols;
    int64_t count, iters;
    int64_t batch;   /* gemm only: independent products (0 or 1: one) */
    int64_t queries; /* scale_mask_softmax only: query positions per block of
                      * rows (0: cols, a square causal block) */
} rl_shape;

/* scale_mask_softmax's causal mask: row r sees the first rl_mask_visible(r)
 * of its cols keys (the rest are masked: output 0). The rows are blocks of
 * Q = queries consecutive query positions (0: Q = cols); the geometry is
 * model/rl_mask.h's, shared with the CUDA kernels. */
static inline int64_t rl_mask_queries(const rl_shape *s)
{
    return s->queries > 0 ? s->queries : s->cols;
}

static inline int64_t rl_mask_visible(const rl_shape *s, int64_t row)
{
    return rl_mask_visible_of(s->cols, rl_mask_queries(s), row);
}

/* The sum of rl_mask_visible over all rows. */
double rl_mask_visible_total(const rl_shape *s);

/* Scalars an op takes. Fixed per op so runs are comparable. */
typedef struct rl_op_params {
    double eps;   /* layernorm variance epsilon */
    double scale; /* softmax logit scale, triad scalar */
} rl_op_params;

typedef enum rl_tensor_role {
    RL_TENSOR_IN,     /* filled with random data, read by the kernel */
    RL_TENSOR_OUT,    /* written by the kernel, checked against the reference */
    RL_TENSOR_SCRATCH /* an unfused chain's intermediate: neither filled nor checked */
} rl_tensor_role;

typedef enum rl_fill {
    RL_FILL_SIGNED,   /* uniform in [-1, -1/8] U [1/8, 1]: never zero */
    RL_FILL_POSITIVE, /* uniform in [1/2, 3/2]: a LayerNorm gain */
    RL_FILL_SMALL     /* uniform in [-3, 3], away from zero: logits, GELU inputs */
} rl_fill;

#define RL_MAX_TENSORS 6

typedef struct rl_tensor_desc {
    const char *name; /* "x", "gamma", "y", ... */
    rl_tensor_role role;
    rl_dtype dtype;
    rl_fill fill;
    int64_t elems;
} rl_tensor_desc;

typedef struct rl_op_signature {
    int count;
    rl_tensor_desc tensors[RL_MAX_TENSORS];
} rl_op_signature;

/* Names, as they appear in results and on the command line. */
const char *rl_op_name(rl_op op);
const char *rl_precision_name(rl_precision p);
const char *rl_dtype_name(rl_dtype t);
rl_status rl_op_parse(const char *name, rl_op *op, rl_err *err);
rl_status rl_precision_parse(const char *name, rl_precision *p, rl_err *err);

size_t rl_dtype_size(rl_dtype t);

/* Storage dtype of an op's ordinary tensors at a precision (tf32 is stored
 * as fp32, int8 GEMM writes int32, fp8 GEMM writes bf16). */
rl_dtype rl_input_dtype(rl_precision p);
rl_dtype rl_output_dtype(rl_op op, rl_precision p);

/* True for ops that keep one row per reduction (LayerNorm, Softmax, the
 * fused row kernels and their chains, bias+GELU). */
bool rl_op_is_rowwise(rl_op op);
/* For an unfused chain, the fused op it is compared with; else op itself. */
rl_op rl_op_fused_partner(rl_op op);
bool rl_op_is_unfused(rl_op op);
/* Ops the model counts for an LLM layer but no backend runs (gelu_gate,
 * residual_add): suites never expand a --shape into them. */
bool rl_op_predict_only(rl_op op);
/* A GEMM's products (shape->batch, at least 1). */
int64_t rl_gemm_batch(const rl_shape *shape);

/* The fixed scalars of an op (eps = 1e-5, scale = 1/sqrt(cols) for
 * softmax, 3 for triad). */
rl_op_params rl_op_default_params(rl_op op, const rl_shape *shape);

/* Check that a shape is meaningful for the op and that every tensor's byte
 * count fits in size_t. */
rl_status rl_shape_validate(rl_op op, rl_precision p, const rl_shape *shape, rl_err *err);

/* The op's tensors in a fixed order: inputs, then outputs, then scratch.
 * Kernels and references receive their buffers in this order. */
rl_status rl_op_signature_of(rl_op op, rl_precision p, const rl_shape *shape,
                             rl_op_signature *sig, rl_err *err);

/* Bytes of all tensors of the signature (what must be allocated). */
uint64_t rl_op_footprint_bytes(rl_op op, rl_precision p, const rl_shape *shape);

/* FLOPs of one call of the op (see ops.c for the convention per op). */
double rl_op_flops(rl_op op, const rl_shape *shape);

/* Minimum DRAM traffic of one call in bytes: every input read once and
 * every output written once; an unfused chain adds one write and one
 * re-read per intermediate. */
double rl_op_bytes(rl_op op, rl_precision p, const rl_shape *shape);

/* Transcendentals (exp, tanh) of one call: one special-function (MUFU)
 * op each, as the FLOP count counts them (softmax and scale_mask_softmax
 * one exp per element, bias_gelu one tanh per element, masked elements
 * included). A lower bound on the unit's work: reciprocals and the per-row
 * rsqrt are not counted, as in the FLOP count. */
double rl_op_transcendentals(rl_op op, const rl_shape *shape);

/* FLOP per byte. */
double rl_op_intensity(rl_op op, rl_precision p, const rl_shape *shape);

/* The length of the longest reduction an output element depends on (k for
 * GEMM, cols for row ops, 1 for elementwise ops): validation tolerances
 * scale with it. */
int64_t rl_op_reduction_length(rl_op op, const rl_shape *shape);

/* Writes "m=512,n=512,k=512" style text for names and tables. */
void rl_shape_format(rl_op op, const rl_shape *shape, char *buf, size_t len);

#endif
