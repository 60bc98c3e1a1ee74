/* The float64 references: dispatch, units and spans.
 *
 * Units are what a large case can be sampled by: one GEMM output element,
 * one row of a row op, one element of the streaming ops and of the FMA
 * probe. The per-family maths lives in ref_gemm.c, ref_rows.c and
 * ref_stream.c. */
#include <math.h>

#include "kernels/ref/ref_internal.h"

int64_t rl_ref_unit_count(rl_op op, const rl_shape *s)
{
    if (op == RL_OP_GEMM)
        return rl_gemm_batch(s) * s->m * s->n;
    if (rl_op_is_rowwise(op))
        return s->rows;
    return s->count;
}

void rl_ref_unit_span(rl_op op, const rl_shape *s, int64_t unit, int64_t *first, int64_t *len)
{
    if (rl_op_is_rowwise(op)) {
        *first = unit * s->cols;
        *len = s->cols;
    } else {
        *first = unit;
        *len = 1;
    }
}

rl_status rl_ref_run(rl_op op, const rl_shape *shape, const rl_op_params *params,
                     double *const *t, const int64_t *units, int64_t unit_count, rl_err *err)
{
    rl_op_signature sig;
    /* The signature's precision only picks dtypes; the tensor count and
     * order are the same at every precision. */
    RL_TRY(rl_op_signature_of(op, RL_PREC_FP64, shape, &sig, err));
    for (int i = 0; i < sig.count; i++)
        if (sig.tensors[i].role != RL_TENSOR_SCRATCH && !t[i])
            return rl_fail(err, RL_ERR_INVALID, "%s reference: tensor '%s' is missing",
                           rl_op_name(op), sig.tensors[i].name);
    const int64_t total = rl_ref_unit_count(op, shape);
    for (int64_t u = 0; u < unit_count; u++)
        if (units[u] < 0 || units[u] >= total)
            return rl_fail(err, RL_ERR_INVALID, "%s reference: unit %lld out of range [0, %lld)",
                           rl_op_name(op), (long long)units[u], (long long)total);

    const rl_op fused = rl_op_fused_partner(op);
    for (int64_t u = 0; u < unit_count; u++) {
        const int64_t i = units[u];
        switch (fused) {
        case RL_OP_GEMM: rl_ref_gemm_elem(shape, t[0], t[1], t[2], i); break;
        case RL_OP_LAYERNORM:
            rl_ref_layernorm_row(shape->cols, params->eps, t[0] + i * shape->cols, t[1], t[2],
                                 t[3] + i * shape->cols);
            break;
        case RL_OP_RESIDUAL_LAYERNORM: rl_ref_residual_layernorm_row(shape, params, t, i); break;
        case RL_OP_SOFTMAX:
            rl_ref_softmax_row(shape->cols, shape->cols, 1.0, t[0] + i * shape->cols,
                               t[1] + i * shape->cols);
            break;
        case RL_OP_SCALE_MASK_SOFTMAX:
            /* Causal: row i sees its first rl_mask_visible keys. */
            rl_ref_softmax_row(shape->cols, rl_mask_visible(shape, i), params->scale,
                               t[0] + i * shape->cols, t[1] + i * shape->cols);
            break;
        case RL_OP_BIAS_GELU:
            for (int64_t j = 0; j < shape->cols; j++)
                t[2][i * shape->cols + j] = rl_ref_gelu(t[0][i * shape->cols + j] + t[1][j]);
            break;
        case RL_OP_SILU_GATE:
            for (int64_t j = i * shape->cols; j < (i + 1) * shape->cols; j++)
                t[2][j] = t[0][j] / (1.0 + exp(-t[0][j])) * t[1][j];
            break;
        case RL_OP_COPY: t[1][i] = t[0][i]; break;
        case RL_OP_TRIAD: t[2][i] = t[0][i] + params->scale * t[1][i]; break;
        case RL_OP_FMA: t[1][i] = rl_ref_fma_probe(t[0][i], shape->iters); break;
        default: return rl_fail(err, RL_ERR_INVALID, "no reference for op %d", (int)op);
        }
    }
    return RL_OK;
}
