/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Spec mounts of type "cgroup" and "cgroup2". */
#ifndef HULL_MOUNTS_CGROUP_H
#define HULL_MOUNTS_CGROUP_H

#include <stdbool.h>

#include "error.h"
#include "mounts.h"

struct cgroup_mount_req {
    int destfd;                 /* verified mount point */
    const char *dest;           /* its name in config.json, for messages */
    const struct mount_opts *o;
    bool new_cgroupns;          /* the init is in a new cgroup namespace */
    const char *rootfs;         /* host path; mounts under it are not the host's */
};

/* Type "cgroup". On a unified host (cgroup2 at /sys/fs/cgroup): as
 * mounts_cgroup2(). On a legacy or hybrid host: a tmpfs with, for every v1
 * hierarchy of the host, a directory holding either a bind of the
 * container's own cgroup in that hierarchy, or (in a new cgroup namespace)
 * a new mount of the hierarchy; merged hierarchies ("cpu,cpuacct") get a
 * symlink per controller. The unified (v2) part of a hybrid host is not
 * mounted. Returns an O_PATH fd of the top mount. */
int mounts_cgroup(const struct cgroup_mount_req *req, struct hull_error *err);

/* Type "cgroup2": a new cgroup2 mount, or where that is refused (EPERM,
 * EBUSY: a user namespace without its own cgroup namespace) a recursive
 * bind of the host's cgroup2 mount. Returns the mount's fd. */
int mounts_cgroup2(int destfd, const char *dest, const struct mount_opts *o,
                   struct hull_error *err);

#endif
