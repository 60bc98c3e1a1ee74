/* rooflab harness: what the model says about a run's device: its profile
 * (for results.json), its datasheet roofs, and a prediction per case. */
#ifndef RL_RUN_MODEL_H
#define RL_RUN_MODEL_H

#include "devices/rl_device.h"
#include "kernels/rl_backend.h"
#include "report/rl_results.h"

typedef struct rl_run_model {
    rl_catalog catalog;
    rl_detection detection;
    const rl_device_profile *profile; /* the profile of the device the run uses; may be NULL */
    void *profile_json;               /* {"device_profile": {...}} for rl_results.extra_json */
} rl_run_model;

/* Detect and pick the profile of device_id ("cpu", "cuda:0"). Failing to
 * detect is not fatal: predictions are then left out, with a note. */
void rl_run_model_open(rl_run_model *m, const char *device_id);
void rl_run_model_close(rl_run_model *m);

/* A GPU's host thread kept on its socket: on a CUDA device, bind the
 * calling thread (before it starts any other) to the cores nearest the
 * GPU's PCI slot (rl_host_bind_near_pci) and record the outcome as
 * "host_binding" in the device profile of results.json; says on stderr
 * when it could not. Nothing on a CPU or Jetson. */
void rl_run_model_bind_host(rl_run_model *m);

/* The device's datasheet (or, for a CPU, estimated) roofs. */
void rl_run_model_datasheet(const rl_run_model *m, rl_roof_set *out);

/* Fill res->predicted against the roof of the unit the op runs on
 * (rl_machine_compute_roof) and the memory bandwidth; on a CPU, whose
 * datasheet bandwidth is unknown, the measured DRAM roof is used when there
 * is one. That roof, and for an exp-heavy op its special-function ceiling
 * (MUFU rate x FLOPs per transcendental), join ceilings->datasheet so the
 * picture draws what each case is judged against. */
void rl_run_model_predict(const rl_run_model *m, rl_ceilings *ceilings, rl_case_result *res);

/* A device without a datasheet memory bandwidth (a CPU) and no stored
 * measured DRAM roof: this run's own copy and triad cases that streamed from
 * memory (rl_case_streams_from_memory: working set at least 4x the largest
 * cache) stand in, the best of them becoming the measured DRAM roof (its
 * source RL_ROOF_FROM_RUN and the case's name), and every case is predicted
 * again against it. True when it did so. */
bool rl_run_model_roof_from_run(const rl_run_model *m, rl_results *r);

/* On a Jetson, where the GPU allocates from the DRAM the CPU uses, the
 * backend's free memory becomes the system's (rl_jetson_available_bytes:
 * MemAvailable less the kernel's reserve), not cudaMemGetInfo's, which
 * leaves out reclaimable page cache there; mem_info then says the memory
 * is shared with the host. Elsewhere nothing changes. */
void rl_run_model_share_memory(const rl_run_model *m, rl_backend *be);

/* The device's state now: what the backend reads (NVML on a GPU, cpufreq
 * on a CPU), completed on a Jetson by what the board keeps in sysfs, where
 * NVML is absent (devices/jetson_state.c). */
void rl_run_model_device_state(const rl_run_model *m, const rl_backend *be,
                               rl_device_state *out);

#endif
