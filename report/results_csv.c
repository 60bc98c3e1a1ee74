/* results.csv: one row per case with the scalar fields of results.json. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/rl_case_flags.h"
#include "report/rl_results.h"

static const char header[] =
    "name,op,precision,m,n,k,rows,cols,count,iters,backend,kernel_version,kernel,flops,bytes,"
    "intensity,status,time_median_s,time_p10_s,time_p90_s,time_min_s,time_max_s,time_cv,"
    "repetitions,achieved_flop_per_s,achieved_byte_per_s,validation_passed,max_rel_err,"
    "tolerance,predicted_flop_per_s,predicted_time_s,predicted_bound,predicted_mfu,mfu,cache,"
    "stop_reason,noise,flags,mfu_over_100\n";

/* A growing text buffer. */
typedef struct text {
    char *data;
    size_t len, cap;
    bool failed;
} text;

static void append(text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void append(text *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->data ? t->data + t->len : NULL, t->data ? t->cap - t->len : 0, fmt,
                          ap);
        va_end(ap);
        if (n < 0) {
            t->failed = true;
            return;
        }
        if (t->data && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap ? t->cap : 4096;
        while (cap <= t->len + (size_t)n)
            cap *= 2;
        char *grown = realloc(t->data, cap);
        if (!grown) {
            t->failed = true;
            return;
        }
        t->data = grown;
        t->cap = cap;
    }
}

/* Text fields are quoted, with quotes doubled (RFC 4180). */
static void append_quoted(text *t, const char *s)
{
    append(t, "\"");
    for (; *s; s++)
        append(t, *s == '"' ? "\"\"" : "%c", *s);
    append(t, "\"");
}

rl_status rl_results_write_csv(const rl_results *r, const char *path, rl_err *err)
{
    text t = {0};
    append(&t, "%s", header);
    for (size_t i = 0; i < r->count; i++) {
        const rl_case_result *c = &r->cases[i];
        const bool timed = c->outcome == RL_CASE_OK;
        append_quoted(&t, c->name);
        append(&t, ",%s,%s,%lld,%lld,%lld,%lld,%lld,%lld,%lld,", rl_op_name(c->op),
               rl_precision_name(c->precision), (long long)c->shape.m, (long long)c->shape.n,
               (long long)c->shape.k, (long long)c->shape.rows, (long long)c->shape.cols,
               (long long)c->shape.count, (long long)c->shape.iters);
        append(&t, "%s,%d,%s,%.17g,%.17g,%.17g,%s,", c->backend, c->kernel_version, c->kernel,
               c->flops, c->bytes, c->intensity, rl_case_outcome_name(c->outcome));
        if (timed)
            append(&t, "%.9g,%.9g,%.9g,%.9g,%.9g,%.6g,%zu,%.9g,%.9g,", c->time_s.median,
                   c->time_s.p10, c->time_s.p90, c->time_s.min, c->time_s.max, c->time_s.cv,
                   c->time_s.count, c->flop_per_s, c->byte_per_s);
        else
            append(&t, ",,,,,,,,,");
        if (c->validation.checked)
            append(&t, "%s,%.6g,%.6g,", c->validation.passed ? "true" : "false",
                   c->validation.max_rel_err, c->validation.tolerance);
        else
            append(&t, ",,,");
        if (c->predicted.present)
            append(&t, "%.9g,%.9g,%s,%.6g,", c->predicted.flop_per_s, c->predicted.time_s,
                   c->predicted.bound, c->predicted.mfu);
        else
            append(&t, ",,,,");
        if (c->predicted.present && timed)
            append(&t, "%.6g,", c->predicted.measured_mfu);
        else
            append(&t, ",");
        append_quoted(&t, timed ? c->cache : "");
        /* how sampling stopped, and the flags on doubtful numbers (rl_case_flags.h) */
        rl_case_flags f;
        rl_case_flags_of(r, c, &f);
        append(&t, ",%s,", c->stop_reason);
        if (timed && c->stop_reason[0] && c->noise < 1e300)
            append(&t, "%.4g", c->noise);
        char names[112];
        snprintf(names, sizeof names, "%s%s%s%s%s", f.noisy ? "noisy;" : "",
                 f.above_measured_roof ? "ceilings_stale;" : "",
                 f.above_run_roof ? "above_run_roof;" : "",
                 f.mfu_vs_measured ? "mfu_vs_measured_peak;" : "", f.mfu_over_100 ? "mfu_over_100;" : "");
        if (names[0])
            names[strlen(names) - 1] = '\0';
        append(&t, ",%s,", names);
        append_quoted(&t, f.mfu_why);
        append(&t, "\n");
    }
    if (t.failed) {
        free(t.data);
        return rl_fail(err, RL_ERR_NOMEM, "out of memory writing %s", path);
    }
    rl_status s = rl_write_file_atomic(path, t.data, t.len, err);
    free(t.data);
    return s;
}
