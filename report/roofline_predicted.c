/* The plot of predictions (rooflab predict --out): one chart, every
 * device's roofs in its own colour and dash, the cases on them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/roofline_internal.h"

const char *rl_device_color(size_t i)
{
    static const char *const colors[] = {"#1f5fa8", "#c2410c", "#2e7d32", "#7b3fa0",
                                         "#8c564b", "#b8860b", "#17859c", "#555555"};
    return colors[i % (sizeof colors / sizeof colors[0])];
}

static const char *device_dash(size_t i)
{
    static const char *const dashes[] = {"", "7 4", "2 3", "9 3 2 3"};
    return dashes[i % 4];
}

void rl_shape_label(rl_op op, const rl_shape *s, char *buf, size_t len)
{
    rl_svg_shape_text(op, s, buf, len);
}

static void point_title(const rl_prediction_plot *pl, const rl_predicted_point *c, char *buf,
                        size_t len)
{
    char shape[64], rate[48], t[32], fl[48], by[48];
    rl_svg_shape_text(c->op, &c->shape, shape, sizeof shape);
    rl_format_si(c->attainable_flop_per_s, "FLOP/s", rate, sizeof rate);
    rl_format_time(c->time_s, t, sizeof t);
    rl_format_si(c->flops, "FLOP", fl, sizeof fl);
    rl_format_si(c->bytes, "B", by, sizeof by);
    snprintf(buf, len,
             "%s%s %s %s on %s\n%s, %s: intensity %.4g FLOP/B, ridge %.4g FLOP/B\n"
             "predicted %s, %s: %s-bound (by %s)\nroof %s, MFU %.1f %%",
             c->hypothetical ? "HYPOTHETICAL: " : "", rl_op_name(c->op), shape,
             rl_precision_name(c->precision), pl->devices[c->device].label, fl, by, c->intensity,
             c->ridge, rate, t, c->bound, c->binding, c->roof, 100 * c->mfu);
}

static bool same_place(const rl_predicted_point *a, const rl_predicted_point *b)
{
    return a->device == b->device && a->op == b->op && a->precision == b->precision &&
           fabs(a->intensity - b->intensity) <= 1e-9 * a->intensity &&
           fabs(a->attainable_flop_per_s - b->attainable_flop_per_s) <=
               1e-9 * a->attainable_flop_per_s;
}

/* Shapes of one series at the same point (a row op's rows of any length
 * have one intensity) get one label, "4096×256 … 4096×65536 (9 shapes)",
 * on the first of them; the others none. */
static void label_coincident(const rl_prediction_plot *pl, const size_t *from, svg_plot *p)
{
    for (size_t i = 0; i < p->n; i++) {
        if (!p->pts[i].label[0])
            continue;
        size_t same = 0, last = i;
        for (size_t k = i + 1; k < p->n; k++)
            if (p->pts[k].label[0] && same_place(&pl->points[from[i]], &pl->points[from[k]])) {
                same++;
                last = k;
                p->pts[k].label[0] = 0;
            }
        if (!same)
            continue;
        char first[64], lastshape[64];
        snprintf(first, sizeof first, "%.*s", (int)sizeof first - 1, p->pts[i].label);
        rl_svg_shape_text(pl->points[from[last]].op, &pl->points[from[last]].shape, lastshape,
                          sizeof lastshape);
        snprintf(p->pts[i].label, sizeof p->pts[i].label, "%s \u2026 %s (%zu shapes)", first,
                 lastshape, same + 1);
    }
}

char *rl_prediction_svg_string(const rl_prediction_plot *pl)
{
    svg_plot *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->pts = calloc(pl->count ? pl->count : 1, sizeof *p->pts);
    char(*names)[256] = calloc(pl->count ? pl->count : 1, sizeof *names);
    size_t *from = calloc(pl->count ? pl->count : 1, sizeof *from);
    if (!p->pts || !names || !from) {
        free(from);
        free(p->pts);
        free(names);
        free(p);
        return NULL;
    }
    snprintf(p->title, sizeof p->title, "%s", pl->title);
    snprintf(p->subtitle, sizeof p->subtitle, "%s", pl->subtitle);
    for (size_t d = 0; d < pl->device_count && p->layer_count < SVG_MAX_LAYERS; d++)
        p->layers[p->layer_count++] = (svg_layer){&pl->devices[d].roofs, NULL,
                                                  pl->devices[d].label, rl_device_color(d),
                                                  device_dash(d)};
    p->filled_name = "predicted";
    p->hollow_name = "";
    p->gap_word = "";
    p->predictions = true;
    p->max_labels = 40;
    p->not_plotted = pl->refused;
    p->not_plotted_word = "refused case";
    for (size_t i = 0; i < pl->count; i++) {
        const rl_predicted_point *c = &pl->points[i];
        if (c->device >= (size_t)p->layer_count || !(c->flops > 0))
            continue;
        from[p->n] = i;
        svg_point *q = &p->pts[p->n++];
        char shape[64];
        rl_svg_shape_text(c->op, &c->shape, shape, sizeof shape);
        snprintf(names[i], sizeof names[i], "%s %s %s %s", pl->devices[c->device].label,
                 rl_op_name(c->op), rl_precision_name(c->precision), shape);
        q->name = names[i];
        q->op = c->op;
        q->prec = c->precision;
        q->layer = (int)c->device;
        q->x = c->intensity;
        q->y1 = c->attainable_flop_per_s;
        q->gap = -1;
        point_title(pl, c, q->title, sizeof q->title);
        rl_svg_shape_text(c->op, &c->shape, q->label, sizeof q->label);
    }
    label_coincident(pl, from, p);
    char *svg = rl_svg_render(p);
    free(from);
    free(names);
    free(p->pts);
    free(p);
    return svg;
}

rl_status rl_prediction_svg_write(const rl_prediction_plot *pl, const char *path, rl_err *err)
{
    return rl_svg_write_text(path, rl_prediction_svg_string(pl), err);
}
