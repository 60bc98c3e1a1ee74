/* The CUDA backend: every op at every precision and kernel version it
 * supports, at awkward sizes (1, 3, 1023, 4097 columns; rows longer than
 * shared memory; every row-length class of the v4 kernels, up to 300001
 * columns; pointers off 16-byte alignment), checked element by
 * element against the float64 references of kernels/ref with outputs
 * poisoned first; GEMM shapes cuBLAS cannot take refused cleanly; the
 * timer, flush and memory slots.
 *
 * Without a usable GPU (no driver, no device) every GPU test is skipped with
 * a loud line saying why; built without CUDA, the whole file is one skipped
 * test. Either way the test passes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/rl_test.h"

#ifdef RL_HAVE_CUDA

#include "harness/rl_case.h"
#include "kernels/cuda/rl_cuda_backend.h"
#include "kernels/ref/rl_ref.h"
#include "kernels/rl_dtype.h"

static rl_backend gpu;
static bool have_gpu;
static char no_gpu_reason[RL_ERR_LEN];

static int open_gpu(void **state)
{
    (void)state;
    rl_cuda_options opts = {.device = 0};
    rl_err err = {{0}};
    if (rl_cuda_backend_create(&opts, &gpu, &err) == RL_OK) {
        have_gpu = true;
        printf("cuda backend on %s\n", gpu.describe(gpu.state));
    } else {
        have_gpu = false;
        snprintf(no_gpu_reason, sizeof no_gpu_reason, "%s", err.msg);
        printf("SKIPPED: no usable CUDA device: %s\n", err.msg);
    }
    fflush(stdout);
    return 0;
}

static int close_gpu(void **state)
{
    (void)state;
    if (have_gpu)
        gpu.destroy(gpu.state);
    have_gpu = false;
    return 0;
}

#define REQUIRE_GPU()      \
    do {                   \
        if (!have_gpu) {   \
            skip();        \
            return;        \
        }                  \
    } while (0)

/* ---- random inputs, as the harness makes them ----------------------------- */

static uint64_t rng_state = 0x5eed;

static double next_unit(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

static void fill_random(double *v, int64_t n, rl_fill fill, rl_precision p)
{
    for (int64_t i = 0; i < n; i++) {
        const double u = next_unit();
        double x;
        switch (fill) {
        case RL_FILL_POSITIVE: x = 0.5 + u; break;
        case RL_FILL_SMALL: x = (u < 0.5 ? -1.0 : 1.0) * (0.25 + 2.75 * fabs(2.0 * u - 1.0)); break;
        default: x = (u < 0.5 ? -1.0 : 1.0) * (0.125 + 0.875 * fabs(2.0 * u - 1.0)); break;
        }
        if (p == RL_PREC_INT8)
            x = (x < 0 ? -1.0 : 1.0) * (1.0 + floor(fabs(x) * 7.0));
        v[i] = x;
    }
}

/* ---- one case --------------------------------------------------------------- */

typedef struct case_result {
    rl_status status;
    char message[RL_ERR_LEN];
    double max_err, tolerance;
    bool nan_seen;
} case_result;

/* Run op at precision p, kernel version, shape on the GPU, every tensor
 * offset_elems elements past a 16-byte boundary, and compare every output
 * element with the reference: |got - ref| / (|ref| + mean |ref|), as the
 * harness does. */
static case_result run_case(rl_op op, rl_precision p, int version, rl_shape shape,
                            int offset_elems)
{
    case_result res = {.status = RL_OK};
    rl_err err = {{0}};
    rl_op_signature sig;
    assert_int_equal(rl_op_signature_of(op, p, &shape, &sig, &err), RL_OK);

    rl_launch l = {.op = op, .precision = p, .kernel_version = version, .shape = shape};
    l.params = rl_op_default_params(op, &shape);
    void *base[RL_MAX_TENSORS] = {0};
    void *stored[RL_MAX_TENSORS] = {0};
    double *value[RL_MAX_TENSORS] = {0};
    double *ref[RL_MAX_TENSORS] = {0};

    for (int i = 0; i < sig.count; i++) {
        const rl_tensor_desc *t = &sig.tensors[i];
        const size_t esize = rl_dtype_size(t->dtype);
        const size_t bytes = (size_t)t->elems * esize;
        const size_t offset = (size_t)offset_elems * esize;
        assert_int_equal(gpu.alloc(gpu.state, bytes + offset + 16, &base[i], &err), RL_OK);
        l.tensors[i] = (char *)base[i] + offset;
        stored[i] = malloc(bytes);
        value[i] = malloc((size_t)t->elems * sizeof(double));
        ref[i] = calloc((size_t)t->elems, sizeof(double));
        assert_non_null(stored[i]);
        assert_non_null(value[i]);
        assert_non_null(ref[i]);
        if (t->role == RL_TENSOR_IN) {
            fill_random(value[i], t->elems, t->fill, p);
            rl_dtype_from_f64(t->dtype, stored[i], value[i], (size_t)t->elems);
            rl_dtype_to_f64(t->dtype, value[i], stored[i], (size_t)t->elems);
            assert_int_equal(gpu.upload(gpu.state, l.tensors[i], stored[i], bytes, &err), RL_OK);
        } else {
            /* The harness's poison, so an unwritten element fails. */
            assert_int_equal(gpu.fill_bytes(gpu.state, l.tensors[i],
                                            rl_output_poison_byte(t->dtype), bytes, &err),
                             RL_OK);
        }
    }

    res.status = gpu.launch(gpu.state, &l, &err);
    if (res.status == RL_OK)
        res.status = gpu.sync(gpu.state, &err);
    if (res.status != RL_OK) {
        snprintf(res.message, sizeof res.message, "%s", err.msg);
    } else {
        double *args[RL_MAX_TENSORS] = {0};
        for (int i = 0; i < sig.count; i++) {
            const rl_tensor_desc *t = &sig.tensors[i];
            if (t->role == RL_TENSOR_OUT) {
                assert_int_equal(gpu.download(gpu.state, stored[i], l.tensors[i],
                                              (size_t)t->elems * rl_dtype_size(t->dtype), &err),
                                 RL_OK);
                rl_dtype_to_f64(t->dtype, value[i], stored[i], (size_t)t->elems);
            }
            args[i] = t->role == RL_TENSOR_OUT ? ref[i] : t->role == RL_TENSOR_IN ? value[i] : NULL;
        }
        const int64_t units = rl_ref_unit_count(op, &shape);
        int64_t *all = malloc((size_t)units * sizeof *all);
        assert_non_null(all);
        for (int64_t u = 0; u < units; u++)
            all[u] = u;
        assert_int_equal(rl_ref_run(op, &shape, &l.params, args, all, units, &err), RL_OK);
        free(all);

        for (int i = 0; i < sig.count; i++) {
            const rl_tensor_desc *t = &sig.tensors[i];
            if (t->role != RL_TENSOR_OUT)
                continue;
            double sum_abs = 0.0;
            for (int64_t e = 0; e < t->elems; e++)
                sum_abs += fabs(ref[i][e]);
            const double scale = sum_abs / (double)t->elems;
            for (int64_t e = 0; e < t->elems; e++) {
                if (rl_output_is_poison(t->dtype, value[i][e]))
                    res.nan_seen = true;
                const double d =
                    fabs(value[i][e] - ref[i][e]) / (fabs(ref[i][e]) + scale + 1e-300);
                if (!(d <= res.max_err))
                    res.max_err = isnan(d) ? INFINITY : d;
            }
        }
        res.tolerance = rl_case_tolerance(op, p, rl_op_reduction_length(op, &shape));
    }

    for (int i = 0; i < sig.count; i++) {
        gpu.release(gpu.state, base[i]);
        free(stored[i]);
        free(value[i]);
        free(ref[i]);
    }
    return res;
}

/* Run and require a pass; say which case failed. */
static void check_case(rl_op op, rl_precision p, int version, rl_shape shape, int offset_elems)
{
    char name[160];
    rl_case_spec spec = {.op = op, .precision = p, .kernel_version = version, .shape = shape};
    rl_case_name(&spec, name, sizeof name);
    const case_result r = run_case(op, p, version, shape, offset_elems);
    if (r.status != RL_OK) {
        print_error("%s (offset %d): launch failed: %s\n", name, offset_elems, r.message);
        fail();
    }
    if (r.nan_seen || !(r.max_err <= r.tolerance)) {
        print_error("%s (offset %d): max relative error %.3g, tolerance %.3g%s\n", name,
                    offset_elems, r.max_err, r.tolerance,
                    r.nan_seen ? " (unwritten elements)" : "");
        fail();
    }
}

static rl_shape rows_shape(int64_t rows, int64_t cols)
{
    return (rl_shape){.rows = rows, .cols = cols};
}

static const rl_precision row_precisions[] = {RL_PREC_FP32, RL_PREC_FP16, RL_PREC_BF16};

/* ---- tests -------------------------------------------------------------------- */

static void test_create_or_explain(void **state)
{
    (void)state;
    if (!have_gpu) {
        /* The fallback's reason is one line naming the CUDA side. */
        assert_true(strncmp(no_gpu_reason, "cuda: ", 6) == 0);
        assert_null(strchr(no_gpu_reason, '\n'));
        skip();
        return;
    }
    assert_string_equal(gpu.name, "cuda");
    assert_non_null(gpu.describe);
    assert_non_null(gpu.supports);
    assert_non_null(gpu.kernel_versions);
    assert_non_null(gpu.kernel_version_name);
    assert_non_null(gpu.mem_info);
    assert_non_null(gpu.alloc);
    assert_non_null(gpu.release);
    assert_non_null(gpu.upload);
    assert_non_null(gpu.download);
    assert_non_null(gpu.fill_bytes);
    assert_non_null(gpu.launch);
    assert_non_null(gpu.sync);
    assert_non_null(gpu.flush_caches);
    assert_non_null(gpu.cache_bytes);
    assert_non_null(gpu.timer_start);
    assert_non_null(gpu.timer_stop);
    assert_non_null(gpu.device_state);
    assert_non_null(gpu.destroy);
    assert_non_null(strstr(gpu.describe(gpu.state), "(sm_"));
    /* Opening a device that is not there fails with a reason. */
    rl_backend other;
    rl_err err = {{0}};
    rl_cuda_options opts = {.device = 4096};
    assert_int_equal(rl_cuda_backend_create(&opts, &other, &err), RL_ERR_DEVICE);
    assert_true(strlen(err.msg) > 0);
}

static void test_supports_and_ladders(void **state)
{
    (void)state;
    REQUIRE_GPU();
    rl_err err = {{0}};
    assert_int_equal(gpu.kernel_versions(gpu.state, RL_OP_LAYERNORM), 4);
    assert_int_equal(gpu.kernel_versions(gpu.state, RL_OP_SOFTMAX), 4);
    assert_int_equal(gpu.kernel_versions(gpu.state, RL_OP_GEMM), 1);
    for (int op = 0; op < RL_OP_COUNT; op++)
        for (int v = 0; v <= 5; v++)
            assert_non_null(gpu.kernel_version_name(gpu.state, (rl_op)op, v));
    assert_string_equal(gpu.kernel_version_name(gpu.state, RL_OP_LAYERNORM, 0),
                        gpu.kernel_version_name(gpu.state, RL_OP_LAYERNORM, 4));
    for (int v = 0; v <= 4; v++)
        assert_true(gpu.supports(gpu.state, RL_OP_LAYERNORM, RL_PREC_BF16, v, &err));
    err.msg[0] = 0;
    assert_false(gpu.supports(gpu.state, RL_OP_LAYERNORM, RL_PREC_FP32, 5, &err));
    assert_true(strlen(err.msg) > 0);
    err.msg[0] = 0;
    assert_false(gpu.supports(gpu.state, RL_OP_BIAS_GELU, RL_PREC_FP32, 2, &err));
    assert_true(strlen(err.msg) > 0);
    assert_false(gpu.supports(gpu.state, RL_OP_SOFTMAX, RL_PREC_FP64, 0, &err));
    assert_false(gpu.supports(gpu.state, RL_OP_SOFTMAX, RL_PREC_INT8, 0, &err));
    assert_false(gpu.supports(gpu.state, RL_OP_COPY, RL_PREC_TF32, 0, &err));
    assert_true(gpu.supports(gpu.state, RL_OP_GEMM, RL_PREC_INT8, 0, &err));
    assert_true(gpu.supports(gpu.state, RL_OP_FMA, RL_PREC_FP16, 0, &err));
    /* masked blocks: every geometry, within the fused kernel's 32 bits */
    const rl_shape square = {.rows = 8, .cols = 16}, decode = {.rows = 8, .cols = 16, .queries = 1},
                   window = {.rows = 64, .cols = 16, .queries = 32},
                   huge = {.rows = 1ll << 32, .cols = 2, .queries = 1};
    assert_true(gpu.supports_shape(gpu.state, RL_OP_SCALE_MASK_SOFTMAX, &square, &err));
    assert_true(gpu.supports_shape(gpu.state, RL_OP_SCALE_MASK_SOFTMAX, &decode, &err));
    assert_true(gpu.supports_shape(gpu.state, RL_OP_SCALE_MASK_SOFTMAX, &window, &err));
    assert_true(gpu.supports_shape(gpu.state, RL_OP_SCALE_MASK_SOFTMAX_UNFUSED, &huge, &err));
    err.msg[0] = 0;
    assert_false(gpu.supports_shape(gpu.state, RL_OP_SCALE_MASK_SOFTMAX, &huge, &err));
    assert_non_null(strstr(err.msg, "below 2^32"));
}

static void test_row_ladders(void **state)
{
    (void)state;
    REQUIRE_GPU();
    /* 1, 3, odd and just-past-a-power-of-two columns; 40000 fp32 columns is
     * longer than the shared memory a row may use, so v3 streams. */
    const rl_shape shapes[] = {rows_shape(1, 1),    rows_shape(3, 3),    rows_shape(5, 1023),
                               rows_shape(4, 4097), rows_shape(37, 768), rows_shape(3, 40000)};
    const rl_op ops[] = {RL_OP_LAYERNORM, RL_OP_SOFTMAX};
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
        for (size_t pi = 0; pi < sizeof row_precisions / sizeof row_precisions[0]; pi++)
            for (int v = 0; v <= gpu.kernel_versions(gpu.state, ops[o]); v++)
                for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
                    check_case(ops[o], row_precisions[pi], v, shapes[s], 0);
}

static void test_fused_and_chains(void **state)
{
    (void)state;
    REQUIRE_GPU();
    const rl_shape shapes[] = {rows_shape(1, 1),    rows_shape(3, 3),    rows_shape(5, 1023),
                               rows_shape(4, 4097), rows_shape(37, 768), rows_shape(3, 40000),
                               rows_shape(9, 8)};
    const rl_op ops[] = {RL_OP_RESIDUAL_LAYERNORM, RL_OP_RESIDUAL_LAYERNORM_UNFUSED,
                         RL_OP_SCALE_MASK_SOFTMAX, RL_OP_SCALE_MASK_SOFTMAX_UNFUSED,
                         RL_OP_BIAS_GELU,          RL_OP_BIAS_GELU_UNFUSED,
                         RL_OP_SILU_GATE};
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
        for (size_t pi = 0; pi < sizeof row_precisions / sizeof row_precisions[0]; pi++)
            for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
                check_case(ops[o], row_precisions[pi], 0, shapes[s], 0);
}

/* The v4 row kernels pick a shape per row length (rl_cuda_row4.cuh): a
 * warp of 1, 2 or 4 packs a thread, blocks of 128..1024 threads, on sm_90 a
 * cluster of up to 16 CTAs, and the two-read streaming kernel past that.
 * Columns here reach every entry for each element size, with lengths that
 * are not a multiple of the 16-byte pack (so rows start misaligned and have
 * a scalar head and tail), 1 column, rows longer than an SM's shared memory
 * (65537, 131072 and 262144 columns: a cluster on sm_90 — 262144 fp32 is
 * 16 CTAs — streaming elsewhere) and past the largest cluster (300001 fp32,
 * 600001 16-bit columns: streaming everywhere);
 * aligned (offset 0) and unaligned tensors (offset 1: all scalars). The
 * masked softmax's rows run over every query position: row r masks columns
 * j > r mod cols, so row 0 keeps one column. (A row with every column
 * masked cannot occur under that causal mask: column 0 is always kept.) */
static void test_row_v4_shapes(void **state)
{
    (void)state;
    REQUIRE_GPU();
    const int64_t cols[] = {1,    7,    33,    129,   250,    509,    1000,  2047,
                            4001, 8191, 16383, 33001, 65537, 131072, 262144,
                            300001, 600001};
    const rl_op ops[] = {RL_OP_LAYERNORM, RL_OP_SOFTMAX, RL_OP_RESIDUAL_LAYERNORM,
                         RL_OP_SCALE_MASK_SOFTMAX};
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
        for (size_t pi = 0; pi < sizeof row_precisions / sizeof row_precisions[0]; pi++)
            for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
                /* Enough rows for several per block and, for the mask,
                 * every query position of short rows. */
                const int64_t rows = cols[c] < 64 ? cols[c] + 5 : cols[c] > 60000 ? 2 : 9;
                const rl_shape s = rows_shape(rows, cols[c]);
                /* The fused ops have one version, v4's kernels. */
                const int v = ops[o] == RL_OP_LAYERNORM || ops[o] == RL_OP_SOFTMAX ? 4 : 0;
                check_case(ops[o], row_precisions[pi], v, s, 0);
                if (cols[c] == 1000 || cols[c] == 65537)
                    check_case(ops[o], row_precisions[pi], v, s, 1);
            }
}

/* The causal mask beyond square blocks (model/rl_mask.h): decode steps
 * (queries = 1: every key seen), chunks of queries after cached keys
 * (queries < cols), sliding windows over a longer prompt (queries > cols),
 * through the fused kernel and the unfused chain's mask step, whose packs
 * run across rows when a row is not a whole number of packs; aligned and
 * unaligned tensors. The fused kernel's shape follows the row length
 * (rl_row4_plan): warps and blocks for the short rows, a cluster on sm_90
 * for 65537 and 300001 columns, and the streaming kernel for 600001
 * 16-bit columns everywhere (300001 fp32 columns too off sm_90). The last
 * two shapes put the mask's edge inside a streaming trip: rows seeing
 * 300002–300005 of 600001 keys, and a window that grows over the rows. */
static void test_masked_blocks(void **state)
{
    (void)state;
    REQUIRE_GPU();
    const rl_shape shapes[] = {
        {.rows = 9, .cols = 7, .queries = 1},        {.rows = 12, .cols = 1000, .queries = 1},
        {.rows = 21, .cols = 33, .queries = 7},      {.rows = 10, .cols = 1000, .queries = 5},
        {.rows = 70, .cols = 5, .queries = 35},      {.rows = 130, .cols = 33, .queries = 65},
        {.rows = 6, .cols = 2047, .queries = 3000},  {.rows = 2, .cols = 300001, .queries = 1},
        {.rows = 3, .cols = 300001, .queries = 2},   {.rows = 4, .cols = 65537, .queries = 100000},
        {.rows = 4, .cols = 600001, .queries = 300000}, {.rows = 3, .cols = 600001, .queries = 700000},
    };
    const rl_op ops[] = {RL_OP_SCALE_MASK_SOFTMAX, RL_OP_SCALE_MASK_SOFTMAX_UNFUSED};
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
        for (size_t pi = 0; pi < sizeof row_precisions / sizeof row_precisions[0]; pi++)
            for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
                check_case(ops[o], row_precisions[pi], 0, shapes[s], 0);
                check_case(ops[o], row_precisions[pi], 0, shapes[s], 1);
            }
}

/* Tensors that do not start on a 16-byte boundary take the scalar paths. */
static void test_unaligned_tensors(void **state)
{
    (void)state;
    REQUIRE_GPU();
    const rl_shape shapes[] = {rows_shape(3, 1023), rows_shape(5, 768), rows_shape(2, 40000)};
    const rl_op ops[] = {RL_OP_LAYERNORM,          RL_OP_SOFTMAX,   RL_OP_RESIDUAL_LAYERNORM,
                         RL_OP_SCALE_MASK_SOFTMAX, RL_OP_BIAS_GELU, RL_OP_BIAS_GELU_UNFUSED,
                         RL_OP_SILU_GATE};
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
        for (size_t pi = 0; pi < sizeof row_precisions / sizeof row_precisions[0]; pi++)
            for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
                check_case(ops[o], row_precisions[pi], 0, shapes[s], 1);
    const rl_shape count = {.count = 4097};
    check_case(RL_OP_COPY, RL_PREC_FP16, 0, count, 1);
    check_case(RL_OP_TRIAD, RL_PREC_FP32, 0, count, 1);
}

static void test_gemm(void **state)
{
    (void)state;
    REQUIRE_GPU();
    rl_err err = {{0}};
    /* Shapes the float precisions and int8 take (n and k multiples of 4,
     * n of 8 and k of 16 as fp8 needs), shapes with every dimension a
     * multiple of 16 for fp8, then an awkward one only the float precisions
     * take. */
    const rl_shape even[] = {{.m = 1, .n = 8, .k = 16},
                             {.m = 33, .n = 40, .k = 64},
                             {.m = 65, .n = 24, .k = 48},
                             {.m = 128, .n = 256, .k = 96}};
    const rl_shape even16[] = {{.m = 16, .n = 16, .k = 16},
                               {.m = 32, .n = 48, .k = 64},
                               {.m = 64, .n = 32, .k = 48},
                               {.m = 128, .n = 256, .k = 96}};
    const rl_shape odd = {.m = 17, .n = 33, .k = 29};
    for (int p = 0; p < RL_PREC_COUNT; p++) {
        if (!gpu.supports(gpu.state, RL_OP_GEMM, (rl_precision)p, 0, &err)) {
            printf("gemm %s not supported here: %s\n", rl_precision_name((rl_precision)p),
                   err.msg);
            continue;
        }
        for (size_t s = 0; s < sizeof even / sizeof even[0]; s++)
            check_case(RL_OP_GEMM, (rl_precision)p, 0, p == RL_PREC_FP8 ? even16[s] : even[s], 0);
        if (p == RL_PREC_INT8 || p == RL_PREC_FP8) {
            /* Refused with a reason, not a crash or garbage. */
            const case_result r = run_case(RL_OP_GEMM, (rl_precision)p, 0, odd, 0);
            assert_int_equal(r.status, RL_ERR_UNSUPPORTED);
            assert_true(strlen(r.message) > 0);
        } else {
            check_case(RL_OP_GEMM, (rl_precision)p, 0, odd, 0);
        }
    }
    /* Batched (strided) products, the attention's Q.K^T and P.V: odd sizes,
     * a decode-like GQA group of 4 rows, and one product; int8 and fp8
     * batched products are refused with a reason. */
    const rl_shape batched[] = {{.batch = 3, .m = 17, .n = 33, .k = 29},
                                {.batch = 64, .m = 4, .n = 129, .k = 64},
                                {.batch = 5, .m = 64, .n = 64, .k = 257}};
    const rl_precision bp[] = {RL_PREC_FP64, RL_PREC_FP32, RL_PREC_TF32, RL_PREC_FP16,
                               RL_PREC_BF16};
    for (size_t p = 0; p < sizeof bp / sizeof bp[0]; p++)
        for (size_t s = 0; s < sizeof batched / sizeof batched[0]; s++)
            check_case(RL_OP_GEMM, bp[p], 0, batched[s], 0);
    const rl_shape int8_batched = {.batch = 2, .m = 8, .n = 8, .k = 16};
    const case_result r = run_case(RL_OP_GEMM, RL_PREC_INT8, 0, int8_batched, 0);
    assert_int_equal(r.status, RL_ERR_UNSUPPORTED);
    assert_non_null(strstr(r.message, "batched"));
}

static void test_stream_and_fma(void **state)
{
    (void)state;
    REQUIRE_GPU();
    const rl_precision precisions[] = {RL_PREC_FP64, RL_PREC_FP32, RL_PREC_FP16, RL_PREC_BF16};
    const int64_t counts[] = {1, 3, 1023, 4097, (1 << 20) + 5};
    for (size_t pi = 0; pi < sizeof precisions / sizeof precisions[0]; pi++) {
        for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
            for (int64_t passes = 0; passes <= 3; passes += 3) {
                const rl_shape s = {.count = counts[c], .iters = passes};
                check_case(RL_OP_COPY, precisions[pi], 0, s, 0);
                check_case(RL_OP_TRIAD, precisions[pi], 0, s, 0);
            }
            /* Short counts check the number of steps; long ones the
             * fixed point. */
            const int64_t iters[] = {1, 2, 7, 100};
            for (size_t it = 0; it < sizeof iters / sizeof iters[0]; it++) {
                const rl_shape s = {.count = counts[c], .iters = iters[it]};
                check_case(RL_OP_FMA, precisions[pi], 0, s, 0);
            }
        }
    }
}

static void test_timer_flush_memory(void **state)
{
    (void)state;
    REQUIRE_GPU();
    rl_err err = {{0}};
    rl_mem_info mem;
    assert_int_equal(gpu.mem_info(gpu.state, &mem, &err), RL_OK);
    assert_true(mem.total_bytes > 0 && mem.free_bytes <= mem.total_bytes);
    assert_true(gpu.cache_bytes(gpu.state) > 0);

    /* Far more than any GPU has: a clean NOMEM with a message. */
    void *huge = NULL;
    err.msg[0] = 0;
    assert_int_equal(gpu.alloc(gpu.state, (size_t)1 << 52, &huge, &err), RL_ERR_NOMEM);
    assert_null(huge);
    assert_true(strlen(err.msg) > 0);

    const int64_t n = 16 << 20;
    rl_launch l = {.op = RL_OP_COPY, .precision = RL_PREC_FP32, .shape = {.count = n}};
    assert_int_equal(gpu.alloc(gpu.state, (size_t)n * 4, &l.tensors[0], &err), RL_OK);
    assert_int_equal(gpu.alloc(gpu.state, (size_t)n * 4, &l.tensors[1], &err), RL_OK);
    assert_int_equal(gpu.fill_bytes(gpu.state, l.tensors[0], 0x3c, (size_t)n * 4, &err), RL_OK);
    double first = 0.0;
    for (int i = 0; i < 3; i++) {
        double s = 0.0;
        assert_int_equal(gpu.flush_caches(gpu.state, &err), RL_OK);
        assert_int_equal(gpu.timer_start(gpu.state, &err), RL_OK);
        assert_int_equal(gpu.launch(gpu.state, &l, &err), RL_OK);
        assert_int_equal(gpu.timer_stop(gpu.state, &s, &err), RL_OK);
        /* 128 MB moved: more than a microsecond, far less than a second. */
        assert_true(s > 1e-6 && s < 1.0);
        if (i == 0)
            first = s;
    }
    printf("copy of 64 MB: %.1f us, %.0f GB/s\n", first * 1e6, 2.0 * (double)n * 4 / first / 1e9);
    /* A failed launch inside a timed sample does not leave the stream held. */
    rl_launch bad = l;
    bad.kernel_version = 9;
    assert_int_equal(gpu.timer_start(gpu.state, &err), RL_OK);
    assert_int_equal(gpu.launch(gpu.state, &bad, &err), RL_ERR_UNSUPPORTED);
    assert_int_equal(gpu.sync(gpu.state, &err), RL_OK);
    /* Nor does a sample abandoned before timer_stop: the next timer_start
     * lets its hold go instead of re-arming it (which would stall the
     * stream for the hold's 2 s timeout). */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(gpu.timer_start(gpu.state, &err), RL_OK);
    assert_int_equal(gpu.timer_start(gpu.state, &err), RL_OK);
    assert_int_equal(gpu.launch(gpu.state, &l, &err), RL_OK);
    double abandoned = 0.0;
    assert_int_equal(gpu.timer_stop(gpu.state, &abandoned, &err), RL_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    const double wall = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    assert_true(wall < 1.5);
    gpu.release(gpu.state, l.tensors[0]);
    gpu.release(gpu.state, l.tensors[1]);

    rl_device_state ds;
    gpu.device_state(gpu.state, &ds);
    assert_true(ds.sm_clock_mhz > 0.0);
    printf("sm clock %.0f MHz, memory clock %.0f MHz, power %.0f of %.0f W, %.0f C\n",
           ds.sm_clock_mhz, ds.mem_clock_mhz, ds.power_draw_w, ds.power_limit_w, ds.temperature_c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_or_explain),   cmocka_unit_test(test_supports_and_ladders),
        cmocka_unit_test(test_row_ladders),         cmocka_unit_test(test_fused_and_chains),
        cmocka_unit_test(test_row_v4_shapes),       cmocka_unit_test(test_masked_blocks),
        cmocka_unit_test(test_unaligned_tensors),
        cmocka_unit_test(test_gemm),
        cmocka_unit_test(test_stream_and_fma),      cmocka_unit_test(test_timer_flush_memory),
    };
    return cmocka_run_group_tests(tests, open_gpu, close_gpu);
}

#else /* !RL_HAVE_CUDA */

static void test_built_without_cuda(void **state)
{
    (void)state;
    printf("SKIPPED: built without CUDA\n");
    fflush(stdout);
    skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_built_without_cuda)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif
