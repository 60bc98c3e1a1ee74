/* rooflab predict: the cases of one command (every device, precision and
 * shape asked for), their predictions from the model, and what prints and
 * writes them when there are several. */
#ifndef RL_PREDICT_CASES_H
#define RL_PREDICT_CASES_H

#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "devices/rl_catalog.h"
#include "model/rl_roofline.h"

/* Devices (with their modes) one command may list: each gets its own colour
 * and dash on the chart. */
#define RL_PREDICT_MAX_DEVICES 8

/* One device in one power mode: "orin-nx-16gb@MAXN". */
typedef struct rl_predict_target {
    const rl_catalog_entry *e;
    const rl_power_mode *mode; /* NULL: a GPU without modes */
    char label[96];
    rl_machine m;
    char src[RL_PREC_COUNT][RL_CAT_SOURCE_LEN];
    int cc_major, cc_minor;
} rl_predict_target;

typedef struct rl_predict_item {
    size_t target;
    rl_op op;
    rl_precision p;
    rl_shape shape;
    bool hypothetical; /* no backend runs it (predicted under --hypothetical) */
    char why[200];     /* why not */
    rl_case_prediction r;
} rl_predict_item;

/* A device, op and precision not predicted (no backend runs it, or the
 * catalog has no peak for its unit): every shape of it. */
typedef struct rl_predict_refusal {
    size_t target;
    rl_op op;
    rl_precision p;
    char reason[300];
} rl_predict_refusal;

typedef struct rl_predict_set {
    rl_predict_target *targets;
    size_t target_count;
    rl_predict_item *cases;
    size_t count;
    rl_predict_refusal *refusals;
    size_t refusal_count;
    size_t refused_cases;
} rl_predict_set;

/* One prediction as the JSON object `predict --json` prints for one case. */
cJSON *rl_predict_case_json(const rl_predict_target *t, const rl_predict_item *c);
/* Every prediction: {"schema": "rooflab.predictions/1", "devices", "predictions", "refused"};
 * NULL when out of memory. */
char *rl_predict_set_json(const rl_predict_set *s);
/* The table of every case and, per device and precision, which shapes are
 * below the ridge; false when the output cannot be written. */
bool rl_predict_print_table(FILE *out, const rl_predict_set *s);
/* DIR/roofline.svg, DIR/report.html and DIR/predictions.json, atomically;
 * DIR is created when missing. */
rl_status rl_predict_write_out(const rl_predict_set *s, const char *dir, rl_err *err);

#endif
