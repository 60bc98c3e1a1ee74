/* rooflab report: a growing text buffer for the SVG, HTML, CSV and JSON
 * writers, with XML escaping and SI formatting. An allocation failure is
 * sticky: later appends do nothing and rl_sbuf_take returns NULL. */
#ifndef RL_SBUF_H
#define RL_SBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct rl_sbuf {
    char *data;
    size_t len, cap;
    bool failed;
} rl_sbuf;

void rl_sbuf_init(rl_sbuf *b);
void rl_sbuf_free(rl_sbuf *b);
/* Hand the text to the caller (free with free()); NULL after a failed
 * allocation. The buffer is empty afterwards. */
char *rl_sbuf_take(rl_sbuf *b);

void rl_sbuf_put(rl_sbuf *b, const char *s);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void rl_sbuf_printf(rl_sbuf *b, const char *fmt, ...);
/* Append text escaped for XML/HTML character data and attribute values:
 * & < > " ' become entities; control characters and invalid UTF-8 become '?',
 * so the output is always well-formed. */
void rl_sbuf_put_xml(rl_sbuf *b, const char *s);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void rl_sbuf_printf_xml(rl_sbuf *b, const char *fmt, ...);
/* Append a CSV field: quoted (with "" doubling) when it holds , " or a line break. */
void rl_sbuf_put_csv(rl_sbuf *b, const char *s);

/* "190 GFLOP/s", "21.3 GB/s", "512 B/s": three significant digits with an
 * SI prefix (k M G T P E, 1e3 steps) before unit. Non-finite or negative
 * values print "—". */
void rl_format_si(double value, const char *unit, char *buf, size_t len);
/* "1.23 ms", "45.6 µs", "2.1 s". */
void rl_format_time(double seconds, char *buf, size_t len);

#endif
