#include "harness/rl_launch_overhead.h"

#include <stdio.h>

rl_status rl_launch_overhead_measure(rl_backend *be, const rl_measure_settings *ms,
                                     const volatile sig_atomic_t *stop, rl_run_info *info)
{
    info->launch_overhead_s = 0;
    info->launch_overhead_source[0] = '\0';
    rl_err why;
    const rl_case_spec spec = {.op = RL_OP_COPY, .precision = RL_PREC_FP32,
                               .shape = {.count = 256}};
    if (!be->supports(be->state, spec.op, spec.precision, 0, &why))
        return RL_OK;
    rl_measure_settings hot = *ms;
    hot.hot = true; /* the overhead, not the cost of missing in a flushed cache */
    if (hot.timeout_s > 0.5 || hot.timeout_s <= 0) /* a cited figure, not a case: keep it short */
        hot.timeout_s = 0.5;
    rl_case_result res;
    RL_TRY(rl_case_execute(be, &spec, &hot, 1, stop, &res));
    if (res.outcome != RL_CASE_OK || !(res.time_s.median > 0))
        return RL_OK;
    info->launch_overhead_s = res.time_s.median;
    snprintf(info->launch_overhead_source, sizeof info->launch_overhead_source,
             "median of %.80s", res.name);
    return RL_OK;
}
