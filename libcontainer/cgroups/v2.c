/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup v2: one hierarchy, controllers enabled top-down. */
#include "internal.h"
#include "utils.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FREEZE_TIMEOUT_MS 5000

/* ---- directories ----------------------------------------------------------- */

/* Enable in parent's cgroup.subtree_control the controllers of mask that it
 * has and has not enabled yet. Failures are left for the fields that need
 * the controller to report ("... controller not available"). */
static int enable_in_parent(int parent, int child, const char *path, void *arg,
                            struct hull_error *err)
{
    unsigned want = *(unsigned *)arg, have = 0, on = 0;
    char *text = NULL;

    if (cg_read_at(parent, "cgroup.controllers", &text, NULL) == 0)
        have = cg_ctrl_mask(text, " ", true);
    free(text);
    text = NULL;
    if (cg_read_at(parent, "cgroup.subtree_control", &text, NULL) == 0)
        on = cg_ctrl_mask(text, " ", true);
    free(text);
    for (int c = 0; c < CG_CTRL_COUNT; c++) {
        const char *name = cg_ctrl_v2_name(c);
        char cmd[32];
        if (name == NULL || !(want & have & CG_BIT(c)) || (on & CG_BIT(c)))
            continue;
        snprintf(cmd, sizeof cmd, "+%s", name);
        cg_write_at(parent, path, "cgroup.subtree_control", cmd, NULL);
    }
    return 0;
}

int v2_refresh_mask(struct cg_hier *h, struct hull_error *err)
{
    char *text = NULL;
    int r = cg_read(h, "cgroup.controllers", &text, err);

    if (r == 0)
        h->mask = cg_ctrl_mask(text, " ", true);
    free(text);
    return r;
}

int v2_prepare(struct cg_hier *h, unsigned mask, struct hull_error *err)
{
    int fd;

    if (h->fd < 0) {
        if ((fd = cg_walk(h, true, 0, enable_in_parent, &mask, err)) < 0)
            return fd;
        h->fd = fd;
    }
    return v2_refresh_mask(h, err);
}

/* ---- memory ---------------------------------------------------------------- */

#define MEM "linux.resources.memory"

static int write_field(struct cg_hier *h, const char *field, const char *file, const char *v,
                       struct hull_error *err)
{
    int r = cg_write(h, file, v, err);

    return r < 0 ? hull_err_prefix(err, "%s", field) : 0;
}

static int write_max(struct cg_hier *h, const char *field, const char *file, int64_t v,
                     struct hull_error *err)
{
    char buf[32];

    if (cg_fmt_max(v, buf, sizeof buf) < 0)
        return hull_errx(err, EINVAL, "%s: %" PRId64 " is not valid", field, v);
    return write_field(h, field, file, buf, err);
}

static int check_usage(struct cg_hier *h, int64_t limit, struct hull_error *err)
{
    uint64_t usage;
    int r = cg_read_u64(h, "memory.current", &usage, err);

    if (r < 0)
        return hull_err_prefix(err, MEM ".checkBeforeUpdate");
    if (limit > 0 && (uint64_t)limit < usage)
        return hull_errx(err, EBUSY, MEM ".limit: %" PRId64 " is below the current usage %" PRIu64,
                         limit, usage);
    return 0;
}

/* Kernel memory limits, swappiness, useHierarchy and disableOOMKiller have
 * no v2 form and are ignored, as runc does. */
int v2_memory(struct cg_hier *h, const struct spec_resources *res, bool update,
              struct hull_error *err)
{
    int64_t limit = res->memory.limit.set ? res->memory.limit.v : 0;
    int64_t swap = res->memory.swap.set ? res->memory.swap.v : 0, swap_max;
    bool set_swap;
    int r;

    if (update && res->memory.check_before_update.set && res->memory.check_before_update.v &&
        (r = check_usage(h, limit, err)) < 0)
        return r;
    if ((r = cg_swap_v2(swap, limit, &set_swap, &swap_max, err)) < 0)
        return r;
    if (set_swap && !cg_has_file(h, "memory.swap.max")) {
        if (swap_max > 0)
            return hull_errx(err, ENOTSUP, MEM ".swap: swap accounting not available "
                             "(no memory.swap.max)");
        set_swap = false;
    }
    if (set_swap && (r = write_max(h, MEM ".swap", "memory.swap.max", swap_max, err)) < 0)
        return r;
    if (limit != 0 && (r = write_max(h, MEM ".limit", "memory.max", limit, err)) < 0)
        return r;
    if (res->memory.reservation.set && res->memory.reservation.v != 0)
        return write_max(h, MEM ".reservation", "memory.low", res->memory.reservation.v, err);
    return 0;
}

/* ---- cpu ------------------------------------------------------------------- */

#define CPU "linux.resources.cpu"

/* cpu.max.burst may not exceed the quota: when the new burst is refused
 * (EINVAL), write cpu.max first and the burst again. */
static int set_bandwidth(struct cg_hier *h, const struct spec_resources *res,
                         struct hull_error *err)
{
    char max[64], burst[32] = "";
    bool retry_burst = false;
    int r = cg_fmt_cpu_max(res->cpu.quota, res->cpu.period, max, sizeof max, err);

    if (r < 0)
        return r;
    if (res->cpu.burst.set) {
        snprintf(burst, sizeof burst, "%" PRIu64, res->cpu.burst.v);
        r = cg_write(h, "cpu.max.burst", burst, err);
        if (r == -EINVAL && max[0] != '\0')
            retry_burst = true;
        else if (r < 0)
            return hull_err_prefix(err, CPU ".burst");
    }
    if (max[0] != '\0' && (r = write_field(h, CPU ".quota", "cpu.max", max, err)) < 0)
        return r;
    if (retry_burst)
        return write_field(h, CPU ".burst", "cpu.max.burst", burst, err);
    return 0;
}

int v2_cpu(struct cg_hier *h, const struct spec_resources *res, struct hull_error *err)
{
    int r;

    if ((res->cpu.realtime_period.set && res->cpu.realtime_period.v != 0) ||
        (res->cpu.realtime_runtime.set && res->cpu.realtime_runtime.v != 0))
        return hull_errx(err, ENOTSUP, CPU ".%s: real-time scheduling limits need cgroup v1",
                         res->cpu.realtime_period.set ? "realtimePeriod" : "realtimeRuntime");
    if (res->cpu.shares.set && res->cpu.shares.v != 0) {
        char w[32];
        snprintf(w, sizeof w, "%" PRIu64, cg_shares_to_weight(res->cpu.shares.v));
        if ((r = write_field(h, CPU ".shares", "cpu.weight", w, err)) < 0)
            return r;
    }
    if ((r = set_bandwidth(h, res, err)) < 0)
        return r;
    if (res->cpu.idle.set && (res->cpu.idle.v != 0 || cg_has_file(h, "cpu.idle")))
        return write_field(h, CPU ".idle", "cpu.idle", res->cpu.idle.v ? "1" : "0", err);
    return 0;
}

/* ---- io -------------------------------------------------------------------- */

#define BLKIO "linux.resources.blockIO"

/* BFQ takes blkio weights (1..1000) as they are; io.weight (io.cost) takes
 * 1..10000, converted. */
static int set_io_weight(struct cg_hier *h, const char *field, const char *dev, uint64_t w,
                         struct hull_error *err)
{
    char line[64];

    if (w < 10 || w > 1000)
        return hull_errx(err, ERANGE, "%s: %" PRIu64 " is outside 10..1000", field, w);
    if (cg_has_file(h, "io.bfq.weight")) {
        snprintf(line, sizeof line, "%s%s%" PRIu64, dev, dev[0] ? " " : "", w);
        return write_field(h, field, "io.bfq.weight", line, err);
    }
    if (cg_has_file(h, "io.weight")) {
        snprintf(line, sizeof line, "%s %" PRIu64, dev[0] ? dev : "default",
                 cg_blkio_to_io_weight(w));
        return write_field(h, field, "io.weight", line, err);
    }
    return hull_errx(err, ENOTSUP, "%s: no proportional-weight I/O control "
                     "(no io.bfq.weight or io.weight)", field);
}

static int set_io_max(struct cg_hier *h, const char *name, const char *key,
                      const struct spec_throttle_list *l, struct hull_error *err)
{
    for (size_t i = 0; i < l->n; i++) {
        char field[96], line[96];
        snprintf(field, sizeof field, BLKIO ".%s[%zu]", name, i);
        if (cg_fmt_io_max(&l->v[i], key, line, sizeof line) < 0)
            return hull_errx(err, ERANGE, "%s: device number out of range", field);
        int r = write_field(h, field, "io.max", line, err);
        if (r < 0)
            return r;
    }
    return 0;
}

/* leafWeight has no v2 form and is ignored. */
int v2_io(struct cg_hier *h, const struct spec_resources *res, struct hull_error *err)
{
    int r;

    if (res->block_io.weight.set && res->block_io.weight.v != 0 &&
        (r = set_io_weight(h, BLKIO ".weight", "", res->block_io.weight.v, err)) < 0)
        return r;
    for (size_t i = 0; i < res->block_io.n_weight_device; i++) {
        const struct spec_weight_device *wd = &res->block_io.weight_device[i];
        char field[96], dev[48];
        if (!wd->weight.set || wd->weight.v == 0)
            continue;
        snprintf(field, sizeof field, BLKIO ".weightDevice[%zu].weight", i);
        snprintf(dev, sizeof dev, "%" PRId64 ":%" PRId64, wd->major, wd->minor);
        if ((r = set_io_weight(h, field, dev, wd->weight.v, err)) < 0)
            return r;
    }
    if ((r = set_io_max(h, "throttleReadBpsDevice", "rbps", &res->block_io.throttle_read_bps,
                        err)) < 0 ||
        (r = set_io_max(h, "throttleWriteBpsDevice", "wbps", &res->block_io.throttle_write_bps,
                        err)) < 0 ||
        (r = set_io_max(h, "throttleReadIOPSDevice", "riops",
                        &res->block_io.throttle_read_iops, err)) < 0)
        return r;
    return set_io_max(h, "throttleWriteIOPSDevice", "wiops", &res->block_io.throttle_write_iops,
                      err);
}

/* ---- hugetlb ----------------------------------------------------------------- */

int v2_hugetlb(struct cg_hier *h, const struct spec_resources *res, struct hull_error *err)
{
    for (size_t i = 0; i < res->n_hugepage_limits; i++) {
        const struct spec_hugepage_limit *l = &res->hugepage_limits[i];
        char field[64], file[96];
        int r;
        snprintf(field, sizeof field, "linux.resources.hugepageLimits[%zu]", i);
        if (!cg_page_size_valid(l->page_size))
            return hull_errx(err, EINVAL, "%s: bad page size \"%s\"", field, l->page_size);
        snprintf(file, sizeof file, "hugetlb.%s.max", l->page_size);
        if (!cg_has_file(h, file))
            return hull_errx(err, ENOTSUP, "%s: page size %s not supported", field, l->page_size);
        if ((r = cg_write_u64(h, file, l->limit, err)) < 0)
            return hull_err_prefix(err, "%s", field);
        snprintf(file, sizeof file, "hugetlb.%s.rsvd.max", l->page_size);
        if (cg_has_file(h, file) && (r = cg_write_u64(h, file, l->limit, err)) < 0)
            return hull_err_prefix(err, "%s", field);
    }
    return 0;
}

/* ---- unified ----------------------------------------------------------------- */

static int unified_ctrl(const char *key, int *ctrl, struct hull_error *err)
{
    char name[32];
    int r = cg_unified_key(key, name, sizeof name, err);

    if (r < 0)
        return r;
    if (strcmp(name, "cgroup") == 0) {
        *ctrl = -1;
        return 0;
    }
    if ((*ctrl = cg_ctrl_from_name(name, true)) < 0)
        return hull_errx(err, ENOTSUP, "linux.resources.unified.%s: unknown controller \"%s\"",
                         key, name);
    return 0;
}

int v2_unified_mask(const struct kv_list *u, unsigned *mask, struct hull_error *err)
{
    *mask = 0;
    for (size_t i = 0; i < u->n; i++) {
        int c, r = unified_ctrl(u->v[i].key, &c, err);
        if (r < 0)
            return r;
        if (c >= 0)
            *mask |= CG_BIT(c);
    }
    return 0;
}

int v2_unified(struct cg_hier *h, const struct kv_list *u, struct hull_error *err)
{
    for (size_t i = 0; i < u->n; i++) {
        const char *key = u->v[i].key, *value = u->v[i].value != NULL ? u->v[i].value : "";
        char field[128];
        int c, r = unified_ctrl(key, &c, err);
        if (r < 0)
            return r;
        if (c >= 0 && !(h->mask & CG_BIT(c)))
            return hull_errx(err, ENOTSUP,
                             "linux.resources.unified.%s: %s controller not available in cgroup2",
                             key, cg_ctrl_v2_name(c));
        snprintf(field, sizeof field, "linux.resources.unified.%s", key);
        if ((r = write_field(h, field, key, value, err)) < 0)
            return r;
    }
    return 0;
}

/* ---- freezer ----------------------------------------------------------------- */

/* Wait until "frozen N" in cgroup.events reads want; the kernel signals
 * changes of that file with POLLPRI. */
static int wait_frozen(struct cg_hier *h, bool want, struct hull_error *err)
{
    int fd = openat(h->fd, "cgroup.events", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    uint64_t deadline = cg_now_ms() + FREEZE_TIMEOUT_MS;
    int r = -ETIMEDOUT;

    if (fd < 0)
        return hull_err(err, errno, "cgroup %s/cgroup.events: open", h->path);
    for (;;) {
        char buf[512];
        uint64_t frozen;
        ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
        if (n < 0) {
            r = hull_err(err, errno, "cgroup %s/cgroup.events: read", h->path);
            break;
        }
        buf[n] = '\0';
        if (cg_keyed_u64(buf, "frozen", &frozen) == 0 && (frozen != 0) == want) {
            r = 0;
            break;
        }
        uint64_t now = cg_now_ms();
        if (now >= deadline)
            break;
        struct pollfd p = { .fd = fd, .events = POLLPRI };
        uint64_t left = deadline - now;
        poll(&p, 1, left > 100 ? 100 : (int)left);
    }
    close(fd);
    if (r == -ETIMEDOUT)
        return hull_errx(err, ETIMEDOUT, "cgroup %s: not %s after %d s", h->path,
                         want ? "frozen" : "thawed", FREEZE_TIMEOUT_MS / 1000);
    return r;
}

int v2_freeze(struct cg_hier *h, bool frozen, struct hull_error *err)
{
    int r = cg_write(h, "cgroup.freeze", frozen ? "1" : "0", err);

    if (r < 0)
        return r;
    r = wait_frozen(h, frozen, err);
    if (r < 0 && frozen)
        cg_write(h, "cgroup.freeze", "0", NULL);
    return r;
}

int v2_is_frozen(struct cg_hier *h, bool *frozen)
{
    char *text = NULL;
    int r = cg_read(h, "cgroup.freeze", &text, NULL);

    if (r < 0)
        return r;
    *frozen = strcmp(text, "1") == 0;
    free(text);
    return 0;
}

int v2_kill(struct cg_hier *h, struct hull_error *err)
{
    if (!cg_has_file(h, "cgroup.kill"))
        return -ENOENT;
    return cg_write(h, "cgroup.kill", "1", err);
}

/* ---- statistics ----------------------------------------------------------------- */

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void memory_stats(struct cg_hier *h, struct cgroup_stats *st)
{
    char *text = NULL;
    uint64_t swap = 0, swap_max = 0;

    if (cg_read_u64(h, "memory.current", &st->memory.usage, NULL) < 0)
        return;
    st->memory.present = true;
    st->memory.limit = UINT64_MAX;
    cg_read_u64(h, "memory.max", &st->memory.limit, NULL);
    cg_read_u64(h, "memory.peak", &st->memory.max_usage, NULL);
    cg_read_u64(h, "memory.swap.current", &swap, NULL);
    cg_read_u64(h, "memory.swap.max", &swap_max, NULL);
    st->memory.memsw_usage = add_sat(st->memory.usage, swap);
    st->memory.memsw_limit = add_sat(st->memory.limit, swap_max);
    if (cg_read(h, "memory.stat", &text, NULL) == 0) {
        cg_keyed_u64(text, "file", &st->memory.cache);
        cg_keyed_u64(text, "anon", &st->memory.rss);
    }
    free(text);
    text = NULL;
    if (cg_read(h, "memory.events", &text, NULL) == 0) {
        cg_keyed_u64(text, "max", &st->memory.failcnt);
        cg_keyed_u64(text, "oom", &st->memory.oom);
        cg_keyed_u64(text, "oom_kill", &st->memory.oom_kill);
    }
    free(text);
}

static void cpu_stats(struct cg_hier *h, struct cgroup_stats *st)
{
    char *text = NULL;
    uint64_t v;

    if (cg_read(h, "cpu.stat", &text, NULL) < 0)
        return;
    st->cpu.present = true;
    if (cg_keyed_u64(text, "usage_usec", &v) == 0)
        st->cpu.total_ns = v * 1000;
    if (cg_keyed_u64(text, "user_usec", &v) == 0)
        st->cpu.user_ns = v * 1000;
    if (cg_keyed_u64(text, "system_usec", &v) == 0)
        st->cpu.kernel_ns = v * 1000;
    cg_keyed_u64(text, "nr_periods", &st->cpu.periods);
    cg_keyed_u64(text, "nr_throttled", &st->cpu.throttled_periods);
    if (cg_keyed_u64(text, "throttled_usec", &v) == 0)
        st->cpu.throttled_ns = v * 1000;
    free(text);
}

/* "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" lines. */
static int io_stats(struct cg_hier *h, struct cgroup_stats *st)
{
    char *text = NULL, *save = NULL;
    int r = 0;

    if (cg_read(h, "io.stat", &text, NULL) < 0)
        return 0;
    for (char *line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        unsigned maj, min;
        int off = 0;
        if (sscanf(line, "%u:%u%n", &maj, &min, &off) != 2)
            continue;
        struct cgroup_io_stat *e = cg_io_entry(st, maj, min);
        if (e == NULL) {
            r = -ENOMEM;
            break;
        }
        for (char *p = line + off; *p != '\0';) {
            char key[16];
            uint64_t v;
            int used = 0;
            if (sscanf(p, " %15[a-z]=%" SCNu64 "%n", key, &v, &used) != 2 || used == 0)
                break;
            p += used;
            if (strcmp(key, "rbytes") == 0)
                e->read_bytes = v;
            else if (strcmp(key, "wbytes") == 0)
                e->write_bytes = v;
            else if (strcmp(key, "rios") == 0)
                e->read_ios = v;
            else if (strcmp(key, "wios") == 0)
                e->write_ios = v;
        }
    }
    free(text);
    return r;
}

static int hugetlb_stat(struct cg_hier *h, const char *size, struct cgroup_stats *st)
{
    char file[96], *text = NULL;
    struct cgroup_hugetlb_stat *e = cg_hugetlb_entry(st, size);

    if (e == NULL)
        return -ENOMEM;
    snprintf(file, sizeof file, "hugetlb.%s.current", size);
    cg_read_u64(h, file, &e->usage, NULL);
    snprintf(file, sizeof file, "hugetlb.%s.max", size);
    cg_read_u64(h, file, &e->limit, NULL);
    snprintf(file, sizeof file, "hugetlb.%s.events", size);
    if (cg_read(h, file, &text, NULL) == 0)
        cg_keyed_u64(text, "max", &e->failcnt);
    free(text);
    return 0;
}

int v2_hugetlb_stats(struct cg_hier *h, struct cgroup_stats *st)
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
        /* hugetlb.2MB.current, not hugetlb.2MB.rsvd.current */
        if (sscanf(de->d_name, "hugetlb.%15[^.].current", size) == 1 &&
            strcmp(de->d_name + strlen("hugetlb.") + strlen(size), ".current") == 0)
            r = hugetlb_stat(h, size, st);
    }
    closedir(d);
    return r;
}

int v2_stats(struct cg_hier *h, struct cgroup_stats *st, struct hull_error *err)
{
    int r;

    memory_stats(h, st);
    cpu_stats(h, st);
    if (cg_read_u64(h, "pids.current", &st->pids.current, NULL) == 0) {
        st->pids.present = true;
        cg_read_u64(h, "pids.max", &st->pids.limit, NULL);
    }
    if ((r = io_stats(h, st)) < 0 || (r = v2_hugetlb_stats(h, st)) < 0)
        return hull_err(err, -r, "cgroup %s: stats", h->path);
    return 0;
}
