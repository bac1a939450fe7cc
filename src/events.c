/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `hull events`: resource statistics (and OOM notices) as JSON lines, in
 * the shape runc prints them. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_gen.h>

#include "cli.h"
#include "control.h"
#include "utils.h"

static void key(yajl_gen g, const char *k)
{
    yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

static void num(yajl_gen g, const char *k, uint64_t v)
{
    key(g, k);
    /* runc prints "no limit" as the largest uint64; JSON integers in yajl
     * are signed, so the number is written as text. */
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    yajl_gen_number(g, buf, (size_t)n);
}

static void gen_cpu(yajl_gen g, const struct cgroup_stats *st)
{
    key(g, "cpu");
    yajl_gen_map_open(g);
    key(g, "usage");
    yajl_gen_map_open(g);
    num(g, "total", st->cpu.total_ns);
    key(g, "percpu");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < st->cpu.n_percpu; i++) {
        char buf[24];
        int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)st->cpu.percpu_ns[i]);
        yajl_gen_number(g, buf, (size_t)n);
    }
    yajl_gen_array_close(g);
    num(g, "kernel", st->cpu.kernel_ns);
    num(g, "user", st->cpu.user_ns);
    yajl_gen_map_close(g);
    key(g, "throttling");
    yajl_gen_map_open(g);
    num(g, "periods", st->cpu.periods);
    num(g, "throttledPeriods", st->cpu.throttled_periods);
    num(g, "throttledTime", st->cpu.throttled_ns);
    yajl_gen_map_close(g);
    yajl_gen_map_close(g);
}

static void gen_memory(yajl_gen g, const struct cgroup_stats *st)
{
    key(g, "memory");
    yajl_gen_map_open(g);
    num(g, "cache", st->memory.cache);
    key(g, "usage");
    yajl_gen_map_open(g);
    num(g, "limit", st->memory.limit);
    num(g, "usage", st->memory.usage);
    num(g, "max", st->memory.max_usage);
    num(g, "failcnt", st->memory.failcnt);
    yajl_gen_map_close(g);
    key(g, "swap");
    yajl_gen_map_open(g);
    num(g, "limit", st->memory.memsw_limit);
    num(g, "usage", st->memory.memsw_usage);
    yajl_gen_map_close(g);
    key(g, "raw");
    yajl_gen_map_open(g);
    num(g, "rss", st->memory.rss);
    num(g, "oom_kill", st->memory.oom_kill);
    yajl_gen_map_close(g);
    yajl_gen_map_close(g);
}

static void gen_io_list(yajl_gen g, const char *name, const struct cgroup_stats *st, bool bytes)
{
    key(g, name);
    yajl_gen_array_open(g);
    for (size_t i = 0; i < st->n_io; i++) {
        const struct cgroup_io_stat *s = &st->io[i];
        for (int op = 0; op < 2; op++) {
            yajl_gen_map_open(g);
            num(g, "major", s->major);
            num(g, "minor", s->minor);
            key(g, "op");
            yajl_gen_string(g, (const unsigned char *)(op ? "Write" : "Read"), op ? 5 : 4);
            num(g, "value", bytes ? (op ? s->write_bytes : s->read_bytes) : (op ? s->write_ios : s->read_ios));
            yajl_gen_map_close(g);
        }
    }
    yajl_gen_array_close(g);
}

static void gen_rest(yajl_gen g, const struct cgroup_stats *st)
{
    key(g, "pids");
    yajl_gen_map_open(g);
    num(g, "current", st->pids.current);
    num(g, "limit", st->pids.limit);
    yajl_gen_map_close(g);
    key(g, "blkio");
    yajl_gen_map_open(g);
    gen_io_list(g, "ioServiceBytesRecursive", st, true);
    gen_io_list(g, "ioServicedRecursive", st, false);
    yajl_gen_map_close(g);
    key(g, "hugetlb");
    yajl_gen_map_open(g);
    for (size_t i = 0; i < st->n_hugetlb; i++) {
        key(g, st->hugetlb[i].page_size);
        yajl_gen_map_open(g);
        num(g, "usage", st->hugetlb[i].usage);
        num(g, "max", st->hugetlb[i].max_usage);
        num(g, "failcnt", st->hugetlb[i].failcnt);
        yajl_gen_map_close(g);
    }
    yajl_gen_map_close(g);
}

static void print_event(const char *type, const char *id, const struct cgroup_stats *st)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (g == NULL)
        return;
    yajl_gen_map_open(g);
    key(g, "type");
    yajl_gen_string(g, (const unsigned char *)type, strlen(type));
    key(g, "id");
    yajl_gen_string(g, (const unsigned char *)id, strlen(id));
    if (st != NULL) {
        key(g, "data");
        yajl_gen_map_open(g);
        gen_cpu(g, st);
        gen_memory(g, st);
        gen_rest(g, st);
        yajl_gen_map_close(g);
    }
    yajl_gen_map_close(g);
    const unsigned char *buf;
    size_t len;
    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
        printf("%.*s\n", (int)len, (const char *)buf);
    fflush(stdout);
    yajl_gen_free(g);
}

/* "5s", "500ms", "1m", "2h", or plain seconds. */
static int parse_interval(const char *s, struct timespec *ts)
{
    static const struct { const char *suffix; unsigned long long ms; } units[] = {
        { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 }, { "", 1000 },
    };
    char num[32];
    for (size_t i = 0; i < HULL_ARRAY_SIZE(units); i++) {
        size_t n = strlen(s), k = strlen(units[i].suffix);
        if (n <= k || n - k >= sizeof num || strcmp(s + n - k, units[i].suffix) != 0)
            continue;
        memcpy(num, s, n - k);
        num[n - k] = '\0';
        unsigned long long v;
        if (parse_u64(num, 86400000ULL / units[i].ms, &v) < 0 || v == 0)
            return -EINVAL;
        v *= units[i].ms;
        ts->tv_sec = (time_t)(v / 1000);
        ts->tv_nsec = (long)(v % 1000) * 1000000L;
        return 0;
    }
    return -EINVAL;
}

int cmd_events(int argc, char **argv)
{
    bool stats_once = false;
    const char *interval = "5s";
    const struct cli_option opts[] = {
        { "stats", 0, OPT_FLAG, &stats_once },
        { "interval", 0, OPT_STRING, &interval },
    };
    int next;
    struct timespec ts;
    if (cli_parse(argc, argv, opts, HULL_ARRAY_SIZE(opts), &next) < 0 ||
        cli_want_args("events", argc, next, 1, 1, "[--stats] [--interval DURATION] ID") < 0)
        return 1;
    if (parse_interval(interval, &ts) < 0)
        return cli_error("events: --interval: invalid duration \"%s\"", interval);
    const char *id = argv[next];
    uint64_t ooms = UINT64_MAX;
    for (;;) {
        struct cgroup_stats st;
        enum container_status status;
        struct hull_error err = {0};
        if (container_stats(g_opts.root, id, &st, &status, &err) < 0)
            return ooms == UINT64_MAX ? cli_fail(&err) : 0;
        if (ooms != UINT64_MAX && st.memory.oom_kill > ooms)
            print_event("oom", id, NULL);
        ooms = st.memory.oom_kill;
        print_event("stats", id, &st);
        cgroup_stats_free(&st);
        if (stats_once || status == STATUS_STOPPED)
            return 0;
        nanosleep(&ts, NULL);
    }
}
