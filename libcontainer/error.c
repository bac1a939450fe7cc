/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Append src to dst (capacity cap, currently pos bytes long), truncating. */
static void append(char *dst, size_t cap, size_t pos, const char *src)
{
    while (pos + 1 < cap && *src != '\0')
        dst[pos++] = *src++;
    if (pos < cap)
        dst[pos] = '\0';
}

static int set_error(struct hull_error *err, int errnum, int with_strerror,
                     const char *fmt, va_list ap)
{
    if (err != NULL) {
        int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        if (n < 0)
            n = 0;
        if (with_strerror && errnum != 0 && (size_t)n < sizeof err->msg) {
            append(err->msg, sizeof err->msg, (size_t)n, ": ");
            append(err->msg, sizeof err->msg, strlen(err->msg), strerror(errnum));
        }
        err->code = errnum;
    }
    return errnum != 0 ? -errnum : -EINVAL;
}

int hull_err(struct hull_error *err, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = set_error(err, errnum, 1, fmt, ap);
    va_end(ap);
    return r;
}

int hull_errx(struct hull_error *err, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = set_error(err, errnum, 0, fmt, ap);
    va_end(ap);
    return r;
}

int hull_err_prefix(struct hull_error *err, const char *fmt, ...)
{
    if (err == NULL)
        return -EINVAL;
    char old[sizeof err->msg];
    memcpy(old, err->msg, sizeof old);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof err->msg) {
        append(err->msg, sizeof err->msg, (size_t)n, ": ");
        append(err->msg, sizeof err->msg, strlen(err->msg), old);
    }
    return err->code != 0 ? -err->code : -EINVAL;
}
