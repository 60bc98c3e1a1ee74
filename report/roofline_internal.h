/* The roofline picture's pieces, shared by the files that draw it:
 *
 *   roofline_layout.c  text measurement and the collision boxes every label
 *                      is placed against
 *   roofline_axes.c    what can be plotted, the axis ranges (one pixel size
 *                      per decade on both axes), the frame, grid and ticks
 *   roofline_roofs.c   roofs, ridge points, shaded regions and roof labels
 *   roofline_points.c  colours, marker shapes, the cases and their labels
 *   roofline_legend.c  the legend panel and the bandwidth strip
 *   roofline_svg.c     the document, and the plot of one run
 *   roofline_compare.c the plot of two runs
 *   roofline_predicted.c the plot of predictions (rooflab predict --out)
 *
 * Not a public header: only report/roofline_*.c and tests include it. */
#ifndef RL_ROOFLINE_INTERNAL_H
#define RL_ROOFLINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "report/rl_results.h"
#include "report/rl_roofline_svg.h"
#include "report/rl_sbuf.h"

/* ---- geometry (SVG user units) ------------------------------------------- */

enum {
    SVG_W = RL_SVG_WIDTH,
    SVG_H = RL_SVG_HEIGHT,
    AREA_L = 98, /* the area the plot box is fitted into */
    AREA_R = 688,
    AREA_T = 58,
    AREA_B = 572,
    LEGEND_X = 712, /* legend panel */
};

#define SVG_PI 3.14159265358979323846
#define SVG_FS 11.0     /* roof and point label font size */
#define SVG_MARK_R 4.6  /* marker radius */

/* ---- collision boxes (roofline_layout.c) ---------------------------------- */

typedef struct svg_box {
    double x0, y0, x1, y1;
} svg_box;

/* A straight line labels must not cross; owner tells a roof its own line. */
typedef struct svg_seg {
    double x0, y0, x1, y1;
    int owner;
} svg_seg;

#define SVG_MAX_BOXES 4096
#define SVG_MAX_SEGS 256

typedef struct svg_obstacles {
    svg_box box[SVG_MAX_BOXES];
    size_t n;
    svg_seg seg[SVG_MAX_SEGS];
    size_t nseg;
} svg_obstacles;

size_t rl_svg_glyphs(const char *s);
double rl_svg_text_width(const char *s, double fs);
bool rl_svg_overlaps(svg_box a, svg_box b);
bool rl_svg_box_crosses_seg(svg_box b, svg_seg s);
/* Whether b touches any box or any line other than owner's (-1: every line). */
bool rl_svg_hits(const svg_obstacles *o, svg_box b, int owner);
void rl_svg_add_box(svg_obstacles *o, svg_box b);
void rl_svg_add_seg(svg_obstacles *o, svg_seg s);
/* The box of horizontal text with baseline y; anchor 's' start, 'e' end, 'm' middle. */
svg_box rl_svg_text_box(double x, double y, double w, double fs, char anchor);
/* text shortened in the middle with "…" to at most max_w wide at size fs. */
void rl_svg_fit_text(const char *text, double fs, double max_w, char *buf, size_t len);

/* ---- the plot description --------------------------------------------------- */

typedef struct svg_layer {
    const rl_roof_set *set;    /* the roofs drawn */
    const rl_roof_set *extent; /* the whole set, whose top roofs end the lines (NULL: set) */
    const char *tag;           /* "datasheet", "measured", "B measured", "h100-sxm5" */
    const char *color;
    const char *dash;          /* stroke-dasharray; "" solid */
} svg_layer;

#define SVG_MAX_LAYERS 8

typedef struct svg_point {
    const char *name;
    rl_op op;
    rl_precision prec;
    int layer;      /* >= 0: coloured as that layer (predictions); -1: by op */
    bool zero_flop; /* y values are byte/s, on the bandwidth strip */
    double x;       /* intensity */
    double y1;      /* filled marker: measured (or A, or predicted); 0 = none */
    double y2;      /* hollow marker: predicted (or B); 0 = none */
    double gap;     /* |log10(y1 / y2)|, -1 without both */
    char title[1200];
    char label[160];
} svg_point;

typedef struct svg_plot {
    char title[600], subtitle[900];
    svg_layer layers[SVG_MAX_LAYERS];
    int layer_count;
    svg_point *pts;
    size_t n;
    const char *filled_name, *hollow_name; /* "measured", "predicted" */
    const char *gap_word;                  /* "measured/predicted", "B/A" */
    int not_plotted;
    const char *not_plotted_word; /* "failed or unsupported case", "refused case" */
    /* Predictions: label every point that finds room (up to max_labels),
     * colour points by layer, shade the memory- and compute-bound regions. */
    bool predictions;
    int max_labels;
    /* Draw only the compute roofs of the precisions the points use. */
    bool present_precisions_only;
    bool roof_precisions[RL_PREC_COUNT]; /* precisions of the roofs the points are judged on */
    /* computed by the renderer */
    double lx0, lx1, ly0, ly1; /* axis ranges, log10 */
    double bx0, bx1, by0, by1; /* the plot box, pixels */
    svg_obstacles obstacles;
    rl_roof_set kept[SVG_MAX_LAYERS][2]; /* each layer's set and extent, drawable roofs only */
} svg_plot;

/* The document; NULL when out of memory. The plot's points are not freed. */
char *rl_svg_render(svg_plot *p);

/* ---- axes (roofline_axes.c) ----------------------------------------------------- */

typedef struct svg_range {
    double lo, hi; /* log10, DBL_MAX/-DBL_MAX when empty */
} svg_range;

double rl_svg_px(const svg_plot *p, double lx);
double rl_svg_py(const svg_plot *p, double ly);
bool rl_svg_inside_plot(const svg_plot *p, svg_box b);
bool rl_svg_in_x(const svg_plot *p, double v);
bool rl_svg_in_y(const svg_plot *p, double v);
double rl_svg_top_value(const rl_roof *roofs, int n);
void rl_svg_widen(svg_range *r, double v);
void rl_svg_finish_range(svg_range *r, double fallback_lo, double fallback_hi,
                         double min_decades, double *lo, double *hi);
void rl_svg_decade_label_si(double l, const char *unit, char *buf, size_t len);
/* Drop what cannot be drawn, choose the ranges and fit the plot box. */
void rl_svg_layout_axes(svg_plot *p);
void rl_svg_draw_axes(rl_sbuf *b, const svg_plot *p);

/* ---- roofs (roofline_roofs.c) ------------------------------------------------------ */

void rl_svg_roof_label_text(const rl_roof *r, bool memory, const char *tag, char *buf,
                            size_t len);
/* The line of each roof as an obstacle, before anything is labelled. */
void rl_svg_reserve_roof_lines(svg_plot *p);
/* Predictions: the memory-bound region (left of every ridge) and the
 * compute-bound one (right of every ridge) shaded; their names placed
 * after the roof labels. */
void rl_svg_draw_regions(rl_sbuf *b, const svg_plot *p);
void rl_svg_label_regions(rl_sbuf *b, svg_plot *p);
void rl_svg_draw_roofs(rl_sbuf *b, svg_plot *p);
/* " stroke=... paint-order" halo attributes for text over lines. */
extern const char rl_svg_halo[];
void rl_svg_text_element(rl_sbuf *b, double x, double y, char anchor, const char *color,
                         const char *cls, const char *text, double fs);

/* ---- points (roofline_points.c) ------------------------------------------------------ */

typedef enum svg_shape {
    SH_CIRCLE,
    SH_SQUARE,
    SH_TRIANGLE,
    SH_DIAMOND,
    SH_TRIANGLE_DOWN,
    SH_HEXAGON,
    SH_CROSS
} svg_shape;

svg_shape rl_svg_precision_shape(rl_precision p);
void rl_svg_marker(rl_sbuf *b, svg_shape s, double x, double y, double r, const char *color,
                   bool filled, const char *cls);
const char *rl_svg_point_color(const svg_plot *p, const svg_point *q);
void rl_svg_reserve_markers(svg_plot *p);
void rl_svg_draw_points(rl_sbuf *b, const svg_plot *p);
/* Returns how many points got a label. */
int rl_svg_label_points(rl_sbuf *b, svg_plot *p);
/* "gemm 1024³ fp32 ×0.52"; "< 0.01×" rather than "×0.00". */
void rl_svg_ratio_text(double ratio, const char *word, char *buf, size_t len);

/* ---- legend (roofline_legend.c) --------------------------------------------------------- */

void rl_svg_draw_legend(rl_sbuf *b, svg_plot *p, int labelled);

/* ---- shared by the plots of runs ---------------------------------------------------------- */

bool rl_svg_zero_flop(const rl_case_result *c);
double rl_svg_gap(double a, double b);
/* "gemm 1024x1024x1024" style shape text for labels: "1024³", "4096x4096". */
void rl_svg_shape_text(rl_op op, const rl_shape *s, char *buf, size_t len);
void rl_svg_case_label(const rl_case_result *c, const char *ratio_word, double ratio, char *buf,
                       size_t len);
/* Keep the compute roofs of the precision a roof name starts with ("fp32 simt"). */
void rl_svg_note_roof_precision(svg_plot *p, const char *roof_name);
rl_status rl_svg_write_text(const char *path, char *text, rl_err *err);

#endif
