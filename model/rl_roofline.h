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
typedef struct rl_machine {
    double peak_flop_per_s[RL_PREC_COUNT];
    int mem_count;
    rl_mem_level mem[RL_MAX_MEM_LEVELS];
} rl_machine;

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

/* MFU = achieved (or predicted) FLOP/s / dense peak of that precision.
 * 0 when the peak is unknown. */
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
    double peak_flop_per_s;       /* dense peak at the case's precision */
    double byte_per_s;            /* main-memory bandwidth */
    double ridge;                 /* FLOP/byte */
    rl_bound bound;
    double attainable_flop_per_s; /* min(peak, intensity x bandwidth) */
    double predicted_time_s;      /* max(flops / peak, bytes / bandwidth) */
    double mfu;                   /* attainable / peak */
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
