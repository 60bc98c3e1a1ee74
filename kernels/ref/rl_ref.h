/* rooflab kernels: the float64 references, the one oracle every backend's
 * kernels are checked against.
 *
 * The references work on host arrays of doubles laid out exactly like the
 * op's tensors (rl_op_signature_of order; scratch tensors are NULL). The
 * harness rounds random inputs to the storage type first and hands the
 * rounded values here, so a reference sees what the kernel saw. */
#ifndef RL_REF_H
#define RL_REF_H

#include <stdint.h>

#include "model/rl_ops.h"
#include "rl/status.h"

/* Independent units of output, so that a large case can be checked on a
 * sample: GEMM: one output element (m*n of them); row ops and bias+GELU:
 * one row (rows); copy, triad, fma: one element (count). */
int64_t rl_ref_unit_count(rl_op op, const rl_shape *shape);

/* Compute the reference outputs of the listed units into the output arrays
 * (full size; positions of other units are left alone). An unfused chain's
 * reference is its fused op's: the maths is the same. */
rl_status rl_ref_run(rl_op op, const rl_shape *shape, const rl_op_params *params,
                     double *const *tensors, const int64_t *units, int64_t unit_count,
                     rl_err *err);

/* Which output positions (element indices into each output tensor) a unit
 * covers: [*first, *first + *len) of every output tensor whose size is that
 * of the main output. Used by the harness to compare only what was
 * computed. */
void rl_ref_unit_span(rl_op op, const rl_shape *shape, int64_t unit, int64_t *first,
                      int64_t *len);

/* The FMA probe (op "fma"), the same on every backend: element i starts at
 * v = x[i] and runs shape.iters dependent steps v = fma(v, A, B) in the
 * storage precision; y[i] is the last v. With A = B = 1/2 the map
 * v -> (v + 1)/2 contracts to its fixed point 1, so v stays in [-1, 1] for
 * any count, the exact result is 1 - (1 - x) 2^-iters, and each rounded
 * step's rounding error is halved by the next, so the result is within one
 * ulp of exact. (A slower contraction would stall short of 1 by many ulps
 * in narrow types.)
 * The result stops depending on iters once 2^-iters drops below the type's
 * resolution (about 25 steps in fp32, 54 in fp64), so short counts are what
 * check that a kernel ran the right number of steps. */
#define RL_FMA_PROBE_A 0.5
#define RL_FMA_PROBE_B 0.5

#endif
