/* The output folder of a run: lock, writability, and never replacing a
 * results set with one that holds less. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* flock */
#endif
#include "harness/rl_run_output.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report/rl_report.h"

static const char *const set_files[] = {"results.json", "results.csv", "roofline.svg",
                                        "report.html"};
#define SET_FILES (sizeof set_files / sizeof set_files[0])

/* The pid the holder wrote into the lock file; 0 when not (yet) there. */
static long holder_pid(int fd)
{
    char buf[32] = {0};
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    char *end;
    long pid = strtol(buf, &end, 10);
    return end != buf && pid > 0 ? pid : 0;
}

static rl_status take_lock(rl_run_output *out, bool wait_lock, const volatile sig_atomic_t *stop,
                           rl_err *err)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/.rooflab.lock", out->dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return rl_fail(err, RL_ERR_IO, "cannot open the lock file %s: %s", path, strerror(errno));
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            int e = errno;
            close(fd);
            return rl_fail(err, RL_ERR_IO, "cannot lock %s: %s", path, strerror(e));
        }
        const long pid = holder_pid(fd);
        if (!wait_lock) {
            close(fd);
            if (pid)
                return rl_fail(err, RL_ERR_INVALID,
                               "%s is in use by another rooflab run (pid %ld); wait for it or "
                               "pass --wait-lock",
                               out->dir, pid);
            return rl_fail(err, RL_ERR_INVALID,
                           "%s is in use by another rooflab run; wait for it or pass --wait-lock",
                           out->dir);
        }
        fprintf(stderr, "rooflab run: waiting for the run (pid %ld) writing into %s\n", pid,
                out->dir);
        /* Blocks; a signal without SA_RESTART ends it with EINTR. */
        if (flock(fd, LOCK_EX) == 0)
            break;
        if (stop && *stop) {
            close(fd);
            return rl_fail(err, RL_ERR_INTERRUPTED, "interrupted while waiting for %s", out->dir);
        }
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        int e = errno;
        close(fd);
        return rl_fail(err, RL_ERR_IO, "cannot write the lock file %s: %s", path, strerror(e));
    }
    out->lock_fd = fd;
    return RL_OK;
}

/* Temporary files of the set that a killed writer left (name.XXXXXX.tmp).
 * Safe to remove: the lock says no one else writes here. */
static void remove_stale_temporaries(const char *dir)
{
    for (size_t i = 0; i < SET_FILES; i++) {
        char pattern[PATH_MAX];
        if (snprintf(pattern, sizeof pattern, "%s/%s.??????.tmp", dir, set_files[i]) >=
            (int)sizeof pattern)
            continue;
        glob_t g;
        if (glob(pattern, GLOB_NOSORT, NULL, &g) == 0)
            for (size_t k = 0; k < g.gl_pathc; k++)
                unlink(g.gl_pathv[k]);
        globfree(&g);
    }
}

static size_t cases_in(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/results.json", dir);
    struct stat st;
    if (lstat(path, &st) != 0 && errno == ENOENT)
        return 0;
    rl_results r;
    rl_results_init(&r);
    rl_err why;
    const size_t n = rl_results_read_json(path, &r, &why) == RL_OK ? r.count : SIZE_MAX;
    rl_results_free(&r);
    return n;
}

rl_status rl_run_output_open(rl_run_output *out, const char *dir, bool wait_lock,
                             const volatile sig_atomic_t *stop, rl_err *err)
{
    memset(out, 0, sizeof *out);
    out->lock_fd = -1;
    if (snprintf(out->dir, sizeof out->dir, "%s", dir) >= (int)sizeof out->dir)
        return rl_fail(err, RL_ERR_INVALID, "output folder path is too long");
    RL_TRY(rl_make_output_dir(out->dir, err)); /* creates, then probes with a temporary file */
    RL_TRY(take_lock(out, wait_lock, stop, err));
    remove_stale_temporaries(out->dir);
    out->existing_cases = cases_in(out->dir);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char stamp[16];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    /* The pid too: two short runs may start within one second. */
    snprintf(out->side, sizeof out->side, "%s/partial-%s-%ld", out->dir, stamp, (long)getpid());
    return RL_OK;
}

static rl_status write_set(const rl_results *r, const char *dir, rl_err *err)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/results.json", dir);
    RL_TRY(rl_results_write_json(r, path, err));
    snprintf(path, sizeof path, "%s/results.csv", dir);
    RL_TRY(rl_results_write_csv(r, path, err));
    /* The picture and the page follow the data, case by case. */
    return rl_report_write_all(r, dir, err);
}

static void remove_set(const char *dir)
{
    for (size_t i = 0; i < SET_FILES; i++) {
        char path[PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/%s", dir, set_files[i]);
        unlink(path);
    }
    rmdir(dir);
}

rl_status rl_run_output_write(rl_run_output *out, const rl_results *r, rl_err *err)
{
    const bool replace = r->complete || r->count >= out->existing_cases;
    const char *target = replace ? out->dir : out->side;
    if (!replace && strcmp(out->written, out->side) != 0)
        RL_TRY(rl_make_output_dir(out->side, err));
    RL_TRY(write_set(r, target, err));
    /* The folder now holds all the side folder did: drop the copy. */
    if (replace && strcmp(out->written, out->side) == 0)
        remove_set(out->side);
    snprintf(out->written, sizeof out->written, "%s", target);
    return RL_OK;
}

void rl_run_output_close(rl_run_output *out)
{
    if (out->lock_fd >= 0)
        close(out->lock_fd);
    out->lock_fd = -1;
}
