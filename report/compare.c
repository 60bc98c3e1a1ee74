/* Two runs compared case by case; many hosts merged. */
#include "report/rl_compare.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/rl_stats.h"
#include "report/rl_sbuf.h"

double rl_case_rate(const rl_case_result *c)
{
    if (!c || c->outcome != RL_CASE_OK)
        return 0;
    double v = c->flops > 0 ? c->flop_per_s : c->byte_per_s;
    return v > 0 && isfinite(v) ? v : 0;
}

const char *rl_case_rate_unit(const rl_case_result *c)
{
    return c->flops > 0 ? "FLOP/s" : "B/s";
}

/* ---- name lookup ------------------------------------------------------------ */

typedef struct name_index {
    const rl_case_result **v; /* sorted by name */
    size_t n;
} name_index;

static int by_name(const void *a, const void *b)
{
    const rl_case_result *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

static rl_status index_build(const rl_results *r, name_index *ix, rl_err *err)
{
    ix->n = r->count;
    ix->v = malloc((r->count ? r->count : 1) * sizeof *ix->v);
    if (!ix->v)
        return rl_fail(err, RL_ERR_NOMEM, "out of memory indexing cases");
    for (size_t i = 0; i < r->count; i++)
        ix->v[i] = &r->cases[i];
    qsort(ix->v, ix->n, sizeof *ix->v, by_name);
    return RL_OK;
}

static const rl_case_result *index_find(const name_index *ix, const char *name)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(ix->v[mid]->name, name);
        if (c == 0)
            return ix->v[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ---- compare ------------------------------------------------------------------ */

rl_status rl_compare(const rl_results *a, const rl_results *b, rl_comparison *out, rl_err *err)
{
    memset(out, 0, sizeof *out);
    name_index ia, ib;
    RL_TRY(index_build(a, &ia, err));
    if (index_build(b, &ib, err) != RL_OK) {
        free(ia.v);
        return RL_ERR_NOMEM;
    }
    out->rows = malloc((a->count ? a->count : 1) * sizeof *out->rows);
    out->only_a = malloc((a->count ? a->count : 1) * sizeof *out->only_a);
    out->only_b = malloc((b->count ? b->count : 1) * sizeof *out->only_b);
    if (!out->rows || !out->only_a || !out->only_b) {
        free(ia.v);
        free(ib.v);
        rl_comparison_free(out);
        return rl_fail(err, RL_ERR_NOMEM, "out of memory comparing runs");
    }
    for (size_t i = 0; i < a->count; i++) {
        const rl_case_result *ca = &a->cases[i], *cb = index_find(&ib, ca->name);
        if (!cb) {
            out->only_a[out->only_a_count++] = ca;
            continue;
        }
        rl_compare_row *row = &out->rows[out->count++];
        row->a = ca;
        row->b = cb;
        double ra = rl_case_rate(ca), rb = rl_case_rate(cb);
        bool both = ra > 0 && rb > 0 && ca->time_s.median > 0 && cb->time_s.median > 0;
        row->time_ratio = both ? cb->time_s.median / ca->time_s.median : NAN;
        row->rate_ratio = both ? rb / ra : NAN;
    }
    for (size_t i = 0; i < b->count; i++)
        if (!index_find(&ia, b->cases[i].name))
            out->only_b[out->only_b_count++] = &b->cases[i];
    free(ia.v);
    free(ib.v);
    return RL_OK;
}

void rl_comparison_free(rl_comparison *cmp)
{
    free(cmp->rows);
    free(cmp->only_a);
    free(cmp->only_b);
    memset(cmp, 0, sizeof *cmp);
}

static void why_not(const rl_case_result *a, const rl_case_result *b, char *buf, size_t len)
{
    const rl_case_result *c = a->outcome != RL_CASE_OK ? a : b;
    snprintf(buf, len, "%s in %s", rl_case_outcome_name(c->outcome), c == a ? "A" : "B");
}

void rl_comparison_print(const rl_comparison *cmp, const char *label_a, const char *label_b,
                         FILE *out)
{
    fprintf(out, "A = %s, B = %s; cases matched by name\n", label_a, label_b);
    fprintf(out, "Units: SI (GFLOP/s = 1e9 FLOP/s, GB/s = 1e9 B/s); rate is FLOP/s, or B/s for "
                 "ops without FLOPs; times are medians. B/A > 1: B takes longer / is faster.\n");
    fprintf(out, "%-52s %10s %10s %8s %14s %14s %8s\n", "case", "A ms", "B ms", "B/A time",
            "A rate", "B rate", "B/A rate");
    for (size_t i = 0; i < cmp->count; i++) {
        const rl_compare_row *r = &cmp->rows[i];
        if (isnan(r->rate_ratio)) {
            char why[64];
            why_not(r->a, r->b, why, sizeof why);
            fprintf(out, "%-52s %10s %10s %8s %14s %14s %8s  (%s)\n", r->a->name, "-", "-", "-",
                    "-", "-", "-", why);
            continue;
        }
        char ra[32], rb[32];
        rl_format_si(rl_case_rate(r->a), rl_case_rate_unit(r->a), ra, sizeof ra);
        rl_format_si(rl_case_rate(r->b), rl_case_rate_unit(r->b), rb, sizeof rb);
        fprintf(out, "%-52s %10.4f %10.4f %8.3f %14s %14s %8.3f\n", r->a->name,
                r->a->time_s.median * 1e3, r->b->time_s.median * 1e3, r->time_ratio, ra, rb,
                r->rate_ratio);
    }
    if (cmp->only_a_count) {
        fprintf(out, "\nOnly in A (%zu):\n", cmp->only_a_count);
        for (size_t i = 0; i < cmp->only_a_count; i++)
            fprintf(out, "  %s\n", cmp->only_a[i]->name);
    }
    if (cmp->only_b_count) {
        fprintf(out, "\nOnly in B (%zu):\n", cmp->only_b_count);
        for (size_t i = 0; i < cmp->only_b_count; i++)
            fprintf(out, "  %s\n", cmp->only_b[i]->name);
    }
}

static void csv_num(rl_sbuf *b, double v)
{
    if (isfinite(v) && v > 0)
        rl_sbuf_printf(b, ",%.9g", v);
    else
        rl_sbuf_put(b, ",");
}

static void csv_case_head(rl_sbuf *b, const rl_case_result *c)
{
    rl_sbuf_put_csv(b, c->name);
    rl_sbuf_printf(b, ",%s,%s", rl_op_name(c->op), rl_precision_name(c->precision));
}

char *rl_comparison_csv(const rl_comparison *cmp)
{
    rl_sbuf b;
    rl_sbuf_init(&b);
    rl_sbuf_put(&b, "name,op,precision,a_time_s,b_time_s,time_ratio,a_rate,b_rate,rate_unit,"
                    "rate_ratio,in\n");
    for (size_t i = 0; i < cmp->count; i++) {
        const rl_compare_row *r = &cmp->rows[i];
        csv_case_head(&b, r->a);
        csv_num(&b, r->a->outcome == RL_CASE_OK ? r->a->time_s.median : NAN);
        csv_num(&b, r->b->outcome == RL_CASE_OK ? r->b->time_s.median : NAN);
        csv_num(&b, r->time_ratio);
        csv_num(&b, rl_case_rate(r->a));
        csv_num(&b, rl_case_rate(r->b));
        rl_sbuf_printf(&b, ",%s", rl_case_rate_unit(r->a));
        csv_num(&b, r->rate_ratio);
        rl_sbuf_put(&b, ",both\n");
    }
    for (int side = 0; side < 2; side++) {
        const rl_case_result *const *list = side ? cmp->only_b : cmp->only_a;
        size_t n = side ? cmp->only_b_count : cmp->only_a_count;
        for (size_t i = 0; i < n; i++) {
            const rl_case_result *c = list[i];
            csv_case_head(&b, c);
            double t = c->outcome == RL_CASE_OK ? c->time_s.median : NAN;
            csv_num(&b, side ? NAN : t);
            csv_num(&b, side ? t : NAN);
            rl_sbuf_put(&b, ",");
            csv_num(&b, side ? NAN : rl_case_rate(c));
            csv_num(&b, side ? rl_case_rate(c) : NAN);
            rl_sbuf_printf(&b, ",%s,,%s\n", rl_case_rate_unit(c), side ? "b" : "a");
        }
    }
    return rl_sbuf_take(&b);
}

/* ---- merge ------------------------------------------------------------------------ */

void rl_merge_free(rl_merge *m)
{
    for (size_t i = 0; i < m->count; i++)
        free(m->rows[i].rates);
    free(m->rows);
    free(m->hosts);
    memset(m, 0, sizeof *m);
}

static const char *host_of(const rl_results *r)
{
    return r->info.host[0] ? r->info.host : "unknown";
}

/* Run h's name in a merge: its host, with its device when another run of
 * the set came from the same host on another device (the GPUs of a node). */
static void merge_label(const rl_results *runs, size_t n, size_t h, char *buf, size_t len)
{
    bool shared = false;
    for (size_t k = 0; k < n && !shared; k++)
        shared = k != h && strncmp(host_of(&runs[k]), host_of(&runs[h]), 100) == 0 &&
                 strcmp(runs[k].info.device, runs[h].info.device) != 0;
    if (shared && runs[h].info.device[0])
        snprintf(buf, len, "%.100s/%.24s", host_of(&runs[h]), runs[h].info.device);
    else
        snprintf(buf, len, "%.100s", host_of(&runs[h]));
}

rl_status rl_merge_runs(const rl_results *runs, size_t n, rl_merge *out, rl_err *err)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return rl_fail(err, RL_ERR_INVALID, "nothing to merge");
    out->host_count = n;
    out->hosts = calloc(n, sizeof *out->hosts);
    size_t cap = 0;
    for (size_t h = 0; h < n; h++)
        cap += runs[h].count;
    out->rows = calloc(cap ? cap : 1, sizeof *out->rows);
    name_index *ix = calloc(n, sizeof *ix);
    double *vals = malloc(n * sizeof *vals);
    rl_status s = RL_OK;
    if (!out->hosts || !out->rows || !ix || !vals) {
        s = rl_fail(err, RL_ERR_NOMEM, "out of memory merging runs");
        goto done;
    }
    /* Names: the host, or "host/device" where a host ran several devices (the
     * GPUs of one node); repeats made distinct with "#2", "#3". */
    for (size_t h = 0; h < n; h++)
        merge_label(runs, n, h, out->hosts[h], sizeof out->hosts[h]);
    for (size_t h = n; h-- > 0;) {
        int seen = 0;
        for (size_t k = 0; k < h; k++)
            seen += strcmp(out->hosts[k], out->hosts[h]) == 0;
        if (seen) {
            char label[128];
            snprintf(label, sizeof label, "%s", out->hosts[h]);
            snprintf(out->hosts[h], sizeof out->hosts[h], "%.110s#%d", label, seen + 1);
        }
    }
    for (size_t h = 0; h < n; h++) {
        if ((s = index_build(&runs[h], &ix[h], err)) != RL_OK)
            goto done;
    }
    /* one row per distinct name, in order of first appearance */
    for (size_t h = 0; h < n; h++)
        for (size_t i = 0; i < runs[h].count; i++) {
            const rl_case_result *c = &runs[h].cases[i];
            bool earlier = false;
            for (size_t k = 0; k < h && !earlier; k++)
                earlier = index_find(&ix[k], c->name) != NULL;
            /* a name repeated inside one run counts once */
            for (size_t j = 0; j < i && !earlier; j++)
                earlier = strcmp(runs[h].cases[j].name, c->name) == 0;
            if (earlier)
                continue;
            rl_merge_row *row = &out->rows[out->count++];
            snprintf(row->name, sizeof row->name, "%s", c->name);
            row->op = c->op;
            row->precision = c->precision;
            snprintf(row->rate_unit, sizeof row->rate_unit, "%s", rl_case_rate_unit(c));
            row->rates = calloc(n, sizeof *row->rates);
            if (!row->rates) {
                s = rl_fail(err, RL_ERR_NOMEM, "out of memory merging runs");
                goto done;
            }
            size_t m = 0;
            for (size_t k = 0; k < n; k++) {
                row->rates[k] = rl_case_rate(index_find(&ix[k], c->name));
                if (row->rates[k] > 0)
                    vals[m++] = row->rates[k];
            }
            row->hosts_with = m;
            if (m == 0) {
                row->median = row->min = row->max = row->spread = NAN;
                continue;
            }
            rl_stats st = rl_stats_compute(vals, m);
            row->median = st.median;
            row->min = st.min;
            row->max = st.max;
            row->spread = st.max / st.min;
            size_t used = 0;
            for (size_t k = 0; k < n; k++) {
                if (!(row->rates[k] > 0) ||
                    !(row->rates[k] < RL_MERGE_SLOW_FRACTION * row->median))
                    continue;
                int w = snprintf(row->slow + used, sizeof row->slow - used, "%s%s",
                                 row->slow_count ? ", " : "", out->hosts[k]);
                if (w > 0 && used + (size_t)w < sizeof row->slow)
                    used += (size_t)w;
                row->slow_count++;
            }
        }
done:
    if (ix)
        for (size_t h = 0; h < n; h++)
            free(ix[h].v);
    free(ix);
    free(vals);
    if (s != RL_OK)
        rl_merge_free(out);
    return s;
}

void rl_merge_print(const rl_merge *m, FILE *out)
{
    fprintf(out, "%zu hosts:", m->host_count);
    for (size_t h = 0; h < m->host_count; h++)
        fprintf(out, " %s", m->hosts[h]);
    fprintf(out, "\nUnits: SI (GFLOP/s = 1e9 FLOP/s, GB/s = 1e9 B/s); rate is FLOP/s, or B/s "
                 "for ops without FLOPs, at each host's median time. Slow: below %.0f %% of "
                 "the median across hosts.\n",
            100 * RL_MERGE_SLOW_FRACTION);
    fprintf(out, "%-52s %5s %14s %14s %14s %7s  %s\n", "case", "hosts", "median", "min", "max",
            "max/min", "slow hosts");
    for (size_t i = 0; i < m->count; i++) {
        const rl_merge_row *r = &m->rows[i];
        if (r->hosts_with == 0) {
            fprintf(out, "%-52s %5d %14s %14s %14s %7s  (did not run on any host)\n", r->name, 0,
                    "-", "-", "-", "-");
            continue;
        }
        char med[32], lo[32], hi[32];
        rl_format_si(r->median, r->rate_unit, med, sizeof med);
        rl_format_si(r->min, r->rate_unit, lo, sizeof lo);
        rl_format_si(r->max, r->rate_unit, hi, sizeof hi);
        fprintf(out, "%-52s %5zu %14s %14s %14s %7.3f  %s\n", r->name, r->hosts_with, med, lo, hi,
                r->spread, r->slow_count ? r->slow : "-");
    }
}

char *rl_merge_csv(const rl_merge *m)
{
    rl_sbuf b;
    rl_sbuf_init(&b);
    rl_sbuf_put(&b, "name,op,precision,rate_unit,hosts,median,min,max,spread,slow_hosts");
    for (size_t h = 0; h < m->host_count; h++) {
        rl_sbuf_put(&b, ",");
        rl_sbuf_put_csv(&b, m->hosts[h]);
    }
    rl_sbuf_put(&b, "\n");
    for (size_t i = 0; i < m->count; i++) {
        const rl_merge_row *r = &m->rows[i];
        rl_sbuf_put_csv(&b, r->name);
        rl_sbuf_printf(&b, ",%s,%s,%s,%zu", rl_op_name(r->op), rl_precision_name(r->precision),
                       r->rate_unit, r->hosts_with);
        csv_num(&b, r->median);
        csv_num(&b, r->min);
        csv_num(&b, r->max);
        csv_num(&b, r->spread);
        rl_sbuf_put(&b, ",");
        /* hosts separated by ';' inside the field */
        char slow[512];
        snprintf(slow, sizeof slow, "%s", r->slow);
        for (char *p = slow; *p; p++)
            if (*p == ',' && p[1] == ' ') {
                *p = ';';
                memmove(p + 1, p + 2, strlen(p + 2) + 1);
            }
        rl_sbuf_put_csv(&b, slow);
        for (size_t h = 0; h < m->host_count; h++)
            csv_num(&b, r->rates[h]);
        rl_sbuf_put(&b, "\n");
    }
    return rl_sbuf_take(&b);
}

char *rl_merge_json(const rl_merge *m)
{
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    cJSON_AddStringToObject(root, "schema", "rooflab.merge/1");
    cJSON_AddNumberToObject(root, "slow_fraction", RL_MERGE_SLOW_FRACTION);
    cJSON *hosts = cJSON_AddArrayToObject(root, "hosts");
    for (size_t h = 0; h < m->host_count; h++)
        cJSON_AddItemToArray(hosts, cJSON_CreateString(m->hosts[h]));
    cJSON *cases = cJSON_AddArrayToObject(root, "cases");
    for (size_t i = 0; i < m->count; i++) {
        const rl_merge_row *r = &m->rows[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", r->name);
        cJSON_AddStringToObject(o, "op", rl_op_name(r->op));
        cJSON_AddStringToObject(o, "precision", rl_precision_name(r->precision));
        cJSON_AddStringToObject(o, "rate_unit", r->rate_unit);
        cJSON_AddNumberToObject(o, "hosts", (double)r->hosts_with);
        if (r->hosts_with) {
            cJSON_AddNumberToObject(o, "median", r->median);
            cJSON_AddNumberToObject(o, "min", r->min);
            cJSON_AddNumberToObject(o, "max", r->max);
            cJSON_AddNumberToObject(o, "spread", r->spread);
        } else {
            cJSON_AddNullToObject(o, "median");
            cJSON_AddNullToObject(o, "min");
            cJSON_AddNullToObject(o, "max");
            cJSON_AddNullToObject(o, "spread");
        }
        cJSON *slow = cJSON_AddArrayToObject(o, "slow_hosts");
        cJSON *rates = cJSON_AddObjectToObject(o, "rates");
        cJSON *ratios = cJSON_AddObjectToObject(o, "ratios"); /* rate / median */
        for (size_t h = 0; h < m->host_count; h++) {
            if (r->rates[h] > 0 && r->rates[h] < RL_MERGE_SLOW_FRACTION * r->median)
                cJSON_AddItemToArray(slow, cJSON_CreateString(m->hosts[h]));
            if (r->rates[h] > 0) {
                cJSON_AddNumberToObject(rates, m->hosts[h], r->rates[h]);
                cJSON_AddNumberToObject(ratios, m->hosts[h], r->rates[h] / r->median);
            } else {
                cJSON_AddNullToObject(rates, m->hosts[h]);
                cJSON_AddNullToObject(ratios, m->hosts[h]);
            }
        }
        cJSON_AddItemToArray(cases, o);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}
