/* rooflab harness: small helpers shared by the subcommands. */
#ifndef RL_CLI_UTIL_H
#define RL_CLI_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "rl/status.h"

/* Parse a whole decimal integer in [min, max]; the message names the option. */
rl_status rl_cli_parse_i64(const char *text, const char *option, int64_t min, int64_t max,
                           int64_t *out, rl_err *err);

/* Parse a finite decimal number in [min, max]; the message names the option. */
rl_status rl_cli_parse_double(const char *text, const char *option, double min, double max,
                              double *out, rl_err *err);

/* Options of the subcommands that read results files and take only --out DIR
 * and --help: sets *out (left alone when absent) and optind to the first file.
 * Returns -1 to go on, else the exit code (0 after --help, 2 on bad input). */
int rl_cli_parse_out_only(const char *cmd, const char *usage, int argc, char **argv,
                          const char **out);

/* The measurement cap of ROOFLAB_MAX_REPS (rl_measure_settings.max_reps) for
 * tests and emulators: 0 when unset, an error when not a whole number in
 * [1, 1000]. Read once by each measuring subcommand and passed down. */
rl_status rl_cli_max_reps(int *out, rl_err *err);

/* Print "rooflab CMD: message" on stderr and return exit code 2. */
int rl_cli_fail(const char *cmd, const char *message);

/* A time in s, ms, us or ns, 4 significant digits, into buf; returns buf. */
const char *rl_cli_time_text(double s, char *buf, size_t len);

#endif
