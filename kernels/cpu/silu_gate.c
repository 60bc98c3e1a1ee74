/* The gated MLP's activation: y = silu(gate) * up = gate / (1 + exp(-gate))
 * * up, elementwise over rows x cols, vectorised with SLEEF's exp2 like
 * bias+GELU (exp(-g) = 2^(-g log2 e)). exp(-gate) overflows to inf for gate below about -88 (fp32),
 * and gate / inf is -0: silu's own limit, so no special case. y is
 * streamed when large (rl_cpu_streams) and its rows vector-aligned. */
#include "kernels/cpu/rl_cpu.h"

#define SILU_GATE(T, S)                                                                       \
    static void silu_gate_row_##S(int64_t n, const T *restrict g, const T *restrict u,        \
                                  T *restrict y, bool stream)                                 \
    {                                                                                         \
        int64_t j = 0;                                                                        \
        for (; j + RL_VLEN_##S <= n; j += RL_VLEN_##S) {                                      \
            const rl_v_##S v = rl_vload_##S(g + j);                                           \
            const rl_v_##S e = rl_vexp2_##S(v * (T)-RL_LOG2E); /* exp(-v) */                  \
            rl_vput_##S(y + j, v / (1 + e) * rl_vload_##S(u + j), stream);                    \
        }                                                                                     \
        for (; j < n; j++)                                                                    \
            y[j] = g[j] / (1 + rl_exp2_1_##S(g[j] * (T)-RL_LOG2E)) * u[j];                    \
    }                                                                                         \
    static void silu_gate_##S(int64_t rows, int64_t cols, const T *restrict g,                \
                              const T *restrict u, T *restrict y, bool stream)                \
    {                                                                                         \
        stream = stream && rl_rows_stream_aligned(y, cols, sizeof(T));                        \
        _Pragma("omp parallel")                                                               \
        {                                                                                     \
            _Pragma("omp for schedule(static)") for (int64_t r = 0; r < rows; r++)            \
                silu_gate_row_##S(cols, g + r * cols, u + r * cols, y + r * cols, stream);    \
            if (stream)                                                                       \
                rl_stream_fence();                                                            \
        }                                                                                     \
    }

SILU_GATE(float, f32)
SILU_GATE(double, f64)

/* Tensors: gate, up, y. */
RL_CPU_ENTRY(rl_cpu_silu_gate)
{
    const rl_shape *s = &l->shape;
    if (l->precision == RL_PREC_FP32)
        silu_gate_f32(s->rows, s->cols, RL_T(l, 0, float), RL_T(l, 1, float), RL_T(l, 2, float),
                      rl_cpu_streams(ctx, s->rows * s->cols, sizeof(float)));
    else if (l->precision == RL_PREC_FP64)
        silu_gate_f64(s->rows, s->cols, RL_T(l, 0, double), RL_T(l, 1, double),
                      RL_T(l, 2, double), rl_cpu_streams(ctx, s->rows * s->cols, sizeof(double)));
    else
        return rl_cpu_refuse(l, err);
    return RL_OK;
}
