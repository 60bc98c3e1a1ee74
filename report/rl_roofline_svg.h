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

/* The fixed colour of an op in every picture and table ("#1f77b4"). */
const char *rl_op_color(rl_op op);

#endif
