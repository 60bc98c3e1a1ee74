#include "harness/rl_slurm_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy_env(const char *name, char *dst, size_t len)
{
    const char *v = getenv(name);
    snprintf(dst, len, "%s", v ? v : "");
}

void rl_slurm_info_fill(rl_slurm_info *s)
{
    memset(s, 0, sizeof *s);
    copy_env("SLURM_JOB_ID", s->job_id, sizeof s->job_id);
    if (!s->job_id[0])
        return; /* not in a Slurm job: stale SLURM_* of a login shell are not recorded */
    copy_env("SLURM_ARRAY_JOB_ID", s->array_job_id, sizeof s->array_job_id);
    copy_env("SLURM_ARRAY_TASK_ID", s->array_task_id, sizeof s->array_task_id);
    copy_env("SLURM_STEP_ID", s->step_id, sizeof s->step_id);
    copy_env("SLURM_PROCID", s->proc_id, sizeof s->proc_id);
    copy_env("SLURM_JOB_NODELIST", s->node_list, sizeof s->node_list);
    if (!s->node_list[0])
        copy_env("SLURM_NODELIST", s->node_list, sizeof s->node_list);
}

int rl_slurm_step_tasks(void)
{
    const char *v = getenv("SLURM_STEP_NUM_TASKS");
    if (!v || !*v)
        v = getenv("SLURM_NTASKS");
    char *end;
    long n = v ? strtol(v, &end, 10) : 0;
    return v && *v && !*end && n > 1 && n < 1 << 24 ? (int)n : 1;
}

/* Slurm's ids are decimal numbers; anything else in a path is refused rather
 * than rewritten, so a folder name is always the id Slurm shows. */
static bool plain_id(const char *s)
{
    if (!*s || strlen(s) > 20)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* One path component as rl_path_component makes them: [A-Za-z0-9._-], no
 * leading '.', at most 64 bytes. */
static bool safe_component(const char *s)
{
    if (!*s || *s == '.' || strlen(s) > 64)
        return false;
    for (; *s; s++) {
        const unsigned char c = (unsigned char)*s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_'))
            return false;
    }
    return true;
}

bool rl_slurm_out_dir(const rl_slurm_info *s, int step_tasks, const char *host, char *buf,
                      size_t len)
{
    const bool array = s->array_job_id[0] != '\0';
    const char *job = array ? s->array_job_id : s->job_id;
    if (!safe_component(host) || !plain_id(job) || !plain_id(s->proc_id) ||
        (array && !plain_id(s->array_task_id)))
        return false;
    char dir[512];
    int n;
    if (!array)
        n = snprintf(dir, sizeof dir, "results/slurm-%s/%s-%s", job, host, s->proc_id);
    else if (step_tasks > 1)
        n = snprintf(dir, sizeof dir, "results/slurm-%s/%s-%s-%s", job, host, s->array_task_id,
                     s->proc_id);
    else
        n = snprintf(dir, sizeof dir, "results/slurm-%s/%s-%s", job, host,
                     s->array_task_id);
    if (n <= 0 || (size_t)n >= sizeof dir || (size_t)n >= len)
        return false;
    memcpy(buf, dir, (size_t)n + 1);
    return true;
}
