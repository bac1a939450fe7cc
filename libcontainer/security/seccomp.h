/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.seccomp compiled to a BPF program with libseccomp and loaded with
 * seccomp(2) directly, so every filter flag the kernel knows is available. */
#ifndef HULL_SECCOMP_H
#define HULL_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

struct seccomp_prog {
    void *insns;                 /* struct sock_filter[] */
    size_t len;                  /* number of instructions */
    unsigned int flags;          /* SECCOMP_FILTER_FLAG_* */
    bool notify;                 /* has SCMP_ACT_NOTIFY rules: a listener fd results */
};

/* Compile (in the runtime, before clone): errors name the spec field. */
int seccomp_compile(const struct spec_seccomp *s, struct seccomp_prog *out, struct hull_error *err);

/* Load into the calling process; *listener gets the notify fd (or -1). */
int seccomp_load_prog(const struct seccomp_prog *p, int *listener, struct hull_error *err);

void seccomp_prog_free(struct seccomp_prog *p);

/* Hand the listener fd to the agent at s->listener_path with the
 * container process state (runtime-spec "seccompFd"). */
int seccomp_send_to_agent(const struct spec_seccomp *s, int listener, pid_t pid,
                          const char *state_json, struct hull_error *err);

#endif
