/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container process's own attributes, applied by the init (or an exec'd
 * process) in its final namespaces, in this order:
 *   process_apply_sysctl, process_apply_rlimits, process_setup_terminal,
 *   process_set_oom_score_adj, process_apply_scheduling,
 *   process_set_identity (keeps caps), process_chdir,
 *   process_set_no_new_privs, (LSM labels), process_apply_caps, (seccomp),
 *   process_exec. */
#ifndef HULL_PROCESS_H
#define HULL_PROCESS_H

#include <sched.h>
#include <stddef.h>

#include "error.h"
#include "spec.h"

/* linux.sysctl via /proc/sys (fds verified on procfs). Keys with '.' or '/'. */
int process_apply_sysctl(const struct kv_list *sysctl, struct hull_error *err);

/* A sysctl key as a path below /proc/sys, as sysctl(8) reads it: when the
 * first separator is '.', dots and slashes swap ("net.ipv4.ip_forward" ->
 * "net/ipv4/ip_forward", "net.ipv4.conf.eth0/1.rp_filter" ->
 * "net/ipv4/conf/eth0.1/rp_filter"); otherwise the key is used as is.
 * -EINVAL for an empty, absolute, "." or ".." component; -ENAMETOOLONG. */
int process_sysctl_path(const char *key, char *out, size_t len);

int process_apply_rlimits(const struct spec_process *p, struct hull_error *err);

/* Write oomScoreAdj to /proc/self/oom_score_adj (if set). */
int process_set_oom_score_adj(const struct spec_process *p, struct hull_error *err);

/* scheduler, ioPriority, personality, execCPUAffinity (initial, then
 * final: the caller is already in its cgroup). */
int process_apply_scheduling(const struct spec *s, struct hull_error *err);

/* "0-3,5" -> set. -EINVAL on bad syntax, -ERANGE for a cpu >= CPU_SETSIZE. */
int process_parse_cpu_list(const char *list, cpu_set_t *set);

/* sched_setaffinity from a cpu list (no-op when NULL or empty); field
 * names the config entry in errors ("process.execCPUAffinity.final"). */
int process_set_cpu_affinity(const char *list, const char *field, struct hull_error *err);

/* When p->terminal: open a pty pair (from /dev/ptmx of the new root; the
 * slave checked to be its peer on devpts), set the console size, bind the
 * slave onto /dev/console (created if missing, never through a symlink),
 * send the master over console_sock (SCM_RIGHTS), then setsid and make
 * the slave the controlling terminal and fds 0-2. -EINVAL with
 * "process.terminal requires --console-socket" when console_sock < 0. */
int process_setup_terminal(const struct spec_process *p, int console_sock,
                           struct hull_error *err);

/* setgroups(additionalGids), setresgid, setresuid, umask (0022 when
 * unset); keeps the permitted capabilities across the uid change
 * (PR_SET_KEEPCAPS). Stdio pipes, sockets and pty are handed to the uid.
 * setgroups denied in a user namespace is fine with no additionalGids. */
int process_set_identity(const struct spec_process *p, bool userns, struct hull_error *err);

/* Before the root is made read-only (runc does the same): create
 * process.cwd (0755, owned by the runtime) inside rootfd, the rootfs
 * directory, when it is missing. */
int process_create_cwd(const struct spec_process *p, int rootfd, struct hull_error *err);

/* The caller's stdio may be a read-only /dev/null of the host (ctr
 * --null-io): such fds are replaced by the container's /dev/null opened
 * read-write, after it is checked to be the 1:3 device. */
int process_reopen_dev_null(struct hull_error *err);

/* chdir(process.cwd), which must resolve inside the new root; a missing
 * cwd is created (0755) as the container user. */
int process_chdir(const struct spec_process *p, bool create, struct hull_error *err);

/* process.capabilities: bounding set dropped, then the other sets, ambient
 * last. With no capabilities object the process keeps none. */
int process_apply_caps(const struct spec_process *p, struct hull_error *err);

int process_set_no_new_privs(const struct spec_process *p, struct hull_error *err);

/* Look args[0] up in PATH from process.env (when it has no '/'); fills
 * path (PATH_MAX). */
int process_find_executable(const struct spec_process *p, char *path, size_t len,
                            struct hull_error *err);

/* The final environment: process.env plus HOME from the container's
 * /etc/passwd when it is not set (as runc does). Call after pivot_root. */
int process_prepare_env(const struct spec_process *p, char ***envp, struct hull_error *err);

/* execve(path, args, envp). Returns only on failure. */
int process_exec(const struct spec_process *p, const char *path, char **envp,
                 struct hull_error *err);

/* Validate names: "CAP_SYS_ADMIN" -> value, -EINVAL if unknown. */
int process_cap_from_name(const char *name);

#endif
