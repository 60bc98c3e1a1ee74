/* rooflab kernels: the backend interface.
 *
 * One table of functions per backend (CPU, CUDA), chosen at run time, in the
 * manner of BabelStream's stream interface. Nothing here assumes the memory
 * is host memory: the harness only moves bytes through upload/download,
 * launches ops on opaque device pointers and asks the backend's own timer
 * for elapsed seconds (a monotonic clock on the CPU, events on a GPU).
 * Kernels know nothing of measurement or reporting. */
#ifndef RL_BACKEND_H
#define RL_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "devices/rl_device_state.h"
#include "model/rl_ops.h"
#include "rl/status.h"

/* One call of an op: what the harness asks a backend to enqueue. The tensor
 * pointers follow rl_op_signature_of's order and live in backend memory. */
typedef struct rl_launch {
    rl_op op;
    rl_precision precision;
    int kernel_version; /* 0 = the backend's default (its fastest) */
    rl_shape shape;
    rl_op_params params;
    void *tensors[RL_MAX_TENSORS];
} rl_launch;

typedef struct rl_backend rl_backend;

/* What a backend knows about the memory it allocates from. */
typedef struct rl_mem_info {
    size_t free_bytes;
    size_t total_bytes;
    bool shared_with_host; /* one DRAM for host and device (a Jetson): host copies count too */
} rl_mem_info;

struct rl_backend {
    const char *name; /* "cpu", "cuda" */
    void *state;      /* the backend's own, passed back to every call */

    /* A one-line description of the device ("AMD EPYC, 2 threads"). */
    const char *(*describe)(void *state);

    /* Whether this backend implements the op at this precision (and
     * kernel version; 0 = default). If not, why goes to err. */
    bool (*supports)(void *state, rl_op op, rl_precision p, int version, rl_err *err);
    /* Whether it runs the op at this (valid) shape; NULL: at every shape.
     * Asked before anything is allocated. */
    bool (*supports_shape)(void *state, rl_op op, const rl_shape *shape, rl_err *err);

    /* How many versions of an op's kernel the backend keeps (its ladder);
     * 1 when there is only one. */
    int (*kernel_versions)(void *state, rl_op op);
    /* A short name for a version ("warp", "vec16"); never NULL. */
    const char *(*kernel_version_name)(void *state, rl_op op, int version);

    rl_status (*mem_info)(void *state, rl_mem_info *info, rl_err *err);
    rl_status (*alloc)(void *state, size_t bytes, void **ptr, rl_err *err);
    void (*release)(void *state, void *ptr);
    rl_status (*upload)(void *state, void *dst, const void *src, size_t bytes, rl_err *err);
    rl_status (*download)(void *state, void *dst, const void *src, size_t bytes, rl_err *err);
    /* Fill a buffer with a byte pattern (used to poison outputs: 0xFF makes
     * every float type a NaN, so an unwritten element fails validation). */
    rl_status (*fill_bytes)(void *state, void *ptr, int byte, size_t bytes, rl_err *err);

    /* Enqueue one call. Returns once the work is queued (GPU) or done (CPU). */
    rl_status (*launch)(void *state, const rl_launch *launch, rl_err *err);
    rl_status (*sync)(void *state, rl_err *err);

    /* Evict the caches the next timed call would otherwise find warm
     * (the CPU's last-level cache; a GPU's L2). Not timed. */
    rl_status (*flush_caches)(void *state, rl_err *err);
    /* Bytes of the largest cache flush_caches evicts; the harness decides
     * from it whether a working set would stay resident. */
    size_t (*cache_bytes)(void *state);

    /* Time one enqueued call: start, launch, stop; stop returns elapsed
     * seconds measured by the device's own clock. */
    rl_status (*timer_start)(void *state, rl_err *err);
    rl_status (*timer_stop)(void *state, double *seconds, rl_err *err);

    /* Clocks, power and temperature now (all negative where unknown). */
    void (*device_state)(void *state, rl_device_state *out);

    void (*destroy)(void *state);
};

/* Backend constructors. A backend that cannot start (no driver, no device)
 * returns an error whose message says why in one line. */
typedef struct rl_cpu_options {
    int threads; /* 0 = all cores */
    /* Outputs of at least this many bytes are written with streaming
     * (non-temporal) stores; 0 = the last-level cache's size. Tests set 1
     * to run the streaming paths at small sizes. */
    size_t stream_bytes;
} rl_cpu_options;

rl_status rl_cpu_backend_create(const rl_cpu_options *opts, rl_backend *out, rl_err *err);

#endif
