/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "inroot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#define WALK_MAX_DEPTH 256
#define WALK_MAX_LINKS 40
#define WALK_MAX_TRIES 8
#define OPENAT2_RETRIES 16

enum walk_kind {
    WALK_DIR,       /* every component is a directory, created if missing */
    WALK_FILE,      /* parents are directories, the last one a file */
    WALK_PARENT,    /* stop before the last component */
};

/* The directories walked so far: stack[0] is the root (not owned), every
 * other entry an O_PATH fd owned by the walk. ".." pops, so it can never
 * go above the root. rest[pos..] holds the components still to walk. */
struct walk {
    int stack[WALK_MAX_DEPTH];
    size_t depth;
    char rest[PATH_MAX];
    size_t pos;
    unsigned links;
    mode_t dir_mode, file_mode;
};

int inroot_open(int rootfd, const char *path, int flags, uint64_t extra_resolve,
                struct hull_error *err)
{
    struct open_how how = {
        .flags = (uint64_t)(unsigned)(flags | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra_resolve,
    };
    long fd = -1;
    /* EAGAIN: a concurrent rename raced with ".." resolution; retry. */
    for (int i = 0; i < OPENAT2_RETRIES; i++) {
        fd = syscall(SYS_openat2, rootfd, path, &how, sizeof how);
        if (fd >= 0 || errno != EAGAIN)
            break;
    }
    if (fd < 0)
        return hull_err(err, errno, "open %s in rootfs", path);
    return (int)fd;
}

static int walk_cur(const struct walk *w)
{
    return w->stack[w->depth];
}

static void walk_pop(struct walk *w)
{
    if (w->depth > 0)
        close(w->stack[w->depth--]);
}

static void walk_reset(struct walk *w)
{
    while (w->depth > 0)
        walk_pop(w);
}

static int walk_push(struct walk *w, int fd)
{
    if (w->depth + 1 >= WALK_MAX_DEPTH) {
        close(fd);
        return -ENAMETOOLONG;
    }
    w->stack[++w->depth] = fd;
    return 0;
}

/* Copy the next component of the remaining path into comp. Returns 1,
 * 0 when nothing is left, or a negative errno. */
static int walk_next(struct walk *w, char comp[NAME_MAX + 1], bool *last)
{
    const char *p = w->rest + w->pos;
    while (*p == '/')
        p++;
    if (*p == '\0')
        return 0;
    size_t n = strcspn(p, "/");
    if (n > NAME_MAX)
        return -ENAMETOOLONG;
    memcpy(comp, p, n);
    comp[n] = '\0';
    p += n;
    w->pos = (size_t)(p - w->rest);
    while (*p == '/')
        p++;
    *last = *p == '\0';
    return 1;
}

/* Replace the walked symlink by its target: an absolute target restarts
 * from the root, a relative one continues from the current directory. */
static int walk_follow(struct walk *w, int linkfd)
{
    char target[PATH_MAX], joined[PATH_MAX];
    if (++w->links > WALK_MAX_LINKS)
        return -ELOOP;
    ssize_t n = readlinkat(linkfd, "", target, sizeof target);
    if (n < 0)
        return -errno;
    if ((size_t)n >= sizeof target)
        return -ENAMETOOLONG;
    if (n == 0)
        return -ENOENT;
    target[n] = '\0';
    const char *tail = w->rest + w->pos;
    size_t tail_len = strlen(tail);
    if ((size_t)n + 1 + tail_len + 1 > sizeof joined)
        return -ENAMETOOLONG;
    memcpy(joined, target, (size_t)n);
    joined[n] = '/';
    memcpy(joined + n + 1, tail, tail_len + 1);
    memcpy(w->rest, joined, (size_t)n + 1 + tail_len + 1);
    w->pos = 0;
    if (target[0] == '/')
        walk_reset(w);
    return 0;
}

/* Enter the just-opened component: follow it if it is a symlink, push it
 * if it is a directory (or the final file of a WALK_FILE walk). */
static int walk_enter(struct walk *w, int fd, bool last, enum walk_kind kind)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    if (S_ISLNK(st.st_mode)) {
        int r = walk_follow(w, fd);
        close(fd);
        return r;
    }
    if (!S_ISDIR(st.st_mode) && !(last && kind == WALK_FILE)) {
        close(fd);
        return -ENOTDIR;
    }
    return walk_push(w, fd);
}

static int walk_create(int dirfd, const char *name, bool file, mode_t mode)
{
    if (!file)
        return mkdirat(dirfd, name, mode) < 0 ? -errno : 0;
    int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        return -errno;
    close(fd);
    return 0;
}

static int walk_step(struct walk *w, const char *comp, bool last, enum walk_kind kind)
{
    if (strcmp(comp, ".") == 0)
        return 0;
    if (strcmp(comp, "..") == 0) {
        walk_pop(w);
        return 0;
    }
    bool file = last && kind == WALK_FILE;
    for (int tries = 0; tries < WALK_MAX_TRIES; tries++) {
        int fd = openat(walk_cur(w), comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0)
            return walk_enter(w, fd, last, kind);
        if (errno != ENOENT)
            return -errno;
        int r = walk_create(walk_cur(w), comp, file, file ? w->file_mode : w->dir_mode);
        if (r < 0 && r != -EEXIST)
            return r;
    }
    return -EAGAIN;
}

static int walk_take_name(const char *comp, char *name, size_t name_len)
{
    if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0)
        return -EINVAL;
    if (strlen(comp) >= name_len)
        return -ENAMETOOLONG;
    strcpy(name, comp);
    return 0;
}

static int walk_run(struct walk *w, enum walk_kind kind, char *name, size_t name_len)
{
    char comp[NAME_MAX + 1];
    bool last = false;
    int r;
    while ((r = walk_next(w, comp, &last)) > 0) {
        if (last && kind == WALK_PARENT)
            return walk_take_name(comp, name, name_len);
        r = walk_step(w, comp, last, kind);
        if (r < 0)
            return r;
    }
    if (r < 0)
        return r;
    return kind == WALK_PARENT ? -EINVAL : 0;
}

/* Hand the current directory over to the caller as an owned fd. */
static int walk_take_fd(struct walk *w)
{
    if (w->depth == 0) {
        int fd = fcntl(w->stack[0], F_DUPFD_CLOEXEC, 3);
        return fd < 0 ? -errno : fd;
    }
    return w->stack[w->depth--];
}

static int walk(int rootfd, const char *path, enum walk_kind kind, mode_t dir_mode,
                mode_t file_mode, char *name, size_t name_len)
{
    struct walk w = { .stack = { rootfd }, .dir_mode = dir_mode, .file_mode = file_mode };
    if (strlen(path) >= sizeof w.rest)
        return -ENAMETOOLONG;
    strcpy(w.rest, path);
    int r = walk_run(&w, kind, name, name_len);
    if (r == 0)
        r = walk_take_fd(&w);
    walk_reset(&w);
    return r;
}

static int check_dir(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int inroot_mkdir_all(int rootfd, const char *path, mode_t mode, struct hull_error *err)
{
    int fd = inroot_open(rootfd, path, O_PATH | O_DIRECTORY, 0, err);
    if (fd != -ENOENT)
        return fd;
    fd = walk(rootfd, path, WALK_DIR, mode, 0, NULL, 0);
    if (fd < 0)
        return hull_err(err, -fd, "create directory %s in rootfs", path);
    int r = check_dir(fd);
    if (r < 0) {
        close(fd);
        return hull_err(err, -r, "create directory %s in rootfs", path);
    }
    return fd;
}

int inroot_mkfile(int rootfd, const char *path, mode_t mode, struct hull_error *err)
{
    int fd = inroot_open(rootfd, path, O_PATH, 0, err);
    if (fd != -ENOENT)
        return fd;
    fd = walk(rootfd, path, WALK_FILE, 0755, mode, NULL, 0);
    if (fd < 0)
        return hull_err(err, -fd, "create file %s in rootfs", path);
    return fd;
}

int inroot_mkparent(int rootfd, const char *path, mode_t mode, char *name, size_t name_len,
                    struct hull_error *err)
{
    int fd = walk(rootfd, path, WALK_PARENT, mode, 0, name, name_len);
    if (fd < 0)
        return hull_err(err, -fd, "create parent directory of %s in rootfs", path);
    return fd;
}

int inroot_clean_path(const char *path, char *out, size_t out_len)
{
    size_t len = 0;
    if (out_len < 2)
        return -ENAMETOOLONG;
    for (const char *p = path; *p != '\0';) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.')) {
            p += n;
            continue;
        }
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (len > 0 && out[--len] != '/')
                ;
            p += n;
            continue;
        }
        if (len + 1 + n + 1 > out_len)
            return -ENAMETOOLONG;
        out[len++] = '/';
        memcpy(out + len, p, n);
        len += n;
        p += n;
    }
    if (len == 0)
        out[len++] = '/';
    out[len] = '\0';
    return 0;
}
