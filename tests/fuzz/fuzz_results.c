/* libFuzzer target: a results.json from anyone, read and then drawn,
 * compared, merged and written back, as `report`, `compare` and `merge` do.
 * A file that reads must write back to one that reads. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/rl_compare.h"
#include "report/rl_report.h"
#include "report/rl_results.h"
#include "report/rl_roofline_svg.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    rl_results r;
    rl_err err = {{0}};
    if (rl_results_parse_json(text, &r, &err) != RL_OK) {
        fuzz_check_message(err.msg);
        free(text);
        return 0;
    }
    free(text);
    free(rl_roofline_svg_string(&r));
    free(rl_report_html_string(&r));
    rl_comparison cmp;
    if (rl_compare(&r, &r, &cmp, &err) == RL_OK) {
        rl_comparison_print(&cmp, "a", "b", fuzz_sink());
        free(rl_comparison_csv(&cmp));
        rl_comparison_free(&cmp);
    }
    free(rl_compare_svg_string(&r, &r, NULL, NULL));
    rl_results two[2] = {r, r};
    rl_merge m;
    if (rl_merge_runs(two, 2, &m, &err) == RL_OK) {
        rl_merge_print(&m, fuzz_sink());
        free(rl_merge_csv(&m));
        free(rl_merge_json(&m));
        rl_merge_free(&m);
    }
    char *again = rl_results_to_json(&r);
    if (!again)
        abort();
    rl_results back;
    if (rl_results_parse_json(again, &back, &err) != RL_OK) {
        fprintf(stderr, "written results do not read back: %s\n", err.msg);
        abort();
    }
    if (back.count != r.count)
        abort();
    rl_results_free(&back);
    free(again);
    rl_results_free(&r);
    return 0;
}
