/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>
#include <linux/openat2.h>

#include "devices.h"
#include "inroot.h"
#include "mountinfo.h"
#include "mounts.h"
#include "mounts_cgroup.h"
#include "security/selinux.h"

enum mount_kind {
    MK_BIND, MK_PROC, MK_SYSFS, MK_MQUEUE, MK_CGROUP, MK_CGROUP2, MK_TMPFS, MK_DEVPTS,
    MK_OTHER,
};

/* One spec mount on its way into the rootfs. */
struct mount_job {
    const struct rootfs_ctx *ctx;
    int rootfd;
    const struct spec_mount *m;
    struct mount_opts o;
    enum mount_kind kind;
    char dest[PATH_MAX];       /* lexically cleaned destination */
    int destfd;
    bool existed;              /* the mount point was already there */
};

/* Files under /proc that may be covered (lxcfs and friends). */
static const char *const proc_mount_allowed_paths[] = {
    "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps",
    "/proc/uptime", "/proc/loadavg", "/proc/slabinfo", "/proc/sys/kernel/ns_last_pid",
    "/proc/sys/crypto/fips_enabled",
};

int rootfs_open_in_root(int rootfd, const char *path, int flags, struct hull_error *err)
{
    return inroot_open(rootfd, path, flags, 0, err);
}

static bool fd_fs_is(int fd, long magic)
{
    struct statfs sf;
    return fstatfs(fd, &sf) == 0 && sf.f_type == magic;
}

static bool str_eq(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* ---- propagation and the rootfs bind ---------------------------------- */

static int requested_propagation(const struct rootfs_ctx *ctx, unsigned long *flags,
                                 struct hull_error *err)
{
    const char *name = ctx->spec->linux_.rootfs_propagation;
    *flags = 0;
    if (name == NULL || name[0] == '\0')
        return 0;
    if (mount_propagation_from_name(name, flags) < 0)
        return hull_errx(err, EINVAL, "linux.rootfsPropagation: unknown value \"%s\"", name);
    return 0;
}

/* The mount holding the rootfs must not be shared: pivot_root refuses a
 * shared parent, and the rootfs bind would propagate to the host. Walk up
 * from the rootfs until a mount point takes the change. */
static int make_rootfs_parent_private(const char *rootfs, unsigned long requested,
                                      struct hull_error *err)
{
    unsigned long flag = (requested & MS_SLAVE) ? MS_SLAVE : MS_PRIVATE;
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s", rootfs) >= sizeof path)
        return hull_errx(err, ENAMETOOLONG, "rootfs path too long");
    for (;;) {
        if (mount(NULL, path, NULL, flag, NULL) == 0)
            return 0;
        if (errno != EINVAL || strcmp(path, "/") == 0)
            return hull_err(err, errno, "make the mount of %s private", path);
        char *slash = strrchr(path, '/');
        if (slash == NULL)
            return hull_errx(err, EINVAL, "rootfs %s: not an absolute path", rootfs);
        if (slash == path)
            slash[1] = '\0';
        else
            *slash = '\0';
    }
}

static int prepare_propagation(const struct rootfs_ctx *ctx, struct hull_error *err)
{
    unsigned long requested;
    int r = requested_propagation(ctx, &requested, err);
    if (r < 0)
        return r;
    unsigned long flags = requested != 0 ? requested : MS_SLAVE | MS_REC;
    if (mount(NULL, "/", NULL, flags, NULL) < 0)
        return hull_err(err, errno, "set the propagation of /");
    return make_rootfs_parent_private(ctx->rootfs, requested, err);
}

/* Bind the rootfs onto itself; returns an O_PATH fd of the new mount,
 * the root every later path is resolved in. */
static int bind_rootfs(const struct rootfs_ctx *ctx, struct hull_error *err)
{
    int fd = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return hull_err(err, errno, "open rootfs %s", ctx->rootfs);
    int rootfd = mount_bind_fd(fd, fd, true, 0, ctx->rootfs, err);
    close(fd);
    return rootfd;
}

/* ---- one spec mount ---------------------------------------------------- */

static enum mount_kind classify(const char *type, const struct mount_opts *o)
{
    static const struct {
        const char *type;
        enum mount_kind kind;
    } kinds[] = {
        { "bind", MK_BIND }, { "proc", MK_PROC }, { "sysfs", MK_SYSFS },
        { "cgroup", MK_CGROUP }, { "cgroup2", MK_CGROUP2 }, { "tmpfs", MK_TMPFS },
        { "devpts", MK_DEVPTS }, { "mqueue", MK_MQUEUE },
    };
    if (o->bind)
        return MK_BIND;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (str_eq(type, kinds[i].type))
            return kinds[i].kind;
    return MK_OTHER;
}

static int job_init(struct mount_job *j, struct hull_error *err)
{
    const struct spec_mount *m = j->m;
    if (m->destination == NULL)
        return hull_errx(err, EINVAL, "mount: no destination");
    if (inroot_clean_path(m->destination, j->dest, sizeof j->dest) < 0)
        return hull_errx(err, ENAMETOOLONG, "mount %s: destination too long", m->destination);
    int r = mount_opts_parse(&m->options, &j->o, err);
    if (r < 0)
        return hull_err_prefix(err, "mount %s", j->dest);
    j->o.label = j->ctx->spec->linux_.mount_label;
    if (m->uid_mappings.n > 0 || m->gid_mappings.n > 0)
        return hull_errx(err, EOPNOTSUPP, "mount %s: ID-mapped mounts are not supported",
                         j->dest);
    j->kind = classify(m->type, &j->o);
    if (j->kind == MK_BIND)
        j->o.bind = true;
    if (j->kind == MK_BIND && !j->o.remount && (m->source == NULL || m->source[0] == '\0'))
        return hull_errx(err, EINVAL, "mount %s: bind mount without a source", j->dest);
    if (j->kind == MK_OTHER && (m->type == NULL || m->type[0] == '\0') && !j->o.remount)
        return hull_errx(err, EINVAL, "mount %s: no filesystem type", j->dest);
    if (strcmp(j->dest, "/") == 0)
        return hull_errx(err, EINVAL, "mount %s: cannot mount on top of the rootfs", j->dest);
    return 0;
}

/* Whether the mount point to create is a file: a bind of a non-directory. */
static int dest_is_file(const struct mount_job *j, bool *file, struct hull_error *err)
{
    *file = false;
    if (j->kind != MK_BIND)
        return 0;
    struct stat st;
    if (stat(j->m->source, &st) < 0)
        return hull_err(err, errno, "mount %s on %s: source", j->m->source, j->dest);
    *file = !S_ISDIR(st.st_mode);
    return 0;
}

static int create_dest(struct mount_job *j, struct hull_error *err)
{
    bool file;
    int r = dest_is_file(j, &file, err);
    if (r < 0)
        return r;
    int fd = file ? inroot_mkfile(j->rootfd, j->dest, 0644, err)
                  : inroot_mkdir_all(j->rootfd, j->dest, 0755, err);
    if (fd < 0)
        return hull_err_prefix(err, "mount %s", j->dest);
    close(fd);
    return 0;
}

static bool same_inode_fd(int a, int b)
{
    struct stat sa, sb;
    return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* Open the mount point, creating it when missing. procfs and sysfs must
 * land on a plain directory reached without any symlink. */
static int open_dest(struct mount_job *j, struct hull_error *err)
{
    bool plain = j->kind == MK_PROC || j->kind == MK_SYSFS;
    int flags = O_PATH | (plain ? O_DIRECTORY : 0);
    uint64_t resolve = plain ? RESOLVE_NO_SYMLINKS : 0;
    int fd = inroot_open(j->rootfd, j->dest, flags, resolve, err);
    j->existed = fd >= 0;
    if (fd == -ENOENT && !j->o.remount) {
        int r = create_dest(j, err);
        if (r < 0)
            return r;
        fd = inroot_open(j->rootfd, j->dest, flags, resolve, err);
    }
    if (fd == -ELOOP && plain)
        return hull_errx(err, ELOOP, "mount %s: %s needs a directory reached without symlinks",
                         j->dest, j->m->type);
    if (fd < 0)
        return hull_err_prefix(err, "mount %s", j->dest);
    if (same_inode_fd(fd, j->rootfd)) {
        close(fd);
        return hull_errx(err, EINVAL, "mount %s: resolves to the rootfs itself", j->dest);
    }
    j->destfd = fd;
    return 0;
}

static bool source_is_procfs(const char *source)
{
    struct statfs sf;
    return source != NULL && statfs(source, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

static bool path_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static bool proc_mount_allowed(const char *dest)
{
    size_t n = sizeof proc_mount_allowed_paths / sizeof proc_mount_allowed_paths[0];
    for (size_t i = 0; i < n; i++)
        if (strcmp(dest, proc_mount_allowed_paths[i]) == 0)
            return true;
    return false;
}

/* Nothing but procfs goes on /proc, and nothing in it except on the files
 * lxcfs-like tools emulate: covering /proc/sys or /proc/self/attr would
 * defeat the rest of the setup. Checked on the destination as written,
 * before anything is created for it. */
static int check_proc_path(const struct mount_job *j, struct hull_error *err)
{
    if (strcmp(j->dest, "/proc") == 0) {
        if (j->kind == MK_PROC || (j->kind == MK_BIND && source_is_procfs(j->m->source)))
            return 0;
        return hull_errx(err, EPERM, "mount %s: only procfs may be mounted on /proc", j->dest);
    }
    if (path_under(j->dest, "/proc") && !proc_mount_allowed(j->dest))
        return hull_errx(err, EPERM, "mount %s: mounts inside /proc are not allowed", j->dest);
    return 0;
}

/* The same on where the destination resolved to: symlinks may have led
 * into a procfs mounted earlier. */
static int check_proc_fd(const struct mount_job *j, struct hull_error *err)
{
    if (strcmp(j->dest, "/proc") == 0 || proc_mount_allowed(j->dest) ||
        !fd_fs_is(j->destfd, PROC_SUPER_MAGIC))
        return 0;
    return hull_errx(err, EPERM, "mount %s: resolves inside procfs, which is not allowed",
                     j->dest);
}

static bool defer_ro(const struct mount_job *j)
{
    return j->kind == MK_TMPFS || (j->kind != MK_BIND && strcmp(j->dest, "/dev") == 0);
}

static const char *fs_source(const struct mount_job *j, const char *type)
{
    const char *s = j->m->source;
    return s != NULL && s[0] != '\0' ? s : type;
}

/* A tmpfs over an existing directory starts with that directory's mode
 * (options in the spec still win); "tmpcopyup" also copies its content. */
static int mount_tmpfs(struct mount_job *j, struct hull_error *err)
{
    unsigned flags = MOUNT_DEFER_RO;
    struct stat st;
    if (j->existed && fstat(j->destfd, &st) == 0 && S_ISDIR(st.st_mode)) {
        char mode[32];
        snprintf(mode, sizeof mode, "mode=%04o", (unsigned)(st.st_mode & 07777));
        int r = mount_opts_prepend_data(&j->o, mode, err);
        if (r < 0)
            return r;
        if (j->o.tmpcopyup)
            flags |= MOUNT_COPYUP;
    }
    return mount_new(j->destfd, j->dest, "tmpfs", fs_source(j, "tmpfs"), &j->o, flags, err);
}

/* Without its own network namespace a user namespace may not mount sysfs,
 * nor mqueue without its own IPC namespace: bind the host's instead, as
 * runc (sysfs) and crun (both) do. The flags asked for, "ro" first, then
 * apply to the whole bound tree. */
static int bind_host_instead(struct mount_job *j, const char *host, struct hull_error *err)
{
    struct mount_opts b = { .set = j->o.set, .clr = j->o.clr, .bind = true, .recursive = true };
    int mfd = mount_bind(j->destfd, j->dest, host, &b, err);
    if (mfd < 0)
        return mfd;
    uint64_t set = mount_flags_to_attr(j->o.set);
    int r = set != 0 ? mount_set_attr(mfd, true, set, 0, 0, j->dest, err) : 0;
    if (r < 0) {
        close(mfd);
        return r;
    }
    return mfd;
}

static int mount_or_bind_host(struct mount_job *j, const char *type, const char *host,
                              struct hull_error *err)
{
    int r = mount_new(j->destfd, j->dest, type, fs_source(j, type), &j->o, 0, err);
    if (r != -EPERM || !j->ctx->userns || access(host, F_OK) < 0)
        return r;
    return bind_host_instead(j, host, err);
}

/* An mqueue instance belongs to the IPC namespace and cannot take a
 * context option: its root directory is labelled instead. */
static int mount_mqueue(struct mount_job *j, struct hull_error *err)
{
    int mfd = mount_or_bind_host(j, "mqueue", "/dev/mqueue", err);
    if (mfd < 0)
        return mfd;
    int r = selinux_label_mount(mfd, j->o.label, j->dest, err);
    if (r < 0) {
        close(mfd);
        return r;
    }
    return mfd;
}

/* "gid=5" names a group that may not be mapped in a user namespace. */
static int drop_devpts_gid(struct mount_opts *o)
{
    char *p = o->data;
    while (p != NULL && *p != '\0') {
        size_t n = strcspn(p, ",");
        if (strncmp(p, "gid=", 4) == 0) {
            const char *next = p[n] == ',' ? p + n + 1 : p + n;
            memmove(p, next, strlen(next) + 1);
            return 0;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    return -ENOENT;
}

static int mount_devpts(struct mount_job *j, struct hull_error *err)
{
    int r = mount_new(j->destfd, j->dest, "devpts", fs_source(j, "devpts"), &j->o, 0, err);
    if (r != -EINVAL || !j->ctx->userns || drop_devpts_gid(&j->o) < 0)
        return r;
    return mount_new(j->destfd, j->dest, "devpts", fs_source(j, "devpts"), &j->o, 0, err);
}

static int mount_cgroup(struct mount_job *j, struct hull_error *err)
{
    struct cgroup_mount_req req = {
        .destfd = j->destfd, .dest = j->dest, .o = &j->o,
        .new_cgroupns = j->ctx->new_cgroupns, .rootfs = j->ctx->rootfs,
    };
    return mounts_cgroup(&req, err);
}

/* Perform the mount; returns the new mount's fd. */
static int mount_by_kind(struct mount_job *j, struct hull_error *err)
{
    const char *type = j->m->type;
    switch (j->kind) {
    case MK_BIND:
        return mount_bind(j->destfd, j->dest, j->m->source, &j->o, err);
    case MK_TMPFS:
        return mount_tmpfs(j, err);
    case MK_SYSFS:
        return mount_or_bind_host(j, "sysfs", "/sys", err);
    case MK_MQUEUE:
        return mount_mqueue(j, err);
    case MK_DEVPTS:
        return mount_devpts(j, err);
    case MK_CGROUP:
        return mount_cgroup(j, err);
    case MK_CGROUP2:
        return mounts_cgroup2(j->destfd, j->dest, &j->o, err);
    case MK_PROC:
    case MK_OTHER:
        break;
    }
    unsigned flags = defer_ro(j) ? MOUNT_DEFER_RO : 0;
    return mount_new(j->destfd, j->dest, type, fs_source(j, type), &j->o, flags, err);
}

static int job_run(struct mount_job *j, struct hull_error *err)
{
    int r = j->o.remount ? 0 : check_proc_path(j, err);
    if (r == 0)
        r = open_dest(j, err);
    if (r < 0)
        return r;
    if (j->o.remount)
        return mount_remount(j->destfd, j->dest, &j->o, err);
    r = check_proc_fd(j, err);
    if (r < 0)
        return r;
    int mfd = mount_by_kind(j, err);
    if (mfd < 0)
        return mfd;
    r = mount_apply_late(mfd, j->dest, &j->o, defer_ro(j), err);
    close(mfd);
    return r;
}

static int mount_one(const struct rootfs_ctx *ctx, int rootfd, const struct spec_mount *m,
                     struct hull_error *err)
{
    struct mount_job j = { .ctx = ctx, .rootfd = rootfd, .m = m, .destfd = -1 };
    int r = job_init(&j, err);
    if (r == 0)
        r = job_run(&j, err);
    if (j.destfd >= 0)
        close(j.destfd);
    mount_opts_free(&j.o);
    return r;
}

/* Whether config.json binds /dev, in which case no device is created. */
static bool dev_is_bound(const struct spec *spec)
{
    for (size_t i = 0; i < spec->n_mounts; i++) {
        const struct spec_mount *m = &spec->mounts[i];
        char dest[PATH_MAX];
        if (m->destination == NULL ||
            inroot_clean_path(m->destination, dest, sizeof dest) < 0 || strcmp(dest, "/dev") != 0)
            continue;
        if (str_eq(m->type, "bind"))
            return true;
        for (size_t k = 0; k < m->options.n; k++)
            if (str_eq(m->options.v[k], "bind") || str_eq(m->options.v[k], "rbind"))
                return true;
    }
    return false;
}

int rootfs_prepare(const struct rootfs_ctx *ctx, struct hull_error *err)
{
    int r = prepare_propagation(ctx, err);
    if (r < 0)
        return r;
    int rootfd = bind_rootfs(ctx, err);
    if (rootfd < 0)
        return rootfd;
    for (size_t i = 0; r == 0 && i < ctx->spec->n_mounts; i++)
        r = mount_one(ctx, rootfd, &ctx->spec->mounts[i], err);
    if (r == 0 && !dev_is_bound(ctx->spec))
        r = devices_setup(rootfd, ctx->spec, ctx->userns, err);
    close(rootfd);
    return r;
}

/* ---- pivot ------------------------------------------------------------- */

static int pivot(const struct rootfs_ctx *ctx, int newroot, struct hull_error *err)
{
    int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (oldroot < 0)
        return hull_err(err, errno, "open the old root");
    int r = 0;
    if (fchdir(newroot) < 0)
        r = hull_err(err, errno, "chdir %s", ctx->rootfs);
    else if (syscall(SYS_pivot_root, ".", ".") < 0)
        r = hull_err(err, errno, "pivot_root %s", ctx->rootfs);
    /* The old root is now stacked under the new one, at ".". Keep its
     * unmount from reaching the host before detaching it. */
    else if (fchdir(oldroot) < 0)
        r = hull_err(err, errno, "chdir to the old root");
    else if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        r = hull_err(err, errno, "make the old root rslave");
    else if (umount2(".", MNT_DETACH) < 0)
        r = hull_err(err, errno, "detach the old root");
    else if (chdir("/") < 0)
        r = hull_err(err, errno, "chdir /");
    close(oldroot);
    return r;
}

/* Host procfs/sysfs mounts showing the whole filesystem stay reachable
 * after a mere chroot and would let the container mount new instances;
 * detach them, or cover them when that is not allowed. */
static int hide_pseudofs(const struct mountinfo_entry *e, void *arg, struct hull_error *err)
{
    const char *rootfs = arg;
    if ((strcmp(e->fstype, "proc") != 0 && strcmp(e->fstype, "sysfs") != 0) ||
        strcmp(e->root, "/") != 0 || path_under(e->mountpoint, rootfs))
        return 0;
    if (mount(NULL, e->mountpoint, NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return errno == ENOENT ? 0 : hull_err(err, errno, "make %s rslave", e->mountpoint);
    if (umount2(e->mountpoint, MNT_DETACH) == 0)
        return 0;
    if (errno != EINVAL && errno != EPERM)
        return hull_err(err, errno, "detach %s", e->mountpoint);
    if (mount("tmpfs", e->mountpoint, "tmpfs", MS_RDONLY, "size=0") < 0)
        return hull_err(err, errno, "cover %s", e->mountpoint);
    return 0;
}

static int move_root(const struct rootfs_ctx *ctx, int newroot, struct hull_error *err)
{
    unsigned long requested;
    int r = requested_propagation(ctx, &requested, err);
    if (r < 0)
        return r;
    if (requested & MS_PRIVATE)
        return hull_errx(err, EINVAL, "linux.rootfsPropagation %s is not safe without pivot_root",
                         ctx->spec->linux_.rootfs_propagation);
    r = mountinfo_foreach(hide_pseudofs, (void *)ctx->rootfs, err);
    if (r < 0)
        return r;
    if (fchdir(newroot) < 0)
        return hull_err(err, errno, "chdir %s", ctx->rootfs);
    if (move_mount(newroot, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return hull_err(err, errno, "move %s onto /", ctx->rootfs);
    if (chroot(".") < 0)
        return hull_err(err, errno, "chroot %s", ctx->rootfs);
    if (chdir("/") < 0)
        return hull_err(err, errno, "chdir /");
    return 0;
}

int rootfs_pivot(const struct rootfs_ctx *ctx, struct hull_error *err)
{
    int newroot = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (newroot < 0)
        return hull_err(err, errno, "open rootfs %s", ctx->rootfs);
    int r = ctx->no_pivot ? move_root(ctx, newroot, err) : pivot(ctx, newroot, err);
    close(newroot);
    return r;
}

/* ---- finalize ---------------------------------------------------------- */

static int finish_one_readonly(int rootfd, const struct spec_mount *m, struct hull_error *err)
{
    struct mount_job j = { .m = m };
    if (m->destination == NULL || inroot_clean_path(m->destination, j.dest, sizeof j.dest) < 0)
        return 0;
    int r = mount_opts_parse(&m->options, &j.o, err);
    if (r < 0)
        return hull_err_prefix(err, "mount %s", j.dest);
    j.kind = classify(m->type, &j.o);
    bool ro = (j.o.set & MS_RDONLY) || (j.o.rec_set & MOUNT_ATTR_RDONLY);
    if (ro && !j.o.remount && defer_ro(&j)) {
        int fd = inroot_open(rootfd, j.dest, O_PATH, 0, err);
        r = fd < 0 ? hull_err_prefix(err, "mount %s: make read-only", j.dest)
                   : mount_finish_readonly(fd, j.dest, &j.o, err);
        if (fd >= 0)
            close(fd);
    }
    mount_opts_free(&j.o);
    return r;
}

static int finish_readonly_mounts(int rootfd, const struct spec *spec, struct hull_error *err)
{
    for (size_t i = 0; i < spec->n_mounts; i++) {
        int r = finish_one_readonly(rootfd, &spec->mounts[i], err);
        if (r < 0)
            return r;
    }
    return 0;
}

/* The container's /dev/null, refused unless it is the real 1:3 character
 * device: a rootfs can make it a symlink or a file to have a masked path
 * bound over something else. */
static int open_dev_null(int rootfd, struct hull_error *err)
{
    int fd = inroot_open(rootfd, "/dev/null", O_PATH | O_NOFOLLOW, 0, err);
    if (fd < 0)
        return hull_err_prefix(err, "mask paths");
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
        close(fd);
        return hull_errx(err, EPERM, "mask paths: /dev/null is not the null device");
    }
    return fd;
}

static int mask_dir(int fd, const char *path, const char *label, struct hull_error *err)
{
    char data[] = "nr_blocks=1,nr_inodes=1";
    struct mount_opts o = { .set = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, .data = data,
                            .label = label };
    int mfd = mount_new(fd, path, "tmpfs", "tmpfs", &o, 0, err);
    if (mfd < 0)
        return mfd;
    close(mfd);
    return 0;
}

static int mask_file(int fd, int *nullfd, int rootfd, const char *path, struct hull_error *err)
{
    if (*nullfd < 0) {
        *nullfd = open_dev_null(rootfd, err);
        if (*nullfd < 0)
            return *nullfd;
    }
    int mfd = mount_bind_fd(*nullfd, fd, false, 0, path, err);
    if (mfd < 0)
        return mfd;
    close(mfd);
    return 0;
}

/* A path that does not exist (or whose parent is not a directory) has
 * nothing to mask or protect. */
static bool absent(int r)
{
    return r == -ENOENT || r == -ENOTDIR;
}

/* The last component is not followed: masking a symlink must not mask
 * whatever it points to. */
static int mask_one(int rootfd, const char *path, int *nullfd, const char *label,
                    struct hull_error *err)
{
    int fd = inroot_open(rootfd, path, O_PATH | O_NOFOLLOW, 0, err);
    if (absent(fd))
        return 0;
    if (fd < 0)
        return hull_err_prefix(err, "mask %s", path);
    struct stat st;
    int r = 0;
    if (fstat(fd, &st) < 0)
        r = hull_err(err, errno, "mask %s", path);
    else if (S_ISDIR(st.st_mode))
        r = mask_dir(fd, path, label, err);
    else if (!S_ISLNK(st.st_mode))
        r = mask_file(fd, nullfd, rootfd, path, err);
    close(fd);
    return r;
}

static bool seen_before(const struct str_list *l, size_t i)
{
    char a[PATH_MAX], b[PATH_MAX];
    if (inroot_clean_path(l->v[i], a, sizeof a) < 0)
        return false;
    for (size_t k = 0; k < i; k++)
        if (inroot_clean_path(l->v[k], b, sizeof b) == 0 && strcmp(a, b) == 0)
            return true;
    return false;
}

static int mask_paths(int rootfd, const struct str_list *paths, const char *label,
                      struct hull_error *err)
{
    int nullfd = -1, r = 0;
    for (size_t i = 0; r == 0 && i < paths->n; i++)
        if (paths->v[i] != NULL && !seen_before(paths, i))
            r = mask_one(rootfd, paths->v[i], &nullfd, label, err);
    if (nullfd >= 0)
        close(nullfd);
    return r;
}

static int readonly_one(int rootfd, const char *path, struct hull_error *err)
{
    int fd = inroot_open(rootfd, path, O_PATH, 0, err);
    if (absent(fd))
        return 0;
    if (fd < 0)
        return hull_err_prefix(err, "make %s read-only", path);
    int mfd = mount_bind_fd(fd, fd, true, MOUNT_ATTR_RDONLY, path, err);
    close(fd);
    if (mfd < 0)
        return mfd;
    close(mfd);
    return 0;
}

static int readonly_paths(int rootfd, const struct str_list *paths, struct hull_error *err)
{
    for (size_t i = 0; i < paths->n; i++) {
        if (paths->v[i] == NULL)
            continue;
        int r = readonly_one(rootfd, paths->v[i], err);
        if (r < 0)
            return r;
    }
    return 0;
}

static int finalize_root(const struct rootfs_ctx *ctx, int rootfd, struct hull_error *err)
{
    if (ctx->spec->root_readonly) {
        int r = mount_set_attr(rootfd, false, MOUNT_ATTR_RDONLY, 0, 0, "/", err);
        if (r < 0)
            return hull_err_prefix(err, "make the root read-only");
    }
    unsigned long requested;
    int r = requested_propagation(ctx, &requested, err);
    if (r < 0 || requested == 0)
        return r;
    return mount_set_propagation(rootfd, requested, "/", err);
}

int rootfs_finalize(const struct rootfs_ctx *ctx, struct hull_error *err)
{
    int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return hull_err(err, errno, "open /");
    const struct spec_linux *l = &ctx->spec->linux_;
    int r = finish_readonly_mounts(rootfd, ctx->spec, err);
    if (r == 0)
        r = mask_paths(rootfd, &l->masked_paths, l->mount_label, err);
    if (r == 0)
        r = readonly_paths(rootfd, &l->readonly_paths, err);
    if (r == 0)
        r = finalize_root(ctx, rootfd, err);
    close(rootfd);
    return r;
}
