/* rooflab harness: the longest a single call of a case may run. A sample is
 * one call, and a call cannot be stopped part-way, so its work is capped:
 * a case whose one call would take longer than RL_CALL_LIMIT_S is refused
 * before anything runs. The estimate is the model's FLOPs at the slowest
 * compute rate of the backend's kind plus its bytes at the slowest
 * bandwidth (no overlap: conservative), or, where the device's own roofs are
 * known (a GPU of the catalog), its roofline time on that device
 * RL_CALL_ROOF_MARGIN times over (a kernel at 1 % of its roof), when that
 * is shorter: an H100 runs in milliseconds what would take a Jetson
 * minutes. */
#ifndef RL_CALL_BOUND_H
#define RL_CALL_BOUND_H

#include <stdbool.h>

#include "harness/rl_case.h"
#include "model/rl_roofline.h"

#define RL_CALL_LIMIT_S 10.0
#define RL_CALL_ROOF_MARGIN 100.0

/* Seconds one call of spec may take: at the slowest rates assumed for a GPU
 * (gpu) or a CPU backend running threads threads, or RL_CALL_ROOF_MARGIN x
 * its roofline time on device (NULL, or without a memory bandwidth: not
 * used) when that is less. *own says which (may be NULL). */
double rl_call_worst_seconds(const rl_case_spec *spec, bool gpu, int threads,
                             const rl_machine *device, bool *own);

/* RL_ERR_INVALID, naming the case, its work and the limit, when one call
 * may exceed RL_CALL_LIMIT_S. */
rl_status rl_call_bound_check(const rl_case_spec *spec, bool gpu, int threads,
                              const rl_machine *device, rl_err *err);

#endif
