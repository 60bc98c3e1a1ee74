/* The roofline: ridge points, attainable rates, the binding roof, predicted
 * time and MFU of a case, and the predicted gain of fusion.
 *
 *   ridge       = peak / bandwidth                      [FLOP/byte]
 *   attainable  = min(peak, intensity x bandwidth)      [FLOP/s]
 *   time        = max(flops / peak, bytes / bandwidth)  [s]
 *   MFU         = attainable / dense peak
 *
 * FLOPs and bytes come from rl_op_flops and rl_op_bytes only. */
#include "model/rl_roofline.h"

#include <math.h>

const char *rl_bound_name(rl_bound b)
{
    return b == RL_BOUND_COMPUTE ? "compute" : "memory";
}

double rl_ridge(double peak_flop_per_s, double byte_per_s)
{
    if (!(peak_flop_per_s > 0) || !(byte_per_s > 0))
        return 0.0;
    return peak_flop_per_s / byte_per_s;
}

double rl_attainable(double peak_flop_per_s, double byte_per_s, double intensity)
{
    if (!(peak_flop_per_s > 0) || !(byte_per_s > 0) || !(intensity > 0))
        return 0.0;
    const double mem = intensity * byte_per_s;
    return mem < peak_flop_per_s ? mem : peak_flop_per_s;
}

rl_bound rl_binding_roof(double peak_flop_per_s, double byte_per_s, double intensity)
{
    const double ridge = rl_ridge(peak_flop_per_s, byte_per_s);
    return (ridge > 0 && intensity >= ridge) ? RL_BOUND_COMPUTE : RL_BOUND_MEMORY;
}

double rl_mfu(double flop_per_s, double dense_peak_flop_per_s)
{
    if (!(dense_peak_flop_per_s > 0) || !(flop_per_s >= 0))
        return 0.0;
    return flop_per_s / dense_peak_flop_per_s;
}

rl_status rl_machine_ridge(const rl_machine *m, rl_precision p, int level, double *ridge,
                           rl_err *err)
{
    if (p < 0 || p >= RL_PREC_COUNT)
        return rl_fail(err, RL_ERR_INVALID, "unknown precision");
    if (level < 0 || level >= m->mem_count)
        return rl_fail(err, RL_ERR_INVALID, "memory level %d is not described", level);
    if (!(m->peak_flop_per_s[p] > 0))
        return rl_fail(err, RL_ERR_UNSUPPORTED, "no dense %s peak is known for this device",
                       rl_precision_name(p));
    if (!(m->mem[level].byte_per_s > 0))
        return rl_fail(err, RL_ERR_UNSUPPORTED, "no bandwidth is known for memory level %s",
                       m->mem[level].name);
    *ridge = rl_ridge(m->peak_flop_per_s[p], m->mem[level].byte_per_s);
    return RL_OK;
}

rl_status rl_predict_case(const rl_machine *m, rl_op op, rl_precision p, const rl_shape *shape,
                          rl_case_prediction *out, rl_err *err)
{
    RL_TRY(rl_shape_validate(op, p, shape, err));
    double ridge = 0.0;
    RL_TRY(rl_machine_ridge(m, p, 0, &ridge, err));

    rl_case_prediction r = {0};
    r.flops = rl_op_flops(op, shape);
    r.bytes = rl_op_bytes(op, p, shape);
    r.intensity = r.bytes > 0 ? r.flops / r.bytes : 0.0;
    r.peak_flop_per_s = m->peak_flop_per_s[p];
    r.byte_per_s = m->mem[0].byte_per_s;
    r.ridge = ridge;
    r.bound = rl_binding_roof(r.peak_flop_per_s, r.byte_per_s, r.intensity);
    r.attainable_flop_per_s = rl_attainable(r.peak_flop_per_s, r.byte_per_s, r.intensity);
    const double t_compute = r.flops / r.peak_flop_per_s;
    const double t_memory = r.bytes / r.byte_per_s;
    r.predicted_time_s = t_compute > t_memory ? t_compute : t_memory;
    r.mfu = rl_mfu(r.attainable_flop_per_s, r.peak_flop_per_s);
    *out = r;
    return RL_OK;
}

/* The unfused chain whose fused partner is op, or op itself. */
static rl_op unfused_of(rl_op op)
{
    for (int i = 0; i < RL_OP_COUNT; i++)
        if (rl_op_is_unfused((rl_op)i) && rl_op_fused_partner((rl_op)i) == op)
            return (rl_op)i;
    return op;
}

bool rl_op_has_fusion_pair(rl_op op)
{
    return rl_op_is_unfused(op) || unfused_of(op) != op;
}

rl_status rl_predict_fusion(const rl_machine *m, rl_op op, rl_precision p, const rl_shape *shape,
                            rl_fusion_prediction *out, rl_err *err)
{
    if (!rl_op_has_fusion_pair(op))
        return rl_fail(err, RL_ERR_INVALID, "%s has no fused/unfused pair", rl_op_name(op));
    rl_fusion_prediction f = {0};
    f.fused = rl_op_fused_partner(op);
    f.unfused = unfused_of(f.fused);
    rl_case_prediction pf, pu;
    RL_TRY(rl_predict_case(m, f.fused, p, shape, &pf, err));
    RL_TRY(rl_predict_case(m, f.unfused, p, shape, &pu, err));
    f.fused_bytes = pf.bytes;
    f.unfused_bytes = pu.bytes;
    f.byte_ratio = pf.bytes > 0 ? pu.bytes / pf.bytes : 0.0;
    f.fused_time_s = pf.predicted_time_s;
    f.unfused_time_s = pu.predicted_time_s;
    f.speedup = pf.predicted_time_s > 0 ? pu.predicted_time_s / pf.predicted_time_s : 0.0;
    f.memory_bound = pf.bound == RL_BOUND_MEMORY && pu.bound == RL_BOUND_MEMORY;
    *out = f;
    return RL_OK;
}
