/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json (OCI runtime-spec 1.2, Linux) as typed C structs.
 *
 * Strings point into the parsed yajl tree owned by struct spec and live as
 * long as it does; arrays are allocated by the parser. Absent optional
 * values have .set == false (opt_*) or are NULL (strings, pointers);
 * absent arrays have n == 0. Unknown fields are ignored. */
#ifndef HULL_SPEC_H
#define HULL_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

typedef struct { bool set; int64_t v; } opt_i64;
typedef struct { bool set; uint64_t v; } opt_u64;
typedef struct { bool set; bool v; } opt_bool;

struct str_list { size_t n; const char **v; };
struct kv { const char *key; const char *value; };
struct kv_list { size_t n; struct kv *v; };

struct spec_id_mapping { uint32_t container_id, host_id, size; };
struct spec_id_mappings { size_t n; struct spec_id_mapping *v; };

struct spec_mount {
    const char *destination;         /* required */
    const char *type;                /* may be NULL */
    const char *source;              /* may be NULL */
    struct str_list options;
    struct spec_id_mappings uid_mappings, gid_mappings;
};

struct spec_rlimit { int resource; /* RLIMIT_* */ const char *type; uint64_t hard, soft; };

struct spec_caps { struct str_list bounding, effective, inheritable, permitted, ambient; bool present; };

struct spec_user {
    uint32_t uid, gid;
    opt_u64 umask;                   /* 0..0777 */
    size_t n_additional_gids;
    gid_t *additional_gids;
    const char *username;
};

struct spec_scheduler {
    bool present;
    const char *policy;              /* SCHED_OTHER, SCHED_FIFO, ... */
    int policy_value;                /* SCHED_* constant */
    opt_i64 nice, priority;
    struct str_list flags;
    opt_u64 runtime, deadline, period;
};

struct spec_io_priority { bool present; const char *klass; int class_value; int64_t priority; };

struct spec_process {
    bool terminal;
    opt_u64 console_height, console_width;
    const char *cwd;                 /* required, absolute */
    struct str_list env;
    struct str_list args;            /* required, non-empty */
    size_t n_rlimits;
    struct spec_rlimit *rlimits;
    const char *apparmor_profile;
    struct spec_caps capabilities;
    bool no_new_privileges;
    opt_i64 oom_score_adj;           /* -1000..1000 */
    struct spec_scheduler scheduler;
    const char *selinux_label;
    struct spec_io_priority io_priority;
    const char *exec_cpu_affinity_initial, *exec_cpu_affinity_final;
    struct spec_user user;
};

struct spec_hook {
    const char *path;                /* required, absolute */
    struct str_list args, env;
    opt_i64 timeout;                 /* seconds, > 0 */
};
struct spec_hook_list { size_t n; struct spec_hook *v; };

enum spec_hook_kind {
    HOOK_PRESTART, HOOK_CREATE_RUNTIME, HOOK_CREATE_CONTAINER,
    HOOK_START_CONTAINER, HOOK_POSTSTART, HOOK_POSTSTOP, HOOK_KIND_COUNT
};

enum spec_ns_type {
    NS_PID, NS_NETWORK, NS_MOUNT, NS_IPC, NS_UTS, NS_USER, NS_CGROUP, NS_TIME, NS_TYPE_COUNT
};

struct spec_namespace { enum spec_ns_type type; const char *path; /* NULL: create new */ };

struct spec_time_offset { bool set; int64_t secs; uint32_t nanosecs; };

struct spec_device {
    char type;                       /* 'c', 'b', 'u', 'p' */
    const char *path;                /* required, absolute */
    int64_t major, minor;            /* required for c/b/u */
    opt_u64 file_mode;               /* 0..07777 */
    opt_u64 uid, gid;
};

struct spec_device_rule {
    bool allow;
    char type;                       /* 'a' (all, also when absent), 'c', 'b' */
    opt_i64 major, minor;            /* unset = wildcard */
    const char *access;              /* subset of "rwm", NULL = "rwm" */
};

struct spec_weight_device { int64_t major, minor; opt_u64 weight, leaf_weight; };
struct spec_throttle_device { int64_t major, minor; uint64_t rate; };
struct spec_throttle_list { size_t n; struct spec_throttle_device *v; };

struct spec_resources {
    bool present;
    size_t n_devices;
    struct spec_device_rule *devices;
    struct {
        bool present;
        opt_i64 limit, reservation, swap, kernel, kernel_tcp;
        opt_u64 swappiness;
        opt_bool disable_oom_killer, use_hierarchy, check_before_update;
    } memory;
    struct {
        bool present;
        opt_u64 shares, period, realtime_period, burst;
        opt_i64 quota, realtime_runtime, idle;
        const char *cpus, *mems;
    } cpu;
    struct { bool present; opt_i64 limit; } pids;
    struct {
        bool present;
        opt_u64 weight, leaf_weight;
        size_t n_weight_device;
        struct spec_weight_device *weight_device;
        struct spec_throttle_list throttle_read_bps, throttle_write_bps,
                                  throttle_read_iops, throttle_write_iops;
    } block_io;
    size_t n_hugepage_limits;
    struct spec_hugepage_limit { const char *page_size; uint64_t limit; } *hugepage_limits;
    struct {
        bool present;
        opt_u64 class_id;
        size_t n_priorities;
        struct spec_net_priority { const char *name; uint32_t priority; } *priorities;
    } network;
    size_t n_rdma;
    struct spec_rdma { const char *device; opt_u64 hca_handles, hca_objects; } *rdma;
    struct kv_list unified;
};

struct spec_seccomp_arg { uint32_t index; uint64_t value, value_two; const char *op; /* SCMP_CMP_* name */ };

struct spec_seccomp_syscall {
    struct str_list names;
    const char *action;              /* required */
    opt_u64 errno_ret;
    size_t n_args;
    struct spec_seccomp_arg *args;
};

struct spec_seccomp {
    bool present;
    const char *default_action;      /* required when present */
    opt_u64 default_errno_ret;
    struct str_list architectures, flags;
    const char *listener_path, *listener_metadata;
    size_t n_syscalls;
    struct spec_seccomp_syscall *syscalls;
};

struct spec_personality { bool present; const char *domain; struct str_list flags; };

struct spec_intel_rdt {
    bool present;
    const char *clos_id, *l3_cache_schema, *mem_bw_schema;
    struct str_list schemata;        /* an array, or one string (older spec) */
    bool enable_monitoring;
    bool enable_cmt, enable_mbm;     /* enableCMT, enableMBM (runtime-spec 1.2) */
};

struct spec_linux {
    size_t n_namespaces;
    struct spec_namespace *namespaces;
    struct spec_id_mappings uid_mappings, gid_mappings;
    struct spec_time_offset time_monotonic, time_boottime;
    size_t n_devices;
    struct spec_device *devices;
    const char *cgroups_path;
    struct spec_resources resources;
    const char *rootfs_propagation;  /* shared|slave|private|unbindable|rshared|rslave|rprivate|runbindable */
    struct spec_seccomp seccomp;
    struct kv_list sysctl;
    struct str_list masked_paths, readonly_paths;
    const char *mount_label;
    struct spec_personality personality;
    struct spec_intel_rdt intel_rdt;
    struct kv_list net_devices;      /* host name -> name in container (NULL: same) */
};

struct spec {
    void *tree;                      /* yajl_val owning every string */
    const char *oci_version;         /* required */
    const char *root_path;           /* required on Linux */
    bool root_readonly;
    size_t n_mounts;
    struct spec_mount *mounts;
    bool has_process;
    struct spec_process process;
    const char *hostname, *domainname;
    struct spec_hook_list hooks[HOOK_KIND_COUNT];
    struct kv_list annotations;
    bool has_linux;
    struct spec_linux linux_;
};

/* Parse a config.json held in memory (need not be NUL-terminated). On
 * failure fills err with a message naming the JSON path
 * ("process.args[2]: expected string") and returns a negative errno. */
int spec_parse(const char *json, size_t len, struct spec *out, struct hull_error *err);

/* Parse a bare process object (`exec --process FILE`) into out->process;
 * errors are named "process.args[0]: ..." like those of a whole config. */
int spec_parse_process(const char *json, size_t len, struct spec *out, struct hull_error *err);

/* Parse a bare linux.resources object (`update --resources FILE`) into
 * out->linux_.resources. */
int spec_parse_resources(const char *json, size_t len, struct spec *out, struct hull_error *err);

/* Read and parse BUNDLE/config.json (opened without following a symlink
 * at the last component and without blocking on a FIFO). */
int spec_load(int bundle_dirfd, struct spec *out, struct hull_error *err);

void spec_free(struct spec *s);

/* The linux.namespaces entry of that type, or NULL. */
const struct spec_namespace *spec_find_namespace(const struct spec *s, enum spec_ns_type t);

/* "pid", "network", ... */
const char *spec_ns_name(enum spec_ns_type t);
int spec_ns_clone_flag(enum spec_ns_type t);
const char *spec_hook_kind_name(enum spec_hook_kind k);

#endif
