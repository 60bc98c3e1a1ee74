/* rooflab model: the roofline. Pure functions of a machine description (its
 * dense peak per precision and its memory bandwidths) and the op accounting
 * of rl_ops.h, which is never recounted here.
 *
 * Units: FLOP/s, byte/s, FLOP/byte, seconds. A peak or bandwidth of 0 means
 * "unknown or not supported"; functions that need it fail with a message. */
#ifndef RL_ROOFLINE_H
#define RL_ROOFLINE_H

#include <stdbool.h>

#include "model/rl_ops.h"
#include "rl/status.h"

#define RL_MAX_MEM_LEVELS 6

/* One memory roof: "HBM3", "LPDDR5", "DRAM", "L2" ... */
typedef struct rl_mem_level {
    char name[24];
    double byte_per_s;
} rl_mem_level;

/* What the roofline needs to know about a machine. Peaks are dense figures
 * (no 2:4 structured sparsity); sparse figures never enter a roof.
 * mem[0] is the main memory (the roof every prediction uses); further levels
 * (caches) are optional and only shift ridge points. */
#define RL_ROOF_SOURCE_LEN 256

/* peak_flop_per_s is the datasheet's dense peak of a precision, whatever
 * unit reaches it (tensor cores where there are some; fp32 and, without
 * DMMA, fp64 on the SIMT pipes): the number people quote, shown in ridge
 * tables. Predictions judge each op against the unit it runs on
 * (rl_op_execution): tensor_flop_per_s, simt_flop_per_s (fp64, fp32, fp16
 * as half2, bf16 as bfloat162) and the special-function unit's rate. 0 =
 * unknown or absent; the *_source texts say where each number comes from. */
typedef struct rl_machine {
    double peak_flop_per_s[RL_PREC_COUNT];
    double tensor_flop_per_s[RL_PREC_COUNT];
    double simt_flop_per_s[RL_PREC_COUNT];
    double mufu_op_per_s; /* special-function results per second */
    char simt_name[8];    /* "simt" (GPU) or "simd" (CPU); "" reads as "simt" */
    char tensor_source[RL_PREC_COUNT][RL_ROOF_SOURCE_LEN];
    char simt_source[RL_PREC_COUNT][RL_ROOF_SOURCE_LEN];
    char mufu_source[RL_ROOF_SOURCE_LEN];
    int mem_count;
    rl_mem_level mem[RL_MAX_MEM_LEVELS];
} rl_machine;

/* The compute roof an op at a precision is judged against: the unit of
 * rl_op_execution at its arithmetic precision. GEMM at fp64 falls back to
 * the SIMT fp64 pipes when the machine has no fp64 tensor peak. */
typedef struct rl_compute_roof {
    rl_unit unit;
    rl_precision arith;
    double flop_per_s;
    char name[24];       /* "fp16 simt", "fp16 tensor", "fp32 simd" */
    const char *source;  /* points into the machine */
} rl_compute_roof;

/* Fails (RL_ERR_UNSUPPORTED, naming the roof) when the machine has no peak
 * for that unit and precision. */
rl_status rl_machine_compute_roof(const rl_machine *m, rl_op op, rl_precision p,
                                  rl_compute_roof *out, rl_err *err);

/* The special-function ceiling of an exp-heavy op drawn on a FLOP/s axis:
 * MUFU rate x the op's FLOPs per transcendental (softmax: 5 FLOP per exp).
 * 0 when the op has no transcendentals or the rate is unknown. */
double rl_mufu_ceiling_flop_per_s(const rl_machine *m, rl_op op);

typedef enum rl_bound {
    RL_BOUND_MEMORY,
    RL_BOUND_COMPUTE
} rl_bound;

const char *rl_bound_name(rl_bound b); /* "memory", "compute" */

/* Ridge point = peak / bandwidth, in FLOP/byte: the intensity at which the
 * memory roof meets the compute roof. 0 when either is unknown. */
double rl_ridge(double peak_flop_per_s, double byte_per_s);

/* Attainable rate for an intensity: min(peak, intensity x bandwidth). */
double rl_attainable(double peak_flop_per_s, double byte_per_s, double intensity);

/* The roof that limits a case of this intensity: memory below the ridge,
 * compute at or above it. */
rl_bound rl_binding_roof(double peak_flop_per_s, double byte_per_s, double intensity);

/* MFU = achieved (or predicted) FLOP/s / the dense peak of the op's roof
 * (for GEMM the tensor peak people quote). 0 when the peak is unknown. */
double rl_mfu(double flop_per_s, double dense_peak_flop_per_s);

/* Ridge of one precision against memory level `level` (0 = main memory).
 * Fails when the peak or bandwidth is unknown. */
rl_status rl_machine_ridge(const rl_machine *m, rl_precision p, int level, double *ridge,
                           rl_err *err);

/* The roofline prediction for one case against main memory. */
typedef struct rl_case_prediction {
    double flops;                 /* rl_op_flops */
    double bytes;                 /* rl_op_bytes */
    double intensity;             /* flops / bytes, FLOP/byte */
    rl_compute_roof roof;         /* the unit the op runs on, at its arithmetic precision */
    double peak_flop_per_s;       /* that roof's rate (dense) */
    double byte_per_s;            /* main-memory bandwidth */
    double ridge;                 /* peak / bandwidth, FLOP/byte */
    double transcendentals;       /* rl_op_transcendentals */
    double mufu_op_per_s;         /* special-function rate; 0 = unknown or not needed */
    rl_bound bound;               /* compute when the roof or the special-function unit limits */
    char binding_roof[24];        /* "HBM3", "fp16 simt", "mufu" */
    double attainable_flop_per_s; /* flops / time: min(peak, I x bandwidth, MUFU ceiling) */
    double predicted_time_s;      /* max(flops / peak, transcendentals / MUFU rate, bytes / bw) */
    double mfu;                   /* attainable / peak of the op's roof */
} rl_case_prediction;

rl_status rl_predict_case(const rl_machine *m, rl_op op, rl_precision p, const rl_shape *shape,
                          rl_case_prediction *out, rl_err *err);

/* Fusion gain of a fused op over its unfused chain (either op may be named;
 * the other is found through rl_op_fused_partner). Both predictions are
 * made with the same shape; when both are memory-bound the predicted speedup
 * is exactly the byte ratio unfused / fused. */
typedef struct rl_fusion_prediction {
    rl_op fused, unfused;
    double fused_bytes, unfused_bytes;
    double byte_ratio; /* unfused_bytes / fused_bytes */
    double fused_time_s, unfused_time_s;
    double speedup; /* unfused_time_s / fused_time_s */
    bool memory_bound; /* both memory-bound: speedup == byte_ratio */
} rl_fusion_prediction;

/* Whether an op has a fused/unfused partner. */
bool rl_op_has_fusion_pair(rl_op op);

rl_status rl_predict_fusion(const rl_machine *m, rl_op op, rl_precision p, const rl_shape *shape,
                            rl_fusion_prediction *out, rl_err *err);

#endif
