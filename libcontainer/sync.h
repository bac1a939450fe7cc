/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The parent <-> container-init protocol over one SOCK_SEQPACKET
 * socketpair. Each message is a header, optionally followed by one payload
 * packet of hdr.len bytes (an error text or the state JSON for hooks). */
#ifndef HULL_SYNC_H
#define HULL_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum sync_type {
    SYNC_GO = 1,           /* parent -> init: id maps written, cgroup joined */
    SYNC_HOOKS_REQUEST,    /* init -> parent: mounts ready, run prestart/createRuntime */
    SYNC_HOOKS_DONE,       /* parent -> init: payload is the state JSON */
    SYNC_READY,            /* init -> parent: waiting for start */
    SYNC_ERROR,            /* init -> parent: payload is the message, code the errno */
    SYNC_SECCOMP_FD,       /* init -> parent: carries the seccomp listener fd */
    SYNC_SECCOMP_DONE,     /* parent -> init: the listener fd was handed on */
};

struct sync_hdr {
    uint32_t type;
    int32_t code;
    uint32_t len;
};

int sync_socketpair(int fds[2], struct hull_error *err);

int sync_send(int sock, enum sync_type type, int code, const void *payload, size_t len);

/* Send a header-only message carrying one fd (SCM_RIGHTS). */
int sync_send_fd(int sock, enum sync_type type, int fd);

/* Receive one message; *payload (malloc'ed, NUL-terminated) when len > 0,
 * *fd the passed fd or -1 (fd may be NULL: a passed fd is then closed).
 * Returns -ECONNRESET when the peer closed the socket. */
int sync_recv(int sock, struct sync_hdr *hdr, char **payload, int *fd);

/* Receive and require a given type; an SYNC_ERROR from the init becomes
 * err with its text; EOF becomes "container init exited during setup". */
int sync_expect(int sock, enum sync_type type, char **payload, struct hull_error *err);

#endif
