/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cgroup manager: one interface over cgroup v2 (unified) and v1
 * (legacy, or hybrid with a cgroup2 mount at /sys/fs/cgroup/unified).
 *
 * A container's cgroup is named by one path below the root of every
 * hierarchy. On v1 hull makes that directory in every mounted hierarchy
 * (name=systemd and, on hybrid hosts, the cgroup2 one included) and moves
 * processes into all of them; on v2 there is one directory.
 *
 * Every function returns 0 or a negative errno and then fills err with a
 * message that names the field or the file: "linux.resources.memory.limit:
 * cgroup /hull/c1/memory.max: write 100: Device or resource busy". */
#ifndef HULL_CGROUPS_H
#define HULL_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

struct cgroup;

enum cgroup_mode {
    CGROUP_V1,   /* legacy or hybrid */
    CGROUP_V2,   /* unified */
};

/* v2 when /sys/fs/cgroup is a cgroup2 file system, else v1. */
enum cgroup_mode cgroup_host_mode(void);

enum cgroup_driver {
    CGROUP_DRIVER_CGROUPFS = 0,
    /* "slice:prefix:name" paths as systemd names them, made directly in
     * cgroupfs (no D-Bus, no transient unit): see cgroup_new. */
    CGROUP_DRIVER_SYSTEMD = 1,
    /* Transient units through systemd's D-Bus API: not implemented. */
    CGROUP_DRIVER_SYSTEMD_DBUS = 2,
};

/* Where the cgroup of a container lives when linux.cgroupsPath is absent. */
#define HULL_CGROUP_DEFAULT_PARENT "/hull"

/* Compute the container's cgroup (nothing is created yet).
 *
 * cgroupfs driver:
 *   "/a/b"  below the root of each hierarchy (as seen in this mount
 *           namespace);
 *   "a/b"   below the caller's own cgroup in each hierarchy, as runc: on v1
 *           the cgroup listed in /proc/self/cgroup, on v2 its parent (unless
 *           it is a systemd slice), which holds no processes;
 *   NULL or "" -> "/hull/<id>".
 *   ".." components, ';' and newlines are refused, as are paths that name
 *   the root or the caller's own cgroup.
 * systemd driver: "slice:prefix:name" becomes "<slice>/<prefix>-<name>.scope"
 *   with the slice expanded ("a-b.slice" -> "/a.slice/a-b.slice"; "" is
 *   "system.slice"); NULL or "" is "system.slice:hull:<id>". The directory
 *   is made in cgroupfs without asking systemd, which therefore does not
 *   know the unit. CGROUP_DRIVER_SYSTEMD_DBUS fails with ENOTSUP.
 * id is only used for the defaults. */
int cgroup_new(const char *cgroups_path, const char *id, enum cgroup_driver driver,
               struct cgroup **out, struct hull_error *err);

/* Make the directories (enabling on v2 every available controller in the
 * ancestors' cgroup.subtree_control; on a hybrid host's cgroup2 hierarchy
 * only those the resources need) and apply linux.resources (res may be
 * NULL). A field whose controller is missing is an error naming the field
 * ("linux.resources.pids.limit: pids controller not available") unless the
 * value is unset. Devices rules are used exactly as given: see
 * cgroup_device_rules_with_defaults. A cgroup that already has processes
 * is refused (EBUSY) and marked foreign: cgroup_destroy then leaves it
 * alone and cgroup_kill_all refuses. On failure call cgroup_destroy to
 * remove what was made. */
int cgroup_create(struct cgroup *cg, const struct spec_resources *res, struct hull_error *err);

/* On v2: a directory fd of the container's cgroup, usable for clone3()
 * CLONE_INTO_CGROUP; owned by cg (valid until cgroup_free). -1 on v1 or
 * before cgroup_create/cgroup_open_path. */
int cgroup_leaf_fd(struct cgroup *cg);

/* Move process pid into the cgroup of every hierarchy. */
int cgroup_enter(struct cgroup *cg, pid_t pid, struct hull_error *err);

/* Apply res to an existing cgroup. Device rules are replaced only when
 * res has some (n_devices > 0). */
int cgroup_update(struct cgroup *cg, const struct spec_resources *res, struct hull_error *err);

/* Freeze or thaw, waiting (at most 5 s) until the state is reached: v2
 * cgroup.freeze and cgroup.events, v1 freezer.state. */
int cgroup_freeze(struct cgroup *cg, bool frozen, struct hull_error *err);
/* Whether the cgroup is frozen or freezing (v2: cgroup.freeze is 1; v1:
 * freezer.state is not THAWED); false when it does not exist, -ENOTSUP
 * without a freezer. */
int cgroup_is_frozen(struct cgroup *cg, bool *frozen);

/* The processes in the cgroup and its descendants, in every hierarchy,
 * sorted (malloc'ed; *pids may be NULL when *n is 0). A missing cgroup has
 * none. */
int cgroup_pids(struct cgroup *cg, pid_t **pids, size_t *n, struct hull_error *err);

/* Send sig to every process. SIGKILL uses cgroup.kill where the kernel has
 * it (on hybrid hosts the v1 hierarchies are then swept as well);
 * otherwise the cgroup is frozen while signalled (when a freezer is
 * available; it is left frozen if it was frozen before), and SIGKILL is
 * repeated until the cgroup is empty or 5 s have passed. */
int cgroup_kill_all(struct cgroup *cg, int sig, struct hull_error *err);

/* SIGKILL what is left, wait (at most 5 s) until empty, remove the
 * directory (and sub-cgroups) in every hierarchy, and the default parent
 * /hull when empty. Missing directories are not errors. */
int cgroup_destroy(struct cgroup *cg, struct hull_error *err);

/* Statistics for `events --stats`. UINT64_MAX means "no limit". */
struct cgroup_io_stat {
    uint32_t major, minor;
    uint64_t read_bytes, write_bytes, read_ios, write_ios;
};

struct cgroup_hugetlb_stat {
    char page_size[16];          /* "2MB" */
    uint64_t usage, max_usage, failcnt, limit;
};

struct cgroup_stats {
    struct {
        bool present;
        uint64_t usage, limit, max_usage, failcnt;
        uint64_t memsw_usage, memsw_limit;   /* memory+swap, as v1 counts it */
        uint64_t cache, rss;                 /* v2: "file" and "anon" */
        uint64_t oom_kill;                   /* processes killed by the OOM killer */
        uint64_t oom;                        /* times the limit was hit and OOM ran (v2) */
    } memory;
    struct {
        bool present;
        uint64_t total_ns, user_ns, kernel_ns;
        size_t n_percpu;                     /* v1 only */
        uint64_t *percpu_ns;
        uint64_t periods, throttled_periods, throttled_ns;
    } cpu;
    struct {
        bool present;
        uint64_t current, limit;
    } pids;
    size_t n_io;
    struct cgroup_io_stat *io;
    size_t n_hugetlb;
    struct cgroup_hugetlb_stat *hugetlb;
};

/* Fill st (zeroed first). Sections whose controller is missing stay
 * !present / empty. Free with cgroup_stats_free. */
int cgroup_stats(struct cgroup *cg, struct cgroup_stats *st, struct hull_error *err);
void cgroup_stats_free(struct cgroup_stats *st);

/* For state.json: a string that cgroup_open_path turns back into the same
 * cgroup, whatever the cgroup of the calling process. Usually the path
 * ("/hull/c1"); "KEY:PATH;KEY:PATH..." when a relative cgroupsPath
 * resolved differently in different v1 hierarchies. */
const char *cgroup_path(const struct cgroup *cg);
int cgroup_open_path(const char *path, struct cgroup **out, struct hull_error *err);

enum cgroup_mode cgroup_get_mode(const struct cgroup *cg);

void cgroup_free(struct cgroup *cg);

/* The device rules runc applies: those of res, then rwm for every device in
 * linux.devices, then the usual allowances (mknod of any character or block
 * device; null, zero, full, random, urandom, tty, console, ptmx and the
 * pts devices). *rules is malloc'ed; the strings point to static storage
 * or into res/devs. */
int cgroup_device_rules_with_defaults(const struct spec_resources *res,
                                      const struct spec_device *devs, size_t n_devs,
                                      struct spec_device_rule **rules, size_t *n_rules,
                                      struct hull_error *err);

#endif
