/* The CUDA backend table (kernels/rl_backend.h) for one NVIDIA GPU.
 *
 * Everything runs on one stream of the backend's own. Memory is plain
 * cudaMalloc (never managed memory, whose page migration would be timed).
 * The timer is a pair of CUDA events around the launch, with the stream
 * held by a spinning kernel until the work is queued (timing.cu), so a
 * sample holds no host launch latency. flush_caches writes a buffer of
 * twice the L2 size (nvbench and llm.c do the same), then reads another of
 * twice the L2 so that the lines left in L2 are clean. Clocks and power come
 * from NVML where it exists; without it (Jetson) the SM clock reported is
 * the device's maximum clock (cudaDevAttrClockRate), not the current one,
 * and the rest is unknown (-1).
 *
 * Every CUDA and cuBLAS call is checked (RL_CUDA_CHECK, RL_CUBLAS_CHECK) and
 * turned into an rl_status with one line naming the call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/rl_support.h"
#include "kernels/cuda/rl_cuda_host.h"
#include "kernels/ref/rl_ref.h"

enum {
    /* cuBLAS/cuBLASLt workspace: NVIDIA's recommendation for Hopper, ample
     * elsewhere. */
    RL_CUDA_WORKSPACE_BYTES = 32 << 20,
};

/* Seconds the hold kernel waits for the host before it lets go anyway. */
static const double RL_CUDA_HOLD_TIMEOUT_S = 2.0;

/* ---- versions and support -------------------------------------------------- */

static bool is_row_ladder(rl_op op)
{
    return op == RL_OP_LAYERNORM || op == RL_OP_SOFTMAX;
}

static int cuda_kernel_versions(void *state, rl_op op)
{
    (void)state;
    return is_row_ladder(op) ? RL_CU_ROW_VERSIONS : 1;
}

static const char *cuda_kernel_version_name(void *state, rl_op op, int version)
{
    (void)state;
    if (is_row_ladder(op)) {
        switch (version == 0 ? RL_CU_ROW_REG : version) {
        case RL_CU_ROW_THREAD: return "thread_per_row";
        case RL_CU_ROW_WARP: return "warp_per_row";
        case RL_CU_ROW_VEC: return "block_per_row_vec16";
        case RL_CU_ROW_REG: return "row_in_registers";
        default: return "?";
        }
    }
    if (version != 0 && version != 1)
        return "?";
    switch (op) {
    case RL_OP_GEMM: return "cublas";
    case RL_OP_RESIDUAL_LAYERNORM:
    case RL_OP_SCALE_MASK_SOFTMAX: return "fused_row_in_registers";
    case RL_OP_BIAS_GELU: return "fused_vec16";
    case RL_OP_SILU_GATE: return "elementwise_vec16";
    case RL_OP_RESIDUAL_LAYERNORM_UNFUSED:
    case RL_OP_SCALE_MASK_SOFTMAX_UNFUSED: return "chain_row_in_registers";
    case RL_OP_BIAS_GELU_UNFUSED: return "chain_vec16";
    case RL_OP_COPY:
    case RL_OP_TRIAD: return "grid_stride_vec16";
    case RL_OP_FMA: return "fma_8_chains";
    default: return "?";
    }
}

static bool cuda_supports(void *state, rl_op op, rl_precision p, int version, rl_err *err)
{
    const rl_cuda_state *st = state;
    if (op < 0 || op >= RL_OP_COUNT || p < 0 || p >= RL_PREC_COUNT) {
        rl_fail(err, RL_ERR_INVALID, "cuda: unknown op or precision");
        return false;
    }
    const int versions = cuda_kernel_versions(state, op);
    if (version < 0 || version > versions) {
        if (versions == 1)
            rl_fail(err, RL_ERR_UNSUPPORTED,
                    "cuda: %s has one kernel version (1, or 0 for the default); got %d",
                    rl_op_name(op), version);
        else
            rl_fail(err, RL_ERR_UNSUPPORTED,
                    "cuda: %s keeps kernel versions 1..%d (1 %s, 2 %s, 3 %s, 4 %s; 0 = the "
                    "default, 4); got %d",
                    rl_op_name(op), versions, cuda_kernel_version_name(state, op, 1),
                    cuda_kernel_version_name(state, op, 2), cuda_kernel_version_name(state, op, 3),
                    cuda_kernel_version_name(state, op, 4), version);
        return false;
    }
    return rl_cuda_runs(op, p, st->cc_major, st->cc_minor, err); /* the table predict reads */
}

/* ---- description, memory ------------------------------------------------------ */

/* The flush buffer: twice the L2 written, then another twice the L2 read
 * (see cuda_flush_caches). */
static size_t flush_buffer_bytes(const rl_cuda_state *st)
{
    return 4 * (st->l2_bytes > 0 ? st->l2_bytes : (size_t)(32u << 20));
}

static const char *cuda_describe(void *state)
{
    return ((rl_cuda_state *)state)->description;
}

static rl_status cuda_mem_info(void *state, rl_mem_info *info, rl_err *err)
{
    const rl_cuda_state *st = state;
    size_t free_bytes = 0, total_bytes = 0;
    RL_CUDA_CHECK(err, cudaSetDevice(st->device));
    RL_CUDA_CHECK(err, cudaMemGetInfo(&free_bytes, &total_bytes));
    /* The L2-flush buffer is allocated at the first flush: count it as
     * taken already, so a case that fits now still fits then. */
    if (!st->flush_buf) {
        const size_t flush = flush_buffer_bytes(st);
        free_bytes = free_bytes > flush ? free_bytes - flush : 0;
    }
    info->free_bytes = free_bytes;
    info->total_bytes = total_bytes;
    return RL_OK;
}

/* Anything that may write memory makes the fp8 GEMM's cached transpose of
 * B stale. */
static void forget_transpose(rl_cuda_state *st)
{
    st->bt_valid = false;
}

static rl_status cuda_alloc(void *state, size_t bytes, void **ptr, rl_err *err)
{
    rl_cuda_state *st = state;
    *ptr = NULL;
    RL_CUDA_CHECK(err, cudaSetDevice(st->device));
    const cudaError_t e = cudaMalloc(ptr, bytes > 0 ? bytes : 1);
    if (e != cudaSuccess) {
        (void)cudaGetLastError();
        *ptr = NULL;
        size_t free_bytes = 0, total_bytes = 0;
        if (cudaMemGetInfo(&free_bytes, &total_bytes) != cudaSuccess)
            (void)cudaGetLastError();
        if (e == cudaErrorMemoryAllocation)
            return rl_fail(err, RL_ERR_NOMEM,
                           "cuda: cudaMalloc of %.3g GB failed: out of device memory (%.3g GB "
                           "free of %.3g GB)",
                           bytes / 1e9, free_bytes / 1e9, total_bytes / 1e9);
        return rl_cuda_fail(err, e, "cudaMalloc(ptr, bytes)", __FILE__, __LINE__);
    }
    return RL_OK;
}

/* Each of these waits for the device (cudaFree, a synchronised copy or
 * fill), so a timer's hold kernel is let go first rather than waited out. */
static void cuda_release(void *state, void *ptr)
{
    rl_cuda_state *st = state;
    rl_cuda_release_hold(st);
    forget_transpose(st);
    if (ptr && cudaFree(ptr) != cudaSuccess)
        (void)cudaGetLastError();
}

static rl_status cuda_upload(void *state, void *dst, const void *src, size_t bytes, rl_err *err)
{
    rl_cuda_state *st = state;
    rl_cuda_release_hold(st);
    forget_transpose(st);
    RL_CUDA_CHECK(err, cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, st->stream));
    RL_CUDA_CHECK(err, cudaStreamSynchronize(st->stream));
    return RL_OK;
}

static rl_status cuda_download(void *state, void *dst, const void *src, size_t bytes,
                               rl_err *err)
{
    rl_cuda_state *st = state;
    rl_cuda_release_hold(st);
    RL_CUDA_CHECK(err, cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, st->stream));
    RL_CUDA_CHECK(err, cudaStreamSynchronize(st->stream));
    return RL_OK;
}

static rl_status cuda_fill_bytes(void *state, void *ptr, int byte, size_t bytes, rl_err *err)
{
    rl_cuda_state *st = state;
    rl_cuda_release_hold(st);
    forget_transpose(st);
    RL_CUDA_CHECK(err, cudaMemsetAsync(ptr, byte & 0xff, bytes, st->stream));
    RL_CUDA_CHECK(err, cudaStreamSynchronize(st->stream));
    return RL_OK;
}

/* ---- timer ------------------------------------------------------------------- */

/* Let the hold kernel go (if the timer holds the stream). */
void rl_cuda_release_hold(rl_cuda_state *st)
{
    if (st->held) {
        __atomic_store_n(st->hold_flag, 1, __ATOMIC_SEQ_CST);
        st->held = false;
    }
}

static rl_status cuda_timer_start(void *state, rl_err *err)
{
    rl_cuda_state *st = state;
    if (st->held) {
        /* A sample that never reached timer_stop: its hold kernel may still
         * be waiting for the flag, so let it go and wait for it before the
         * flag is re-armed (re-arming first would keep it spinning). */
        rl_cuda_release_hold(st);
        RL_CUDA_CHECK(err, cudaStreamSynchronize(st->stream));
    }
    /* The previous hold kernel has finished (timer_stop waited for the
     * stop event behind it), so the flag can be re-armed. */
    __atomic_store_n(&st->hold_flag[1], 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(st->hold_flag, 0, __ATOMIC_SEQ_CST);
    RL_CUDA_CHECK(err, rl_cu_hold(&st->ctx, st->hold_flag_dev, RL_CUDA_HOLD_TIMEOUT_S));
    st->held = true;
    const cudaError_t e = cudaEventRecord(st->ev_start, st->stream);
    if (e != cudaSuccess) {
        rl_cuda_release_hold(st);
        return rl_cuda_fail(err, e, "cudaEventRecord(st->ev_start, st->stream)", __FILE__,
                            __LINE__);
    }
    return RL_OK;
}

static rl_status cuda_timer_stop(void *state, double *seconds, rl_err *err)
{
    rl_cuda_state *st = state;
    *seconds = 0.0;
    const cudaError_t e = cudaEventRecord(st->ev_stop, st->stream);
    rl_cuda_release_hold(st);
    if (e != cudaSuccess)
        return rl_cuda_fail(err, e, "cudaEventRecord(st->ev_stop, st->stream)", __FILE__,
                            __LINE__);
    RL_CUDA_CHECK(err, cudaEventSynchronize(st->ev_stop));
    if (__atomic_load_n(&st->hold_flag[1], __ATOMIC_SEQ_CST))
        return rl_fail(err, RL_ERR_DEVICE,
                       "cuda timer: the host took over %.0f s to queue one sample, so the "
                       "stream was let go early and the sample would include host time",
                       RL_CUDA_HOLD_TIMEOUT_S);
    float ms = 0.0f;
    RL_CUDA_CHECK(err, cudaEventElapsedTime(&ms, st->ev_start, st->ev_stop));
    *seconds = (double)ms * 1e-3;
    return RL_OK;
}

static rl_status cuda_sync(void *state, rl_err *err)
{
    rl_cuda_state *st = state;
    rl_cuda_release_hold(st);
    RL_CUDA_CHECK(err, cudaStreamSynchronize(st->stream));
    return RL_OK;
}

static rl_status cuda_flush_caches(void *state, rl_err *err)
{
    rl_cuda_state *st = state;
    const size_t half = flush_buffer_bytes(st) / 2;
    if (!st->flush_buf) {
        RL_CUDA_CHECK(err, cudaSetDevice(st->device));
        RL_CUDA_CHECK(err, cudaMalloc(&st->flush_buf, 2 * half));
        st->flush_bytes = 2 * half;
        /* The read half's contents do not matter, but are defined. */
        RL_CUDA_CHECK(err, cudaMemsetAsync((char *)st->flush_buf + half, 0, half, st->stream));
    }
    /* Writing twice the L2 evicts whatever the last call left there; a
     * different byte each time, so no write could be skipped as a repeat.
     * That leaves L2 full of dirty lines, and a timed kernel that brought
     * in its data would first pay their write-back to DRAM (up to a third
     * more DRAM traffic for a working set under the L2 size). Reading
     * another twice the L2 then evicts them, their write-back done here,
     * outside the timed region, and leaves only clean lines. */
    st->flush_count++;
    RL_CUDA_CHECK(err, cudaMemsetAsync(st->flush_buf, (int)(st->flush_count & 0xffu), half,
                                       st->stream));
    RL_CUDA_CHECK(err, rl_cu_read(&st->ctx, (char *)st->flush_buf + half, half,
                                  (unsigned *)st->flush_buf));
    return RL_OK;
}

static size_t cuda_cache_bytes(void *state)
{
    return ((rl_cuda_state *)state)->l2_bytes;
}

static void cuda_device_state(void *state, rl_device_state *out)
{
    const rl_cuda_state *st = state;
    out->sm_clock_mhz = -1.0;
    out->mem_clock_mhz = -1.0;
    out->power_limit_w = -1.0;
    out->power_draw_w = -1.0;
    out->temperature_c = -1.0;
    out->throttle_reasons = -1;
    if (st->nvml.lib) {
        rl_nvml_read(&st->nvml, out);
    } else if (st->max_clock_khz > 0) {
        /* No NVML (Jetson): the maximum SM clock, not the current one. */
        out->sm_clock_mhz = st->max_clock_khz / 1000.0;
    }
}

/* ---- launch -------------------------------------------------------------------- */

static rl_cu_type cu_type(rl_precision p)
{
    switch (p) {
    case RL_PREC_FP64: return RL_CU_F64;
    case RL_PREC_FP16: return RL_CU_F16;
    case RL_PREC_BF16: return RL_CU_BF16;
    default: return RL_CU_F32;
    }
}

static rl_status launch_ops(rl_cuda_state *st, const rl_launch *l, rl_err *err)
{
    const rl_cu_ctx *ctx = &st->ctx;
    const rl_cu_type t = cu_type(l->precision);
    const int64_t rows = l->shape.rows, cols = l->shape.cols;
    const float eps = (float)l->params.eps, scale = (float)l->params.scale;
    void *const *T = l->tensors;
    const int version = l->kernel_version == 0 ? RL_CU_ROW_REG : l->kernel_version;

    /* Only the GEMMs that read the cached transpose may keep it. */
    if (!(l->op == RL_OP_GEMM && rl_cuda_gemm_uses_transpose(l->precision)))
        forget_transpose(st);
    switch (l->op) {
    case RL_OP_GEMM: return rl_cuda_gemm(st, l, err);
    /* x, gamma, beta, y */
    case RL_OP_LAYERNORM:
        RL_CUDA_CHECK(err, rl_cu_layernorm(ctx, t, version, T[0], T[1], T[2], T[3], rows, cols,
                                           eps));
        return RL_OK;
    /* x, y */
    case RL_OP_SOFTMAX:
        RL_CUDA_CHECK(err, rl_cu_softmax(ctx, t, version, T[0], T[1], rows, cols));
        return RL_OK;
    /* x, residual, gamma, beta, h, y */
    case RL_OP_RESIDUAL_LAYERNORM:
        RL_CUDA_CHECK(err, rl_cu_residual_layernorm(ctx, t, RL_CU_ROW_REG, T[0], T[1], T[2], T[3],
                                                    T[4], T[5],
                                                    rows, cols, eps));
        return RL_OK;
    case RL_OP_RESIDUAL_LAYERNORM_UNFUSED:
        RL_CUDA_CHECK(err, rl_cu_residual_add(ctx, t, T[0], T[1], T[4], rows * cols));
        RL_CUDA_CHECK(err, rl_cu_layernorm(ctx, t, RL_CU_ROW_REG, T[4], T[2], T[3], T[5], rows,
                                           cols, eps));
        return RL_OK;
    /* x, y */
    case RL_OP_SCALE_MASK_SOFTMAX:
        RL_CUDA_CHECK(err, rl_cu_scale_mask_softmax(ctx, t, T[0], T[1], rows, cols,
                                                    rl_mask_queries(&l->shape), scale));
        return RL_OK;
    /* x, y, scaled, masked */
    case RL_OP_SCALE_MASK_SOFTMAX_UNFUSED:
        RL_CUDA_CHECK(err, rl_cu_scale(ctx, t, T[0], T[2], rows * cols, scale));
        RL_CUDA_CHECK(err,
                      rl_cu_causal_mask(ctx, t, T[2], T[3], rows, cols, rl_mask_queries(&l->shape)));
        RL_CUDA_CHECK(err, rl_cu_softmax(ctx, t, RL_CU_ROW_REG, T[3], T[1], rows, cols));
        return RL_OK;
    /* x, bias, y */
    case RL_OP_BIAS_GELU:
        RL_CUDA_CHECK(err, rl_cu_bias_gelu(ctx, t, T[0], T[1], T[2], rows, cols));
        return RL_OK;
    /* x, bias, y, biased */
    case RL_OP_BIAS_GELU_UNFUSED:
        RL_CUDA_CHECK(err, rl_cu_bias_add(ctx, t, T[0], T[1], T[3], rows, cols));
        RL_CUDA_CHECK(err, rl_cu_gelu(ctx, t, T[3], T[2], rows * cols));
        return RL_OK;
    /* gate, up, y */
    case RL_OP_SILU_GATE:
        RL_CUDA_CHECK(err, rl_cu_silu_gate(ctx, t, T[0], T[1], T[2], rows * cols));
        return RL_OK;
    /* a, c; iters passes (0 or 1: one) */
    case RL_OP_COPY:
        RL_CUDA_CHECK(err, rl_cu_copy(ctx, T[0], T[1],
                                      (size_t)l->shape.count *
                                          rl_dtype_size(rl_input_dtype(l->precision)),
                                      l->shape.iters > 1 ? l->shape.iters : 1));
        return RL_OK;
    /* b, c, a */
    case RL_OP_TRIAD:
        RL_CUDA_CHECK(err, rl_cu_triad(ctx, t, T[0], T[1], T[2], l->shape.count, l->params.scale,
                                       l->shape.iters > 1 ? l->shape.iters : 1));
        return RL_OK;
    /* x, y */
    case RL_OP_FMA:
        RL_CUDA_CHECK(err, rl_cu_fma(ctx, t, T[0], T[1], l->shape.count, l->shape.iters,
                                     RL_FMA_PROBE_A, RL_FMA_PROBE_B));
        return RL_OK;
    default: return rl_fail(err, RL_ERR_UNSUPPORTED, "cuda: unknown op");
    }
}

/* The fused masked softmax does the causal mask's arithmetic in 32 bits
 * (rl_cu_mask_fits): larger shapes are refused before anything is
 * allocated. Every mask geometry (square prefill blocks, decode steps,
 * chunks after cached keys, sliding windows) is supported. */
static bool cuda_supports_shape(void *state, rl_op op, const rl_shape *shape, rl_err *err)
{
    (void)state;
    if (op != RL_OP_SCALE_MASK_SOFTMAX ||
        rl_cu_mask_fits(shape->rows, shape->cols, rl_mask_queries(shape)))
        return true;
    rl_fail(err, RL_ERR_UNSUPPORTED,
            "cuda: %s: rows, cols and queries must each be below 2^32 for the CUDA kernel "
            "(got rows=%lld, cols=%lld, queries=%lld)",
            rl_op_name(op), (long long)shape->rows, (long long)shape->cols,
            (long long)rl_mask_queries(shape));
    return false;
}

static rl_status check_launch(void *state, const rl_launch *l, rl_err *err)
{
    rl_err why;
    if (!cuda_supports(state, l->op, l->precision, l->kernel_version, &why))
        return rl_fail(err, RL_ERR_UNSUPPORTED, "%s", why.msg);
    rl_op_signature sig;
    RL_TRY(rl_op_signature_of(l->op, l->precision, &l->shape, &sig, err));
    for (int i = 0; i < sig.count; i++)
        if (!l->tensors[i])
            return rl_fail(err, RL_ERR_INVALID, "cuda: %s: tensor '%s' is missing",
                           rl_op_name(l->op), sig.tensors[i].name);
    if (rl_op_is_rowwise(l->op) && (l->shape.rows < 1 || l->shape.cols < 1))
        return rl_fail(err, RL_ERR_INVALID, "cuda: %s: rows and cols must be positive",
                       rl_op_name(l->op));
    if (!cuda_supports_shape(state, l->op, &l->shape, &why))
        return rl_fail(err, RL_ERR_UNSUPPORTED, "%s", why.msg);
    return RL_OK;
}

static rl_status cuda_launch(void *state, const rl_launch *l, rl_err *err)
{
    rl_cuda_state *st = state;
    rl_status s = check_launch(state, l, err);
    if (s == RL_OK)
        s = launch_ops(st, l, err);
    /* A launch refused or failed inside a timed sample must not leave the
     * stream held until the hold kernel's timeout. */
    if (s != RL_OK)
        rl_cuda_release_hold(st);
    return s;
}

/* ---- set-up and tear-down ------------------------------------------------------- */

static void cuda_destroy(void *state)
{
    rl_cuda_state *st = state;
    if (!st)
        return;
    rl_cuda_release_hold(st);
    if (st->stream)
        (void)cudaStreamSynchronize(st->stream);
    rl_cuda_gemm_release(st);
    if (st->lt)
        cublasLtDestroy(st->lt);
    if (st->blas)
        cublasDestroy(st->blas);
    if (st->workspace)
        cudaFree(st->workspace);
    if (st->bt)
        cudaFree(st->bt);
    if (st->flush_buf)
        cudaFree(st->flush_buf);
    if (st->ev_start)
        cudaEventDestroy(st->ev_start);
    if (st->ev_stop)
        cudaEventDestroy(st->ev_stop);
    if (st->hold_flag)
        cudaFreeHost(st->hold_flag);
    if (st->stream)
        cudaStreamDestroy(st->stream);
    rl_nvml_close(&st->nvml);
    (void)cudaGetLastError();
    free(st);
}

static rl_status attribute(int *value, enum cudaDeviceAttr attr, int device, rl_err *err)
{
    RL_CUDA_CHECK(err, cudaDeviceGetAttribute(value, attr, device));
    return RL_OK;
}

/* Dynamic shared memory for one cached row: two such blocks must share an
 * SM, each with the per-block reservation and its static shared memory. */
static int row_smem_budget(int per_sm, int reserved_per_block, int optin_per_block)
{
    int bytes = per_sm / 2 - reserved_per_block - RL_CU_ROW_STATIC_SMEM;
    if (bytes > optin_per_block - RL_CU_ROW_STATIC_SMEM)
        bytes = optin_per_block - RL_CU_ROW_STATIC_SMEM;
    return bytes > 0 ? bytes / 16 * 16 : 0;
}

static rl_status open_device(rl_cuda_state *st, int device, bool lock_clocks, rl_err *err)
{
    st->device = device;
    RL_CUDA_CHECK(err, cudaSetDevice(device));

    int sms = 0, threads_per_sm = 0, l2 = 0, smem_optin = 0, smem_per_sm = 0,
        smem_reserved = 0;
    RL_TRY(attribute(&st->cc_major, cudaDevAttrComputeCapabilityMajor, device, err));
    RL_TRY(attribute(&st->cc_minor, cudaDevAttrComputeCapabilityMinor, device, err));
    RL_TRY(attribute(&sms, cudaDevAttrMultiProcessorCount, device, err));
    RL_TRY(attribute(&threads_per_sm, cudaDevAttrMaxThreadsPerMultiProcessor, device, err));
    RL_TRY(attribute(&l2, cudaDevAttrL2CacheSize, device, err));
    RL_TRY(attribute(&smem_optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device, err));
    RL_TRY(attribute(&smem_per_sm, cudaDevAttrMaxSharedMemoryPerMultiprocessor, device, err));
    RL_TRY(attribute(&smem_reserved, cudaDevAttrReservedSharedMemoryPerBlock, device, err));
    RL_TRY(attribute(&st->max_clock_khz, cudaDevAttrClockRate, device, err));
    st->l2_bytes = l2 > 0 ? (size_t)l2 : 0;

    struct cudaDeviceProp prop;
    RL_CUDA_CHECK(err, cudaGetDeviceProperties(&prop, device));
    snprintf(st->description, sizeof st->description, "%.100s (sm_%d%d, %d SMs)", prop.name,
             st->cc_major, st->cc_minor, sms);

    /* This build's kernels must run here (CMAKE_CUDA_ARCHITECTURES). */
    const cudaError_t image = rl_cu_probe_image();
    if (image != cudaSuccess) {
        (void)cudaGetLastError();
        return rl_fail(err, RL_ERR_DEVICE,
                       "cuda: this build has no kernels for %s (sm_%d%d): %s; rebuild with "
                       "-DCMAKE_CUDA_ARCHITECTURES=%d%d",
                       prop.name, st->cc_major, st->cc_minor, cudaGetErrorName(image),
                       st->cc_major, st->cc_minor);
    }

    RL_CUDA_CHECK(err, cudaStreamCreateWithFlags(&st->stream, cudaStreamNonBlocking));
    RL_CUDA_CHECK(err, cudaEventCreate(&st->ev_start));
    RL_CUDA_CHECK(err, cudaEventCreate(&st->ev_stop));
    RL_CUDA_CHECK(err,
                  cudaHostAlloc((void **)&st->hold_flag, 2 * sizeof(int), cudaHostAllocMapped));
    st->hold_flag[0] = st->hold_flag[1] = 0;
    void *flag_dev = NULL;
    RL_CUDA_CHECK(err, cudaHostGetDevicePointer(&flag_dev, st->hold_flag, 0));
    st->hold_flag_dev = flag_dev;

    st->ctx.stream = st->stream;
    st->ctx.sm_count = sms > 0 ? sms : 1;
    st->ctx.max_threads_per_sm = threads_per_sm >= 256 ? threads_per_sm : 256;
    /* About 28k fp32 columns on H100 (228 KiB per SM), 20k on Orin. */
    st->ctx.row_smem_bytes = row_smem_budget(smem_per_sm, smem_reserved, smem_optin);
    /* sm_90: how many CTAs of a cluster a v4 row may span (up to 8). */
    st->ctx.row_cluster_max = rl_cu_row_cluster_limit(st->cc_major);
    RL_CUDA_CHECK(err, rl_cu_layernorm_setup(&st->ctx));
    RL_CUDA_CHECK(err, rl_cu_softmax_setup(&st->ctx));

    RL_CUBLAS_CHECK(err, cublasCreate(&st->blas));
    /* SetStream resets the workspace to cuBLAS's own pool: stream first. */
    RL_CUBLAS_CHECK(err, cublasSetStream(st->blas, st->stream));
    st->workspace_bytes = RL_CUDA_WORKSPACE_BYTES;
    RL_CUDA_CHECK(err, cudaMalloc(&st->workspace, st->workspace_bytes));
    RL_CUBLAS_CHECK(err, cublasSetWorkspace(st->blas, st->workspace, st->workspace_bytes));
    /* Default math (no TF32 unless a call asks for it) and fp32 split-K
     * reductions for fp16/bf16, so that "fp32 accumulation" holds. */
    RL_CUBLAS_CHECK(err, cublasSetMathMode(
                             st->blas, (cublasMath_t)(CUBLAS_DEFAULT_MATH |
                                                      CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION)));
    RL_CUBLAS_CHECK(err, cublasLtCreate(&st->lt));

    (void)rl_nvml_open(&st->nvml, device);
    if (lock_clocks) {
        char msg[RL_ERR_LEN];
        (void)rl_nvml_lock_clocks(&st->nvml, msg, sizeof msg);
        fprintf(stderr, "rooflab: %s\n", msg);
    }
    RL_CUDA_CHECK(err, cudaDeviceSynchronize());
    return RL_OK;
}

/* Why the runtime could not start, in one line. */
static rl_status no_runtime(rl_err *err, cudaError_t e)
{
    if (e == cudaErrorInsufficientDriver || e == cudaErrorNoDevice || e == cudaErrorStubLibrary)
        return rl_fail(err, RL_ERR_DEVICE, "cuda: no usable driver (%s: %s)",
                       cudaGetErrorName(e), cudaGetErrorString(e));
    return rl_fail(err, RL_ERR_DEVICE,
                   "cuda: the CUDA runtime could not start (%s: %s)",
                   cudaGetErrorName(e), cudaGetErrorString(e));
}

rl_status rl_cuda_backend_create(const rl_cuda_options *opts, rl_backend *out, rl_err *err)
{
    const int device = opts ? opts->device : 0;
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
        (void)cudaGetLastError();
        return no_runtime(err, e);
    }
    if (count < 1)
        return rl_fail(err, RL_ERR_DEVICE, "cuda: no CUDA device found");
    if (device < 0 || device >= count)
        return rl_fail(err, RL_ERR_DEVICE, "cuda: device %d requested, but this machine has %d",
                       device, count);

    rl_cuda_state *st = calloc(1, sizeof *st);
    if (!st)
        return rl_fail(err, RL_ERR_NOMEM, "cuda: out of host memory");
    rl_err why = {{0}};
    if (open_device(st, device, opts && opts->lock_clocks, &why) != RL_OK) {
        cuda_destroy(st);
        /* Whatever failed, the GPU is not usable: a device error. */
        return rl_fail(err, RL_ERR_DEVICE, "%s", why.msg);
    }

    memset(out, 0, sizeof *out);
    out->name = "cuda";
    out->state = st;
    out->describe = cuda_describe;
    out->supports = cuda_supports;
    out->supports_shape = cuda_supports_shape;
    out->kernel_versions = cuda_kernel_versions;
    out->kernel_version_name = cuda_kernel_version_name;
    out->mem_info = cuda_mem_info;
    out->alloc = cuda_alloc;
    out->release = cuda_release;
    out->upload = cuda_upload;
    out->download = cuda_download;
    out->fill_bytes = cuda_fill_bytes;
    out->launch = cuda_launch;
    out->sync = cuda_sync;
    out->flush_caches = cuda_flush_caches;
    out->cache_bytes = cuda_cache_bytes;
    out->timer_start = cuda_timer_start;
    out->timer_stop = cuda_timer_stop;
    out->device_state = cuda_device_state;
    out->destroy = cuda_destroy;
    return RL_OK;
}
