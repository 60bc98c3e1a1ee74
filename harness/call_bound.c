/* The cap on one call's work (see rl_call_bound.h and docs/reliability.md). */
#include "harness/rl_call_bound.h"

/* The slowest devices rooflab is meant for, with margin:
 * CPU: per thread, a third of what one thread of a 2-core x86 VM reaches in
 *      OpenBLAS dgemm (84 GFLOP/s on two, docs/performance.md), about one
 *      Cortex-A78AE core of a Jetson Orin Nano (1.5 GHz x 8 FLOP fp64 = 12);
 *      memory a sixth of that VM's DRAM triad (29 GB/s), whatever the
 *      thread count. The compute probe's work grows with the threads, so
 *      its rate has to as well.
 * GPU: a Jetson Orin Nano in its 7 W mode, 4 SMs x 256 FLOP/clock x 408 MHz
 *      = 0.42 TFLOP/s fp32, and a little over half its 68 GB/s. Its fp64
 *      (a small fraction of fp32) is not covered: fp64 there may run longer. */
static const double cpu_flop_per_s_per_thread = 12.5e9, cpu_byte_per_s = 5e9;
static const double gpu_flop_per_s = 0.4e12, gpu_byte_per_s = 40e9;

double rl_call_worst_seconds(const rl_case_spec *spec, bool gpu, int threads,
                             const rl_machine *device, bool *own)
{
    const double flops = rl_op_flops(spec->op, &spec->shape);
    const double bytes = rl_op_bytes(spec->op, spec->precision, &spec->shape);
    const double cpu_flop_per_s = cpu_flop_per_s_per_thread * (threads > 0 ? threads : 1);
    const double slow = flops / (gpu ? gpu_flop_per_s : cpu_flop_per_s) +
                        bytes / (gpu ? gpu_byte_per_s : cpu_byte_per_s);
    if (own)
        *own = false;
    /* The device's own roofline only ever relaxes the bound: it is an upper
     * bound on the device's speed, so the margin carries the trust. */
    rl_case_prediction p;
    rl_err why;
    if (device && device->mem_count > 0 && device->mem[0].byte_per_s > 0 &&
        rl_predict_case(device, spec->op, spec->precision, &spec->shape, &p, &why) == RL_OK &&
        p.predicted_time_s > 0 && RL_CALL_ROOF_MARGIN * p.predicted_time_s < slow) {
        if (own)
            *own = true;
        return RL_CALL_ROOF_MARGIN * p.predicted_time_s;
    }
    return slow;
}

rl_status rl_call_bound_check(const rl_case_spec *spec, bool gpu, int threads,
                              const rl_machine *device, rl_err *err)
{
    bool own;
    const double s = rl_call_worst_seconds(spec, gpu, threads, device, &own);
    if (s <= RL_CALL_LIMIT_S) /* a NaN fails too */
        return RL_OK;
    char name[160], where[64];
    rl_case_name(spec, name, sizeof name);
    if (own)
        snprintf(where, sizeof where, "at 1/%.0f of this device's roofline rate",
                 RL_CALL_ROOF_MARGIN);
    else
        snprintf(where, sizeof where, "on a slow %s", gpu ? "GPU" : "CPU");
    return rl_fail(err, RL_ERR_INVALID,
                   "%s: one call (%.3g FLOP, %.3g B) may take %.3g s %s, more than the %.0f s a "
                   "sample may run; use a smaller shape",
                   name, rl_op_flops(spec->op, &spec->shape),
                   rl_op_bytes(spec->op, spec->precision, &spec->shape), s, where,
                   RL_CALL_LIMIT_S);
}
