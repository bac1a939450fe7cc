/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container's root filesystem, built by the init inside its new mount
 * namespace: propagation, the rootfs bind, linux.devices and the default
 * devices, /dev symlinks, mounts, pivot_root, masked/read-only paths. */
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

/* Before the createContainer hooks: make mount propagation private (or as
 * rootfsPropagation asks), bind the rootfs onto itself, perform every
 * spec mount with destinations resolved inside the rootfs, create devices
 * and /dev symlinks, /dev/pts/ptmx, /dev/shm etc. per the spec. */
int rootfs_prepare(const struct rootfs_ctx *ctx, struct hull_error *err);

/* pivot_root into the rootfs (or MS_MOVE + chroot when no_pivot) and
 * chdir("/"). */
int rootfs_pivot(const struct rootfs_ctx *ctx, struct hull_error *err);

/* After pivot: masked paths, read-only paths, read-only root, final root
 * propagation. */
int rootfs_finalize(const struct rootfs_ctx *ctx, struct hull_error *err);

#endif
