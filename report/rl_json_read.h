/* rooflab report: reading the JSON files we did not write in this
 * process (results, ceilings) as hostile input. Every number is checked
 * finite and inside a plausible range before use, integers are checked whole
 * and in range before any cast, strings lose control characters and invalid
 * UTF-8, and messages quote at most a short, printable excerpt of the input.
 * The CLI prints every message through rl_clean_text. */
#ifndef RL_JSON_READ_H
#define RL_JSON_READ_H

#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "rl/status.h"

/* The plausible range of every kind of number in our files. Generous: they
 * refuse only what no device measures (a 1e308 B/s roof, a negative time). */
#define RL_PLAUSIBLE_RATE_MAX 1e21   /* FLOP/s or B/s: a zetta-rate */
#define RL_PLAUSIBLE_ROOF_MIN 1e3    /* a roof below 1 kB/s or 1 kFLOP/s */
#define RL_PLAUSIBLE_COUNT_MAX 1e30  /* FLOPs or bytes of one call */
#define RL_PLAUSIBLE_TIME_MAX 1e7    /* seconds (~4 months) */
#define RL_PLAUSIBLE_RATIO_MAX 1e9   /* cv, relative errors, MFU */
#define RL_PLAUSIBLE_INT_MAX 9007199254740992.0 /* 2^53: exact in a double */

/* Copy s for a message: printable ASCII only (others become '?'), at most
 * max characters, then "...". dst always ends in '\0'. */
void rl_quote_text(const char *s, size_t max, char *dst, size_t len);

/* Copy s into dst with control characters and invalid UTF-8 replaced by
 * '?', cut on a character boundary: safe to print on one line. */
void rl_clean_text(const char *s, char *dst, size_t len);

/* Copy a string member into dst (absent or not a string: ""), control
 * characters and invalid UTF-8 replaced by '?', cut on a character boundary. */
void rl_json_string(const cJSON *o, const char *key, char *dst, size_t len);

/* A number member in [lo, hi]. Absent or null (what cJSON writes for NaN and
 * infinity): *out = fallback. Anything else fails naming `where` and key. */
rl_status rl_json_number(const cJSON *o, const char *key, double lo, double hi, double fallback,
                         double *out, const char *where, rl_err *err);
/* The same for a whole number; checked before the cast. */
rl_status rl_json_int(const cJSON *o, const char *key, int64_t lo, int64_t hi, int64_t fallback,
                      int64_t *out, const char *where, rl_err *err);

/* Whether root's "schema" is exactly `schema`; else fails with "not a rooflab
 * <what> file ("schema" is not "<schema>")". */
rl_status rl_json_expect_schema(const cJSON *root, const char *schema, const char *what,
                                rl_err *err);

/* Read a whole file of at most max_bytes into a newly allocated,
 * '\0'-terminated buffer. Messages say "is a directory", "permission denied",
 * "no such file" and "larger than" as such. */
rl_status rl_read_text_file(const char *path, size_t max_bytes, char **text, size_t *len,
                            rl_err *err);

/* Parse JSON text; a syntax error names the line and column and quotes a
 * short printable excerpt. */
rl_status rl_json_parse(const char *text, size_t len, cJSON **root, rl_err *err);

#endif
