/* rooflab compare: two runs, case by case. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cli.h"
#include "harness/rl_cli_util.h"
#include "report/rl_compare.h"
#include "report/rl_results.h"
#include "report/rl_roofline_svg.h"

static const char usage[] =
    "usage: rooflab compare A.json B.json [--out DIR]\n"
    "\n"
    "Matches the cases of two runs by name and prints, per case, B's time and rate\n"
    "over A's (rate: FLOP/s, or B/s for ops without FLOPs), then the cases found in\n"
    "only one run. Writes compare.csv (the same table) and compare.svg (both runs on\n"
    "one roofline: A's points filled, B's hollow, joined by a line).\n"
    "  --out DIR   write the files into DIR (created if needed; default: the current folder)\n";

/* "host (file)" when both runs come from the same host, else the host. */
static void run_label(const rl_results *r, const rl_results *other, const char *path, char *buf,
                      size_t len)
{
    if (strcmp(r->info.host, other->info.host) == 0 || !r->info.host[0])
        snprintf(buf, len, "%s (%s)", r->info.host[0] ? r->info.host : "?", path);
    else
        snprintf(buf, len, "%s", r->info.host);
}

int rl_cli_compare(int argc, char **argv)
{
    const char *out = ".";
    const int parsed = rl_cli_parse_out_only("compare", usage, argc, argv, &out);
    if (parsed >= 0)
        return parsed;
    rl_err err;
    if (argc - optind != 2)
        return rl_cli_fail("compare", "needs two results files (rooflab compare A.json B.json)");
    rl_results a, b;
    if (rl_results_read_json(argv[optind], &a, &err) != RL_OK)
        return rl_cli_fail("compare", err.msg);
    if (rl_results_read_json(argv[optind + 1], &b, &err) != RL_OK) {
        rl_results_free(&a);
        return rl_cli_fail("compare", err.msg);
    }
    int code = 0;
    char la[320], lb[320], path[PATH_MAX];
    run_label(&a, &b, argv[optind], la, sizeof la);
    run_label(&b, &a, argv[optind + 1], lb, sizeof lb);
    rl_comparison cmp;
    if (rl_compare(&a, &b, &cmp, &err) != RL_OK) {
        code = rl_cli_fail("compare", err.msg);
        goto done;
    }
    rl_comparison_print(&cmp, la, lb, stdout);
    char *csv = rl_comparison_csv(&cmp);
    rl_comparison_free(&cmp);
    if (!csv) {
        code = rl_cli_fail("compare", "out of memory");
        goto done;
    }
    snprintf(path, sizeof path, "%s/compare.csv", out);
    rl_status s = rl_make_output_dir(out, &err);
    if (s == RL_OK)
        s = rl_write_file_atomic(path, csv, strlen(csv), &err);
    free(csv);
    if (s == RL_OK) {
        snprintf(path, sizeof path, "%s/compare.svg", out);
        s = rl_compare_svg_write(&a, &b, la, lb, path, &err);
    }
    if (s != RL_OK)
        code = rl_cli_fail("compare", err.msg);
    else
        printf("\nWrote %s/compare.csv and %s/compare.svg\n", out, out);
done:
    rl_results_free(&a);
    rl_results_free(&b);
    return code;
}
