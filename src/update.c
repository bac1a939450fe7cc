/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `hull update`: new resource limits from a JSON file or from flags. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "control.h"
#include "utils.h"

struct update_cli {
    const char *resources;
    const char *blkio_weight, *cpu_period, *cpu_quota, *cpu_share, *cpu_rt_period,
        *cpu_rt_runtime, *cpuset_cpus, *cpuset_mems, *cpu_idle, *memory, *memory_reservation,
        *memory_swap, *kernel_memory, *kernel_memory_tcp, *pids_limit;
};

/* "512", "100k", "64m", "2g", "1t" (powers of 1024), or "-1". */
static int parse_size(const char *s, int64_t *out)
{
    if (strcmp(s, "-1") == 0) {
        *out = -1;
        return 0;
    }
    char num[32];
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof num)
        return -EINVAL;
    memcpy(num, s, n + 1);
    int shift = 0;
    char last = (char)tolower((unsigned char)num[n - 1]);
    if (n > 1 && (last == 'b'))
        num[--n] = '\0', last = (char)tolower((unsigned char)num[n - 1]);
    const char *units = "kmgt";
    const char *u = n > 1 ? strchr(units, last) : NULL;
    if (u != NULL) {
        shift = 10 * (int)(u - units + 1);
        num[n - 1] = '\0';
    }
    unsigned long long v;
    if (parse_u64(num, (unsigned long long)INT64_MAX >> shift, &v) < 0)
        return -ERANGE;
    *out = (int64_t)(v << shift);
    return 0;
}

static int set_i64(const char *flag, const char *value, bool size, opt_i64 *out, bool *present)
{
    if (value == NULL)
        return 0;
    long long v;
    int64_t sz;
    int r = size ? parse_size(value, &sz) : parse_i64(value, -1, INT64_MAX, &v);
    if (r < 0)
        return cli_error("update: --%s: invalid value \"%s\"", flag, value), -1;
    out->set = true;
    out->v = size ? sz : v;
    *present = true;
    return 0;
}

static int set_u64(const char *flag, const char *value, unsigned long long max, opt_u64 *out,
                   bool *present)
{
    if (value == NULL)
        return 0;
    unsigned long long v;
    if (parse_u64(value, max, &v) < 0)
        return cli_error("update: --%s: invalid value \"%s\"", flag, value), -1;
    out->set = true;
    out->v = v;
    *present = true;
    return 0;
}

static int from_flags(const struct update_cli *c, struct spec_resources *r)
{
    r->present = true;
    if (set_i64("memory", c->memory, true, &r->memory.limit, &r->memory.present) < 0 ||
        set_i64("memory-reservation", c->memory_reservation, true, &r->memory.reservation, &r->memory.present) < 0 ||
        set_i64("memory-swap", c->memory_swap, true, &r->memory.swap, &r->memory.present) < 0 ||
        set_i64("kernel-memory", c->kernel_memory, true, &r->memory.kernel, &r->memory.present) < 0 ||
        set_i64("kernel-memory-tcp", c->kernel_memory_tcp, true, &r->memory.kernel_tcp, &r->memory.present) < 0 ||
        set_u64("cpu-share", c->cpu_share, UINT64_MAX, &r->cpu.shares, &r->cpu.present) < 0 ||
        set_u64("cpu-period", c->cpu_period, UINT64_MAX, &r->cpu.period, &r->cpu.present) < 0 ||
        set_i64("cpu-quota", c->cpu_quota, false, &r->cpu.quota, &r->cpu.present) < 0 ||
        set_u64("cpu-rt-period", c->cpu_rt_period, UINT64_MAX, &r->cpu.realtime_period, &r->cpu.present) < 0 ||
        set_i64("cpu-rt-runtime", c->cpu_rt_runtime, false, &r->cpu.realtime_runtime, &r->cpu.present) < 0 ||
        set_i64("cpu-idle", c->cpu_idle, false, &r->cpu.idle, &r->cpu.present) < 0 ||
        set_i64("pids-limit", c->pids_limit, false, &r->pids.limit, &r->pids.present) < 0 ||
        set_u64("blkio-weight", c->blkio_weight, 1000, &r->block_io.weight, &r->block_io.present) < 0)
        return -1;
    if (c->cpuset_cpus != NULL)
        r->cpu.cpus = c->cpuset_cpus, r->cpu.present = true;
    if (c->cpuset_mems != NULL)
        r->cpu.mems = c->cpuset_mems, r->cpu.present = true;
    return 0;
}

#define RESOURCES_MAX (1u << 20)

static int read_stdin(char **buf, size_t *len, struct hull_error *err)
{
    *buf = malloc(RESOURCES_MAX + 1);
    if (*buf == NULL)
        return hull_errx(err, ENOMEM, "out of memory");
    ssize_t n = read_all(STDIN_FILENO, *buf, RESOURCES_MAX + 1);
    if (n < 0 || (size_t)n > RESOURCES_MAX) {
        free(*buf);
        return n < 0 ? hull_err(err, (int)-n, "read standard input")
                     : hull_errx(err, EFBIG, "standard input: larger than %u bytes", RESOURCES_MAX);
    }
    (*buf)[n] = '\0';
    *len = (size_t)n;
    return 0;
}

static int from_file(const char *path, struct spec *holder)
{
    char *buf;
    size_t len;
    struct hull_error err = {0};
    int r = strcmp(path, "-") == 0 ? read_stdin(&buf, &len, &err)
                                   : read_file_at(AT_FDCWD, path, RESOURCES_MAX, &buf, &len, &err);
    if (r == 0) {
        r = spec_parse_resources(buf, len, holder, &err);
        free(buf);
    }
    return r < 0 ? (cli_error("update: --resources %s: %s", path, err.msg), -1) : 0;
}

int cmd_update(int argc, char **argv)
{
    struct update_cli c = {0};
    const struct cli_option opts[] = {
        { "resources", 'r', OPT_STRING, &c.resources },
        { "blkio-weight", 0, OPT_STRING, &c.blkio_weight },
        { "cpu-period", 0, OPT_STRING, &c.cpu_period },
        { "cpu-quota", 0, OPT_STRING, &c.cpu_quota },
        { "cpu-share", 0, OPT_STRING, &c.cpu_share },
        { "cpu-rt-period", 0, OPT_STRING, &c.cpu_rt_period },
        { "cpu-rt-runtime", 0, OPT_STRING, &c.cpu_rt_runtime },
        { "cpuset-cpus", 0, OPT_STRING, &c.cpuset_cpus },
        { "cpuset-mems", 0, OPT_STRING, &c.cpuset_mems },
        { "cpu-idle", 0, OPT_STRING, &c.cpu_idle },
        { "memory", 0, OPT_STRING, &c.memory },
        { "memory-reservation", 0, OPT_STRING, &c.memory_reservation },
        { "memory-swap", 0, OPT_STRING, &c.memory_swap },
        { "kernel-memory", 0, OPT_STRING, &c.kernel_memory },
        { "kernel-memory-tcp", 0, OPT_STRING, &c.kernel_memory_tcp },
        { "pids-limit", 0, OPT_STRING, &c.pids_limit },
    };
    int next;
    if (cli_parse(argc, argv, opts, HULL_ARRAY_SIZE(opts), &next) < 0 ||
        cli_want_args("update", argc, next, 1, 1, "[--resources FILE|-] [FLAGS] ID") < 0)
        return 1;
    struct spec holder = {0};
    struct spec_resources flags = {0};
    const struct spec_resources *res = &flags;
    if (c.resources != NULL) {
        if (from_file(c.resources, &holder) < 0)
            return 1;
        res = &holder.linux_.resources;
    } else if (from_flags(&c, &flags) < 0) {
        return 1;
    }
    struct hull_error err = {0};
    int r = container_update(g_opts.root, argv[next], res, &err);
    spec_free(&holder);
    return r < 0 ? cli_fail(&err) : 0;
}
