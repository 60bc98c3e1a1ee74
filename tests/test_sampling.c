/* The stopping rule of a case's sampling (harness/sampling.c), driven by a
 * fake sample source: a deterministic sequence of times and a clock that
 * advances by the samples' sum plus a fixed cost per repetition. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/rl_test.h"

#include <stdlib.h>
#include <string.h>

#include "harness/rl_sampling.h"
#include "model/rl_stats.h"

typedef struct fake_source {
    double (*value)(size_t i); /* the i-th sample */
    size_t per_repetition;
    double overhead_s; /* clock cost of a repetition beyond its samples */
    double *samples;
    size_t count;
    double clock_s;
    int fail_at; /* a repetition that fails (0: none) */
    int repetitions;
} fake_source;

static rl_status fake_repetition(void *ctx, rl_err *err)
{
    fake_source *f = ctx;
    if (++f->repetitions == f->fail_at)
        return rl_fail(err, RL_ERR_DEVICE, "device lost");
    f->samples = realloc(f->samples, (f->count + f->per_repetition) * sizeof *f->samples);
    for (size_t i = 0; i < f->per_repetition; i++) {
        const double v = f->value(f->count);
        f->samples[f->count++] = v;
        f->clock_s += v;
    }
    f->clock_s += f->overhead_s;
    return RL_OK;
}

static const double *fake_samples(void *ctx, size_t *n)
{
    fake_source *f = ctx;
    *n = f->count;
    return f->samples;
}

static double fake_now(void *ctx)
{
    return ((fake_source *)ctx)->clock_s;
}

static rl_sampling_outcome run(fake_source *f, const rl_stop_rule *rule, rl_status *status)
{
    rl_sample_source src = {fake_repetition, fake_samples, fake_now, f};
    rl_sampling_outcome out;
    rl_err err;
    *status = rl_sample_until(rule, &src, &out, &err);
    return out;
}

/* 1 ms +/- 0.3 %: a quiet device */
static double quiet(size_t i)
{
    return 1e-3 * (1.0 + 0.003 * ((double)((i * 7) % 5) - 2.0) / 2.0);
}

/* two modes, 1 ms and 2 ms, alternating: the median never settles */
static double bimodal(size_t i)
{
    return i % 2 ? 2e-3 : 1e-3;
}

/* 1 ms with a spread of +/- 20 % that shrinks in the median as samples grow */
static double spread(size_t i)
{
    return 1e-3 * (1.0 + 0.2 * ((double)((i * 37) % 101) / 50.0 - 1.0));
}

static const rl_stop_rule default_rule = {.max_noise = 0.01,
                                          .timeout_s = 2.0,
                                          .min_repetitions = 5,
                                          .min_samples = 10,
                                          .max_repetitions = 100};

static void stops_on_noise_at_the_minimum(void **state)
{
    (void)state;
    fake_source f = {.value = quiet, .per_repetition = 50};
    rl_status s;
    rl_sampling_outcome o = run(&f, &default_rule, &s);
    assert_int_equal(s, RL_OK);
    assert_int_equal(o.reason, RL_STOP_NOISE);
    assert_int_equal(o.repetitions, 5); /* quiet from the first: the minimum decides */
    assert_true(o.noise <= 0.01);
    assert_string_equal(rl_stop_reason_name(o.reason), "noise target");
    free(f.samples);
}

static void keeps_sampling_until_the_median_settles(void **state)
{
    (void)state;
    /* 50 samples a repetition spread over +/-20 %: 5 repetitions leave the
     * median known to a few percent; it takes more to reach 1 % */
    fake_source f = {.value = spread, .per_repetition = 50};
    rl_status s;
    rl_sampling_outcome o = run(&f, &default_rule, &s);
    assert_int_equal(o.reason, RL_STOP_NOISE);
    assert_true(o.repetitions > 5);
    assert_true(o.repetitions < 100);
    assert_true(o.noise <= 0.01);
    /* and one repetition fewer was not yet enough */
    double *sorted = malloc((f.count - 50) * sizeof *sorted);
    memcpy(sorted, f.samples, (f.count - 50) * sizeof *sorted);
    double before;
    assert_int_equal(rl_stop_check(&default_rule, sorted, f.count - 50, o.repetitions - 1, 0.0,
                                   &before),
                     RL_STOP_NONE);
    assert_true(before > 0.01);
    free(sorted);
    free(f.samples);
}

static void stops_on_timeout(void **state)
{
    (void)state;
    /* 50 samples of 1-2 ms (75 ms) and 26 ms of overhead: 0.101 s a
     * repetition, so the 2 s limit passes with the 20th */
    fake_source f = {.value = bimodal, .per_repetition = 50, .overhead_s = 0.026};
    rl_status s;
    rl_sampling_outcome o = run(&f, &default_rule, &s);
    assert_int_equal(o.reason, RL_STOP_TIMEOUT);
    assert_int_equal(o.repetitions, 20);
    assert_near(o.elapsed_s, 2.02, 1e-9);
    assert_true(o.noise > 0.01);
    free(f.samples);
}

static void timeout_waits_for_the_minimum(void **state)
{
    (void)state;
    /* a repetition of 1 s passes the 0.5 s limit at once: the minimum of 5 still runs */
    fake_source f = {.value = bimodal, .per_repetition = 2, .overhead_s = 1.0};
    rl_stop_rule rule = default_rule;
    rule.timeout_s = 0.5;
    rl_status s;
    rl_sampling_outcome o = run(&f, &rule, &s);
    assert_int_equal(o.reason, RL_STOP_TIMEOUT);
    assert_int_equal(o.repetitions, 5);
    free(f.samples);
}

static void stops_at_the_repetition_cap(void **state)
{
    (void)state;
    /* ROOFLAB_MAX_REPS=2 makes min = max = 2: the cap, whatever the noise */
    fake_source f = {.value = bimodal, .per_repetition = 2};
    rl_stop_rule rule = default_rule;
    rule.min_repetitions = rule.max_repetitions = 2;
    rl_status s;
    rl_sampling_outcome o = run(&f, &rule, &s);
    assert_int_equal(o.reason, RL_STOP_MAX_REPETITIONS);
    assert_int_equal(o.repetitions, 2);
    assert_int_equal(f.count, 4);
    assert_string_equal(rl_stop_reason_name(o.reason), "max repetitions");
    free(f.samples);
    /* no target and no limit: exactly the minimum, as before the rule */
    fake_source g = {.value = quiet, .per_repetition = 3};
    rl_stop_rule fixed = {.min_repetitions = 5, .max_repetitions = 5};
    o = run(&g, &fixed, &s);
    assert_int_equal(o.reason, RL_STOP_MAX_REPETITIONS);
    assert_int_equal(o.repetitions, 5);
    free(g.samples);
}

static void min_samples_hold_back_the_noise_stop(void **state)
{
    (void)state;
    /* two identical samples a repetition: noise 0 at once, but 10 samples first */
    fake_source f = {.value = quiet, .per_repetition = 1};
    rl_stop_rule rule = default_rule;
    rule.min_repetitions = 1;
    rl_status s;
    rl_sampling_outcome o = run(&f, &rule, &s);
    assert_int_equal(o.reason, RL_STOP_NOISE);
    assert_int_equal(o.repetitions, 10);
    free(f.samples);
}

static void a_failing_repetition_ends_it(void **state)
{
    (void)state;
    fake_source f = {.value = bimodal, .per_repetition = 5, .fail_at = 3};
    rl_status s;
    rl_sampling_outcome o = run(&f, &default_rule, &s);
    assert_int_equal(s, RL_ERR_DEVICE);
    assert_int_equal(o.reason, RL_STOP_NONE);
    assert_int_equal(o.repetitions, 2);
    free(f.samples);
}

static void median_noise_is_the_confidence_interval(void **state)
{
    (void)state;
    /* n = 100: ranks floor(50 - 9.8) = 40 and ceil(1 + 50 + 9.8) = 61 (1-based) of 1..100 */
    double v[100];
    for (int i = 0; i < 100; i++)
        v[i] = i + 1;
    assert_near(rl_median_noise(v, 100), (61.0 - 40.0) / (2 * 50.5), 1e-12);
    /* few samples: the whole range */
    double w[] = {1, 2, 4};
    assert_near(rl_median_noise(w, 3), (4.0 - 1.0) / (2 * 2.0), 1e-12);
    assert_true(isinf(rl_median_noise(w, 1)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stops_on_noise_at_the_minimum),
        cmocka_unit_test(keeps_sampling_until_the_median_settles),
        cmocka_unit_test(stops_on_timeout),
        cmocka_unit_test(timeout_waits_for_the_minimum),
        cmocka_unit_test(stops_at_the_repetition_cap),
        cmocka_unit_test(min_samples_hold_back_the_noise_stop),
        cmocka_unit_test(a_failing_repetition_ends_it),
        cmocka_unit_test(median_noise_is_the_confidence_interval),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
