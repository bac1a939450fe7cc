/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cgroup manager's interface: detection, paths, and dispatch of each
 * linux.resources field to the hierarchy that carries its controller. */
#include "internal.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#define EMPTY_TIMEOUT_MS 5000
#define RES "linux.resources"

enum cgroup_mode cgroup_host_mode(void)
{
    struct statfs sfs;

    if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
        return CGROUP_V2;
    return CGROUP_V1;
}

/* ---- construction -------------------------------------------------------------- */

void cgroup_free(struct cgroup *cg)
{
    if (cg == NULL)
        return;
    for (size_t i = 0; i < cg->n; i++) {
        struct cg_hier *h = &cg->h[i];
        if (h->fd >= 0)
            close(h->fd);
        free(h->mountpoint);
        free(h->mount_root);
        free(h->key);
        free(h->path);
    }
    free(cg->serial);
    free(cg);
}

static int default_path(const char *id, char *out, size_t len, struct hull_error *err)
{
    if (id == NULL || id[0] == '\0' || strchr(id, '/') != NULL || strcmp(id, ".") == 0 ||
        strcmp(id, "..") == 0)
        return hull_errx(err, EINVAL, "cgroup: container id \"%s\" cannot name a cgroup",
                         id != NULL ? id : "");
    int k = snprintf(out, len, HULL_CGROUP_DEFAULT_PARENT "/%s", id);
    if (k < 0 || (size_t)k >= len)
        return hull_errx(err, ENAMETOOLONG, "cgroup: container id too long");
    return 0;
}

/* The path below each hierarchy's root for cgroupsPath; *absolute is false
 * when it is relative to the caller's own cgroups. */
static int inner_path(const char *cgroups_path, const char *id, enum cgroup_driver driver,
                      char *out, size_t len, bool *absolute, struct hull_error *err)
{
    char tmp[CG_PATH_MAX];
    int r;

    *absolute = true;
    if (driver == CGROUP_DRIVER_SYSTEMD_DBUS)
        return hull_errx(err, ENOTSUP, "systemd cgroup driver: no systemd D-Bus backend; "
                         "use cgroupfs");
    if (driver == CGROUP_DRIVER_SYSTEMD)
        r = cg_systemd_path(cgroups_path, id, tmp, sizeof tmp, err);
    else if (cgroups_path == NULL || cgroups_path[0] == '\0')
        r = default_path(id, tmp, sizeof tmp, err);
    else
        return cg_path_clean(cgroups_path, out, len, absolute, err);
    return r < 0 ? r : cg_path_clean(tmp, out, len, absolute, err);
}

static int resolve_relative(struct cgroup *cg, struct cg_hier *h, const char *rel,
                            struct hull_error *err)
{
    char own[CG_PATH_MAX], base[CG_PATH_MAX], full[CG_PATH_MAX];
    int r;

    if ((r = cg_own_cgroup(h, own, sizeof own, err)) < 0 ||
        (r = cg_relative_base(own, h->mount_root, cg->mode == CGROUP_V2, base, sizeof base,
                              err)) < 0 ||
        (r = cg_path_join(base, rel, full, sizeof full, err)) < 0)
        return r;
    if ((h->path = strdup(full)) == NULL)
        return hull_err(err, ENOMEM, "cgroup path");
    return 0;
}

int cgroup_new(const char *cgroups_path, const char *id, enum cgroup_driver driver,
               struct cgroup **out, struct hull_error *err)
{
    char inner[CG_PATH_MAX];
    bool absolute;
    struct cgroup *cg;
    int r;

    *out = NULL;
    if ((r = inner_path(cgroups_path, id, driver, inner, sizeof inner, &absolute, err)) < 0)
        return r;
    if ((cg = calloc(1, sizeof *cg)) == NULL)
        return hull_err(err, ENOMEM, "cgroup");
    r = cg_detect(cg, err);
    for (size_t i = 0; r == 0 && i < cg->n; i++) {
        struct cg_hier *h = &cg->h[i];
        if (!absolute)
            r = resolve_relative(cg, h, inner, err);
        else if ((h->path = strdup(inner)) == NULL)
            r = hull_err(err, ENOMEM, "cgroup path");
    }
    if (r == 0)
        r = cg_serialize(cg, err);
    if (r < 0) {
        cgroup_free(cg);
        return r;
    }
    *out = cg;
    return 0;
}

/* 0, or 1 when the stored form does not name h's hierarchy. */
static int stored_path_for(struct cg_hier *h, const char *serial, struct hull_error *err)
{
    char buf[CG_PATH_MAX], clean[CG_PATH_MAX];
    size_t len;
    bool absolute;
    const char *p = cg_serial_lookup(serial, h->key, &len);
    int r;

    if (p == NULL)
        return 1;
    if (len >= sizeof buf)
        return hull_errx(err, ENAMETOOLONG, "cgroup path \"%s\": too long", serial);
    memcpy(buf, p, len);
    buf[len] = '\0';
    if ((r = cg_path_clean(buf, clean, sizeof clean, &absolute, err)) < 0)
        return hull_err_prefix(err, "stored cgroup path");
    if (!absolute)
        return hull_errx(err, EINVAL, "stored cgroup path \"%s\": not absolute", buf);
    if ((h->path = strdup(clean)) == NULL)
        return hull_err(err, ENOMEM, "cgroup path");
    return 0;
}

/* Keep only the hierarchies that the stored form names. */
static void drop_unnamed(struct cgroup *cg)
{
    size_t k = 0;

    for (size_t i = 0; i < cg->n; i++) {
        if (cg->h[i].path != NULL) {
            cg->h[k++] = cg->h[i];
            continue;
        }
        free(cg->h[i].mountpoint);
        free(cg->h[i].mount_root);
        free(cg->h[i].key);
    }
    cg->n = k;
}

int cgroup_open_path(const char *path, struct cgroup **out, struct hull_error *err)
{
    struct cgroup *cg;
    int r;

    *out = NULL;
    if (path == NULL || path[0] == '\0')
        return hull_errx(err, EINVAL, "stored cgroup path: empty");
    if ((cg = calloc(1, sizeof *cg)) == NULL)
        return hull_err(err, ENOMEM, "cgroup");
    r = cg_detect(cg, err);
    for (size_t i = 0; r >= 0 && i < cg->n; i++)
        r = stored_path_for(&cg->h[i], path, err);
    if (r >= 0) {
        drop_unnamed(cg);
        r = cg_serialize(cg, err);
    }
    if (r < 0) {
        cgroup_free(cg);
        return r;
    }
    *out = cg;
    return 0;
}

const char *cgroup_path(const struct cgroup *cg)
{
    return cg->serial;
}

enum cgroup_mode cgroup_get_mode(const struct cgroup *cg)
{
    return cg->mode;
}

int cgroup_leaf_fd(struct cgroup *cg)
{
    if (cg->mode != CGROUP_V2 || cg->n == 0)
        return -1;
    return cg->h[0].fd;
}

/* ---- resources: one dispatcher per section -------------------------------------- */

static bool i64_given(opt_i64 v)
{
    return v.set && v.v != 0;
}

static bool u64_given(opt_u64 v)
{
    return v.set && v.v != 0;
}

static const char *memory_given(const struct spec_resources *r)
{
    if (i64_given(r->memory.limit))
        return "limit";
    if (i64_given(r->memory.reservation))
        return "reservation";
    if (i64_given(r->memory.swap))
        return "swap";
    if (r->memory.swappiness.set)
        return "swappiness";
    if (r->memory.disable_oom_killer.set && r->memory.disable_oom_killer.v)
        return "disableOOMKiller";
    return NULL;
}

static const char *cpu_given(const struct spec_resources *r)
{
    if (u64_given(r->cpu.shares))
        return "shares";
    if (i64_given(r->cpu.quota))
        return "quota";
    if (u64_given(r->cpu.period))
        return "period";
    if (r->cpu.burst.set)
        return "burst";
    if (i64_given(r->cpu.realtime_runtime))
        return "realtimeRuntime";
    if (u64_given(r->cpu.realtime_period))
        return "realtimePeriod";
    if (i64_given(r->cpu.idle))
        return "idle";
    return NULL;
}

static const char *cpuset_given(const struct spec_resources *r)
{
    if (r->cpu.cpus != NULL && r->cpu.cpus[0] != '\0')
        return "cpus";
    if (r->cpu.mems != NULL && r->cpu.mems[0] != '\0')
        return "mems";
    return NULL;
}

static const char *blkio_given(const struct spec_resources *r)
{
    const struct spec_throttle_list *t[] = {
        &r->block_io.throttle_read_bps, &r->block_io.throttle_write_bps,
        &r->block_io.throttle_read_iops, &r->block_io.throttle_write_iops,
    };

    if (u64_given(r->block_io.weight))
        return "weight";
    if (u64_given(r->block_io.leaf_weight))
        return "leafWeight";
    if (r->block_io.n_weight_device > 0)
        return "weightDevice";
    for (size_t i = 0; i < HULL_ARRAY_SIZE(t); i++)
        if (t[i]->n > 0)
            return "throttle";
    return NULL;
}

static int missing(struct cgroup *cg, struct hull_error *err, const char *section,
                   const char *field, enum cg_ctrl c)
{
    char name[96];

    snprintf(name, sizeof name, RES ".%s%s%s", section, field[0] ? "." : "", field);
    return cg_no_ctrl(err, name, c, cg->mode == CGROUP_V2);
}

static int apply_memory(struct cgroup *cg, const struct spec_resources *r, bool update,
                        struct hull_error *err)
{
    struct cg_hier *h = cg_find(cg, CG_MEMORY);
    const char *f = memory_given(r);

    if (f == NULL && !r->memory.present)
        return 0;
    if (h == NULL)
        return f != NULL ? missing(cg, err, "memory", f, CG_MEMORY) : 0;
    return h->v2 ? v2_memory(h, r, update, err) : v1_memory(h, r, update, err);
}

static int apply_cpu(struct cgroup *cg, const struct spec_resources *r, struct hull_error *err)
{
    struct cg_hier *h = cg_find(cg, CG_CPU), *hs = cg_find(cg, CG_CPUSET);
    const char *f = cpu_given(r), *fs = cpuset_given(r);
    int rc = 0;

    if (f != NULL && h == NULL)
        return missing(cg, err, "cpu", f, CG_CPU);
    if (fs != NULL && hs == NULL)
        return missing(cg, err, "cpu", fs, CG_CPUSET);
    if ((f != NULL || r->cpu.idle.set) && h != NULL)
        rc = h->v2 ? v2_cpu(h, r, err) : v1_cpu(h, r, err);
    if (rc == 0 && fs != NULL)
        rc = cg_cpuset(hs, r, err);
    return rc;
}

static int apply_pids(struct cgroup *cg, const struct spec_resources *r, struct hull_error *err)
{
    struct cg_hier *h = cg_find(cg, CG_PIDS);

    if (!i64_given(r->pids.limit))
        return 0;
    if (h == NULL)
        return missing(cg, err, "pids", "limit", CG_PIDS);
    return cg_pids_limit(h, r, err);
}

static int apply_blkio(struct cgroup *cg, const struct spec_resources *r, struct hull_error *err)
{
    struct cg_hier *h = cg_find(cg, CG_BLKIO);
    const char *f = blkio_given(r);

    if (f == NULL)
        return 0;
    if (h == NULL)
        return missing(cg, err, "blockIO", f, CG_BLKIO);
    return h->v2 ? v2_io(h, r, err) : v1_blkio(h, r, err);
}

static int apply_hugetlb(struct cgroup *cg, const struct spec_resources *r,
                         struct hull_error *err)
{
    struct cg_hier *h = cg_find(cg, CG_HUGETLB);

    if (r->n_hugepage_limits == 0)
        return 0;
    if (h == NULL)
        return missing(cg, err, "hugepageLimits", "", CG_HUGETLB);
    return h->v2 ? v2_hugetlb(h, r, err) : v1_hugetlb(h, r, err);
}

static int apply_network(struct cgroup *cg, const struct spec_resources *r,
                         struct hull_error *err)
{
    struct cg_hier *cls = cg_find(cg, CG_NET_CLS), *prio = cg_find(cg, CG_NET_PRIO);
    int rc;

    if (r->network.class_id.set && (cls == NULL || cls->v2))
        return missing(cg, err, "network", "classID", CG_NET_CLS);
    if (r->network.n_priorities > 0 && (prio == NULL || prio->v2))
        return missing(cg, err, "network", "priorities", CG_NET_PRIO);
    if (r->network.class_id.set && (rc = v1_net_cls(cls, r, err)) < 0)
        return rc;
    return r->network.n_priorities > 0 ? v1_net_prio(prio, r, err) : 0;
}

static int apply_rdma(struct cgroup *cg, const struct spec_resources *r, struct hull_error *err)
{
    struct cg_hier *h = cg_find(cg, CG_RDMA);

    if (r->n_rdma == 0)
        return 0;
    if (h == NULL)
        return missing(cg, err, "rdma", "", CG_RDMA);
    return cg_rdma(h, r, err);
}

static int apply_devices(struct cgroup *cg, const struct spec_resources *r,
                         struct hull_error *err)
{
    struct cg_hier *h = cg_find(cg, CG_DEVICES);
    int fd;

    if (r->n_devices == 0)
        return 0;
    if (h == NULL)
        return missing(cg, err, "devices", "", CG_DEVICES);
    if (!h->v2)
        return v1_devices(h, r, err);
    if ((fd = cg_hier_open(h, false, err)) < 0)
        return fd == -ENOENT ? hull_errx(err, ENOENT, "cgroup %s: does not exist", h->path) : fd;
    return cg_devices_bpf_apply(fd, r->devices, r->n_devices, err);
}

static struct cg_hier *find_v2(struct cgroup *cg)
{
    for (size_t i = 0; i < cg->n; i++)
        if (cg->h[i].v2)
            return &cg->h[i];
    return NULL;
}

static int apply_unified(struct cgroup *cg, const struct spec_resources *r,
                         struct hull_error *err)
{
    struct cg_hier *h = find_v2(cg);

    if (r->unified.n == 0)
        return 0;
    if (h == NULL)
        return hull_errx(err, ENOTSUP, RES ".unified.%s: needs cgroup v2", r->unified.v[0].key);
    return v2_unified(h, &r->unified, err);
}

static int apply(struct cgroup *cg, const struct spec_resources *r, bool update,
                 struct hull_error *err)
{
    int rc;

    if (r == NULL)
        return 0;
    if ((rc = apply_memory(cg, r, update, err)) < 0 || (rc = apply_cpu(cg, r, err)) < 0 ||
        (rc = apply_pids(cg, r, err)) < 0 || (rc = apply_blkio(cg, r, err)) < 0 ||
        (rc = apply_hugetlb(cg, r, err)) < 0 || (rc = apply_network(cg, r, err)) < 0 ||
        (rc = apply_rdma(cg, r, err)) < 0 || (rc = apply_devices(cg, r, err)) < 0)
        return rc;
    return apply_unified(cg, r, err);
}

/* Shared by v1 and v2: the files have the same names and formats. */

int cg_cpuset(struct cg_hier *h, const struct spec_resources *r, struct hull_error *err)
{
    if (r->cpu.cpus != NULL && r->cpu.cpus[0] != '\0' &&
        cg_write(h, "cpuset.cpus", r->cpu.cpus, err) < 0)
        return hull_err_prefix(err, RES ".cpu.cpus");
    if (r->cpu.mems != NULL && r->cpu.mems[0] != '\0' &&
        cg_write(h, "cpuset.mems", r->cpu.mems, err) < 0)
        return hull_err_prefix(err, RES ".cpu.mems");
    return 0;
}

/* A negative limit means no limit; 0 is "unset", as in runc. */
int cg_pids_limit(struct cg_hier *h, const struct spec_resources *r, struct hull_error *err)
{
    char buf[32];
    int rc;

    if (!i64_given(r->pids.limit))
        return 0;
    if (r->pids.limit.v < 0)
        snprintf(buf, sizeof buf, "max");
    else
        snprintf(buf, sizeof buf, "%" PRId64, r->pids.limit.v);
    if ((rc = cg_write(h, "pids.max", buf, err)) < 0)
        return hull_err_prefix(err, RES ".pids.limit");
    return 0;
}

int cg_rdma(struct cg_hier *h, const struct spec_resources *r, struct hull_error *err)
{
    for (size_t i = 0; i < r->n_rdma; i++) {
        char line[160];
        int rc = cg_fmt_rdma(&r->rdma[i], line, sizeof line, err);
        if (rc < 0)
            return rc;
        if ((rc = cg_write(h, "rdma.max", line, err)) < 0)
            return hull_err_prefix(err, RES ".rdma.%s", r->rdma[i].device);
    }
    return 0;
}

/* ---- lifecycle ------------------------------------------------------------------- */

/* The v2 controllers the resources need where v1 does not provide them
 * (all of a hybrid host's needs; on pure v2, everything available is
 * enabled anyway). */
static int needed_v2_mask(struct cgroup *cg, const struct spec_resources *r, unsigned *mask,
                          struct hull_error *err)
{
    unsigned want = 0, from_unified = 0;
    int rc;

    *mask = 0;
    if (r == NULL)
        return 0;
    if (memory_given(r) != NULL)
        want |= CG_BIT(CG_MEMORY);
    if (cpu_given(r) != NULL)
        want |= CG_BIT(CG_CPU);
    if (cpuset_given(r) != NULL)
        want |= CG_BIT(CG_CPUSET);
    if (i64_given(r->pids.limit))
        want |= CG_BIT(CG_PIDS);
    if (blkio_given(r) != NULL)
        want |= CG_BIT(CG_BLKIO);
    if (r->n_hugepage_limits > 0)
        want |= CG_BIT(CG_HUGETLB);
    if (r->n_rdma > 0)
        want |= CG_BIT(CG_RDMA);
    if ((rc = v2_unified_mask(&r->unified, &from_unified, err)) < 0)
        return rc;
    for (int c = 0; c < CG_CTRL_COUNT; c++) {
        struct cg_hier *h = cg_find(cg, (enum cg_ctrl)c);
        if ((want & CG_BIT(c)) && (h == NULL || h->v2))
            *mask |= CG_BIT(c);
    }
    *mask |= from_unified;
    return 0;
}

/* A cgroup that already has processes belongs to someone else: sharing it
 * would let destroy and kill reach them. */
static int check_empty(struct cgroup *cg, struct hull_error *err)
{
    pid_t *pids = NULL;
    size_t n = 0;
    int r = cgroup_pids(cg, &pids, &n, err);

    free(pids);
    if (r == 0 && n > 0) {
        cg->foreign = true;
        return hull_errx(err, EBUSY, "cgroup %s: already has %zu processes; not sharing it",
                         cg->serial, n);
    }
    return r;
}

int cgroup_create(struct cgroup *cg, const struct spec_resources *res, struct hull_error *err)
{
    unsigned mask;
    int r = needed_v2_mask(cg, res, &mask, err);

    for (size_t i = 0; r == 0 && i < cg->n; i++) {
        struct cg_hier *h = &cg->h[i];
        if (h->v2)
            r = v2_prepare(h, cg->mode == CGROUP_V2 ? h->mask | mask : mask, err);
        else
            r = v1_prepare(h, err);
    }
    if (r == 0)
        r = check_empty(cg, err);
    return r < 0 ? r : apply(cg, res, false, err);
}

static int open_all(struct cgroup *cg, struct hull_error *err)
{
    for (size_t i = 0; i < cg->n; i++) {
        struct cg_hier *h = &cg->h[i];
        if (h->fd >= 0)
            continue;
        int fd = cg_hier_open(h, false, err);
        if (fd == -ENOENT)
            return hull_errx(err, ENOENT, "cgroup %s: does not exist in %s", h->path,
                             h->mountpoint);
        if (fd < 0)
            return fd;
        if (h->v2 && (fd = v2_refresh_mask(h, err)) < 0)
            return fd;
    }
    return 0;
}

int cgroup_update(struct cgroup *cg, const struct spec_resources *res, struct hull_error *err)
{
    int r = open_all(cg, err);

    return r < 0 ? r : apply(cg, res, true, err);
}

int cgroup_enter(struct cgroup *cg, pid_t pid, struct hull_error *err)
{
    char buf[24];
    int r = open_all(cg, err);

    if (r < 0)
        return r;
    if (pid <= 0)
        return hull_errx(err, EINVAL, "cgroup: bad pid %d", (int)pid);
    snprintf(buf, sizeof buf, "%d", (int)pid);
    for (size_t i = 0; i < cg->n; i++)
        if ((r = cg_write(&cg->h[i], "cgroup.procs", buf, err)) < 0)
            return r;
    return 0;
}

/* ---- freezer, processes, signals --------------------------------------------------- */

int cgroup_freeze(struct cgroup *cg, bool frozen, struct hull_error *err)
{
    struct cg_hier *h = cg_find(cg, CG_FREEZER);

    if (h == NULL)
        return cg_no_ctrl(err, "cgroup freeze", CG_FREEZER, false);
    return h->v2 ? v2_freeze(h, frozen, err) : v1_freeze(h, frozen, err);
}

int cgroup_is_frozen(struct cgroup *cg, bool *frozen)
{
    struct cg_hier *h = cg_find(cg, CG_FREEZER);
    int r;

    *frozen = false;
    if (h == NULL)
        return -ENOTSUP;
    r = h->v2 ? v2_is_frozen(h, frozen) : v1_is_frozen(h, frozen);
    return r == -ENOENT ? 0 : r;
}

static int cmp_pid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

    return (x > y) - (x < y);
}

static size_t sort_unique(pid_t *v, size_t n)
{
    size_t k = 0;

    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_pid);
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[k])
            v[++k] = v[i];
    return k + 1;
}

/* Every hierarchy is read: a process moved by hand, or caught by a fork
 * while cgroup_enter went through the hierarchies, may sit in some only. */
int cgroup_pids(struct cgroup *cg, pid_t **pids, size_t *n, struct hull_error *err)
{
    int r = 0;

    *pids = NULL;
    *n = 0;
    for (size_t i = 0; r == 0 && i < cg->n; i++)
        r = cg_hier_pids(&cg->h[i], pids, n, err);
    if (r < 0) {
        free(*pids);
        *pids = NULL;
        *n = 0;
        return r;
    }
    *n = sort_unique(*pids, *n);
    return 0;
}

/* One pass: signal every process listed; returns how many were listed. */
static int signal_pass(struct cgroup *cg, int sig, size_t *count, struct hull_error *err)
{
    pid_t *pids = NULL;
    size_t n = 0;
    int r = cgroup_pids(cg, &pids, &n, err);

    if (r < 0)
        return r;
    for (size_t i = 0; i < n; i++)
        if (kill(pids[i], sig) < 0 && errno != ESRCH) {
            r = hull_err(err, errno, "cgroup %s: kill %d", cg->serial, (int)pids[i]);
            break;
        }
    free(pids);
    *count = n;
    return r;
}

/* cgroup.kill of the cgroup2 hierarchy (on hybrid hosts it holds the
 * processes too); -ENOENT when not usable. */
static int kill_v2(struct cgroup *cg, struct hull_error *err)
{
    struct cg_hier *h = find_v2(cg);

    if (h == NULL || cg_hier_open(h, false, NULL) < 0)
        return -ENOENT;
    return v2_kill(h, err);
}

/* Signal while frozen, so that no fork slips through. Other signals leave
 * the cgroup as it was (a paused container gets them when resumed); after
 * SIGKILL it is thawed, paused or not, since a v1-frozen process cannot
 * die, and swept again until empty. */
static int signal_frozen(struct cgroup *cg, int sig, struct hull_error *err)
{
    bool was_frozen = false, frozen = false;
    uint64_t deadline = cg_now_ms() + EMPTY_TIMEOUT_MS;
    size_t n = 0;
    int r;

    if (cgroup_is_frozen(cg, &was_frozen) == 0)
        frozen = was_frozen || cgroup_freeze(cg, true, NULL) == 0;
    do {
        r = signal_pass(cg, sig, &n, err);
        if (sig == SIGKILL && frozen && cgroup_freeze(cg, false, NULL) == 0)
            frozen = false;
        if (r < 0 || sig != SIGKILL || n == 0)
            break;
        cg_sleep_ms(10);
    } while (cg_now_ms() < deadline);
    if (frozen && !was_frozen)
        cgroup_freeze(cg, false, NULL);
    return r;
}

int cgroup_kill_all(struct cgroup *cg, int sig, struct hull_error *err)
{
    if (sig <= 0 || sig >= NSIG)
        return hull_errx(err, EINVAL, "cgroup: bad signal %d", sig);
    if (cg->foreign)
        return hull_errx(err, EPERM, "cgroup %s: not created by this container", cg->serial);
    if (sig == SIGKILL) {
        int r = kill_v2(cg, err);
        if (r != -ENOENT && (r < 0 || cg->mode == CGROUP_V2))
            return r;
    }
    return signal_frozen(cg, sig, err);
}

/* ---- removal -------------------------------------------------------------------- */

static int wait_empty(struct cgroup *cg, struct hull_error *err)
{
    uint64_t deadline = cg_now_ms() + EMPTY_TIMEOUT_MS;

    for (unsigned i = 0;; i++) {
        pid_t *pids = NULL;
        size_t n = 0;
        int r = cgroup_pids(cg, &pids, &n, err);
        free(pids);
        if (r < 0)
            return r;
        if (n == 0)
            return 0;
        if (cg_now_ms() > deadline)
            return hull_errx(err, EBUSY, "cgroup %s: %zu processes left after %d s", cg->serial,
                             n, EMPTY_TIMEOUT_MS / 1000);
        if (i % 20 == 19)
            cgroup_kill_all(cg, SIGKILL, NULL);
        cg_sleep_ms(i < 10 ? 1 : 10);
    }
}

struct rm_ctx {
    uint64_t deadline;
    struct hull_error *err;
    const char *path;
};

static int rmdir_tree(int dfd, const char *name, void *arg);

static int rmdir_retry(int dfd, const char *name, struct rm_ctx *c)
{
    while (unlinkat(dfd, name, AT_REMOVEDIR) < 0) {
        if (errno == ENOENT)
            return 0;
        if (errno != EBUSY || cg_now_ms() > c->deadline)
            return hull_err(c->err, errno, "cgroup %s: rmdir %s", c->path, name);
        cg_sleep_ms(10);
    }
    return 0;
}

/* Sub-cgroups made inside the container go first. */
static int rmdir_tree(int dfd, const char *name, void *arg)
{
    struct rm_ctx *c = arg;
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int r;

    if (fd < 0)
        return errno == ENOENT ? 0 : hull_err(c->err, errno, "cgroup %s: open %s", c->path, name);
    r = cg_foreach_subdir(fd, c->path, rmdir_tree, c, c->err);
    close(fd);
    return r < 0 ? r : rmdir_retry(dfd, name, c);
}

static bool under_default_parent(const char *path)
{
    size_t n = strlen(HULL_CGROUP_DEFAULT_PARENT);

    return strncmp(path, HULL_CGROUP_DEFAULT_PARENT "/", n + 1) == 0 &&
           strchr(path + n + 1, '/') == NULL;
}

static int remove_hier(struct cg_hier *h, uint64_t deadline, struct hull_error *err)
{
    struct rm_ctx c = { .deadline = deadline, .err = err, .path = h->path };
    const char *leaf = strrchr(h->path, '/') + 1;
    int parent, r;

    if (h->fd >= 0) {
        close(h->fd);
        h->fd = -1;
    }
    if ((parent = cg_walk(h, false, 1, NULL, NULL, err)) == -ENOENT)
        return 0;
    if (parent < 0)
        return parent;
    r = rmdir_tree(parent, leaf, &c);
    close(parent);
    if (r == 0 && under_default_parent(h->path) && (parent = cg_walk(h, false, 2, NULL, NULL,
                                                                     NULL)) >= 0) {
        unlinkat(parent, HULL_CGROUP_DEFAULT_PARENT + 1, AT_REMOVEDIR);
        close(parent);
    }
    return r;
}

int cgroup_destroy(struct cgroup *cg, struct hull_error *err)
{
    uint64_t deadline;
    pid_t *pids = NULL;
    size_t n = 0;
    int r;

    if (cg->foreign)
        return 0;
    r = cgroup_pids(cg, &pids, &n, err);
    free(pids);
    if (r == 0 && n > 0 && (r = cgroup_kill_all(cg, SIGKILL, err)) == 0)
        r = wait_empty(cg, err);
    if (r < 0)
        return r;
    deadline = cg_now_ms() + EMPTY_TIMEOUT_MS;
    for (size_t i = 0; i < cg->n && r == 0; i++)
        r = remove_hier(&cg->h[i], deadline, err);
    return r;
}

/* ---- statistics ------------------------------------------------------------------ */

int cgroup_stats(struct cgroup *cg, struct cgroup_stats *st, struct hull_error *err)
{
    struct cg_hier *h;
    int r;

    memset(st, 0, sizeof *st);
    if (cg->mode == CGROUP_V1)
        r = v1_stats(cg, st, err);
    else if ((h = find_v2(cg)) != NULL)
        r = v2_stats(h, st, err);
    else
        r = 0;
    if (r < 0)
        cgroup_stats_free(st);
    return r;
}

void cgroup_stats_free(struct cgroup_stats *st)
{
    free(st->cpu.percpu_ns);
    free(st->io);
    free(st->hugetlb);
    st->cpu.percpu_ns = NULL;
    st->io = NULL;
    st->hugetlb = NULL;
    st->cpu.n_percpu = st->n_io = st->n_hugetlb = 0;
}

/* ---- default device rules ----------------------------------------------------------- */

#define RULE(t, maj, min, acc)                                                            \
    { .allow = true, .type = (t), .major = { (maj) >= 0, (maj) }, .minor = { (min) >= 0, (min) }, \
      .access = (acc) }

static const struct spec_device_rule default_rules[] = {
    RULE('c', -1, -1, "m"),  RULE('b', -1, -1, "m"),          /* mknod, not use */
    RULE('c', 1, 3, "rwm"),  RULE('c', 1, 5, "rwm"),          /* null, zero */
    RULE('c', 1, 7, "rwm"),  RULE('c', 1, 8, "rwm"),          /* full, random */
    RULE('c', 1, 9, "rwm"),  RULE('c', 5, 0, "rwm"),          /* urandom, tty */
    RULE('c', 5, 1, "rwm"),  RULE('c', 5, 2, "rwm"),          /* console, ptmx */
    RULE('c', 136, -1, "rwm"),                                /* pts */
};

int cgroup_device_rules_with_defaults(const struct spec_resources *res,
                                      const struct spec_device *devs, size_t n_devs,
                                      struct spec_device_rule **rules, size_t *n_rules,
                                      struct hull_error *err)
{
    size_t n_res = res != NULL ? res->n_devices : 0, k = 0;
    size_t n = n_res + n_devs + HULL_ARRAY_SIZE(default_rules);
    struct spec_device_rule *v = calloc(n, sizeof *v);

    if (v == NULL)
        return hull_err(err, ENOMEM, "device rules");
    for (size_t i = 0; i < n_res; i++)
        v[k++] = res->devices[i];
    for (size_t i = 0; i < n_devs; i++) {
        if (devs[i].type != 'c' && devs[i].type != 'b' && devs[i].type != 'u')
            continue;
        v[k++] = (struct spec_device_rule){
            .allow = true, .type = devs[i].type == 'b' ? 'b' : 'c',
            .major = { true, devs[i].major }, .minor = { true, devs[i].minor }, .access = "rwm",
        };
    }
    for (size_t i = 0; i < HULL_ARRAY_SIZE(default_rules); i++)
        v[k++] = default_rules[i];
    *rules = v;
    *n_rules = k;
    return 0;
}
