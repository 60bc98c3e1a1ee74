/* rooflab merge: the same suite on many hosts of a cluster, case by case. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cli.h"
#include "harness/rl_cli_util.h"
#include "report/rl_compare.h"
#include "report/rl_results.h"
#include "report/rl_stragglers.h"

static const char usage[] =
    "usage: rooflab merge RESULTS.json... [--out DIR]\n"
    "\n"
    "Puts the runs of many hosts side by side: per case the median rate across hosts\n"
    "(FLOP/s, or B/s for ops without FLOPs), the min, the max, the spread (max/min)\n"
    "and the hosts more than 10 % below the median; then the stragglers: hosts below\n"
    "it on some case, with their worst ratio and the device state they recorded.\n"
    "Writes merge.csv, merge.json and stragglers.json.\n"
    "  --out DIR   write the files into DIR (created if needed; default: the current folder)\n";

int rl_cli_merge(int argc, char **argv)
{
    const char *out = ".";
    const int parsed = rl_cli_parse_out_only("merge", usage, argc, argv, &out);
    if (parsed >= 0)
        return parsed;
    rl_err err;
    size_t n = (size_t)(argc - optind);
    if (n == 0)
        return rl_cli_fail("merge", "needs results files (rooflab merge A.json B.json ...)");
    rl_results *runs = calloc(n, sizeof *runs);
    if (!runs)
        return rl_cli_fail("merge", "out of memory");
    int code = 0;
    size_t loaded = 0;
    for (; loaded < n; loaded++)
        if (rl_results_read_json(argv[optind + (int)loaded], &runs[loaded], &err) != RL_OK) {
            code = rl_cli_fail("merge", err.msg);
            goto done;
        }
    rl_merge m;
    if (rl_merge_runs(runs, n, &m, &err) != RL_OK) {
        code = rl_cli_fail("merge", err.msg);
        goto done;
    }
    rl_merge_print(&m, stdout);
    rl_straggler *lag = calloc(n, sizeof *lag);
    const size_t lag_count = lag ? rl_merge_stragglers(&m, lag) : 0;
    if (lag)
        rl_stragglers_print(&m, lag, lag_count, runs, stdout);
    char *stragglers = lag ? rl_stragglers_json(&m, lag, lag_count, runs) : NULL;
    free(lag);
    char *csv = rl_merge_csv(&m), *json = rl_merge_json(&m);
    rl_merge_free(&m);
    char path[PATH_MAX];
    rl_status s = csv && json && stragglers ? rl_make_output_dir(out, &err)
                              : rl_fail(&err, RL_ERR_NOMEM, "out of memory");
    if (s == RL_OK) {
        snprintf(path, sizeof path, "%s/merge.csv", out);
        s = rl_write_file_atomic(path, csv, strlen(csv), &err);
    }
    if (s == RL_OK) {
        size_t len = strlen(json);
        snprintf(path, sizeof path, "%s/merge.json", out);
        char *nl = realloc(json, len + 2);
        if (!nl) {
            s = rl_fail(&err, RL_ERR_NOMEM, "out of memory");
        } else {
            json = nl;
            json[len] = '\n';
            json[len + 1] = '\0';
            s = rl_write_file_atomic(path, json, len + 1, &err);
        }
    }
    if (s == RL_OK) {
        snprintf(path, sizeof path, "%s/stragglers.json", out);
        s = rl_write_file_atomic(path, stragglers, strlen(stragglers), &err);
    }
    free(csv);
    free(json);
    free(stragglers);
    if (s != RL_OK)
        code = rl_cli_fail("merge", err.msg);
    else
        printf("\nWrote %s/merge.csv, %s/merge.json and %s/stragglers.json\n", out, out, out);
done:
    for (size_t i = 0; i < loaded; i++)
        rl_results_free(&runs[i]);
    free(runs);
    return code;
}
