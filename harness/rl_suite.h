/* rooflab harness: the suites, i.e. which cases a run measures. */
#ifndef RL_SUITE_H
#define RL_SUITE_H

#include <stddef.h>
#include <stdint.h>

#include "harness/rl_case.h"

/* The CPU FMA probe's size. Per thread, 12288 elements are a whole number
 * of the kernel's register blocks at every vector width (64 blocks of 192
 * fp32 at AVX-512), so no thread runs a padded block or waits on another;
 * 16384 steps make one pass a few milliseconds, long enough that waking the
 * thread team does not show in the rate. */
#define RL_FMA_CPU_COUNT_PER_THREAD 12288
#define RL_FMA_CPU_ITERS 16384

typedef struct rl_suite_request {
    const char *suite;       /* "quick" or "full" */
    uint32_t op_mask;        /* bit (1u << rl_op); 0 = every op */
    uint32_t precision_mask; /* bit (1u << rl_precision); 0 = the defaults below */
    uint32_t default_gemm_precisions; /* the backend's, e.g. fp32|fp64 on a CPU */
    uint32_t default_other_precisions; /* row ops and probes */
    uint64_t cache_bytes;    /* the largest cache: memory-bound cases are sized past it */
    int threads;             /* for the compute probe's size */
    const rl_shape *shape;   /* non-NULL: one case of each shape per op that takes it */
    size_t shape_count;      /* shapes at *shape, in the order given; 0 counts as 1 */
} rl_suite_request;

/* Parse --shape: "m=M,n=N,k=K" (GEMM), "rows=R,cols=C" (row ops) or
 * "count=N[,iters=I]" (copy, triad, fma). Zero, negative, non-numeric and
 * unknown fields are errors. */
rl_status rl_parse_shape(const char *spec, rl_shape *shape, rl_err *err);
/* Whether a --shape applies to op: m,n,k to gemm; rows,cols to the row ops
 * (with queries, to scale_mask_softmax and its chain alone); count to copy,
 * triad and fma. Never to an op no backend runs. */
bool rl_shape_fits_op(rl_op op, const rl_shape *shape);

/* Build the case list (caller frees *cases). Bad suite names fail. */
rl_status rl_suite_build(const rl_suite_request *req, rl_case_spec **cases, size_t *count,
                         rl_err *err);

/* Parse "gemm,softmax" into a mask of ops; "fp32,fp64" into precisions. */
rl_status rl_parse_op_list(const char *list, uint32_t *mask, rl_err *err);
rl_status rl_parse_precision_list(const char *list, uint32_t *mask, rl_err *err);

#endif
