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
#define RL_PREDICT_MAX_CASES 4096

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

/* The names of a comma-separated list (at most max); empty names fail. */
rl_status rl_predict_split_list(const char *list, const char *what, char (*names)[128],
                                size_t max, size_t *n, rl_err *err);
/* The devices of the --device options ("h100-sxm5,orin-nx-16gb@MAXN"): each
 * ID from the catalog, @MODE (or power_mode, for every Jetson without one;
 * a Jetson's default mode otherwise) its power mode; listed twice, unknown,
 * or more than RL_PREDICT_MAX_DEVICES fail. Fills s->targets. */
rl_status rl_predict_resolve(const char *const *device_args, size_t nargs, const char *power_mode,
                             const rl_catalog *cat, rl_predict_set *s, rl_err *err);
/* Every device x precision x shape, in that order, predicted. A device and
 * precision no backend runs (or without a peak for its unit) is refused with
 * all its shapes, unless hypothetical (then the cases are marked). */
rl_status rl_predict_plan(rl_predict_set *s, rl_op op, const rl_precision *precs, size_t np,
                          const rl_shape *shapes, size_t ns, bool hypothetical, rl_err *err);
void rl_predict_set_free(rl_predict_set *s);

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
