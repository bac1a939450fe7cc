/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The state directory: ROOT/ID/{state.json,config.json,exec.fifo}.
 *
 * A container ID is claimed atomically: the directory is populated under a
 * temporary name and renamed into place with RENAME_NOREPLACE, so readers
 * never see an ID without its state.json, and of two concurrent claims
 * exactly one wins. Removal renames the directory away first. */
#ifndef HULL_STATE_H
#define HULL_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

#define HULL_ID_MAX 1024
#define HULL_DEFAULT_ROOT "/run/hull"
#define HULL_OCI_VERSION "1.2.0"

enum container_status {
    STATUS_CREATING, STATUS_CREATED, STATUS_RUNNING, STATUS_PAUSED, STATUS_STOPPED
};

struct container_state {
    char *id;
    char *bundle;
    char *rootfs;
    size_t n_annotations;
    struct state_annotation { char *key, *value; } *annotations;
    char created[64];             /* RFC 3339 */
    pid_t pid;                    /* 0 until the init exists */
    unsigned long long start_time;/* of pid, for pid-reuse detection */
    uid_t owner;
    enum container_status stored; /* creating or created */
    char *cgroup_path;            /* NULL without a cgroup */
};

const char *state_status_name(enum container_status s);

/* ^[A-Za-z0-9_+.-]+$ up to HULL_ID_MAX, not "." or "..". */
int state_validate_id(const char *id, struct hull_error *err);

/* Open (creating with mode 0700 when create is set) the state root. */
int state_root_open(const char *root, bool create, int *rootfd, struct hull_error *err);

/* Claim ID in rootfd with st as its first state.json and cfg (may be NULL)
 * as its config.json copy; *dirfd is the new directory. */
int state_claim(int rootfd, const struct container_state *st, const char *cfg, size_t cfg_len,
                int *dirfd, struct hull_error *err);

/* Open an existing container's directory ("container \"x\" does not exist"). */
int state_open(int rootfd, const char *id, int *dirfd, struct hull_error *err);

/* flock the container directory (exclusive or shared). */
int state_lock(int dirfd, bool exclusive, struct hull_error *err);

int state_read(int dirfd, struct container_state *st, struct hull_error *err);
int state_write(int dirfd, const struct container_state *st, struct hull_error *err);
void state_free(struct container_state *st);

/* Status derived from the stored one and the live process. */
enum container_status state_status(int dirfd, const struct container_state *st);

/* Whether st->pid is still the process that was started (not reused). */
bool state_pid_alive(const struct container_state *st);

/* The state JSON as `hull state` prints it and hooks receive it. */
char *state_to_json(const struct container_state *st, enum container_status status, bool pretty);

/* Rename ROOT/ID away, then remove it. Missing is not an error. */
int state_remove(int rootfd, const char *id, struct hull_error *err);

/* A second, tiny record of the init ("PID STARTTIME [CGROUP]") so that
 * delete --force can still find the process and its cgroup when
 * state.json is damaged. *cgroup is malloc'ed or NULL. */
int state_write_pid_record(int dirfd, pid_t pid, unsigned long long start_time,
                           const char *cgroup, struct hull_error *err);
int state_read_pid_record(int dirfd, pid_t *pid, unsigned long long *start_time, char **cgroup);

/* Remove the temporary directories of claims and removals whose hull
 * process was killed. */
void state_sweep_stale(int rootfd);

/* Parse a serialised state (exposed for tests and fuzzing). */
int state_parse(const char *json, size_t len, struct container_state *st, struct hull_error *err);

#endif
