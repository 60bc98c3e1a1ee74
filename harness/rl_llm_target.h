/* rooflab harness: the memory an LLM plan is checked against on a catalog
 * device (capacity, and the reserve the runtime and, on a Jetson, the OS
 * keep), shared by `fit` and `predict --suite llm` so both give one verdict. */
#ifndef RL_LLM_TARGET_H
#define RL_LLM_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "devices/rl_catalog.h"
#include "rl/status.h"

/* capacity = the entry's memory; reserve = 1 GiB runtime + its OS share;
 * reserve_text (may be NULL) says so. Refuses catalog numbers that are not
 * finite sizes up to 100 TB. */
rl_status rl_llm_catalog_target(const rl_catalog_entry *e, uint64_t *capacity, uint64_t *reserve,
                                char *reserve_text, size_t len, rl_err *err);

#endif
