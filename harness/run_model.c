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

void rl_run_model_bind_host(rl_run_model *m)
{
    const rl_device_profile *p = m->profile;
    if (!p || p->kind != RL_DEVICE_CUDA)
        return;
    rl_host_binding b;
    rl_host_bind_near_pci(p->pci_bus_id, p->numa_node, &b);
    if (!b.pinned)
        fprintf(stderr, "rooflab run: note: %s: %s\n", p->id, b.note);
    cJSON *profile = m->profile_json
                         ? cJSON_GetObjectItemCaseSensitive((cJSON *)m->profile_json,
                                                            "device_profile")
                         : NULL;
    if (!profile)
        return;
    cJSON *o = cJSON_AddObjectToObject(profile, "host_binding");
    if (!o)
        return;
    cJSON_AddBoolToObject(o, "pinned", b.pinned);
    if (b.numa_node >= 0)
        cJSON_AddNumberToObject(o, "numa_node", b.numa_node);
    else
        cJSON_AddNullToObject(o, "numa_node");
    cJSON_AddStringToObject(o, "cpuset", b.cpuset);
    cJSON_AddStringToObject(o, "note", b.note);
}

void rl_run_model_close(rl_run_model *m)
{
    cJSON_Delete((cJSON *)m->profile_json);
    rl_detection_free(&m->detection);
    rl_catalog_free(&m->catalog);
    memset(m, 0, sizeof *m);
}

static bool has_compute_roof(const rl_roof_set *set, const char *name, const char *unit)
{
    for (int i = 0; i < set->compute_count; i++)
        if (strcmp(set->compute[i].name, name) == 0 && strcmp(set->compute[i].unit, unit) == 0)
            return true;
    return false;
}

static void add_compute_roof(rl_roof_set *set, const char *name, const char *unit, double value,
                             const char *source)
{
    if (value <= 0 || set->compute_count >= RL_MAX_ROOFS || has_compute_roof(set, name, unit))
        return;
    rl_roof *r = &set->compute[set->compute_count++];
    snprintf(r->name, sizeof r->name, "%.23s", name);
    snprintf(r->unit, sizeof r->unit, "%.15s", unit);
    r->value = value;
    snprintf(r->source, sizeof r->source, "%.127s", source);
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
    /* The dense peak of each precision, named by the unit that reaches it;
     * the SIMT roofs below the tensor ones, and the special-function
     * ceiling, join when a case is judged against them (rl_run_model_predict). */
    const rl_machine *mc = &p->machine;
    const char *simt = mc->simt_name[0] ? mc->simt_name : "simt";
    for (int prec = 0; prec < RL_PREC_COUNT; prec++) {
        const bool tensor = mc->tensor_flop_per_s[prec] > 0 &&
                            mc->tensor_flop_per_s[prec] >= mc->simt_flop_per_s[prec];
        if (tensor)
            add_compute_roof(out, rl_precision_name((rl_precision)prec), "tensor",
                             mc->tensor_flop_per_s[prec], mc->tensor_source[prec]);
        else
            add_compute_roof(out, rl_precision_name((rl_precision)prec), simt,
                             mc->simt_flop_per_s[prec], mc->simt_source[prec]);
    }
}

void rl_run_model_predict(const rl_run_model *m, rl_ceilings *ceilings, rl_case_result *res)
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
    snprintf(res->predicted.roof, sizeof res->predicted.roof, "%s", pred.roof.name);
    snprintf(res->predicted.binding, sizeof res->predicted.binding, "%s", pred.binding_roof);
    /* MFU against the op's own roof: the tensor peak for GEMM, the SIMT
     * rate for the FMA probe and the row ops */
    res->predicted.measured_mfu = rl_mfu(res->flop_per_s, pred.peak_flop_per_s);
    res->predicted.roof_fraction = res->time_s.median > 0 && pred.predicted_time_s > 0
                                       ? pred.predicted_time_s / res->time_s.median
                                       : 0.0;

    /* the roof this case is judged against joins the picture's datasheet roofs */
    char prec[16];
    snprintf(prec, sizeof prec, "%s", rl_precision_name(pred.roof.arith));
    const char *unit = pred.roof.unit == RL_UNIT_TENSOR ? "tensor"
                       : machine.simt_name[0]             ? machine.simt_name
                                                          : "simt";
    add_compute_roof(&ceilings->datasheet, prec, unit, pred.peak_flop_per_s,
                     pred.roof.source ? pred.roof.source : "");
    const double mufu = rl_mufu_ceiling_flop_per_s(&machine, res->op);
    if (mufu > 0) {
        char name[24];
        snprintf(name, sizeof name, "%.18s exp", rl_op_name(rl_op_fused_partner(res->op)));
        add_compute_roof(&ceilings->datasheet, name, "mufu", mufu, machine.mufu_source);
    }
}

static bool has_memory_roof(const rl_roof_set *set, const char *name)
{
    for (int i = 0; i < set->memory_count; i++)
        if (strcmp(set->memory[i].name, name) == 0)
            return true;
    return false;
}

bool rl_run_model_roof_from_run(const rl_run_model *m, rl_results *r)
{
    if (!m->profile || (m->profile->machine.mem_count > 0 &&
                        m->profile->machine.mem[0].byte_per_s > 0))
        return false;
    rl_roof_set *measured = &r->ceilings.measured;
    if (has_memory_roof(measured, "DRAM") || measured->memory_count >= RL_MAX_ROOFS)
        return false;
    const rl_case_result *best = NULL;
    for (size_t i = 0; i < r->count; i++) {
        const rl_case_result *c = &r->cases[i];
        if ((c->op == RL_OP_COPY || c->op == RL_OP_TRIAD) && c->outcome == RL_CASE_OK &&
            c->validation.passed && rl_case_streams_from_memory(c) && c->byte_per_s > 0 &&
            (!best || c->byte_per_s > best->byte_per_s))
            best = c;
    }
    if (!best)
        return false;
    rl_roof *roof = &measured->memory[measured->memory_count++];
    memset(roof, 0, sizeof *roof);
    snprintf(roof->name, sizeof roof->name, "DRAM");
    roof->value = best->byte_per_s;
    snprintf(roof->source, sizeof roof->source,
             RL_ROOF_FROM_RUN "%.60s (no stored ceilings: rooflab ceilings measures them)",
             best->name);
    for (size_t i = 0; i < r->count; i++)
        if (r->cases[i].outcome == RL_CASE_OK)
            rl_run_model_predict(m, &r->ceilings, &r->cases[i]);
    return true;
}

void rl_run_model_device_state(const rl_run_model *m, const rl_backend *be,
                               rl_device_state *out)
{
    rl_device_state_unknown(out);
    be->device_state(be->state, out);
    if (m->profile && m->profile->kind == RL_DEVICE_JETSON)
        rl_jetson_state_read("/", out);
}

static rl_status shared_mem_info(void *state, rl_mem_info *info, rl_err *err)
{
    (void)state;
    rl_jetson_raw raw;
    RL_TRY(rl_jetson_read("/", &raw, err));
    char source[192];
    const uint64_t avail = rl_jetson_available_bytes(&raw, source, sizeof source);
    if (!raw.present || avail == 0)
        return rl_fail(err, RL_ERR_DEVICE, "cannot tell the Jetson's free memory: %s",
                       raw.present ? source : "no /etc/nv_tegra_release");
    info->free_bytes = (size_t)avail;
    info->total_bytes = (size_t)raw.mem_bytes;
    info->shared_with_host = true;
    return RL_OK;
}

void rl_run_model_share_memory(const rl_run_model *m, rl_backend *be)
{
    if (m->profile && m->profile->kind == RL_DEVICE_JETSON && m->profile->available_bytes > 0 &&
        strcmp(be->name, "cpu") != 0)
        be->mem_info = shared_mem_info;
}
