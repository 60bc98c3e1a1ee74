#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* getloadavg */
#endif
#include "harness/rl_load_average.h"

#include <stdlib.h>

bool rl_load_average(double out[3])
{
    return getloadavg(out, 3) == 3;
}
