/* rooflab harness: new ceilings against the ones they replace. A machine
 * that is throttled or shared for the whole of a `rooflab ceilings` run
 * measures roofs well below its own; stored, they would make every later
 * run's share of its roof read too high. So a ceiling that fell far below
 * the stored one is measured again and, if still low, named on stderr and
 * in its stored source. */
#ifndef RL_CEILINGS_DRIFT_H
#define RL_CEILINGS_DRIFT_H

#include <stdbool.h>
#include <stdio.h>

#include "harness/rl_ceilings.h"

/* A new ceiling below this share of the stored one has fallen. Run to run,
 * the DRAM roof of the 2-vCPU development VM spread over 0.8-1.0x of its
 * best, and the slow state that VM enters for minutes halves the FMA peak
 * (0.52x); 0.7 lies clear of both. */
#define RL_CEILINGS_DROP_RATIO 0.7

/* One ceiling that fell: where it is in the new set, and both figures. */
typedef struct rl_ceiling_drop {
    bool memory;
    int index; /* in the new set's memory or compute roofs */
    double now, before;
} rl_ceiling_drop;

/* The ceilings of `now` below ratio x the same ceiling of `before` (same
 * kind, name and unit; the first of that name counts). A ceiling that
 * `before` lacks is not compared. Returns how many, at most max. */
int rl_ceilings_find_drops(const rl_roof_set *now, const rl_roof_set *before, double ratio,
                           rl_ceiling_drop *drops, int max);

/* The thread count the memory roofs' sources name ("(N threads)"), 0 when
 * none does (a GPU, or a file written by hand). */
int rl_ceilings_source_threads(const rl_roof_set *set);

/* Append "; 0.52x the 218.3 GFLOP/s of DATE" (the stored figure and its
 * date; no date when empty) to the roof's source, shortening the source's
 * own words when both do not fit, so the note always survives. */
void rl_ceilings_note_drop(rl_roof *roof, bool memory, double before, const char *before_date);

/* The ceilings stored at path, to compare the new ones `now` with. False
 * when there are none (nothing said), and false with one line on `log` when
 * they cannot be read or belong to another host or device: the run then
 * goes on as a first one. */
bool rl_ceilings_load_previous(const char *path, const rl_ceilings_record *now,
                               rl_ceilings_record *before, FILE *log);

/* Compare the new ceilings with the stored ones, measure each that fell
 * once more (rl_ceilings_remeasure), and for each still below the ratio
 * print a warning line on `log` and note the drop in its source. Returns how
 * many were still low in *fallen. Ceilings measured with another thread
 * count than the stored ones are not compared (one line says so). */
rl_status rl_ceilings_check_drops(rl_backend *be, const rl_cpu_info *cpu,
                                  const rl_ceilings_options *opts,
                                  const rl_ceilings_record *before, rl_ceilings_record *now,
                                  FILE *log, int *fallen, rl_err *err);

#endif
