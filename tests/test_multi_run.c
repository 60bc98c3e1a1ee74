/* The multi-device runner (run --device cuda:all) without a GPU: the real
 * rooflab binary on doubles of a GPU (the CPU backend, once per "device";
 * an unknown device name fails on purpose). Checks that every device runs
 * in its own process, at the same time as the others, into its own complete
 * folder; that the merge names each; that one device failing leaves the
 * others' results and says so; and that a stop keeps what each finished. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness/rl_multi_run.h"
#include "report/rl_json_read.h"
#include "report/rl_results.h"

static char *tiny_args[] = {"--suite", "tiny", "--ops", "copy,triad", "--threads", "1",
                            "--repetitions", "1"};

static char *make_root(void)
{
    static char root[64];
    snprintf(root, sizeof root, "/tmp/rl_multi_XXXXXX");
    assert_non_null(mkdtemp(root));
    return root;
}

static void remove_tree(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static rl_multi_device device(const char *dev, const char *label)
{
    rl_multi_device d;
    memset(&d, 0, sizeof d);
    snprintf(d.device, sizeof d.device, "%s", dev);
    snprintf(d.label, sizeof d.label, "%s", label);
    return d;
}

static void load(const char *root, const char *label, rl_results *r)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s/results.json", root, label);
    rl_err err;
    rl_results_init(r);
    if (rl_results_read_json(path, r, &err) != RL_OK)
        fail_msg("%s: %s", path, err.msg);
}

/* merged/merge.json's "hosts": the names of the runs merged. */
static size_t merged_names(const char *root, char names[][128], size_t max)
{
    char path[256], *text;
    size_t len, n = 0;
    rl_err err;
    snprintf(path, sizeof path, "%s/merged/merge.json", root);
    if (rl_read_text_file(path, 1 << 20, &text, &len, &err) != RL_OK)
        fail_msg("%s", err.msg);
    cJSON *json = cJSON_Parse(text);
    free(text);
    assert_non_null(json);
    const cJSON *h;
    cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(json, "hosts"))
        if (cJSON_IsString(h) && n < max)
            snprintf(names[n++], 128, "%s", h->valuestring);
    cJSON_Delete(json);
    return n;
}

static bool exists(const char *root, const char *name)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", root, name);
    return stat(path, &st) == 0;
}

static rl_multi_spec spec_for(const char *root, const volatile sig_atomic_t *stop)
{
    rl_multi_spec s = {.program = ROOFLAB_BINARY,
                       .args = tiny_args,
                       .arg_count = (int)(sizeof tiny_args / sizeof tiny_args[0]),
                       .root = root,
                       .stop = stop};
    return s;
}

static void every_device_runs_at_once_in_its_own_process(void **state)
{
    (void)state;
    setenv("ROOFLAB_MAX_REPS", "1", 1);
    const char *root = make_root();
    rl_multi_device d[2] = {device("cpu", "gpu0"), device("cpu", "gpu1")};
    static volatile sig_atomic_t stop = 0;
    const rl_multi_spec spec = spec_for(root, &stop);
    rl_err err = {{0}};
    const int code = rl_multi_run(&spec, d, 2, &err);
    assert_int_equal(code, 0);
    /* one process each, none of them this one */
    assert_true(d[0].pid != 0 && d[1].pid != 0);
    assert_int_not_equal(d[0].pid, d[1].pid);
    assert_int_not_equal(-d[0].pid, getpid());
    /* at the same time: each started before the other ended */
    assert_true(d[0].start_s < d[1].end_s && d[1].start_s < d[0].end_s);
    /* each folder a complete, valid results set of its own */
    for (int i = 0; i < 2; i++) {
        rl_results r;
        load(root, d[i].label, &r);
        assert_true(r.complete);
        assert_true(r.count >= 2);
        assert_string_equal(r.info.device, "cpu");
        for (size_t k = 0; k < r.count; k++)
            assert_int_equal(r.cases[k].outcome, RL_CASE_OK);
        rl_results_free(&r);
        char name[64];
        snprintf(name, sizeof name, "%s/report.html", d[i].label);
        assert_true(exists(root, name));
        assert_int_equal(d[i].exit_code, 0);
        assert_true(d[i].has_results);
    }
    /* the merged report names both */
    char names[4][128];
    assert_int_equal(merged_names(root, names, 4), 2);
    /* one host, one kind of device twice: "host" and "host#2" */
    assert_non_null(strstr(names[1], "#2"));
    assert_string_not_equal(names[0], names[1]);
    assert_true(exists(root, "merged/report.html"));
    assert_true(exists(root, "merged/spread.svg"));
    assert_true(exists(root, "merged/stragglers.json"));
    remove_tree(root);
}

static void a_failing_device_leaves_the_others_intact(void **state)
{
    (void)state;
    setenv("ROOFLAB_MAX_REPS", "1", 1);
    const char *root = make_root();
    /* "bogus" is a device the run refuses: a device that fails on purpose */
    rl_multi_device d[2] = {device("cpu", "gpu0"), device("bogus", "gpu1")};
    static volatile sig_atomic_t stop = 0;
    const rl_multi_spec spec = spec_for(root, &stop);
    rl_err err = {{0}};
    const int code = rl_multi_run(&spec, d, 2, &err);
    assert_int_equal(code, 2);
    assert_non_null(strstr(err.msg, "the others' results are intact"));
    assert_int_equal(d[0].exit_code, 0);
    assert_int_equal(d[1].exit_code, 2);
    assert_non_null(strstr(d[1].last_line, "unknown device 'bogus'"));
    rl_results r;
    load(root, "gpu0", &r);
    assert_true(r.complete);
    rl_results_free(&r);
    assert_false(exists(root, "gpu1/results.json"));
    char names[4][128];
    assert_int_equal(merged_names(root, names, 4), 1);
    remove_tree(root);
}

static void two_devices_never_share_a_folder(void **state)
{
    (void)state;
    const char *root = make_root();
    rl_multi_device d[2] = {device("cpu", "same"), device("cpu", "same")};
    static volatile sig_atomic_t stop = 0;
    const rl_multi_spec spec = spec_for(root, &stop);
    rl_err err = {{0}};
    assert_int_equal(rl_multi_run(&spec, d, 2, &err), 2);
    assert_non_null(strstr(err.msg, "one folder"));
    assert_false(exists(root, "same"));
    remove_tree(root);
}

/* Sets the stop flag once every device has written its first case. */
typedef struct stopper {
    const char *root;
    volatile sig_atomic_t *stop;
} stopper;

static void *stop_after_first_cases(void *arg)
{
    stopper *s = arg;
    for (int i = 0; i < 6000; i++) { /* at most 60 s */
        if (exists(s->root, "gpu0/results.json") && exists(s->root, "gpu1/results.json"))
            break;
        const struct timespec tick = {0, 10 * 1000 * 1000};
        nanosleep(&tick, NULL);
    }
    *s->stop = SIGTERM;
    return NULL;
}

static void a_stop_keeps_what_each_device_finished(void **state)
{
    (void)state;
    unsetenv("ROOFLAB_MAX_REPS");
    const char *root = make_root();
    rl_multi_device d[2] = {device("cpu", "gpu0"), device("cpu", "gpu1")};
    static volatile sig_atomic_t stop = 0;
    static char *long_args[] = {"--suite", "tiny", "--threads", "1", "--repetitions", "20"};
    rl_multi_spec spec = spec_for(root, &stop);
    spec.args = long_args;
    spec.arg_count = (int)(sizeof long_args / sizeof long_args[0]);
    stopper s = {root, &stop};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, stop_after_first_cases, &s), 0);
    rl_err err = {{0}};
    const int code = rl_multi_run(&spec, d, 2, &err);
    pthread_join(t, NULL);
    assert_int_equal(code, 128 + SIGTERM);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(d[i].exit_code, 128 + SIGTERM);
        rl_results r;
        load(root, d[i].label, &r);
        assert_false(r.complete);
        assert_true(r.count >= 1);
        rl_results_free(&r);
    }
    char names[4][128];
    assert_int_equal(merged_names(root, names, 4), 2);
    remove_tree(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_device_runs_at_once_in_its_own_process),
        cmocka_unit_test(a_failing_device_leaves_the_others_intact),
        cmocka_unit_test(two_devices_never_share_a_folder),
        cmocka_unit_test(a_stop_keeps_what_each_device_finished),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
