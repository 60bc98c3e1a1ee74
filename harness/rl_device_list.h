/* rooflab harness: --device naming several GPUs of a node: "cuda:all" or a
 * list "cuda:0,2". Parsed in two steps: the text alone (so a malformed list
 * is refused before any device is opened), then against the GPUs present. */
#ifndef RL_DEVICE_LIST_H
#define RL_DEVICE_LIST_H

#include <stdbool.h>

#include "rl/status.h"

#define RL_MAX_DEVICES 64

typedef struct rl_device_list {
    bool all;                      /* "cuda:all": every GPU the runtime sees */
    int count;                     /* ordinals below, in the order given */
    int ordinals[RL_MAX_DEVICES];
} rl_device_list;

/* Whether --device names several devices ("cuda:all" or a comma in it); a
 * single device ("cuda:3", "cpu") goes the one-device way. */
bool rl_device_list_is_multi(const char *spec);

/* The text: "cuda:all" or "cuda:N,M,..." with whole N in [0, 1024], no empty
 * entry and no ordinal twice. */
rl_status rl_device_list_parse(const char *spec, rl_device_list *out, rl_err *err);

/* Against the gpu_count GPUs present (no_gpu_reason: why there are none):
 * "all" becomes 0..gpu_count-1; an ordinal past the last is refused. */
rl_status rl_device_list_resolve(rl_device_list *list, int gpu_count, const char *no_gpu_reason,
                                 rl_err *err);

#endif
