/* A growing text buffer and the formatting helpers of the report writers. */
#include "report/rl_sbuf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rl_sbuf_init(rl_sbuf *b)
{
    memset(b, 0, sizeof *b);
}

void rl_sbuf_free(rl_sbuf *b)
{
    free(b->data);
    rl_sbuf_init(b);
}

char *rl_sbuf_take(rl_sbuf *b)
{
    char *out = b->failed ? NULL : b->data;
    if (b->failed)
        free(b->data);
    else if (!out)
        out = calloc(1, 1);
    rl_sbuf_init(b);
    return out;
}

static bool reserve(rl_sbuf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *grown = realloc(b->data, cap);
    if (!grown) {
        b->failed = true;
        return false;
    }
    b->data = grown;
    b->cap = cap;
    return true;
}

static void put_n(rl_sbuf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void rl_sbuf_put(rl_sbuf *b, const char *s)
{
    put_n(b, s, strlen(s));
}

static void vprintf_into(rl_sbuf *b, bool xml, const char *fmt, va_list ap)
{
    char small[512];
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        if (xml)
            rl_sbuf_put_xml(b, small);
        else
            put_n(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->failed = true;
        return;
    }
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    if (xml)
        rl_sbuf_put_xml(b, big);
    else
        put_n(b, big, (size_t)n);
    free(big);
}

void rl_sbuf_printf(rl_sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf_into(b, false, fmt, ap);
    va_end(ap);
}

void rl_sbuf_printf_xml(rl_sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf_into(b, true, fmt, ap);
    va_end(ap);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
    size_t n;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4;
    else
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    /* overlong 3/4-byte forms, surrogates, code points above U+10FFFF */
    if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
        return 0;
    if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
        return 0;
    return n;
}

void rl_sbuf_put_xml(rl_sbuf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        const char *ent = NULL;
        switch (*p) {
        case '&': ent = "&amp;"; break;
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '"': ent = "&quot;"; break;
        case '\'': ent = "&#39;"; break;
        default: break;
        }
        if (ent) {
            rl_sbuf_put(b, ent);
            p++;
            continue;
        }
        if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') {
            put_n(b, "?", 1);
            p++;
            continue;
        }
        size_t n = utf8_len(p);
        if (n == 0) {
            put_n(b, "?", 1);
            p++;
            continue;
        }
        put_n(b, (const char *)p, n);
        p += n;
    }
}

void rl_sbuf_put_csv(rl_sbuf *b, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        rl_sbuf_put(b, s);
        return;
    }
    put_n(b, "\"", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            put_n(b, "\"", 1);
        put_n(b, p, 1);
    }
    put_n(b, "\"", 1);
}

void rl_format_si(double value, const char *unit, char *buf, size_t len)
{
    static const char *const prefixes[] = {"", "k", "M", "G", "T", "P", "E"};
    if (!isfinite(value) || value < 0) {
        snprintf(buf, len, "\u2014");
        return;
    }
    int i = 0;
    double v = value;
    while (v >= 999.5 && i < 6) {
        v /= 1e3;
        i++;
    }
    if (v >= 99.95 || v == 0)
        snprintf(buf, len, "%.0f %s%s", v, prefixes[i], unit);
    else if (v >= 9.995)
        snprintf(buf, len, "%.1f %s%s", v, prefixes[i], unit);
    else
        snprintf(buf, len, "%.2f %s%s", v, prefixes[i], unit);
}

void rl_format_time(double s, char *buf, size_t len)
{
    if (!isfinite(s) || s <= 0) {
        snprintf(buf, len, "\u2014");
        return;
    }
    if (s >= 1)
        snprintf(buf, len, "%.3g s", s);
    else if (s >= 1e-3)
        snprintf(buf, len, "%.3g ms", s * 1e3);
    else if (s >= 1e-6)
        snprintf(buf, len, "%.3g \u00b5s", s * 1e6);
    else
        snprintf(buf, len, "%.3g ns", s * 1e9);
}
