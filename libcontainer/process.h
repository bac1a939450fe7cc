/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container process's own attributes, applied by the init (or an exec'd
 * process) in its final namespaces, in this order:
 *   process_apply_sysctl, process_apply_rlimits, process_setup_terminal,
 *   process_set_oom_score_adj, process_apply_scheduling,
 *   process_set_identity (keeps caps), process_chdir, process_apply_caps,
 *   process_set_no_new_privs, (seccomp), process_exec. */
#ifndef HULL_PROCESS_H
#define HULL_PROCESS_H

#include "error.h"
#include "spec.h"

/* linux.sysctl via /proc/sys (fds verified on procfs). Keys with '.' or '/'. */
int process_apply_sysctl(const struct kv_list *sysctl, struct hull_error *err);

int process_apply_rlimits(const struct spec_process *p, struct hull_error *err);

/* Write oomScoreAdj to /proc/self/oom_score_adj (if set). */
int process_set_oom_score_adj(const struct spec_process *p, struct hull_error *err);

/* scheduler, ioPriority, personality, execCPUAffinity.initial. */
int process_apply_scheduling(const struct spec *s, struct hull_error *err);

/* When p->terminal: setsid, open a pty pair (from /dev/ptmx of the new
 * root), make the slave the controlling terminal and fds 0-2, set the
 * console size, and send the master over console_sock (SCM_RIGHTS). */
int process_setup_terminal(const struct spec_process *p, int console_sock,
                           struct hull_error *err);

/* setgroups(additionalGids), setresgid, setresuid, umask; keeps the
 * permitted capabilities across the uid change (PR_SET_KEEPCAPS). */
int process_set_identity(const struct spec_process *p, bool userns, struct hull_error *err);

/* chdir(process.cwd), which must resolve inside the new root. */
int process_chdir(const struct spec_process *p, struct hull_error *err);

/* process.capabilities: bounding set dropped, then the other sets, ambient
 * last. With no capabilities object the process keeps none. */
int process_apply_caps(const struct spec_process *p, struct hull_error *err);

int process_set_no_new_privs(const struct spec_process *p, struct hull_error *err);

/* Look args[0] up in PATH from process.env (when it has no '/'); fills
 * path (PATH_MAX). */
int process_find_executable(const struct spec_process *p, char *path, size_t len,
                            struct hull_error *err);

/* execve(path, args, env). Returns only on failure. */
int process_exec(const struct spec_process *p, const char *path, struct hull_error *err);

/* Validate names: "CAP_SYS_ADMIN" -> value, -EINVAL if unknown. */
int process_cap_from_name(const char *name);

#endif
