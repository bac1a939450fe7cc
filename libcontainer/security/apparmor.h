/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* process.apparmorProfile: the profile the container process enters when
 * it executes its program, set through /proc/thread-self/attr (see
 * procattr.h) without libapparmor. */
#ifndef HULL_APPARMOR_H
#define HULL_APPARMOR_H

#include <stdbool.h>

#include "error.h"

/* Longest profile name accepted ("exec " and the name must fit one
 * attribute write). */
#define APPARMOR_PROFILE_MAX 3990

/* Whether the kernel runs AppArmor: the module reports itself enabled
 * ("Y" in /sys/module/apparmor/parameters/enabled) and its securityfs
 * directory /sys/kernel/security/apparmor exists. Probed once, then
 * cached: call it before the container's root replaces the host's /sys. */
bool apparmor_enabled(void);

/* Validate a profile name: 1..APPARMOR_PROFILE_MAX bytes, no control
 * characters, no leading or trailing blank (the kernel would strip it and
 * confine the process with another profile than the one asked for). */
int apparmor_check_profile(const char *profile, struct hull_error *err);

/* apparmor_check_profile, and -EOPNOTSUPP when AppArmor is not enabled.
 * A NULL or empty profile passes. */
int apparmor_check_usable(const char *profile, struct hull_error *err);

/* Make the next execve of the calling thread enter profile ("exec
 * <profile>" written to attr/apparmor/exec, or attr/exec on kernels
 * without the per-LSM directory). A NULL or empty profile does nothing.
 * -EOPNOTSUPP when AppArmor is not enabled: a profile that was asked for
 * is never silently dropped. -ENOENT (with a hint) when no such profile is
 * loaded. */
int apparmor_exec_profile(const char *profile, struct hull_error *err);

#endif
