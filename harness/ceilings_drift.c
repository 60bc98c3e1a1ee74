/* New ceilings against the ones they replace (rl_ceilings_drift.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/rl_ceilings_drift.h"
#include "report/rl_json_read.h"

static rl_roof *roofs_of(rl_roof_set *set, bool memory)
{
    return memory ? set->memory : set->compute;
}

static const rl_roof *find_roof(const rl_roof_set *set, bool memory, const rl_roof *like)
{
    const rl_roof *r = memory ? set->memory : set->compute;
    const int n = memory ? set->memory_count : set->compute_count;
    for (int i = 0; i < n; i++)
        if (strcmp(r[i].name, like->name) == 0 && strcmp(r[i].unit, like->unit) == 0)
            return &r[i];
    return NULL;
}

int rl_ceilings_find_drops(const rl_roof_set *now, const rl_roof_set *before, double ratio,
                           rl_ceiling_drop *drops, int max)
{
    int found = 0;
    for (int kind = 0; kind < 2; kind++) {
        const bool memory = kind == 0;
        const rl_roof *r = memory ? now->memory : now->compute;
        const int n = memory ? now->memory_count : now->compute_count;
        for (int i = 0; i < n && found < max; i++) {
            const rl_roof *old = find_roof(before, memory, &r[i]);
            if (old && old->value > 0 && r[i].value < ratio * old->value)
                drops[found++] = (rl_ceiling_drop){
                    .memory = memory, .index = i, .now = r[i].value, .before = old->value};
        }
    }
    return found;
}

int rl_ceilings_source_threads(const rl_roof_set *set)
{
    for (int i = 0; i < set->memory_count; i++) {
        const char *p = strstr(set->memory[i].source, " (");
        int threads;
        char close;
        for (; p; p = strstr(p + 2, " ("))
            if (sscanf(p, " (%d threads%c", &threads, &close) == 2 && close == ')' &&
                threads > 0)
                return threads;
    }
    return 0;
}

static const char *unit_of(bool memory) { return memory ? "GB/s" : "GFLOP/s"; }

void rl_ceilings_note_drop(rl_roof *roof, bool memory, double before, const char *before_date)
{
    char date[40] = "", note[112];
    if (before_date && before_date[0]) {
        memcpy(date, " of ", 5);
        rl_clean_text(before_date, date + 4, sizeof date - 4);
    }
    const size_t len = (size_t)snprintf(note, sizeof note, "; %.2fx the %.4g %s%s",
                                        roof->value / before, before / 1e9, unit_of(memory), date);
    const size_t room = sizeof roof->source - 1;
    size_t keep = strlen(roof->source);
    if (keep + len > room) {
        /* Cut the source's own words at a space, marked, and keep the note
         * whole: the note is what a later reader must see. */
        keep = room > len + 3 ? room - len - 3 : 0;
        while (keep > 0 && roof->source[keep] != ' ')
            keep--;
        memcpy(roof->source + keep, "...", 3);
        keep += 3;
    }
    snprintf(roof->source + keep, sizeof roof->source - keep, "%s", note);
}

bool rl_ceilings_load_previous(const char *path, const rl_ceilings_record *now,
                               rl_ceilings_record *before, FILE *log)
{
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return false;
    rl_err why;
    char clean[RL_ERR_LEN + 64];
    if (rl_ceilings_load(path, before, &why) != RL_OK) {
        rl_clean_text(why.msg, clean, sizeof clean);
        fprintf(log, "rooflab ceilings: cannot compare with the stored ceilings (%s); measuring "
                     "as if none were stored\n",
                clean);
        return false;
    }
    if (strcmp(before->host, now->host) != 0 || strcmp(before->device, now->device) != 0) {
        char host[160], device[48];
        rl_clean_text(before->host, host, sizeof host);
        rl_clean_text(before->device, device, sizeof device);
        fprintf(log, "rooflab ceilings: the stored ceilings at %s are of %s on %s, not compared\n",
                path, device, host);
        return false;
    }
    return true;
}

static void warn_drop(FILE *log, const rl_roof *r, const rl_ceiling_drop *d, const char *date)
{
    char what[48], when[40] = "";
    if (d->memory)
        snprintf(what, sizeof what, "%s bandwidth", r->name);
    else
        snprintf(what, sizeof what, "%s %s", r->name, r->unit);
    if (date[0]) {
        when[0] = ' ';
        rl_clean_text(date, when + 1, sizeof when - 1);
    }
    fprintf(log,
            "rooflab ceilings: warning: %s fell to %.2f %s (the better of two measurements), "
            "%.2fx the %.2f %s stored%s: the machine may be throttled or shared; rerun "
            "`rooflab ceilings` when it is quiet\n",
            what, r->value / 1e9, unit_of(d->memory), r->value / d->before, d->before / 1e9,
            unit_of(d->memory), when);
}

rl_status rl_ceilings_check_drops(rl_backend *be, const rl_cpu_info *cpu,
                                  const rl_ceilings_options *opts,
                                  const rl_ceilings_record *before, rl_ceilings_record *now,
                                  FILE *log, int *fallen, rl_err *err)
{
    *fallen = 0;
    /* Bandwidth and FMA peak scale with the threads: not a drop, a choice. */
    const int t_now = rl_ceilings_source_threads(&now->measured),
              t_before = rl_ceilings_source_threads(&before->measured);
    if (t_now > 0 && t_before > 0 && t_now != t_before) {
        fprintf(log, "rooflab ceilings: the stored ceilings were measured with %d threads, "
                     "these with %d: not compared\n",
                t_before, t_now);
        return RL_OK;
    }
    rl_ceiling_drop drops[2 * RL_MAX_ROOFS];
    const int n = rl_ceilings_find_drops(&now->measured, &before->measured,
                                         RL_CEILINGS_DROP_RATIO, drops, 2 * RL_MAX_ROOFS);
    if (n == 0)
        return RL_OK;
    fprintf(log, "rooflab ceilings: %d ceiling%s below %.1fx the stored; measuring %s again\n", n,
            n == 1 ? "" : "s", RL_CEILINGS_DROP_RATIO, n == 1 ? "it" : "them");
    for (int i = 0; i < n; i++) {
        RL_TRY(rl_ceilings_remeasure(be, cpu, opts, drops[i].memory, drops[i].index, now, err));
        rl_roof *r = &roofs_of(&now->measured, drops[i].memory)[drops[i].index];
        if (!(r->value < RL_CEILINGS_DROP_RATIO * drops[i].before))
            continue; /* the first measurement was a moment's dip */
        warn_drop(log, r, &drops[i], before->date);
        rl_ceilings_note_drop(r, drops[i].memory, drops[i].before, before->date);
        (*fallen)++;
    }
    return RL_OK;
}
