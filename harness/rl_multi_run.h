/* rooflab harness: one run on each of several devices at once (the GPUs of
 * a node), each in its own process with its own results folder, then one
 * merge of them all.
 *
 * A process per device, not a thread: Google Benchmark's registry and flags
 * are process-wide, and a process shares nothing with the others on the
 * timed path (no allocator, no lock, no CUDA context, no OpenMP pool), so
 * one device's crash or hang cannot take another's results with it. Each
 * child is `PROGRAM run ARGS... --device DEV --out ROOT/LABEL` (the last
 * --device and --out win), writes its progress to ROOT/LABEL.log, and pins
 * its host thread near its GPU itself (rl_run_model_bind_host).
 *
 * SIGINT, SIGTERM and SIGHUP reaching this process are passed on, once, to
 * every child (each in its own process group, so a terminal's Ctrl-C
 * reaches them once); each keeps the cases it finished, as a one-device
 * run does. */
#ifndef RL_MULTI_RUN_H
#define RL_MULTI_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "rl/status.h"

typedef struct rl_multi_device {
    char device[32]; /* --device of its run: "cuda:2" (or "cpu" in a test) */
    char label[32];  /* its folder under root: "cuda2"; unique in the set */
    /* filled by rl_multi_run */
    pid_t pid;
    double start_s, end_s; /* CLOCK_MONOTONIC at spawn and when reaped */
    int exit_code;         /* the run's exit code; 128 + N when killed by signal N */
    bool has_results;      /* ROOT/LABEL/results.json was there to merge */
    char last_line[256];   /* the last line of its log: why it failed */
} rl_multi_device;

typedef struct rl_multi_spec {
    const char *program;  /* the rooflab binary ("/proc/self/exe" for the CLI) */
    char *const *args;    /* `run`'s own arguments (after "run"), passed to every child */
    int arg_count;
    const char *root;     /* ROOT: holds LABEL/, LABEL.log and merged/ */
    bool wait_lock;       /* queue behind another run of ROOT instead of refusing */
    /* Set by the caller's signal handler; passed on to the children. */
    const volatile sig_atomic_t *stop;
} rl_multi_spec;

/* Run every device at once, wait for all, merge the results each left
 * (complete or partial) into ROOT/merged/ and say on stderr, one line per
 * device, how each ended. Returns the exit code: 0 when every run exited 0,
 * 128 + the signal when stopped, else 2 when a run was refused or crashed,
 * else 1 (some case failed). err says why when the set could not start or
 * the merge failed (then 2). */
int rl_multi_run(const rl_multi_spec *spec, rl_multi_device *devices, size_t count,
                 rl_err *err);

#endif
