/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The last steps before execve, shared by the container init and by
 * processes started with exec: rlimits, terminal, identity, cwd,
 * no_new_privs, AppArmor profile and SELinux label, capabilities,
 * seccomp. */
#ifndef HULL_FINISH_H
#define HULL_FINISH_H

#include <limits.h>
#include <stdbool.h>

#include "error.h"
#include "security/seccomp.h"
#include "spec.h"

struct finish_ctx {
    const struct spec *spec;             /* the container's config */
    const struct spec_process *process;  /* the process to run */
    const struct seccomp_prog *seccomp;  /* NULL without a filter */
    int console_fd;                      /* -1 without a console socket */
    int sync_fd;                         /* to the runtime, for the listener fd */
    bool new_userns;
    bool create_cwd;                     /* make a missing cwd (the init; not exec) */
    char exe[PATH_MAX];                  /* filled by finish_setup */
    char **envp;                         /* filled by finish_setup */
};

/* Everything up to and including no_new_privs, the LSM labels and the
 * capability drop. */
int finish_setup(struct finish_ctx *f, struct hull_error *err);

/* Load a filter that waited until now, then execve. Right before execve
 * "0" is written to notify_fd (if >= 0; close-on-exec); a failure before
 * that is written there as text. Returns only on failure. */
int finish_exec(struct finish_ctx *f, int notify_fd, struct hull_error *err);

#endif
