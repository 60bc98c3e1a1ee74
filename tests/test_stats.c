/* Summary statistics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/rl_test.h"

#include "model/rl_stats.h"

static void percentiles_interpolate(void **state)
{
    (void)state;
    double v[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    rl_stats s = rl_stats_compute(v, 10);
    assert_int_equal(s.count, 10);
    assert_near(s.median, 5.5, 1e-12);
    assert_near(s.p10, 1.9, 1e-12);
    assert_near(s.p90, 9.1, 1e-12);
    assert_near(s.min, 1.0, 0.0);
    assert_near(s.max, 10.0, 0.0);
    assert_near(s.mean, 5.5, 1e-12);
    /* sample standard deviation of 1..10 is sqrt(55/6) */
    assert_near(s.cv, 3.0276503540974917 / 5.5, 1e-12);
}

static void single_and_empty(void **state)
{
    (void)state;
    double one = 2.5;
    rl_stats s = rl_stats_compute(&one, 1);
    assert_near(s.median, 2.5, 0.0);
    assert_near(s.p10, 2.5, 0.0);
    assert_near(s.cv, 0.0, 0.0);
    rl_stats e = rl_stats_compute(NULL, 0);
    assert_int_equal(e.count, 0);
}

static void odd_count_median(void **state)
{
    (void)state;
    double v[] = {3, 1, 2};
    rl_stats s = rl_stats_compute(v, 3);
    assert_near(s.median, 2.0, 0.0);
    assert_near(rl_percentile_sorted(v, 3, 0.25), 1.5, 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(percentiles_interpolate),
        cmocka_unit_test(single_and_empty),
        cmocka_unit_test(odd_count_median),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
