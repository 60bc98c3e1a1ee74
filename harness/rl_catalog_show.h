/* rooflab harness: one catalog entry in full (`rooflab devices ID`): every
 * peak of every unit, dense and sparse side by side, every power mode with
 * the peaks derived for it, and every source as a citation (title and URL). */
#ifndef RL_CATALOG_SHOW_H
#define RL_CATALOG_SHOW_H

#include <stdbool.h>
#include <stdio.h>

#include "devices/rl_catalog.h"
#include "rl/status.h"

/* Print entry e as text, or as one JSON object when json. mode (may be
 * NULL: the default mode) selects the Jetson power mode whose peaks the
 * peak table shows; a GPU entry refuses a mode. */
rl_status rl_catalog_show(FILE *out, const rl_catalog_entry *e, const char *mode, bool json,
                          rl_err *err);

#endif
