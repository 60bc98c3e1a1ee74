/* Tests of the roofline's label layout, read back from the SVG documents:
 * no two labels (roof, point, region) overlap, no label crosses a roof
 * line, and titles and legend texts stay inside the 960-wide frame, on
 * several runs' pictures, a comparison with long names and multi-device
 * predictions (rooflab predict --out). The checker itself is tested on a
 * document with overlapping labels, so it can fail. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness/cli.h"
#include "report/rl_results.h"
#include "report/rl_roofline_svg.h"
#include "report/roofline_internal.h"

/* ---- reading labels and lines back --------------------------------------------- */

typedef struct label {
    double cx, cy, ang; /* rotation about (cx, cy), degrees as in SVG */
    double x0, y0, x1, y1; /* the text box before rotation */
    char text[200];
} label;

typedef struct line {
    double x1, y1, x2, y2;
} line;

/* The value of attribute name in the tag starting at tag; false when absent. */
static bool attr(const char *tag, const char *name, char *out, size_t len)
{
    const char *end = strchr(tag, '>');
    char pat[40];
    snprintf(pat, sizeof pat, " %s=\"", name);
    const char *p = strstr(tag, pat);
    if (!p || (end && p > end))
        return false;
    p += strlen(pat);
    const char *q = strchr(p, '"');
    snprintf(out, len, "%.*s", (int)(q - p), p);
    return true;
}

static double num_attr(const char *tag, const char *name)
{
    char v[64];
    return attr(tag, name, v, sizeof v) ? atof(v) : NAN;
}

/* Glyphs of XML character data: an entity is one. */
static size_t text_glyphs(const char *s, const char *end)
{
    size_t n = 0;
    for (const char *p = s; p < end; p++) {
        if (*p == '&') {
            const char *semi = strchr(p, ';');
            if (semi && semi < end)
                p = semi;
        } else if (((unsigned char)*p & 0xc0) == 0x80) {
            continue;
        }
        n++;
    }
    return n;
}

/* Every <text> whose class is one of classes (space-separated list). */
static size_t read_labels(const char *svg, const char *const *classes, label *out, size_t max)
{
    size_t n = 0;
    for (const char *p = strstr(svg, "<text "); p && n < max; p = strstr(p + 1, "<text ")) {
        char cls[64];
        if (!attr(p, "class", cls, sizeof cls))
            continue;
        bool want = false;
        for (size_t i = 0; classes[i]; i++)
            want |= strcmp(cls, classes[i]) == 0;
        if (!want)
            continue;
        label *l = &out[n++];
        const double x = num_attr(p, "x"), y = num_attr(p, "y"), fs = num_attr(p, "font-size");
        const char *body = strchr(p, '>') + 1, *end = strstr(body, "</text>");
        snprintf(l->text, sizeof l->text, "%.*s", (int)(end - body), body);
        const double w = (double)text_glyphs(body, end) * fs * 0.6 + 2;
        char anchor[16] = "start", tr[96] = "";
        attr(p, "text-anchor", anchor, sizeof anchor);
        const double x0 = strcmp(anchor, "end") == 0 ? x - w : strcmp(anchor, "middle") == 0 ? x - w / 2 : x;
        *l = (label){0, 0, 0, x0, y - 0.82 * fs, x0 + w, y + 0.25 * fs, ""};
        snprintf(l->text, sizeof l->text, "%.*s", (int)(end - body), body);
        if (attr(p, "transform", tr, sizeof tr))
            assert_int_equal(sscanf(tr, "rotate(%lf %lf %lf)", &l->ang, &l->cx, &l->cy), 3);
    }
    return n;
}

static size_t read_roof_lines(const char *svg, line *out, size_t max)
{
    size_t n = 0;
    for (const char *p = strstr(svg, "<line class=\"roof "); p && n < max;
         p = strstr(p + 1, "<line class=\"roof "))
        out[n++] = (line){num_attr(p, "x1"), num_attr(p, "y1"), num_attr(p, "x2"), num_attr(p, "y2")};
    return n;
}

/* A point in the label's own (unrotated) frame. */
static void to_local(const label *l, double x, double y, double *lx, double *ly)
{
    const double a = -l->ang * SVG_PI / 180, c = cos(a), s = sin(a);
    *lx = l->cx + (x - l->cx) * c - (y - l->cy) * s;
    *ly = l->cy + (x - l->cx) * s + (y - l->cy) * c;
}

static void corners(const label *l, double xs[4], double ys[4])
{
    const double a = l->ang * SVG_PI / 180, c = cos(a), s = sin(a);
    const double px[4] = {l->x0, l->x1, l->x1, l->x0}, py[4] = {l->y0, l->y0, l->y1, l->y1};
    for (int i = 0; i < 4; i++) {
        xs[i] = l->cx + (px[i] - l->cx) * c - (py[i] - l->cy) * s;
        ys[i] = l->cy + (px[i] - l->cx) * s + (py[i] - l->cy) * c;
    }
}

/* Separating axes of two rectangles, each possibly rotated. */
static bool labels_overlap(const label *a, const label *b)
{
    double ax[4], ay[4], bx[4], by[4];
    corners(a, ax, ay);
    corners(b, bx, by);
    const label *ls[2] = {a, b};
    for (int k = 0; k < 2; k++)
        for (int e = 0; e < 2; e++) {
            const double ang = ls[k]->ang * SVG_PI / 180 + e * SVG_PI / 2;
            const double nx = cos(ang), ny = sin(ang);
            double amin = INFINITY, amax = -INFINITY, bmin = INFINITY, bmax = -INFINITY;
            for (int i = 0; i < 4; i++) {
                double pa = ax[i] * nx + ay[i] * ny, pb = bx[i] * nx + by[i] * ny;
                amin = fmin(amin, pa), amax = fmax(amax, pa);
                bmin = fmin(bmin, pb), bmax = fmax(bmax, pb);
            }
            if (amax <= bmin + 0.25 || bmax <= amin + 0.25) /* a quarter pixel of rounding */
                return false;
        }
    return true;
}

static bool label_crosses_line(const label *l, const line *s)
{
    svg_seg seg;
    to_local(l, s->x1, s->y1, &seg.x0, &seg.y0);
    to_local(l, s->x2, s->y2, &seg.x1, &seg.y1);
    /* shrunk by a quarter pixel: the SVG's coordinates are rounded to 0.1 */
    svg_box b = {l->x0 + 0.25, l->y0 + 0.25, l->x1 - 0.25, l->y1 - 0.25};
    return rl_svg_box_crosses_seg(b, seg);
}

#define MAX_LABELS 512

/* The number of problems found; each printed. */
static int layout_problems(const char *svg, const char *what)
{
    static const char *const plot_classes[] = {"roof-label", "pt-label", "region-label", NULL};
    static const char *const frame_classes[] = {"title", "subtitle", NULL};
    label *ls = calloc(MAX_LABELS, sizeof *ls);
    line *rs = calloc(MAX_LABELS, sizeof *rs);
    assert_non_null(ls);
    assert_non_null(rs);
    size_t n = read_labels(svg, plot_classes, ls, MAX_LABELS);
    size_t nr = read_roof_lines(svg, rs, MAX_LABELS);
    int problems = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = i + 1; k < n; k++)
            if (labels_overlap(&ls[i], &ls[k])) {
                print_message("%s: labels overlap: '%s' and '%s'\n", what, ls[i].text, ls[k].text);
                problems++;
            }
        for (size_t k = 0; k < nr; k++)
            if (label_crosses_line(&ls[i], &rs[k])) {
                print_message("%s: label '%s' crosses roof line %zu\n", what, ls[i].text, k);
                problems++;
            }
    }
    size_t nf = read_labels(svg, frame_classes, ls, MAX_LABELS);
    for (size_t i = 0; i < nf; i++)
        if (ls[i].x1 > RL_SVG_WIDTH || ls[i].x0 < 0) {
            print_message("%s: '%s' leaves the frame (%.0f..%.0f)\n", what, ls[i].text, ls[i].x0,
                          ls[i].x1);
            problems++;
        }
    free(ls);
    free(rs);
    return problems;
}

/* Labels of the picture of one kind. */
static size_t count_labels(const char *svg, const char *cls)
{
    size_t n = 0;
    char pat[64];
    snprintf(pat, sizeof pat, "<text class=\"%s\"", cls);
    for (const char *p = strstr(svg, pat); p; p = strstr(p + 1, pat))
        n++;
    return n;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)len + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
    text[len] = 0;
    fclose(f);
    return text;
}

/* ---- the checker can fail ------------------------------------------------------- */

static void test_checker_sees_overlaps(void **state)
{
    (void)state;
    const char *overlapping =
        "<svg><text class=\"title\" x=\"84\" y=\"22\" font-size=\"15\">short</text>"
        "<text class=\"roof-label\" x=\"100\" y=\"100\" font-size=\"11\">HBM3 3.35 TB/s</text>"
        "<text class=\"pt-label\" x=\"150\" y=\"104\" font-size=\"11\">1024</text></svg>";
    assert_int_equal(layout_problems(overlapping, "overlapping"), 1);
    const char *rotated_apart =
        "<svg><text class=\"roof-label\" x=\"100\" y=\"300\" font-size=\"11\" "
        "transform=\"rotate(-45.00 100.0 300.0)\">HBM3 3.35 TB/s</text>"
        "<text class=\"pt-label\" x=\"100\" y=\"330\" font-size=\"11\">1024</text></svg>";
    assert_int_equal(layout_problems(rotated_apart, "apart"), 0);
    /* a rotated label over a horizontal line, and a title too wide for the frame */
    const char *crossing =
        "<svg><line class=\"roof compute\" x1=\"50\" y1=\"260\" x2=\"400\" y2=\"260\"/>"
        "<text class=\"roof-label\" x=\"100\" y=\"300\" font-size=\"11\" "
        "transform=\"rotate(-45.00 100.0 300.0)\">HBM3 3.35 TB/s (datasheet)</text>"
        "<text class=\"title\" x=\"84\" y=\"22\" font-size=\"15\">"
        "Roofline comparison: A = /a/very/long/path/that/goes/on/and/on/and/on/results.json, B = "
        "/another/very/long/path/that/goes/on/and/on/results.json</text></svg>";
    assert_int_equal(layout_problems(crossing, "crossing"), 2);
}

static void test_primitives(void **state)
{
    (void)state;
    svg_box b = {10, 10, 20, 20};
    assert_true(rl_svg_box_crosses_seg(b, (svg_seg){0, 0, 30, 30, -1}));
    assert_true(rl_svg_box_crosses_seg(b, (svg_seg){15, 0, 15, 12, -1}));
    assert_false(rl_svg_box_crosses_seg(b, (svg_seg){0, 30, 30, 25, -1}));
    assert_false(rl_svg_box_crosses_seg(b, (svg_seg){21, 0, 21, 40, -1}));
    char buf[64];
    rl_svg_fit_text("/a/long/folder/name/with/results.json", 11, 120, buf, sizeof buf);
    assert_true(rl_svg_text_width(buf, 11) <= 120);
    assert_non_null(strstr(buf, "\u2026"));
    assert_int_equal(strncmp(buf, "/a/", 3), 0);
    assert_non_null(strstr(buf, ".json"));
    rl_svg_fit_text("short", 11, 120, buf, sizeof buf);
    assert_string_equal(buf, "short");
    rl_svg_ratio_text(0.004, "", buf, sizeof buf);
    assert_string_equal(buf, "< 0.01\u00d7");
    rl_svg_ratio_text(0.52, "", buf, sizeof buf);
    assert_string_equal(buf, "\u00d70.52");
}

/* ---- runs ------------------------------------------------------------------------ */

static const char *const reference_runs[] = {
    ROOFLAB_SOURCE_DIR "/results/reference/cpu-epyc-zen4-2t/quick/results.json",
    ROOFLAB_SOURCE_DIR "/results/reference/cpu-epyc-zen4-2t/llm-llama-3.2-1b/results.json",
};

static void test_runs(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof reference_runs / sizeof reference_runs[0]; i++) {
        rl_results r;
        rl_err err;
        if (rl_results_read_json(reference_runs[i], &r, &err) != RL_OK)
            fail_msg("%s", err.msg);
        char *svg = rl_roofline_svg_string(&r);
        assert_non_null(svg);
        assert_int_equal(layout_problems(svg, reference_runs[i]), 0);
        assert_true(count_labels(svg, "roof-label") >= 4);
        assert_true(count_labels(svg, "pt-label") >= 3);
        assert_null(strstr(svg, "\u00d70.00"));
        free(svg);
        rl_results_free(&r);
    }
}

static void test_compare_long_names(void **state)
{
    (void)state;
    rl_results a, b;
    rl_err err;
    assert_int_equal(rl_results_read_json(reference_runs[0], &a, &err), RL_OK);
    assert_int_equal(rl_results_read_json(reference_runs[1], &b, &err), RL_OK);
    char la[300], lb[300];
    snprintf(la, sizeof la, "%s", "/home/student/courses/roofline-lab/week-3/results/runs/"
                                  "2026-11-24-quick-on-the-login-node/results.json");
    snprintf(lb, sizeof lb, "%s", "/home/student/courses/roofline-lab/week-3/results/runs/"
                                  "2026-11-24-llm-llama-3.2-1b-on-the-gpu-node/results.json");
    char *svg = rl_compare_svg_string(&a, &b, la, lb);
    assert_non_null(svg);
    assert_int_equal(layout_problems(svg, "compare"), 0);
    /* every legend text right of its key ends inside the frame */
    for (const char *p = strstr(svg, "<g class=\"legend\">"); p && (p = strstr(p + 1, "<text "));) {
        const char *body = strchr(p, '>') + 1, *end = strstr(body, "</text>");
        double x = num_attr(p, "x"), fs = num_attr(p, "font-size");
        char anchor[16] = "start";
        attr(p, "text-anchor", anchor, sizeof anchor);
        if (strcmp(anchor, "start") == 0 && x + (double)text_glyphs(body, end) * fs * 0.6 > RL_SVG_WIDTH)
            fail_msg("legend text leaves the frame: %.*s", (int)(end - body), body);
    }
    free(svg);
    rl_results_free(&a);
    rl_results_free(&b);
}

/* ---- predictions ------------------------------------------------------------------ */

static char *predict_svg(const char *const *args, size_t n)
{
    char dir[] = "/tmp/rooflab-labels-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *argv[32];
    size_t argc = 0;
    argv[argc++] = "predict";
    for (size_t i = 0; i < n; i++)
        argv[argc++] = (char *)args[i];
    argv[argc++] = "--out";
    argv[argc++] = dir;
    argv[argc] = NULL;
    /* the table goes to /dev/null: only the files matter here */
    fflush(stdout);
    int saved = dup(1);
    assert_non_null(freopen("/dev/null", "w", stdout));
    int rc = rl_cli_predict((int)argc, argv);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    assert_int_equal(rc, 0);
    char path[128];
    snprintf(path, sizeof path, "%s/roofline.svg", dir);
    char *svg = read_text(path);
    const char *names[] = {"roofline.svg", "report.html", "predictions.json"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        assert_int_equal(unlink(path), 0);
    }
    rmdir(dir);
    return svg;
}

static void test_predictions(void **state)
{
    (void)state;
    static const char *const act1[] = {"--device", "h100-sxm5,orin-nx-16gb,orin-nx-16gb@MAXN",
                                       "--op", "gemm", "--precision", "fp16,fp8",
                                       "--sweep", "128..8192"};
    static const char *const four[] = {"--device", "a100-sxm4-80gb,h100-pcie,h200-sxm,agx-orin-64gb",
                                       "--op", "gemm", "--precision", "fp32,fp16,bf16",
                                       "--sweep", "64..16384"};
    static const char *const rows[] = {"--device", "h100-sxm5,orin-nano-8gb", "--op", "layernorm",
                                       "--precision", "fp16,fp32", "--rows", "4096",
                                       "--sweep", "256..65536"};
    static const char *const one[] = {"--device", "orin-nx-8gb", "--op", "gemm", "--precision",
                                      "fp16", "--m", "4096", "--n", "4096", "--k", "4096"};
    struct {
        const char *const *args;
        size_t n;
        const char *what;
        size_t roofs_min;
    } runs[] = {
        {act1, sizeof act1 / sizeof act1[0], "Act I", 5},
        {four, sizeof four / sizeof four[0], "four devices", 8},
        {rows, sizeof rows / sizeof rows[0], "layernorm", 3},
        {one, sizeof one / sizeof one[0], "one case", 2},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        char *svg = predict_svg(runs[i].args, runs[i].n);
        assert_int_equal(layout_problems(svg, runs[i].what), 0);
        if (count_labels(svg, "roof-label") < runs[i].roofs_min)
            fail_msg("%s: %zu roof labels, expected at least %zu", runs[i].what,
                     count_labels(svg, "roof-label"), runs[i].roofs_min);
        assert_true(count_labels(svg, "pt-label") >= 1);
        assert_non_null(strstr(svg, "class=\"ridge\""));
        assert_non_null(strstr(svg, "class=\"region memory-bound\""));
        free(svg);
    }
}

int main(void)
{
    setenv("ROOFLAB_DATA_DIR", ROOFLAB_SOURCE_DIR, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checker_sees_overlaps),
        cmocka_unit_test(test_primitives),
        cmocka_unit_test(test_runs),
        cmocka_unit_test(test_compare_long_names),
        cmocka_unit_test(test_predictions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
