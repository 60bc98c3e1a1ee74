/* libFuzzer target: a Hugging Face config.json, then the LLM memory plan and
 * the llm suite's cases, as `predict`, `fit` and `run --suite llm` use it.
 * The first two bytes choose batch and sequence length. */
#include <stdint.h>
#include <stdlib.h>

#include "harness/rl_llm_suite.h"
#include "model/rl_llm.h"
#include "model/rl_llm_layer.h"
#include "model/rl_ops.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const int64_t batch = 1 + (data[0] % 64), seq = (int64_t)1 << (data[1] % 24);
    data += 2;
    size -= 2;
    static rl_llm_request req;
    rl_err err = {{0}};
    char *text = fuzz_text(data, size);
    rl_status s = rl_hf_config_parse(text, size, "config.json", &req.config, &err);
    free(text);
    if (s != RL_OK) {
        /* a message may quote model_type as written; the CLI prints every
         * message through rl_cli_fail, which cleans it */
        if (!err.msg[0])
            abort();
        return 0;
    }
    for (int w = 0; w < RL_LLM_DTYPE_COUNT; w++) {
        rl_llm_plan_request pr = {.batch = batch,
                                  .seq = seq,
                                  .weights = (rl_llm_dtype)w,
                                  .kv = (rl_llm_dtype)(RL_LLM_DTYPE_COUNT - 1 - w),
                                  .flash_attention = w % 2 == 0,
                                  .capacity_bytes = (uint64_t)80e9,
                                  .reserve_bytes = RL_LLM_RUNTIME_RESERVE_BYTES};
        rl_llm_plan plan;
        if (rl_llm_plan_compute(&req.config, &pr, &plan, &err) != RL_OK)
            fuzz_check_message(err.msg);
    }
    req.batch = batch;
    req.seq = seq;
    rl_llm_case cases[RL_LLM_CASES];
    int count = 0;
    if (rl_llm_suite_build(&req, RL_PREC_FP16, RL_PREC_FP32, cases, &count, &err) == RL_OK) {
        for (int i = 0; i < count; i++) {
            const rl_case_spec *c = &cases[i].spec;
            if (rl_shape_validate(c->op, c->precision, &c->shape, &err) == RL_OK) {
                (void)rl_op_flops(c->op, &c->shape);
                (void)rl_op_bytes(c->op, c->precision, &c->shape);
                (void)rl_op_footprint_bytes(c->op, c->precision, &c->shape);
            }
        }
    } else {
        fuzz_check_message(err.msg);
    }
    rl_llm_model_kernels mk;
    if (rl_llm_kernels_build(&req.config, batch % 2 ? RL_LLM_DECODE : RL_LLM_PREFILL, batch, seq,
                             &mk, &err) == RL_OK)
        (void)rl_llm_model_flops(&mk);
    else
        fuzz_check_message(err.msg);
    return 0;
}
