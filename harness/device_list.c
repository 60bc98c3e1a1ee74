/* --device cuda:all and cuda:N,M,...: the GPUs a node-wide run uses. */
#include "harness/rl_device_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/rl_json_read.h"

#define RL_MAX_ORDINAL 1024

bool rl_device_list_is_multi(const char *spec)
{
    return strcmp(spec, "cuda:all") == 0 || strchr(spec, ',') != NULL;
}

rl_status rl_device_list_parse(const char *spec, rl_device_list *out, rl_err *err)
{
    memset(out, 0, sizeof *out);
    char shown[48];
    rl_quote_text(spec, 32, shown, sizeof shown);
    if (strcmp(spec, "cuda:all") == 0) {
        out->all = true;
        return RL_OK;
    }
    if (strncmp(spec, "cuda:", 5) != 0)
        return rl_fail(err, RL_ERR_INVALID,
                       "bad device list '%s' (expected cuda:N,M,... or cuda:all)", shown);
    const char *p = spec + 5;
    for (;;) {
        char *end;
        /* strtol would take a sign and leading blanks: digits only. */
        if (*p < '0' || *p > '9')
            return rl_fail(err, RL_ERR_INVALID,
                           "bad device list '%s': each entry must be a GPU number "
                           "(cuda:N,M,... or cuda:all)",
                           shown);
        const long v = strtol(p, &end, 10);
        if (v > RL_MAX_ORDINAL || (*end != ',' && *end != '\0'))
            return rl_fail(err, RL_ERR_INVALID,
                           "bad device list '%s': each entry must be a GPU number "
                           "(cuda:N,M,... or cuda:all)",
                           shown);
        for (int i = 0; i < out->count; i++)
            if (out->ordinals[i] == (int)v)
                return rl_fail(err, RL_ERR_INVALID,
                               "device list '%s' names cuda:%ld twice (each GPU runs once)",
                               shown, v);
        if (out->count == RL_MAX_DEVICES)
            return rl_fail(err, RL_ERR_INVALID, "device list '%s': at most %d GPUs", shown,
                           RL_MAX_DEVICES);
        out->ordinals[out->count++] = (int)v;
        if (*end == '\0')
            return RL_OK;
        p = end + 1;
    }
}

rl_status rl_device_list_resolve(rl_device_list *list, int gpu_count, const char *no_gpu_reason,
                                 rl_err *err)
{
    if (gpu_count <= 0)
        return rl_fail(err, RL_ERR_DEVICE, "no CUDA GPU for %s: %s",
                       list->all ? "cuda:all" : "the device list",
                       no_gpu_reason && *no_gpu_reason ? no_gpu_reason : "none found");
    if (list->all) {
        if (gpu_count > RL_MAX_DEVICES)
            return rl_fail(err, RL_ERR_DEVICE, "cuda:all: %d GPUs, at most %d run at once",
                           gpu_count, RL_MAX_DEVICES);
        list->count = gpu_count;
        for (int i = 0; i < list->count; i++)
            list->ordinals[i] = i;
        return RL_OK;
    }
    for (int i = 0; i < list->count; i++)
        if (list->ordinals[i] >= gpu_count)
            return rl_fail(err, RL_ERR_DEVICE,
                           "cuda:%d requested, but this machine has %d GPU%s (cuda:0 to cuda:%d)",
                           list->ordinals[i], gpu_count, gpu_count == 1 ? "" : "s",
                           gpu_count - 1);
    return RL_OK;
}
