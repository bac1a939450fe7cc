/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "selinux.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "procattr.h"

#define SELINUX_SUPER_MAGIC 0xf97cff8cUL
#define SELINUX_XATTR "security.selinux"
#define UNLABELLED_CONTEXT "kernel"

static bool selinuxfs_at(const char *path)
{
    struct statfs sfs;
    return statfs(path, &sfs) == 0 && (unsigned long)sfs.f_type == SELINUX_SUPER_MAGIC;
}

/* Before a policy is loaded every task runs in the "kernel" context. */
static bool policy_loaded(void)
{
    char ctx[256];
    return procattr_read("selinux", "current", ctx, sizeof ctx, "SELinux", NULL) == 0 &&
           ctx[0] != '\0' && strcmp(ctx, UNLABELLED_CONTEXT) != 0;
}

bool selinux_enabled(void)
{
    static int enabled = -1;
    if (enabled < 0)
        enabled = (selinuxfs_at("/sys/fs/selinux") || selinuxfs_at("/selinux")) &&
                  policy_loaded();
    return enabled == 1;
}

static bool bad_label_char(unsigned char c)
{
    return c <= 0x20 || c == 0x7f || c == '"';
}

int selinux_check_label(const char *label, const char *what, struct hull_error *err)
{
    size_t len = strlen(label);
    if (len == 0 || len > SELINUX_LABEL_MAX)
        return hull_errx(err, EINVAL, "%s: must be 1 to %d bytes long", what, SELINUX_LABEL_MAX);
    for (size_t i = 0; i < len; i++)
        if (bad_label_char((unsigned char)label[i]))
            return hull_errx(err, EINVAL, "%s: blank, control character or '\"' at byte %zu",
                             what, i);
    return 0;
}

int selinux_check_usable(const char *label, struct hull_error *err)
{
    if (label == NULL || label[0] == '\0')
        return 0;
    int r = selinux_check_label(label, "process.selinuxLabel", err);
    if (r == 0 && !selinux_enabled())
        r = hull_errx(err, EOPNOTSUPP,
                      "process.selinuxLabel \"%s\": SELinux is not enabled on this kernel", label);
    return r;
}

int selinux_exec_label(const char *label, struct hull_error *err)
{
    int r = selinux_check_usable(label, err);
    if (r < 0 || label == NULL || label[0] == '\0')
        return r;
    return procattr_write("selinux", "exec", label, "process.selinuxLabel", err);
}

int selinux_key_label(const char *label, struct hull_error *err)
{
    if (label == NULL || label[0] == '\0' || !selinux_enabled())
        return 0;
    int r = selinux_check_label(label, "process.selinuxLabel", err);
    if (r < 0)
        return r;
    return procattr_write("selinux", "keycreate", label, "process.selinuxLabel (key label)", err);
}

/* Filesystems that get no context option: procfs and sysfs keep their
 * per-file labels, cgroup hierarchies and mqueue instances are shared
 * with other mounts (a different context would be refused). */
static bool takes_context(const char *fstype)
{
    static const char *const unlabelled[] = { "proc", "sysfs", "cgroup", "cgroup2", "mqueue",
                                              "bind" };
    if (fstype == NULL || fstype[0] == '\0')
        return false;
    for (size_t i = 0; i < sizeof unlabelled / sizeof unlabelled[0]; i++)
        if (strcmp(fstype, unlabelled[i]) == 0)
            return false;
    return true;
}

int selinux_format_mount_option(const char *mount_label, const char *fstype, char *buf,
                                size_t len)
{
    if (len == 0)
        return -ENAMETOOLONG;
    buf[0] = '\0';
    if (mount_label == NULL || mount_label[0] == '\0' || !takes_context(fstype))
        return 0;
    if (selinux_check_label(mount_label, "linux.mountLabel", NULL) < 0)
        return -EINVAL;
    int n = snprintf(buf, len, "context=\"%s\"", mount_label);
    if (n < 0 || (size_t)n >= len) {
        buf[0] = '\0';
        return -ENAMETOOLONG;
    }
    return n;
}

int selinux_mount_option(const char *mount_label, const char *fstype, char *buf, size_t len)
{
    if (len > 0)
        buf[0] = '\0';
    if (mount_label == NULL || mount_label[0] == '\0' || !selinux_enabled())
        return len > 0 ? 0 : -ENAMETOOLONG;
    return selinux_format_mount_option(mount_label, fstype, buf, len);
}

bool selinux_is_context_option(const char *option)
{
    static const char *const names[] = { "context=", "fscontext=", "defcontext=",
                                         "rootcontext=" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strncmp(option, names[i], strlen(names[i])) == 0)
            return true;
    return false;
}

int selinux_label_mount(int mntfd, const char *mount_label, const char *dest,
                        struct hull_error *err)
{
    if (mount_label == NULL || mount_label[0] == '\0' || !selinux_enabled())
        return 0;
    int r = selinux_check_label(mount_label, "linux.mountLabel", err);
    if (r < 0)
        return r;
    int fd = openat(mntfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return hull_err(err, errno, "label %s", dest);
    r = fsetxattr(fd, SELINUX_XATTR, mount_label, strlen(mount_label) + 1, 0);
    int e = errno;
    close(fd);
    return r < 0 ? hull_err(err, e, "label %s with linux.mountLabel", dest) : 0;
}
