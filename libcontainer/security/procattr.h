/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The calling thread's LSM attributes in /proc/thread-self/attr, reached
 * through fds that cannot be redirected by the container: the lookup
 * starts at the root of a procfs instance (a private clone of the /proc
 * mount when the caller may make one, else /proc checked to be a procfs
 * root), never crosses a mount point, follows no magic link, and the
 * opened file must itself be on procfs. An over-mounted attribute file or
 * a /proc that is not procfs is refused, not written through. */
#ifndef HULL_PROCATTR_H
#define HULL_PROCATTR_H

#include <stddef.h>

#include "error.h"

/* Longest value accepted for an attribute write. */
#define PROCATTR_VALUE_MAX 4000

/* Room for the name of an attribute below /proc. */
#define PROCATTR_PATH_MAX 96

/* Open attr/<lsm>/<name>, or the shared attr/<name> when lsm is NULL or
 * the kernel has no per-LSM directory for it, with flags O_RDONLY or
 * O_WRONLY. path (PROCATTR_PATH_MAX bytes) receives the name opened,
 * relative to /proc. what names the setting in error messages
 * ("process.apparmorProfile"). Returns the fd. */
int procattr_open(const char *lsm, const char *name, int flags, char *path, const char *what,
                  struct hull_error *err);

/* One write of value (without a trailing NUL) to fd, opened by
 * procattr_open as path. The kernel's errno is returned as is. */
int procattr_write_fd(int fd, const char *path, const char *value, const char *what,
                      struct hull_error *err);

/* procattr_open for writing, then procattr_write_fd. */
int procattr_write(const char *lsm, const char *name, const char *value, const char *what,
                   struct hull_error *err);

/* Read attr/<lsm>/<name> (same lookup) into buf, NUL-terminated, with a
 * trailing newline and NULs removed. */
int procattr_read(const char *lsm, const char *name, char *buf, size_t len, const char *what,
                  struct hull_error *err);

#endif
