/* rooflab harness: the machine's load average, recorded beside the times. */
#ifndef RL_LOAD_AVERAGE_H
#define RL_LOAD_AVERAGE_H

#include <stdbool.h>

/* The 1-, 5- and 15-minute load averages; false where the system has none. */
bool rl_load_average(double out[3]);

#endif
