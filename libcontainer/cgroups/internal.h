/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared between the files of the cgroup manager; not part of its
 * interface (see cgroups.h). */
#ifndef HULL_CGROUPS_INTERNAL_H
#define HULL_CGROUPS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroups.h"
#include "error.h"
#include "spec.h"

/* Controllers hull knows by name. v1 and v2 names differ only for the
 * block I/O controller (blkio / io). */
enum cg_ctrl {
    CG_CPU, CG_CPUACCT, CG_CPUSET, CG_MEMORY, CG_DEVICES, CG_FREEZER, CG_BLKIO,
    CG_PIDS, CG_HUGETLB, CG_NET_CLS, CG_NET_PRIO, CG_RDMA, CG_MISC, CG_PERF_EVENT,
    CG_CTRL_COUNT
};

#define CG_BIT(c) (1u << (c))

/* Name of a controller on v1 / on v2 (NULL when it has no v2 form). */
const char *cg_ctrl_v1_name(enum cg_ctrl c);
const char *cg_ctrl_v2_name(enum cg_ctrl c);
/* Controller called name on v1 (v2 == false) or v2; -1 if unknown. */
int cg_ctrl_from_name(const char *name, bool v2);
/* Bits of the controllers named in a list separated by any of seps. */
unsigned cg_ctrl_mask(const char *list, const char *seps, bool v2);

/* One mounted hierarchy and the container's directory in it. */
struct cg_hier {
    char *mountpoint;     /* "/sys/fs/cgroup/memory" */
    char *mount_root;     /* the mount's root inside the hierarchy, "/" */
    char *key;            /* "cpu,cpuacct", "name=systemd"; "" for cgroup2 */
    unsigned mask;        /* CG_BIT()s of the controllers it carries */
    bool v2;              /* a cgroup2 hierarchy (the only one, or hybrid) */
    char *path;           /* the container's cgroup, "/a/b" below mountpoint */
    int fd;               /* that directory, or -1 until opened */
};

#define CG_MAX_HIER 24

struct cgroup {
    enum cgroup_mode mode;
    size_t n;
    struct cg_hier h[CG_MAX_HIER];
    char *serial;         /* cgroup_path() */
    bool foreign;         /* found with processes by cgroup_create: not ours */
};

/* ---- cgroups.c: paths, directories, files --------------------------------- */

/* Maximum length of a cgroup path below a mount point. */
#define CG_PATH_MAX 4096

/* Normalise a linux.cgroupsPath for the cgroupfs driver: collapse "//",
 * drop "." components, refuse "..", ';', newlines, components longer than
 * NAME_MAX and paths that name the root (or, relative, the caller's own
 * cgroup). out gets "/a/b" or "a/b"; *absolute tells which. */
int cg_path_clean(const char *in, char *out, size_t len, bool *absolute, struct hull_error *err);

/* The cgroup directory that systemd would use for "slice:prefix:name"
 * (NULL or "" means "system.slice:hull:<id>"): "/system.slice/hull-<id>.scope".
 * A slice "a-b.slice" expands to "/a.slice/a-b.slice", "-.slice" is the
 * root; a name ending in ".slice" is used as is instead of a scope. */
int cg_systemd_path(const char *spec, const char *id, char *out, size_t len,
                    struct hull_error *err);

/* Base for a relative cgroupsPath: own is the caller's cgroup as listed in
 * /proc/self/cgroup, mount_root the mount's root (mountinfo field 4).
 * On pure v2 (sibling == true) the base is the parent of own unless own is
 * a systemd slice, so that the new cgroup is not below a cgroup that has
 * processes. out gets an absolute path below the mount point. */
int cg_relative_base(const char *own, const char *mount_root, bool sibling, char *out,
                     size_t len, struct hull_error *err);

/* Join base ("/" or "/x") and a relative path ("a/b"): "/x/a/b". */
int cg_path_join(const char *base, const char *rel, char *out, size_t len,
                 struct hull_error *err);

/* cgroup_path() form: one path shared by every hierarchy, or
 * "KEY:PATH;KEY:PATH..." when they differ. */
int cg_serialize(struct cgroup *cg, struct hull_error *err);
/* The path stored for hierarchy key in a serialised form; NULL when the
 * form lists hierarchies and key is not among them. *len gets its length. */
const char *cg_serial_lookup(const char *serial, const char *key, size_t *len);

/* Fill cg->mode and cg->h[] (paths unset) from /proc/self/mountinfo. */
int cg_detect(struct cgroup *cg, struct hull_error *err);
/* The cgroup of the calling process in hierarchy h, from /proc/self/cgroup. */
int cg_own_cgroup(const struct cg_hier *h, char *out, size_t len, struct hull_error *err);

/* The hierarchy that carries controller c (v1 first, then cgroup2; on
 * cgroup2 the device filter and the freezer are built in), or NULL. */
struct cg_hier *cg_find(struct cgroup *cg, enum cg_ctrl c);

/* Open (and with create, make) the container's directory in h. Returns the
 * fd (owned by h) or a negative errno; -ENOENT without a message when it
 * does not exist and create is false. */
int cg_hier_open(struct cg_hier *h, bool create, struct hull_error *err);

/* Called for each (parent, child) pair while walking down a path. */
typedef int (*cg_level_fn)(int parent_fd, int child_fd, const char *child_path, void *arg,
                           struct hull_error *err);
/* Walk h->path from the mount point, opening (with create, making) every
 * component but the last skip_last; fn (may be NULL) sees each step.
 * Returns the fd of the last directory reached (the mount point when
 * nothing is walked), -ENOENT without a message when a component is
 * missing and create is false. */
int cg_walk(struct cg_hier *h, bool create, size_t skip_last, cg_level_fn fn, void *arg,
            struct hull_error *err);

/* Call fn for each subdirectory of dfd (path names it in messages); stops
 * at the first negative return, which fn must have described in err. */
typedef int (*cg_subdir_fn)(int dfd, const char *name, void *arg);
int cg_foreach_subdir(int dfd, const char *path, cg_subdir_fn fn, void *arg,
                      struct hull_error *err);

/* Write value to file in h's directory. On failure the message is
 * "cgroup /a/b/FILE: write VALUE: strerror". */
int cg_write(struct cg_hier *h, const char *file, const char *value, struct hull_error *err);
int cg_write_at(int dfd, const char *dir, const char *file, const char *value,
                struct hull_error *err);
int cg_write_u64(struct cg_hier *h, const char *file, uint64_t v, struct hull_error *err);
int cg_write_i64(struct cg_hier *h, const char *file, int64_t v, struct hull_error *err);
/* Read a small control file (NUL-terminated, trailing newline removed). */
int cg_read(struct cg_hier *h, const char *file, char **out, struct hull_error *err);
int cg_read_at(int dfd, const char *file, char **out, struct hull_error *err);
/* A number, "max" reading as UINT64_MAX. */
int cg_read_u64(struct cg_hier *h, const char *file, uint64_t *v, struct hull_error *err);
/* Whether file exists in h's directory. */
bool cg_has_file(struct cg_hier *h, const char *file);
/* Value of "key N" in a flat keyed file ("memory.events", "cpu.stat"). */
int cg_keyed_u64(const char *text, const char *key, uint64_t *v);

/* Monotonic milliseconds; sleep. */
uint64_t cg_now_ms(void);
void cg_sleep_ms(unsigned ms);

/* The io entry for major:minor in st, appended when new; NULL on ENOMEM. */
struct cgroup_io_stat *cg_io_entry(struct cgroup_stats *st, uint32_t major, uint32_t minor);
/* The hugetlb entry for a page size, appended when new; NULL on ENOMEM. */
struct cgroup_hugetlb_stat *cg_hugetlb_entry(struct cgroup_stats *st, const char *size);

/* Error "FIELD: CTRL controller not available" (v1 or v2 name of CTRL). */
int cg_no_ctrl(struct hull_error *err, const char *field, enum cg_ctrl c, bool v2);

/* Pids listed in h's cgroup.procs and below (recursively), appended. */
int cg_hier_pids(struct cg_hier *h, pid_t **pids, size_t *n, struct hull_error *err);

/* ---- v1.c ---------------------------------------------------------------- */

/* Make the container's directory in a v1 hierarchy, seeding cpuset.cpus
 * and cpuset.mems from the parent where they are empty. */
int v1_prepare(struct cg_hier *h, struct hull_error *err);
int v1_memory(struct cg_hier *h, const struct spec_resources *r, bool update, struct hull_error *err);
int v1_cpu(struct cg_hier *h, const struct spec_resources *r, struct hull_error *err);
int v1_blkio(struct cg_hier *h, const struct spec_resources *r, struct hull_error *err);
int v1_hugetlb(struct cg_hier *h, const struct spec_resources *r, struct hull_error *err);
int v1_net_cls(struct cg_hier *h, const struct spec_resources *r, struct hull_error *err);
int v1_net_prio(struct cg_hier *h, const struct spec_resources *r, struct hull_error *err);
int v1_devices(struct cg_hier *h, const struct spec_resources *r, struct hull_error *err);
int v1_freeze(struct cg_hier *h, bool frozen, struct hull_error *err);
int v1_is_frozen(struct cg_hier *h, bool *frozen);
int v1_stats(struct cgroup *cg, struct cgroup_stats *st, struct hull_error *err);

/* ---- v2.c ---------------------------------------------------------------- */

/* Enable the controllers in mask (those available) in every ancestor's
 * cgroup.subtree_control, then make the container's directory. */
int v2_prepare(struct cg_hier *h, unsigned mask, struct hull_error *err);
/* Re-read the controllers enabled for the container's cgroup into h->mask. */
int v2_refresh_mask(struct cg_hier *h, struct hull_error *err);
int v2_memory(struct cg_hier *h, const struct spec_resources *r, bool update, struct hull_error *err);
int v2_cpu(struct cg_hier *h, const struct spec_resources *r, struct hull_error *err);
int v2_io(struct cg_hier *h, const struct spec_resources *r, struct hull_error *err);
int v2_hugetlb(struct cg_hier *h, const struct spec_resources *r, struct hull_error *err);
int v2_unified(struct cg_hier *h, const struct kv_list *u, struct hull_error *err);
int v2_freeze(struct cg_hier *h, bool frozen, struct hull_error *err);
int v2_is_frozen(struct cg_hier *h, bool *frozen);
/* Write cgroup.kill; -ENOENT (no message) when the kernel lacks it. */
int v2_kill(struct cg_hier *h, struct hull_error *err);
int v2_stats(struct cg_hier *h, struct cgroup_stats *st, struct hull_error *err);
/* hugetlb.<size>.* of a cgroup2 directory (also used on hybrid hosts);
 * returns 0 or -ENOMEM. */
int v2_hugetlb_stats(struct cg_hier *h, struct cgroup_stats *st);
/* Controllers (CG_BIT) that a unified key set needs; error for bad keys. */
int v2_unified_mask(const struct kv_list *u, unsigned *mask, struct hull_error *err);

/* Shared by v1 and v2 (same file format), in cgroups.c. */
int cg_cpuset(struct cg_hier *h, const struct spec_resources *r, struct hull_error *err);
int cg_pids_limit(struct cg_hier *h, const struct spec_resources *r, struct hull_error *err);
int cg_rdma(struct cg_hier *h, const struct spec_resources *r, struct hull_error *err);

/* ---- devices_bpf.c ------------------------------------------------------- */

struct bpf_insn;

/* Build a BPF_PROG_TYPE_CGROUP_DEVICE program for rules (OCI order: for each
 * access bit, the last rule that matches the device and carries that bit
 * decides; no match allows). *insns is malloc'ed. */
int cg_devices_program(const struct spec_device_rule *rules, size_t n,
                       struct bpf_insn **insns, size_t *n_insns, struct hull_error *err);
/* Load the program, attach it to the cgroup directory dfd with
 * BPF_F_ALLOW_MULTI, then detach the programs attached there before. */
int cg_devices_bpf_apply(int dfd, const struct spec_device_rule *rules, size_t n,
                         struct hull_error *err);

/* ---- convert.c: pure value conversions ------------------------------------ */

/* cpu.shares (2..262144) to cpu.weight (1..10000); 0 stays 0 (unset). */
uint64_t cg_shares_to_weight(uint64_t shares);
/* blkio.weight (10..1000) to io.weight (1..10000); 0 stays 0 (unset). */
uint64_t cg_blkio_to_io_weight(uint64_t weight);
/* OCI memory.swap (memory+swap) and limit to memory.swap.max: *write
 * false means "leave alone"; else *out is -1 for "max" or the swap-only
 * amount (0 when swap == limit: no swap). */
int cg_swap_v2(int64_t swap, int64_t limit, bool *write, int64_t *out, struct hull_error *err);
/* "max" for -1, the number for >= 0; -EINVAL below -1. */
int cg_fmt_max(int64_t v, char *buf, size_t len);
/* cpu.max from quota/period: "QUOTA PERIOD" / "max PERIOD"; returns 0 and
 * an empty string when neither is set (or quota is 0 and period unset). */
int cg_fmt_cpu_max(opt_i64 quota, opt_u64 period, char *buf, size_t len, struct hull_error *err);
/* v1 devices.allow/deny lines for one rule: one or two ("c" and "b" when
 * a type-'a' rule is not a full wildcard). Returns the count. */
int cg_v1_device_lines(const struct spec_device_rule *r, char lines[2][64],
                       struct hull_error *err);
/* Access bits (BPF_DEVCG_ACC_*) of an OCI access string (NULL = "rwm"). */
int cg_device_access_bits(const char *access);
/* Whether a rule matches every device with every access. */
bool cg_device_rule_is_wildcard(const struct spec_device_rule *r);
/* "MAJ:MIN rbps=RATE" (rate 0 = "max"). */
int cg_fmt_io_max(const struct spec_throttle_device *t, const char *key, char *buf, size_t len);
/* "DEV hca_handle=N hca_object=N" (only the keys that are set). */
int cg_fmt_rdma(const struct spec_rdma *r, char *buf, size_t len, struct hull_error *err);
/* "2MB", "1GB", "64KB": digits then K, M or G then B. */
bool cg_page_size_valid(const char *s);
/* A unified key "ctrl.file": refuses '/', "..", keys without a dot and the
 * core files the manager owns (cgroup.procs, ...). ctrl gets the prefix. */
int cg_unified_key(const char *key, char *ctrl, size_t len, struct hull_error *err);

#endif
