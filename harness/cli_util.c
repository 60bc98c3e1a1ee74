#include "harness/rl_cli_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

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

int rl_cli_fail(const char *cmd, const char *message)
{
    fprintf(stderr, "rooflab %s: %s\n", cmd, message);
    return 2;
}
