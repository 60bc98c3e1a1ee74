/* rooflab harness: the longest a single call of a case may run. A sample is
 * one call, and a call cannot be stopped part-way, so its work is capped:
 * a case whose one call would take longer than RL_CALL_LIMIT_S on the
 * slowest device of its backend's kind is refused before anything runs.
 * The estimate is the model's FLOPs at the slowest compute rate plus its
 * bytes at the slowest bandwidth (no overlap: conservative). */
#ifndef RL_CALL_BOUND_H
#define RL_CALL_BOUND_H

#include <stdbool.h>

#include "harness/rl_case.h"

#define RL_CALL_LIMIT_S 10.0

/* Seconds one call of spec takes at the slowest rates assumed for a GPU
 * (gpu) or a CPU backend running threads threads. */
double rl_call_worst_seconds(const rl_case_spec *spec, bool gpu, int threads);

/* RL_ERR_INVALID, naming the case, its work and the limit, when one call
 * may exceed RL_CALL_LIMIT_S. */
rl_status rl_call_bound_check(const rl_case_spec *spec, bool gpu, int threads, rl_err *err);

#endif
