/* Names that come from outside (the host name, a device id) made safe to use
 * as one component of a path. */
#include "report/rl_results.h"

#include <stdio.h>
#include <string.h>

void rl_path_component(const char *name, char *buf, size_t len)
{
    if (len == 0)
        return;
    size_t n = 0;
    /* At most 64 bytes: a host name is at most 64 on Linux, and a longer
     * component only makes a path more likely to be refused as too long. */
    const size_t max = len - 1 < 64 ? len - 1 : 64;
    for (const char *p = name ? name : ""; *p && n < max; p++) {
        const unsigned char c = (unsigned char)*p;
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                          (c == '.' && n > 0);
        /* '/' would leave the folder, a leading '.' could make "..", and
         * control bytes or spaces make paths that scripts mishandle. */
        buf[n++] = safe ? (char)c : c == ':' ? '-' : '_'; /* cuda:0 -> cuda-0 */
    }
    buf[n] = '\0';
    if (n == 0)
        snprintf(buf, len, "unknown");
}
