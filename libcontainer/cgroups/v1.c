/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup v1 controllers: one hierarchy per controller (or group of them). */
#include "internal.h"
#include "utils.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FREEZE_TIMEOUT_MS 5000
#define ENOTSUPP_KERNEL 524   /* the kernel's internal "not supported" */

/* ---- directories ----------------------------------------------------------- */

/* A new cpuset cgroup has no CPUs and no memory nodes, and no task can
 * join it until both are set: start from the parent's. */
static int seed_cpuset_file(int parent, int child, const char *path, const char *file,
                            struct hull_error *err)
{
    char *mine = NULL, *theirs = NULL;
    int r = cg_read_at(child, file, &mine, err);

    if (r == 0 && mine[0] == '\0') {
        r = cg_read_at(parent, file, &theirs, err);
        if (r == 0 && theirs[0] != '\0')
            r = cg_write_at(child, path, file, theirs, err);
    }
    free(mine);
    free(theirs);
    return r;
}

static int seed_cpuset(int parent, int child, const char *path, void *arg,
                       struct hull_error *err)
{
    int r = seed_cpuset_file(parent, child, path, "cpuset.cpus", err);

    return r < 0 ? r : seed_cpuset_file(parent, child, path, "cpuset.mems", err);
}

int v1_prepare(struct cg_hier *h, struct hull_error *err)
{
    cg_level_fn fn = (h->mask & CG_BIT(CG_CPUSET)) ? seed_cpuset : NULL;
    int fd;

    if (h->fd >= 0)
        return 0;
    fd = cg_walk(h, true, 0, fn, NULL, err);
    if (fd < 0)
        return fd;
    h->fd = fd;
    return 0;
}

/* ---- memory ---------------------------------------------------------------- */

#define MEM "linux.resources.memory"

static int write_field_i64(struct cg_hier *h, const char *field, const char *file, int64_t v,
                           struct hull_error *err)
{
    int r = cg_write_i64(h, file, v, err);

    return r < 0 ? hull_err_prefix(err, "%s", field) : 0;
}

static int write_field(struct cg_hier *h, const char *field, const char *file, const char *v,
                       struct hull_error *err)
{
    int r = cg_write(h, file, v, err);

    return r < 0 ? hull_err_prefix(err, "%s", field) : 0;
}

static int check_usage(struct cg_hier *h, int64_t limit, struct hull_error *err)
{
    uint64_t usage;
    int r = cg_read_u64(h, "memory.usage_in_bytes", &usage, err);

    if (r < 0)
        return hull_err_prefix(err, MEM ".checkBeforeUpdate");
    if (limit > 0 && (uint64_t)limit < usage)
        return hull_errx(err, EBUSY, MEM ".limit: %" PRId64 " is below the current usage %" PRIu64,
                         limit, usage);
    return 0;
}

/* memory.memsw.limit_in_bytes must never be below memory.limit_in_bytes:
 * when raising, write memory+swap first; when lowering, the limit first. */
static int set_limit_and_swap(struct cg_hier *h, int64_t limit, int64_t swap,
                              struct hull_error *err)
{
    bool memsw = cg_has_file(h, "memory.memsw.limit_in_bytes");
    bool swap_first = false;
    int r;

    if (limit == -1 && swap == 0 && memsw)
        swap = -1;
    if (swap != 0 && !memsw) {
        if (swap != -1)
            return hull_errx(err, ENOTSUP, MEM ".swap: swap accounting not available "
                             "(no memory.memsw.limit_in_bytes)");
        swap = 0;
    }
    if (limit > 0 && swap > 0 && swap < limit)
        return hull_errx(err, EINVAL, MEM ".swap: %" PRId64 " is below memory.limit %" PRId64
                         " (swap counts memory+swap)", swap, limit);
    if (limit != 0 && swap != 0) {
        uint64_t cur;
        if ((r = cg_read_u64(h, "memory.limit_in_bytes", &cur, err)) < 0)
            return hull_err_prefix(err, MEM ".limit");
        swap_first = swap == -1 || cur < (uint64_t)swap;
    }
    if (swap_first && (r = write_field_i64(h, MEM ".swap", "memory.memsw.limit_in_bytes", swap,
                                           err)) < 0)
        return r;
    if (limit != 0 &&
        (r = write_field_i64(h, MEM ".limit", "memory.limit_in_bytes", limit, err)) < 0)
        return r;
    if (!swap_first && swap != 0)
        return write_field_i64(h, MEM ".swap", "memory.memsw.limit_in_bytes", swap, err);
    return 0;
}

/* kmem limits are deprecated and gone from recent kernels: best effort. */
static int set_kmem(struct cg_hier *h, const char *field, const char *file, opt_i64 v,
                    struct hull_error *err)
{
    struct hull_error ignored;
    int r;

    if (!v.set || v.v == 0 || !cg_has_file(h, file))
        return 0;
    r = cg_write_i64(h, file, v.v, &ignored);
    if (r == -EOPNOTSUPP || r == -ENOTSUPP_KERNEL || r == -ENOENT || r == -EINVAL)
        return 0;
    if (r < 0) {
        *err = ignored;
        return hull_err_prefix(err, "%s", field);
    }
    return 0;
}

static int set_memory_flags(struct cg_hier *h, const struct spec_resources *res,
                            struct hull_error *err)
{
    int r = 0;

    if (res->memory.swappiness.set)
        r = write_field_i64(h, MEM ".swappiness", "memory.swappiness",
                            (int64_t)res->memory.swappiness.v, err);
    if (r == 0 && res->memory.disable_oom_killer.set)
        r = write_field(h, MEM ".disableOOMKiller", "memory.oom_control",
                        res->memory.disable_oom_killer.v ? "1" : "0", err);
    if (r == 0 && res->memory.use_hierarchy.set)
        r = write_field(h, MEM ".useHierarchy", "memory.use_hierarchy",
                        res->memory.use_hierarchy.v ? "1" : "0", err);
    return r;
}

int v1_memory(struct cg_hier *h, const struct spec_resources *res, bool update,
              struct hull_error *err)
{
    int64_t limit = res->memory.limit.set ? res->memory.limit.v : 0;
    int64_t swap = res->memory.swap.set ? res->memory.swap.v : 0;
    int r;

    if (res->memory.swappiness.set && res->memory.swappiness.v > 100)
        return hull_errx(err, ERANGE, MEM ".swappiness: %" PRIu64 " is above 100",
                         res->memory.swappiness.v);
    if (update && res->memory.check_before_update.set && res->memory.check_before_update.v &&
        (r = check_usage(h, limit, err)) < 0)
        return r;
    if ((r = set_limit_and_swap(h, limit, swap, err)) < 0)
        return r;
    if (res->memory.reservation.set && res->memory.reservation.v != 0 &&
        (r = write_field_i64(h, MEM ".reservation", "memory.soft_limit_in_bytes",
                             res->memory.reservation.v, err)) < 0)
        return r;
    if ((r = set_kmem(h, MEM ".kernel", "memory.kmem.limit_in_bytes", res->memory.kernel,
                      err)) < 0 ||
        (r = set_kmem(h, MEM ".kernelTCP", "memory.kmem.tcp.limit_in_bytes",
                      res->memory.kernel_tcp, err)) < 0)
        return r;
    return set_memory_flags(h, res, err);
}

/* ---- cpu ------------------------------------------------------------------- */

#define CPU "linux.resources.cpu"

/* A smaller period can be refused (EINVAL) while the old quota is in force:
 * then write the quota and retry the period. */
static int set_bandwidth(struct cg_hier *h, const struct spec_resources *res,
                         struct hull_error *err)
{
    bool period = res->cpu.period.set && res->cpu.period.v != 0;
    bool quota = res->cpu.quota.set && res->cpu.quota.v != 0;
    bool retry_period = false;
    int r;

    if (period) {
        if (res->cpu.period.v > INT64_MAX)
            return hull_errx(err, ERANGE, CPU ".period: out of range");
        r = cg_write_u64(h, "cpu.cfs_period_us", res->cpu.period.v, err);
        if (r == -EINVAL && quota)
            retry_period = true;
        else if (r < 0)
            return hull_err_prefix(err, CPU ".period");
    }
    if (quota && (r = write_field_i64(h, CPU ".quota", "cpu.cfs_quota_us", res->cpu.quota.v,
                                      err)) < 0)
        return r;
    if (retry_period && (r = cg_write_u64(h, "cpu.cfs_period_us", res->cpu.period.v, err)) < 0)
        return hull_err_prefix(err, CPU ".period");
    return 0;
}

static int set_realtime(struct cg_hier *h, const struct spec_resources *res,
                        struct hull_error *err)
{
    int r = 0;

    if (res->cpu.realtime_period.set && res->cpu.realtime_period.v != 0) {
        if (res->cpu.realtime_period.v > INT64_MAX)
            return hull_errx(err, ERANGE, CPU ".realtimePeriod: out of range");
        r = write_field_i64(h, CPU ".realtimePeriod", "cpu.rt_period_us",
                            (int64_t)res->cpu.realtime_period.v, err);
    }
    if (r == 0 && res->cpu.realtime_runtime.set && res->cpu.realtime_runtime.v != 0)
        r = write_field_i64(h, CPU ".realtimeRuntime", "cpu.rt_runtime_us",
                            res->cpu.realtime_runtime.v, err);
    return r;
}

int v1_cpu(struct cg_hier *h, const struct spec_resources *res, struct hull_error *err)
{
    int r;

    if (res->cpu.shares.set && res->cpu.shares.v != 0) {
        if (res->cpu.shares.v < 2 || res->cpu.shares.v > 262144)
            return hull_errx(err, ERANGE, CPU ".shares: %" PRIu64 " is outside 2..262144",
                             res->cpu.shares.v);
        if ((r = write_field_i64(h, CPU ".shares", "cpu.shares", (int64_t)res->cpu.shares.v,
                                 err)) < 0)
            return r;
    }
    if ((r = set_bandwidth(h, res, err)) < 0)
        return r;
    if (res->cpu.burst.set) {
        if (res->cpu.burst.v > INT64_MAX)
            return hull_errx(err, ERANGE, CPU ".burst: out of range");
        if ((r = write_field_i64(h, CPU ".burst", "cpu.cfs_burst_us",
                                 (int64_t)res->cpu.burst.v, err)) < 0)
            return r;
    }
    if ((r = set_realtime(h, res, err)) < 0)
        return r;
    if (res->cpu.idle.set && (res->cpu.idle.v != 0 || cg_has_file(h, "cpu.idle")))
        return write_field_i64(h, CPU ".idle", "cpu.idle", res->cpu.idle.v, err);
    return 0;
}

/* ---- blkio ----------------------------------------------------------------- */

#define BLKIO "linux.resources.blockIO"

static int check_weight(const char *field, uint64_t w, struct hull_error *err)
{
    if (w < 10 || w > 1000)
        return hull_errx(err, ERANGE, "%s: %" PRIu64 " is outside 10..1000", field, w);
    return 0;
}

/* blkio.weight (CFQ) or blkio.bfq.weight (BFQ); NULL when neither. */
static const char *weight_file(struct cg_hier *h, bool device)
{
    if (cg_has_file(h, device ? "blkio.weight_device" : "blkio.weight"))
        return device ? "blkio.weight_device" : "blkio.weight";
    if (cg_has_file(h, device ? "blkio.bfq.weight_device" : "blkio.bfq.weight"))
        return device ? "blkio.bfq.weight_device" : "blkio.bfq.weight";
    return NULL;
}

static int set_weight(struct cg_hier *h, const char *field, const char *file, uint64_t w,
                      struct hull_error *err)
{
    int r = check_weight(field, w, err);

    if (r < 0)
        return r;
    if (file == NULL)
        return hull_errx(err, ENOTSUP, "%s: no proportional-weight I/O scheduler "
                         "(no blkio.weight or blkio.bfq.weight)", field);
    return write_field_i64(h, field, file, (int64_t)w, err);
}

static int set_weight_device(struct cg_hier *h, size_t i, const struct spec_weight_device *wd,
                             struct hull_error *err)
{
    char field[96], line[64];
    int r;

    if (wd->weight.set && wd->weight.v != 0) {
        snprintf(field, sizeof field, BLKIO ".weightDevice[%zu].weight", i);
        const char *file = weight_file(h, true);
        if ((r = check_weight(field, wd->weight.v, err)) < 0)
            return r;
        if (file == NULL)
            return hull_errx(err, ENOTSUP, "%s: no per-device weight file", field);
        snprintf(line, sizeof line, "%" PRId64 ":%" PRId64 " %" PRIu64, wd->major, wd->minor,
                 wd->weight.v);
        if ((r = write_field(h, field, file, line, err)) < 0)
            return r;
    }
    if (wd->leaf_weight.set && wd->leaf_weight.v != 0) {
        snprintf(field, sizeof field, BLKIO ".weightDevice[%zu].leafWeight", i);
        if ((r = check_weight(field, wd->leaf_weight.v, err)) < 0)
            return r;
        snprintf(line, sizeof line, "%" PRId64 ":%" PRId64 " %" PRIu64, wd->major, wd->minor,
                 wd->leaf_weight.v);
        return write_field(h, field, "blkio.leaf_weight_device", line, err);
    }
    return 0;
}

static int set_throttle(struct cg_hier *h, const char *name, const char *file,
                        const struct spec_throttle_list *l, struct hull_error *err)
{
    for (size_t i = 0; i < l->n; i++) {
        char field[96], line[96];
        snprintf(field, sizeof field, BLKIO ".%s[%zu]", name, i);
        snprintf(line, sizeof line, "%" PRId64 ":%" PRId64 " %" PRIu64, l->v[i].major,
                 l->v[i].minor, l->v[i].rate);
        int r = write_field(h, field, file, line, err);
        if (r < 0)
            return r;
    }
    return 0;
}

int v1_blkio(struct cg_hier *h, const struct spec_resources *res, struct hull_error *err)
{
    int r = 0;

    if (res->block_io.weight.set && res->block_io.weight.v != 0 &&
        (r = set_weight(h, BLKIO ".weight", weight_file(h, false), res->block_io.weight.v,
                        err)) < 0)
        return r;
    if (res->block_io.leaf_weight.set && res->block_io.leaf_weight.v != 0 &&
        (r = set_weight(h, BLKIO ".leafWeight",
                        cg_has_file(h, "blkio.leaf_weight") ? "blkio.leaf_weight" : NULL,
                        res->block_io.leaf_weight.v, err)) < 0)
        return r;
    for (size_t i = 0; i < res->block_io.n_weight_device; i++)
        if ((r = set_weight_device(h, i, &res->block_io.weight_device[i], err)) < 0)
            return r;
    if ((r = set_throttle(h, "throttleReadBpsDevice", "blkio.throttle.read_bps_device",
                          &res->block_io.throttle_read_bps, err)) < 0 ||
        (r = set_throttle(h, "throttleWriteBpsDevice", "blkio.throttle.write_bps_device",
                          &res->block_io.throttle_write_bps, err)) < 0 ||
        (r = set_throttle(h, "throttleReadIOPSDevice", "blkio.throttle.read_iops_device",
                          &res->block_io.throttle_read_iops, err)) < 0)
        return r;
    return set_throttle(h, "throttleWriteIOPSDevice", "blkio.throttle.write_iops_device",
                        &res->block_io.throttle_write_iops, err);
}

/* ---- hugetlb, net_cls, net_prio --------------------------------------------- */

int v1_hugetlb(struct cg_hier *h, const struct spec_resources *res, struct hull_error *err)
{
    for (size_t i = 0; i < res->n_hugepage_limits; i++) {
        const struct spec_hugepage_limit *l = &res->hugepage_limits[i];
        char field[64], file[96];
        int r;
        snprintf(field, sizeof field, "linux.resources.hugepageLimits[%zu]", i);
        if (!cg_page_size_valid(l->page_size))
            return hull_errx(err, EINVAL, "%s: bad page size \"%s\"", field, l->page_size);
        snprintf(file, sizeof file, "hugetlb.%s.limit_in_bytes", l->page_size);
        if (!cg_has_file(h, file))
            return hull_errx(err, ENOTSUP, "%s: page size %s not supported", field, l->page_size);
        if ((r = cg_write_u64(h, file, l->limit, err)) < 0)
            return hull_err_prefix(err, "%s", field);
        snprintf(file, sizeof file, "hugetlb.%s.rsvd.limit_in_bytes", l->page_size);
        if (cg_has_file(h, file) && (r = cg_write_u64(h, file, l->limit, err)) < 0)
            return hull_err_prefix(err, "%s", field);
    }
    return 0;
}

int v1_net_cls(struct cg_hier *h, const struct spec_resources *res, struct hull_error *err)
{
    if (!res->network.class_id.set)
        return 0;
    if (res->network.class_id.v > UINT32_MAX)
        return hull_errx(err, ERANGE, "linux.resources.network.classID: out of range");
    return write_field_i64(h, "linux.resources.network.classID", "net_cls.classid",
                           (int64_t)res->network.class_id.v, err);
}

static bool ifname_ok(const char *s)
{
    size_t n = strlen(s);

    return n > 0 && n < 16 && strpbrk(s, " \t\n/:") == NULL;
}

int v1_net_prio(struct cg_hier *h, const struct spec_resources *res, struct hull_error *err)
{
    for (size_t i = 0; i < res->network.n_priorities; i++) {
        const struct spec_net_priority *p = &res->network.priorities[i];
        char field[64], line[64];
        snprintf(field, sizeof field, "linux.resources.network.priorities[%zu]", i);
        if (!ifname_ok(p->name))
            return hull_errx(err, EINVAL, "%s: bad interface name", field);
        snprintf(line, sizeof line, "%s %" PRIu32, p->name, p->priority);
        int r = write_field(h, field, "net_prio.ifpriomap", line, err);
        if (r < 0)
            return r;
    }
    return 0;
}

/* ---- devices ----------------------------------------------------------------- */

/* The rules are applied in order on top of "allow everything" unless the
 * first one resets that itself (the usual "deny a *:* rwm"). */
int v1_devices(struct cg_hier *h, const struct spec_resources *res, struct hull_error *err)
{
    int r;

    if (res->n_devices == 0)
        return 0;
    if (!cg_device_rule_is_wildcard(&res->devices[0]) &&
        (r = write_field(h, "linux.resources.devices", "devices.allow", "a", err)) < 0)
        return r;
    for (size_t i = 0; i < res->n_devices; i++) {
        const struct spec_device_rule *rule = &res->devices[i];
        char lines[2][64], field[64];
        int n = cg_v1_device_lines(rule, lines, err);
        if (n < 0)
            return n;
        snprintf(field, sizeof field, "linux.resources.devices[%zu]", i);
        for (int k = 0; k < n; k++)
            if ((r = write_field(h, field, rule->allow ? "devices.allow" : "devices.deny",
                                 lines[k], err)) < 0)
                return r;
    }
    return 0;
}

/* ---- freezer ------------------------------------------------------------------ */

static int read_state(struct cg_hier *h, char *buf, size_t len, struct hull_error *err)
{
    char *s = NULL;
    int r = cg_read(h, "freezer.state", &s, err);

    if (r == 0)
        snprintf(buf, len, "%s", s);
    free(s);
    return r;
}

/* Writing FROZEN can leave the cgroup FREEZING for a while (tasks in
 * uninterruptible sleep): poll, and write again now and then. */
int v1_freeze(struct cg_hier *h, bool frozen, struct hull_error *err)
{
    const char *want = frozen ? "FROZEN" : "THAWED";
    uint64_t deadline = cg_now_ms() + FREEZE_TIMEOUT_MS;
    char state[32] = "";
    int r;

    for (unsigned i = 0;; i++) {
        if (i % 50 == 0 && (r = cg_write(h, "freezer.state", want, err)) < 0)
            return r;
        if ((r = read_state(h, state, sizeof state, err)) < 0)
            return r;
        if (strcmp(state, want) == 0)
            return 0;
        if (cg_now_ms() > deadline)
            break;
        cg_sleep_ms(i < 10 ? 1 : 10);
    }
    if (frozen)
        cg_write(h, "freezer.state", "THAWED", NULL);
    return hull_errx(err, ETIMEDOUT, "cgroup %s/freezer.state: still %s after %d s", h->path,
                     state, FREEZE_TIMEOUT_MS / 1000);
}

int v1_is_frozen(struct cg_hier *h, bool *frozen)
{
    char state[32];
    int r = read_state(h, state, sizeof state, NULL);

    if (r < 0)
        return r;
    *frozen = strcmp(state, "THAWED") != 0;
    return 0;
}

/* ---- statistics ------------------------------------------------------------------ */

static void memory_stats(struct cg_hier *h, struct cgroup_stats *st)
{
    char *text = NULL;

    if (cg_read_u64(h, "memory.usage_in_bytes", &st->memory.usage, NULL) < 0)
        return;
    st->memory.present = true;
    cg_read_u64(h, "memory.limit_in_bytes", &st->memory.limit, NULL);
    cg_read_u64(h, "memory.max_usage_in_bytes", &st->memory.max_usage, NULL);
    cg_read_u64(h, "memory.failcnt", &st->memory.failcnt, NULL);
    cg_read_u64(h, "memory.memsw.usage_in_bytes", &st->memory.memsw_usage, NULL);
    cg_read_u64(h, "memory.memsw.limit_in_bytes", &st->memory.memsw_limit, NULL);
    if (cg_read(h, "memory.stat", &text, NULL) == 0) {
        cg_keyed_u64(text, "cache", &st->memory.cache);
        cg_keyed_u64(text, "rss", &st->memory.rss);
    }
    free(text);
    text = NULL;
    if (cg_read(h, "memory.oom_control", &text, NULL) == 0)
        cg_keyed_u64(text, "oom_kill", &st->memory.oom_kill);
    free(text);
}

static int percpu_stats(struct cg_hier *h, struct cgroup_stats *st)
{
    char *text = NULL, *save = NULL;
    size_t n = 0;

    if (cg_read(h, "cpuacct.usage_percpu", &text, NULL) < 0)
        return 0;
    for (const char *p = text; *p != '\0'; p += strspn(p, " "))
        n++, p += strcspn(p, " ");
    if (n > 0 && (st->cpu.percpu_ns = calloc(n, sizeof *st->cpu.percpu_ns)) == NULL) {
        free(text);
        return -ENOMEM;
    }
    for (char *tok = strtok_r(text, " ", &save); tok != NULL && st->cpu.n_percpu < n;
         tok = strtok_r(NULL, " ", &save)) {
        unsigned long long v = 0;
        parse_u64(tok, UINT64_MAX, &v);
        st->cpu.percpu_ns[st->cpu.n_percpu++] = v;
    }
    free(text);
    return 0;
}

static int cpu_stats(struct cgroup *cg, struct cgroup_stats *st)
{
    struct cg_hier *acct = cg_find(cg, CG_CPUACCT), *cpu = cg_find(cg, CG_CPU);
    char *text = NULL;
    long hz = sysconf(_SC_CLK_TCK);

    if (acct != NULL && !acct->v2 &&
        cg_read_u64(acct, "cpuacct.usage", &st->cpu.total_ns, NULL) == 0) {
        st->cpu.present = true;
        if (cg_read(acct, "cpuacct.stat", &text, NULL) == 0 && hz > 0) {
            cg_keyed_u64(text, "user", &st->cpu.user_ns);
            cg_keyed_u64(text, "system", &st->cpu.kernel_ns);
            st->cpu.user_ns *= 1000000000ull / (uint64_t)hz;
            st->cpu.kernel_ns *= 1000000000ull / (uint64_t)hz;
        }
        free(text);
        text = NULL;
        if (percpu_stats(acct, st) < 0)
            return -ENOMEM;
    }
    if (cpu != NULL && !cpu->v2 && cg_read(cpu, "cpu.stat", &text, NULL) == 0) {
        st->cpu.present = true;
        cg_keyed_u64(text, "nr_periods", &st->cpu.periods);
        cg_keyed_u64(text, "nr_throttled", &st->cpu.throttled_periods);
        cg_keyed_u64(text, "throttled_time", &st->cpu.throttled_ns);
    }
    free(text);
    return 0;
}

/* "8:0 Read 4096" lines. */
static int blkio_file(struct cg_hier *h, const char *file, bool bytes, struct cgroup_stats *st)
{
    char *text = NULL, *save = NULL;
    int r = 0;

    if (cg_read(h, file, &text, NULL) < 0)
        return 0;
    for (char *line = strtok_r(text, "\n", &save); line != NULL && r == 0;
         line = strtok_r(NULL, "\n", &save)) {
        unsigned maj, min;
        char op[16];
        uint64_t v;
        if (sscanf(line, "%u:%u %15s %" SCNu64, &maj, &min, op, &v) != 4)
            continue;
        bool rd = strcmp(op, "Read") == 0, wr = strcmp(op, "Write") == 0;
        if (!rd && !wr)
            continue;
        struct cgroup_io_stat *e = cg_io_entry(st, maj, min);
        if (e == NULL) {
            r = -ENOMEM;
            break;
        }
        uint64_t *slot = bytes ? (rd ? &e->read_bytes : &e->write_bytes)
                               : (rd ? &e->read_ios : &e->write_ios);
        *slot = v;
    }
    free(text);
    return r;
}

static int hugetlb_v1_stat(struct cg_hier *h, const char *size, struct cgroup_stats *st)
{
    char file[96];
    struct cgroup_hugetlb_stat *e = cg_hugetlb_entry(st, size);

    if (e == NULL)
        return -ENOMEM;
    snprintf(file, sizeof file, "hugetlb.%s.usage_in_bytes", size);
    cg_read_u64(h, file, &e->usage, NULL);
    snprintf(file, sizeof file, "hugetlb.%s.max_usage_in_bytes", size);
    cg_read_u64(h, file, &e->max_usage, NULL);
    snprintf(file, sizeof file, "hugetlb.%s.failcnt", size);
    cg_read_u64(h, file, &e->failcnt, NULL);
    snprintf(file, sizeof file, "hugetlb.%s.limit_in_bytes", size);
    cg_read_u64(h, file, &e->limit, NULL);
    return 0;
}

static int hugetlb_stats(struct cg_hier *h, struct cgroup_stats *st)
{
    int fd = cg_hier_open(h, false, NULL);
    DIR *d;
    struct dirent *de;
    int r = 0;

    if (fd < 0 || (fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return 0;
    if ((d = fdopendir(fd)) == NULL) {
        close(fd);
        return 0;
    }
    while (r == 0 && (de = readdir(d)) != NULL) {
        char size[16];
        /* hugetlb.2MB.usage_in_bytes (not the .rsvd. variant) */
        if (sscanf(de->d_name, "hugetlb.%15[^.].usage_in_bytes", size) == 1 &&
            strcmp(de->d_name + strlen("hugetlb.") + strlen(size), ".usage_in_bytes") == 0)
            r = hugetlb_v1_stat(h, size, st);
    }
    closedir(d);
    return r;
}

int v1_stats(struct cgroup *cg, struct cgroup_stats *st, struct hull_error *err)
{
    struct cg_hier *mem = cg_find(cg, CG_MEMORY), *pids = cg_find(cg, CG_PIDS);
    struct cg_hier *blkio = cg_find(cg, CG_BLKIO), *huge = cg_find(cg, CG_HUGETLB);
    int r = 0;

    if (mem != NULL && !mem->v2)
        memory_stats(mem, st);
    if (cpu_stats(cg, st) < 0)
        return hull_err(err, ENOMEM, "cgroup stats");
    if (pids != NULL && !pids->v2 &&
        cg_read_u64(pids, "pids.current", &st->pids.current, NULL) == 0) {
        st->pids.present = true;
        cg_read_u64(pids, "pids.max", &st->pids.limit, NULL);
    }
    if (blkio != NULL && !blkio->v2 &&
        ((r = blkio_file(blkio, "blkio.throttle.io_service_bytes_recursive", true, st)) < 0 ||
         (r = blkio_file(blkio, "blkio.throttle.io_serviced_recursive", false, st)) < 0))
        return hull_err(err, -r, "cgroup stats");
    if (huge != NULL)
        r = huge->v2 ? v2_hugetlb_stats(huge, st) : hugetlb_stats(huge, st);
    return r < 0 ? hull_err(err, -r, "cgroup stats") : 0;
}
