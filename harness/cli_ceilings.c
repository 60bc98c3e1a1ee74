/* rooflab ceilings: measure this machine's roofs and keep them for `run`. */
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness/cli.h"
#include "harness/rl_ceilings.h"
#include "harness/rl_ceilings_drift.h"
#include "harness/rl_cli_util.h"
#include "harness/rl_run_info.h"

static const char usage[] =
    "usage: rooflab ceilings [--device auto|cpu|cuda:N] [--threads N] [--json] [--out DIR]\n"
    "\n"
    "Measures the roofs of this machine: the bandwidth of each memory level from a\n"
    "working-set sweep of the triad kernel (levels placed from the cache sizes hwloc\n"
    "reports, values from the plateaus measured; DRAM the better of triad and copy\n"
    "there), the SIMD peak from the FMA probe\n"
    "per precision, and the attainable BLAS / tensor-core rate from large GEMMs.\n"
    "Stores them in the cache folder ($XDG_CACHE_HOME or ~/.cache)/rooflab/ceilings/,\n"
    "keyed by host and device, where `rooflab run` finds them. A ceiling below 0.7x\n"
    "the one it replaces is measured again and, if still low, named in a warning (the\n"
    "machine may be throttled or shared) and noted in its stored source.\n"
    "  --json   print the ceilings as JSON on stdout\n"
    "  --out    also write DIR/ceilings.json\n";

static void print_roofs(const rl_ceilings_record *rec)
{
    printf("Measured ceilings of %s on %s (%s)\n", rec->host, rec->device, rec->device_description);
    printf("Units: SI (GB/s = 1e9 B/s, GFLOP/s = 1e9 FLOP/s)\n");
    for (int i = 0; i < rec->measured.memory_count; i++)
        printf("  %-6s %-7s %12.2f GB/s      %s\n", rec->measured.memory[i].name, "memory",
               rec->measured.memory[i].value / 1e9, rec->measured.memory[i].source);
    for (int i = 0; i < rec->measured.compute_count; i++)
        printf("  %-6s %-7s %12.2f GFLOP/s   %s\n", rec->measured.compute[i].name,
               rec->measured.compute[i].unit, rec->measured.compute[i].value / 1e9,
               rec->measured.compute[i].source);
}

int rl_cli_ceilings(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"device", required_argument, NULL, 'd'}, {"threads", required_argument, NULL, 't'},
        {"json", no_argument, NULL, 'j'},         {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *device = "auto", *out = NULL;
    bool json = false;
    int threads = 0, c;
    int64_t v;
    rl_err err;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': device = optarg; break;
        case 'o': out = optarg; break;
        case 'j': json = true; break;
        case 't':
            if (rl_cli_parse_i64(optarg, "--threads", 1, 4096, &v, &err) != RL_OK)
                return rl_cli_fail("ceilings", err.msg);
            threads = (int)v;
            break;
        case 'h': fputs(usage, stdout); return 0;
        case ':':
            snprintf(err.msg, sizeof err.msg, "option %s needs a value", argv[optind - 1]);
            return rl_cli_fail("ceilings", err.msg);
        default:
            snprintf(err.msg, sizeof err.msg, "unknown option '%s'", argv[optind - 1]);
            return rl_cli_fail("ceilings", err.msg);
        }
    }
    if (optind < argc) {
        snprintf(err.msg, sizeof err.msg, "unexpected argument '%s'", argv[optind]);
        return rl_cli_fail("ceilings", err.msg);
    }
    int max_reps;
    if (rl_cli_max_reps(&max_reps, &err) != RL_OK)
        return rl_cli_fail("ceilings", err.msg);
    rl_run_info info = {0};
    rl_backend be;
    if (rl_backend_open(device, threads, &be, info.device, sizeof info.device, &err) != RL_OK)
        return rl_cli_fail("ceilings", err.msg);
    int code = 0;
    rl_ceilings_record rec = {0};
    char path[PATH_MAX], out_path[PATH_MAX];
    if (rl_cpu_detect(&info.cpu, &err) != RL_OK) {
        code = rl_cli_fail("ceilings", err.msg);
        goto done;
    }
    rl_run_info_fill(&info);
    snprintf(rec.host, sizeof rec.host, "%s", info.host);
    snprintf(rec.device, sizeof rec.device, "%s", info.device);
    snprintf(rec.device_description, sizeof rec.device_description, "%s", be.describe(be.state));
    snprintf(rec.date, sizeof rec.date, "%s", info.date);
    /* Check the places to write before spending a minute measuring: the
     * cache folder is created and a file made and removed in it. */
    char cache_dir[PATH_MAX];
    if (rl_ceilings_default_path(rec.host, rec.device, path, sizeof path, &err) != RL_OK ||
        rl_make_output_dir(dirname(strcpy(cache_dir, path)), &err) != RL_OK ||
        (out && rl_make_output_dir(out, &err) != RL_OK)) {
        code = rl_cli_fail("ceilings", err.msg);
        goto done;
    }
    /* The ceilings these replace, read now so that a file that cannot be
     * read is said before the minute of measuring, not after. */
    rl_ceilings_record before;
    const bool compare = rl_ceilings_load_previous(path, &rec, &before, stderr);
    rl_ceilings_options opts = {.threads = threads > 0 ? threads : info.cpu.pus,
                                .seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32)};
    opts.max_reps = max_reps;
    if (rl_ceilings_measure(&be, &info.cpu, &opts, &rec, &err) != RL_OK) {
        code = rl_cli_fail("ceilings", err.msg);
        goto done;
    }
    /* A ceiling that fell is warned of and stored as measured, the drop
     * noted in its source (docs/reliability.md); the exit status stays 0. */
    int fallen = 0;
    if (compare &&
        rl_ceilings_check_drops(&be, &info.cpu, &opts, &before, &rec, stderr, &fallen, &err) !=
            RL_OK) {
        code = rl_cli_fail("ceilings", err.msg);
        goto done;
    }
    if (rl_ceilings_save(path, &rec, &err) != RL_OK) {
        code = rl_cli_fail("ceilings", err.msg);
        goto done;
    }
    if (out) {
        snprintf(out_path, sizeof out_path, "%s/ceilings.json", out);
        if (rl_ceilings_save(out_path, &rec, &err) != RL_OK) {
            code = rl_cli_fail("ceilings", err.msg);
            goto done;
        }
    }
    if (json) {
        FILE *f = fopen(path, "r");
        char buf[4096];
        size_t n;
        while (f && (n = fread(buf, 1, sizeof buf, f)) > 0)
            fwrite(buf, 1, n, stdout);
        if (f)
            fclose(f);
        putchar('\n');
    } else {
        print_roofs(&rec);
        if (fallen > 0)
            printf("Saved to %s (%d ceiling%s below %.1fx the stored, noted in the source)\n",
                   path, fallen, fallen == 1 ? "" : "s", RL_CEILINGS_DROP_RATIO);
        else
            printf("Saved to %s\n", path);
    }
done:
    be.destroy(be.state);
    return code;
}
