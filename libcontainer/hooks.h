/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef HULL_HOOKS_H
#define HULL_HOOKS_H

#include "error.h"
#include "spec.h"

/* Run every hook of a list in order: fork, execve(path, args, env) with the
 * container state JSON on stdin, stdout/stderr inherited, wait with the hook's
 * timeout (SIGKILL after it). Returns an error naming the hook kind, index and
 * path when one fails (non-zero exit, signal, timeout). */
int hooks_run(const struct spec_hook_list *list, enum spec_hook_kind kind,
              const char *state_json, struct hull_error *err);

#endif
