#include "harness/rl_cli_util.h"

#include <errno.h>
#include <math.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/rl_json_read.h"

rl_status rl_cli_parse_i64(const char *text, const char *option, int64_t min, int64_t max,
                           int64_t *out, rl_err *err)
{
    if (!text || !*text)
        return rl_fail(err, RL_ERR_INVALID, "%s needs a number", option);
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (*end != '\0')
        return rl_fail(err, RL_ERR_INVALID, "%s: '%s' is not a whole number", option, text);
    if (errno == ERANGE || v < min || v > max)
        return rl_fail(err, RL_ERR_INVALID, "%s: %s is out of range [%lld, %lld]", option, text,
                       (long long)min, (long long)max);
    *out = (int64_t)v;
    return RL_OK;
}

rl_status rl_cli_parse_double(const char *text, const char *option, double min, double max,
                              double *out, rl_err *err)
{
    if (!text || !*text)
        return rl_fail(err, RL_ERR_INVALID, "%s needs a number", option);
    char *end;
    errno = 0;
    const double v = strtod(text, &end);
    if (*end != '\0' || !isfinite(v))
        return rl_fail(err, RL_ERR_INVALID, "%s: '%s' is not a number", option, text);
    if (errno == ERANGE || v < min || v > max)
        return rl_fail(err, RL_ERR_INVALID, "%s: %s is out of range [%g, %g]", option, text, min,
                       max);
    *out = v;
    return RL_OK;
}

rl_status rl_cli_max_reps(int *out, rl_err *err)
{
    const char *text = getenv("ROOFLAB_MAX_REPS");
    int64_t v = 0;
    if (text)
        RL_TRY(rl_cli_parse_i64(text, "ROOFLAB_MAX_REPS", 1, 1000, &v, err));
    *out = (int)v;
    return RL_OK;
}

int rl_cli_fail(const char *cmd, const char *message)
{
    /* A message may quote a file's bytes: one line, printable, always. */
    char clean[RL_ERR_LEN + 64];
    rl_clean_text(message, clean, sizeof clean);
    fprintf(stderr, "rooflab %s: %s\n", cmd, clean);
    return 2;
}

int rl_cli_parse_out_only(const char *cmd, const char *usage, int argc, char **argv,
                          const char **out)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char msg[256];
    int c;
    optind = 0; /* 0, not 1: glibc's getopt then forgets any earlier argv */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': *out = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        case ':':
            snprintf(msg, sizeof msg, "option %s needs a value", argv[optind - 1]);
            return rl_cli_fail(cmd, msg);
        default:
            snprintf(msg, sizeof msg, "unknown option '%s'", argv[optind - 1]);
            return rl_cli_fail(cmd, msg);
        }
    }
    return -1;
}

const char *rl_cli_time_text(double s, char *buf, size_t len)
{
    if (s >= 1.0)
        snprintf(buf, len, "%.4g s", s);
    else if (s >= 1e-3)
        snprintf(buf, len, "%.4g ms", s * 1e3);
    else if (s >= 1e-6)
        snprintf(buf, len, "%.4g us", s * 1e6);
    else
        snprintf(buf, len, "%.4g ns", s * 1e9);
    return buf;
}
