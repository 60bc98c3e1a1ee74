/* scale_mask_softmax's causal mask, defined once for host and device code:
 * model/rl_ops.h's rl_mask_visible (the op accounting, the CPU kernels, the
 * float64 reference) and the CUDA kernels all call these. Plain C, no
 * dependencies, so nvcc can compile it for the device.
 *
 * Rows come in blocks of queries Q (>= 1) consecutive query positions
 * against cols keys; row r is position q = r mod Q of its block and sees
 * its first rl_mask_visible_of(cols, Q, r) keys:
 *   Q <= cols: the block's queries are the last Q of the cols key
 *     positions (cols - Q keys before them, cached), so q sees
 *     cols - Q + q + 1 keys. Q = cols is a prefill's square block
 *     (r mod cols + 1 keys); Q = 1 a decode step (every key).
 *   Q > cols: a sliding window of cols keys over a prompt of Q positions,
 *     so q sees min(q + 1, cols) keys. */
#ifndef RL_MASK_H
#define RL_MASK_H

#include <stdint.h>

#if defined(__CUDACC__)
#define RL_MASK_FN static inline __host__ __device__
#else
#define RL_MASK_FN static inline
#endif

RL_MASK_FN int64_t rl_mask_visible_of(int64_t cols, int64_t queries, int64_t row)
{
    const int64_t before = cols > queries ? cols - queries : 0, seen = before + row % queries + 1;
    return seen < cols ? seen : cols;
}

/* The same in 32 bits, for device code whose launchers have checked that
 * rows, cols and queries fit (a 64-bit remainder is a subroutine call on a
 * GPU, a 32-bit one a few instructions). */
RL_MASK_FN uint32_t rl_mask_visible_u32(uint32_t cols, uint32_t queries, uint32_t row)
{
    const uint32_t before = cols > queries ? cols - queries : 0, seen = before + row % queries + 1;
    return seen < cols ? seen : cols;
}

#endif
