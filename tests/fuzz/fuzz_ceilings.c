/* libFuzzer target: the ceilings cache as `rooflab run` reads it, and its
 * roofs drawn as the measured set of a run. */
#include <stdint.h>
#include <stdlib.h>

#include "report/rl_ceilings_file.h"
#include "report/rl_report.h"
#include "report/rl_roofline_svg.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rl_ceilings_record rec; /* 40 KB: kept off the stack */
    rl_err err = {{0}};
    if (rl_ceilings_parse((const char *)data, size, &rec, &err) != RL_OK) {
        fuzz_check_message(err.msg);
        return 0;
    }
    rl_results r;
    rl_results_init(&r);
    r.ceilings.measured = rec.measured;
    r.ceilings.datasheet = rec.measured;
    free(rl_roofline_svg_string(&r));
    free(rl_report_html_string(&r));
    rl_results_free(&r);
    return 0;
}
