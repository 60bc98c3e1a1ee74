/* A merge written out: the tables, the stragglers, the spread, the page. */
#include "report/rl_merge_files.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "report/rl_compare.h"
#include "report/rl_merge_html.h"
#include "report/rl_stragglers.h"
#include "report/rl_strip_chart.h"

/* out_dir/name from text (taken: freed here); a missing text is out of memory. */
static rl_status write_owned(const char *out_dir, const char *name, char *text, rl_err *err)
{
    if (!text)
        return rl_fail(err, RL_ERR_NOMEM, "out of memory writing %s", name);
    char path[PATH_MAX];
    rl_status s;
    if (snprintf(path, sizeof path, "%s/%s", out_dir, name) >= (int)sizeof path)
        s = rl_fail(err, RL_ERR_IO, "path too long: %s/%s", out_dir, name);
    else
        s = rl_write_file_atomic(path, text, strlen(text), err);
    free(text);
    return s;
}

/* cJSON prints without a final newline; files end with one. */
static char *with_newline(char *text)
{
    if (!text)
        return NULL;
    const size_t len = strlen(text);
    char *grown = realloc(text, len + 2);
    if (!grown) {
        free(text);
        return NULL;
    }
    grown[len] = '\n';
    grown[len + 1] = '\0';
    return grown;
}

rl_status rl_merge_write(const rl_results *runs, size_t n, const char *out_dir, FILE *table,
                         rl_err *err)
{
    rl_merge m;
    RL_TRY(rl_merge_runs(runs, n, &m, err));
    rl_straggler *lag = calloc(n ? n : 1, sizeof *lag);
    if (!lag) {
        rl_merge_free(&m);
        return rl_fail(err, RL_ERR_NOMEM, "out of memory");
    }
    const size_t lag_count = rl_merge_stragglers(&m, lag);
    if (table) {
        rl_merge_print(&m, table);
        rl_merge_print_mismatches(runs, &m, n, table);
        rl_stragglers_print(&m, lag, lag_count, runs, table);
    }
    rl_status s = rl_make_output_dir(out_dir, err);
    if (s == RL_OK)
        s = write_owned(out_dir, "merge.csv", rl_merge_csv(&m), err);
    if (s == RL_OK)
        s = write_owned(out_dir, "merge.json", with_newline(rl_merge_json(&m)), err);
    if (s == RL_OK)
        s = write_owned(out_dir, "stragglers.json",
                        with_newline(rl_stragglers_json(&m, lag, lag_count, runs)), err);
    if (s == RL_OK)
        s = write_owned(out_dir, "spread.svg", rl_strip_chart_svg(&m), err);
    if (s == RL_OK)
        s = write_owned(out_dir, "report.html", rl_merge_html_string(&m, lag, lag_count, runs),
                        err);
    free(lag);
    rl_merge_free(&m);
    return s;
}
