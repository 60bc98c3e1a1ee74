/* What would fit: the part of a plan that breaks it, and the same request
 * at narrower storage precisions with their limits. Pure arithmetic over
 * llm_plan.c; the suggestion is the widest precision that fits, so a model
 * loses no more precision than the memory demands. */
#include "model/rl_llm.h"

#include <string.h>

rl_llm_breaker rl_llm_what_breaks(const rl_llm_plan *p)
{
    if (p->fits)
        return RL_LLM_BREAK_NONE;
    /* weights + reserve may already exceed; compare without overflow */
    if (p->weights_bytes > p->capacity_bytes ||
        p->reserve_bytes > p->capacity_bytes - p->weights_bytes)
        return RL_LLM_BREAK_WEIGHTS;
    return p->kv_cache_bytes >= p->activation_bytes ? RL_LLM_BREAK_KV_CACHE
                                                    : RL_LLM_BREAK_ACTIVATIONS;
}

const char *rl_llm_breaker_name(rl_llm_breaker b)
{
    switch (b) {
    case RL_LLM_BREAK_NONE: return "none";
    case RL_LLM_BREAK_WEIGHTS: return "weights";
    case RL_LLM_BREAK_KV_CACHE: return "kv_cache";
    case RL_LLM_BREAK_ACTIVATIONS: return "activations";
    }
    return "?";
}

void rl_llm_alternatives(const rl_llm_config *c, const rl_llm_plan_request *r,
                         rl_llm_dtype native, rl_llm_alternative alt[RL_LLM_ALTERNATIVES],
                         int *first_fit)
{
    const rl_llm_dtype weights[3] = {native, RL_LLM_INT8, RL_LLM_INT4};
    const rl_llm_dtype kv[3] = {native, RL_LLM_FP8, RL_LLM_INT4};
    *first_fit = -1;
    int n = 0;
    for (int w = 0; w < 3; w++)
        for (int k = 0; k < 3; k++, n++) {
            rl_llm_plan_request q = *r;
            q.weights = weights[w];
            q.kv = kv[k];
            rl_llm_alternative *a = &alt[n];
            memset(a, 0, sizeof *a);
            a->weights = q.weights;
            a->kv = q.kv;
            a->valid = rl_llm_plan_compute(c, &q, &a->plan, NULL) == RL_OK;
            if (a->valid && a->plan.fits && *first_fit < 0)
                *first_fit = n;
        }
}
