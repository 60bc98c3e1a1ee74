/* The results container. */
#include "report/rl_results.h"

#include <stdlib.h>
#include <string.h>

void rl_results_init(rl_results *r)
{
    memset(r, 0, sizeof *r);
}

void rl_results_free(rl_results *r)
{
    free(r->cases);
    r->cases = NULL;
    r->count = r->capacity = 0;
}

rl_status rl_results_append(rl_results *r, const rl_case_result *c, rl_err *err)
{
    if (r->count == r->capacity) {
        size_t cap = r->capacity ? 2 * r->capacity : 32;
        rl_case_result *grown = realloc(r->cases, cap * sizeof *grown);
        if (!grown)
            return rl_fail(err, RL_ERR_NOMEM, "out of memory growing the results");
        r->cases = grown;
        r->capacity = cap;
    }
    r->cases[r->count++] = *c;
    return RL_OK;
}

bool rl_case_streams_from_memory(const rl_case_result *c)
{
    static const char prefix[] = "not flushed: working set";
    return strncmp(c->cache, prefix, sizeof prefix - 1) == 0;
}

const char *rl_case_outcome_name(rl_case_outcome o)
{
    switch (o) {
    case RL_CASE_OK: return "ok";
    case RL_CASE_VALIDATION_FAILED: return "failed_validation";
    case RL_CASE_UNSUPPORTED: return "unsupported";
    case RL_CASE_ERROR: return "error";
    default: return "?";
    }
}
