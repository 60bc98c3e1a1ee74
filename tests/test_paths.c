/* Names from outside made safe in paths, and output folders refused before
 * anything is created when their files' paths would not fit. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "report/rl_ceilings_file.h"
#include "report/rl_results.h"

static void path_component_is_one_safe_name(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"node17", "node17"},
        {"gpu-a.cluster.example", "gpu-a.cluster.example"},
        {"../../x", "_._.._x"},
        {"..", "_."},
        {".", "_"},
        {"/etc/passwd", "_etc_passwd"},
        {"a b\tc\n", "a_b_c_"},
        {"cuda:0", "cuda-0"},
        {"\xff\xfe", "__"},
        {"", "unknown"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[72];
        rl_path_component(cases[i].in, buf, sizeof buf);
        assert_string_equal(buf, cases[i].want);
    }
    char longname[300], buf[72];
    memset(longname, 'h', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    rl_path_component(longname, buf, sizeof buf);
    assert_int_equal(strlen(buf), 64);
    char tiny[4];
    rl_path_component("abcdef", tiny, sizeof tiny);
    assert_string_equal(tiny, "abc");
}

static void ceilings_cache_stays_in_its_folder(void **state)
{
    (void)state;
    setenv("XDG_CACHE_HOME", "/cache", 1);
    char path[PATH_MAX];
    assert_int_equal(rl_ceilings_default_path("../../x", "cuda:0", path, sizeof path, NULL), RL_OK);
    assert_string_equal(path, "/cache/rooflab/ceilings/_._.._x-cuda-0.json");
    assert_int_equal(rl_ceilings_default_path("a/../../b", "../cpu", path, sizeof path, NULL),
                     RL_OK);
    assert_string_equal(path, "/cache/rooflab/ceilings/a_.._.._b-_._cpu.json");
    unsetenv("XDG_CACHE_HOME");
}

static void long_output_paths_are_refused_before_creating(void **state)
{
    (void)state;
    char base[] = "/tmp/rl_test_paths.XXXXXX";
    assert_non_null(mkdtemp(base));
    char path[2 * PATH_MAX];
    rl_err err;
    /* a component longer than NAME_MAX, below folders that do not exist */
    snprintf(path, sizeof path, "%s/a/b/", base);
    memset(path + strlen(path), 'n', NAME_MAX + 1);
    path[strlen(base) + 5 + NAME_MAX + 1] = '\0';
    assert_int_equal(rl_make_output_dir(path, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "too long"));
    /* a path whose files would pass PATH_MAX, in 21 short folders and more */
    size_t n = (size_t)snprintf(path, sizeof path, "%s", base);
    while (n < PATH_MAX - 40)
        n += (size_t)snprintf(path + n, sizeof path - n, "/%s", "ffffffffffffffffffff");
    assert_int_equal(rl_make_output_dir(path, &err), RL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "too long"));
    char probe[64];
    snprintf(probe, sizeof probe, "%s/a", base);
    struct stat st;
    assert_int_not_equal(stat(probe, &st), 0); /* nothing was created */
    snprintf(probe, sizeof probe, "%s/ffffffffffffffffffff", base);
    assert_int_not_equal(stat(probe, &st), 0);
    /* and a fitting one is made, writable, with no probe file left */
    snprintf(path, sizeof path, "%s/ok/deeper", base);
    assert_int_equal(rl_make_output_dir(path, &err), RL_OK);
    assert_int_equal(rmdir(path), 0); /* empty: the probe file is gone */
    snprintf(path, sizeof path, "%s/ok", base);
    assert_int_equal(rmdir(path), 0);
    assert_int_equal(rmdir(base), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(path_component_is_one_safe_name),
        cmocka_unit_test(ceilings_cache_stays_in_its_folder),
        cmocka_unit_test(long_output_paths_are_refused_before_creating),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
