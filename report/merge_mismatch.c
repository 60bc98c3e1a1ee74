/* What a merge cannot compare: runs of different suites or rooflab versions
 * are merged case by case (a case is compared across the runs that measured
 * it), and the merge says so rather than passing them off as one set. */
#include "report/rl_merge_files.h"

#include <string.h>

/* One line naming each distinct value of field and the runs that have it;
 * nothing when all runs agree. */
static void print_groups(const rl_results *runs, const rl_merge *m, size_t n,
                         const char *(*field)(const rl_results *), const char *what,
                         const char *consequence, FILE *out)
{
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < i && strcmp(field(&runs[j]), field(&runs[i])) != 0)
            j++;
        distinct += j == i;
    }
    if (distinct < 2)
        return;
    fprintf(out, "Not one set: the runs are of %zu different %s:", distinct, what);
    size_t named = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < i && strcmp(field(&runs[j]), field(&runs[i])) != 0)
            j++;
        if (j < i)
            continue; /* this value was named with its first run */
        fprintf(out, " %s (", field(&runs[i])[0] ? field(&runs[i]) : "unrecorded");
        const char *sep = "";
        for (size_t k = i; k < n; k++)
            if (strcmp(field(&runs[k]), field(&runs[i])) == 0) {
                fprintf(out, "%s%s", sep, k < m->host_count ? m->hosts[k] : runs[k].info.host);
                sep = ", ";
            }
        fputs(++named < distinct ? ");" : ").", out);
    }
    fprintf(out, " %s\n", consequence);
}

static const char *suite_of(const rl_results *r) { return r->info.suite; }
static const char *version_of(const rl_results *r) { return r->info.tool_version; }

void rl_merge_print_mismatches(const rl_results *runs, const rl_merge *m, size_t n, FILE *out)
{
    print_groups(runs, m, n, suite_of, "suites",
                 "Each case is compared across the runs that measured it; a case one run "
                 "alone measured has no spread.",
                 out);
    print_groups(runs, m, n, version_of, "rooflab versions",
                 "Their kernels or op accounting may differ: a spread between them is not "
                 "the devices' alone.",
                 out);
}
