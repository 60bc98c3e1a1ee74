/* Shared by the libFuzzer targets: the input as a '\0'-terminated string,
 * and a sink for text output. */
#ifndef RL_FUZZ_UTIL_H
#define RL_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A copy of the input with a terminating '\0' (free with free()). */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Where the targets print tables: the bytes are produced, then dropped. */
static inline FILE *fuzz_sink(void)
{
    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    if (!sink)
        abort();
    return sink;
}

/* The invariant every reader keeps: an error is one short printable line. */
static inline void fuzz_check_message(const char *msg)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++, n++)
        if (*p < 0x20 || *p >= 0x7f) {
            fprintf(stderr, "raw byte 0x%02x in message: %s\n", *p, msg);
            abort();
        }
    if (n == 0) {
        fprintf(stderr, "empty error message\n");
        abort();
    }
}

#endif
