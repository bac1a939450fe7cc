/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "inroot.h"
#include "mounts.h"

#define DEV_MAJOR_MAX 0xfffLL     /* 12 bits in the kernel's dev_t */
#define DEV_MINOR_MAX 0xfffffLL   /* 20 bits */
#define DEV_REPLACE_TRIES 4

#define DEFAULT_DEVICE(p, maj, min) \
    { .type = 'c', .path = (p), .major = (maj), .minor = (min), \
      .file_mode = { true, 0666 }, .uid = { true, 0 }, .gid = { true, 0 } }

static const struct spec_device default_devices[] = {
    DEFAULT_DEVICE("/dev/null", 1, 3),
    DEFAULT_DEVICE("/dev/zero", 1, 5),
    DEFAULT_DEVICE("/dev/full", 1, 7),
    DEFAULT_DEVICE("/dev/random", 1, 8),
    DEFAULT_DEVICE("/dev/urandom", 1, 9),
    DEFAULT_DEVICE("/dev/tty", 5, 0),
};

static const struct {
    const char *link, *target;
} dev_symlinks[] = {
    { "/dev/fd", "/proc/self/fd" },
    { "/dev/stdin", "/proc/self/fd/0" },
    { "/dev/stdout", "/proc/self/fd/1" },
    { "/dev/stderr", "/proc/self/fd/2" },
};

static mode_t device_ifmt(char type)
{
    switch (type) {
    case 'c':
    case 'u':
        return S_IFCHR;
    case 'b':
        return S_IFBLK;
    case 'p':
        return S_IFIFO;
    default:
        return 0;
    }
}

static int device_check(const struct spec_device *d, struct hull_error *err)
{
    if (device_ifmt(d->type) == 0)
        return hull_errx(err, EINVAL, "device %s: unknown type '%c'", d->path, d->type);
    if (d->type != 'p' && (d->major < 0 || d->major > DEV_MAJOR_MAX || d->minor < 0 ||
                           d->minor > DEV_MINOR_MAX))
        return hull_errx(err, ERANGE, "device %s: number %lld:%lld out of range", d->path,
                         (long long)d->major, (long long)d->minor);
    if (d->file_mode.set && d->file_mode.v > 07777)
        return hull_errx(err, ERANGE, "device %s: fileMode %#llo out of range", d->path,
                         (unsigned long long)d->file_mode.v);
    if ((d->uid.set && d->uid.v >= UINT32_MAX) || (d->gid.set && d->gid.v >= UINT32_MAX))
        return hull_errx(err, ERANGE, "device %s: uid or gid out of range", d->path);
    return 0;
}

static dev_t device_rdev(const struct spec_device *d)
{
    return d->type == 'p' ? 0 : makedev((unsigned)d->major, (unsigned)d->minor);
}

static bool node_matches(const struct stat *st, const struct spec_device *d)
{
    mode_t fmt = device_ifmt(d->type);
    return (st->st_mode & S_IFMT) == fmt && (fmt == S_IFIFO || st->st_rdev == device_rdev(d));
}

/* After mknod: check what is there now is the node just made, then set
 * its owner (the mode came exact from mknod under umask 0). */
static int finish_node(int dirfd, const char *name, const struct spec_device *d,
                       struct hull_error *err)
{
    int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return hull_err(err, errno, "device %s: open new node", d->path);
    struct stat st;
    int r = 0;
    if (fstat(fd, &st) < 0)
        r = hull_err(err, errno, "device %s: stat new node", d->path);
    else if (!node_matches(&st, d))
        r = hull_errx(err, EEXIST, "device %s: replaced while being created", d->path);
    else if (fchownat(fd, "", d->uid.set ? (uid_t)d->uid.v : 0, d->gid.set ? (gid_t)d->gid.v : 0,
                      AT_EMPTY_PATH) < 0)
        r = hull_err(err, errno, "device %s: chown", d->path);
    close(fd);
    return r;
}

/* Something is at dirfd/name already: 1 when it is the wanted node, 0 once
 * a non-directory was removed, or a negative errno. */
static int clear_existing(int dirfd, const char *name, const struct spec_device *d,
                          struct hull_error *err)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : hull_err(err, errno, "device %s: stat", d->path);
    if (node_matches(&st, d))
        return 1;
    if (S_ISDIR(st.st_mode))
        return hull_errx(err, EISDIR, "device %s: a directory is in the way", d->path);
    if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
        return hull_err(err, errno, "device %s: remove what is in the way", d->path);
    return 0;
}

/* mknod; -EPERM is returned without a message so the caller can bind. */
static int mknod_device(int dirfd, const char *name, const struct spec_device *d,
                        struct hull_error *err)
{
    mode_t mode = device_ifmt(d->type) | (d->file_mode.set ? (mode_t)d->file_mode.v : 0666);
    for (int i = 0; i < DEV_REPLACE_TRIES; i++) {
        if (mknodat(dirfd, name, mode, device_rdev(d)) == 0)
            return finish_node(dirfd, name, d, err);
        if (errno == EPERM)
            return -EPERM;
        if (errno != EEXIST)
            return hull_err(err, errno, "device %s: mknod", d->path);
        int r = clear_existing(dirfd, name, d, err);
        if (r != 0)
            return r < 0 ? r : 0;
    }
    return hull_errx(err, EEXIST, "device %s: keeps being replaced", d->path);
}

/* An inode to bind the host node on: an existing non-directory, non-symlink
 * entry, or a new empty file. */
static int bind_target(int dirfd, const char *name, const struct spec_device *d,
                       struct hull_error *err)
{
    for (int i = 0; i < DEV_REPLACE_TRIES; i++) {
        int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            struct stat st;
            int r = fstat(fd, &st) < 0 ? -errno : 0;
            if (r == 0 && !S_ISLNK(st.st_mode) && !S_ISDIR(st.st_mode))
                return fd;
            close(fd);
            if (r < 0)
                return hull_err(err, -r, "device %s: stat", d->path);
            if (S_ISDIR(st.st_mode))
                return hull_errx(err, EISDIR, "device %s: a directory is in the way", d->path);
            if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
                return hull_err(err, errno, "device %s: remove symlink", d->path);
            continue;
        }
        if (errno != ENOENT)
            return hull_err(err, errno, "device %s: open", d->path);
        fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0);
        if (fd >= 0)
            close(fd);
        else if (errno != EEXIST)
            return hull_err(err, errno, "device %s: create mount point", d->path);
    }
    return hull_errx(err, EEXIST, "device %s: keeps being replaced", d->path);
}

/* The host's node at the same path, checked to be the device asked for. */
static int open_host_node(const struct spec_device *d, struct hull_error *err)
{
    int fd = open(d->path, O_PATH | O_CLOEXEC);
    if (fd < 0)
        return hull_err(err, errno, "device %s: open host node", d->path);
    struct stat st;
    if (fstat(fd, &st) < 0 || !node_matches(&st, d)) {
        close(fd);
        return hull_errx(err, ENODEV, "device %s: host node is not %c %lld:%lld", d->path,
                         d->type, (long long)d->major, (long long)d->minor);
    }
    return fd;
}

static int bind_device(int dirfd, const char *name, const struct spec_device *d,
                       struct hull_error *err)
{
    int src = open_host_node(d, err);
    if (src < 0)
        return src;
    int dst = bind_target(dirfd, name, d, err);
    int r = dst;
    if (dst >= 0) {
        r = mount_bind_fd(src, dst, false, 0, d->path, err);
        if (r >= 0)
            close(r);
        close(dst);
    }
    close(src);
    return r < 0 ? r : 0;
}

int devices_create(int rootfd, const struct spec_device *d, bool userns, struct hull_error *err)
{
    int r = device_check(d, err);
    if (r < 0)
        return r;
    char name[NAME_MAX + 1];
    int dirfd = inroot_mkparent(rootfd, d->path, 0755, name, sizeof name, err);
    if (dirfd < 0)
        return hull_err_prefix(err, "device %s", d->path);
    /* A fifo needs no privilege, so it is always made with mknod. */
    if (userns && d->type != 'p') {
        r = bind_device(dirfd, name, d, err);
    } else {
        r = mknod_device(dirfd, name, d, err);
        if (r == -EPERM && d->type != 'p')
            r = bind_device(dirfd, name, d, err);
        else if (r == -EPERM)
            r = hull_err(err, EPERM, "device %s: mknod", d->path);
    }
    close(dirfd);
    return r;
}

static bool same_path(const char *a, const char *b)
{
    char ca[PATH_MAX], cb[PATH_MAX];
    return inroot_clean_path(a, ca, sizeof ca) == 0 && inroot_clean_path(b, cb, sizeof cb) == 0 &&
           strcmp(ca, cb) == 0;
}

static bool spec_has_device(const struct spec *spec, const char *path)
{
    for (size_t i = 0; i < spec->linux_.n_devices; i++)
        if (spec->linux_.devices[i].path != NULL && same_path(spec->linux_.devices[i].path, path))
            return true;
    return false;
}

static int create_all(int rootfd, const struct spec *spec, bool userns, struct hull_error *err)
{
    for (size_t i = 0; i < sizeof default_devices / sizeof default_devices[0]; i++) {
        if (spec_has_device(spec, default_devices[i].path))
            continue;
        int r = devices_create(rootfd, &default_devices[i], userns, err);
        if (r < 0)
            return r;
    }
    for (size_t i = 0; i < spec->linux_.n_devices; i++) {
        const struct spec_device *d = &spec->linux_.devices[i];
        /* /dev/ptmx is always the symlink into the devpts instance. */
        if (d->path == NULL || same_path(d->path, "/dev/ptmx"))
            continue;
        int r = devices_create(rootfd, d, userns, err);
        if (r < 0)
            return r;
    }
    return 0;
}

/* symlink target at link; an existing entry is left alone unless replace. */
static int make_symlink(int rootfd, const char *link, const char *target, bool replace,
                        struct hull_error *err)
{
    char name[NAME_MAX + 1];
    int dirfd = inroot_mkparent(rootfd, link, 0755, name, sizeof name, err);
    if (dirfd < 0)
        return hull_err_prefix(err, "symlink %s", link);
    int r = 0;
    if (replace && unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
        r = hull_err(err, errno, "symlink %s: remove what is in the way", link);
    if (r == 0 && symlinkat(target, dirfd, name) < 0 && (replace || errno != EEXIST))
        r = hull_err(err, errno, "symlink %s -> %s", link, target);
    close(dirfd);
    return r;
}

static int create_symlinks(int rootfd, struct hull_error *err)
{
    for (size_t i = 0; i < sizeof dev_symlinks / sizeof dev_symlinks[0]; i++) {
        int r = make_symlink(rootfd, dev_symlinks[i].link, dev_symlinks[i].target, false, err);
        if (r < 0)
            return r;
    }
    /* Only where the kernel has it (CONFIG_PROC_KCORE). */
    if (faccessat(AT_FDCWD, "/proc/kcore", F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
        int r = make_symlink(rootfd, "/dev/core", "/proc/kcore", false, err);
        if (r < 0)
            return r;
    }
    return make_symlink(rootfd, "/dev/ptmx", "pts/ptmx", true, err);
}

int devices_setup(int rootfd, const struct spec *spec, bool userns, struct hull_error *err)
{
    mode_t old = umask(0);
    int r = create_all(rootfd, spec, userns, err);
    if (r == 0)
        r = create_symlinks(rootfd, err);
    umask(old);
    return r;
}
