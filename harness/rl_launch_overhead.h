/* rooflab harness: the measured launch overhead of a backend, cited by the
 * notes on small cases and by the fusion flags. */
#ifndef RL_LAUNCH_OVERHEAD_H
#define RL_LAUNCH_OVERHEAD_H

#include "harness/rl_case.h"

/* Time a copy of 256 fp32 elements, kept in cache: almost all of its time
 * is the cost of one call (an OpenMP fork/join on the CPU, a kernel launch
 * and its event pair on a GPU). Fills info->launch_overhead_s and its
 * source; leaves them 0/"" when the backend has no such copy. Returns
 * RL_ERR_INTERRUPTED only when stop was set. */
rl_status rl_launch_overhead_measure(rl_backend *be, const rl_measure_settings *ms,
                                     const volatile sig_atomic_t *stop, rl_run_info *info);

#endif
