/* rooflab harness: the `llm` suite. The kernels of one transformer layer of
 * a Llama-style model at prefill (batch x seq tokens), measured like any
 * case and added up into a layer, a model and a prefill rate. */
#ifndef RL_LLM_SUITE_H
#define RL_LLM_SUITE_H

#include <stdio.h>

#include "harness/rl_case.h"
#include "model/rl_llm.h"
#include "report/rl_results.h"

#define RL_LLM_CASES 9

typedef struct rl_llm_case {
    rl_case_spec spec;
    const char *role; /* "qkv_proj", "attn_softmax", ... */
    int per_layer;    /* how many times a layer runs it */
} rl_llm_case;

typedef struct rl_llm_request {
    rl_llm_config config;
    char model[256]; /* as given on the command line */
    int64_t batch, seq;
} rl_llm_request;

/* The layer's cases at gemm_p (projections, attention products) and row_p
 * (norms, softmax, SiLU gating): *count of them (RL_LLM_CASES, one fewer
 * when Q.K^T and P.V have one shape). */
rl_status rl_llm_suite_build(const rl_llm_request *req, rl_precision gemm_p, rl_precision row_p,
                             rl_llm_case cases[RL_LLM_CASES], int *count, rl_err *err);

/* Add up the layer from the results (matched by case name), print it, and
 * return it as a cJSON object (void *, owned by the caller) for
 * results.json. */
void *rl_llm_summary(const rl_llm_request *req, const rl_llm_case cases[RL_LLM_CASES], int count,
                     const rl_results *results, FILE *out);

#endif
