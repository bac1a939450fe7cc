/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "procattr.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#define PROC_ROOT_INO 1

static bool on_procfs(int fd)
{
    struct statfs sfs;
    return fstatfs(fd, &sfs) == 0 && (unsigned long)sfs.f_type == PROC_SUPER_MAGIC;
}

static bool is_proc_root(int fd)
{
    struct stat st;
    return on_procfs(fd) && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) &&
           st.st_ino == PROC_ROOT_INO;
}

/* The /proc mount alone: nothing mounted on top of its files comes along. */
static int proc_root_clone(void)
{
    int fd = open_tree(AT_FDCWD, "/proc", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

/* A new procfs instance for the caller's pid namespace. */
static int proc_root_fresh(void)
{
    int fs = fsopen("proc", FSOPEN_CLOEXEC);
    if (fs < 0)
        return -errno;
    int mnt = -1;
    if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
        mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    int e = errno;
    close(fs);
    return mnt < 0 ? -e : mnt;
}

/* /proc itself; over-mounts are then refused by RESOLVE_NO_XDEV. */
static int proc_root_plain(void)
{
    int fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static int proc_root(const char *what, struct hull_error *err)
{
    int (*const ways[])(void) = { proc_root_clone, proc_root_fresh, proc_root_plain };
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        int fd = ways[i]();
        if (fd < 0)
            continue;
        if (is_proc_root(fd))
            return fd;
        close(fd);
    }
    return hull_errx(err, ENOENT, "%s: no procfs mounted on /proc", what);
}

static int open_beneath(int root, const char *path, int flags)
{
    struct open_how how = {
        .flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY),
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
    };
    long fd = syscall(SYS_openat2, root, path, &how, sizeof how);
    return fd < 0 ? -errno : (int)fd;
}

static int attr_path(const char *lsm, const char *name, char *buf, size_t len)
{
    int n = lsm != NULL ? snprintf(buf, len, "thread-self/attr/%s/%s", lsm, name)
                        : snprintf(buf, len, "thread-self/attr/%s", name);
    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Open the attribute below root: the per-LSM file first, then the shared
 * one. path receives the name that was opened. */
static int open_attr(int root, const char *lsm, const char *name, int flags, char *path,
                     size_t len, const char *what, struct hull_error *err)
{
    int fd = -ENOENT;
    if (lsm != NULL && attr_path(lsm, name, path, len) == 0)
        fd = open_beneath(root, path, flags);
    if (fd == -ENOENT) {
        if (attr_path(NULL, name, path, len) < 0)
            return hull_errx(err, ENAMETOOLONG, "%s: attribute name too long", what);
        fd = open_beneath(root, path, flags);
    }
    if (fd == -EXDEV)
        return hull_errx(err, EXDEV, "%s: /proc/%s is covered by another mount; refusing it",
                         what, path);
    if (fd < 0)
        return hull_err(err, -fd, "%s: open /proc/%s", what, path);
    if (!on_procfs(fd)) {
        close(fd);
        return hull_errx(err, EXDEV, "%s: /proc/%s is not on procfs", what, path);
    }
    return fd;
}

int procattr_open(const char *lsm, const char *name, int flags, char *path, const char *what,
                  struct hull_error *err)
{
    int root = proc_root(what, err);
    if (root < 0)
        return root;
    int fd = open_attr(root, lsm, name, flags, path, PROCATTR_PATH_MAX, what, err);
    close(root);
    return fd;
}

int procattr_write_fd(int fd, const char *path, const char *value, const char *what,
                      struct hull_error *err)
{
    size_t len = strlen(value);
    if (len == 0 || len > PROCATTR_VALUE_MAX)
        return hull_errx(err, EINVAL, "%s: value must be 1 to %d bytes long", what,
                         PROCATTR_VALUE_MAX);
    ssize_t n;
    do
        n = write(fd, value, len);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return hull_err(err, errno, "%s: write /proc/%s", what, path);
    if ((size_t)n != len)
        return hull_errx(err, EIO, "%s: short write to /proc/%s", what, path);
    return 0;
}

int procattr_write(const char *lsm, const char *name, const char *value, const char *what,
                   struct hull_error *err)
{
    char path[PROCATTR_PATH_MAX];
    int fd = procattr_open(lsm, name, O_WRONLY, path, what, err);
    if (fd < 0)
        return fd;
    int r = procattr_write_fd(fd, path, value, what, err);
    close(fd);
    return r;
}

static void trim_value(char *buf, size_t n)
{
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
        buf[--n] = '\0';
}

int procattr_read(const char *lsm, const char *name, char *buf, size_t len, const char *what,
                  struct hull_error *err)
{
    if (len == 0)
        return hull_errx(err, EINVAL, "%s: no room to read into", what);
    char path[PROCATTR_PATH_MAX];
    int fd = procattr_open(lsm, name, O_RDONLY, path, what, err);
    if (fd < 0)
        return fd;
    ssize_t n;
    do
        n = read(fd, buf, len - 1);
    while (n < 0 && errno == EINTR);
    int e = errno;
    close(fd);
    if (n < 0)
        return hull_err(err, e, "%s: read /proc/%s", what, path);
    trim_value(buf, (size_t)n);
    return 0;
}
