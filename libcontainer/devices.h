/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Device nodes of the container's /dev: the default set (null, zero,
 * full, random, urandom, tty), linux.devices, the /dev symlinks (fd,
 * stdin, stdout, stderr, core) and /dev/ptmx -> pts/ptmx. */
#ifndef HULL_DEVICES_H
#define HULL_DEVICES_H

#include <stdbool.h>

#include "error.h"
#include "spec.h"

/* Create one device at d->path inside rootfd (parents created): mknod
 * with d's type, numbers, mode and owner, or, in a user namespace (or when
 * mknod is refused), a bind of the host node at the same path onto an
 * empty file. An existing node of the same type and numbers is kept; any
 * other non-directory there is replaced; a directory is an error. */
int devices_create(int rootfd, const struct spec_device *d, bool userns, struct hull_error *err);

/* Everything above for a container whose /dev is not a bind mount; runs
 * with umask 0 (restored afterwards). The default devices not named in
 * linux.devices come first. */
int devices_setup(int rootfd, const struct spec *spec, bool userns, struct hull_error *err);

#endif
