/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pieces of container.c that exec.c shares. */
#ifndef HULL_CONTAINER_INTERNAL_H
#define HULL_CONTAINER_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"
#include "state.h"

/* An existing container, its directory locked and its status derived. */
struct handle {
    int rootfd, dirfd;
    struct container_state st;
    enum container_status status;
};

int handle_open(const char *root, const char *id, bool exclusive, struct handle *h,
                struct hull_error *err);
void handle_close(struct handle *h);

/* The config.json copy kept in the state directory. */
int load_saved_spec(int dirfd, struct spec *s, struct hull_error *err);

int write_pid_file(const char *path, pid_t pid, struct hull_error *err);

/* Hand a seccomp listener fd to linux.seccomp.listenerPath and tell the
 * process on sync_fd that it may go on. Closes fd. */
int forward_seccomp_listener(const struct spec_seccomp *sc, const struct container_state *st,
                             int fd, pid_t pid, int sync_fd, struct hull_error *err);

#endif
