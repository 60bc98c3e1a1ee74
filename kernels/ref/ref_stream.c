/* The FMA probe's reference, in closed form (see rl_ref.h): after n steps of
 * v = v/2 + 1/2 from x, v = 1 - (1 - x) 2^-n. */
#include <math.h>

#include "kernels/ref/ref_internal.h"

/* The closed form holds for A = B = 1/2 only; tests/test_ref.c checks it
 * against running the recurrence with RL_FMA_PROBE_A and _B. */

double rl_ref_fma_probe(double x, int64_t iters)
{
    /* Past 2^-1100 the correction is below any double; ldexp takes an int. */
    const int n = iters > 1100 ? 1100 : (int)iters;
    return 1.0 - ldexp(1.0 - x, -n);
}
