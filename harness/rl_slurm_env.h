/* rooflab harness: the Slurm job a run belongs to, read from SLURM_* in the
 * environment, and the output folder a run names after it. */
#ifndef RL_SLURM_ENV_H
#define RL_SLURM_ENV_H

#include <stdbool.h>
#include <stddef.h>

#include "report/rl_results.h"

/* Fill from SLURM_JOB_ID, SLURM_ARRAY_JOB_ID, SLURM_ARRAY_TASK_ID,
 * SLURM_STEP_ID, SLURM_PROCID and SLURM_JOB_NODELIST; all empty outside a job. */
void rl_slurm_info_fill(rl_slurm_info *s);

/* "results/slurm-<job>/<host>-<task>": <job> is the array's job id for an
 * array task, <task> the array task id, or the rank in the step (both,
 * "<array task>-<rank>", when an array task's step has several ranks).
 * host: as rl_path_component makes it. False (buf untouched) outside Slurm,
 * when an id is not the plain number Slurm prints, or when host is not one
 * safe path component. */
bool rl_slurm_out_dir(const rl_slurm_info *s, int step_tasks, const char *host, char *buf,
                      size_t len);

/* SLURM_STEP_NUM_TASKS (else SLURM_NTASKS), 1 when neither is set. */
int rl_slurm_step_tasks(void);

#endif
