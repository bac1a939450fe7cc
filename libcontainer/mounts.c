/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "copyup.h"
#include "security/selinux.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

#define ATIME_MODES (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)

enum opt_kind {
    OPT_IGNORE,      /* accepted, no effect */
    OPT_SET,         /* MS_* flag set */
    OPT_CLEAR,       /* MS_* flag cleared */
    OPT_REC_SET,     /* MOUNT_ATTR_* set on the whole tree */
    OPT_REC_CLEAR,   /* MOUNT_ATTR_* cleared on the whole tree */
    OPT_REC_ATIME,   /* access-time mode of the whole tree */
    OPT_REC_ATIME_CLEAR, /* "ratime" and co: back to the default, relatime */
    OPT_PROPAGATION,
    OPT_BIND,
    OPT_RBIND,
    OPT_REMOUNT,
    OPT_COPYUP,
    OPT_IDMAP,
};

struct opt_def {
    const char *name;
    enum opt_kind kind;
    unsigned long value;
};

static const struct opt_def opt_defs[] = {
    { "defaults", OPT_IGNORE, 0 },
    { "silent", OPT_IGNORE, 0 },
    { "loud", OPT_IGNORE, 0 },
    { "ro", OPT_SET, MS_RDONLY },
    { "rw", OPT_CLEAR, MS_RDONLY },
    { "nosuid", OPT_SET, MS_NOSUID },
    { "suid", OPT_CLEAR, MS_NOSUID },
    { "nodev", OPT_SET, MS_NODEV },
    { "dev", OPT_CLEAR, MS_NODEV },
    { "noexec", OPT_SET, MS_NOEXEC },
    { "exec", OPT_CLEAR, MS_NOEXEC },
    { "sync", OPT_SET, MS_SYNCHRONOUS },
    { "async", OPT_CLEAR, MS_SYNCHRONOUS },
    { "dirsync", OPT_SET, MS_DIRSYNC },
    { "mand", OPT_SET, MS_MANDLOCK },
    { "nomand", OPT_CLEAR, MS_MANDLOCK },
    { "noatime", OPT_SET, MS_NOATIME },
    { "atime", OPT_CLEAR, MS_NOATIME },
    { "nodiratime", OPT_SET, MS_NODIRATIME },
    { "diratime", OPT_CLEAR, MS_NODIRATIME },
    { "relatime", OPT_SET, MS_RELATIME },
    { "norelatime", OPT_CLEAR, MS_RELATIME },
    { "strictatime", OPT_SET, MS_STRICTATIME },
    { "nostrictatime", OPT_CLEAR, MS_STRICTATIME },
    { "lazytime", OPT_SET, MS_LAZYTIME },
    { "nolazytime", OPT_CLEAR, MS_LAZYTIME },
    { "iversion", OPT_SET, MS_I_VERSION },
    { "noiversion", OPT_CLEAR, MS_I_VERSION },
    { "nosymfollow", OPT_SET, MS_NOSYMFOLLOW },
    { "symfollow", OPT_CLEAR, MS_NOSYMFOLLOW },
    { "bind", OPT_BIND, 0 },
    { "rbind", OPT_RBIND, 0 },
    { "remount", OPT_REMOUNT, 0 },
    { "private", OPT_PROPAGATION, MS_PRIVATE },
    { "rprivate", OPT_PROPAGATION, MS_PRIVATE | MS_REC },
    { "shared", OPT_PROPAGATION, MS_SHARED },
    { "rshared", OPT_PROPAGATION, MS_SHARED | MS_REC },
    { "slave", OPT_PROPAGATION, MS_SLAVE },
    { "rslave", OPT_PROPAGATION, MS_SLAVE | MS_REC },
    { "unbindable", OPT_PROPAGATION, MS_UNBINDABLE },
    { "runbindable", OPT_PROPAGATION, MS_UNBINDABLE | MS_REC },
    { "rro", OPT_REC_SET, MOUNT_ATTR_RDONLY },
    { "rrw", OPT_REC_CLEAR, MOUNT_ATTR_RDONLY },
    { "rnosuid", OPT_REC_SET, MOUNT_ATTR_NOSUID },
    { "rsuid", OPT_REC_CLEAR, MOUNT_ATTR_NOSUID },
    { "rnodev", OPT_REC_SET, MOUNT_ATTR_NODEV },
    { "rdev", OPT_REC_CLEAR, MOUNT_ATTR_NODEV },
    { "rnoexec", OPT_REC_SET, MOUNT_ATTR_NOEXEC },
    { "rexec", OPT_REC_CLEAR, MOUNT_ATTR_NOEXEC },
    { "rnodiratime", OPT_REC_SET, MOUNT_ATTR_NODIRATIME },
    { "rdiratime", OPT_REC_CLEAR, MOUNT_ATTR_NODIRATIME },
    { "rnosymfollow", OPT_REC_SET, MOUNT_ATTR_NOSYMFOLLOW },
    { "rsymfollow", OPT_REC_CLEAR, MOUNT_ATTR_NOSYMFOLLOW },
    { "rrelatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME },
    { "rnorelatime", OPT_REC_ATIME_CLEAR, 0 },
    { "rnoatime", OPT_REC_ATIME, MOUNT_ATTR_NOATIME },
    { "ratime", OPT_REC_ATIME_CLEAR, 0 },
    { "rstrictatime", OPT_REC_ATIME, MOUNT_ATTR_STRICTATIME },
    { "rnostrictatime", OPT_REC_ATIME_CLEAR, 0 },
    { "tmpcopyup", OPT_COPYUP, 0 },
    { "idmap", OPT_IDMAP, 0 },
    { "ridmap", OPT_IDMAP, 0 },
};

/* MS_* flags that are per-mount attributes, and their MOUNT_ATTR_* twin. */
static const struct {
    unsigned long ms;
    uint64_t attr;
} mnt_attr_map[] = {
    { MS_RDONLY, MOUNT_ATTR_RDONLY },
    { MS_NOSUID, MOUNT_ATTR_NOSUID },
    { MS_NODEV, MOUNT_ATTR_NODEV },
    { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
    { MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
    { MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
};

/* statvfs f_flag bits of the same attributes. */
static const struct {
    unsigned long st;
    uint64_t attr;
} st_attr_map[] = {
    { ST_RDONLY, MOUNT_ATTR_RDONLY },
    { ST_NOSUID, MOUNT_ATTR_NOSUID },
    { ST_NODEV, MOUNT_ATTR_NODEV },
    { ST_NOEXEC, MOUNT_ATTR_NOEXEC },
    { ST_NODIRATIME, MOUNT_ATTR_NODIRATIME },
    { 0x2000 /* ST_NOSYMFOLLOW */, MOUNT_ATTR_NOSYMFOLLOW },
};

/* Superblock flags, given to fsconfig() by name. MS_I_VERSION is left to
 * the filesystem (the kernel sets it where supported). */
static const struct {
    unsigned long ms;
    const char *on, *off;
} sb_flag_map[] = {
    { MS_RDONLY, "ro", "rw" },
    { MS_SYNCHRONOUS, "sync", "async" },
    { MS_DIRSYNC, "dirsync", NULL },
    { MS_LAZYTIME, "lazytime", "nolazytime" },
    { MS_MANDLOCK, "mand", "nomand" },
};

uint64_t mount_flags_to_attr(unsigned long ms)
{
    uint64_t attr = 0;
    for (size_t i = 0; i < sizeof mnt_attr_map / sizeof mnt_attr_map[0]; i++)
        if (ms & mnt_attr_map[i].ms)
            attr |= mnt_attr_map[i].attr;
    return attr;
}

static const struct opt_def *opt_find(const char *name)
{
    for (size_t i = 0; i < sizeof opt_defs / sizeof opt_defs[0]; i++)
        if (strcmp(opt_defs[i].name, name) == 0)
            return &opt_defs[i];
    return NULL;
}

int mount_propagation_from_name(const char *name, unsigned long *flags)
{
    const struct opt_def *d = name != NULL ? opt_find(name) : NULL;
    if (d == NULL || d->kind != OPT_PROPAGATION)
        return -EINVAL;
    *flags = d->value;
    return 0;
}

static int data_append(struct mount_opts *o, const char *item, struct hull_error *err)
{
    size_t old = o->data != NULL ? strlen(o->data) : 0;
    size_t len = strlen(item);
    char *p = realloc(o->data, old + len + 2);
    if (p == NULL)
        return hull_err(err, ENOMEM, "mount option %s", item);
    if (old > 0)
        p[old++] = ',';
    memcpy(p + old, item, len + 1);
    o->data = p;
    return 0;
}

int mount_opts_prepend_data(struct mount_opts *o, const char *item, struct hull_error *err)
{
    size_t len = strlen(item);
    size_t old = o->data != NULL ? strlen(o->data) : 0;
    char *p = malloc(len + old + 2);
    if (p == NULL)
        return hull_err(err, ENOMEM, "mount option %s", item);
    memcpy(p, item, len);
    if (old > 0) {
        p[len] = ',';
        memcpy(p + len + 1, o->data, old + 1);
    } else {
        p[len] = '\0';
    }
    free(o->data);
    o->data = p;
    return 0;
}

static void opt_set_flag(struct mount_opts *o, unsigned long flag)
{
    if (flag & ATIME_MODES)
        o->set &= ~(unsigned long)ATIME_MODES;
    o->set |= flag;
    o->clr &= ~flag;
}

static void opt_clear_flag(struct mount_opts *o, unsigned long flag)
{
    o->clr |= flag;
    o->set &= ~flag;
}

static void opt_rec(struct mount_opts *o, uint64_t bits, bool set)
{
    if (set) {
        o->rec_set |= bits;
        o->rec_clr &= ~bits;
    } else {
        o->rec_clr |= bits;
        o->rec_set &= ~bits;
    }
}

/* An access-time option replaces the whole atime field of the tree
 * (mount_setattr wants MOUNT_ATTR__ATIME in attr_clr for that); the
 * clearing ones go back to the kernel default, relatime. */
static void opt_rec_atime(struct mount_opts *o, uint64_t mode)
{
    o->rec_set = (o->rec_set & ~(uint64_t)MOUNT_ATTR__ATIME) | mode;
    o->rec_clr |= MOUNT_ATTR__ATIME;
}

static int opt_propagation(struct mount_opts *o, unsigned long flags, struct hull_error *err)
{
    if (o->n_propagation >= MOUNT_MAX_PROPAGATION)
        return hull_errx(err, EINVAL, "mount options: more than %d propagation options",
                         MOUNT_MAX_PROPAGATION);
    o->propagation[o->n_propagation++] = flags;
    return 0;
}

static int opt_apply(struct mount_opts *o, const struct opt_def *d, struct hull_error *err)
{
    switch (d->kind) {
    case OPT_IGNORE:
        return 0;
    case OPT_SET:
        opt_set_flag(o, d->value);
        return 0;
    case OPT_CLEAR:
        opt_clear_flag(o, d->value);
        return 0;
    case OPT_REC_SET:
    case OPT_REC_CLEAR:
        opt_rec(o, d->value, d->kind == OPT_REC_SET);
        return 0;
    case OPT_REC_ATIME:
    case OPT_REC_ATIME_CLEAR:
        opt_rec_atime(o, d->value);
        return 0;
    case OPT_PROPAGATION:
        return opt_propagation(o, d->value, err);
    case OPT_BIND:
        o->bind = true;
        return 0;
    case OPT_RBIND:
        o->bind = o->recursive = true;
        return 0;
    case OPT_REMOUNT:
        o->remount = true;
        return 0;
    case OPT_COPYUP:
        o->tmpcopyup = true;
        return 0;
    case OPT_IDMAP:
        return hull_errx(err, EOPNOTSUPP, "mount option %s: ID-mapped mounts are not supported",
                         d->name);
    }
    return 0;
}

int mount_opts_parse(const struct str_list *options, struct mount_opts *o,
                     struct hull_error *err)
{
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i < options->n; i++) {
        const char *name = options->v[i];
        const struct opt_def *d = opt_find(name);
        int r = d != NULL ? opt_apply(o, d, err) : name[0] != '\0' ? data_append(o, name, err) : 0;
        if (r < 0) {
            mount_opts_free(o);
            return r;
        }
    }
    return 0;
}

void mount_opts_free(struct mount_opts *o)
{
    free(o->data);
    o->data = NULL;
}

/* The per-mount attributes asked by o, as mount_setattr() set/clear masks.
 * Clearing an access-time mode without naming another keeps the current
 * one (for a new mount that is the kernel default, relatime). */
static void opts_to_attr(const struct mount_opts *o, bool with_ro, uint64_t *set, uint64_t *clr)
{
    *set = mount_flags_to_attr(o->set);
    *clr = mount_flags_to_attr(o->clr);
    if (!with_ro)
        *set &= ~(uint64_t)MOUNT_ATTR_RDONLY;
    if (o->set & ATIME_MODES) {
        *clr |= MOUNT_ATTR__ATIME;
        if (o->set & MS_NOATIME)
            *set |= MOUNT_ATTR_NOATIME;
        else if (o->set & MS_STRICTATIME)
            *set |= MOUNT_ATTR_STRICTATIME;
        else
            *set |= MOUNT_ATTR_RELATIME;
    }
}

static uint64_t statvfs_to_attr(unsigned long f_flag)
{
    uint64_t attr = 0;
    for (size_t i = 0; i < sizeof st_attr_map / sizeof st_attr_map[0]; i++)
        if (f_flag & st_attr_map[i].st)
            attr |= st_attr_map[i].attr;
    return attr;
}

int mount_set_attr(int mntfd, bool recursive, uint64_t set, uint64_t clr,
                   unsigned long propagation, const char *dest, struct hull_error *err)
{
    struct mount_attr attr = { .attr_set = set, .attr_clr = clr, .propagation = propagation };
    unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
    if (mount_setattr(mntfd, "", flags, &attr, sizeof attr) < 0)
        return hull_err(err, errno, "set mount attributes of %s", dest);
    return 0;
}

int mount_set_propagation(int mntfd, unsigned long flags, const char *dest,
                          struct hull_error *err)
{
    return mount_set_attr(mntfd, (flags & MS_REC) != 0, 0, 0, flags & ~(unsigned long)MS_REC,
                          dest, err);
}

int mount_attach(int mntfd, int destfd, const char *dest, struct hull_error *err)
{
    if (move_mount(mntfd, "", destfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return hull_err(err, errno, "attach mount on %s", dest);
    return 0;
}

/* The last error the filesystem logged on its context fd, if any. */
static void fs_log(int fsfd, char *buf, size_t len)
{
    buf[0] = '\0';
    for (int i = 0; i < 16; i++) {
        char msg[512];
        ssize_t n = read(fsfd, msg, sizeof msg - 1);
        if (n <= 0)
            break;
        while (n > 0 && msg[n - 1] == '\n')
            n--;
        msg[n] = '\0';
        if (n > 2 && msg[0] == 'e' && msg[1] == ' ')
            snprintf(buf, len, "%s", msg + 2);
    }
}

static int fs_fail(int fsfd, int errnum, const char *what, const char *type, const char *dest,
                   struct hull_error *err)
{
    char log[512];
    fs_log(fsfd, log, sizeof log);
    if (log[0] != '\0')
        return hull_err(err, errnum, "mount %s on %s: %s", type, dest, log);
    return hull_err(err, errnum, "mount %s on %s: %s", type, dest, what);
}

/* Next item of comma separated data, keeping commas inside "quotes". */
static char *data_next(char **cursor)
{
    char *s = *cursor;
    if (s == NULL)
        return NULL;
    bool quoted = false;
    char *p = s;
    for (; *p != '\0'; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == ',' && !quoted)
            break;
    }
    if (*p == ',') {
        *p = '\0';
        *cursor = p + 1;
    } else {
        *cursor = NULL;
    }
    return s;
}

/* A value in double quotes (context="a:b:c:s0:c1,c2", quoted in mount(8)
 * data because of its commas) goes to fsconfig() without them. */
static int fs_set_string(int fsfd, const char *key, char *value)
{
    size_t n = strlen(value);
    bool quoted = n >= 2 && value[0] == '"' && value[n - 1] == '"';
    if (quoted)
        value[n - 1] = '\0';
    int r = fsconfig(fsfd, FSCONFIG_SET_STRING, key, quoted ? value + 1 : value, 0);
    if (quoted)
        value[n - 1] = '"';
    return r;
}

static int fs_set_param(int fsfd, char *item)
{
    char *eq = strchr(item, '=');
    int r;
    if (eq == NULL) {
        r = fsconfig(fsfd, FSCONFIG_SET_FLAG, item, NULL, 0);
    } else {
        *eq = '\0';
        r = fs_set_string(fsfd, item, eq + 1);
        *eq = '=';
    }
    return r < 0 ? -errno : 0;
}

static int fs_set_data(int fsfd, const char *data, const char *type, const char *dest,
                       struct hull_error *err)
{
    if (data == NULL)
        return 0;
    char *copy = strdup(data);
    if (copy == NULL)
        return hull_err(err, ENOMEM, "mount %s on %s", type, dest);
    char *cursor = copy, *item;
    int r = 0;
    while (r == 0 && (item = data_next(&cursor)) != NULL) {
        if (item[0] == '\0')
            continue;
        r = fs_set_param(fsfd, item);
        if (r < 0)
            r = fs_fail(fsfd, -r, item, type, dest, err);
    }
    free(copy);
    return r;
}

/* Superblock flags: for a new filesystem only the ones asked on; for a
 * reconfiguration also the ones asked off. */
static int fs_set_sb_flags(int fsfd, const struct mount_opts *o, bool with_ro, bool with_off,
                           const char *type, const char *dest, struct hull_error *err)
{
    for (size_t i = 0; i < sizeof sb_flag_map / sizeof sb_flag_map[0]; i++) {
        const char *name = NULL;
        if (o->set & sb_flag_map[i].ms)
            name = sb_flag_map[i].on;
        else if (with_off && (o->clr & sb_flag_map[i].ms))
            name = sb_flag_map[i].off;
        if (name == NULL || (!with_ro && sb_flag_map[i].ms == MS_RDONLY))
            continue;
        if (fsconfig(fsfd, FSCONFIG_SET_FLAG, name, NULL, 0) < 0)
            return fs_fail(fsfd, errno, name, type, dest, err);
    }
    return 0;
}

static bool data_has_context(const char *data)
{
    const char *p = data;
    while (p != NULL && *p != '\0') {
        if (selinux_is_context_option(p))
            return true;
        p = strchr(p, ',');
        if (p != NULL)
            p++;
    }
    return false;
}

/* linux.mountLabel as the new filesystem's context; a context given in
 * the mount's own options wins. */
static int fs_set_label(int fsfd, const char *type, const struct mount_opts *o, const char *dest,
                        struct hull_error *err)
{
    char opt[SELINUX_LABEL_MAX + 16];
    int n = selinux_mount_option(o->label, type, opt, sizeof opt);
    if (n < 0)
        return hull_errx(err, -n, "mount %s on %s: bad linux.mountLabel", type, dest);
    if (n == 0 || data_has_context(o->data))
        return 0;
    int r = fs_set_param(fsfd, opt);
    return r < 0 ? fs_fail(fsfd, -r, "linux.mountLabel", type, dest, err) : 0;
}

static int fs_configure(int fsfd, const char *type, const char *source, const struct mount_opts *o,
                        bool with_ro, const char *dest, struct hull_error *err)
{
    if (source != NULL && source[0] != '\0' &&
        fsconfig(fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0)
        return fs_fail(fsfd, errno, "source", type, dest, err);
    int r = fs_set_sb_flags(fsfd, o, with_ro, false, type, dest, err);
    if (r == 0)
        r = fs_set_data(fsfd, o->data, type, dest, err);
    if (r == 0)
        r = fs_set_label(fsfd, type, o, dest, err);
    if (r == 0 && fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        r = fs_fail(fsfd, errno, "create", type, dest, err);
    return r;
}

static int fs_open(const char *type, const char *dest, struct hull_error *err)
{
    int fsfd = fsopen(type, FSOPEN_CLOEXEC);
    if (fsfd >= 0)
        return fsfd;
    if (errno == ENODEV)
        return hull_errx(err, ENODEV, "mount %s on %s: unknown filesystem type", type, dest);
    return hull_err(err, errno, "mount %s on %s", type, dest);
}

/* A detached mount of a new, configured filesystem. */
static int fs_create_mount(const char *type, const char *source, const struct mount_opts *o,
                           bool with_ro, const char *dest, struct hull_error *err)
{
    int fsfd = fs_open(type, dest, err);
    if (fsfd < 0)
        return fsfd;
    int r = fs_configure(fsfd, type, source, o, with_ro, dest, err);
    if (r == 0) {
        uint64_t set, clr;
        opts_to_attr(o, with_ro, &set, &clr);
        r = fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned)set);
        if (r < 0)
            r = fs_fail(fsfd, errno, "fsmount", type, dest, err);
    }
    close(fsfd);
    return r;
}

int mount_new(int destfd, const char *dest, const char *type, const char *source,
              const struct mount_opts *o, unsigned flags, struct hull_error *err)
{
    int mfd = fs_create_mount(type, source, o, !(flags & MOUNT_DEFER_RO), dest, err);
    if (mfd < 0)
        return mfd;
    int r = 0;
    if (flags & MOUNT_COPYUP) {
        r = copyup_tree(destfd, mfd, err);
        if (r < 0)
            hull_err_prefix(err, "mount %s on %s: tmpcopyup", type, dest);
    }
    if (r == 0)
        r = mount_attach(mfd, destfd, dest, err);
    if (r < 0) {
        close(mfd);
        return r;
    }
    return mfd;
}

/* Flags of a bind: set or clear what was asked on the top mount only.
 * Clearing a flag locked by a more privileged mount namespace fails with
 * EPERM; say so instead of a bare "Operation not permitted". */
static int bind_set_flags(int tfd, const char *source, const char *dest,
                          const struct mount_opts *o, struct hull_error *err)
{
    uint64_t set, clr;
    opts_to_attr(o, true, &set, &clr);
    if (set == 0 && clr == 0)
        return 0;
    struct mount_attr attr = { .attr_set = set, .attr_clr = clr };
    if (mount_setattr(tfd, "", AT_EMPTY_PATH, &attr, sizeof attr) == 0)
        return 0;
    int e = errno;
    struct statvfs sv;
    if (e == EPERM && fstatvfs(tfd, &sv) == 0 && (statvfs_to_attr(sv.f_flag) & clr) != 0)
        return hull_errx(err, EPERM, "mount %s on %s: cannot clear flags locked on the source",
                         source, dest);
    return hull_err(err, e, "mount %s on %s: set mount flags", source, dest);
}

int mount_bind(int destfd, const char *dest, const char *source, const struct mount_opts *o,
               struct hull_error *err)
{
    unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (o->recursive ? AT_RECURSIVE : 0);
    int tfd = open_tree(AT_FDCWD, source, flags);
    if (tfd < 0)
        return hull_err(err, errno, "mount %s on %s: open source", source, dest);
    int r = bind_set_flags(tfd, source, dest, o, err);
    if (r == 0)
        r = mount_attach(tfd, destfd, dest, err);
    if (r < 0) {
        close(tfd);
        return r;
    }
    return tfd;
}

int mount_bind_fd(int srcfd, int destfd, bool recursive, uint64_t attr_set, const char *dest,
                  struct hull_error *err)
{
    unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                     (recursive ? AT_RECURSIVE : 0);
    int tfd = open_tree(srcfd, "", flags);
    if (tfd < 0)
        return hull_err(err, errno, "bind mount on %s: clone source", dest);
    int r = attr_set != 0 ? mount_set_attr(tfd, recursive, attr_set, 0, 0, dest, err) : 0;
    if (r == 0)
        r = mount_attach(tfd, destfd, dest, err);
    if (r < 0) {
        close(tfd);
        return r;
    }
    return tfd;
}

static bool has_sb_change(const struct mount_opts *o)
{
    for (size_t i = 0; i < sizeof sb_flag_map / sizeof sb_flag_map[0]; i++)
        if ((o->set | o->clr) & sb_flag_map[i].ms)
            return true;
    return o->data != NULL;
}

/* Reconfigure the filesystem mounted at destfd (fspick). */
static int fs_reconfigure(int destfd, const struct mount_opts *o, const char *dest,
                          struct hull_error *err)
{
    int fsfd = fspick(destfd, "", FSPICK_CLOEXEC | FSPICK_EMPTY_PATH | FSPICK_NO_AUTOMOUNT);
    if (fsfd < 0)
        return hull_err(err, errno, "remount %s", dest);
    int r = fs_set_sb_flags(fsfd, o, true, true, "(remount)", dest, err);
    if (r == 0)
        r = fs_set_data(fsfd, o->data, "(remount)", dest, err);
    if (r == 0 && fsconfig(fsfd, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) < 0)
        r = fs_fail(fsfd, errno, "reconfigure", "(remount)", dest, err);
    close(fsfd);
    return r;
}

static bool is_mount_root(int fd)
{
    struct statx stx;
    if (statx(fd, "", AT_EMPTY_PATH, 0, &stx) < 0)
        return true;  /* let mount_setattr() tell */
    return !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) ||
           (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

int mount_remount(int destfd, const char *dest, const struct mount_opts *o,
                  struct hull_error *err)
{
    if (!is_mount_root(destfd))
        return hull_errx(err, EINVAL, "remount %s: not a mount point", dest);
    uint64_t set, clr;
    opts_to_attr(o, true, &set, &clr);
    if ((set | clr) != 0) {
        int r = mount_set_attr(destfd, false, set, clr, 0, dest, err);
        if (r < 0)
            return r;
    }
    if (!o->bind && has_sb_change(o))
        return fs_reconfigure(destfd, o, dest, err);
    return 0;
}

int mount_apply_late(int mntfd, const char *dest, const struct mount_opts *o, bool defer_ro,
                     struct hull_error *err)
{
    for (size_t i = 0; i < o->n_propagation; i++) {
        int r = mount_set_propagation(mntfd, o->propagation[i], dest, err);
        if (r < 0)
            return r;
    }
    uint64_t set = o->rec_set;
    if (defer_ro)
        set &= ~(uint64_t)MOUNT_ATTR_RDONLY;
    if (set == 0 && o->rec_clr == 0)
        return 0;
    return mount_set_attr(mntfd, true, set, o->rec_clr, 0, dest, err);
}

int mount_finish_readonly(int mntfd, const char *dest, const struct mount_opts *o,
                          struct hull_error *err)
{
    int r = 0;
    if (o->set & MS_RDONLY)
        r = mount_set_attr(mntfd, false, MOUNT_ATTR_RDONLY, 0, 0, dest, err);
    if (r == 0 && (o->rec_set & MOUNT_ATTR_RDONLY))
        r = mount_set_attr(mntfd, true, MOUNT_ATTR_RDONLY, 0, 0, dest, err);
    return r;
}
