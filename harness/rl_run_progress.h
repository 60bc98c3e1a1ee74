/* The progress line of `rooflab run`: cases done of the total and an
 * estimate of the time left, on stderr. */
#ifndef RL_RUN_PROGRESS_H
#define RL_RUN_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>

typedef struct rl_run_progress {
    FILE *out;
    size_t total;
    bool redraw;    /* a terminal: one line rewritten in place; else one line per case */
    bool open_line; /* a redrawn line is showing and has no newline yet */
    double start_s; /* monotonic clock when the run's first case began */
} rl_run_progress;

void rl_run_progress_start(rl_run_progress *p, FILE *out, size_t total);

/* Case `index` (0-based) called `name` begins: print the line. */
void rl_run_progress_case(rl_run_progress *p, size_t index, const char *name);

/* End a redrawn line so other messages start on their own line. */
void rl_run_progress_break(rl_run_progress *p);

/* Seconds left when `done` of `total` cases took `elapsed_s`; negative
 * when nothing is done yet and so nothing can be estimated. */
double rl_run_progress_eta(size_t done, size_t total, double elapsed_s);

#endif
