/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount(8)-style options of a spec mount, and single mount operations made
 * with the new mount API on verified O_PATH fds: a new filesystem
 * (fsopen/fsconfig/fsmount), a bind (open_tree), attaching (move_mount),
 * and mount attributes and propagation (mount_setattr). No path is walked
 * here except a bind's host source. */
#ifndef HULL_MOUNTS_H
#define HULL_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "spec.h"

#define MOUNT_MAX_PROPAGATION 8

struct mount_opts {
    unsigned long set, clr;         /* MS_* flags asked to be set / cleared */
    uint64_t rec_set, rec_clr;      /* MOUNT_ATTR_* for the whole tree ("rro", "rnosuid") */
    unsigned long propagation[MOUNT_MAX_PROPAGATION]; /* MS_SHARED.. (| MS_REC), in order */
    size_t n_propagation;
    bool bind, recursive, remount, tmpcopyup;
    char *data;                     /* filesystem options ("mode=755,size=1m") or NULL */
    const char *label;              /* linux.mountLabel for a new filesystem, or NULL */
};

/* Parse a spec mount's options. Unknown options become filesystem data.
 * "idmap"/"ridmap" are refused (ID-mapped mounts are not supported). */
int mount_opts_parse(const struct str_list *options, struct mount_opts *o,
                     struct hull_error *err);
void mount_opts_free(struct mount_opts *o);

/* Put item ("mode=0755") in front of the filesystem data, so that options
 * given in the spec still override it. */
int mount_opts_prepend_data(struct mount_opts *o, const char *item, struct hull_error *err);

/* The per-mount MS_* flags (ro, nosuid, nodev, noexec, nodiratime,
 * nosymfollow) of ms as MOUNT_ATTR_* bits. */
uint64_t mount_flags_to_attr(unsigned long ms);

/* "rshared" -> MS_SHARED | MS_REC, ...; -EINVAL if unknown. */
int mount_propagation_from_name(const char *name, unsigned long *flags);

/* Flags for mount_new(). */
#define MOUNT_DEFER_RO 0x1u   /* leave "ro" for mount_finish_readonly() */
#define MOUNT_COPYUP   0x2u   /* copy the covered directory into the new fs */

/* Create a filesystem of type (source may be NULL) with o's flags and data
 * (and, with SELinux enabled, o->label as its context unless the data names
 * one or the type takes none, see selinux_mount_option), attach it on
 * destfd. Returns an O_PATH fd of the new mount's root.
 * dest names the mount point in messages. */
int mount_new(int destfd, const char *dest, const char *type, const char *source,
              const struct mount_opts *o, unsigned flags, struct hull_error *err);

/* Bind the host path source (recursive with "rbind") on destfd, with the
 * asked flags set or cleared on the top mount; flags not mentioned keep
 * the source's values. Returns an O_PATH fd of the new mount's root. */
int mount_bind(int destfd, const char *dest, const char *source, const struct mount_opts *o,
               struct hull_error *err);

/* Bind the file or directory open as srcfd (any fd, O_PATH is enough) on
 * destfd, with the MOUNT_ATTR_* flags attr_set added (to every mount of
 * the tree when recursive). Returns the new mount's fd. */
int mount_bind_fd(int srcfd, int destfd, bool recursive, uint64_t attr_set, const char *dest,
                  struct hull_error *err);

/* "remount": change the mount already at destfd (its flags; for a
 * non-bind remount also its filesystem data). */
int mount_remount(int destfd, const char *dest, const struct mount_opts *o,
                  struct hull_error *err);

/* Propagation options and recursive attributes of o on the mount mntfd,
 * after it was attached; with defer_ro a recursive "ro" is left out. */
int mount_apply_late(int mntfd, const char *dest, const struct mount_opts *o, bool defer_ro,
                     struct hull_error *err);

/* The read-only part of o left out by MOUNT_DEFER_RO, on the mount mntfd. */
int mount_finish_readonly(int mntfd, const char *dest, const struct mount_opts *o,
                          struct hull_error *err);

/* mount_setattr(fd, "", AT_EMPTY_PATH [| AT_RECURSIVE]) with the given
 * MOUNT_ATTR_* set/clear and propagation (0 = unchanged). */
int mount_set_attr(int mntfd, bool recursive, uint64_t set, uint64_t clr,
                   unsigned long propagation, const char *dest, struct hull_error *err);

/* Change the propagation of mntfd: MS_SHARED/SLAVE/PRIVATE/UNBINDABLE,
 * recursively with MS_REC. */
int mount_set_propagation(int mntfd, unsigned long flags, const char *dest,
                          struct hull_error *err);

/* move_mount(mntfd -> destfd). */
int mount_attach(int mntfd, int destfd, const char *dest, struct hull_error *err);

#endif
