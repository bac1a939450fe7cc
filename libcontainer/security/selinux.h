/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* process.selinuxLabel and linux.mountLabel. Labels are written to
 * /proc/thread-self/attr through verified procfs fds (procattr.h); the
 * mount label becomes a context="..." filesystem option. No libselinux
 * call is needed. */
#ifndef HULL_SELINUX_H
#define HULL_SELINUX_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Longest label accepted. */
#define SELINUX_LABEL_MAX 4000

/* Whether SELinux is enabled: selinuxfs is mounted (/sys/fs/selinux or
 * /selinux) and a policy is loaded (the caller's context is not
 * "kernel"). Probed once, then cached: call it before the container's
 * root replaces the host's. */
bool selinux_enabled(void);

/* Validate a label: 1..SELINUX_LABEL_MAX bytes, no blank, control
 * character or '"' (it is quoted in mount options). what names the field
 * in messages ("process.selinuxLabel"). */
int selinux_check_label(const char *label, const char *what, struct hull_error *err);

/* selinux_check_label, and -EOPNOTSUPP when SELinux is not enabled. A
 * NULL or empty label passes. */
int selinux_check_usable(const char *label, struct hull_error *err);

/* Make the next execve of the calling thread run with label (setexeccon).
 * A NULL or empty label does nothing. -EOPNOTSUPP when SELinux is not
 * enabled: a label that was asked for is never silently dropped. */
int selinux_exec_label(const char *label, struct hull_error *err);

/* Label the keys the calling thread creates, the session keyring first
 * (setkeycreatecon). Nothing for a NULL or empty label or when SELinux is
 * not enabled (selinux_exec_label reports that case). */
int selinux_key_label(const char *label, struct hull_error *err);

/* The mount option that labels a new filesystem of type fstype with
 * mount_label: `context="<label>"` in buf, as mount(8) takes it. buf is
 * left empty (return 0) when SELinux is not enabled, mount_label is NULL
 * or empty, or the type is labelled otherwise (proc, sysfs, cgroup,
 * cgroup2, bind; mqueue instances are shared, see selinux_label_mount).
 * Returns the length written, -EINVAL for a bad label or -ENAMETOOLONG
 * when it does not fit len. */
int selinux_mount_option(const char *mount_label, const char *fstype, char *buf, size_t len);

/* selinux_mount_option whether or not SELinux is enabled. */
int selinux_format_mount_option(const char *mount_label, const char *fstype, char *buf,
                                size_t len);

/* Whether a mount option names an SELinux context (context=, fscontext=,
 * defcontext=, rootcontext=): a mount that has one keeps it. */
bool selinux_is_context_option(const char *option);

/* Label the root directory of the mount mntfd (security.selinux xattr),
 * for filesystems whose superblock is shared and cannot take a context
 * option (mqueue). Nothing when SELinux is not enabled or the label is
 * NULL or empty. dest names the mount in messages. */
int selinux_label_mount(int mntfd, const char *mount_label, const char *dest,
                        struct hull_error *err);

#endif
