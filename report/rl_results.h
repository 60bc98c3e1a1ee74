/* rooflab report: the results of a run, their schema ("rooflab.results/1"),
 * and the writers and readers of results.json and results.csv.
 *
 * Files are written atomically (a temporary file in the same folder, then
 * rename), so a reader never sees half a file and an interrupted run keeps
 * the cases it finished. */
#ifndef RL_RESULTS_H
#define RL_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/rl_cpu.h"
#include "devices/rl_device_state.h"
#include "model/rl_ops.h"
#include "model/rl_stats.h"
#include "rl/status.h"

#define RL_RESULTS_SCHEMA "rooflab.results/1"

typedef enum rl_case_outcome {
    RL_CASE_OK,                /* validated, then timed */
    RL_CASE_VALIDATION_FAILED, /* reported, never timed */
    RL_CASE_UNSUPPORTED,       /* the backend has no kernel for it */
    RL_CASE_ERROR              /* the device or an allocation failed */
} rl_case_outcome;

typedef struct rl_validation {
    bool checked;
    bool passed;
    double max_rel_err;
    double tolerance;
    int64_t checked_units; /* rows / elements compared with the reference */
    int64_t total_units;
} rl_validation;

/* A roofline prediction for the case (filled when a device profile with
 * peaks is known). */
typedef struct rl_prediction {
    bool present;
    double flop_per_s;
    double time_s;
    char bound[16]; /* "memory" or "compute" */
    double mfu;
    double measured_mfu;  /* measured FLOP/s / the peak of the op's roof */
    char roof[24];        /* the compute roof the op runs on: "fp16 simt", "fp16 tensor" */
    char binding[24];     /* the roof that limits the prediction: "HBM3", "fp16 simt", "mufu" */
    double roof_fraction; /* measured FLOP/s / predicted (the binding roof's) FLOP/s */
} rl_prediction;

/* The energy of one call of a case, estimated where the device's power is
 * readable (a Jetson's VDD_IN rail, NVML on a GPU): the mean of the power
 * read just before and just after the case, times the median time per
 * call. Power is not sampled during the case, so it is an estimate
 * ("energy_estimate" in results.json). */
typedef struct rl_energy_estimate {
    bool present;
    double power_before_w, power_after_w;
    double joule_per_call;
    double flop_per_joule, byte_per_joule; /* 0 where the op has no FLOPs/bytes */
} rl_energy_estimate;

typedef struct rl_case_result {
    char name[160]; /* "op/precision/shape" */
    rl_op op;
    rl_precision precision;
    rl_shape shape;
    int kernel_version;
    char kernel[32];
    char backend[16];
    double flops, bytes, intensity; /* from the model's op accounting */
    rl_stats time_s;
    double flop_per_s, byte_per_s; /* at the median time */
    rl_validation validation;
    char cache[96]; /* how caches were handled between samples */
    rl_case_outcome outcome;
    char message[256];
    rl_prediction predicted;
    rl_energy_estimate energy;
    /* The device's worst state seen while the case ran (read before the
     * warm-up, after each repetition and after the last): lowest clocks,
     * highest power and temperature, every throttle reason. */
    bool device_read;
    rl_device_state device_worst;
    /* How its sampling stopped ("sampling" in results.json): "noise target",
     * "timeout" or "max repetitions"; "" in files of older versions. */
    char stop_reason[24];
    double noise;        /* the median's relative noise reached (rl_median_noise) */
    double noise_target; /* the target it was sampled to; 0: none */
    int repetitions;     /* Google Benchmark repetitions run */
} rl_case_result;

/* One roof of the roofline: a memory level's bandwidth or a compute unit's
 * peak at one precision. */
typedef struct rl_roof {
    char name[24];   /* memory: "L1", "L2", "L3", "DRAM", "HBM"; compute: "fp32" */
    char unit[16];   /* compute only: "simd", "tensor", "blas" */
    double value;    /* byte_per_s (memory) or flop_per_s (compute) */
    char source[128]; /* where the number comes from */
} rl_roof;

#define RL_MAX_ROOFS 16

typedef struct rl_roof_set {
    int memory_count, compute_count;
    rl_roof memory[RL_MAX_ROOFS];
    rl_roof compute[RL_MAX_ROOFS];
} rl_roof_set;

/* "ceilings": {"datasheet": {...}, "measured": {...}} in results.json. */
typedef struct rl_ceilings {
    rl_roof_set datasheet;
    rl_roof_set measured;
} rl_ceilings;

#define RL_MAX_ENV 48

/* The Slurm job a run was part of ("slurm" in results.json; absent, and
 * job_id empty, outside Slurm). Kept as Slurm prints them: ids are strings. */
typedef struct rl_slurm_info {
    char job_id[32];
    char array_job_id[32];
    char array_task_id[16];
    char step_id[16];
    char proc_id[16]; /* the task's rank within the step */
    char node_list[256];
} rl_slurm_info;

typedef struct rl_run_info {
    char tool_version[32];
    char git_revision[48];
    char date[32]; /* ISO 8601, UTC */
    char host[128];
    char device[32];              /* "cpu", "cuda:0" */
    char device_description[256];
    /* A GPU's PCI bus id and UUID, read back from the device profile a run
     * records ("" when absent: a CPU, or a file without one). */
    char pci_bus_id[32];
    char gpu_uuid[64];
    rl_cpu_info cpu;
    char blas_config[256];
    char blas_corename[64];
    int blas_threads;
    int threads;
    char suite[16];
    uint64_t seed;
    int env_count;
    char env[RL_MAX_ENV][160]; /* "OPENBLAS_CORETYPE=Haswell" */
    rl_slurm_info slurm;
    /* The device's clocks and power as read before the first case and
     * after the last one finished ("device_state" in results.json). */
    bool device_state_read;
    rl_device_state device_start, device_end;
    /* Measured facts the notes and flags cite ("launch_overhead" and
     * "device_cache_bytes" in results.json; 0 when not measured/known). */
    double launch_overhead_s;          /* median time of a call that does almost nothing */
    char launch_overhead_source[96];   /* "copy/fp32/count=256" */
    double device_cache_bytes;         /* the backend's largest cache */
    /* The machine's load average (1, 5, 15 min) before the first case and
     * after the last ("load_average" in results.json): a busy machine's
     * times are not the device's. */
    bool load_read;
    double load_start[3], load_end[3];
} rl_run_info;

/* The layer of an llm-suite run ("llm" in results.json): which case plays
 * which role in one transformer layer, and how often. The times are the
 * cases' own, found by name. */
#define RL_LLM_RECORD_ROWS 16

typedef struct rl_llm_record {
    bool present;
    char model[256];
    int64_t batch, seq, layers;
    int count;
    struct {
        char role[32];
        char case_name[160];
        int per_layer;
    } rows[RL_LLM_RECORD_ROWS];
} rl_llm_record;

/* Fill *out from an "llm" object (a cJSON *, as void *); present stays
 * false when it is not one. */
void rl_llm_record_from_json(const void *llm, rl_llm_record *out);

typedef struct rl_results {
    rl_run_info info;
    rl_case_result *cases;
    size_t count, capacity;
    bool complete; /* false: "partial" (interrupted or still running) */
    rl_ceilings ceilings;
    /* Optional: a cJSON object whose members are added to the top level of
     * results.json (device profile, ceilings); owned by the caller. */
    void *extra_json;
    /* Read back from results.json (a run's is in extra_json's "llm"). */
    rl_llm_record llm;
} rl_results;

void rl_results_init(rl_results *r);
void rl_results_free(rl_results *r);
rl_status rl_results_append(rl_results *r, const rl_case_result *c, rl_err *err);

const char *rl_case_outcome_name(rl_case_outcome o);

/* Whether the case streamed from main memory: its working set was at least
 * 4x the largest cache, so it ran unflushed (the "cache" text that
 * harness/case_prepare.c writes says so). */
bool rl_case_streams_from_memory(const rl_case_result *c);

/* The start of a measured roof's source when the run's own copy/triad
 * stands in for it (rl_run_model_roof_from_run). */
#define RL_ROOF_FROM_RUN "this run's "

/* c->energy from the device state read before and after the case; left
 * absent when the case did not run or either power is unknown. */
void rl_case_energy_estimate(rl_case_result *c, const rl_device_state *before,
                             const rl_device_state *after);
/* "0.52 mJ per call (power 11.70 -> 12.30 W), 38.1 GFLOP/J" (GB/J for ops
 * without FLOPs); false (and "") when the case has no estimate. */
bool rl_energy_describe(const rl_case_result *c, char *buf, size_t len);

/* Serialise to a newly allocated JSON string (free with free()). */
char *rl_results_to_json(const rl_results *r);
rl_status rl_results_write_json(const rl_results *r, const char *path, rl_err *err);
rl_status rl_results_write_csv(const rl_results *r, const char *path, rl_err *err);
/* Read a results.json written by any rooflab of schema version 1. */
rl_status rl_results_read_json(const char *path, rl_results *r, rl_err *err);
rl_status rl_results_parse_json(const char *text, rl_results *r, rl_err *err);

/* Write data to path through a temporary file and rename. */
rl_status rl_write_file_atomic(const char *path, const char *data, size_t len, rl_err *err);
/* Create a folder and its parents; fail if it cannot be written. A path too
 * long to hold the files rooflab writes in it, or with a component longer
 * than NAME_MAX, is refused before any folder is created. */
rl_status rl_make_output_dir(const char *path, rl_err *err);
/* Whether a file can be created in the folder dir: creates and removes a
 * temporary file there, touching nothing else. */
rl_status rl_probe_writable(const char *dir, rl_err *err);

/* The longest name rooflab puts under an output folder, with its '/':
 * "/partial-YYYYmmdd-HHMMSS-PID/report.html.XXXXXX.tmp" fits in it. */
#define RL_OUTPUT_NAME_RESERVE 64

/* name made safe as one path component: ':' becomes '-', other bytes than
 * [A-Za-z0-9._-] and a leading '.' become '_'; at most 64 bytes; "unknown"
 * when empty. */
void rl_path_component(const char *name, char *buf, size_t len);

#endif
