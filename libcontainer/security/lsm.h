/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Linux security module settings of a container process, as the init
 * (or an exec'd process) applies them: process.apparmorProfile,
 * process.selinuxLabel and linux.mountLabel.
 *
 * A profile or process label that is asked for but whose LSM is not
 * enabled is an error (runc refuses both as well); linux.mountLabel is
 * ignored when SELinux is not enabled (it only means something to a
 * policy). */
#ifndef HULL_LSM_H
#define HULL_LSM_H

#include "error.h"
#include "spec.h"

struct lsm_labels {
    const char *apparmor_profile;   /* NULL or "" for none */
    const char *selinux_label;
    const char *mount_label;
};

/* The labels process p runs with: its own profile and label, else the
 * container's (a process started by exec that names none gets those of
 * the container, as with runc and crun); the mount label of config. */
struct lsm_labels lsm_labels_of(const struct spec *config, const struct spec_process *p);

/* Before anything of the container is set up or joined, while the host's
 * /sys and /proc are in view: validate the names, probe which LSMs are
 * enabled (the answers are cached for the later steps and for the mount
 * code) and refuse a profile or label that cannot be applied. */
int lsm_prepare(const struct lsm_labels *l, struct hull_error *err);

/* Before the session keyring is joined: label the keys the init creates
 * with the SELinux label (nothing without SELinux). */
int lsm_set_key_label(const struct lsm_labels *l, struct hull_error *err);

/* After no_new_privs, before the capabilities are dropped: make the
 * program's execve enter the AppArmor profile and the SELinux label. */
int lsm_set_exec_labels(const struct lsm_labels *l, struct hull_error *err);

#endif
