/* The roofline: ridge points, attainable rates, the binding roof, predicted
 * time and MFU of a case, and the predicted gain of fusion.
 *
 *   ridge       = peak / bandwidth                      [FLOP/byte]
 *   attainable  = min(peak, intensity x bandwidth)      [FLOP/s]
 *   time        = max(flops / peak, bytes / bandwidth)  [s]
 *   MFU         = attainable / dense peak of the op's unit
 *
 * The peak is the unit the op runs on (rl_op_execution): a half2 FMA chain
 * is judged against the SIMT fp16 rate, not the tensor cores'. Ops with
 * transcendentals also meet the special-function ceiling:
 *   time = max(flops / peak, transcendentals / MUFU rate, bytes / bw).
 *
 * FLOPs and bytes come from rl_op_flops and rl_op_bytes only. */
#include "model/rl_roofline.h"

#include <math.h>
#include <stdio.h>

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

rl_status rl_machine_compute_roof(const rl_machine *m, rl_op op, rl_precision p,
                                  rl_compute_roof *out, rl_err *err)
{
    if (p < 0 || p >= RL_PREC_COUNT || op < 0 || op >= RL_OP_COUNT)
        return rl_fail(err, RL_ERR_INVALID, "unknown op or precision");
    const rl_op_exec x = rl_op_execution(op, p);
    rl_compute_roof r = {.unit = x.unit, .arith = x.arith};
    const char *simt = m->simt_name[0] ? m->simt_name : "simt";
    if (x.unit == RL_UNIT_TENSOR && !(m->tensor_flop_per_s[x.arith] > 0) &&
        x.arith == RL_PREC_FP64)
        r.unit = RL_UNIT_SIMT; /* no DMMA: DGEMM runs on the fp64 pipes */
    if (r.unit == RL_UNIT_TENSOR) {
        r.flop_per_s = m->tensor_flop_per_s[x.arith];
        r.source = m->tensor_source[x.arith];
        snprintf(r.name, sizeof r.name, "%s tensor", rl_precision_name(x.arith));
    } else {
        r.flop_per_s = m->simt_flop_per_s[x.arith];
        r.source = m->simt_source[x.arith];
        snprintf(r.name, sizeof r.name, "%s %s", rl_precision_name(x.arith), simt);
    }
    if (!(r.flop_per_s > 0) || !isfinite(r.flop_per_s))
        return rl_fail(err, RL_ERR_UNSUPPORTED,
                       "%s at %s runs on the %s unit, and no %s peak is known for this device",
                       rl_op_name(op), rl_precision_name(p), r.name, r.name);
    *out = r;
    return RL_OK;
}

double rl_mufu_ceiling_flop_per_s(const rl_machine *m, rl_op op)
{
    const rl_shape unit = {.rows = 1, .cols = 1};
    const double t = rl_op_transcendentals(op, &unit);
    if (!(t > 0) || !(m->mufu_op_per_s > 0))
        return 0.0;
    return m->mufu_op_per_s * rl_op_flops(op, &unit) / t;
}

rl_status rl_predict_case(const rl_machine *m, rl_op op, rl_precision p, const rl_shape *shape,
                          rl_case_prediction *out, rl_err *err)
{
    RL_TRY(rl_shape_validate(op, p, shape, err));
    rl_case_prediction r = {0};
    RL_TRY(rl_machine_compute_roof(m, op, p, &r.roof, err));
    if (m->mem_count < 1 || !(m->mem[0].byte_per_s > 0))
        return rl_fail(err, RL_ERR_UNSUPPORTED, "no main-memory bandwidth is known");

    r.flops = rl_op_flops(op, shape);
    r.bytes = rl_op_bytes(op, p, shape);
    r.intensity = r.bytes > 0 ? r.flops / r.bytes : 0.0;
    r.peak_flop_per_s = r.roof.flop_per_s;
    r.byte_per_s = m->mem[0].byte_per_s;
    r.ridge = rl_ridge(r.peak_flop_per_s, r.byte_per_s);
    r.transcendentals = rl_op_transcendentals(op, shape);
    r.mufu_op_per_s = r.transcendentals > 0 ? m->mufu_op_per_s : 0.0;

    const double t_compute = r.flops / r.peak_flop_per_s;
    const double t_mufu = r.mufu_op_per_s > 0 ? r.transcendentals / r.mufu_op_per_s : 0.0;
    const double t_memory = r.bytes / r.byte_per_s;
    const double t_arith = t_compute > t_mufu ? t_compute : t_mufu;
    r.predicted_time_s = t_arith > t_memory ? t_arith : t_memory;
    r.bound = t_arith >= t_memory && t_arith > 0 ? RL_BOUND_COMPUTE : RL_BOUND_MEMORY;
    if (r.bound == RL_BOUND_MEMORY)
        snprintf(r.binding_roof, sizeof r.binding_roof, "%.23s", m->mem[0].name);
    else if (t_mufu > t_compute)
        snprintf(r.binding_roof, sizeof r.binding_roof, "mufu");
    else
        snprintf(r.binding_roof, sizeof r.binding_roof, "%s", r.roof.name);
    r.attainable_flop_per_s = rl_attainable(r.peak_flop_per_s, r.byte_per_s, r.intensity);
    if (t_mufu > 0 && r.flops / t_mufu < r.attainable_flop_per_s)
        r.attainable_flop_per_s = r.flops / t_mufu;
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
