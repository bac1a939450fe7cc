/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef HULL_ERROR_H
#define HULL_ERROR_H

#include <stdarg.h>

/* A caller-owned error value. Library functions return 0 on success or a
 * negative errno and, on failure, fill *err with a message that names the
 * object they were working on ("mount /proc: Permission denied"). */
struct hull_error {
    int code;          /* positive errno, or 0 when not errno-based */
    char msg[1024];
};

/* Set err to "<fmt...>: strerror(errnum)" (the suffix only when errnum != 0)
 * and return -errnum (or -EINVAL when errnum == 0). err may be NULL. */
int hull_err(struct hull_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like hull_err, but without the strerror suffix. */
int hull_errx(struct hull_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix an existing message: "<prefix>: <old message>". Returns -code. */
int hull_err_prefix(struct hull_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
