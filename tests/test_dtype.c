/* Storage-type conversions: known bit patterns, round-to-nearest-even ties,
 * overflow, subnormals, NaN, and exact round trips of every pattern. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "kernels/rl_dtype.h"
#include "tests/rl_test.h"

/* One double through dtype t and back. */
static double through(rl_dtype t, double x)
{
    unsigned char buf[8];
    double back;
    rl_dtype_from_f64(t, buf, &x, 1);
    rl_dtype_to_f64(t, &back, buf, 1);
    return back;
}

static uint16_t f64_to_f16_bits(double x)
{
    uint16_t h;
    rl_dtype_from_f64(RL_DT_F16, &h, &x, 1);
    return h;
}

static void f16_known_patterns(void **state)
{
    (void)state;
    assert_int_equal(rl_f32_to_f16(1.0f), 0x3C00);
    assert_int_equal(rl_f32_to_f16(-2.0f), 0xC000);
    assert_int_equal(rl_f32_to_f16(0.0f), 0x0000);
    assert_int_equal(rl_f32_to_f16(-0.0f), 0x8000);
    assert_int_equal(rl_f32_to_f16(65504.0f), 0x7BFF);
    assert_int_equal(rl_f32_to_f16(0x1p-14f), 0x0400);   /* smallest normal */
    assert_int_equal(rl_f32_to_f16(0x1p-24f), 0x0001);   /* smallest subnormal */
    assert_int_equal(rl_f32_to_f16(0x1.8p-24f), 0x0002); /* 1.5 ulp: up to even */
    assert_int_equal(rl_f32_to_f16(0x1p-25f), 0x0000);   /* half of it: tie to 0 */
    assert_int_equal(rl_f32_to_f16(0x1.01p-25f), 0x0001);
    assert_int_equal(rl_f32_to_f16(INFINITY), 0x7C00);
    assert_int_equal(rl_f32_to_f16(-INFINITY), 0xFC00);
    assert_true(isnan(rl_f16_to_f32(rl_f32_to_f16(NAN))));
    assert_near(rl_f16_to_f32(0x3555), 0.333251953125, 0);
    assert_true(isinf(rl_f16_to_f32(0x7C00)));
}

static void f16_rounds_to_nearest_even(void **state)
{
    (void)state;
    /* Halfway between 1 and 1 + 2^-10 goes down to the even 1; halfway
     * between 1 + 2^-10 (odd) and 1 + 2^-9 goes up. */
    assert_int_equal(rl_f32_to_f16(1.0f + 0x1p-11f), 0x3C00);
    assert_int_equal(rl_f32_to_f16(1.0f + 0x3p-11f), 0x3C02);
    assert_int_equal(rl_f32_to_f16(1.0f + 0x1.2p-11f), 0x3C01);
    /* Overflow: 65519 rounds to the max, 65520 (the tie) to infinity. */
    assert_int_equal(rl_f32_to_f16(65519.0f), 0x7BFF);
    assert_int_equal(rl_f32_to_f16(65520.0f), 0x7C00);
    /* A carry out of the mantissa bumps the exponent: 2 - 2^-12 -> 2. */
    assert_int_equal(rl_f32_to_f16(2.0f - 0x1p-12f), 0x4000);
    /* Doubles are rounded once: just above a tie must round up, where
     * going through float first would land on the tie and round to even. */
    assert_int_equal(f64_to_f16_bits(1.0 + 0x1p-11 + 0x1p-40), 0x3C01);
}

static void bf16_known_patterns(void **state)
{
    (void)state;
    assert_int_equal(rl_f32_to_bf16(1.0f), 0x3F80);
    assert_int_equal(rl_f32_to_bf16(-1.0f), 0xBF80);
    assert_int_equal(rl_f32_to_bf16(3.14159265f), 0x4049);
    assert_int_equal(rl_f32_to_bf16(1.0f + 0x1p-8f), 0x3F80); /* tie to even */
    assert_int_equal(rl_f32_to_bf16(1.0f + 0x3p-8f), 0x3F82); /* tie to even, up */
    assert_int_equal(rl_f32_to_bf16(0x1.fep127f), 0x7F7F);    /* largest bf16 */
    assert_int_equal(rl_f32_to_bf16(0x1.ffp127f), 0x7F80);    /* tie past it: inf */
    assert_int_equal(rl_f32_to_bf16(INFINITY), 0x7F80);
    assert_true(isnan(rl_bf16_to_f32(rl_f32_to_bf16(NAN))));
    assert_int_equal(rl_f32_to_bf16(0x1p-133f), 0x0001); /* smallest subnormal */
    assert_near(rl_bf16_to_f32(0x4049), 3.140625, 0);
}

static void e4m3_known_patterns(void **state)
{
    (void)state;
    assert_int_equal(rl_f32_to_e4m3(1.0f), 0x38);
    assert_int_equal(rl_f32_to_e4m3(-1.0f), 0xB8);
    assert_int_equal(rl_f32_to_e4m3(448.0f), 0x7E);
    assert_int_equal(rl_f32_to_e4m3(0.0f), 0x00);
    assert_int_equal(rl_f32_to_e4m3(0x1p-9f), 0x01);   /* smallest subnormal */
    assert_int_equal(rl_f32_to_e4m3(0x1p-6f), 0x08);   /* smallest normal */
    assert_int_equal(rl_f32_to_e4m3(1.0625f), 0x38);   /* tie: down to even */
    assert_int_equal(rl_f32_to_e4m3(1.1875f), 0x3A);   /* tie: up to even */
    assert_int_equal(rl_f32_to_e4m3(0.3f), 0x2A);      /* 0.3 -> 0.3125 */
    /* No infinity: overflow saturates to +-448. */
    assert_int_equal(rl_f32_to_e4m3(464.0f), 0x7E);
    assert_int_equal(rl_f32_to_e4m3(1000.0f), 0x7E);
    assert_int_equal(rl_f32_to_e4m3(-1e6f), 0xFE);
    assert_int_equal(rl_f32_to_e4m3(INFINITY), 0x7E);
    assert_int_equal(rl_f32_to_e4m3(NAN), 0x7F);
    assert_true(isnan(rl_e4m3_to_f32(0x7F)));
    assert_true(isnan(rl_e4m3_to_f32(0xFF)));
    assert_near(rl_e4m3_to_f32(0x7E), 448.0, 0);
    assert_near(rl_e4m3_to_f32(0xFE), -448.0, 0);
    assert_near(rl_e4m3_to_f32(0x2A), 0.3125, 0);
}

/* Every finite pattern decodes and encodes back to itself; NaNs stay NaN. */
static void every_pattern_round_trips(void **state)
{
    (void)state;
    for (uint32_t v = 0; v < 0x10000; v++) {
        const float h = rl_f16_to_f32((uint16_t)v), b = rl_bf16_to_f32((uint16_t)v);
        if (isnan(h))
            assert_true(isnan(rl_f16_to_f32(rl_f32_to_f16(h))));
        else
            assert_int_equal(rl_f32_to_f16(h), v);
        if (isnan(b))
            assert_true(isnan(rl_bf16_to_f32(rl_f32_to_bf16(b))));
        else
            assert_int_equal(rl_f32_to_bf16(b), v);
    }
    int nans = 0;
    for (uint32_t v = 0; v < 0x100; v++) {
        const float e = rl_e4m3_to_f32((uint8_t)v);
        if (isnan(e))
            nans++;
        else
            assert_int_equal(rl_f32_to_e4m3(e), v);
    }
    assert_int_equal(nans, 2);
    /* The array forms agree with the scalar ones. */
    double in[] = {0.1, -3.7, 1e-6, 70000.0}, out[4];
    uint16_t h16[4];
    rl_dtype_from_f64(RL_DT_F16, h16, in, 4);
    rl_dtype_to_f64(RL_DT_F16, out, h16, 4);
    for (int i = 0; i < 4; i++)
        assert_true(out[i] == rl_f16_to_f32(rl_f32_to_f16((float)in[i])));
    assert_true(isinf(out[3]));
}

static void f32_and_f64(void **state)
{
    (void)state;
    assert_near(through(RL_DT_F64, 0.1), 0.1, 0);
    assert_near(through(RL_DT_F32, 0.1), (double)0.1f, 0);
    assert_near(through(RL_DT_F32, 1.0 + 0x1p-24), 1.0, 0);           /* tie to even */
    assert_near(through(RL_DT_F32, 1.0 + 0x3p-24), 1.0 + 0x1p-22, 0); /* tie up */
}

static void integers_round_and_clamp(void **state)
{
    (void)state;
    assert_near(through(RL_DT_I8, 2.5), 2, 0);
    assert_near(through(RL_DT_I8, 3.5), 4, 0);
    assert_near(through(RL_DT_I8, -2.5), -2, 0);
    assert_near(through(RL_DT_I8, -2.6), -3, 0);
    assert_near(through(RL_DT_I8, 200), 127, 0);
    assert_near(through(RL_DT_I8, -200), -128, 0);
    assert_near(through(RL_DT_I8, NAN), 0, 0);
    assert_near(through(RL_DT_I32, 1e12), 2147483647.0, 0);
    assert_near(through(RL_DT_I32, -1e12), -2147483648.0, 0);
    assert_near(through(RL_DT_I32, 123456.5), 123456, 0);
    assert_near(through(RL_DT_I32, -7), -7, 0);
}

static void epsilons(void **state)
{
    (void)state;
    assert_near(rl_dtype_epsilon(RL_DT_F64), 0x1p-52, 0);
    assert_near(rl_dtype_epsilon(RL_DT_F32), 0x1p-23, 0);
    assert_near(rl_dtype_epsilon(RL_DT_F16), 0x1p-10, 0);
    assert_near(rl_dtype_epsilon(RL_DT_BF16), 0x1p-7, 0);
    assert_near(rl_dtype_epsilon(RL_DT_E4M3), 0x1p-3, 0);
    assert_near(rl_dtype_epsilon(RL_DT_I8), 0, 0);
    assert_near(rl_dtype_epsilon(RL_DT_I32), 0, 0);
    /* The spacing above 1 is what the encoders produce. */
    assert_near(through(RL_DT_F16, 1.0 + 0x1p-10), 1.0 + rl_dtype_epsilon(RL_DT_F16), 0);
    assert_near(through(RL_DT_BF16, 1.0 + 0x1p-7), 1.0 + rl_dtype_epsilon(RL_DT_BF16), 0);
    assert_near(through(RL_DT_E4M3, 1.0 + 0x1p-3), 1.0 + rl_dtype_epsilon(RL_DT_E4M3), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(f16_known_patterns),
        cmocka_unit_test(f16_rounds_to_nearest_even),
        cmocka_unit_test(bf16_known_patterns),
        cmocka_unit_test(e4m3_known_patterns),
        cmocka_unit_test(every_pattern_round_trips),
        cmocka_unit_test(f32_and_f64),
        cmocka_unit_test(integers_round_and_clamp),
        cmocka_unit_test(epsilons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
