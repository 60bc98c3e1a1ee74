/* rooflab version */
#include <cblas.h>
#include <stdio.h>
#include <string.h>

#include "harness/cli.h"
#include "harness/rl_cli_util.h"
#include "harness/rl_run_info.h"

int rl_cli_version(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            puts("usage: rooflab version\n\nPrints the tool version, its git revision and the "
                 "BLAS it uses.");
            return 0;
        }
        char msg[256];
        snprintf(msg, sizeof msg, "unexpected argument '%s'", argv[i]);
        return rl_cli_fail("version", msg);
    }
    printf("rooflab %s (git %s)\n", ROOFLAB_VERSION, rl_git_revision);
    printf("BLAS: %s, core %s\n", openblas_get_config(), openblas_get_corename());
#ifdef RL_HAVE_CUDA
    puts("CUDA backend: built in");
#else
    puts("CUDA backend: not built");
#endif
    return 0;
}
