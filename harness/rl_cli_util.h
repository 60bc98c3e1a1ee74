/* rooflab harness: small helpers shared by the subcommands. */
#ifndef RL_CLI_UTIL_H
#define RL_CLI_UTIL_H

#include <stdint.h>

#include "rl/status.h"

/* Parse a whole decimal integer in [min, max]; the message names the option. */
rl_status rl_cli_parse_i64(const char *text, const char *option, int64_t min, int64_t max,
                           int64_t *out, rl_err *err);

/* Print "rooflab CMD: message" on stderr and return exit code 2. */
int rl_cli_fail(const char *cmd, const char *message);

#endif
