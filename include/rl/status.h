/* rooflab: the one error convention shared by every module.
 * A function returns RL_OK or an error code and, on error, writes one line
 * (no trailing newline) into the caller's rl_err. The CLI prints that line
 * and exits non-zero. */
#ifndef RL_STATUS_H
#define RL_STATUS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef enum rl_status {
    RL_OK = 0,
    RL_ERR_INVALID = 1,     /* bad argument or input from the user */
    RL_ERR_NOMEM = 2,       /* an allocation failed or would not fit */
    RL_ERR_IO = 3,          /* a file could not be read or written */
    RL_ERR_UNSUPPORTED = 4, /* this backend cannot run this case */
    RL_ERR_DEVICE = 5,      /* the device or its runtime failed */
    RL_ERR_VALIDATION = 6,  /* a kernel's output disagreed with its reference */
    RL_ERR_INTERRUPTED = 7  /* the user asked us to stop */
} rl_status;

#define RL_ERR_LEN 512

typedef struct rl_err {
    char msg[RL_ERR_LEN];
} rl_err;

/* Format a message into err (may be NULL) and return code. Header-only so
 * that every module, the pure model included, can use it without linking
 * anything of ours. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static inline rl_status rl_fail(rl_err *err, rl_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* Propagate a failing status from an expression. */
#define RL_TRY(expr)                   \
    do {                               \
        rl_status rl_try_s_ = (expr);  \
        if (rl_try_s_ != RL_OK)        \
            return rl_try_s_;          \
    } while (0)

#endif
