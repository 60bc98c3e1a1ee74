/* Suites. Memory-bound cases are sized so that their minimum traffic is at
 * least four times the largest cache (eight for the bandwidth probes), so
 * they measure memory, not cache; GEMMs climb from cache-sized to large. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness/rl_suite.h"

typedef struct case_list {
    rl_case_spec *items;
    size_t count, capacity;
    bool failed;
} case_list;

static void push(case_list *l, const rl_suite_request *req, rl_op op, rl_precision p,
                 rl_shape shape)
{
    if (req->op_mask && !(req->op_mask & (1u << op)))
        return;
    if (l->count == l->capacity) {
        size_t cap = l->capacity ? 2 * l->capacity : 64;
        rl_case_spec *grown = realloc(l->items, cap * sizeof *grown);
        if (!grown) {
            l->failed = true;
            return;
        }
        l->items = grown;
        l->capacity = cap;
    }
    l->items[l->count++] = (rl_case_spec){.op = op, .precision = p, .shape = shape};
}

/* Rows of `cols` columns so that the op's minimum bytes reach `target`,
 * rounded up to a multiple of 64 rows, or of whole square blocks of the
 * causal mask (cols rows), whose first rows see few keys. */
static int64_t rows_for(rl_op op, rl_precision p, int64_t cols, double target)
{
    const int64_t unit = rl_op_fused_partner(op) == RL_OP_SCALE_MASK_SOFTMAX ? cols : 64;
    const rl_shape one = {.rows = unit, .cols = cols};
    const int64_t units = (int64_t)(target / rl_op_bytes(op, p, &one)) + 1;
    return units * unit;
}

static const rl_op row_ops[] = {
    RL_OP_LAYERNORM,          RL_OP_SOFTMAX,
    RL_OP_RESIDUAL_LAYERNORM, RL_OP_RESIDUAL_LAYERNORM_UNFUSED,
    RL_OP_SCALE_MASK_SOFTMAX, RL_OP_SCALE_MASK_SOFTMAX_UNFUSED,
    RL_OP_BIAS_GELU,          RL_OP_BIAS_GELU_UNFUSED,
    RL_OP_SILU_GATE,
};

static void add_row_ops(case_list *l, const rl_suite_request *req, rl_precision p,
                        int64_t hidden, double target)
{
    for (size_t i = 0; i < sizeof row_ops / sizeof row_ops[0]; i++) {
        const rl_op op = row_ops[i];
        /* Attention scores are rows of one sequence: 1024 keys per query. */
        const bool attention = rl_op_fused_partner(op) == RL_OP_SCALE_MASK_SOFTMAX;
        const int64_t cols = attention ? 1024 : hidden;
        /* A chain runs at its fused op's shape, so the pair compares. */
        const rl_op sized_by = rl_op_fused_partner(op);
        push(l, req, op, p, (rl_shape){.rows = rows_for(sized_by, p, cols, target), .cols = cols});
    }
}

static void add_probes(case_list *l, const rl_suite_request *req, rl_precision p,
                       double target)
{
    const double elem = (double)rl_dtype_size(rl_input_dtype(p));
    push(l, req, RL_OP_COPY, p, (rl_shape){.count = (int64_t)(target / (2 * elem))});
    push(l, req, RL_OP_TRIAD, p, (rl_shape){.count = (int64_t)(target / (3 * elem))});
    const int threads = req->threads > 0 ? req->threads : 1;
    push(l, req, RL_OP_FMA, p,
         (rl_shape){.count = RL_FMA_CPU_COUNT_PER_THREAD * (int64_t)threads,
                    .iters = RL_FMA_CPU_ITERS});
}

/* The precisions to run a kind of op at: the user's, else the backend's
 * defaults for it. */
static uint32_t precisions_for(const rl_suite_request *req, bool gemm)
{
    if (req->precision_mask)
        return req->precision_mask;
    return gemm ? req->default_gemm_precisions : req->default_other_precisions;
}

rl_status rl_suite_build(const rl_suite_request *req, rl_case_spec **cases, size_t *count,
                         rl_err *err)
{
    case_list l = {0};
    const double cache = (double)(req->cache_bytes ? req->cache_bytes : (32u << 20));
    const double row_target = 4.0 * cache, probe_target = 8.0 * cache;
    if (req->shape) {
        const uint32_t gemm_mask = precisions_for(req, true);
        const uint32_t other_mask = precisions_for(req, false);
        const size_t shapes = req->shape_count ? req->shape_count : 1;
        for (size_t i = 0; i < shapes; i++) {
            const rl_shape *sh = &req->shape[i];
            const size_t before = l.count;
            for (int op = 0; op < RL_OP_COUNT; op++) {
                const bool takes = rl_shape_fits_op((rl_op)op, sh);
                const uint32_t mask = op == RL_OP_GEMM ? gemm_mask : other_mask;
                for (int p = 0; takes && p < RL_PREC_COUNT; p++) {
                    rl_shape shape = *sh;
                    if (op == RL_OP_FMA && shape.iters <= 0)
                        shape.iters = 2048;
                    if (mask & (1u << p))
                        push(&l, req, (rl_op)op, (rl_precision)p, shape);
                }
            }
            /* A shape that yields no case is a mistake, even beside others that do. */
            if (l.count == before && !l.failed) {
                free(l.items);
                return rl_fail(err, RL_ERR_INVALID,
                               "--shape #%zu matches none of the selected ops "
                               "(m,n,k: gemm; rows,cols: row ops, with queries: "
                               "scale_mask_softmax; count: copy, triad, fma)",
                               i + 1);
            }
        }
    } else if (req->suite && strcmp(req->suite, "tiny") == 0) {
        /* Seconds, not minutes: for smoke tests of the whole pipeline. */
        const uint32_t gemm_mask = precisions_for(req, true);
        const uint32_t other_mask = precisions_for(req, false);
        for (int p = 0; p < RL_PREC_COUNT; p++) {
            if (gemm_mask & (1u << p))
                push(&l, req, RL_OP_GEMM, (rl_precision)p, (rl_shape){.m = 64, .n = 48, .k = 80});
            if (!(other_mask & (1u << p)))
                continue;
            for (size_t i = 0; i < sizeof row_ops / sizeof row_ops[0]; i++)
                push(&l, req, row_ops[i], (rl_precision)p, (rl_shape){.rows = 67, .cols = 257});
            push(&l, req, RL_OP_COPY, (rl_precision)p, (rl_shape){.count = 100003});
            push(&l, req, RL_OP_TRIAD, (rl_precision)p, (rl_shape){.count = 100003});
            push(&l, req, RL_OP_FMA, (rl_precision)p, (rl_shape){.count = 4096, .iters = 256});
        }
        goto done;
    }
    const bool quick = !req->shape && (!req->suite || strcmp(req->suite, "quick") == 0);
    const bool full = !req->shape && req->suite && strcmp(req->suite, "full") == 0;
    if (req->shape) {
        /* built above */
    } else if (quick || full) {
        static const int64_t quick_sizes[] = {256, 512, 1024, 0};
        static const int64_t full_sizes[] = {128, 256, 512, 1024, 2048, 4096, 0};
        const int64_t *sizes = quick ? quick_sizes : full_sizes;
        const uint32_t gemm_mask = precisions_for(req, true);
        const uint32_t other_mask = precisions_for(req, false);
        for (int p = 0; p < RL_PREC_COUNT; p++) {
            if (!(gemm_mask & (1u << p)))
                continue;
            for (size_t i = 0; sizes[i]; i++)
                push(&l, req, RL_OP_GEMM, (rl_precision)p,
                     (rl_shape){.m = sizes[i], .n = sizes[i], .k = sizes[i]});
            /* Transformer-shaped GEMMs: 2048 tokens through a 4096-wide
             * projection and an MLP up-projection. */
            if (full) {
                push(&l, req, RL_OP_GEMM, (rl_precision)p,
                     (rl_shape){.m = 2048, .n = 4096, .k = 4096});
                push(&l, req, RL_OP_GEMM, (rl_precision)p,
                     (rl_shape){.m = 2048, .n = 14336, .k = 4096});
            }
        }
        for (int p = 0; p < RL_PREC_COUNT; p++) {
            if (!(other_mask & (1u << p)))
                continue;
            add_row_ops(&l, req, (rl_precision)p, 4096, row_target);
            if (full) {
                /* Short and long rows: long ones must not fall off a cliff. */
                push(&l, req, RL_OP_LAYERNORM, (rl_precision)p,
                     (rl_shape){.rows = rows_for(RL_OP_LAYERNORM, p, 768, row_target),
                                .cols = 768});
                push(&l, req, RL_OP_LAYERNORM, (rl_precision)p,
                     (rl_shape){.rows = rows_for(RL_OP_LAYERNORM, p, 32768, row_target),
                                .cols = 32768});
                push(&l, req, RL_OP_SOFTMAX, (rl_precision)p,
                     (rl_shape){.rows = rows_for(RL_OP_SOFTMAX, p, 32768, row_target),
                                .cols = 32768});
            }
            add_probes(&l, req, (rl_precision)p, probe_target);
        }
    } else {
        return rl_fail(err, RL_ERR_INVALID, "unknown suite '%s' (known: quick, full, tiny)",
                       req->suite);
    }
done:
    if (l.failed) {
        free(l.items);
        return rl_fail(err, RL_ERR_NOMEM, "out of memory building the suite");
    }
    *cases = l.items;
    *count = l.count;
    return RL_OK;
}

/* Split a comma-separated list and parse each item with parse_one. */
static rl_status parse_list(const char *list, uint32_t *mask, rl_err *err,
                            rl_status (*parse_one)(const char *, int *, rl_err *))
{
    char buf[512];
    if (!list || !*list)
        return rl_fail(err, RL_ERR_INVALID, "empty list");
    if (strlen(list) >= sizeof buf)
        return rl_fail(err, RL_ERR_INVALID, "list too long");
    strcpy(buf, list);
    *mask = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int v;
        RL_TRY(parse_one(tok, &v, err));
        *mask |= 1u << v;
    }
    if (!*mask)
        return rl_fail(err, RL_ERR_INVALID, "empty list");
    return RL_OK;
}

static rl_status parse_op(const char *s, int *v, rl_err *err)
{
    rl_op op;
    RL_TRY(rl_op_parse(s, &op, err));
    *v = (int)op;
    return RL_OK;
}

static rl_status parse_precision(const char *s, int *v, rl_err *err)
{
    rl_precision p;
    RL_TRY(rl_precision_parse(s, &p, err));
    *v = (int)p;
    return RL_OK;
}

rl_status rl_parse_op_list(const char *list, uint32_t *mask, rl_err *err)
{
    return parse_list(list, mask, err, parse_op);
}

rl_status rl_parse_precision_list(const char *list, uint32_t *mask, rl_err *err)
{
    return parse_list(list, mask, err, parse_precision);
}

bool rl_shape_fits_op(rl_op op, const rl_shape *shape)
{
    if (rl_op_predict_only(op))
        return false;
    /* queries= is the causal mask's: it selects scale_mask_softmax alone */
    if (shape->queries > 0)
        return rl_op_fused_partner(op) == RL_OP_SCALE_MASK_SOFTMAX;
    if (op == RL_OP_GEMM)
        return shape->m > 0;
    return rl_op_is_rowwise(op) ? shape->rows > 0 : shape->count > 0;
}

rl_status rl_parse_shape(const char *spec, rl_shape *shape, rl_err *err)
{
    static const char *const fields[] = {"m",     "n",     "k",     "rows",   "cols",
                                         "count", "iters", "batch", "queries"};
    int64_t *slots[] = {&shape->m,     &shape->n,    &shape->k,
                        &shape->rows,  &shape->cols, &shape->count,
                        &shape->iters, &shape->batch, &shape->queries};
    char buf[256];
    memset(shape, 0, sizeof *shape);
    if (!spec || !*spec || strlen(spec) >= sizeof buf)
        return rl_fail(err, RL_ERR_INVALID, "--shape: expected m=M,n=N,k=K or rows=R,cols=C or "
                                            "count=N");
    strcpy(buf, spec);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq)
            return rl_fail(err, RL_ERR_INVALID, "--shape: '%s' is not FIELD=VALUE", tok);
        *eq = '\0';
        int64_t *slot = NULL;
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
            if (strcmp(tok, fields[i]) == 0)
                slot = slots[i];
        if (!slot)
            return rl_fail(err, RL_ERR_INVALID,
                           "--shape: unknown field '%s' (known: m, n, k, batch, rows, cols, "
                           "queries, count, iters)",
                           tok);
        char *end;
        errno = 0;
        long long v = strtoll(eq + 1, &end, 10);
        if (end == eq + 1 || *end)
            return rl_fail(err, RL_ERR_INVALID, "--shape: %s='%s' is not a whole number", tok,
                           eq + 1);
        if (errno == ERANGE || v <= 0)
            return rl_fail(err, RL_ERR_INVALID, "--shape: %s must be a positive integer (got %s)",
                           tok, eq + 1);
        *slot = (int64_t)v;
    }
    const bool gemm = shape->m || shape->n || shape->k;
    const bool rows = shape->rows || shape->cols;
    const bool flat = shape->count || shape->iters;
    if (shape->batch && !gemm)
        return rl_fail(err, RL_ERR_INVALID, "--shape: batch= goes with m=,n=,k= (a batched GEMM)");
    if (shape->queries && !rows)
        return rl_fail(err, RL_ERR_INVALID,
                       "--shape: queries= goes with rows=,cols= (scale_mask_softmax's mask)");
    if (gemm + rows + flat != 1 || (gemm && !(shape->m && shape->n && shape->k)) ||
        (rows && !(shape->rows && shape->cols)) || (flat && !shape->count))
        return rl_fail(err, RL_ERR_INVALID, "--shape: give exactly one of m=,n=,k= (all three), "
                                            "rows=,cols= (both) or count=[,iters=]");
    /* A square block is the default: one spelling, so equal shapes compare equal. */
    if (shape->queries == shape->cols)
        shape->queries = 0;
    return RL_OK;
}
