/* rooflab harness: the output folder of a run. It is locked for the run
 * (flock on DIR/.rooflab.lock, so two runs never write one folder), checked
 * writable without touching what is there, and a results set already in it
 * is only replaced by one that holds at least as much: while this run has
 * finished fewer cases than the file it found, its files go to
 * DIR/partial-<date>-<pid>/ instead, and move to DIR once they hold as many
 * or the run completes. */
#ifndef RL_RUN_OUTPUT_H
#define RL_RUN_OUTPUT_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "report/rl_results.h"

typedef struct rl_run_output {
    char dir[PATH_MAX];     /* the output folder */
    char side[PATH_MAX + 64];    /* DIR/partial-<date>-<pid>, while this run holds less */
    char written[PATH_MAX + 64]; /* where the last write went ("" before the first) */
    int lock_fd;
    /* Cases in the results.json found at the start (SIZE_MAX: a file there
     * that is not readable as results, replaced only by a complete run). */
    size_t existing_cases;
} rl_run_output;

/* Create and lock dir, check that files can be created in it, remove the
 * temporary files a killed run left. Another run holding the lock: refuse
 * naming its pid, or with wait_lock wait for it (a signal setting *stop
 * ends the wait with RL_ERR_INTERRUPTED). */
rl_status rl_run_output_open(rl_run_output *out, const char *dir, bool wait_lock,
                             const volatile sig_atomic_t *stop, rl_err *err);

/* Write results.json, results.csv, roofline.svg and report.html of r, into
 * DIR or the side folder as above. */
rl_status rl_run_output_write(rl_run_output *out, const rl_results *r, rl_err *err);

/* Release the lock (the lock file stays: removing it would race a waiter). */
void rl_run_output_close(rl_run_output *out);

#endif
