/* Tests of the report: the roofline SVG (well-formed, one marker per point,
 * few labels, escaped text), the HTML page, the "why" notes, compare and
 * merge. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/rl_compare.h"
#include "report/rl_fusion.h"
#include "report/rl_report.h"
#include "report/rl_results.h"
#include "report/rl_roofline_svg.h"
#include "report/rl_sbuf.h"
#include "report/rl_strip_chart.h"
#include "rl_test.h"

/* ---- a small XML well-formedness checker -------------------------------------- */

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == ':' || c == '.';
}

/* '&' must start &amp; &lt; &gt; &quot; &apos; &#N; or &#xH; */
static bool entity_ok(const char *p)
{
    static const char *const names[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strncmp(p, names[i], strlen(names[i])) == 0)
            return true;
    if (p[1] != '#')
        return false;
    const char *q = p + 2;
    if (*q == 'x')
        q++;
    const char *digits = q;
    while ((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F'))
        q++;
    return q > digits && *q == ';';
}

/* Balanced tags, quoted attributes, no stray '<' or '&'. Returns NULL when
 * well-formed, else a short description of the first problem. */
static const char *xml_problem(const char *s)
{
    static char msg[160];
    const char *stack[256];
    size_t lens[256], depth = 0;
    bool root_seen = false;
    const char *p = s;
    while (*p) {
        if (*p == '&') {
            if (!entity_ok(p)) {
                snprintf(msg, sizeof msg, "bad entity at: %.30s", p);
                return msg;
            }
            p++;
            continue;
        }
        if (*p == '>') {
            snprintf(msg, sizeof msg, "stray '>' at: %.30s", p);
            return msg;
        }
        if (*p != '<') {
            p++;
            continue;
        }
        if (strncmp(p, "<!--", 4) == 0) {
            const char *e = strstr(p, "-->");
            if (!e)
                return "unclosed comment";
            p = e + 3;
            continue;
        }
        if (strncmp(p, "<?", 2) == 0) {
            const char *e = strstr(p, "?>");
            if (!e)
                return "unclosed processing instruction";
            p = e + 2;
            continue;
        }
        bool closing = p[1] == '/';
        const char *name = p + (closing ? 2 : 1);
        const char *q = name;
        while (is_name_char(*q))
            q++;
        size_t nlen = (size_t)(q - name);
        if (nlen == 0) {
            snprintf(msg, sizeof msg, "bad tag at: %.30s", p);
            return msg;
        }
        if (closing) {
            while (*q == ' ')
                q++;
            if (*q != '>')
                return "bad closing tag";
            if (depth == 0 || lens[depth - 1] != nlen || strncmp(stack[depth - 1], name, nlen))
            {
                snprintf(msg, sizeof msg, "mismatched </%.*s> after: %.60s", (int)nlen, name,
                         p > s + 60 ? p - 60 : s);
                return msg;
            }
            depth--;
            p = q + 1;
            continue;
        }
        /* attributes: name="value" */
        for (;;) {
            while (*q == ' ' || *q == '\n' || *q == '\t')
                q++;
            if (*q == '>' || (q[0] == '/' && q[1] == '>'))
                break;
            const char *an = q;
            while (is_name_char(*q))
                q++;
            if (q == an || *q != '=' || (q[1] != '"' && q[1] != '\'')) {
                snprintf(msg, sizeof msg, "bad attribute in <%.*s>: %.30s", (int)nlen, name, an);
                return msg;
            }
            char quote = q[1];
            q += 2;
            while (*q && *q != quote) {
                if (*q == '<')
                    return "'<' in an attribute value";
                if (*q == '&' && !entity_ok(q))
                    return "bad entity in an attribute value";
                q++;
            }
            if (!*q)
                return "unterminated attribute value";
            q++;
        }
        if (*q == '/') {
            if (depth == 0 && root_seen)
                return "second root element";
            root_seen = true;
            p = q + 2;
            continue;
        }
        if (depth == 0 && root_seen)
            return "second root element";
        if (depth == 256)
            return "nested too deep";
        root_seen = true;
        stack[depth] = name;
        lens[depth++] = nlen;
        p = q + 1;
    }
    if (depth)
        return "unclosed element";
    return root_seen ? NULL : "no element";
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* ---- building results in memory ------------------------------------------------- */

static void add_roof(rl_roof *roofs, int *n, const char *name, const char *unit, double value,
                     const char *source)
{
    rl_roof *r = &roofs[(*n)++];
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->unit, sizeof r->unit, "%s", unit);
    snprintf(r->source, sizeof r->source, "%s", source);
    r->value = value;
}

static void set_ceilings(rl_results *r)
{
    rl_roof_set *d = &r->ceilings.datasheet, *m = &r->ceilings.measured;
    add_roof(d->memory, &d->memory_count, "DRAM", "", 100e9, "catalog <x & y>");
    add_roof(d->compute, &d->compute_count, "fp64", "simd", 500e9, "catalog");
    add_roof(d->compute, &d->compute_count, "fp32", "simd", 1000e9, "catalog");
    add_roof(m->memory, &m->memory_count, "L1", "", 2000e9, "sweep");
    add_roof(m->memory, &m->memory_count, "L2", "", 700e9, "sweep");
    add_roof(m->memory, &m->memory_count, "DRAM", "", 80e9, "sweep");
    add_roof(m->compute, &m->compute_count, "fp32", "simd", 900e9, "fma probe");
    add_roof(m->compute, &m->compute_count, "fp64", "simd", 450e9, "fma probe");
}

/* A case of given FLOPs and bytes measured at `time_s`, predicted against
 * 100 GB/s and `peak`. */
static rl_case_result make_case(const char *name, rl_op op, rl_precision p, double flops,
                                double bytes, double time_s, double peak)
{
    rl_case_result c;
    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "%s", name);
    c.op = op;
    c.precision = p;
    c.flops = flops;
    c.bytes = bytes;
    c.intensity = flops / bytes;
    c.outcome = RL_CASE_OK;
    c.time_s.median = c.time_s.p10 = c.time_s.p90 = time_s;
    c.time_s.count = 5;
    c.flop_per_s = flops / time_s;
    c.byte_per_s = bytes / time_s;
    c.validation = (rl_validation){true, true, 1e-7, 1e-5, 10, 10};
    snprintf(c.cache, sizeof c.cache, "not flushed: working set 500 MB >= 4x cache 32 MB");
    c.predicted.present = true;
    c.predicted.time_s = fmax(flops / peak, bytes / 100e9);
    c.predicted.flop_per_s = flops / c.predicted.time_s;
    snprintf(c.predicted.bound, sizeof c.predicted.bound, "%s",
             flops / peak >= bytes / 100e9 ? "compute" : "memory");
    c.predicted.mfu = c.predicted.flop_per_s / peak;
    c.predicted.measured_mfu = c.flop_per_s / peak;
    return c;
}

/* 60 cases: 6 ops x 2 precisions x 5 sizes; of them 2 failed/unsupported
 * and 5 copies (no FLOPs). Returns how many are plotted. */
static size_t build_results(rl_results *r, const char *host, double time_scale)
{
    rl_results_init(r);
    snprintf(r->info.host, sizeof r->info.host, "%s", host);
    snprintf(r->info.device, sizeof r->info.device, "cpu");
    snprintf(r->info.device_description, sizeof r->info.device_description,
             "Test CPU <\"quoted\" & 'single'>");
    snprintf(r->info.suite, sizeof r->info.suite, "test");
    r->complete = true;
    set_ceilings(r);
    static const rl_op ops[] = {RL_OP_GEMM,      RL_OP_LAYERNORM, RL_OP_SOFTMAX,
                                RL_OP_BIAS_GELU, RL_OP_TRIAD,     RL_OP_COPY};
    static const rl_precision precs[] = {RL_PREC_FP32, RL_PREC_FP64};
    size_t plotted = 0;
    rl_err err;
    for (size_t o = 0; o < 6; o++)
        for (size_t q = 0; q < 2; q++)
            for (int s = 0; s < 5; s++) {
                double n = 64.0 * (1 << (2 * s));
                double elem = precs[q] == RL_PREC_FP64 ? 8 : 4;
                double flops, bytes;
                switch (ops[o]) {
                case RL_OP_GEMM: flops = 2 * n * n * n / 64; bytes = 3 * n * n * elem / 8; break;
                case RL_OP_TRIAD: flops = 2 * n * n; bytes = 3 * n * n * elem; break;
                case RL_OP_COPY: flops = 0; bytes = 2 * n * n * elem; break;
                default: flops = (5.0 + (double)o) * n * n; bytes = 2 * n * n * elem; break;
                }
                double peak = precs[q] == RL_PREC_FP64 ? 500e9 : 1000e9;
                double pred = fmax(flops / peak, bytes / 100e9);
                double eff = 0.2 + 0.15 * s; /* 20 % .. 80 % of the prediction */
                char name[160];
                snprintf(name, sizeof name, "%s/%s/n=%.0f", rl_op_name(ops[o]),
                         rl_precision_name(precs[q]), n);
                rl_case_result c = make_case(name, ops[o], precs[q], flops, bytes,
                                             pred / eff * time_scale, peak);
                if (o == 2 && q == 1 && s == 4) {
                    c.outcome = RL_CASE_VALIDATION_FAILED;
                    c.validation.passed = false;
                } else if (o == 3 && q == 1 && s == 4) {
                    c.outcome = RL_CASE_UNSUPPORTED;
                    snprintf(c.message, sizeof c.message, "no kernel <here>");
                } else {
                    plotted++;
                }
                assert_int_equal(rl_results_append(r, &c, &err), RL_OK);
            }
    return plotted;
}

/* ---- SVG -------------------------------------------------------------------------- */

static void test_svg_well_formed_and_counts(void **state)
{
    (void)state;
    rl_results r;
    size_t plotted = build_results(&r, "host-a", 1.0);
    assert_int_equal(r.count, 60);
    char *svg = rl_roofline_svg_string(&r);
    assert_non_null(svg);
    const char *problem = xml_problem(svg);
    if (problem)
        fail_msg("SVG not well-formed: %s", problem);
    /* one filled marker per plotted case (copies on the bandwidth strip), one
     * hollow predicted marker each (all have predictions) */
    assert_int_equal(count(svg, "class=\"m\"") + count(svg, "class=\"m bw\""), plotted);
    assert_int_equal(count(svg, "class=\"m bw\""), 10 - 1 * 0); /* 10 copies, all ran */
    assert_int_equal(count(svg, "class=\"p\"") + count(svg, "class=\"p bw\""), plotted);
    assert_int_equal(count(svg, "<g class=\"case\""), plotted);
    /* hover text for every plotted case, plus the document's and the roofs' */
    assert_true(count(svg, "<title>") >= plotted + 1);
    size_t labels = count(svg, "class=\"pt-label\"");
    assert_true(labels >= 1);
    assert_true(labels <= RL_SVG_MAX_POINT_LABELS);
    /* roofs: 3 memory + 4 compute, each drawn; ridge markers for compute roofs */
    assert_int_equal(count(svg, "class=\"roof memory\""), 4);
    assert_int_equal(count(svg, "class=\"roof compute\""), 4);
    assert_true(count(svg, "class=\"ridge\"") >= 3);
    assert_true(count(svg, "stroke-dasharray") >= 5);
    /* decades labelled with SI prefixes, axis titles */
    assert_non_null(strstr(svg, "GFLOP/s</text>"));
    assert_non_null(strstr(svg, "TFLOP/s</text>"));
    assert_non_null(strstr(svg, "Arithmetic intensity (FLOP/B)"));
    /* every roof labelled with its value and set */
    assert_non_null(strstr(svg, "DRAM 100 GB/s (datasheet)"));
    assert_non_null(strstr(svg, "fp32 simd 1.00 TFLOP/s (datasheet)"));
    /* escaped text; failed cases not plotted */
    assert_non_null(strstr(svg, "Test CPU &lt;&quot;quoted&quot; &amp; &#39;single&#39;&gt;"));
    assert_null(strstr(svg, "softmax/fp64/n=16384\""));
    assert_null(strstr(svg, "bias_gelu/fp64/n=16384\""));
    assert_non_null(strstr(svg, ">2 failed or unsupported cases"));
    free(svg);
    rl_results_free(&r);
}

static void test_svg_empty_and_no_predictions(void **state)
{
    (void)state;
    rl_results r;
    rl_results_init(&r);
    char *svg = rl_roofline_svg_string(&r);
    assert_non_null(svg);
    assert_null(xml_problem(svg));
    assert_int_equal(count(svg, "class=\"m\""), 0);
    free(svg);
    /* cases without predictions or ceilings: filled markers only */
    rl_err err;
    rl_case_result c = make_case("gemm/fp32/x", RL_OP_GEMM, RL_PREC_FP32, 1e9, 1e7, 1e-2, 1e12);
    c.predicted.present = false;
    assert_int_equal(rl_results_append(&r, &c, &err), RL_OK);
    svg = rl_roofline_svg_string(&r);
    assert_null(xml_problem(svg));
    assert_int_equal(count(svg, "class=\"m\""), 1);
    assert_int_equal(count(svg, "class=\"p\""), 0);
    free(svg);
    rl_results_free(&r);
}

/* Roofs and points no device has (a subnormal, an astronomic value) must
 * neither reach the document as inf/nan nor stretch the axes over hundreds
 * of decades: the reader refuses them, and the picture stays bounded even
 * when it is handed them directly. */
static void test_svg_hostile_numbers(void **state)
{
    (void)state;
    static const double hostile[][2] = {
        {5e-324, 1e12}, {1e308, 1e12}, {100e9, 1e308}, {100e9, 5e-324}, {DBL_MAX, DBL_MIN},
    };
    for (size_t h = 0; h < sizeof hostile / sizeof hostile[0]; h++) {
        rl_results r;
        rl_results_init(&r);
        rl_roof_set *d = &r.ceilings.datasheet;
        add_roof(d->memory, &d->memory_count, "DRAM", "", hostile[h][0], "x");
        add_roof(d->compute, &d->compute_count, "fp32", "simd", hostile[h][1], "x");
        rl_roof_set *m = &r.ceilings.measured;
        add_roof(m->memory, &m->memory_count, "L1", "", 1e9, "x");
        add_roof(m->compute, &m->compute_count, "fp32", "simd", hostile[h][1], "x");
        rl_err err;
        rl_case_result c = make_case("gemm/fp32/x", RL_OP_GEMM, RL_PREC_FP32, 1e9, 1e7, 1e-2, 1e12);
        assert_int_equal(rl_results_append(&r, &c, &err), RL_OK);
        rl_case_result tiny = make_case("gemm/fp32/tiny", RL_OP_GEMM, RL_PREC_FP32, 1e-300,
                                        1e300, 1e7, 1e12);
        assert_int_equal(rl_results_append(&r, &tiny, &err), RL_OK);
        rl_case_result copy = make_case("copy/fp32/x", RL_OP_COPY, RL_PREC_FP32, 0, 1e300, 1e-300,
                                        1e12);
        assert_int_equal(rl_results_append(&r, &copy, &err), RL_OK);
        char *svg = rl_roofline_svg_string(&r);
        assert_non_null(svg);
        const char *problem = xml_problem(svg);
        if (problem)
            fail_msg("hostile set %zu: SVG not well-formed: %s", h, problem);
        const char *bad = strstr(svg, "inf") ? strstr(svg, "inf") : strstr(svg, "nan");
        if (bad)
            fail_msg("hostile set %zu: inf or nan in the SVG: %.80s", h,
                     bad - svg > 40 ? bad - 40 : bad);
        /* a bounded number of axis labels (decades) on each axis */
        size_t labels = count(svg, "text-anchor=\"middle\">") + count(svg, "text-anchor=\"end\">");
        if (labels > 80)
            fail_msg("hostile set %zu: %zu axis labels", h, labels);
        free(svg);
        char *cmp = rl_compare_svg_string(&r, &r, "a", "b");
        assert_non_null(cmp);
        assert_null(xml_problem(cmp));
        bad = strstr(cmp, "inf") ? strstr(cmp, "inf") : strstr(cmp, "nan");
        if (bad)
            fail_msg("hostile set %zu: inf or nan in the compare SVG: %.80s", h,
                     bad - cmp > 40 ? bad - 40 : bad);
        free(cmp);
        rl_results_free(&r);
    }
}

static void test_xml_escaping(void **state)
{
    (void)state;
    rl_sbuf b;
    rl_sbuf_init(&b);
    rl_sbuf_put_xml(&b, "a<b>&\"c\"'d'\x01\xff\xc3\xa9");
    char *s = rl_sbuf_take(&b);
    assert_string_equal(s, "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;??\xc3\xa9");
    free(s);
    char buf[32];
    rl_format_si(21.3e9, "B/s", buf, sizeof buf);
    assert_string_equal(buf, "21.3 GB/s");
    rl_format_si(190e9, "FLOP/s", buf, sizeof buf);
    assert_string_equal(buf, "190 GFLOP/s");
    rl_format_si(1.5e12, "FLOP/s", buf, sizeof buf);
    assert_string_equal(buf, "1.50 TFLOP/s");
}

/* ---- HTML and notes ------------------------------------------------------------------ */

static void test_html(void **state)
{
    (void)state;
    rl_results r;
    build_results(&r, "host-a", 1.0);
    r.cases[0].predicted.present = false; /* shown with dashes */
    r.info.device_state_read = true;
    rl_device_state_unknown(&r.info.device_start);
    rl_device_state_unknown(&r.info.device_end);
    r.info.device_start.temperature_c = 41.0;
    r.info.device_end.temperature_c = 67.0;
    char *html = rl_report_html_string(&r);
    assert_non_null(html);
    assert_non_null(strstr(html, "temperature 41 -&gt; 67 C"));
    assert_non_null(strstr(html, "<svg"));
    assert_non_null(strstr(html, "<table class=\"sortable\" id=\"cases\">"));
    assert_non_null(strstr(html, "catalog &lt;x &amp; y&gt;")); /* a source, escaped */
    assert_null(strstr(html, "<script src"));
    assert_null(strstr(html, "<link"));
    assert_null(strstr(html, "https://"));
    assert_int_equal(count(html, "<tr class="), 60);
    assert_non_null(strstr(html, "unsupported: no kernel &lt;here&gt;"));
    assert_non_null(strstr(html, "why: "));
    assert_non_null(strstr(html, "data-v=\"\">\u2014</td>"));
    /* the whole page is well-formed too, but for the doctype */
    const char *root = strstr(html, "<html");
    /* <meta> is a void element in HTML: check only the body */
    const char *body = strstr(root, "<body>");
    const char *end = strstr(body, "</body>");
    char *part = strndup(body, (size_t)(end - body) + strlen("</body>"));
    /* the inline script uses '&&'-free code but has '<' comparisons: cut it */
    char *script = strstr(part, "<script>");
    if (script)
        strcpy(script, "</body>");
    const char *problem = xml_problem(part);
    if (problem)
        fail_msg("report body not well-formed: %s", problem);
    free(part);
    free(html);
    rl_results_free(&r);
}

static void test_why(void **state)
{
    (void)state;
    char buf[320];
    /* memory-bound at 0.5 FLOP/B, at 30 % of its prediction */
    rl_case_result c = make_case("layernorm/fp32/x", RL_OP_LAYERNORM, RL_PREC_FP32, 5e8, 1e9,
                                 1e-2 / 0.3, 1e12);
    assert_near(rl_case_ratio(&c), 0.3, 1e-12);
    assert_true(rl_case_why(NULL, &c, buf, sizeof buf));
    assert_non_null(strstr(buf, "memory-bound at 0.5 FLOP/B"));
    assert_non_null(strstr(buf, "fuse it with a neighbouring op"));
    /* a small flushed working set */
    snprintf(c.cache, sizeof c.cache, "flushed before each sample: working set 1 MB < 4x cache 32 MB");
    assert_true(rl_case_why(NULL, &c, buf, sizeof buf));
    assert_non_null(strstr(buf, "below 4x the last-level cache"));
    /* a small compute-bound GEMM, no launch overhead measured */
    rl_case_result g = make_case("gemm/fp32/m=64", RL_OP_GEMM, RL_PREC_FP32, 2 * 64.0 * 64 * 64,
                                 3 * 64.0 * 64 * 4, 1e-5, 1e12);
    assert_string_equal(g.predicted.bound, "compute");
    assert_true(rl_case_why(NULL, &g, buf, sizeof buf));
    assert_non_null(strstr(buf, "small problem, launch/tile overhead"));
    /* at 60 %: nothing to explain; without a prediction: no ratio */
    c.time_s.median = c.predicted.time_s / 0.6;
    assert_false(rl_case_why(NULL, &c, buf, sizeof buf));
    c.predicted.present = false;
    assert_true(isnan(rl_case_ratio(&c)));
}

/* Notes grounded in the run's facts: the fused twin's gain, the BLAS core
 * and its override, the measured launch overhead; a fused kernel is never
 * told to fuse. */
/* Fused/unfused pairs are found at every shape present, never across shapes
 * or precisions, and a short gain names the noise when the medians' own
 * noise spans the gap. */
static void test_fusion_pairs(void **state)
{
    (void)state;
    rl_results r;
    rl_results_init(&r);
    rl_err err;
    const int64_t shapes[][2] = {{512, 768}, {8192, 4096}};
    for (int i = 0; i < 2; i++) {
        const double n = (double)shapes[i][0] * (double)shapes[i][1];
        rl_case_result f = make_case("bias_gelu", RL_OP_BIAS_GELU, RL_PREC_FP32, 20 * n, 8 * n,
                                     1.0, 1e12);
        f.shape.rows = shapes[i][0];
        f.shape.cols = shapes[i][1];
        f.time_s.median = f.predicted.time_s / 0.8;
        f.time_s.cv = 0.01;
        snprintf(f.backend, sizeof f.backend, "cpu");
        snprintf(f.stop_reason, sizeof f.stop_reason, "timeout");
        f.noise = 0.03;
        rl_case_result u = f;
        u.op = RL_OP_BIAS_GELU_UNFUSED;
        u.bytes = 16 * n;
        u.predicted.time_s = u.bytes / 100e9;
        /* the small shape: 0.97x, inside +/-6 %; the large one 1.6x */
        u.time_s.median = f.time_s.median * (i == 0 ? 0.97 : 1.6);
        assert_int_equal(rl_results_append(&r, &f, &err), RL_OK);
        assert_int_equal(rl_results_append(&r, &u, &err), RL_OK);
    }
    /* an unfused case with no fused twin at its precision */
    rl_case_result lone = r.cases[1];
    lone.precision = RL_PREC_FP64;
    assert_int_equal(rl_results_append(&r, &lone, &err), RL_OK);
    size_t n;
    rl_fusion_pair *pairs = rl_fusion_pairs(&r, &n);
    assert_non_null(pairs);
    assert_int_equal(n, 2);
    assert_ptr_equal(pairs[0].fused, &r.cases[0]);
    assert_ptr_equal(pairs[0].unfused, &r.cases[1]);
    assert_ptr_equal(pairs[1].fused, &r.cases[2]);
    assert_near(pairs[0].measured_gain, 0.97, 1e-12);
    assert_near(pairs[0].predicted_gain, 2.0, 1e-12);
    assert_near(pairs[0].byte_ratio, 2.0, 1e-12);
    assert_true(pairs[0].flagged);
    assert_string_equal(pairs[0].flag, "the unfused chain is faster");
    assert_non_null(strstr(pairs[0].cause, "noise: the medians are known to +/-3.0 % and +/-3.0 %"));
    /* 1.6x of 2x predicted: 0.8 of the prediction, not flagged */
    assert_near(pairs[1].measured_gain, 1.6, 1e-12);
    assert_false(pairs[1].flagged);
    assert_string_equal(pairs[1].cause, "");
    free(pairs);
    rl_results_free(&r);
}

static void test_why_grounded(void **state)
{
    (void)state;
    char buf[320];
    rl_results r;
    rl_results_init(&r);
    /* a fused kernel and its chain, both memory-bound at 30-40 % of prediction */
    rl_case_result f = make_case("residual_layernorm/fp32/rows=4096,cols=4096",
                                 RL_OP_RESIDUAL_LAYERNORM, RL_PREC_FP32, 9.0 * 4096 * 4096,
                                 4.0 * 4 * 4096 * 4096, 1.0, 1e12);
    f.shape.rows = f.shape.cols = 4096;
    f.time_s.median = f.predicted.time_s / 0.4;
    snprintf(f.backend, sizeof f.backend, "cpu");
    rl_case_result u = f;
    snprintf(u.name, sizeof u.name, "residual_layernorm_unfused/fp32/rows=4096,cols=4096");
    u.op = RL_OP_RESIDUAL_LAYERNORM_UNFUSED;
    u.bytes = 5.0 * 4 * 4096 * 4096;
    u.predicted.time_s = u.bytes / 100e9;
    u.time_s.median = f.time_s.median * 1.5; /* 1.5x the fused kernel */
    rl_err err;
    assert_int_equal(rl_results_append(&r, &f, &err), RL_OK);
    assert_int_equal(rl_results_append(&r, &u, &err), RL_OK);
    assert_true(rl_case_why(&r, &r.cases[0], buf, sizeof buf));
    assert_null(strstr(buf, "fuse "));
    assert_non_null(strstr(buf, "a fused kernel reaching 40 %"));
    assert_true(rl_case_why(&r, &r.cases[1], buf, sizeof buf));
    assert_null(strstr(buf, "fuse it"));
    assert_non_null(strstr(buf, "its fused twin residual_layernorm runs 1.50x faster here "
                                "(1.25x predicted)"));
    /* a CPU GEMM at 30 %: the core type in force and the variable that set it */
    rl_case_result g = make_case("gemm/fp32/m=2048", RL_OP_GEMM, RL_PREC_FP32, 2 * 2048.0 * 2048 * 2048,
                                 3 * 2048.0 * 2048 * 4, 1.0, 1e12);
    g.time_s.median = g.predicted.time_s / 0.3;
    snprintf(g.backend, sizeof g.backend, "cpu");
    snprintf(r.info.blas_corename, sizeof r.info.blas_corename, "Haswell");
    snprintf(r.info.blas_config, sizeof r.info.blas_config, "OpenBLAS 0.3.21 DYNAMIC_ARCH");
    snprintf(r.info.env[r.info.env_count++], sizeof r.info.env[0], "OMP_NUM_THREADS=2");
    snprintf(r.info.env[r.info.env_count++], sizeof r.info.env[0], "OPENBLAS_CORETYPE=Haswell");
    assert_true(rl_case_why(&r, &g, buf, sizeof buf));
    assert_non_null(strstr(buf, "GEMM at 30 % of the roof: OpenBLAS core Haswell in force "
                                "(set by OPENBLAS_CORETYPE=Haswell)"));
    r.info.env_count = 0;
    assert_true(rl_case_why(&r, &g, buf, sizeof buf));
    assert_non_null(strstr(buf, "OpenBLAS core Haswell in force (detected)"));
    /* with the CPU's flags known: a narrower core is named as the cause ... */
    snprintf(r.info.cpu.isa, sizeof r.info.cpu.isa, "sse4_2 avx avx2 fma avx512f avx512vl");
    g.shape = (rl_shape){.m = 2048, .n = 512, .k = 64, .batch = 8};
    assert_true(rl_case_why(&r, &g, buf, sizeof buf));
    assert_non_null(strstr(buf, "whose kernels use 256-bit vectors where this CPU has 512-bit"));
    /* ... one as wide as the CPU's is not, and the product's shape is */
    snprintf(r.info.blas_corename, sizeof r.info.blas_corename, "Cooperlake");
    assert_true(rl_case_why(&r, &g, buf, sizeof buf));
    assert_null(strstr(buf, "halves the rate"));
    assert_non_null(strstr(buf, "uses this CPU's widest vectors (512-bit), so the core type is "
                                "not the cause; a product whose smallest dimension is 64, called "
                                "once per product of the batch,"));
    /* an AVX2 machine under a Haswell core: as wide as it gets there */
    snprintf(r.info.blas_corename, sizeof r.info.blas_corename, "Haswell");
    snprintf(r.info.cpu.isa, sizeof r.info.cpu.isa, "sse4_2 avx avx2 fma");
    assert_true(rl_case_why(&r, &g, buf, sizeof buf));
    assert_non_null(strstr(buf, "widest vectors (256-bit)"));
    /* an Arm core against x86 flags (an Arm binary under qemu-user reads the
     * host's): not compared, so neither blamed nor cleared */
    snprintf(r.info.blas_corename, sizeof r.info.blas_corename, "armv8");
    snprintf(r.info.cpu.isa, sizeof r.info.cpu.isa, "sse4_2 avx avx2 fma avx512f");
    assert_true(rl_case_why(&r, &g, buf, sizeof buf));
    assert_null(strstr(buf, "where this CPU has"));
    assert_null(strstr(buf, "widest vectors ("));
    assert_non_null(strstr(buf, "OpenBLAS core armv8 in force"));
    /* the same core on an Arm CPU's flags: as wide as NEON gets */
    snprintf(r.info.cpu.isa, sizeof r.info.cpu.isa, "asimd asimdhp fphp");
    assert_true(rl_case_why(&r, &g, buf, sizeof buf));
    assert_non_null(strstr(buf, "widest vectors (128-bit)"));
    r.info.cpu.isa[0] = '\0';
    /* a small case: the measured launch overhead, with its time */
    r.info.launch_overhead_s = 8e-6;
    snprintf(r.info.launch_overhead_source, sizeof r.info.launch_overhead_source,
             "median of copy/fp32/count=256");
    rl_case_result s = make_case("gemm/fp32/m=32", RL_OP_GEMM, RL_PREC_FP32, 2 * 32.0 * 32 * 32,
                                 3 * 32.0 * 32 * 4, 40e-6, 1e12);
    assert_true(rl_case_why(&r, &s, buf, sizeof buf));
    assert_non_null(strstr(buf, "the call takes 40 \u00b5s, 5.0x the measured launch overhead 8 \u00b5s "
                                "(median of copy/fp32/count=256)"));
    rl_results_free(&r);
}

/* ---- compare and merge ---------------------------------------------------------------- */

static void test_compare(void **state)
{
    (void)state;
    rl_results a, b;
    build_results(&a, "host-a", 1.0);
    build_results(&b, "host-b", 1.25); /* every case takes 25 % longer */
    /* one case only in A, one only in B */
    snprintf(a.cases[5].name, sizeof a.cases[5].name, "only/in/a");
    snprintf(b.cases[5].name, sizeof b.cases[5].name, "only/in/b");
    b.cases[0].time_s.median *= 2.0 / 1.25; /* this one twice as slow */
    b.cases[0].flop_per_s = b.cases[0].flops / b.cases[0].time_s.median;
    rl_comparison cmp;
    rl_err err;
    assert_int_equal(rl_compare(&a, &b, &cmp, &err), RL_OK);
    assert_int_equal(cmp.count, 59);
    assert_int_equal(cmp.only_a_count, 1);
    assert_int_equal(cmp.only_b_count, 1);
    assert_string_equal(cmp.only_a[0]->name, "only/in/a");
    assert_string_equal(cmp.only_b[0]->name, "only/in/b");
    assert_string_equal(cmp.rows[0].a->name, "gemm/fp32/n=64");
    assert_near(cmp.rows[0].time_ratio, 2.0, 1e-12);
    assert_near(cmp.rows[0].rate_ratio, 0.5, 1e-12);
    size_t finite = 0;
    for (size_t i = 1; i < cmp.count; i++) {
        if (isnan(cmp.rows[i].rate_ratio))
            continue; /* the failed and unsupported cases */
        finite++;
        assert_near(cmp.rows[i].time_ratio, 1.25, 1e-12);
        assert_near(cmp.rows[i].rate_ratio, 0.8, 1e-12);
    }
    assert_int_equal(finite, 59 - 1 - 2);
    char *csv = rl_comparison_csv(&cmp);
    assert_non_null(csv);
    assert_int_equal(count(csv, "\n"), 1 + 59 + 2);
    assert_non_null(strstr(csv, "gemm/fp32/n=64,gemm,fp32,"));
    assert_non_null(strstr(csv, ",a\n"));
    free(csv);
    char *svg = rl_compare_svg_string(&a, &b, "A run", NULL);
    assert_non_null(svg);
    assert_null(xml_problem(svg));
    assert_non_null(strstr(svg, "B: host-b"));
    free(svg);
    rl_comparison_free(&cmp);
    rl_results_free(&a);
    rl_results_free(&b);
}

static void test_merge(void **state)
{
    (void)state;
    rl_results runs[3];
    build_results(&runs[0], "node-1", 1.0);
    build_results(&runs[1], "node-2", 1.0);
    build_results(&runs[2], "node-3", 1.25); /* 20 % slower: rate x 0.8 */
    rl_merge m;
    rl_err err;
    assert_int_equal(rl_merge_runs(runs, 3, &m, &err), RL_OK);
    assert_int_equal(m.host_count, 3);
    assert_string_equal(m.hosts[2], "node-3");
    assert_int_equal(m.count, 60);
    const rl_merge_row *g = &m.rows[0];
    assert_string_equal(g->name, "gemm/fp32/n=64");
    double rate = runs[0].cases[0].flop_per_s;
    assert_near(g->median, rate, 1e-9 * rate);
    assert_near(g->max, rate, 1e-9 * rate);
    assert_near(g->min, 0.8 * rate, 1e-9 * rate);
    assert_near(g->spread, 1.25, 1e-12);
    assert_int_equal(g->hosts_with, 3);
    assert_string_equal(g->slow, "node-3");
    assert_int_equal(g->slow_count, 1);
    /* copies are compared by bandwidth */
    const rl_merge_row *copy = NULL;
    for (size_t i = 0; i < m.count; i++)
        if (m.rows[i].op == RL_OP_COPY)
            copy = &m.rows[i];
    assert_non_null(copy);
    assert_string_equal(copy->rate_unit, "B/s");
    assert_string_equal(copy->slow, "node-3");
    /* a case that ran nowhere */
    size_t nowhere = 0;
    for (size_t i = 0; i < m.count; i++)
        nowhere += m.rows[i].hosts_with == 0;
    assert_int_equal(nowhere, 2);
    char *csv = rl_merge_csv(&m), *json = rl_merge_json(&m);
    assert_non_null(csv);
    assert_non_null(json);
    assert_non_null(strstr(csv, "slow_hosts,node-1,node-2,node-3\n"));
    assert_non_null(strstr(json, "\"slow_hosts\":\t[\"node-3\"]"));
    free(csv);
    free(json);
    rl_merge_free(&m);
    /* the same host twice gets a distinct name */
    snprintf(runs[1].info.host, sizeof runs[1].info.host, "node-1");
    assert_int_equal(rl_merge_runs(runs, 3, &m, &err), RL_OK);
    assert_string_equal(m.hosts[1], "node-1#2");
    rl_merge_free(&m);
    /* the GPUs of one node are named by host and device */
    snprintf(runs[0].info.device, sizeof runs[0].info.device, "cuda:0");
    snprintf(runs[1].info.device, sizeof runs[1].info.device, "cuda:1");
    assert_int_equal(rl_merge_runs(runs, 3, &m, &err), RL_OK);
    assert_string_equal(m.hosts[0], "node-1/cuda:0");
    assert_string_equal(m.hosts[1], "node-1/cuda:1");
    assert_string_equal(m.hosts[2], "node-3");
    rl_merge_free(&m);
    for (int i = 0; i < 3; i++)
        rl_results_free(&runs[i]);
}

static size_t count_of(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The spread chart: a dot per host and case run by two or more hosts, the
 * slow host's in red; a case one host ran has no spread; long names keep
 * their ends. */
static void test_strip_chart(void **state)
{
    (void)state;
    rl_results runs[3];
    build_results(&runs[0], "node-1", 1.0);
    build_results(&runs[1], "node-2", 1.0);
    build_results(&runs[2], "node-3", 1.25);
    snprintf(runs[0].cases[0].name, sizeof runs[0].cases[0].name,
             "residual_layernorm_unfused/fp32/rows=16384,cols=4096");
    rl_merge m;
    rl_err err;
    assert_int_equal(rl_merge_runs(runs, 3, &m, &err), RL_OK);
    size_t dots = 0, slow = 0, alone = 0;
    for (size_t i = 0; i < m.count; i++) {
        if (m.rows[i].hosts_with >= 2)
            dots += m.rows[i].hosts_with;
        else if (m.rows[i].hosts_with == 1)
            alone++;
        slow += m.rows[i].slow_count;
    }
    assert_true(alone >= 1); /* the renamed case */
    char *svg = rl_strip_chart_svg(&m);
    assert_non_null(svg);
    assert_int_equal(count_of(svg, "<g class=\"dot"), dots);
    assert_int_equal(count_of(svg, "<g class=\"dot slow\">"), slow);
    assert_true(slow > 0);
    assert_int_equal(count_of(svg, "one device only"), alone);
    assert_int_equal(count_of(svg, "class=\"threshold\""), 1);
    assert_non_null(strstr(svg, ">residual_layernorm\u2026ed/fp32/rows=16384,cols=4096<title>"));
    free(svg);
    rl_merge_free(&m);
    for (int i = 0; i < 3; i++)
        rl_results_free(&runs[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_svg_well_formed_and_counts),
        cmocka_unit_test(test_svg_empty_and_no_predictions),
        cmocka_unit_test(test_svg_hostile_numbers),
        cmocka_unit_test(test_xml_escaping),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_why),
        cmocka_unit_test(test_why_grounded),
        cmocka_unit_test(test_fusion_pairs),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_strip_chart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
