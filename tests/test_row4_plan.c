/* The v4 row kernels' plan (kernels/cuda/rl_row4_plan.h), checked without a
 * GPU: every shape it picks holds the whole row, clusters stay within the
 * device's limit, and the lengths the plan is built for (vocabulary
 * softmax up to 256k columns on sm_90) stay on chip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>

#include "kernels/cuda/rl_row4_plan.h"

static const int elem_sizes[] = {2, 4};
static const int pack_caps[] = {8, 4, 2}; /* softmax, LayerNorm, residual + LayerNorm */
static const int cluster_limits[] = {1, 8, 16};

/* The most whole packs any row of cols elements has (aligned or not). */
static int64_t row_packs(int64_t cols, int elem) { return cols * elem / 16; }

static void every_shape_holds_its_row(void **state)
{
    (void)state;
    for (size_t e = 0; e < 2; e++)
        for (size_t p = 0; p < 3; p++)
            for (size_t c = 0; c < 3; c++)
                for (int64_t cols = 1; cols <= (1 << 20); cols += 1 + cols / 97) {
                    const rl_row4_plan_t pl =
                        rl_row4_plan(cols, elem_sizes[e], pack_caps[p], cluster_limits[c]);
                    if (pl.scope == ROW4_STREAM) {
                        assert_int_equal(pl.cluster, 1);
                        continue;
                    }
                    const int64_t threads = pl.scope == ROW4_WARP ? 32 : pl.threads;
                    assert_true(threads * pl.packs * pl.cluster >= row_packs(cols, elem_sizes[e]));
                    assert_true(pl.packs <= pack_caps[p]);
                    assert_true(pl.cluster >= 1 && pl.cluster <= cluster_limits[c]);
                    assert_true(pl.threads <= 1024);
                    if (pl.scope != ROW4_CLUSTER)
                        assert_int_equal(pl.cluster, 1);
                }
}

/* Lengths increase, shapes never step back from streaming to on chip. */
static void longer_rows_never_return_on_chip(void **state)
{
    (void)state;
    for (size_t e = 0; e < 2; e++)
        for (size_t p = 0; p < 3; p++)
            for (size_t c = 0; c < 3; c++) {
                bool streaming = false;
                for (int64_t cols = 1; cols <= (1 << 21); cols += 1 + cols / 61) {
                    const rl_row4_plan_t pl =
                        rl_row4_plan(cols, elem_sizes[e], pack_caps[p], cluster_limits[c]);
                    if (streaming)
                        assert_int_equal(pl.scope, ROW4_STREAM);
                    streaming = pl.scope == ROW4_STREAM;
                }
            }
}

static void vocabulary_rows_stay_on_chip_on_sm90(void **state)
{
    (void)state;
    /* Softmax, 16-bit and fp32, at the vocabularies of common models. */
    static const int64_t vocab[] = {32000, 32768, 50257, 128256, 131072, 151936, 262144};
    for (size_t i = 0; i < sizeof vocab / sizeof vocab[0]; i++) {
        const rl_row4_plan_t h = rl_row4_plan(vocab[i], 2, 8, 16);
        const rl_row4_plan_t f = rl_row4_plan(vocab[i], 4, 8, 16);
        assert_int_not_equal(h.scope, ROW4_STREAM);
        assert_int_not_equal(f.scope, ROW4_STREAM);
    }
    /* Exact boundaries: 256k fp32 is 16 CTAs x 1024 threads x 4 packs; one
     * more pack's worth of columns streams. 128k fp32 and 256k fp16 are 8. */
    rl_row4_plan_t pl = rl_row4_plan(262144, 4, 8, 16);
    assert_int_equal(pl.scope, ROW4_CLUSTER);
    assert_int_equal(pl.cluster, 16);
    assert_int_equal(rl_row4_plan(262144 + 4, 4, 8, 16).scope, ROW4_STREAM);
    assert_int_equal(rl_row4_plan(131072, 4, 8, 8).cluster, 8);
    assert_int_equal(rl_row4_plan(262144, 2, 8, 8).cluster, 8);
    /* Where the device takes no cluster over 8, 256k fp32 streams; with
     * none at all (sm_87), anything past one block's 128 KiB does. */
    assert_int_equal(rl_row4_plan(262144, 4, 8, 8).scope, ROW4_STREAM);
    assert_int_equal(rl_row4_plan(32768, 4, 8, 1).scope, ROW4_BLOCK);
    assert_int_equal(rl_row4_plan(32768 + 4, 4, 8, 1).scope, ROW4_STREAM);
}

static void short_rows_take_a_warp(void **state)
{
    (void)state;
    for (size_t e = 0; e < 2; e++)
        for (int64_t cols = 1; cols * elem_sizes[e] <= 2048; cols++)
            assert_int_equal(rl_row4_plan(cols, elem_sizes[e], 8, 1).scope, ROW4_WARP);
    assert_int_equal(rl_row4_plan(1032, 2, 8, 1).scope, ROW4_BLOCK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_shape_holds_its_row),
        cmocka_unit_test(longer_rows_never_return_on_chip),
        cmocka_unit_test(vocabulary_rows_stay_on_chip_on_sm90),
        cmocka_unit_test(short_rows_take_a_warp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
