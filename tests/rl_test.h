/* Test helpers on top of cmocka (Debian 12's cmocka 1.1.6 has no
 * assert_double_equal). Include after <cmocka.h>. */
#ifndef RL_TEST_H
#define RL_TEST_H

#include <math.h>

/* |a - b| <= tol, printing both values when it fails. */
#define assert_near(a, b, tol)                                                              \
    do {                                                                                    \
        const double rl_a_ = (double)(a), rl_b_ = (double)(b), rl_t_ = (double)(tol);       \
        if (!(fabs(rl_a_ - rl_b_) <= rl_t_)) {                                              \
            print_error("%s = %.17g, expected %.17g (tolerance %g)\n", #a, rl_a_, rl_b_,   \
                        rl_t_);                                                             \
            fail();                                                                         \
        }                                                                                   \
    } while (0)

#endif
