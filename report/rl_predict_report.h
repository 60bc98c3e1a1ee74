/* rooflab report: the files of `rooflab predict --out DIR`.
 *
 *   roofline.svg      every device's roofs and the predicted cases
 *                     (rl_prediction_svg_string)
 *   report.html       one self-contained page: the devices and their roofs
 *                     with sources, the picture, and the sortable table of
 *                     every prediction (the pieces of report.html)
 *   predictions.json  the predictions as `rooflab predict --json` prints
 *                     them for several cases (given as text)
 *
 * Each file is written atomically (temp + rename). */
#ifndef RL_PREDICT_REPORT_H
#define RL_PREDICT_REPORT_H

#include "report/rl_roofline_svg.h"
#include "rl/status.h"

char *rl_predict_report_html_string(const rl_prediction_plot *pl);
rl_status rl_predict_report_write(const rl_prediction_plot *pl, const char *predictions_json,
                                  const char *dir, rl_err *err);

#endif
