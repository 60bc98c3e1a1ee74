/* rooflab report: draw roofline.svg and report.html from a results.json. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "harness/cli.h"
#include "harness/rl_cli_util.h"
#include "report/rl_report.h"
#include "report/rl_results.h"
#include "report/rl_summary.h"

static const char usage[] =
    "usage: rooflab report RESULTS.json [--out DIR]\n"
    "\n"
    "Draws the roofline of a run (roofline.svg: datasheet roofs solid, measured roofs\n"
    "dashed, every case at its measured rate beside its prediction) and a self-contained\n"
    "page (report.html: the picture, the ceilings with their sources and the sortable\n"
    "predicted-vs-measured table). `rooflab run` writes both after every run.\n"
    "  --out DIR   write into DIR (created if needed) instead of next to RESULTS.json\n";

/* The folder part of a path ("." for a bare file name). */
static void dir_of(const char *path, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(buf, len, ".");
    else if (slash == path)
        snprintf(buf, len, "/");
    else
        snprintf(buf, len, "%.*s", (int)(slash - path), path);
}

int rl_cli_report(int argc, char **argv)
{
    const char *out = NULL;
    const int parsed = rl_cli_parse_out_only("report", usage, argc, argv, &out);
    if (parsed >= 0)
        return parsed;
    rl_err err;
    if (optind >= argc)
        return rl_cli_fail("report", "needs a results file (rooflab report RESULTS.json)");
    if (argc - optind > 1) {
        snprintf(err.msg, sizeof err.msg, "unexpected argument '%s'", argv[optind + 1]);
        return rl_cli_fail("report", err.msg);
    }
    const char *input = argv[optind];
    char dir[PATH_MAX];
    if (out)
        snprintf(dir, sizeof dir, "%s", out);
    else
        dir_of(input, dir, sizeof dir);
    rl_results r;
    if (rl_results_read_json(input, &r, &err) != RL_OK)
        return rl_cli_fail("report", err.msg);
    int code = 0;
    if ((out && rl_make_output_dir(dir, &err) != RL_OK) ||
        rl_report_write_all(&r, dir, &err) != RL_OK)
        code = rl_cli_fail("report", err.msg);
    else {
        rl_summary_print_findings(&r, stdout);
        printf("Wrote %s/roofline.svg and %s/report.html (%zu cases)\n", dir, dir, r.count);
    }
    rl_results_free(&r);
    return code;
}
