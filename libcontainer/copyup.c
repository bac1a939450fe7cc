/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "copyup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPYUP_MAX_DEPTH 64

static int copy_entry(int src, int dst, const char *name, int depth, struct hull_error *err);

static bool same_inode(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Open src/name without following a symlink and check it is still the
 * inode that was examined (the tree may change under us). */
static int open_checked(int src, const char *name, int flags, const struct stat *st)
{
    int fd = openat(src, name, flags | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct stat now;
    if (fstat(fd, &now) < 0 || !same_inode(&now, st)) {
        close(fd);
        return -ESTALE;
    }
    return fd;
}

static int copy_data(int in, int out)
{
    char buf[65536];
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return 0;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                return -errno;
            off += w;
        }
    }
}

static int copy_file(int src, int dst, const char *name, const struct stat *st)
{
    int in = open_checked(src, name, O_RDONLY | O_NONBLOCK, st);
    if (in < 0)
        return in;
    int out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    int r = out < 0 ? -errno : copy_data(in, out);
    if (out >= 0)
        close(out);
    close(in);
    return r;
}

static int copy_symlink(int src, int dst, const char *name)
{
    char target[PATH_MAX];
    ssize_t n = readlinkat(src, name, target, sizeof target);
    if (n < 0)
        return -errno;
    if ((size_t)n >= sizeof target)
        return -ENAMETOOLONG;
    target[n] = '\0';
    return symlinkat(target, dst, name) < 0 ? -errno : 0;
}

static int copy_dir_entries(int src, int dst, int depth, struct hull_error *err)
{
    int fd = fcntl(src, F_DUPFD_CLOEXEC, 3);
    if (fd < 0)
        return hull_err(err, errno, "copy directory");
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        int e = errno;
        close(fd);
        return hull_err(err, e, "copy directory");
    }
    int r = 0;
    struct dirent *de;
    errno = 0;
    while (r == 0 && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            r = copy_entry(src, dst, de->d_name, depth, err);
        errno = 0;
    }
    if (r == 0 && errno != 0)
        r = hull_err(err, errno, "read directory");
    closedir(d);
    return r;
}

static int copy_subdir(int src, int dst, const char *name, const struct stat *st, int depth,
                       struct hull_error *err)
{
    if (depth >= COPYUP_MAX_DEPTH)
        return hull_errx(err, ELOOP, "copy %s: directories nested too deep", name);
    int in = open_checked(src, name, O_RDONLY | O_DIRECTORY, st);
    if (in < 0)
        return hull_err(err, -in, "copy %s", name);
    int r = mkdirat(dst, name, 0700) < 0 ? -errno : 0;
    int out = r == 0 ? openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
    if (r < 0 || out < 0)
        r = hull_err(err, r < 0 ? -r : errno, "copy %s", name);
    else
        r = copy_dir_entries(in, out, depth + 1, err);
    if (out >= 0)
        close(out);
    close(in);
    return r;
}

/* Owner, then mode (chown clears set-id bits), then times. */
static int copy_meta(int dst, const char *name, const struct stat *st)
{
    if (fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    if (!S_ISLNK(st->st_mode) && fchmodat(dst, name, st->st_mode & 07777, 0) < 0)
        return -errno;
    struct timespec times[2] = { st->st_atim, st->st_mtim };
    if (utimensat(dst, name, times, AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    return 0;
}

static int copy_entry(int src, int dst, const char *name, int depth, struct hull_error *err)
{
    struct stat st;
    if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return hull_err(err, errno, "copy %s", name);
    int r;
    switch (st.st_mode & S_IFMT) {
    case S_IFDIR:
        r = copy_subdir(src, dst, name, &st, depth, err);
        if (r < 0)
            return r;
        break;
    case S_IFREG:
        r = copy_file(src, dst, name, &st);
        break;
    case S_IFLNK:
        r = copy_symlink(src, dst, name);
        break;
    case S_IFCHR:
    case S_IFBLK:
    case S_IFIFO:
        r = mknodat(dst, name, st.st_mode & (S_IFMT | 07777), st.st_rdev) < 0 ? -errno : 0;
        break;
    default:
        return 0;
    }
    if (r == 0)
        r = copy_meta(dst, name, &st);
    if (r < 0)
        return hull_err(err, -r, "copy %s", name);
    return 0;
}

int copyup_tree(int srcdir, int dstdir, struct hull_error *err)
{
    int in = openat(srcdir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (in < 0)
        return hull_err(err, errno, "open directory to copy");
    int r = copy_dir_entries(in, dstdir, 0, err);
    close(in);
    return r;
}
