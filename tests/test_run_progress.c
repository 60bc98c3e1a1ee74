/* The progress line of `rooflab run`: its estimate of the time left, and
 * plain lines (no terminal control codes) when stderr is not a terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness/rl_run_progress.h"

static void eta_from_cases_done(void **state)
{
    (void)state;
    assert_true(rl_run_progress_eta(0, 10, 5.0) < 0); /* nothing measured yet */
    assert_float_equal(rl_run_progress_eta(2, 10, 4.0), 16.0, 1e-12);
    assert_float_equal(rl_run_progress_eta(10, 10, 7.0), 0.0, 1e-12);
    assert_true(rl_run_progress_eta(11, 10, 7.0) < 0);
}

static void one_plain_line_per_case_off_a_terminal(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    rl_run_progress p;
    rl_run_progress_start(&p, f, 3);
    assert_false(p.redraw);
    rl_run_progress_case(&p, 0, "gemm a");
    rl_run_progress_case(&p, 1, "gemm b");
    rl_run_progress_break(&p);
    rewind(f);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "[1/3] gemm a (estimating time left)\n");
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "[2/3] gemm b (about "));
    assert_non_null(strstr(line, "s left)\n"));
    assert_null(fgets(line, sizeof line, f)); /* break adds nothing to plain lines */
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eta_from_cases_done),
        cmocka_unit_test(one_plain_line_per_case_off_a_terminal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
