/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Checkpoint and restore through the criu(8) binary.
 *
 * criu is run with fork + execvp and an explicit argv ("criu" is looked up
 * in PATH). Its log goes to dump.log / restore.log in the work directory
 * (the image directory unless another is given); a failure is reported with
 * the first error line of that log. */
#ifndef HULL_CRIU_H
#define HULL_CRIU_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/* Options checkpoint and restore share. */
struct criu_opts {
    const char *image_path;          /* required */
    const char *work_path;           /* NULL: image_path */
    const char *manage_cgroups_mode; /* soft, full, strict, ignore; NULL: criu's default */
    bool empty_net_ns;               /* --empty-ns network */
    bool tcp_established, ext_unix_sk, shell_job, file_locks, lazy_pages, auto_dedup;
};

struct checkpoint_opts {
    const char *root, *id;
    struct criu_opts c;
    const char *parent_path;         /* --prev-images-dir, relative to image_path */
    const char *page_server;         /* ADDRESS:PORT, or NULL */
    int status_fd;                   /* inherited fd criu signals readiness on, or -1 */
    bool leave_running, pre_dump, tcp_skip_in_flight, link_remap;
};

struct restore_opts {
    const char *root, *id;
    struct criu_opts c;
    const char *bundle;              /* NULL: the current directory */
    const char *pid_file;            /* NULL: none */
    int console_fd;                  /* connected --console-socket, or -1 */
    const char *lsm_profile, *lsm_mount_context;
    bool systemd_cgroup;             /* cgroupsPath is "slice:prefix:name" */
};

/* Run `criu check` (output discarded): "criu not found" or "criu cannot
 * work on this system: criu check failed". */
int criu_check(struct hull_error *err);

/* "soft", "full", "strict" or "ignore" (NULL is accepted: criu's default). */
int criu_validate_cgroups_mode(const char *mode, struct hull_error *err);

/* --empty-ns TYPE: criu can leave only the network namespace empty
 * ("network", or criu's "net"). */
int criu_empty_ns(const char *type, struct criu_opts *c, struct hull_error *err);

/* Dump (or pre-dump) a running container's process tree to o->c.image_path.
 * Without leave_running (and pre_dump) the processes are gone afterwards and
 * the container derives to stopped; nothing is deleted. */
int container_checkpoint(const struct checkpoint_opts *o, struct hull_error *err);

/* Claim o->id from the bundle as create does and restore its processes
 * from o->c.image_path. On success the container is running and *pid, its
 * init, is a child of the caller (criu restores it as criu's sibling). On
 * failure nothing is left: no state directory, no process. */
int container_restore(const struct restore_opts *o, pid_t *pid, struct hull_error *err);

#endif
