/* rooflab devices: the catalog of datasheet entries (devices/catalog/<id>.json).
 *
 * Every number in an entry is an object {"value": V, "source": S}: S is either
 * source keys listed in the file's "sources" object (each with its URL), or
 * text starting with "derived" (the formula follows) or "unsourced". The
 * loader refuses a number without a source.
 *
 * Peaks are dense (no 2:4 structured sparsity). Sparse figures are read into
 * `sparse` for display and never enter a roof. Jetson entries carry per-SM
 * per-clock rates and nvpmodel power modes instead of dense peaks: the peaks
 * are derived for the mode in force (SMs online x clock cap x rate), and the
 * bandwidth is capped by the mode's EMC clock (2 x EMC clock x bus bytes). */
#ifndef RL_CATALOG_H
#define RL_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/rl_ops.h"
#include "model/rl_roofline.h"
#include "rl/status.h"

#define RL_CAT_MAX_PATTERNS 8
#define RL_CAT_MAX_MODES 8
#define RL_CAT_PATTERN_LEN 64
#define RL_CAT_SOURCE_LEN 160
#define RL_CAT_MAX_SOURCES 32

/* One entry of a file's "sources": a key cited by the numbers, and what it
 * is: {"title": T, "url": U}, or a bare URL (the title is then its host). */
typedef struct rl_cat_source {
    char key[24];
    char title[160];
    char url[256];
} rl_cat_source;

/* A number with its source. value == 0 and source[0] == 0: absent. */
typedef struct rl_sourced {
    double value;
    char source[RL_CAT_SOURCE_LEN];
} rl_sourced;

/* One nvpmodel power mode of a Jetson. */
typedef struct rl_power_mode {
    char name[24];      /* "15W", "MAXN", "MODE_30W" */
    int id;             /* the nvpmodel id ("pmode:0002" is 2) */
    bool is_default;
    int online_cpus;
    int sms;            /* SMs left on by the mode's TPC power-gating mask */
    double gpu_max_mhz; /* the mode's GPU clock cap */
    double emc_max_mhz; /* DRAM clock cap; 0 = none (full bandwidth) */
    bool super_conf;    /* from the JetPack 6.2 "Super" nvpmodel conf, which renumbers modes */
    char source[RL_CAT_SOURCE_LEN];
} rl_power_mode;

typedef enum rl_catalog_kind {
    RL_CAT_GPU,   /* discrete GPU with its own memory */
    RL_CAT_JETSON /* integrated GPU sharing LPDDR with the CPU and OS */
} rl_catalog_kind;

typedef struct rl_catalog_entry {
    char id[32];
    char name[96];
    rl_catalog_kind kind;
    char path[512]; /* the file it came from */

    /* matching */
    int cuda_name_count, cuda_exclude_count, jetson_compatible_count, jetson_model_count;
    char cuda_names[RL_CAT_MAX_PATTERNS][RL_CAT_PATTERN_LEN];
    char cuda_exclude[RL_CAT_MAX_PATTERNS][RL_CAT_PATTERN_LEN];
    char jetson_compatible[RL_CAT_MAX_PATTERNS][RL_CAT_PATTERN_LEN];
    char jetson_models[RL_CAT_MAX_PATTERNS][RL_CAT_PATTERN_LEN];
    double jetson_memory_gb_min, jetson_memory_gb_max;

    char compute_capability[8]; /* "9.0" */
    char cc_source[RL_CAT_SOURCE_LEN];
    char memory_type[16];
    char memory_type_source[RL_CAT_SOURCE_LEN];
    rl_sourced capacity_bytes, bus_width_bits, bandwidth_byte_per_s, os_reserve_bytes;
    rl_sourced sms, boost_clock_mhz, tensor_clock_mhz, l2_bytes;

    /* FLOP/s (int8: OP/s). dense[RL_PREC_FP64] is the fastest dense fp64
     * unit: the fp64 tensor-core figure where the entry has one (DGEMM runs
     * on it), else the vector figure, which is kept in fp64_vector. */
    rl_sourced dense[RL_PREC_COUNT];
    rl_sourced fp64_vector, fp64_tensor;
    rl_sourced sparse[RL_PREC_COUNT]; /* display only, never a roof */
    rl_sourced per_sm_per_clock[RL_PREC_COUNT]; /* Jetson: tensor FLOP per clock per SM */
    /* SIMT pipes: FMA results per clock per SM (the CUDA Programming
     * Guide's arithmetic-instruction throughput table; fp16/bf16 count
     * both halves of a half2/bfloat162 FMA), for fp64, fp32, fp16, bf16.
     * The SIMT peak is SMs x rate x 2 FLOP x clock. */
    rl_sourced simt_fma_per_sm_per_clock[RL_PREC_COUNT];
    /* Special-function unit: results (exp2, rcp, tanh ...) per clock per SM. */
    rl_sourced mufu_per_sm_per_clock;

    int mode_count;
    rl_power_mode modes[RL_CAT_MAX_MODES];
    char notes[512];

    int source_count;
    rl_cat_source sources[RL_CAT_MAX_SOURCES];
} rl_catalog_entry;

typedef struct rl_catalog {
    int count;
    rl_catalog_entry *entries; /* sorted by id */
} rl_catalog;

/* The data folder (holding devices/catalog/ and model/configs/), found in
 * this order: $ROOFLAB_DATA_DIR; the source tree the binary was built from
 * (ROOFLAB_SOURCE_DIR); next to the executable: <exe>/../share/rooflab, then
 * <exe>/.. (a build folder inside the source tree). */
rl_status rl_data_dir(char *out, size_t len, rl_err *err);

/* <data dir>/<relative>. */
rl_status rl_data_path(const char *relative, char *out, size_t len, rl_err *err);

/* A model config: a path (contains '/' or ends in ".json") as given, else
 * <data dir>/model/configs/<name>.json; an unknown name fails listing the
 * shipped names. */
rl_status rl_model_config_path(const char *name_or_path, char *out, size_t len, rl_err *err);

/* Parse one entry; `origin` names the file in messages. */
rl_status rl_catalog_parse_entry(const char *text, size_t len, const char *origin,
                                 rl_catalog_entry *e, rl_err *err);

/* Load every *.json of a folder / of <data dir>/devices/catalog. */
rl_status rl_catalog_load_dir(const char *dir, rl_catalog *cat, rl_err *err);
rl_status rl_catalog_load(rl_catalog *cat, rl_err *err);
void rl_catalog_free(rl_catalog *cat);

/* Lookups; NULL when nothing matches. rl_catalog_get fails with a one-line
 * message listing the known ids. */
const rl_catalog_entry *rl_catalog_find(const rl_catalog *cat, const char *id);
rl_status rl_catalog_get(const rl_catalog *cat, const char *id, const rl_catalog_entry **out,
                         rl_err *err);
/* A CUDA device name ("NVIDIA H100 80GB HBM3"): case-insensitive substring
 * match on the entry's cuda_names, none of its exclusions present. */
const rl_catalog_entry *rl_catalog_match_cuda(const rl_catalog *cat, const char *name);
/* A Jetson: by device-tree compatible module id (p3767-0000 ...), else by
 * device-tree model text and total memory. */
const rl_catalog_entry *rl_catalog_match_jetson(const rl_catalog *cat, const char *model,
                                                const char *compatible, uint64_t mem_bytes);

/* Power modes: by name (case-insensitive, "MODE_" prefix optional; a
 * "@super" suffix picks the Super conf's mode of that name, else the
 * original conf's comes first) or by numeric id. NULL name = the default
 * mode. Entries without modes fail. */
rl_status rl_catalog_find_mode(const rl_catalog_entry *e, const char *name_or_id,
                               const rl_power_mode **out, rl_err *err);
/* A device named with its mode, "ID@MODE" (MODE may carry its own
 * "@super", as in orin-nano-8gb@25W@super): split in place at the first
 * '@', *mode = MODE, or NULL when there is none. "ID@" fails. */
rl_status rl_catalog_split_device(char *spec, const char **mode, rl_err *err);
/* A mode as rl_catalog_find_mode takes it back: "15W", or "15W@super" for a
 * mode of the Super conf. Returns buf. */
const char *rl_power_mode_key(const rl_power_mode *m, char *buf, size_t len);
/* One device argument and --power-mode (NULL if not given) as the commands
 * take them: the ID copied into id (len bytes), the mode from ID@MODE or
 * --power-mode (NULL: neither); both at once fail. *mode points into id or
 * at power_mode. */
rl_status rl_catalog_device_arg(const char *arg, const char *power_mode, char *id, size_t len,
                                const char **mode, rl_err *err);
const rl_power_mode *rl_catalog_mode_by_id(const rl_catalog_entry *e, int id);

/* The roofline machine of an entry: dense peaks, the peak of each unit
 * (tensor, SIMT, special-function) and main-memory bandwidth.
 * For a Jetson, `mode` selects the power mode (NULL = the default mode) and
 * the peaks are per_sm_per_clock x mode SMs x mode GPU clock; sources are
 * written into peak_source (may be NULL) per precision, and the units'
 * sources into the machine. SIMT and special-function peaks are derived
 * from the per-SM rates (SMs x rate x clock: the boost clock of a GPU, the
 * mode's cap on a Jetson), so every mode gets them. For a GPU, mode must be
 * NULL. */
rl_status rl_catalog_machine(const rl_catalog_entry *e, const rl_power_mode *mode,
                             rl_machine *m, char (*peak_source)[RL_CAT_SOURCE_LEN],
                             rl_err *err);

/* The source a key names; NULL when the entry does not list it. */
const rl_cat_source *rl_catalog_source(const rl_catalog_entry *e, const char *key);

/* Bandwidth under a mode: min(nameplate, 2 x EMC cap x bus width / 8). */
double rl_catalog_mode_bandwidth(const rl_catalog_entry *e, const rl_power_mode *mode);

#endif
