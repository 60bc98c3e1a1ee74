/* rooflab report: the pictures and the page written next to results.json.
 *
 *   roofline.svg  the roofline (rl_roofline_svg.h)
 *   report.html   one self-contained page: the run, the SVG inline, both
 *                 ceiling sets with their sources, and the predicted-vs-
 *                 measured table of every case, sortable by column (a few
 *                 lines of inline JavaScript; nothing is fetched). */
#ifndef RL_REPORT_H
#define RL_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "report/rl_results.h"
#include "rl/status.h"

/* Write DIR/roofline.svg and DIR/report.html (atomically; DIR must exist).
 * `rooflab run` calls this after results.json; `rooflab report` too. */
rl_status rl_report_write_all(const rl_results *r, const char *dir, rl_err *err);

/* The page as a newly allocated string (free with free()); NULL when out of memory. */
char *rl_report_html_string(const rl_results *r);
rl_status rl_report_html_write(const rl_results *r, const char *path, rl_err *err);

/* The page's head (its style) and tail (the sortable tables' script), for
 * other pages built of the same pieces. */
struct rl_sbuf;
void rl_report_html_open(struct rl_sbuf *b, const char *title);
void rl_report_html_close(struct rl_sbuf *b);

/* measured / predicted rate of a case (= predicted time / measured time);
 * NAN without a prediction or a measurement. */
double rl_case_ratio(const rl_case_result *c);

/* A one-line explanation for a case that reached less than half its
 * prediction ("memory-bound at 0.8 FLOP/B: ..."), grounded in what r
 * recorded (launch overhead, the fused twin's gain, the BLAS core type and
 * OPENBLAS_* overrides; r may be NULL); false (and buf empty) when there
 * is nothing to explain. */
bool rl_case_why(const rl_results *r, const rl_case_result *c, char *buf, size_t len);

#endif
