/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exec: start another process inside a created or running container. */
#ifndef HULL_EXEC_H
#define HULL_EXEC_H

#include <sys/types.h>

#include "error.h"
#include "spec.h"

struct exec_opts {
    const char *root;
    const char *id;
    const struct spec *config;            /* the container's config (container_load_config) */
    const struct spec_process *process;   /* what to run */
    const char *pid_file;                 /* NULL: none */
    int console_fd;                       /* -1 unless process->terminal */
    int preserve_fds;
};

/* The config the container was created with (its saved copy). */
int container_load_config(const char *root, const char *id, struct spec *s, struct hull_error *err);

/* Start the process in the container's namespaces; on success it has
 * exec'd and is a child of the caller (*pid). */
int container_exec(const struct exec_opts *o, pid_t *pid, struct hull_error *err);

#endif
