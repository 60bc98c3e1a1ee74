/* The "why" note of a case below half its prediction, from facts the run
 * recorded: the measured launch overhead, the fused twin's measured gain,
 * the BLAS core type in force and any OPENBLAS_* override. A fused kernel
 * is never told to fuse. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "model/rl_roofline.h"
#include "report/rl_fusion.h"
#include "report/rl_report.h"
#include "report/rl_sbuf.h"

/* A call within this factor of the launch overhead is mostly overhead. */
#define OVERHEAD_BOUND_FACTOR 20.0

double rl_case_ratio(const rl_case_result *c)
{
    if (c->outcome != RL_CASE_OK || !c->predicted.present || !(c->predicted.time_s > 0) ||
        !(c->time_s.median > 0))
        return NAN;
    return c->predicted.time_s / c->time_s.median;
}

/* "OpenBLAS core Haswell (OPENBLAS_CORETYPE=Haswell)" for a CPU GEMM; ""
 * when the run did not record its BLAS. */
static void blas_in_force(const rl_results *r, char *buf, size_t len)
{
    buf[0] = '\0';
    const rl_run_info *in = &r->info;
    if (!in->blas_corename[0] && !in->blas_config[0])
        return;
    char overrides[200] = "";
    for (int i = 0; i < in->env_count; i++) {
        if (strncmp(in->env[i], "OPENBLAS_", 9) != 0)
            continue;
        size_t used = strlen(overrides);
        snprintf(overrides + used, sizeof overrides - used, "%s%.60s", used ? ", " : "",
                 in->env[i]);
    }
    snprintf(buf, len, "OpenBLAS core %s in force%s%s%s", in->blas_corename[0] ? in->blas_corename : "?",
             overrides[0] ? " (set by " : " (detected)", overrides, overrides[0] ? ")" : "");
}

/* Vector widths are compared within one instruction-set family only: under
 * an emulator (qemu-user) an Arm binary reads the x86 host's flags. */
typedef enum { FAMILY_X86 = 1, FAMILY_ARM } isa_family;

/* The widest vectors an OpenBLAS core type's kernels use, in bits, and its
 * family; 0 for a name not listed here (or SVE, whose width the name does
 * not give). */
static int blas_core_vector_bits(const char *core, isa_family *family)
{
    static const struct {
        const char *name;
        int bits;
        isa_family family;
    } cores[] = {
        {"SkylakeX", 512, FAMILY_X86},     {"Cooperlake", 512, FAMILY_X86},
        {"SapphireRapids", 512, FAMILY_X86}, {"Haswell", 256, FAMILY_X86},
        {"Zen", 256, FAMILY_X86},          {"Sandybridge", 256, FAMILY_X86},
        {"Excavator", 256, FAMILY_X86},    {"Steamroller", 256, FAMILY_X86},
        {"Piledriver", 256, FAMILY_X86},   {"Bulldozer", 256, FAMILY_X86},
        {"Nehalem", 128, FAMILY_X86},      {"Core2", 128, FAMILY_X86},
        {"Penryn", 128, FAMILY_X86},       {"Dunnington", 128, FAMILY_X86},
        {"Prescott", 128, FAMILY_X86},     {"Atom", 128, FAMILY_X86},
        {"Barcelona", 128, FAMILY_X86},    {"Opteron", 128, FAMILY_X86},
        {"A64FX", 512, FAMILY_ARM},        {"NeoverseV1", 256, FAMILY_ARM},
        {"ARMV8", 128, FAMILY_ARM},        {"CortexA53", 128, FAMILY_ARM},
        {"CortexA55", 128, FAMILY_ARM},    {"CortexA57", 128, FAMILY_ARM},
        {"CortexA72", 128, FAMILY_ARM},    {"CortexA73", 128, FAMILY_ARM},
        {"CortexA76", 128, FAMILY_ARM},    {"NeoverseN1", 128, FAMILY_ARM},
        {"NeoverseN2", 128, FAMILY_ARM},   {"ThunderX", 128, FAMILY_ARM},
        {"ThunderX2T99", 128, FAMILY_ARM}, {"ThunderX3T110", 128, FAMILY_ARM},
        {"TSV110", 128, FAMILY_ARM},       {"EMAG8180", 128, FAMILY_ARM},
        {"Falkor", 128, FAMILY_ARM},       {"VORTEX", 128, FAMILY_ARM},
    };
    for (size_t i = 0; i < sizeof cores / sizeof cores[0]; i++)
        if (strcasecmp(core, cores[i].name) == 0) {
            *family = cores[i].family;
            return cores[i].bits;
        }
    return 0;
}

/* The widest SIMD vectors the CPU's flags (rl_cpu_info.isa) name, in bits,
 * and their family; 0 when they do not tell (none recorded, or SVE of
 * unknown length). */
static int cpu_vector_bits(const char *isa, isa_family *family)
{
    static const struct {
        const char *flag;
        int bits;
        isa_family family;
    } flags[] = {{"avx512f", 512, FAMILY_X86}, {"avx2", 256, FAMILY_X86},
                 {"avx", 256, FAMILY_X86},     {"sse4_2", 128, FAMILY_X86},
                 {"asimd", 128, FAMILY_ARM}};
    if (strstr(isa, "sve"))
        return 0;
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        const size_t n = strlen(flags[i].flag);
        for (const char *p = isa; (p = strstr(p, flags[i].flag)) != NULL; p += n)
            if ((p == isa || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) {
                *family = flags[i].family;
                return flags[i].bits;
            }
    }
    return 0;
}

static bool overhead_bound(const rl_results *r, const rl_case_result *c, int pct, char *buf,
                           size_t len)
{
    const double launch = r ? r->info.launch_overhead_s : 0;
    if (!(launch > 0) || !(c->time_s.median < OVERHEAD_BOUND_FACTOR * launch))
        return false;
    char t[32], o[32];
    rl_format_time(c->time_s.median, t, sizeof t);
    rl_format_time(launch, o, sizeof o);
    snprintf(buf, len,
             "small problem: the call takes %s, %.1fx the measured launch overhead %s (%s); "
             "%d %% of prediction",
             t, c->time_s.median / launch, o,
             r->info.launch_overhead_source[0] ? r->info.launch_overhead_source : "measured", pct);
    return true;
}

/* A CPU GEMM far below its roof: blame the BLAS core type only when its
 * vectors are narrower than the CPU's; when they are as wide, the core is
 * not the cause and the product's own shape is named instead. */
static void blas_note(const rl_results *r, const rl_case_result *c, int pct, const char *blas,
                      char *buf, size_t len)
{
    isa_family core_family = 0, cpu_family = 0;
    int core = blas_core_vector_bits(r->info.blas_corename, &core_family);
    const int cpu = cpu_vector_bits(r->info.cpu.isa, &cpu_family);
    if (core_family != cpu_family)
        core = 0; /* not comparable: say only what is known */
    if (core > 0 && cpu > 0 && core < cpu) {
        snprintf(buf, len,
                 "GEMM at %d %% of the roof: %s, whose kernels use %d-bit vectors where this CPU "
                 "has %d-bit: that halves the rate or worse",
                 pct, blas, core, cpu);
    } else if (core > 0 && cpu > 0) {
        const int64_t m = c->shape.m, n = c->shape.n, k = c->shape.k;
        const int64_t least = m < n ? (m < k ? m : k) : (n < k ? n : k);
        snprintf(buf, len,
                 "GEMM at %d %% of the roof: %s uses this CPU's widest vectors (%d-bit), so the "
                 "core type is not the cause; a product whose smallest dimension is %lld%s does "
                 "not keep the FMA units busy (blocking, packing, threads)",
                 pct, blas, cpu, (long long)least,
                 rl_gemm_batch(&c->shape) > 1 ? ", called once per product of the batch," : "");
    } else {
        snprintf(buf, len, "GEMM at %d %% of the roof: %s; a core type below the CPU's widest "
                           "vectors halves the rate or worse",
                 pct, blas);
    }
}

static void compute_note(const rl_results *r, const rl_case_result *c, int pct, char *buf,
                         size_t len)
{
    const bool cpu_blas = c->op == RL_OP_GEMM && strcmp(c->backend, "cpu") == 0;
    char blas[320] = "";
    if (cpu_blas && r)
        blas_in_force(r, blas, sizeof blas);
    if ((!r || !(r->info.launch_overhead_s > 0)) && (c->time_s.median < 1e-4 || c->flops < 1e9))
        snprintf(buf, len,
                 "compute-bound but far below the roof (%d %%): small problem, launch/tile "
                 "overhead%s%s",
                 pct, blas[0] ? "; " : "", blas);
    else if (blas[0])
        blas_note(r, c, pct, blas, buf, len);
    else
        snprintf(buf, len,
                 "compute-bound but at %d %% of the roof: the kernel does not reach peak "
                 "(vectorisation, threads, precision path)",
                 pct);
}

static void memory_note(const rl_results *r, const rl_case_result *c, int pct, char *buf,
                        size_t len)
{
    const bool small_ws = strncmp(c->cache, "flushed", 7) == 0 && strstr(c->cache, "< 4x") != NULL;
    rl_fusion_pair pair;
    if (small_ws) {
        snprintf(buf, len,
                 "working set below 4x the last-level cache: measures cache and call overhead, "
                 "not DRAM (%d %% of prediction)",
                 pct);
    } else if (rl_op_is_unfused(c->op) && r && rl_fusion_pair_of(r, c, &pair)) {
        char pred[48] = "";
        if (isfinite(pair.predicted_gain))
            snprintf(pred, sizeof pred, " (%.2fx predicted)", pair.predicted_gain);
        snprintf(buf, len,
                 "unfused chain at %d %% of a prediction that counts each intermediate's write "
                 "and re-read; its fused twin %s runs %.2fx faster here%s",
                 pct, rl_op_name(pair.fused->op), pair.measured_gain, pred);
    } else if (rl_op_is_unfused(c->op)) {
        snprintf(buf, len,
                 "unfused chain at %d %% of a prediction that already counts each intermediate's "
                 "write and re-read: its steps do not reach the bandwidth roof (run %s beside "
                 "it to measure what fusing gains)",
                 pct, rl_op_name(rl_op_fused_partner(c->op)));
    } else if (rl_op_has_fusion_pair(c->op)) {
        /* a fused kernel: fusing is done; the gap is its own bandwidth */
        snprintf(buf, len,
                 "memory-bound at %.2g FLOP/B, a fused kernel reaching %d %% of the bandwidth "
                 "roof: its loads and stores do not stream at the roof (vector width, threads, "
                 "prefetch)",
                 c->intensity, pct);
    } else {
        snprintf(buf, len,
                 "memory-bound at %.2g FLOP/B, reaching %d %% of the bandwidth roof: raise the "
                 "kernel's bandwidth, or fuse it with a neighbouring op to raise intensity",
                 c->intensity, pct);
    }
}

bool rl_case_why(const rl_results *r, const rl_case_result *c, char *buf, size_t len)
{
    if (len)
        buf[0] = '\0';
    double ratio = rl_case_ratio(c);
    if (!(ratio < 0.5))
        return false;
    int pct = (int)lround(100 * ratio);
    if (overhead_bound(r, c, pct, buf, len))
        return true;
    if (strcmp(c->predicted.bound, "compute") == 0)
        compute_note(r, c, pct, buf, len);
    else
        memory_note(r, c, pct, buf, len);
    return true;
}
