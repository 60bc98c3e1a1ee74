#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "harness/rl_run_model.h"
#include "model/rl_roofline.h"

void rl_run_model_open(rl_run_model *m, const char *device_id)
{
    memset(m, 0, sizeof *m);
    rl_err err;
    if (rl_catalog_load(&m->catalog, &err) != RL_OK) {
        fprintf(stderr, "rooflab: no device catalog, so no predictions: %s\n", err.msg);
        return;
    }
    if (rl_devices_detect(&m->catalog, "/", &m->detection, &err) != RL_OK) {
        fprintf(stderr, "rooflab: device detection failed, so no predictions: %s\n", err.msg);
        return;
    }
    const bool want_cpu = strcmp(device_id, "cpu") == 0;
    for (int i = 0; i < m->detection.count; i++) {
        const rl_device_profile *p = &m->detection.devices[i];
        if (want_cpu ? p->kind == RL_DEVICE_CPU : strcmp(p->id, device_id) == 0 ||
                                                      (p->kind != RL_DEVICE_CPU && !m->profile))
            m->profile = p;
    }
    if (m->profile) {
        cJSON *wrap = cJSON_CreateObject();
        cJSON *profile = rl_device_profile_to_cjson(m->profile);
        if (wrap && profile)
            cJSON_AddItemToObject(wrap, "device_profile", profile);
        m->profile_json = wrap;
    }
}

void rl_run_model_close(rl_run_model *m)
{
    cJSON_Delete((cJSON *)m->profile_json);
    rl_detection_free(&m->detection);
    rl_catalog_free(&m->catalog);
    memset(m, 0, sizeof *m);
}

void rl_run_model_datasheet(const rl_run_model *m, rl_roof_set *out)
{
    memset(out, 0, sizeof *out);
    const rl_device_profile *p = m->profile;
    if (!p)
        return;
    for (int i = 0; i < p->machine.mem_count && out->memory_count < RL_MAX_ROOFS; i++) {
        if (p->machine.mem[i].byte_per_s <= 0)
            continue;
        rl_roof *r = &out->memory[out->memory_count++];
        snprintf(r->name, sizeof r->name, "%.23s", p->machine.mem[i].name);
        r->value = p->machine.mem[i].byte_per_s;
        snprintf(r->source, sizeof r->source, "%.127s",
                 i == 0 ? p->bandwidth_source : "datasheet");
    }
    for (int prec = 0; prec < RL_PREC_COUNT && out->compute_count < RL_MAX_ROOFS; prec++) {
        const double peak = p->machine.peak_flop_per_s[prec];
        if (peak <= 0)
            continue;
        rl_roof *r = &out->compute[out->compute_count++];
        snprintf(r->name, sizeof r->name, "%s", rl_precision_name((rl_precision)prec));
        const bool simt = prec == RL_PREC_FP32 || prec == RL_PREC_FP64;
        snprintf(r->unit, sizeof r->unit, "%s", p->kind == RL_DEVICE_CPU || simt ? "simd" : "tensor");
        r->value = peak;
        /* a CPU's source already says it is an estimate */
        snprintf(r->source, sizeof r->source, "%.127s", p->peak_source[prec]);
    }
}

void rl_run_model_predict(const rl_run_model *m, const rl_ceilings *ceilings,
                          rl_case_result *res)
{
    res->predicted.present = false;
    if (!m->profile)
        return;
    rl_machine machine = m->profile->machine;
    if (machine.mem_count == 0 || machine.mem[0].byte_per_s <= 0) {
        /* No datasheet bandwidth (a CPU): the measured DRAM roof stands in. */
        const rl_roof_set *measured = &ceilings->measured;
        for (int i = 0; i < measured->memory_count; i++) {
            if (strcmp(measured->memory[i].name, "DRAM") == 0) {
                machine.mem_count = machine.mem_count ? machine.mem_count : 1;
                snprintf(machine.mem[0].name, sizeof machine.mem[0].name, "DRAM");
                machine.mem[0].byte_per_s = measured->memory[i].value;
            }
        }
    }
    rl_case_prediction pred;
    rl_err err;
    if (rl_predict_case(&machine, res->op, res->precision, &res->shape, &pred, &err) != RL_OK)
        return;
    res->predicted.present = true;
    res->predicted.flop_per_s = pred.attainable_flop_per_s;
    res->predicted.time_s = pred.predicted_time_s;
    res->predicted.mfu = pred.mfu;
    snprintf(res->predicted.bound, sizeof res->predicted.bound, "%s", rl_bound_name(pred.bound));
    res->predicted.measured_mfu = rl_mfu(res->flop_per_s, pred.peak_flop_per_s);
}
