/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container's root filesystem, built by the init inside its new mount
 * namespace: propagation, the rootfs bind, linux.devices and the default
 * devices, /dev symlinks, mounts, pivot_root, masked/read-only paths.
 *
 * The rootfs and config.json are treated as hostile: every destination is
 * resolved inside the rootfs (openat2 RESOLVE_IN_ROOT, missing components
 * created relative to verified directory fds) and every mount is made on
 * the resulting fd with the new mount API, never on a re-walked string. */
#ifndef HULL_ROOTFS_H
#define HULL_ROOTFS_H

#include <stdbool.h>

#include "error.h"
#include "spec.h"

struct rootfs_ctx {
    const struct spec *spec;
    const char *rootfs;      /* absolute host path, symlinks resolved */
    bool userns;             /* in a new user namespace: no mknod, bind devices */
    bool new_cgroupns;       /* cgroup mounts see the namespace root */
    bool no_pivot;           /* --no-pivot: MS_MOVE + chroot */
};

/* Before the createContainer hooks, in the init's new mount namespace and
 * with its working directory in the bundle (relative bind sources are
 * relative to it; it is not changed):
 *   - "/" becomes recursively slave (or gets linux.rootfsPropagation) and
 *     the mount holding the rootfs private (slave for a slave propagation),
 *     so that nothing leaks to the host and pivot_root works;
 *   - the rootfs is bound onto itself (recursive);
 *   - every spec mount in order, destinations resolved in the rootfs; a
 *     mount on top of the rootfs itself and mounts on or inside /proc
 *     (other than procfs on /proc and the lxcfs files) are refused; "ro"
 *     of tmpfs mounts and of a /dev mount waits for rootfs_finalize;
 *   - unless /dev is a bind mount: the default devices, linux.devices,
 *     the /dev symlinks and /dev/ptmx -> pts/ptmx (see devices.h).
 * /dev/console is left to the terminal code. */
int rootfs_prepare(const struct rootfs_ctx *ctx, struct hull_error *err);

/* pivot_root into the rootfs: pivot_root(".", ".") from inside it, the old
 * root made rslave and detached, then chdir("/"). With no_pivot (for
 * rootfs on ramfs, where pivot_root is impossible): the host's procfs and
 * sysfs mounts are detached (or covered) so that they cannot be reached or
 * reused for new mounts, the rootfs is moved onto "/" and the process
 * chroot()s into it; a [r]private rootfsPropagation is refused then. */
int rootfs_pivot(const struct rootfs_ctx *ctx, struct hull_error *err);

/* After pivot: the delayed "ro" of tmpfs and /dev mounts, maskedPaths (a
 * read-only empty tmpfs over directories, the container's /dev/null, after
 * checking it is the 1:3 character device, over anything else; symlinks
 * and missing paths skipped), readonlyPaths (recursive read-only binds of
 * themselves; missing paths skipped), root.readonly, then
 * linux.rootfsPropagation on "/". */
int rootfs_finalize(const struct rootfs_ctx *ctx, struct hull_error *err);

/* openat2(rootfd, path, flags | O_CLOEXEC) with RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS: path is looked up as if rootfd were "/". Returns
 * the fd or a negative errno (err filled). */
int rootfs_open_in_root(int rootfd, const char *path, int flags, struct hull_error *err);

#endif
