/* rooflab: the command line. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/cli.h"

static const char usage[] =
    "usage: rooflab <command> [options]     (rooflab <command> --help for each)\n"
    "\n"
    "commands:\n"
    "  run       validate and measure the suite on this device; write results.json/.csv\n"
    "  bench     the same cases through Google Benchmark's front end (--benchmark_* flags)\n"
    "  ceilings  measure this machine's roofs (bandwidth per memory level, compute peaks)\n"
    "  report    draw roofline.svg and report.html from a results.json\n"
    "  compare   two runs case by case: ratios, compare.csv, compare.svg\n"
    "  merge     many hosts' runs side by side: median, spread, slow hosts\n"
    "  devices   the device found here and the catalog entry it matches\n"
    "  predict   the roofline prediction for one op on a catalog device\n"
    "  fit       whether an LLM's weights, KV-cache and activations fit a device\n"
    "  version   the tool version and git revision\n";

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {"run", rl_cli_run},         {"bench", rl_cli_bench},     {"devices", rl_cli_devices},
    {"predict", rl_cli_predict}, {"fit", rl_cli_fit},         {"version", rl_cli_version},
    {"ceilings", rl_cli_ceilings}, {"report", rl_cli_report},   {"compare", rl_cli_compare},
    {"merge", rl_cli_merge},
};

/* OpenMP threads that spin-wait after a parallel region steal the cores
 * OpenBLAS's own threads need: on two cores sgemm ran at half speed after
 * an OpenMP cache flush. libgomp reads OMP_WAIT_POLICY when it loads, before
 * main, so when the user has not chosen a policy we set PASSIVE and start
 * again. The variable is recorded with the results like every OMP_* one. */
static void prefer_passive_openmp(char **argv)
{
    if (getenv("OMP_WAIT_POLICY") || getenv("ROOFLAB_NO_REEXEC"))
        return;
    if (setenv("OMP_WAIT_POLICY", "PASSIVE", 1) != 0 || setenv("ROOFLAB_NO_REEXEC", "1", 1) != 0)
        return;
    execv("/proc/self/exe", argv);
    /* If that failed, carry on with the spinning policy. */
}

/* A closed descriptor 0, 1 or 2 would be handed to the next file opened,
 * and stdout's text would land in results.json. Hold each with /dev/null,
 * stdout read-only so that writing to it still fails (and is reported). */
static void hold_standard_descriptors(void)
{
    static const int modes[] = {O_RDONLY, O_RDONLY, O_WRONLY};
    for (int fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
            int held = open("/dev/null", modes[fd]);
            if (held >= 0 && held != fd) {
                dup2(held, fd);
                close(held);
            }
        }
}

/* "rooflab help CMD" is "rooflab CMD --help", so each command's help lives in one place. */
static int help_for(int argc, char **argv)
{
    if (argc > 3) {
        fprintf(stderr, "rooflab help: one command at a time (try rooflab help %s)\n", argv[2]);
        return 2;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[2], commands[i].name) == 0) {
            char flag[] = "--help";
            char *help_argv[] = {argv[2], flag, NULL};
            return commands[i].run(2, help_argv);
        }
    fprintf(stderr, "rooflab help: unknown command '%s' (try rooflab --help)\n", argv[2]);
    return 2;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        (strcmp(argv[1], "help") == 0 && argc == 2)) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(argv[1], "help") == 0)
        return help_for(argc, argv);
    if (strcmp(argv[1], "--version") == 0)
        return rl_cli_version(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "rooflab: unknown command '%s' (try rooflab --help)\n", argv[1]);
    return 2;
}

int main(int argc, char **argv)
{
    prefer_passive_openmp(argv);
    hold_standard_descriptors();
    const int code = dispatch(argc, argv);
    /* Every command's output, checked in one place: a full disk or a
     * closed stdout is an error, not a silent success. */
    errno = 0;
    const bool failed = fflush(stdout) != 0 || ferror(stdout);
    const int e = errno;
    if (fclose(stdout) != 0 || failed) {
        fprintf(stderr, "rooflab: cannot write the output: %s\n",
                strerror(e ? e : errno ? errno : EIO));
        return code ? code : 2;
    }
    return code;
}
