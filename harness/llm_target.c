/* The memory target of an LLM plan on a catalog device. */
#include <math.h>
#include <stdio.h>

#include "harness/rl_llm_target.h"
#include "model/rl_llm.h"

/* Catalog numbers are doubles; a hostile or broken file may hold inf or
 * 1e300, and casting those to uint64_t is undefined: range-check first. */
#define CAPACITY_MAX_BYTES 100e12 /* 100 TB: no single device comes near */

static rl_status bytes_from_catalog(double v, bool zero_ok, const char *id, const char *field,
                                    uint64_t *out, rl_err *err)
{
    if (!isfinite(v) || v < 0 || (v == 0 && !zero_ok) || v > CAPACITY_MAX_BYTES)
        return rl_fail(err, RL_ERR_INVALID,
                       "device '%s': memory.%s must be a finite size up to 100 TB (got %g)", id,
                       field, v);
    *out = (uint64_t)v;
    return RL_OK;
}

rl_status rl_llm_catalog_target(const rl_catalog_entry *e, uint64_t *capacity, uint64_t *reserve,
                                char *reserve_text, size_t len, rl_err *err)
{
    uint64_t os = 0;
    RL_TRY(bytes_from_catalog(e->capacity_bytes.value, false, e->id, "capacity_bytes", capacity,
                              err));
    RL_TRY(bytes_from_catalog(e->os_reserve_bytes.value, true, e->id, "os_reserve_bytes", &os,
                              err));
    *reserve = RL_LLM_RUNTIME_RESERVE_BYTES + os;
    if (reserve_text && os)
        snprintf(reserve_text, len, "runtime 1 GiB + OS %.3g GB (memory shared with the CPU)",
                 (double)os / 1e9);
    else if (reserve_text)
        snprintf(reserve_text, len, "runtime 1 GiB (CUDA context, workspaces, allocator slack)");
    return RL_OK;
}
