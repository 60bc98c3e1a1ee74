/* rooflab report: the roofline picture as SVG.
 *
 * Log-log axes (x: arithmetic intensity in FLOP/B, y: FLOP/s with SI
 * prefixes), ranges chosen from the roofs and the points. Datasheet roofs
 * are solid, measured roofs dashed; each memory roof is a diagonal up to the
 * highest compute roof of its set, each compute roof a horizontal from where
 * the highest memory roof of its set reaches it; ridge points are marked.
 * Each case that ran is a filled marker at (intensity, measured FLOP/s),
 * coloured by op and shaped by precision, joined by a thin line to its
 * hollow predicted marker; its numbers are in an SVG <title> (hover text).
 * At most RL_SVG_MAX_POINT_LABELS points carry a label (the largest gaps to
 * the prediction, one per op, placed where they overlap nothing).
 * Ops that do no FLOPs (copy) have no place on a FLOP/s axis: they are drawn
 * on a separate bandwidth strip against the memory roofs. Failed and
 * unsupported cases are not plotted (the HTML table lists them).
 *
 * Markup conventions that tests and scripts may rely on: every plotted
 * measured marker has class "m" (class "m bw" on the bandwidth strip), every
 * predicted (or compare-B) marker class "p" ("p bw"), every point label
 * class "pt-label", every case group class "case" with a <title>. */
#ifndef RL_ROOFLINE_SVG_H
#define RL_ROOFLINE_SVG_H

#include "report/rl_results.h"
#include "rl/status.h"

#define RL_SVG_WIDTH 960
#define RL_SVG_HEIGHT 640
#define RL_SVG_MAX_POINT_LABELS 8

/* The roofline of one run as a newly allocated SVG document (free with
 * free()); NULL when out of memory. */
char *rl_roofline_svg_string(const rl_results *r);
/* The same, written atomically to path. */
rl_status rl_roofline_svg_write(const rl_results *r, const char *path, rl_err *err);

/* Two runs on one roofline: cases matched by name, A's point filled, B's
 * hollow, joined by a line; A's roofs, and B's where they differ. label_a
 * and label_b name the runs in the legend (NULL: their host names). */
char *rl_compare_svg_string(const rl_results *a, const rl_results *b, const char *label_a,
                            const char *label_b);
rl_status rl_compare_svg_write(const rl_results *a, const rl_results *b, const char *label_a,
                               const char *label_b, const char *path, rl_err *err);

/* Predictions without a run (rooflab predict --out): every device's roofs,
 * labelled by device, on one chart; each predicted case a filled marker in
 * its device's colour, shaped by precision, labelled by its shape where
 * there is room, its numbers in a <title>; ridge points marked and the
 * memory- and compute-bound regions shaded. Every number comes from the
 * model (rl_predict_case): nothing is recounted here. */
typedef struct rl_predicted_device {
    char label[96];   /* "h100-sxm5", "orin-nx-16gb@MAXN" */
    rl_roof_set roofs; /* main memory and the compute roofs the cases are judged on */
} rl_predicted_device;

typedef struct rl_predicted_point {
    size_t device; /* index into the devices */
    rl_op op;
    rl_precision precision;
    rl_shape shape;
    double flops, bytes, intensity;
    double ridge;                 /* of the case's roof against main memory */
    double attainable_flop_per_s;
    double time_s;
    double mfu;
    char bound[16];   /* "memory", "compute" */
    char roof[24];    /* "fp16 tensor" */
    char binding[24]; /* "HBM3", "fp16 tensor", "mufu" */
    bool hypothetical;
} rl_predicted_point;

typedef struct rl_prediction_plot {
    char title[300];
    char subtitle[600];
    const rl_predicted_device *devices;
    size_t device_count;
    const rl_predicted_point *points;
    size_t count;
    int refused;              /* cases not predicted (no backend runs them ...), not drawn */
    const char *const *refusals; /* one line per refused series, refusal_count of them */
    size_t refusal_count;
} rl_prediction_plot;

char *rl_prediction_svg_string(const rl_prediction_plot *pl);
rl_status rl_prediction_svg_write(const rl_prediction_plot *pl, const char *path, rl_err *err);
/* The colour of device i's roofs and points. */
const char *rl_device_color(size_t i);
/* "1024³", "4096×4096", "n=1048576": the shape as a point's label. */
void rl_shape_label(rl_op op, const rl_shape *s, char *buf, size_t len);

/* The fixed colour of an op in every picture and table ("#1f77b4"). */
const char *rl_op_color(rl_op op);

#endif
