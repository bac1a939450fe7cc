/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The lifecycle verbs as library calls. */
#ifndef HULL_CONTAINER_H
#define HULL_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "state.h"

struct container_opts {
    const char *root;            /* state root, e.g. /run/hull */
    const char *id;
    const char *bundle;          /* NULL: the current directory */
    const char *pid_file;        /* NULL: none */
    int console_fd;              /* connected console socket, or -1 */
    bool no_pivot;
    bool no_new_keyring;
    int preserve_fds;            /* extra fds 3..3+N-1 passed to the process */
    bool console_optional;       /* console_fd is used only if process.terminal */
    bool systemd_cgroup;         /* cgroupsPath is "slice:prefix:name" */
};

struct container_created {
    pid_t pid;                   /* the init, a child of the caller */
    bool terminal;               /* the pty master was sent to console_fd */
};

/* Create the container: on return the init waits for start and is a child
 * of the calling process. */
int container_create(const struct container_opts *o, struct container_created *out,
                     struct hull_error *err);

/* Let the init exec the user's program and run the poststart hooks. A
 * failing poststart hook leaves its message in warn (msg[0] != 0) only. */
int container_start(const char *root, const char *id, struct hull_error *err,
                    struct hull_error *warn);

/* Send sig to the init (or, with all, to every process of the container). */
int container_kill(const char *root, const char *id, int sig, bool all, struct hull_error *err);

/* Returns 1 (not an error) with a warning in err when a poststop hook failed. */
int container_delete(const char *root, const char *id, bool force, struct hull_error *err);

/* The state JSON of one container (pretty-printed), malloc'ed. */
int container_state_json(const char *root, const char *id, char **json, struct hull_error *err);

struct container_info {
    struct container_state st;
    enum container_status status;
};

/* Every container under root, sorted by id. A missing root is an empty list. */
int container_list(const char *root, struct container_info **list, size_t *n,
                   struct hull_error *err);
void container_list_free(struct container_info *list, size_t n);

/* Connect to a --console-socket path (AF_UNIX stream). */
int container_connect_console(const char *path, int *fd, struct hull_error *err);

#endif
