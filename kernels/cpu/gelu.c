/* Unfused building block: y = gelu(x) (tanh form), elementwise. */
#include "kernels/cpu/rl_cpu.h"

/* Elements are split across threads in chunks of whole vectors, so only the
 * last chunk has a scalar tail, and every chunk of a vector-aligned y can
 * be streamed. */
enum { RL_GELU_CHUNK = 4096 };

#define GELU(T, S)                                                                            \
    void rl_cpu_gelu_##S(int64_t n, const T *restrict x, T *restrict y, bool stream)          \
    {                                                                                         \
        const int64_t chunks = (n + RL_GELU_CHUNK - 1) / RL_GELU_CHUNK;                       \
        stream = stream && rl_rows_stream_aligned(y, RL_GELU_CHUNK, sizeof(T));               \
        _Pragma("omp parallel")                                                               \
        {                                                                                     \
            _Pragma("omp for schedule(static)") for (int64_t c = 0; c < chunks; c++)          \
            {                                                                                 \
                const int64_t lo = c * RL_GELU_CHUNK;                                         \
                const int64_t len = n - lo < RL_GELU_CHUNK ? n - lo : RL_GELU_CHUNK;          \
                rl_row_gelu_##S(len, x + lo, NULL, y + lo, stream);                           \
            }                                                                                 \
            if (stream)                                                                       \
                rl_stream_fence();                                                            \
        }                                                                                     \
    }

GELU(float, f32)
GELU(double, f64)
