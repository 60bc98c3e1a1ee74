/* The CPU backend's kernels against the float64 references, through the
 * backend table the harness uses (alloc, upload, fill, launch, download):
 * every op in fp32 and fp64 at awkward sizes (1, 3, 1023, 4097 columns; 1,
 * 7 and 64 rows, which two threads cannot split evenly), unfused chains
 * against their fused partners, the probes, and the refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/ref/rl_ref.h"
#include "kernels/rl_backend.h"
#include "kernels/rl_dtype.h"
#include "tests/rl_test.h"

static rl_backend be;

static int setup(void **state)
{
    (void)state;
    rl_err err;
    /* Two threads even on one core: the row split must be uneven somewhere. */
    rl_cpu_options opts = {.threads = 2};
    return rl_cpu_backend_create(&opts, &be, &err) == RL_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    be.destroy(be.state);
    return 0;
}

/* splitmix64: a fixed-seed local generator. */
static uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Non-zero values shaped like the harness's fills. */
static double random_value(rl_fill fill, uint64_t *s)
{
    const double u = (double)(next_u64(s) >> 11) * 0x1.0p-53;
    const double sign = u < 0.5 ? -1.0 : 1.0, mag = fabs(2.0 * u - 1.0);
    switch (fill) {
    case RL_FILL_POSITIVE: return 0.5 + u;
    case RL_FILL_SMALL: return sign * (0.25 + 2.75 * mag);
    default: return sign * (0.125 + 0.875 * mag);
    }
}

/* One case's tensors on the host, as doubles (inputs rounded to storage). */
typedef struct host_case {
    rl_op_signature sig;
    rl_op_params params;
    double *v[RL_MAX_TENSORS];
} host_case;

static void host_free(host_case *h)
{
    for (int i = 0; i < RL_MAX_TENSORS; i++)
        free(h->v[i]);
}

/* Run op on the backend with inputs from seed; outputs come back in h. */
static rl_status run_case(rl_op op, rl_precision p, const rl_shape *shape, uint64_t seed,
                          host_case *h, rl_err *err)
{
    memset(h, 0, sizeof *h);
    RL_TRY(rl_op_signature_of(op, p, shape, &h->sig, err));
    h->params = rl_op_default_params(op, shape);
    rl_launch l = {.op = op, .precision = p, .shape = *shape, .params = h->params};
    rl_status s = RL_OK;
    for (int i = 0; i < h->sig.count && s == RL_OK; i++) {
        const rl_tensor_desc *t = &h->sig.tensors[i];
        const size_t n = (size_t)t->elems, bytes = n * rl_dtype_size(t->dtype);
        void *stored = malloc(bytes);
        h->v[i] = malloc(n * sizeof(double));
        assert_non_null(stored);
        assert_non_null(h->v[i]);
        s = be.alloc(be.state, bytes, &l.tensors[i], err);
        if (s == RL_OK && t->role == RL_TENSOR_IN) {
            for (size_t e = 0; e < n; e++)
                h->v[i][e] = random_value(t->fill, &seed);
            /* A huge logit where the causal mask hides x: the op's bytes
             * assume the masked part is never read, and a kernel that lets
             * it into the max or the sum fails. */
            if (i == 0 && rl_op_fused_partner(op) == RL_OP_SCALE_MASK_SOFTMAX)
                for (int64_t r = 0; r < shape->rows; r++)
                    for (int64_t j = rl_mask_visible(shape, r); j < shape->cols; j++)
                        h->v[i][r * shape->cols + j] = 1e30;
            rl_dtype_from_f64(t->dtype, stored, h->v[i], n);
            rl_dtype_to_f64(t->dtype, h->v[i], stored, n);
            s = be.upload(be.state, l.tensors[i], stored, bytes, err);
        } else if (s == RL_OK) {
            /* NaN poison: an element the kernel never writes fails. */
            s = be.fill_bytes(be.state, l.tensors[i], 0xFF, bytes, err);
        }
        free(stored);
    }
    if (s == RL_OK)
        s = be.launch(be.state, &l, err);
    if (s == RL_OK)
        s = be.sync(be.state, err);
    for (int i = 0; i < h->sig.count && s == RL_OK; i++) {
        const rl_tensor_desc *t = &h->sig.tensors[i];
        if (t->role != RL_TENSOR_OUT)
            continue;
        const size_t n = (size_t)t->elems, bytes = n * rl_dtype_size(t->dtype);
        void *stored = malloc(bytes);
        assert_non_null(stored);
        s = be.download(be.state, stored, l.tensors[i], bytes, err);
        rl_dtype_to_f64(t->dtype, h->v[i], stored, n);
        free(stored);
    }
    for (int i = 0; i < h->sig.count; i++)
        if (l.tensors[i])
            be.release(be.state, l.tensors[i]);
    return s;
}

/* Largest error of got against ref over n elements, relative to |ref| plus
 * the mean |ref| (so tiny reference values do not dominate); NaN -> inf. */
static double rel_error(const double *got, const double *ref, int64_t n)
{
    double sum = 0.0;
    for (int64_t e = 0; e < n; e++)
        sum += fabs(ref[e]);
    const double scale = sum / (double)n;
    double worst = 0.0;
    for (int64_t e = 0; e < n; e++) {
        const double d = fabs(got[e] - ref[e]) / (fabs(ref[e]) + scale + 1e-300);
        if (!(d <= worst))
            worst = isnan(d) ? INFINITY : d;
    }
    return worst;
}

/* The harness's tolerance model: rounding of the output plus an error that
 * grows like sqrt of the reduction length in the working precision. */
static double tolerance(rl_precision p, int64_t len)
{
    const double eps = p == RL_PREC_FP64 ? 0x1.0p-52 : 0x1.0p-23;
    return 2.0 * eps + 4.0 * eps * sqrt((double)(len > 1 ? len : 1));
}

/* Every output of the case against the reference on all units. */
static double case_error(rl_op op, rl_precision p, const rl_shape *shape, uint64_t seed)
{
    host_case h;
    rl_err err;
    rl_status s = run_case(op, p, shape, seed, &h, &err);
    if (s != RL_OK) {
        print_error("%s/%s: %s\n", rl_op_name(op), rl_precision_name(p), err.msg);
        fail();
    }
    double *args[RL_MAX_TENSORS] = {0};
    double *refs[RL_MAX_TENSORS] = {0};
    for (int i = 0; i < h.sig.count; i++) {
        if (h.sig.tensors[i].role == RL_TENSOR_OUT) {
            refs[i] = malloc((size_t)h.sig.tensors[i].elems * sizeof(double));
            args[i] = refs[i];
        } else if (h.sig.tensors[i].role == RL_TENSOR_IN) {
            args[i] = h.v[i];
        }
    }
    const int64_t units = rl_ref_unit_count(op, shape);
    int64_t *list = malloc((size_t)units * sizeof *list);
    for (int64_t u = 0; u < units; u++)
        list[u] = u;
    assert_int_equal(rl_ref_run(op, shape, &h.params, args, list, units, &err), RL_OK);
    double worst = 0.0;
    for (int i = 0; i < h.sig.count; i++) {
        if (!refs[i])
            continue;
        const double e = rel_error(h.v[i], refs[i], h.sig.tensors[i].elems);
        worst = e > worst ? e : worst;
        free(refs[i]);
    }
    free(list);
    host_free(&h);
    return worst;
}

static void expect_matches_reference(rl_op op, rl_precision p, const rl_shape *shape)
{
    const double e = case_error(op, p, shape, 42);
    const double tol = tolerance(p, rl_op_reduction_length(op, shape));
    if (!(e <= tol)) {
        char buf[96];
        rl_shape_format(op, shape, buf, sizeof buf);
        print_error("%s/%s/%s: error %.3g > tolerance %.3g\n", rl_op_name(op),
                    rl_precision_name(p), buf, e, tol);
        fail();
    }
}

static const rl_precision precisions[] = {RL_PREC_FP32, RL_PREC_FP64};
static const int64_t row_counts[] = {1, 7, 64};
static const int64_t col_counts[] = {1, 3, 1023, 4097};

static void row_op_at_awkward_sizes(rl_op op)
{
    for (size_t p = 0; p < 2; p++)
        for (size_t r = 0; r < 3; r++)
            for (size_t c = 0; c < 4; c++) {
                const rl_shape s = {.rows = row_counts[r], .cols = col_counts[c]};
                expect_matches_reference(op, precisions[p], &s);
            }
}

static void layernorm_matches(void **state)
{
    (void)state;
    row_op_at_awkward_sizes(RL_OP_LAYERNORM);
}

static void softmax_matches(void **state)
{
    (void)state;
    row_op_at_awkward_sizes(RL_OP_SOFTMAX);
}

static void residual_layernorm_matches(void **state)
{
    (void)state;
    row_op_at_awkward_sizes(RL_OP_RESIDUAL_LAYERNORM);
    row_op_at_awkward_sizes(RL_OP_RESIDUAL_LAYERNORM_UNFUSED);
}

static void scale_mask_softmax_matches(void **state)
{
    (void)state;
    row_op_at_awkward_sizes(RL_OP_SCALE_MASK_SOFTMAX);
    row_op_at_awkward_sizes(RL_OP_SCALE_MASK_SOFTMAX_UNFUSED);
    /* blocks other than square: decode steps, a chunk after cached keys,
     * a sliding window over a longer prompt, partial last blocks */
    const rl_shape blocks[] = {{.rows = 7, .cols = 5, .queries = 1},
                               {.rows = 13, .cols = 1023, .queries = 3},
                               {.rows = 9, .cols = 4, .queries = 6},
                               {.rows = 70, .cols = 4097, .queries = 2},
                               {.rows = 130, .cols = 64, .queries = 100}};
    for (size_t p = 0; p < 2; p++)
        for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
            expect_matches_reference(RL_OP_SCALE_MASK_SOFTMAX, precisions[p], &blocks[i]);
            expect_matches_reference(RL_OP_SCALE_MASK_SOFTMAX_UNFUSED, precisions[p], &blocks[i]);
        }
}

static void bias_gelu_matches(void **state)
{
    (void)state;
    row_op_at_awkward_sizes(RL_OP_BIAS_GELU);
    row_op_at_awkward_sizes(RL_OP_BIAS_GELU_UNFUSED);
}

static void silu_gate_matches(void **state)
{
    (void)state;
    row_op_at_awkward_sizes(RL_OP_SILU_GATE);
}

static void gemm_matches(void **state)
{
    (void)state;
    /* batched: the attention products' shapes, odd sizes; each product
     * must read its own operands (a wrong stride fails every later one) */
    const rl_shape shapes[] = {{.m = 1, .n = 1, .k = 1},
                               {.m = 3, .n = 5, .k = 7},
                               {.m = 64, .n = 33, .k = 129},
                               {.m = 257, .n = 129, .k = 65},
                               {.m = 3, .n = 5, .k = 7, .batch = 2},
                               {.m = 4, .n = 37, .k = 9, .batch = 13},
                               {.m = 17, .n = 3, .k = 41, .batch = 5}};
    for (size_t p = 0; p < 2; p++)
        for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
            expect_matches_reference(RL_OP_GEMM, precisions[p], &shapes[i]);
}

static void stream_ops_match(void **state)
{
    (void)state;
    const int64_t counts[] = {1, 3, 1023, 4097, 100003};
    for (size_t p = 0; p < 2; p++)
        for (size_t i = 0; i < 5; i++) {
            const rl_shape one = {.count = counts[i]};
            const rl_shape passes = {.count = counts[i], .iters = 3};
            expect_matches_reference(RL_OP_COPY, precisions[p], &one);
            expect_matches_reference(RL_OP_TRIAD, precisions[p], &one);
            expect_matches_reference(RL_OP_COPY, precisions[p], &passes);
            expect_matches_reference(RL_OP_TRIAD, precisions[p], &passes);
        }
}

static void fma_probe_matches(void **state)
{
    (void)state;
    /* Counts around the register blocks (up to 192 floats a block) and
     * short iteration counts, where every step still changes the result. */
    const int64_t counts[] = {1, 3, 95, 97, 191, 193, 1023, 4097};
    const int64_t iters[] = {1, 2, 5, 17, 1000};
    for (size_t p = 0; p < 2; p++)
        for (size_t c = 0; c < 8; c++)
            for (size_t i = 0; i < 5; i++) {
                const rl_shape s = {.count = counts[c], .iters = iters[i]};
                expect_matches_reference(RL_OP_FMA, precisions[p], &s);
            }
}

/* An iteration count off by one is visible: the probe must run exactly iters. */
static void fma_probe_counts_iterations(void **state)
{
    (void)state;
    const rl_shape s = {.count = 300, .iters = 9};
    host_case h;
    rl_err err;
    assert_int_equal(run_case(RL_OP_FMA, RL_PREC_FP64, &s, 7, &h, &err), RL_OK);
    for (int64_t e = 0; e < s.count; e++) {
        assert_near(h.v[1][e], 1.0 - (1.0 - h.v[0][e]) / 512.0, 1e-15);
        assert_true(fabs(h.v[1][e] - (1.0 - (1.0 - h.v[0][e]) / 256.0)) > 1e-6);
    }
    host_free(&h);
}

/* An unfused chain computes what its fused partner does. */
/* Each unfused chain against its fused partner on the same inputs. */
static void expect_unfused_equals_fused(const rl_shape *shapes, size_t count)
{
    const rl_op chains[] = {RL_OP_RESIDUAL_LAYERNORM_UNFUSED, RL_OP_SCALE_MASK_SOFTMAX_UNFUSED,
                            RL_OP_BIAS_GELU_UNFUSED};
    for (size_t p = 0; p < 2; p++)
        for (size_t c = 0; c < 3; c++)
            for (size_t i = 0; i < count; i++) {
                host_case fused, unfused;
                rl_err err;
                const rl_op partner = rl_op_fused_partner(chains[c]);
                assert_int_equal(run_case(partner, precisions[p], &shapes[i], 9, &fused, &err),
                                 RL_OK);
                assert_int_equal(
                    run_case(chains[c], precisions[p], &shapes[i], 9, &unfused, &err), RL_OK);
                /* Same seed, same tensor order up to the scratch: same inputs,
                 * so the outputs must agree. */
                for (int t = 0; t < fused.sig.count; t++) {
                    if (fused.sig.tensors[t].role != RL_TENSOR_OUT)
                        continue;
                    const int64_t n = fused.sig.tensors[t].elems;
                    const double e = rel_error(unfused.v[t], fused.v[t], n);
                    assert_true(e <= tolerance(precisions[p], shapes[i].cols));
                }
                host_free(&fused);
                host_free(&unfused);
            }
}

static void unfused_equals_fused(void **state)
{
    (void)state;
    const rl_shape shapes[] = {{.rows = 7, .cols = 1023}, {.rows = 64, .cols = 3},
                               {.rows = 1, .cols = 4097}};
    expect_unfused_equals_fused(shapes, 3);
}

/* The streaming-store paths (rl_cpu_options.stream_bytes = 1 streams every
 * output) against the references: rows of whole vectors (streamed), rows
 * that are not (plain stores), softmax rows longer than the scratch row
 * (in place), causal rows whose valid part ends inside a vector, and
 * element counts whose thread slices start off a vector boundary. */
static void streamed_outputs_match(void **state)
{
    (void)state;
    const rl_backend plain = be;
    rl_err err;
    rl_cpu_options opts = {.threads = 2, .stream_bytes = 1};
    assert_int_equal(rl_cpu_backend_create(&opts, &be, &err), RL_OK);
    const rl_op row_ops[] = {RL_OP_LAYERNORM, RL_OP_RESIDUAL_LAYERNORM, RL_OP_SOFTMAX,
                             RL_OP_SCALE_MASK_SOFTMAX, RL_OP_BIAS_GELU, RL_OP_SILU_GATE};
    const rl_shape rows[] = {{.rows = 7, .cols = 1024}, {.rows = 3, .cols = 1023},
                             {.rows = 2, .cols = 8200}, {.rows = 70, .cols = 48}};
    const rl_shape elems[] = {{.count = 4097}, {.count = 100003, .iters = 2}};
    for (size_t p = 0; p < 2; p++) {
        for (size_t o = 0; o < sizeof row_ops / sizeof row_ops[0]; o++)
            for (size_t s = 0; s < sizeof rows / sizeof rows[0]; s++)
                expect_matches_reference(row_ops[o], precisions[p], &rows[s]);
        for (size_t s = 0; s < 2; s++) {
            expect_matches_reference(RL_OP_COPY, precisions[p], &elems[s]);
            expect_matches_reference(RL_OP_TRIAD, precisions[p], &elems[s]);
        }
    }
    expect_unfused_equals_fused(rows, sizeof rows / sizeof rows[0]);
    be.destroy(be.state);
    be = plain;
}

/* The comparison has teeth: a 1e-4 error in one element is caught. */
static void checker_catches_a_wrong_element(void **state)
{
    (void)state;
    const rl_shape s = {.rows = 7, .cols = 1023};
    host_case h;
    rl_err err;
    assert_int_equal(run_case(RL_OP_LAYERNORM, RL_PREC_FP32, &s, 3, &h, &err), RL_OK);
    double *ref = malloc((size_t)(s.rows * s.cols) * sizeof(double));
    double *args[] = {h.v[0], h.v[1], h.v[2], ref};
    const int64_t units[] = {0, 1, 2, 3, 4, 5, 6};
    assert_int_equal(rl_ref_run(RL_OP_LAYERNORM, &s, &h.params, args, units, 7, &err), RL_OK);
    const double tol = tolerance(RL_PREC_FP32, s.cols);
    assert_true(rel_error(h.v[3], ref, s.rows * s.cols) <= tol);
    h.v[3][3000] *= 1.0 + 1e-4;
    assert_true(rel_error(h.v[3], ref, s.rows * s.cols) > tol);
    h.v[3][3000] = NAN;
    assert_true(isinf(rel_error(h.v[3], ref, s.rows * s.cols)));
    free(ref);
    host_free(&h);
}

static void unsupported_is_refused(void **state)
{
    (void)state;
    rl_err err = {{0}};
    assert_false(be.supports(be.state, RL_OP_GEMM, RL_PREC_FP16, 0, &err));
    assert_non_null(strstr(err.msg, "gemm at fp16"));
    assert_non_null(strstr(err.msg, "OpenBLAS"));
    assert_false(be.supports(be.state, RL_OP_LAYERNORM, RL_PREC_BF16, 0, &err));
    assert_non_null(strstr(err.msg, "layernorm at bf16"));
    assert_false(be.supports(be.state, RL_OP_GEMM, RL_PREC_TF32, 0, &err));
    assert_false(be.supports(be.state, RL_OP_GEMM, RL_PREC_INT8, 0, &err));
    assert_false(be.supports(be.state, RL_OP_FMA, RL_PREC_FP8, 0, &err));
    assert_false(be.supports(be.state, RL_OP_SOFTMAX, RL_PREC_FP32, 2, &err));
    assert_true(be.supports(be.state, RL_OP_SOFTMAX, RL_PREC_FP32, 0, &err));
    assert_true(be.supports(be.state, RL_OP_GEMM, RL_PREC_FP64, 1, &err));

    /* launch refuses too, before touching any memory. */
    const rl_shape s = {.rows = 2, .cols = 8, .m = 2, .n = 2, .k = 2};
    host_case h;
    assert_int_equal(run_case(RL_OP_SOFTMAX, RL_PREC_FP16, &s, 1, &h, &err),
                     RL_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "softmax at fp16"));
    host_free(&h);
    assert_int_equal(run_case(RL_OP_GEMM, RL_PREC_BF16, &s, 1, &h, &err), RL_ERR_UNSUPPORTED);
    host_free(&h);
}

static void backend_basics(void **state)
{
    (void)state;
    rl_err err;
    assert_string_equal(be.name, "cpu");
    /* Under OMP_THREAD_LIMIT=1 (the emulator's CI pass) one of the two runs. */
    if (omp_get_thread_limit() >= 2)
        assert_string_equal(be.describe(be.state), "2 threads");
    else
        assert_string_equal(be.describe(be.state), "2 threads asked, 1 run (OMP_THREAD_LIMIT=1)");
    assert_int_equal(be.kernel_versions(be.state, RL_OP_GEMM), 1);
    assert_string_equal(be.kernel_version_name(be.state, RL_OP_GEMM, 0), "openblas");
    assert_string_equal(be.kernel_version_name(be.state, RL_OP_SOFTMAX, 0), "omp");

    rl_mem_info mem;
    assert_int_equal(be.mem_info(be.state, &mem, &err), RL_OK);
    assert_true(mem.total_bytes > 0);
    assert_true(mem.free_bytes > 0 && mem.free_bytes <= mem.total_bytes);

    const size_t cache = be.cache_bytes(be.state);
    assert_true(cache >= ((size_t)64 << 10) && cache <= ((size_t)1 << 30));
    assert_int_equal(be.flush_caches(be.state, &err), RL_OK);
    assert_int_equal(be.flush_caches(be.state, &err), RL_OK);

    double t = -1.0;
    assert_int_equal(be.timer_start(be.state, &err), RL_OK);
    assert_int_equal(be.timer_stop(be.state, &t, &err), RL_OK);
    assert_true(t >= 0.0 && t < 1.0);

    rl_device_state ds;
    be.device_state(be.state, &ds);
    assert_true(ds.sm_clock_mhz < 0 && ds.mem_clock_mhz < 0 && ds.power_limit_w < 0 &&
                ds.power_draw_w < 0 && ds.temperature_c < 0);

    void *p = NULL;
    assert_int_equal(be.alloc(be.state, 3, &p, &err), RL_OK);
    assert_true(((uintptr_t)p & 63) == 0);
    be.release(be.state, p);

    rl_backend other;
    rl_cpu_options bad = {.threads = -1};
    assert_int_equal(rl_cpu_backend_create(&bad, &other, &err), RL_ERR_INVALID);
}

/* One thread and the machine's default give the same answers. */
static void thread_counts_agree(void **state)
{
    (void)state;
    const rl_backend two = be;
    const int counts[] = {1, 0};
    for (int c = 0; c < 2; c++) {
        rl_err err;
        rl_cpu_options opts = {.threads = counts[c]};
        assert_int_equal(rl_cpu_backend_create(&opts, &be, &err), RL_OK);
        const rl_shape rows = {.rows = 7, .cols = 1023};
        const rl_shape elems = {.count = 4097, .iters = 3};
        expect_matches_reference(RL_OP_LAYERNORM, RL_PREC_FP32, &rows);
        expect_matches_reference(RL_OP_TRIAD, RL_PREC_FP32, &elems);
        expect_matches_reference(RL_OP_FMA, RL_PREC_FP32, &elems);
        be.destroy(be.state);
    }
    be = two;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(layernorm_matches),
        cmocka_unit_test(softmax_matches),
        cmocka_unit_test(residual_layernorm_matches),
        cmocka_unit_test(scale_mask_softmax_matches),
        cmocka_unit_test(bias_gelu_matches),
        cmocka_unit_test(silu_gate_matches),
        cmocka_unit_test(gemm_matches),
        cmocka_unit_test(stream_ops_match),
        cmocka_unit_test(fma_probe_matches),
        cmocka_unit_test(fma_probe_counts_iterations),
        cmocka_unit_test(unfused_equals_fused),
        cmocka_unit_test(streamed_outputs_match),
        cmocka_unit_test(checker_catches_a_wrong_element),
        cmocka_unit_test(unsupported_is_refused),
        cmocka_unit_test(backend_basics),
        cmocka_unit_test(thread_counts_agree),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
