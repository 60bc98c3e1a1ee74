/* rooflab report: the interactive roofline of report.html, the course lab's
 * instrument. The student picks a catalog device, its power mode, a
 * precision and an op (GEMM m x n x k, or a row op rows x cols); the page
 * redraws the roofline and the op's point, and says which roof binds, the
 * attainable rate, the predicted time and the MFU. A "predict first" mode
 * hides that verdict until the student commits an answer. The run's
 * measured points, when the page comes from a run, stay on the chart.
 *
 * One source of truth: the roofs (the compute roof each op runs on, its
 * peak, the main-memory bandwidth, the ridge, the special-function rate)
 * are derived here by the model for every catalog device, power mode and
 * precision, and embedded in the page as JSON; where `rooflab predict`
 * refuses a case, the page carries the same message instead of a roof. The
 * page's JavaScript (report/assets/roofline.js, compiled into the binary)
 * evaluates only the op accounting, mirroring model/ops.c, and the min()
 * of the roofline; tests/cli/interactive.sh holds it equal to
 * `rooflab predict --json` in Chromium. */
#ifndef RL_INTERACTIVE_H
#define RL_INTERACTIVE_H

#include "report/rl_results.h"
#include "report/rl_roofline_svg.h"
#include "report/rl_sbuf.h"
#include "rl/status.h"

/* Where the panel starts. Empty fields: the run's device where the catalog
 * knows it (else h100-sxm5), its default power mode, fp16, GEMM 512^3. */
typedef struct rl_lab_start {
    char device[64];     /* a catalog id */
    char power_mode[64]; /* "15W", "MAXN_SUPER@super" */
    char precision[16];
    bool has_case; /* op and shape below are set */
    rl_op op;
    rl_shape shape;
} rl_lab_start;

/* Append the panel (its markup, the embedded data and the script) to an
 * HTML page. `run` may be NULL (a page of predictions: no measured points);
 * `start` may be NULL. When the catalog cannot be read the panel is one
 * line saying why; nothing else fails. */
void rl_interactive_panel(rl_sbuf *b, const rl_results *run, const rl_lab_start *start);

/* The panel of a page of predictions (rooflab predict --out): it starts on
 * the first predicted case, its device, power mode and precision. */
void rl_interactive_predictions_panel(rl_sbuf *b, const rl_prediction_plot *pl);

/* The panel's data as a newly allocated JSON text (free with free()), the
 * object the page embeds: {"schema": "rooflab.lab/1", "precisions": [...],
 * "ops": [...], "messages": [...], "devices": [...], "measured": [...],
 * "start": {...}}. Fails when the catalog cannot be read. */
rl_status rl_interactive_data_json(const rl_results *run, const rl_lab_start *start,
                                   char **out, rl_err *err);

/* The embedded page assets (report/assets/, compiled in at build time). */
extern const char rl_lab_js[];
extern const char rl_lab_css[];

#endif
