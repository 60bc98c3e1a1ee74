/* rooflab report: each fused kernel beside its unfused chain, measured.
 *
 * Pairs are found in the results, whatever the suite: an unfused chain's case
 * and the case of its fused op (rl_op_fused_partner) with the same precision,
 * backend and shape. The measured gain is the chain's median time over the
 * fused kernel's; the predicted gain is the same ratio of the model's
 * predicted times (the byte ratio when both are memory-bound). A measured
 * gain below 1, or below half the predicted one, is flagged with the causes
 * the recorded facts support. */
#ifndef RL_FUSION_H
#define RL_FUSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report/rl_results.h"

/* A case is "noisy" above this coefficient of variation of its samples. */
#define RL_NOISY_CV 0.10

typedef struct rl_fusion_pair {
    const rl_case_result *fused, *unfused;
    double measured_gain;  /* unfused median / fused median */
    double predicted_gain; /* unfused predicted time / fused predicted time; NAN if unknown */
    double byte_ratio;     /* unfused bytes / fused bytes, from the model's accounting */
    double gain_ratio;     /* measured / predicted gain; NAN if unknown */
    bool flagged;
    char flag[64];   /* "unfused chain faster", "below half the predicted gain" */
    char cause[400]; /* the likely causes, "; "-separated; "" when not flagged */
} rl_fusion_pair;

/* The pairs of r, in the order of the unfused cases; *count = 0 and NULL
 * when there are none (or no memory). Free with free(). */
rl_fusion_pair *rl_fusion_pairs(const rl_results *r, size_t *count);

/* The pair whose unfused case is c; false when c is not in one. */
bool rl_fusion_pair_of(const rl_results *r, const rl_case_result *c, rl_fusion_pair *out);

/* The largest cache the measured data passes through, in bytes: the
 * backend's (results "device_cache_bytes"), else the CPU's last level; 0
 * when unknown. */
double rl_results_cache_bytes(const rl_results *r);

/* The fusion table for the terminal (nothing when there are no pairs). */
void rl_fusion_print(const rl_results *r, FILE *out);

/* The fusion section of report.html (nothing when there are no pairs);
 * b is an rl_sbuf. */
void rl_fusion_table_html(void *b, const rl_results *r);

/* "fusion": [...] for results.json (cJSON *parent; no member without pairs). */
void rl_fusion_add_json(void *parent, const rl_results *r);

#endif
