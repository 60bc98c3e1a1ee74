/* One run per device, at once, each in its own process; then the merge. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* prctl's PR_SET_PDEATHSIG needs nothing more; setpgid */
#endif
#include "harness/rl_multi_run.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/rl_run_output.h"
#include "report/rl_json_read.h"
#include "report/rl_merge_files.h"
#include "report/rl_results.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static rl_status check_labels(const rl_multi_device *d, size_t count, rl_err *err)
{
    for (size_t i = 0; i < count; i++) {
        if (!d[i].label[0] || strchr(d[i].label, '/') || d[i].label[0] == '.')
            return rl_fail(err, RL_ERR_INVALID, "device %zu has no usable folder name", i);
        for (size_t k = 0; k < i; k++)
            if (strcmp(d[i].label, d[k].label) == 0)
                return rl_fail(err, RL_ERR_INVALID,
                               "two devices would write into one folder (%s)", d[i].label);
    }
    return RL_OK;
}

/* The child: its own process group (so a terminal's Ctrl-C reaches it once,
 * through us), killed with us, its output into its log, then the run. */
static void exec_child(const rl_multi_spec *spec, const rl_multi_device *d, int out_fd,
                       int log_fd, char **argv)
{
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() == 1)
        _exit(128 + SIGTERM); /* the parent is already gone */
    dup2(out_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    /* The parent's handlers do not survive exec; its mask would. */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execv(spec->program, argv);
    /* Between fork and exec only async-signal-safe calls: write, not stdio. */
    static const char msg[] = "rooflab run: cannot start the run for this device (exec failed)\n";
    (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)d;
    _exit(2);
}

static rl_status spawn(const rl_multi_spec *spec, rl_multi_device *d, size_t runs, rl_err *err)
{
    char out[PATH_MAX], log[PATH_MAX], text[PATH_MAX];
    if (snprintf(out, sizeof out, "%s/%s", spec->root, d->label) >= (int)sizeof out ||
        snprintf(log, sizeof log, "%s/%s.log", spec->root, d->label) >= (int)sizeof log ||
        snprintf(text, sizeof text, "%s/%s.out", spec->root, d->label) >= (int)sizeof text)
        return rl_fail(err, RL_ERR_INVALID, "output folder path is too long");
    /* Its tables (stdout) and its progress and messages (stderr) apart: the
     * last line of the log says why a run failed. */
    const int out_fd = open(text, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out_fd < 0)
        return rl_fail(err, RL_ERR_IO, "cannot create %s: %s", text, strerror(errno));
    const int log_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd < 0) {
        close(out_fd);
        return rl_fail(err, RL_ERR_IO, "cannot create %s: %s", log, strerror(errno));
    }
    /* PROGRAM run ARGS... --device DEV --out ROOT/LABEL --host-share RUNS
     * [--wait-lock]: the last --device, --out and --host-share win over any
     * among ARGS. The runs start together, each seeing the host's memory
     * free: each counts on its share. */
    char share[24];
    snprintf(share, sizeof share, "%zu", runs);
    const int argc = spec->arg_count + 10;
    char **argv = calloc((size_t)argc, sizeof *argv);
    if (!argv) {
        close(out_fd);
        close(log_fd);
        return rl_fail(err, RL_ERR_NOMEM, "out of memory");
    }
    int k = 0;
    argv[k++] = (char *)spec->program;
    argv[k++] = "run";
    for (int i = 0; i < spec->arg_count; i++)
        argv[k++] = spec->args[i];
    argv[k++] = "--device";
    argv[k++] = d->device;
    argv[k++] = "--out";
    argv[k++] = out;
    argv[k++] = "--host-share";
    argv[k++] = share;
    if (spec->wait_lock)
        argv[k++] = "--wait-lock";
    argv[k] = NULL;
    fflush(NULL);
    d->start_s = now_s();
    const pid_t pid = fork();
    if (pid == 0) {
        /* O_CLOEXEC would close it at exec; the dup2'd copies stay. */
        exec_child(spec, d, out_fd, log_fd, argv);
    }
    const int e = errno;
    close(out_fd);
    close(log_fd);
    free(argv);
    if (pid < 0)
        return rl_fail(err, RL_ERR_IO, "cannot start the run on %s: %s", d->device, strerror(e));
    /* Also from here: the child may not have reached its own setpgid yet. */
    setpgid(pid, pid);
    d->pid = pid;
    return RL_OK;
}

/* The last non-empty line of ROOT/LABEL.log, cleaned for one line. */
static void last_log_line(const rl_multi_spec *spec, rl_multi_device *d)
{
    char path[PATH_MAX], buf[4096];
    d->last_line[0] = '\0';
    if (snprintf(path, sizeof path, "%s/%s.log", spec->root, d->label) >= (int)sizeof path)
        return;
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (size > (long)sizeof buf - 1)
        fseek(f, size - (long)sizeof buf + 1, SEEK_SET);
    else
        fseek(f, 0, SEEK_SET);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* Progress lines are redrawn with '\r': they end a line too. */
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    char *start = buf;
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\r')
            start = p + 1;
    rl_clean_text(start, d->last_line, sizeof d->last_line);
}

/* Wait for every child, passing a stop signal on to each, once. Polled
 * (every 20 ms) rather than blocked in waitpid, so a signal that lands
 * just before a wait is still passed on at once. */
static void wait_all(const rl_multi_spec *spec, rl_multi_device *d, size_t count)
{
    size_t running = 0;
    for (size_t i = 0; i < count; i++)
        running += d[i].pid > 0;
    bool passed_on = false;
    while (running > 0) {
        if (spec->stop && *spec->stop && !passed_on) {
            for (size_t i = 0; i < count; i++)
                if (d[i].pid > 0)
                    kill(d[i].pid, (int)*spec->stop);
            passed_on = true;
        }
        bool reaped = false;
        for (size_t i = 0; i < count; i++) {
            if (d[i].pid <= 0)
                continue;
            int status;
            const pid_t pid = waitpid(d[i].pid, &status, WNOHANG);
            if (pid == 0 || (pid < 0 && errno == EINTR))
                continue;
            d[i].end_s = now_s();
            if (pid < 0) /* not our child any more: nothing to learn */
                d[i].exit_code = 2;
            else
                d[i].exit_code = WIFEXITED(status)     ? WEXITSTATUS(status)
                                 : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                                       : 2;
            d[i].pid = -d[i].pid; /* reaped; the id stays readable */
            running--;
            reaped = true;
        }
        if (!reaped && running > 0) {
            const struct timespec tick = {0, 20 * 1000 * 1000};
            nanosleep(&tick, NULL);
        }
    }
}

static int worst_code(const rl_multi_device *d, size_t count, int stop)
{
    if (stop)
        return 128 + stop;
    int code = 0;
    for (size_t i = 0; i < count; i++) {
        if (d[i].exit_code == 1 && code == 0)
            code = 1;
        else if (d[i].exit_code != 0 && d[i].exit_code != 1)
            code = 2;
    }
    return code;
}

/* Every results.json the runs left, complete or not, merged. */
static rl_status merge_node(const rl_multi_spec *spec, rl_multi_device *d, size_t count,
                            size_t *merged, rl_err *err)
{
    rl_results *runs = calloc(count, sizeof *runs);
    if (!runs)
        return rl_fail(err, RL_ERR_NOMEM, "out of memory");
    size_t n = 0;
    rl_status s = RL_OK;
    for (size_t i = 0; i < count; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s/results.json", spec->root, d[i].label);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        rl_err why;
        rl_results_init(&runs[n]);
        if (rl_results_read_json(path, &runs[n], &why) != RL_OK) {
            fprintf(stderr, "rooflab run: %s: not merged: %s\n", d[i].device, why.msg);
            rl_results_free(&runs[n]);
            continue;
        }
        d[i].has_results = true;
        n++;
    }
    *merged = n;
    if (n > 0) {
        char out[PATH_MAX];
        snprintf(out, sizeof out, "%s/merged", spec->root);
        s = rl_merge_write(runs, n, out, stdout, err);
    }
    for (size_t i = 0; i < n; i++)
        rl_results_free(&runs[i]);
    free(runs);
    return s;
}

int rl_multi_run(const rl_multi_spec *spec, rl_multi_device *d, size_t count, rl_err *err)
{
    if (count == 0) {
        rl_fail(err, RL_ERR_INVALID, "no device to run on");
        return 2;
    }
    if (check_labels(d, count, err) != RL_OK)
        return 2;
    /* The node's folder, locked for this run: a second run of the node into
     * it is refused (or queued), not interleaved. Each device's own folder
     * is locked by its own run. */
    rl_run_output root;
    if (rl_run_output_open(&root, spec->root, spec->wait_lock, spec->stop, err) != RL_OK)
        return spec->stop && *spec->stop ? 128 + *spec->stop : 2;
    for (size_t i = 0; i < count; i++) {
        d[i].pid = 0;
        d[i].exit_code = -1;
        d[i].has_results = false;
        d[i].last_line[0] = '\0';
    }
    rl_status s = RL_OK;
    for (size_t i = 0; i < count && s == RL_OK; i++)
        s = spawn(spec, &d[i], count, err);
    if (s != RL_OK) {
        /* Those already started stop as if interrupted, keeping their cases. */
        for (size_t i = 0; i < count; i++)
            if (d[i].pid > 0)
                kill(d[i].pid, SIGTERM);
    }
    wait_all(spec, d, count);
    for (size_t i = 0; i < count; i++)
        if (d[i].exit_code != 0)
            last_log_line(spec, &d[i]);
    const int stop = spec->stop ? *spec->stop : 0;
    size_t merged = 0;
    rl_err merge_err = {{0}};
    const rl_status ms = merge_node(spec, d, count, &merged, &merge_err);
    for (size_t i = 0; i < count; i++) {
        if (d[i].exit_code == 0)
            fprintf(stderr, "rooflab run: %s: done, results in %s/%s\n", d[i].device, spec->root,
                    d[i].label);
        else if (d[i].exit_code < 0)
            fprintf(stderr, "rooflab run: %s: not started\n", d[i].device);
        else if (d[i].exit_code > 128)
            fprintf(stderr, "rooflab run: %s: stopped by signal %d; %s in %s/%s\n", d[i].device,
                    d[i].exit_code - 128,
                    d[i].has_results ? "the cases it finished are" : "no case finished, nothing",
                    spec->root, d[i].label);
        else
            fprintf(stderr, "rooflab run: %s: %s (exit %d)%s%s; log %s/%s.log\n", d[i].device,
                    d[i].exit_code == 1 ? "some case failed" : "failed", d[i].exit_code,
                    d[i].last_line[0] ? ": " : "", d[i].last_line, spec->root, d[i].label);
    }
    rl_run_output_close(&root);
    if (s != RL_OK)
        return 2;
    if (ms != RL_OK) {
        rl_fail(err, ms, "the merge of %s failed: %.400s", spec->root, merge_err.msg);
        return 2;
    }
    if (merged == 0) {
        rl_fail(err, RL_ERR_DEVICE, "no device left results to merge");
        return stop ? 128 + stop : 2;
    }
    printf("\nMerged %zu of %zu devices into %s/merged (report.html, spread.svg, merge.csv)\n",
           merged, count, spec->root);
    const int code = worst_code(d, count, stop);
    if (code != 0 && !stop)
        rl_fail(err, RL_ERR_DEVICE, "%s on some device; the others' results are intact",
                code == 1 ? "some case failed" : "the run failed");
    return code;
}
