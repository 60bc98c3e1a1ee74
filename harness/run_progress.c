/* The progress line of `rooflab run`. The estimate is the mean wall time of
 * the cases done so far times the cases left: cases within a suite are
 * budgeted alike (the same repetitions and time per repetition), so their
 * measured times are the best guide to the rest. */
#include "harness/rl_run_progress.h"

#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void rl_run_progress_start(rl_run_progress *p, FILE *out, size_t total)
{
    *p = (rl_run_progress){.out = out, .total = total, .start_s = now_s()};
    const int fd = fileno(out);
    p->redraw = fd >= 0 && isatty(fd);
}

double rl_run_progress_eta(size_t done, size_t total, double elapsed_s)
{
    if (done == 0 || done > total || elapsed_s < 0)
        return -1.0;
    return elapsed_s / (double)done * (double)(total - done);
}

static void format_duration(double s, char *buf, size_t len)
{
    const long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, len, "%ldh%02ldm", t / 3600, t / 60 % 60);
    else if (t >= 60)
        snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(buf, len, "%lds", t);
}

void rl_run_progress_case(rl_run_progress *p, size_t index, const char *name)
{
    const double eta = rl_run_progress_eta(index, p->total, now_s() - p->start_s);
    char left[48] = "estimating time left";
    if (eta >= 0) {
        char d[24];
        format_duration(eta, d, sizeof d);
        snprintf(left, sizeof left, "about %s left", d);
    }
    /* \r plus erase-to-end-of-line rewrites the line on a terminal; a file
     * or pipe gets plain lines it can keep. */
    if (p->redraw)
        fprintf(p->out, "\r\033[K[%zu/%zu] %s (%s)", index + 1, p->total, name, left);
    else
        fprintf(p->out, "[%zu/%zu] %s (%s)\n", index + 1, p->total, name, left);
    p->open_line = p->redraw;
    fflush(p->out);
}

void rl_run_progress_break(rl_run_progress *p)
{
    if (p->open_line)
        fputc('\n', p->out);
    p->open_line = false;
}
