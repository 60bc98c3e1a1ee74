/* libFuzzer target: a device catalog entry, then its roofline machine in
 * each of its power modes, as `devices`, `predict` and `run` use it. */
#include <stdint.h>
#include <stdlib.h>

#include "devices/rl_catalog.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rl_catalog_entry e; /* large: kept off the stack */
    rl_err err = {{0}};
    char *text = fuzz_text(data, size);
    rl_status s = rl_catalog_parse_entry(text, size, "fuzz.json", &e, &err);
    free(text);
    if (s != RL_OK) {
        /* the catalog's messages may quote a source key as written; the CLI
         * prints every message through rl_cli_fail, which cleans it */
        if (!err.msg[0])
            abort();
        return 0;
    }
    rl_machine m;
    static char sources[RL_PREC_COUNT][RL_CAT_SOURCE_LEN];
    if (e.mode_count == 0) {
        (void)rl_catalog_machine(&e, NULL, &m, sources, &err);
    } else {
        for (int i = 0; i < e.mode_count; i++) {
            (void)rl_catalog_machine(&e, &e.modes[i], &m, sources, &err);
            (void)rl_catalog_mode_bandwidth(&e, &e.modes[i]);
        }
        const rl_power_mode *mode;
        (void)rl_catalog_find_mode(&e, NULL, &mode, &err);
        (void)rl_catalog_find_mode(&e, "MAXN", &mode, &err);
        (void)rl_catalog_find_mode(&e, "2", &mode, &err);
    }
    rl_catalog cat = {.count = 1, .entries = &e};
    (void)rl_catalog_match_cuda(&cat, "NVIDIA H100 80GB HBM3");
    (void)rl_catalog_match_jetson(&cat, "NVIDIA Jetson Orin Nano", "nvidia,p3767-0003",
                                  (uint64_t)8 << 30);
    return 0;
}
