/* rooflab harness: what a results file records about the run itself (tool,
 * host, date, BLAS and its environment) and opening the backend. */
#ifndef RL_RUN_INFO_H
#define RL_RUN_INFO_H

#include "kernels/rl_backend.h"
#include "report/rl_results.h"

/* The git revision the binary was built from ("-dirty" when the tree had
 * changes), generated at build time by cmake/git_revision.cmake. */
extern const char rl_git_revision[];

/* Fill tool version, git revision, date, host, BLAS and environment. */
void rl_run_info_fill(rl_run_info *info);

/* Open the backend for --device: "auto" (CUDA when usable, else the CPU, with
 * the reason printed on stderr), "cpu", "cuda" or "cuda:N". */
rl_status rl_backend_open(const char *device, int threads, rl_backend *be, char *device_id,
                          size_t device_id_len, rl_err *err);
/* The same; lock_clocks asks a GPU backend for application clocks
 * (`run --lock-clocks`), saying on stderr whether it could. */
rl_status rl_backend_open_ex(const char *device, int threads, bool lock_clocks, rl_backend *be,
                             char *device_id, size_t device_id_len, rl_err *err);

/* The precisions a backend's default suite runs. */
void rl_backend_default_precisions(const rl_backend *be, uint32_t *gemm, uint32_t *other);

#endif
