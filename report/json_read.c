/* Hostile-input reading of our JSON files: ranges, whole numbers, clean
 * strings, short quotes. */
#include "report/rl_json_read.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void rl_quote_text(const char *s, size_t max, char *dst, size_t len)
{
    if (!len)
        return;
    size_t o = 0, i = 0;
    for (; s && s[i] && i < max && o + 1 < len; i++) {
        const unsigned char c = (unsigned char)s[i];
        dst[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    if (s && s[i] && o + 3 < len) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
}

/* Length of the valid UTF-8 sequence at p (1..4), 0 when invalid. */
static size_t utf8_length(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    size_t n;
    unsigned min;
    unsigned cp;
    if ((p[0] & 0xe0) == 0xc0)
        n = 2, min = 0x80, cp = p[0] & 0x1f;
    else if ((p[0] & 0xf0) == 0xe0)
        n = 3, min = 0x800, cp = p[0] & 0x0f;
    else if ((p[0] & 0xf8) == 0xf0)
        n = 4, min = 0x10000, cp = p[0] & 0x07;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

void rl_json_string(const cJSON *o, const char *key, char *dst, size_t len)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    rl_clean_text(cJSON_IsString(v) && v->valuestring ? v->valuestring : "", dst, len);
}

void rl_clean_text(const char *s, char *dst, size_t len)
{
    if (!len)
        return;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t out = 0;
    while (*p) {
        size_t n = utf8_length(p);
        if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f))) {
            if (out + 1 >= len)
                break;
            dst[out++] = '?';
            p++;
            continue;
        }
        if (out + n >= len) /* never cut a character in half */
            break;
        memcpy(dst + out, p, n);
        out += n;
        p += n;
    }
    dst[out] = '\0';
}

rl_status rl_json_number(const cJSON *o, const char *key, double lo, double hi, double fallback,
                         double *out, const char *where, rl_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v || cJSON_IsNull(v)) {
        *out = fallback;
        return RL_OK;
    }
    if (!cJSON_IsNumber(v))
        return rl_fail(err, RL_ERR_INVALID, "%s\"%s\" is not a number", where, key);
    const double x = v->valuedouble;
    if (!isfinite(x) || x < lo || x > hi)
        return rl_fail(err, RL_ERR_INVALID, "%s\"%s\" is %.6g, outside the plausible [%g, %g]",
                       where, key, x, lo, hi);
    *out = x;
    return RL_OK;
}

rl_status rl_json_int(const cJSON *o, const char *key, int64_t lo, int64_t hi, int64_t fallback,
                      int64_t *out, const char *where, rl_err *err)
{
    double x = 0;
    RL_TRY(rl_json_number(o, key, (double)lo, (double)hi, (double)fallback, &x, where, err));
    if (x != floor(x))
        return rl_fail(err, RL_ERR_INVALID, "%s\"%s\" is %.6g, not a whole number", where, key, x);
    /* (double)hi may round up past hi: compare again after the cast. */
    if (x >= 9223372036854775807.0 || x < -9223372036854775807.0)
        return rl_fail(err, RL_ERR_INVALID, "%s\"%s\" is %.6g, outside [%lld, %lld]", where, key,
                       x, (long long)lo, (long long)hi);
    const int64_t i = (int64_t)x;
    if (i < lo || i > hi)
        return rl_fail(err, RL_ERR_INVALID, "%s\"%s\" is %lld, outside [%lld, %lld]", where, key,
                       (long long)i, (long long)lo, (long long)hi);
    *out = i;
    return RL_OK;
}

rl_status rl_json_expect_schema(const cJSON *root, const char *schema, const char *what,
                                rl_err *err)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(root, "schema");
    if (!cJSON_IsString(s) || strcmp(s->valuestring, schema) != 0)
        return rl_fail(err, RL_ERR_INVALID, "not a rooflab %s file (\"schema\" is not \"%s\")",
                       what, schema);
    return RL_OK;
}

rl_status rl_read_text_file(const char *path, size_t max_bytes, char **text, size_t *len,
                            rl_err *err)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return rl_fail(err, RL_ERR_IO, "cannot read %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return rl_fail(err, RL_ERR_IO, "cannot read %s: %s", path, strerror(EISDIR));
    }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max_bytes) {
                free(buf);
                fclose(f);
                return rl_fail(err, RL_ERR_INVALID, "cannot read %s: larger than %zu MB", path,
                               max_bytes / 1000000);
            }
            cap = cap ? 2 * cap : 65536;
            char *grown = realloc(buf, cap + 1);
            if (!grown) {
                free(buf);
                fclose(f);
                return rl_fail(err, RL_ERR_NOMEM, "out of memory reading %s", path);
            }
            buf = grown;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        const int e = errno;
        free(buf);
        fclose(f);
        return rl_fail(err, RL_ERR_IO, "cannot read %s: %s", path, strerror(e ? e : EIO));
    }
    fclose(f);
    if (n > max_bytes) {
        free(buf);
        return rl_fail(err, RL_ERR_INVALID, "cannot read %s: larger than %zu MB", path,
                       max_bytes / 1000000);
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return RL_OK;
}

rl_status rl_json_parse(const char *text, size_t len, cJSON **root, rl_err *err)
{
    const char *end = NULL;
    *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (*root)
        return RL_OK;
    if (!end || end < text || end > text + len)
        end = text + len;
    /* cJSON stops at the first byte it cannot take: locate it. */
    size_t line = 1, col = 1;
    for (const char *p = text; p < end; p++) {
        if (*p == '\n')
            line++, col = 1;
        else
            col++;
    }
    if (end < text + len && *end == '\0')
        return rl_fail(err, RL_ERR_INVALID, "malformed JSON: a NUL byte at line %zu, column %zu",
                       line, col);
    /* the text need not end in '\0': copy a bounded excerpt first */
    char excerpt[26], near[40];
    const size_t left = (size_t)(text + len - end);
    const size_t take = left < sizeof excerpt - 1 ? left : sizeof excerpt - 1;
    memcpy(excerpt, end, take);
    excerpt[take] = '\0';
    rl_quote_text(excerpt, 24, near, sizeof near);
    return rl_fail(err, RL_ERR_INVALID, "malformed JSON at line %zu, column %zu%s%s%s", line, col,
                   near[0] ? " near '" : " (unexpected end)", near, near[0] ? "'" : "");
}
