/* rooflab report: the spread of a merge across devices as a strip chart.
 *
 * One row per case, one dot per device at its rate over the case's median
 * across devices (x, linear); a solid line at the median (1.0) and a dashed
 * one at RL_MERGE_SLOW_FRACTION. Dots below it are red and name their
 * device; every dot's numbers are in its <title> (hover text). A case only
 * one device ran has no spread and says so, as does one that ran nowhere.
 * Dots past the axis's right end (at most 5x the median) sit on the edge as
 * a triangle. A name too long for the left margin keeps its start and end.
 *
 * Markup tests may rely on: each dot has class "dot" (plus " slow" below
 * the threshold), the threshold line class "threshold". */
#ifndef RL_STRIP_CHART_H
#define RL_STRIP_CHART_H

#include "report/rl_compare.h"

#define RL_STRIP_WIDTH 960

/* The chart as a newly allocated SVG document (free with free()); NULL when
 * out of memory. */
char *rl_strip_chart_svg(const rl_merge *m);

#endif
