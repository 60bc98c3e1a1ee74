/* Host-side conversions between doubles and every storage type.
 *
 * The narrow float types (f16, bf16, e4m3) share one encoder that works on
 * the bits of a double: it rounds the 53-bit significand to the target's
 * width, to nearest with ties to even, directly from the double, so a value
 * is rounded once and never twice (double -> float -> half can differ from
 * double -> half). Subnormals of the target are produced; doubles far below
 * them round to zero. */
#include "kernels/rl_dtype.h"

#include <math.h>
#include <string.h>

/* A narrow binary float format. */
typedef struct minifloat {
    int mbits;         /* stored mantissa bits */
    int bias;          /* exponent bias */
    uint32_t max_bits; /* bit pattern (without sign) of the largest finite value */
    uint32_t inf_bits; /* pattern of infinity, or 0 when the format saturates */
    uint32_t nan_bits; /* pattern of a quiet NaN */
    int width;         /* total bits, sign included */
} minifloat;

static const minifloat F16 = {10, 15, 0x7BFF, 0x7C00, 0x7E00, 16};
static const minifloat BF16 = {7, 127, 0x7F7F, 0x7F80, 0x7FC0, 16};
/* OCP FP8 E4M3: no infinity; S.1111.111 is NaN, so the largest finite value
 * is S.1111.110 = 448. Out-of-range values and infinities saturate to +-448,
 * as the saturating conversions of the GPUs do. */
static const minifloat E4M3 = {3, 7, 0x7E, 0, 0x7F, 8};

static uint64_t f64_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static uint32_t encode(const minifloat *f, double x)
{
    const uint64_t u = f64_bits(x);
    const uint32_t sign = (uint32_t)(u >> 63) << (f->width - 1);
    const int exp_field = (int)((u >> 52) & 0x7FF);
    const uint64_t frac = u & ((UINT64_C(1) << 52) - 1);

    if (exp_field == 0x7FF) {
        if (frac != 0)
            return sign | f->nan_bits;
        return sign | (f->inf_bits ? f->inf_bits : f->max_bits);
    }
    if (exp_field == 0) /* zero or a double subnormal: far below any target */
        return sign;

    const int e = exp_field - 1023; /* x = 1.frac * 2^e */
    const int emin = 1 - f->bias;   /* the target's smallest normal exponent */
    const uint64_t sig = (UINT64_C(1) << 52) | frac;
    /* Bits to drop: the surplus of precision, plus the shift into the
     * target's subnormal range when e is below emin. */
    int shift = 52 - f->mbits + (e < emin ? emin - e : 0);
    if (shift > 53) /* below half the smallest subnormal: rounds to zero */
        return sign;
    uint64_t q = sig >> shift;
    const uint64_t rem = sig & ((UINT64_C(1) << shift) - 1);
    const uint64_t half = UINT64_C(1) << (shift - 1);
    if (rem > half || (rem == half && (q & 1)))
        q++;

    /* Subnormal: q is the whole pattern (q == 2^mbits is the smallest normal,
     * which the same pattern spells). Normal: exponent and mantissa, where a
     * carry out of the mantissa bumps the exponent by itself. */
    uint64_t bits;
    if (e < emin)
        bits = q;
    else
        bits = ((uint64_t)(e + f->bias) << f->mbits) + q - (UINT64_C(1) << f->mbits);
    if (bits > f->max_bits)
        bits = f->inf_bits ? f->inf_bits : f->max_bits;
    return sign | (uint32_t)bits;
}

static double decode(const minifloat *f, uint32_t v)
{
    const uint32_t mag = v & ((1u << (f->width - 1)) - 1);
    const bool negative = (v >> (f->width - 1)) & 1;
    double x;
    if (f->inf_bits && mag >= f->inf_bits)
        x = mag == f->inf_bits ? INFINITY : NAN;
    else if (!f->inf_bits && mag == f->nan_bits)
        x = NAN;
    else {
        const uint32_t exp_field = mag >> f->mbits;
        const uint32_t mant = mag & ((1u << f->mbits) - 1);
        if (exp_field == 0)
            x = ldexp((double)mant, 1 - f->bias - f->mbits);
        else
            x = ldexp((double)(mant | (1u << f->mbits)), (int)exp_field - f->bias - f->mbits);
    }
    return negative ? -x : x;
}

uint16_t rl_f32_to_f16(float x) { return (uint16_t)encode(&F16, x); }
float rl_f16_to_f32(uint16_t h) { return (float)decode(&F16, h); }
uint16_t rl_f32_to_bf16(float x) { return (uint16_t)encode(&BF16, x); }
float rl_bf16_to_f32(uint16_t h) { return (float)decode(&BF16, h); }
uint8_t rl_f32_to_e4m3(float x) { return (uint8_t)encode(&E4M3, x); }
float rl_e4m3_to_f32(uint8_t v) { return (float)decode(&E4M3, v); }

/* Round to nearest even and clamp into [lo, hi]; NaN becomes 0. */
static double round_clamp(double x, double lo, double hi)
{
    if (isnan(x))
        return 0.0;
    x = nearbyint(x);
    return x < lo ? lo : x > hi ? hi : x;
}

void rl_dtype_from_f64(rl_dtype t, void *dst, const double *src, size_t n)
{
    switch (t) {
    case RL_DT_F64: memcpy(dst, src, n * sizeof(double)); break;
    case RL_DT_F32: {
        float *d = dst;
        for (size_t i = 0; i < n; i++)
            d[i] = (float)src[i];
        break;
    }
    case RL_DT_F16:
    case RL_DT_BF16: {
        const minifloat *f = t == RL_DT_F16 ? &F16 : &BF16;
        uint16_t *d = dst;
        for (size_t i = 0; i < n; i++)
            d[i] = (uint16_t)encode(f, src[i]);
        break;
    }
    case RL_DT_E4M3: {
        uint8_t *d = dst;
        for (size_t i = 0; i < n; i++)
            d[i] = (uint8_t)encode(&E4M3, src[i]);
        break;
    }
    case RL_DT_I8: {
        int8_t *d = dst;
        for (size_t i = 0; i < n; i++)
            d[i] = (int8_t)round_clamp(src[i], INT8_MIN, INT8_MAX);
        break;
    }
    case RL_DT_I32: {
        int32_t *d = dst;
        for (size_t i = 0; i < n; i++)
            d[i] = (int32_t)round_clamp(src[i], INT32_MIN, INT32_MAX);
        break;
    }
    default: break;
    }
}

void rl_dtype_to_f64(rl_dtype t, double *dst, const void *src, size_t n)
{
    switch (t) {
    case RL_DT_F64: memcpy(dst, src, n * sizeof(double)); break;
    case RL_DT_F32: {
        const float *s = src;
        for (size_t i = 0; i < n; i++)
            dst[i] = s[i];
        break;
    }
    case RL_DT_F16:
    case RL_DT_BF16: {
        const minifloat *f = t == RL_DT_F16 ? &F16 : &BF16;
        const uint16_t *s = src;
        for (size_t i = 0; i < n; i++)
            dst[i] = decode(f, s[i]);
        break;
    }
    case RL_DT_E4M3: {
        const uint8_t *s = src;
        for (size_t i = 0; i < n; i++)
            dst[i] = decode(&E4M3, s[i]);
        break;
    }
    case RL_DT_I8: {
        const int8_t *s = src;
        for (size_t i = 0; i < n; i++)
            dst[i] = s[i];
        break;
    }
    case RL_DT_I32: {
        const int32_t *s = src;
        for (size_t i = 0; i < n; i++)
            dst[i] = s[i];
        break;
    }
    default: break;
    }
}

double rl_dtype_epsilon(rl_dtype t)
{
    switch (t) {
    case RL_DT_F64: return ldexp(1.0, -52);
    case RL_DT_F32: return ldexp(1.0, -23);
    case RL_DT_F16: return ldexp(1.0, -10);
    case RL_DT_BF16: return ldexp(1.0, -7);
    case RL_DT_E4M3: return ldexp(1.0, -3);
    default: return 0.0;
    }
}
