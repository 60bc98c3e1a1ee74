/* Stragglers of a merge: which hosts lag a case's median, by how much, and
 * the device state they recorded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/rl_stragglers.h"

/* Three hosts, two cases: host c runs case 0 at 70 % and case 1 at 95 % of
 * the median; host b alone ran case 2 (nothing to compare it with). */
static double rates0[] = {100, 101, 70}, rates1[] = {200, 190, 190}, rates2[] = {0, 5, 0};

static void make_merge(rl_merge *m, char (*hosts)[128], rl_merge_row *rows)
{
    memset(m, 0, sizeof *m);
    memset(rows, 0, 3 * sizeof *rows);
    snprintf(hosts[0], 128, "a");
    snprintf(hosts[1], 128, "b");
    snprintf(hosts[2], 128, "c");
    m->host_count = 3;
    m->hosts = hosts;
    m->rows = rows;
    m->count = 3;
    snprintf(rows[0].name, sizeof rows[0].name, "gemm/fp32/n=64");
    rows[0].rates = rates0;
    rows[0].hosts_with = 3;
    rows[0].median = 100;
    snprintf(rows[1].name, sizeof rows[1].name, "copy/fp32/n=64");
    rows[1].rates = rates1;
    rows[1].hosts_with = 3;
    rows[1].median = 190;
    snprintf(rows[2].name, sizeof rows[2].name, "triad/fp32/n=64");
    rows[2].rates = rates2;
    rows[2].hosts_with = 1;
    rows[2].median = 5;
}

static void slow_host_is_named_with_its_worst_case(void **state)
{
    (void)state;
    char hosts[3][128];
    rl_merge_row rows[3];
    rl_merge m;
    make_merge(&m, hosts, rows);
    rl_straggler s[3];
    assert_int_equal(rl_merge_stragglers(&m, s), 1);
    assert_int_equal(s[0].host, 2);
    assert_int_equal(s[0].lagging, 1);
    assert_int_equal(s[0].compared, 2); /* the case only host b ran does not count */
    assert_true(s[0].worst_ratio > 0.699 && s[0].worst_ratio < 0.701);
    assert_string_equal(s[0].worst_case, "gemm/fp32/n=64");

    /* within 10 %: nobody lags */
    rates0[2] = 91;
    assert_int_equal(rl_merge_stragglers(&m, s), 0);
    rates0[2] = 70;
}

static void report_carries_the_device_state(void **state)
{
    (void)state;
    char hosts[3][128];
    rl_merge_row rows[3];
    rl_merge m;
    make_merge(&m, hosts, rows);
    rl_results runs[3];
    for (int i = 0; i < 3; i++) {
        rl_results_init(&runs[i]);
        snprintf(runs[i].info.device, sizeof runs[i].info.device, "cuda:0");
    }
    runs[2].info.device_state_read = true;
    rl_device_state_unknown(&runs[2].info.device_start);
    rl_device_state_unknown(&runs[2].info.device_end);
    runs[2].info.device_end.sm_clock_mhz = 1005;
    runs[2].info.device_end.temperature_c = 87;
    rl_straggler s[3];
    size_t n = rl_merge_stragglers(&m, s);

    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    rl_stragglers_print(&m, s, n, runs, f);
    fclose(f);
    assert_non_null(strstr(text, "c (cuda:0): 1 of 2 cases lag, worst 0.70x the median on "
                                 "gemm/fp32/n=64"));
    assert_non_null(strstr(text, "SM clock 1005 MHz"));
    assert_non_null(strstr(text, "87 C"));
    free(text);

    char *json = rl_stragglers_json(&m, s, n, runs);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"clock_mhz\":\t1005"));
    assert_non_null(strstr(json, "\"worst_case\":\t\"gemm/fp32/n=64\""));
    assert_null(strstr(json, "copy/fp32")); /* 190/190: not lagging */
    free(json);

    runs[2].info.device_state_read = false; /* a CPU run: nothing recorded */
    json = rl_stragglers_json(&m, s, n, runs);
    assert_non_null(strstr(json, "\"device_state\":\tnull"));
    free(json);
    for (int i = 0; i < 3; i++)
        rl_results_free(&runs[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slow_host_is_named_with_its_worst_case),
        cmocka_unit_test(report_carries_the_device_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
