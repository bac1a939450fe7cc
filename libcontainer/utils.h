/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef HULL_UTILS_H
#define HULL_UTILS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

#define HULL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* read()/write() that retry on EINTR and short counts. */
ssize_t read_all(int fd, void *buf, size_t len);
int write_all(int fd, const void *buf, size_t len);

/* Read a whole regular file relative to dirfd (AT_FDCWD allowed), opened
 * O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC and refused unless S_ISREG and at most
 * max bytes. *buf is NUL-terminated and malloc'ed. */
int read_file_at(int dirfd, const char *path, size_t max, char **buf, size_t *len,
                 struct hull_error *err);

/* Write a small string to an existing file (procfs/sysfs/cgroupfs style):
 * open O_WRONLY|O_CLOEXEC|O_NOFOLLOW, one write. */
int write_file_at(int dirfd, const char *path, const char *data, size_t len,
                  struct hull_error *err);

/* Create dirfd/name atomically: write a temporary file in dirfd, fsync-free,
 * then rename over name. Mode 0600. */
int write_file_atomic(int dirfd, const char *name, const char *data, size_t len,
                      struct hull_error *err);

/* mkdir -p with mode for every created component. */
int mkdir_p(const char *path, mode_t mode, struct hull_error *err);

/* Remove a directory tree below dirfd/name without following symlinks and
 * without crossing mount points. */
int remove_tree_at(int dirfd, const char *name, struct hull_error *err);

/* "SIGKILL", "KILL", "kill", "9" -> 9. Returns -EINVAL if unknown or out of
 * range (1.._NSIG-1). */
int parse_signal(const char *s);

/* Strict decimal parse of an unsigned/signed number with range check.
 * Returns 0 or -EINVAL/-ERANGE. */
int parse_u64(const char *s, unsigned long long max, unsigned long long *out);
int parse_i64(const char *s, long long min, long long max, long long *out);

/* Field 22 (starttime) of /proc/PID/stat; 0 if the process is gone. Sets
 * *zombie when its state is Z or X. */
unsigned long long proc_start_time(pid_t pid, bool *zombie);

/* Close every fd >= first except those in keep[0..nkeep). */
int close_fds_from(int first, const int *keep, size_t nkeep);

/* Send / receive one fd with an optional short payload over a unix socket. */
int send_fd(int sock, int fd, const void *data, size_t len);
int recv_fd(int sock, int *fd, void *data, size_t len);

/* Connect an AF_UNIX stream socket to path (O_CLOEXEC). */
int unix_connect(const char *path, int *fd, struct hull_error *err);

/* RFC 3339 UTC time with nanoseconds: "2026-12-06T02:31:38.123456789Z". */
void format_time_rfc3339(char *buf, size_t len);

#endif
