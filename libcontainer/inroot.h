/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Paths resolved inside a root directory fd, as if that fd were "/":
 * absolute symlinks and ".." never leave it, magic links are refused.
 * Existing paths are opened with openat2(RESOLVE_IN_ROOT); missing ones
 * are created one component at a time relative to directory fds that
 * were themselves reached this way, so a hostile tree cannot redirect
 * the creation outside the root. Every returned fd is O_CLOEXEC. */
#ifndef HULL_INROOT_H
#define HULL_INROOT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* openat2(rootfd, path, flags | O_CLOEXEC) with RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS | extra_resolve (e.g. RESOLVE_NO_SYMLINKS).
 * Returns the fd or a negative errno (err filled, naming path). */
int inroot_open(int rootfd, const char *path, int flags, uint64_t extra_resolve,
                struct hull_error *err);

/* O_PATH fd of directory path, creating missing components (mode). */
int inroot_mkdir_all(int rootfd, const char *path, mode_t mode, struct hull_error *err);

/* O_PATH fd of path, creating missing parent directories (0755) and, when
 * the last component is missing, an empty regular file with mode. */
int inroot_mkfile(int rootfd, const char *path, mode_t mode, struct hull_error *err);

/* O_PATH fd of the directory that holds the last component of path
 * (missing directories created with mode); the last component itself is
 * not looked up and is copied to name (NAME_MAX + 1 bytes). */
int inroot_mkparent(int rootfd, const char *path, mode_t mode, char *name, size_t name_len,
                    struct hull_error *err);

/* Lexical clean of an absolute or relative path into "/a/b" form:
 * repeated slashes and "." dropped, ".." removed with the component before
 * it and never above "/". Returns 0 or -ENAMETOOLONG. */
int inroot_clean_path(const char *path, char *out, size_t out_len);

#endif
