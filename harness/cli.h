/* rooflab harness: the subcommands. Each takes the arguments after its own
 * name (argv[0] is the subcommand) and returns the process exit code:
 * 0 success, 1 a negative verdict (a model that does not fit), 2 bad input
 * or failure. Each prints its own errors as one line on stderr. */
#ifndef RL_CLI_H
#define RL_CLI_H

#include <stdbool.h>

int rl_cli_run(int argc, char **argv);
int rl_cli_bench(int argc, char **argv);
int rl_cli_version(int argc, char **argv);
int rl_cli_devices(int argc, char **argv);
int rl_cli_predict(int argc, char **argv);
/* predict --suite llm (cli_predict_llm.c): whether argv asks for it, and the command. */
bool rl_cli_predict_is_llm(int argc, char **argv);
int rl_cli_predict_llm(int argc, char **argv);
int rl_cli_fit(int argc, char **argv);
int rl_cli_ceilings(int argc, char **argv);
int rl_cli_report(int argc, char **argv);
int rl_cli_compare(int argc, char **argv);
int rl_cli_merge(int argc, char **argv);

#endif
