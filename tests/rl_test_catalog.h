/* cmocka group fixtures that load the device catalog once per test binary:
 * state = the rl_catalog. Include after <cmocka.h>. */
#ifndef RL_TEST_CATALOG_H
#define RL_TEST_CATALOG_H

#include <stdio.h>

#include "devices/rl_catalog.h"

static int catalog_setup(void **state)
{
    static rl_catalog cat;
    rl_err err;
    if (rl_catalog_load(&cat, &err) != RL_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    *state = &cat;
    return 0;
}

static int catalog_teardown(void **state)
{
    rl_catalog_free(*state);
    return 0;
}

#endif
