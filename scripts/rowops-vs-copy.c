/* The CPU row kernels against copy, interleaved in one process so that
 * machine load weighs on both alike: for each op of the quick suite (fp32,
 * the suite's own shapes), rounds of copy, op, copy; the ratio of a round is
 * the op's rate (model bytes / s) over the mean rate of the two copies
 * around it. Caches are flushed before every timed call, as the harness
 * does. Prints, per op, the median ratio and its range over the rounds, by
 * wall clock and by process CPU time (which leaves out time the threads
 * sat descheduled; run with OMP_WAIT_POLICY=PASSIVE so idle threads do not
 * spin it up), with the load average before and after.
 *   Then the op's rate with its data in cache (the same columns, rows cut
 * so that each thread's share fills half its L2; no flush, median of 101
 * calls) over copy's DRAM rate: the headroom, how much faster than copy the
 * op's own instructions and cache traffic go. Near 1 or below, the op's
 * work takes as long as copy's memory traffic, and it comes near copy only
 * if the two overlap completely. Short calls pay OpenMP's wake-up under
 * OMP_WAIT_POLICY=PASSIVE (tens to hundreds of µs on a VM), so take the
 * headroom from a run with OMP_WAIT_POLICY=ACTIVE.
 *   Last, what streaming stores give: each round also times the op on a
 * second backend that never streams (plain stores, whose lines are read
 * before they are written); the column is plain time / streamed time, and
 * the copy row gives the same for copy itself.
 *   A closing line gives each op's fastest call over copy's fastest call in
 * the run (STREAM's convention: contention only ever slows a call down).
 *   cmake --preset cpu && cmake --build --preset cpu -j2
 *   cc -O2 -fopenmp -I. -Iinclude -o /tmp/rowops-vs-copy scripts/rowops-vs-copy.c \
 *      build-cpu/librl_harness.a build-cpu/librl_kernels.a build-cpu/librl_model.a \
 *      -lsleef -lopenblas -lcjson -lm
 *   OMP_WAIT_POLICY=PASSIVE /tmp/rowops-vs-copy [rounds] [op,op,...] [stream-bytes]
 * stream-bytes: outputs from this size on are streamed (default 0: the
 * backend's own, the last-level cache's size). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <omp.h>

#include "harness/rl_suite.h"
#include "kernels/rl_backend.h"
#include "kernels/rl_dtype.h"

typedef struct prepared {
    rl_case_spec spec;
    rl_launch launch;
    int tensors;
    double bytes;
} prepared;

static void die(const char *what, const rl_err *err)
{
    fprintf(stderr, "rowops-vs-copy: %s: %s\n", what, err ? err->msg : "");
    exit(1);
}

static double now(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void load_average(const char *when)
{
    char buf[64] = "?";
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (!fgets(buf, sizeof buf, f))
            buf[0] = 0;
        fclose(f);
    }
    buf[strcspn(buf, "\n")] = 0;
    printf("load average %s: %s\n", when, buf);
}

/* Inputs uniform in [-1, 1) (positive where the op wants it), outputs zero. */
static void prepare(rl_backend *be, const rl_case_spec *spec, prepared *p)
{
    rl_err err;
    rl_op_signature sig;
    memset(p, 0, sizeof *p);
    p->spec = *spec;
    if (rl_op_signature_of(spec->op, spec->precision, &spec->shape, &sig, &err) != RL_OK)
        die("signature", &err);
    p->launch = (rl_launch){.op = spec->op, .precision = spec->precision, .shape = spec->shape,
                            .params = rl_op_default_params(spec->op, &spec->shape)};
    p->tensors = sig.count;
    p->bytes = rl_op_bytes(spec->op, spec->precision, &spec->shape);
    uint64_t seed = 12345;
    for (int i = 0; i < sig.count; i++) {
        const rl_tensor_desc *t = &sig.tensors[i];
        const size_t n = (size_t)t->elems, bytes = n * rl_dtype_size(t->dtype);
        if (be->alloc(be->state, bytes, &p->launch.tensors[i], &err) != RL_OK)
            die("alloc", &err);
        double *v = calloc(n, sizeof *v);
        void *stored = malloc(bytes);
        if (!v || !stored)
            die("out of memory", NULL);
        if (t->role == RL_TENSOR_IN)
            for (size_t e = 0; e < n; e++) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                const double u = (double)(seed >> 11) * 0x1.0p-53;
                v[e] = t->fill == RL_FILL_POSITIVE ? 0.5 + u : 2.0 * u - 1.0;
            }
        rl_dtype_from_f64(t->dtype, stored, v, n);
        if (be->upload(be->state, p->launch.tensors[i], stored, bytes, &err) != RL_OK)
            die("upload", &err);
        free(v);
        free(stored);
    }
}

static void release(rl_backend *be, prepared *p);
static void summary(double *r, int n, double *median, double *lo, double *hi);

/* The op's rate (model bytes / s) with its tensors in cache: rows cut so
 * that each thread's share fills about half its L2 (at least one row per
 * thread); calls back to back, no flush, median of 101. */
static double in_cache_rate(rl_backend *be, const rl_case_spec *spec, double full_bytes)
{
    long l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
    if (l2 <= 0)
        l2 = 512 * 1024;
    const int threads = omp_get_max_threads();
    rl_case_spec small = *spec;
    int64_t rows = (int64_t)((double)spec->shape.rows * 0.5 * (double)l2 * threads / full_bytes);
    if (rows < threads)
        rows = threads;
    if (rows < small.shape.rows)
        small.shape.rows = rows;
    prepared p;
    prepare(be, &small, &p);
    enum { CALLS = 101 };
    double t[CALLS];
    rl_err err;
    for (int i = -5; i < CALLS; i++) {
        const double w0 = now(CLOCK_MONOTONIC);
        if (be->launch(be->state, &p.launch, &err) != RL_OK || be->sync(be->state, &err) != RL_OK)
            die("launch", &err);
        if (i >= 0)
            t[i] = now(CLOCK_MONOTONIC) - w0;
    }
    double median, lo, hi;
    summary(t, CALLS, &median, &lo, &hi);
    release(be, &p);
    return p.bytes / median;
}

static void release(rl_backend *be, prepared *p)
{
    for (int i = 0; i < p->tensors; i++)
        be->release(be->state, p->launch.tensors[i]);
}

/* One flushed call: wall and CPU seconds. */
static void timed_call(rl_backend *be, prepared *p, double *wall, double *cpu)
{
    rl_err err;
    if (be->flush_caches(be->state, &err) != RL_OK)
        die("flush", &err);
    const double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    if (be->launch(be->state, &p->launch, &err) != RL_OK || be->sync(be->state, &err) != RL_OK)
        die("launch", &err);
    *cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
    *wall = now(CLOCK_MONOTONIC) - w0;
}

static int cmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void summary(double *r, int n, double *median, double *lo, double *hi)
{
    qsort(r, (size_t)n, sizeof *r, cmp);
    *median = n % 2 ? r[n / 2] : 0.5 * (r[n / 2 - 1] + r[n / 2]);
    *lo = r[0];
    *hi = r[n - 1];
}

int main(int argc, char **argv)
{
    const int rounds = argc > 1 ? atoi(argv[1]) : 11;
    const char *ops = argc > 2 ? argv[2]
                               : "layernorm,softmax,residual_layernorm,scale_mask_softmax,bias_gelu";
    if (rounds < 1 || rounds > 1000) {
        fprintf(stderr, "rowops-vs-copy: rounds must be 1..1000\n");
        return 2;
    }
    rl_err err;
    rl_backend be;
    const size_t stream_bytes = argc > 3 ? (size_t)strtoull(argv[3], NULL, 10) : 0;
    rl_cpu_options opts = {.threads = 0, .stream_bytes = stream_bytes};
    rl_cpu_options never = {.threads = 0, .stream_bytes = SIZE_MAX};
    rl_backend plain;
    if (rl_cpu_backend_create(&opts, &be, &err) != RL_OK ||
        rl_cpu_backend_create(&never, &plain, &err) != RL_OK)
        die("cpu backend", &err);
    uint32_t mask = 0, copy_mask = 0;
    if (rl_parse_op_list(ops, &mask, &err) != RL_OK || rl_parse_op_list("copy", &copy_mask, &err))
        die("ops", &err);
    rl_suite_request req = {.suite = "quick", .op_mask = mask | copy_mask,
                            .precision_mask = 1u << RL_PREC_FP32,
                            .cache_bytes = be.cache_bytes(be.state), .threads = 0};
    rl_case_spec *cases;
    size_t count;
    if (rl_suite_build(&req, &cases, &count, &err) != RL_OK)
        die("suite", &err);
    const rl_case_spec *copy_spec = NULL;
    for (size_t i = 0; i < count; i++)
        if (cases[i].op == RL_OP_COPY)
            copy_spec = &cases[i];
    if (!copy_spec)
        die("no copy case in the quick suite", NULL);
    prepared copy;
    prepare(&be, copy_spec, &copy);
    printf("%s, copy count=%lld; ratio = op B/s / mean copy B/s around it, %d rounds\n",
           be.describe(be.state), (long long)copy_spec->shape.count, rounds);
    load_average("before");
    printf("%-20s %-22s %-24s %-24s %-9s %-22s %s\n", "op", "shape", "ratio wall med (min-max)",
           "ratio cpu med (min-max)", "GB/s med", "plain/streamed (range)",
           "in-cache GB/s, headroom");
    double *rw = malloc((size_t)rounds * sizeof *rw), *rc = malloc((size_t)rounds * sizeof *rc),
           *gb = malloc((size_t)rounds * sizeof *gb), *cr = malloc((size_t)rounds * sizeof *cr),
           *sp = malloc((size_t)rounds * sizeof *sp);
    /* Fastest calls (STREAM's convention: contention only ever slows a
     * call down), the op's and copy's over all rounds of the run. */
    double copy_best = 0, *op_best = calloc(count, sizeof *op_best);
    for (size_t i = 0; i < count; i++) {
        if (cases[i].op == RL_OP_FMA)
            continue;
        prepared op;
        prepare(&be, &cases[i], &op);
        double cw0, cc0, w, c, cw1, cc1;
        timed_call(&be, &op, &w, &c); /* warm-up: first touch, thread team */
        timed_call(&be, &copy, &cw0, &cc0);
        for (int r = 0; r < rounds; r++) {
            double pw, pc;
            timed_call(&be, &op, &w, &c);
            timed_call(&be, &copy, &cw1, &cc1);
            timed_call(&plain, &op, &pw, &pc);
            sp[r] = pw / w;
            const double copy_wall = 0.5 * (copy.bytes / cw0 + copy.bytes / cw1);
            const double copy_cpu = 0.5 * (copy.bytes / cc0 + copy.bytes / cc1);
            rw[r] = op.bytes / w / copy_wall;
            rc[r] = op.bytes / c / copy_cpu;
            gb[r] = op.bytes / w * 1e-9;
            op_best[i] = op.bytes / w > op_best[i] ? op.bytes / w : op_best[i];
            copy_best = copy.bytes / cw1 > copy_best ? copy.bytes / cw1 : copy_best;
            cr[r] = copy_wall;
            cw0 = cw1;
            cc0 = cc1;
        }
        double m1, l1, h1, m2, l2, h2, m3, l3, h3, m4, l4, h4, m5, l5, h5;
        summary(rw, rounds, &m1, &l1, &h1);
        summary(rc, rounds, &m2, &l2, &h2);
        summary(gb, rounds, &m3, &l3, &h3);
        summary(cr, rounds, &m4, &l4, &h4);
        summary(sp, rounds, &m5, &l5, &h5);
        const double cached = in_cache_rate(&be, &cases[i], op.bytes);
        char shape[64];
        rl_shape_format(cases[i].op, &cases[i].shape, shape, sizeof shape);
        printf("%-20s %-22s %5.1f %% (%5.1f-%5.1f)    %5.1f %% (%5.1f-%5.1f)    %-9.2f "
               "%.2f (%.2f-%.2f)       %.1f, %.2f\n",
               rl_op_name(cases[i].op), shape, 100 * m1, 100 * l1, 100 * h1, 100 * m2, 100 * l2,
               100 * h2, m3, m5, l5, h5, cached * 1e-9, cached / m4);
        fflush(stdout);
        release(&be, &op);
    }
    printf("fastest call, op B/s / copy B/s (copy %.2f GB/s):", copy_best * 1e-9);
    for (size_t i = 0; i < count; i++)
        if (op_best[i] > 0)
            printf(" %s %.1f %%", rl_op_name(cases[i].op), 100 * op_best[i] / copy_best);
    printf("\n");
    free(op_best);
    load_average("after");
    release(&be, &copy);
    free(rw);
    free(rc);
    free(gb);
    free(cr);
    free(sp);
    plain.destroy(plain.state);
    free(cases);
    be.destroy(be.state);
    return 0;
}
