/* The interactive roofline panel of report.html: a section the script fills,
 * the data it reads (JSON in a non-executed script element) and the script
 * itself, all inline: the page fetches nothing. */
#include "report/rl_interactive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* JSON inside <script type="application/json">: '<' could close the element
 * ("</script>") or open a comment, so it is written as the JSON escape
 * \u003c, which JSON.parse reads as the same string; '>' and '&' likewise,
 * so the element's text is also well-formed XML character data. */
static void put_json_in_script(rl_sbuf *b, const char *json)
{
    for (const char *p = json; *p;) {
        size_t n = strcspn(p, "<>&");
        rl_sbuf_printf(b, "%.*s", (int)n, p);
        p += n;
        if (*p) {
            rl_sbuf_printf(b, "\\u%04x", (unsigned)(unsigned char)*p);
            p++;
        }
    }
}

void rl_interactive_panel(rl_sbuf *b, const rl_results *run, const rl_lab_start *start)
{
    rl_sbuf_put(b, "<section id=\"rl-lab\">\n<h2>Explore: the roofline of any catalog device</h2>\n");
    char *json = NULL;
    rl_err err;
    if (rl_interactive_data_json(run, start, &json, &err) != RL_OK) {
        rl_sbuf_put(b, "<p class=\"meta\">The interactive roofline needs the device catalog, "
                       "which could not be read: ");
        rl_sbuf_put_xml(b, err.msg);
        rl_sbuf_put(b, "</p>\n</section>\n");
        return;
    }
    rl_sbuf_put(b, "<noscript><p class=\"meta\">The interactive roofline needs JavaScript; "
                   "<code>rooflab predict</code> gives the same numbers.</p></noscript>\n");
    rl_sbuf_printf(b, "<style>\n%s</style>\n</section>\n", rl_lab_css);
    rl_sbuf_put(b, "<script type=\"application/json\" id=\"rl-lab-data\">");
    put_json_in_script(b, json);
    free(json);
    rl_sbuf_printf(b, "</script>\n<script>\n%s</script>\n", rl_lab_js);
}

void rl_interactive_predictions_panel(rl_sbuf *b, const rl_prediction_plot *pl)
{
    rl_lab_start start;
    memset(&start, 0, sizeof start);
    if (pl && pl->count > 0) {
        const rl_predicted_point *c = &pl->points[0];
        if (c->device < pl->device_count) {
            /* a device's label is "ID" or "ID@MODE" */
            const char *label = pl->devices[c->device].label;
            const char *at = strchr(label, '@');
            const size_t n = at ? (size_t)(at - label) : strlen(label);
            snprintf(start.device, sizeof start.device, "%.*s", (int)n, label);
            if (at)
                snprintf(start.power_mode, sizeof start.power_mode, "%s", at + 1);
        }
        snprintf(start.precision, sizeof start.precision, "%s", rl_precision_name(c->precision));
        start.has_case = true;
        start.op = c->op;
        start.shape = c->shape;
    }
    rl_interactive_panel(b, NULL, &start);
}
