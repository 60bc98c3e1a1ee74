/* The architecture table (arch_table.c), for hf_config.c: resolve a
 * config's layout from its model_type row and its explicit keys. */
#ifndef RL_ARCH_H
#define RL_ARCH_H

#include <cjson/cJSON.h>

#include "model/rl_llm.h"

/* `cfg` holds the dimensions already read; fills cfg->layout and
 * cfg->tied_embeddings. Refuses (RL_ERR_INVALID, one line naming the key)
 * an unknown model_type or a count-changing key the row does not read,
 * unless assume_llama. */
rl_status rl_arch_resolve(const cJSON *root, bool assume_llama, rl_llm_config *cfg, rl_err *err);

#endif
