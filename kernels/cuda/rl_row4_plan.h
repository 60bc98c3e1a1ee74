/* The v4 row kernels' plan: which kernel shape (a warp, a block, an sm_90
 * thread-block cluster, or the streaming path) runs a row of a given
 * length. Plain C, so the table is unit-tested on machines without a GPU
 * (tests/test_row4_plan.c); the CUDA launchers (rl_cuda_row4.cuh) call it. */
#ifndef RL_ROW4_PLAN_H
#define RL_ROW4_PLAN_H

#include <stdint.h>

enum rl_row4_scope { ROW4_WARP, ROW4_BLOCK, ROW4_CLUSTER, ROW4_STREAM };

enum {
    /* Packs per thread per trip of the streaming loops, and their block. */
    ROW4_STREAM_UNROLL = 4,
    ROW4_STREAM_THREADS = 512,
    /* Warp-per-row kernels run 4 warps (4 rows) a block. */
    ROW4_WARP_THREADS = 128,
    /* A cluster CTA's threads. */
    ROW4_CLUSTER_THREADS = 1024
};

/* One kernel shape for one row length: 4 rows a block for the warp scope,
 * 1 otherwise; cluster is the CTAs a row spans (1 but for ROW4_CLUSTER). */
typedef struct {
    int scope, threads, packs, cluster;
} rl_row4_plan_t;

/* The table, by P = the row's whole 16-byte packs, cols * elem / 16
 * rounded down: a row that does not start aligned has no more (its head and
 * tail, fewer than 2N elements, go to single threads as scalars), so a
 * 256k-column fp32 row is exactly 16 CTAs' worth. pmax is the most packs a
 * thread may hold: 8 for softmax, 4 for LayerNorm (which also reads gamma
 * and beta as it writes), 2 for residual + LayerNorm (x and the residual at
 * once). Every kernel is capped at 64 registers, which 8 packs (32
 * registers of data) plus addresses and statistics fit. Why these sizes
 * (registers and occupancies: docs/kernels-sass.md):
 *   P <= 128 (2 KiB: 1024 16-bit or 512 fp32 columns): a warp per row, 1, 2
 *     or 4 packs a thread, 4 rows a 128-thread block: no block barrier, and
 *     short rows still fill an SM (up to 64 warps).
 *   P <= 256 x 4 (16 KiB): a block of 128 or 256 threads, 4 packs each;
 *     several blocks an SM, so one block's reductions overlap another's
 *     loads.
 *   P <= 1024 x pmax (128 KiB at pmax 8): pmax packs a thread, 512 or 1024
 *     threads, the smallest block that holds the row.
 *   longer, on sm_90: a cluster of up to max_cluster (16) CTAs of 1024
 *     threads x 4 packs (x 2 with the residual), the row spread over their
 *     registers (up to 1 MiB: 256k fp32 or 512k 16-bit columns; 512 KiB of
 *     each input with the residual) and the statistics combined through
 *     distributed shared memory, so the row is still read once. Clusters
 *     of more than 8 CTAs are "non-portable": the launcher opts each kernel
 *     in, and the device is asked whether it schedules them (one 1024-thread
 *     CTA fills an SM's registers, so 16 needs 16 SMs of one GPC); where it
 *     does not, max_cluster is 8. (8 packs a thread would double the reach,
 *     but the cluster code's few extra registers then spill at the
 *     64-register cap.)
 *   longer still (or past 128 KiB where there are no clusters): the
 *     streaming path, 512 threads x 4 packs a trip. */
/* Built field by field: the header is C and C++ (no compound literals). */
static inline rl_row4_plan_t rl_row4_shape(int scope, int threads, int packs, int cluster)
{
    rl_row4_plan_t pl;
    pl.scope = scope;
    pl.threads = threads;
    pl.packs = packs;
    pl.cluster = cluster;
    return pl;
}

static inline rl_row4_plan_t rl_row4_plan(int64_t cols, int elem_bytes, int pmax,
                                          int max_cluster)
{
    const int64_t P = cols * elem_bytes / 16;
    if (P <= 32)
        return rl_row4_shape(ROW4_WARP, ROW4_WARP_THREADS, 1, 1);
    if (P <= 64)
        return rl_row4_shape(ROW4_WARP, ROW4_WARP_THREADS, 2, 1);
    if (P <= 128 && pmax >= 4)
        return rl_row4_shape(ROW4_WARP, ROW4_WARP_THREADS, 4, 1);
    for (int t = 128; t <= 1024; t *= 2) {
        const int packs = t <= 256 && pmax > 4 ? 4 : pmax;
        if (P <= (int64_t)t * packs)
            return rl_row4_shape(ROW4_BLOCK, t, packs, 1);
    }
    const int cpacks = pmax < 4 ? pmax : 4;
    const int64_t per_cta = ROW4_CLUSTER_THREADS * (int64_t)cpacks;
    const int64_t cs = (P + per_cta - 1) / per_cta;
    if (cs <= max_cluster)
        return rl_row4_shape(ROW4_CLUSTER, ROW4_CLUSTER_THREADS, cpacks, (int)cs);
    return rl_row4_shape(ROW4_STREAM, ROW4_STREAM_THREADS, ROW4_STREAM_UNROLL, 1);
}

#endif
