/* A device profile as JSON (for `rooflab devices --json` and results files). */
#include "devices/rl_device.h"

#include <cjson/cJSON.h>

static void add_sourced(cJSON *obj, const char *key, double value, const char *source)
{
    cJSON *q = cJSON_AddObjectToObject(obj, key);
    cJSON_AddNumberToObject(q, "value", value);
    cJSON_AddStringToObject(q, "source", source);
}

void *rl_device_profile_to_cjson(const rl_device_profile *p)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "id", p->id);
    cJSON_AddStringToObject(o, "kind", rl_device_kind_name(p->kind));
    cJSON_AddStringToObject(o, "name", p->name);
    if (p->matched)
        cJSON_AddStringToObject(o, "catalog_id", p->entry.id);
    else
        cJSON_AddNullToObject(o, "catalog_id");
    if (p->power_mode[0])
        cJSON_AddStringToObject(o, "power_mode", p->power_mode);
    if (p->compute_capability[0])
        cJSON_AddStringToObject(o, "compute_capability", p->compute_capability);
    if (p->sms)
        cJSON_AddNumberToObject(o, "sms", p->sms);
    /* which GPU of the node: recorded so a merge can name the slot */
    if (p->pci_bus_id[0])
        cJSON_AddStringToObject(o, "pci_bus_id", p->pci_bus_id);
    if (p->uuid[0])
        cJSON_AddStringToObject(o, "uuid", p->uuid);
    if (p->kind == RL_DEVICE_CUDA) {
        if (p->numa_node >= 0)
            cJSON_AddNumberToObject(o, "numa_node", p->numa_node);
        else
            cJSON_AddNullToObject(o, "numa_node");
    }
    if (p->sm_clock_mhz > 0)
        cJSON_AddNumberToObject(o, "sm_clock_mhz", p->sm_clock_mhz);
    if (p->clock_source[0])
        cJSON_AddStringToObject(o, "sm_clock_source", p->clock_source);
    if (p->mem_clock_mhz > 0)
        cJSON_AddNumberToObject(o, "mem_clock_mhz", p->mem_clock_mhz);
    if (p->bus_width_bits)
        cJSON_AddNumberToObject(o, "bus_width_bits", p->bus_width_bits);
    if (p->l2_bytes)
        cJSON_AddNumberToObject(o, "l2_bytes", (double)p->l2_bytes);
    if (p->theoretical_byte_per_s > 0)
        cJSON_AddNumberToObject(o, "theoretical_byte_per_s", p->theoretical_byte_per_s);
    cJSON_AddNumberToObject(o, "memory_bytes", (double)p->memory_bytes);
    cJSON_AddNumberToObject(o, "reserve_bytes", (double)p->reserve_bytes);
    if (p->available_source[0]) {
        cJSON *a = cJSON_AddObjectToObject(o, "memory_available");
        cJSON_AddNumberToObject(a, "bytes", (double)p->available_bytes);
        cJSON_AddStringToObject(a, "source", p->available_source);
    }
    cJSON_AddBoolToObject(o, "estimate", p->estimate);

    cJSON *mem = cJSON_AddArrayToObject(o, "memory_roofs");
    for (int i = 0; i < p->machine.mem_count; i++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "name", p->machine.mem[i].name);
        cJSON_AddNumberToObject(m, "byte_per_s", p->machine.mem[i].byte_per_s);
        cJSON_AddStringToObject(m, "source", i == 0 ? p->bandwidth_source : "");
        cJSON_AddItemToArray(mem, m);
    }
    cJSON *dense = cJSON_AddObjectToObject(o, "dense_peak_flop_per_s");
    for (int q = 0; q < RL_PREC_COUNT; q++)
        if (p->machine.peak_flop_per_s[q] > 0)
            add_sourced(dense, rl_precision_name((rl_precision)q), p->machine.peak_flop_per_s[q],
                        p->peak_source[q]);
    /* the peak of each unit: what each op is judged against */
    cJSON *units = cJSON_AddObjectToObject(o, "unit_peak_flop_per_s");
    cJSON *tensor = cJSON_AddObjectToObject(units, "tensor");
    cJSON *simt = cJSON_AddObjectToObject(units, p->machine.simt_name[0] ? p->machine.simt_name
                                                                        : "simt");
    for (int q = 0; q < RL_PREC_COUNT; q++) {
        if (p->machine.tensor_flop_per_s[q] > 0)
            add_sourced(tensor, rl_precision_name((rl_precision)q),
                        p->machine.tensor_flop_per_s[q], p->machine.tensor_source[q]);
        if (p->machine.simt_flop_per_s[q] > 0)
            add_sourced(simt, rl_precision_name((rl_precision)q), p->machine.simt_flop_per_s[q],
                        p->machine.simt_source[q]);
    }
    if (p->machine.mufu_op_per_s > 0)
        add_sourced(o, "mufu_op_per_s", p->machine.mufu_op_per_s, p->machine.mufu_source);
    if (p->matched) {
        cJSON *sparse = cJSON_AddObjectToObject(o, "sparse_not_used_for_roofs");
        for (int q = 0; q < RL_PREC_COUNT; q++)
            if (p->entry.sparse[q].value > 0)
                add_sourced(sparse, rl_precision_name((rl_precision)q), p->entry.sparse[q].value,
                            p->entry.sparse[q].source);
    }
    if (p->kind == RL_DEVICE_CPU) {
        cJSON *c = cJSON_AddObjectToObject(o, "cpu");
        cJSON_AddStringToObject(c, "arch", p->cpu.arch);
        cJSON_AddNumberToObject(c, "cores", p->cpu.cores);
        cJSON_AddNumberToObject(c, "threads", p->cpu.pus);
        cJSON_AddStringToObject(c, "isa", p->cpu.isa);
        cJSON_AddNumberToObject(c, "clock_mhz", p->cpu_peak.clock_mhz);
        cJSON_AddStringToObject(c, "clock_source", p->cpu_peak.clock_source);
        cJSON_AddNumberToObject(c, "fp32_flop_per_cycle_per_core", p->cpu_peak.fp32_flop_per_cycle);
        cJSON_AddStringToObject(c, "unit", p->cpu_peak.unit);
        cJSON_AddStringToObject(c, "assumptions", p->cpu_peak.assumptions);
    }
    cJSON_AddStringToObject(o, "warnings", p->warnings);
    return o;
}
