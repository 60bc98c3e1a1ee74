/* The Slurm ids a run records, the folder it names after them, and the
 * "slurm" block of results.json (optional for readers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness/rl_slurm_env.h"
#include "report/rl_results.h"

static const char *const vars[] = {"SLURM_JOB_ID",        "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID",
                                   "SLURM_STEP_ID",       "SLURM_PROCID",       "SLURM_JOB_NODELIST",
                                   "SLURM_NODELIST",      "SLURM_STEP_NUM_TASKS", "SLURM_NTASKS",
                                   NULL};

static void clear_slurm(void)
{
    for (int i = 0; vars[i]; i++)
        unsetenv(vars[i]);
}

static void outside_slurm_nothing_is_recorded(void **state)
{
    (void)state;
    clear_slurm();
    setenv("SLURM_PROCID", "3", 1); /* a stray variable is not a job */
    rl_slurm_info s;
    rl_slurm_info_fill(&s);
    assert_string_equal(s.job_id, "");
    assert_string_equal(s.proc_id, "");
    char dir[256] = "unchanged";
    assert_false(rl_slurm_out_dir(&s, 1, "node1", dir, sizeof dir));
    assert_string_equal(dir, "unchanged");
}

static void array_task_names_the_array_job(void **state)
{
    (void)state;
    clear_slurm();
    setenv("SLURM_JOB_ID", "1042", 1);
    setenv("SLURM_ARRAY_JOB_ID", "1040", 1);
    setenv("SLURM_ARRAY_TASK_ID", "2", 1);
    setenv("SLURM_STEP_ID", "0", 1);
    setenv("SLURM_PROCID", "0", 1);
    setenv("SLURM_JOB_NODELIST", "gpu[01-02]", 1);
    rl_slurm_info s;
    rl_slurm_info_fill(&s);
    assert_string_equal(s.job_id, "1042");
    assert_string_equal(s.array_job_id, "1040");
    assert_string_equal(s.node_list, "gpu[01-02]");
    char dir[256];
    assert_true(rl_slurm_out_dir(&s, rl_slurm_step_tasks(), "gpu01", dir, sizeof dir));
    assert_string_equal(dir, "results/slurm-1040/gpu01-2");
    setenv("SLURM_STEP_NUM_TASKS", "2", 1);
    setenv("SLURM_PROCID", "1", 1);
    rl_slurm_info_fill(&s);
    assert_int_equal(rl_slurm_step_tasks(), 2);
    assert_true(rl_slurm_out_dir(&s, rl_slurm_step_tasks(), "gpu02", dir, sizeof dir));
    assert_string_equal(dir, "results/slurm-1040/gpu02-2-1");
}

static void node_job_names_the_rank(void **state)
{
    (void)state;
    clear_slurm();
    setenv("SLURM_JOB_ID", "77", 1);
    setenv("SLURM_PROCID", "3", 1);
    setenv("SLURM_NODELIST", "n[1-4]", 1);
    setenv("SLURM_NTASKS", "4", 1);
    rl_slurm_info s;
    rl_slurm_info_fill(&s);
    assert_string_equal(s.node_list, "n[1-4]");
    char dir[256];
    assert_true(rl_slurm_out_dir(&s, rl_slurm_step_tasks(), "n4", dir, sizeof dir));
    assert_string_equal(dir, "results/slurm-77/n4-3");
}

static void odd_ids_are_refused_not_rewritten(void **state)
{
    (void)state;
    const char *bad[] = {"../1", "12/3", "", "1 2", "-1", "123456789012345678901", NULL};
    for (int i = 0; bad[i]; i++) {
        clear_slurm();
        setenv("SLURM_JOB_ID", bad[i][0] ? bad[i] : "x", 1);
        setenv("SLURM_PROCID", "0", 1);
        rl_slurm_info s;
        rl_slurm_info_fill(&s);
        char dir[256] = "unchanged";
        assert_false(rl_slurm_out_dir(&s, 1, "h", dir, sizeof dir));
        assert_string_equal(dir, "unchanged");
    }
    clear_slurm();
    setenv("SLURM_JOB_ID", "5", 1);
    setenv("SLURM_PROCID", "0", 1);
    rl_slurm_info s;
    rl_slurm_info_fill(&s);
    char dir[256];
    const char *hosts[] = {"../x", ".hidden", "a/b", "a b", "", NULL};
    for (int i = 0; hosts[i]; i++)
        assert_false(rl_slurm_out_dir(&s, 1, hosts[i], dir, sizeof dir));
    assert_true(rl_slurm_out_dir(&s, 1, "gpu01.cluster", dir, sizeof dir));
    assert_string_equal(dir, "results/slurm-5/gpu01.cluster-0");
    char tiny[12];
    assert_false(rl_slurm_out_dir(&s, 1, "host", tiny, sizeof tiny)); /* does not fit */
}

static const char minimal[] = "{\"schema\": \"" RL_RESULTS_SCHEMA "\", \"cases\": []%s}";

static void results_json_round_trips_the_ids(void **state)
{
    (void)state;
    rl_results r;
    memset(&r, 0, sizeof r);
    snprintf(r.info.slurm.job_id, sizeof r.info.slurm.job_id, "1042");
    snprintf(r.info.slurm.array_task_id, sizeof r.info.slurm.array_task_id, "2");
    snprintf(r.info.slurm.node_list, sizeof r.info.slurm.node_list, "gpu[01-02]");
    char *text = rl_results_to_json(&r);
    assert_non_null(text);
    assert_non_null(strstr(text, "\"slurm\""));
    rl_results back;
    rl_err err;
    assert_int_equal(rl_results_parse_json(text, &back, &err), RL_OK);
    assert_string_equal(back.info.slurm.job_id, "1042");
    assert_string_equal(back.info.slurm.array_task_id, "2");
    assert_string_equal(back.info.slurm.node_list, "gpu[01-02]");
    rl_results_free(&back);
    free(text);

    /* outside Slurm: no block written; files without one (or with junk) read */
    memset(&r, 0, sizeof r);
    text = rl_results_to_json(&r);
    assert_null(strstr(text, "\"slurm\""));
    free(text);
    char doc[256];
    const char *tails[] = {"", ", \"slurm\": 7", ", \"slurm\": {\"job_id\": 5}", NULL};
    for (int i = 0; tails[i]; i++) {
        snprintf(doc, sizeof doc, minimal, tails[i]);
        assert_int_equal(rl_results_parse_json(doc, &back, &err), RL_OK);
        assert_string_equal(back.info.slurm.job_id, "");
        rl_results_free(&back);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(outside_slurm_nothing_is_recorded),
        cmocka_unit_test(array_task_names_the_array_job),
        cmocka_unit_test(node_job_names_the_rank),
        cmocka_unit_test(odd_ids_are_refused_not_rewritten),
        cmocka_unit_test(results_json_round_trips_the_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
