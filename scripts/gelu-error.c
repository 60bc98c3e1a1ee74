/* The error of the 16-bit GELU form on the GPU (rl_cuda_common.cuh,
 * gelu_tanh): v / (1 + 2^(-2u log2 e)) in fp32, with ex2.approx's and
 * MUFU.RCP's error bounds (relative 2^-22 each) applied in the worst
 * direction, against the float64 tanh form of kernels/ref.
 *   cc -O2 -o /tmp/gelu-error scripts/gelu-error.c -lm && /tmp/gelu-error */
#include <math.h>
#include <stdio.h>
static double ref(double v) { const double k = 0.7978845608028654; return 0.5 * v * (1.0 + tanh(k * (v + 0.044715 * v * v * v))); }
int main(void)
{
    const float k = 0.7978845608028654f;
    double worst_rel = 0, worst_abs_scaled = 0, at = 0;
    for (long i = -2000000; i <= 2000000; i++) {
        const float v = (float)i * 1e-5f * 1.0f; /* [-20, 20] */
        const double r = ref(v);
        const float u = k * (v + 0.044715f * v * v * v);
        const float arg = -2.8853900817779268f * u;
        for (int se = -1; se <= 1; se += 2)
            for (int sr = -1; sr <= 1; sr += 2) {
                float e = (float)(exp2((double)arg) * (1.0 + se * ldexp(1.0, -22)));
                if (e < ldexp(1.0, -126)) e = 0.0f; /* ftz */
                const float d = 1.0f + e;
                const float rc = (float)((1.0 / d) * (1.0 + sr * ldexp(1.0, -22)));
                const float y = (d > ldexp(1.0, 126)) ? 0.0f : v * rc;
                const double err = fabs((double)y - r);
                /* the test's measure: |got - ref| / (|ref| + mean|ref|); mean|ref| over
                 * the harness's inputs is O(0.3); use |ref| + 0.1 to be strict */
                const double rel = err / (fabs(r) + 0.1);
                if (rel > worst_rel) { worst_rel = rel; at = v; }
                const double rel2 = fabs(r) > 6.1e-5 ? err / fabs(r) : 0;
                if (rel2 > worst_abs_scaled) worst_abs_scaled = rel2;
            }
    }
    printf("v in [-20, 20], step 1e-5: max |y - ref| / (|ref| + 0.1) = %.3g (at v = %g); "
           "max |y - ref| / |ref| where |ref| > 6.1e-5 (fp16 normal) = %.3g; fp16 eps 2^-11 = %.3g, bf16 eps 2^-8 = %.3g\n",
           worst_rel, at, worst_abs_scaled, ldexp(1.0, -11), ldexp(1.0, -8));
    return 0;
}
