/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container init: runs in the cloned child, finishes every setup step,
 * waits for `start` on the exec FIFO and execs the user's program. */
#ifndef HULL_INIT_H
#define HULL_INIT_H

#include <stdbool.h>

#include "namespaces.h"
#include "security/seccomp.h"
#include "spec.h"

struct init_args {
    const struct spec *spec;
    const char *rootfs;          /* absolute, resolved */
    const char *bundle;          /* absolute, resolved */
    const struct ns_joins *joins;
    int sync_fd;                 /* our end of the socketpair */
    int fifo_fd;                 /* O_PATH fd of the exec FIFO */
    int state_dirfd;             /* the container's state directory */
    int console_fd;              /* -1 without a console socket */
    int preserve_fds;
    const struct seccomp_prog *seccomp; /* NULL without linux.seccomp */
    bool new_userns;
    bool wait_go;                /* wait for SYNC_GO before anything else */
    bool unshare_cgroupns;       /* make the cgroup namespace after SYNC_GO */
    bool no_pivot;
    bool no_new_keyring;
};

/* Never returns. Errors before READY go to the parent as SYNC_ERROR;
 * later ones to stderr. */
__attribute__((noreturn)) void init_main(const struct init_args *a);

#endif
