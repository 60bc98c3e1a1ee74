/* New ceilings against the stored ones: which fell, the note in the source,
 * and reading the stored file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/rl_test.h"

#include "harness/rl_ceilings_drift.h"

static void add(rl_roof_set *set, bool memory, const char *name, const char *unit, double value,
                const char *source)
{
    rl_roof *r = memory ? &set->memory[set->memory_count++] : &set->compute[set->compute_count++];
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->unit, sizeof r->unit, "%s", unit);
    snprintf(r->source, sizeof r->source, "%s", source);
    r->value = value;
}

static void drops_below_the_ratio_only(void **state)
{
    (void)state;
    rl_roof_set before = {0}, now = {0};
    add(&before, true, "L1", "", 200e9, "");
    add(&before, true, "DRAM", "", 40e9, "");
    add(&before, false, "fp32", "simd", 218.3e9, "");
    add(&before, false, "fp32", "blas", 100e9, "");
    add(&now, true, "L1", "", 141e9, "");   /* 0.705x: within the spread */
    add(&now, true, "DRAM", "", 27.9e9, ""); /* 0.6975x: fell */
    add(&now, false, "fp32", "blas", 71e9, ""); /* 0.71x */
    add(&now, false, "fp32", "simd", 113.5e9, ""); /* the slow state: 0.52x */
    rl_ceiling_drop d[8];
    const int n = rl_ceilings_find_drops(&now, &before, RL_CEILINGS_DROP_RATIO, d, 8);
    assert_int_equal(n, 2);
    assert_true(d[0].memory);
    assert_int_equal(d[0].index, 1);
    assert_near(d[0].now, 27.9e9, 0);
    assert_near(d[0].before, 40e9, 0);
    assert_false(d[1].memory);
    assert_int_equal(d[1].index, 1); /* matched by unit, not by position */
    assert_near(d[1].before, 218.3e9, 0);
    /* at most max */
    assert_int_equal(rl_ceilings_find_drops(&now, &before, RL_CEILINGS_DROP_RATIO, d, 1), 1);
}

static void unmatched_ceilings_are_not_compared(void **state)
{
    (void)state;
    rl_roof_set before = {0}, now = {0};
    add(&before, false, "fp64", "simd", 1e15, "");
    add(&before, true, "fp32", "", 1e15, ""); /* a memory roof of a compute name */
    add(&now, false, "fp32", "simd", 1e9, "");
    add(&now, false, "fp64", "blas", 1e9, "");
    add(&now, true, "L2", "", 1e9, "");
    rl_ceiling_drop d[8];
    assert_int_equal(rl_ceilings_find_drops(&now, &before, RL_CEILINGS_DROP_RATIO, d, 8), 0);
    /* nothing stored: nothing fell */
    rl_roof_set empty = {0};
    assert_int_equal(rl_ceilings_find_drops(&now, &empty, RL_CEILINGS_DROP_RATIO, d, 8), 0);
}

static void threads_from_the_sources(void **state)
{
    (void)state;
    rl_roof_set set = {0};
    assert_int_equal(rl_ceilings_source_threads(&set), 0);
    add(&set, true, "L1", "", 1e9, "measured: fp32 triad sweep (cuda)");
    assert_int_equal(rl_ceilings_source_threads(&set), 0);
    add(&set, true, "DRAM", "", 1e9,
        "measured: fp32 copy, median of the points >= 4x the largest cache (16 threads); triad "
        "1.0 GB/s");
    assert_int_equal(rl_ceilings_source_threads(&set), 16);
}

static void note_fits_and_survives(void **state)
{
    (void)state;
    rl_roof r = {.value = 113.5e9};
    snprintf(r.source, sizeof r.source, "measured: fma probe fma/fp32/count=24576,iters=16384");
    rl_ceilings_note_drop(&r, false, 218.3e9, "2026-01-01T00:00:00Z");
    assert_string_equal(r.source, "measured: fma probe fma/fp32/count=24576,iters=16384; 0.52x "
                                  "the 218.3 GFLOP/s of 2026-01-01T00:00:00Z");
    /* no date stored */
    rl_roof m = {.value = 20e9};
    snprintf(m.source, sizeof m.source, "measured: x");
    rl_ceilings_note_drop(&m, true, 40e9, "");
    assert_string_equal(m.source, "measured: x; 0.50x the 40 GB/s");
    /* a long source is cut at a space, marked, and the note kept whole */
    rl_roof l = {.value = 20e9};
    memset(l.source, 'a', sizeof l.source - 1);
    memcpy(l.source, "measured: fp32 copy ", 20);
    rl_ceilings_note_drop(&l, true, 40e9, "2026-01-01T00:00:00Z\n");
    assert_true(strlen(l.source) < sizeof l.source);
    assert_string_equal(l.source, "measured: fp32 copy...; 0.50x the 40 GB/s of "
                                  "2026-01-01T00:00:00Z?");
}

/* A file under a fresh folder; its path in buf. */
static void write_file(char *dir, char *buf, size_t len, const char *text)
{
    snprintf(dir, 64, "/tmp/rl_drift_XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(buf, len, "%s/h-cpu.json", dir);
    FILE *f = fopen(buf, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_file(const char *dir, const char *path)
{
    unlink(path);
    rmdir(dir);
}

/* rl_ceilings_load_previous with its messages caught: returns them. */
static char *load_previous(const char *path, const rl_ceilings_record *now, bool *found)
{
    char *text = NULL;
    size_t len = 0;
    FILE *log = open_memstream(&text, &len);
    assert_non_null(log);
    rl_ceilings_record before;
    *found = rl_ceilings_load_previous(path, now, &before, log);
    fclose(log);
    return text;
}

static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void stored_file_read_or_said_why(void **state)
{
    (void)state;
    rl_ceilings_record now = {.host = "h", .device = "cpu"};
    char dir[64], path[128];
    bool found;
    /* none stored: nothing said */
    char *said = load_previous("/tmp/rl_drift_absent/none.json", &now, &found);
    assert_false(found);
    assert_string_equal(said, "");
    free(said);
    /* malformed: one line, then as if none */
    write_file(dir, path, sizeof path, "{\"schema\": \"rooflab.ceilings/1\", \"measured\": {");
    said = load_previous(path, &now, &found);
    assert_false(found);
    assert_int_equal(lines(said), 1);
    assert_non_null(strstr(said, "cannot compare with the stored ceilings"));
    free(said);
    remove_file(dir, path);
    /* another device's */
    write_file(dir, path, sizeof path,
               "{\"schema\": \"rooflab.ceilings/1\", \"host\": \"h\", \"device\": \"cuda:0\"}");
    said = load_previous(path, &now, &found);
    assert_false(found);
    assert_int_equal(lines(said), 1);
    free(said);
    remove_file(dir, path);
    /* this host and device's */
    write_file(dir, path, sizeof path,
               "{\"schema\": \"rooflab.ceilings/1\", \"host\": \"h\", \"device\": \"cpu\", "
               "\"measured\": {\"memory\": [{\"level\": \"DRAM\", \"byte_per_s\": 4e10}]}}");
    said = load_previous(path, &now, &found);
    assert_true(found);
    assert_string_equal(said, "");
    free(said);
    remove_file(dir, path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(drops_below_the_ratio_only),
        cmocka_unit_test(unmatched_ceilings_are_not_compared),
        cmocka_unit_test(threads_from_the_sources),
        cmocka_unit_test(note_fits_and_survives),
        cmocka_unit_test(stored_file_read_or_said_why),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
