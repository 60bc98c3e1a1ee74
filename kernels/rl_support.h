/* rooflab kernels: what each backend runs, as pure tables (no device, no
 * state), so that the backends' `supports` and `rooflab predict` answer
 * from the same table. Kernel versions are the backends' own business.
 * Header-only, so the CUDA backend's library needs no link to the CPU one. */
#ifndef RL_SUPPORT_H
#define RL_SUPPORT_H

#include <stdbool.h>

#include "model/rl_ops.h"
#include "rl/status.h"

/* The CPU backend: every op at fp32 and fp64 (OpenBLAS sgemm/dgemm). When
 * not, err says what is supported, in one line starting "cpu backend:". */
static inline bool rl_cpu_runs(rl_op op, rl_precision p, rl_err *err);

/* The CUDA backend on a GPU of compute capability cc_major.cc_minor (0.0 =
 * any): GEMM at every precision (fp8 from sm_89); copy, triad and the FMA
 * probe at fp64, fp32, fp16, bf16; the row ops over fp32, fp16 and bf16
 * storage. When not, err says what is supported, starting "cuda:". */
static inline bool rl_cuda_runs(rl_op op, rl_precision p, int cc_major, int cc_minor,
                                rl_err *err);

/* ---- the tables ---- */

static inline bool rl_cpu_runs(rl_op op, rl_precision p, rl_err *err)
{
    if (op < 0 || op >= RL_OP_COUNT || p < 0 || p >= RL_PREC_COUNT) {
        rl_fail(err, RL_ERR_INVALID, "cpu backend: unknown op or precision");
        return false;
    }
    if (rl_op_predict_only(op)) {
        rl_fail(err, RL_ERR_UNSUPPORTED, "cpu backend: %s has no kernel (it is predicted only)",
                rl_op_name(op));
        return false;
    }
    if (p == RL_PREC_FP32 || p == RL_PREC_FP64)
        return true;
    if (op == RL_OP_GEMM)
        rl_fail(err, RL_ERR_UNSUPPORTED,
                "cpu backend: gemm at %s not supported (OpenBLAS has sgemm and dgemm)",
                rl_precision_name(p));
    else
        rl_fail(err, RL_ERR_UNSUPPORTED,
                "cpu backend: %s at %s not supported (the CPU kernels are fp32 and fp64)",
                rl_op_name(op), rl_precision_name(p));
    return false;
}

static inline bool rl_support_16_32(rl_precision p)
{
    return p == RL_PREC_FP32 || p == RL_PREC_FP16 || p == RL_PREC_BF16;
}

static inline bool rl_cuda_runs(rl_op op, rl_precision p, int cc_major, int cc_minor, rl_err *err)
{
    if (op < 0 || op >= RL_OP_COUNT || p < 0 || p >= RL_PREC_COUNT) {
        rl_fail(err, RL_ERR_INVALID, "cuda: unknown op or precision");
        return false;
    }
    if (rl_op_predict_only(op)) {
        rl_fail(err, RL_ERR_UNSUPPORTED, "cuda: %s has no kernel (it is predicted only)",
                rl_op_name(op));
        return false;
    }
    switch (op) {
    case RL_OP_GEMM:
        if (p == RL_PREC_FP8 && cc_major > 0 && cc_major * 10 + cc_minor < 89) {
            rl_fail(err, RL_ERR_UNSUPPORTED,
                    "cuda: fp8 GEMM needs an sm_89 or newer GPU (Ada, Hopper); this one is "
                    "sm_%d%d",
                    cc_major, cc_minor);
            return false;
        }
        return true;
    case RL_OP_COPY:
    case RL_OP_TRIAD:
    case RL_OP_FMA:
        if (rl_support_16_32(p) || p == RL_PREC_FP64)
            return true;
        rl_fail(err, RL_ERR_UNSUPPORTED, "cuda: %s runs in fp64, fp32, fp16 and bf16 (not %s)",
                rl_op_name(op), rl_precision_name(p));
        return false;
    default:
        if (rl_support_16_32(p))
            return true;
        rl_fail(err, RL_ERR_UNSUPPORTED,
                "cuda: %s runs in fp32, fp16 and bf16 storage, with fp32 arithmetic (not %s)",
                rl_op_name(op), rl_precision_name(p));
        return false;
    }
}

#endif
