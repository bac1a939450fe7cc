/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* process.capabilities through libcap and prctl. */
#ifndef HULL_CAPS_H
#define HULL_CAPS_H

#include <sys/capability.h>

#include "error.h"
#include "spec.h"

/* "CAP_SYS_ADMIN" -> 21. Only the upper-case "CAP_" spelling is accepted.
 * Returns -EINVAL for a name libcap does not know. */
int caps_from_name(const char *name);

/* Upper-case name of a capability number into buf ("CAP_42" when libcap
 * has no name for it). */
void caps_to_name(int cap, char *buf, size_t len);

/* The highest capability number the running kernel knows. */
int caps_last_cap(void);

/* Apply a process.capabilities object: drop from the bounding set every
 * capability it does not list, set effective, permitted and inheritable,
 * then the ambient set (only the capabilities also permitted and
 * inheritable, which the kernel requires). With c->present false every
 * set ends up empty.
 * Names libcap knows but the kernel does not are skipped. */
int caps_apply(const struct spec_caps *c, struct hull_error *err);

/* Copy the permitted set into the effective set (after a uid change with
 * PR_SET_KEEPCAPS the effective set is empty). *saved receives the state
 * before, for caps_restore. */
int caps_raise_effective(cap_t *saved, struct hull_error *err);
void caps_restore(cap_t saved);

#endif
