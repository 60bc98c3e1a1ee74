/* rooflab merge: the same suite on many hosts of a cluster, case by case. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness/cli.h"
#include "harness/rl_cli_util.h"
#include "report/rl_merge_files.h"
#include "report/rl_results.h"

static const char usage[] =
    "usage: rooflab merge RESULTS.json... [--out DIR]\n"
    "\n"
    "Puts the runs of many hosts (or of the GPUs of one node) side by side: per case\n"
    "the median rate across them (FLOP/s, or B/s for ops without FLOPs), the min, the\n"
    "max, the spread (max/min) and the devices more than 10 % below the median; then\n"
    "the stragglers: devices below it on some case, with their worst ratio and the\n"
    "device state they recorded. Runs from one host are named host/device.\n"
    "Writes merge.csv, merge.json, stragglers.json, spread.svg (each device's rate\n"
    "over the median, per case) and report.html (that chart beside a roofline).\n"
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
    if (rl_merge_write(runs, n, out, stdout, &err) != RL_OK)
        code = rl_cli_fail("merge", err.msg);
    else
        printf("\nWrote merge.csv, merge.json, stragglers.json, spread.svg and report.html "
               "in %s\n", out);
done:
    for (size_t i = 0; i < loaded; i++)
        rl_results_free(&runs[i]);
    free(runs);
    return code;
}
