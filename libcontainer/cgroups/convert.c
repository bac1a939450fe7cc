/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pure translations between OCI values and cgroup file contents. */
#include "internal.h"
#include "utils.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#define SHARES_MIN 2u
#define SHARES_MAX 262144u
#define WEIGHT_MAX 10000u
#define BLKIO_WEIGHT_MIN 10u
#define BLKIO_WEIGHT_MAX 1000u
#define CPU_PERIOD_DEFAULT 100000u

uint64_t cg_shares_to_weight(uint64_t shares)
{
    if (shares == 0)
        return 0;
    if (shares < SHARES_MIN)
        shares = SHARES_MIN;
    if (shares > SHARES_MAX)
        shares = SHARES_MAX;
    return 1 + ((shares - SHARES_MIN) * (WEIGHT_MAX - 1)) / (SHARES_MAX - SHARES_MIN);
}

uint64_t cg_blkio_to_io_weight(uint64_t weight)
{
    if (weight == 0)
        return 0;
    if (weight < BLKIO_WEIGHT_MIN)
        weight = BLKIO_WEIGHT_MIN;
    if (weight > BLKIO_WEIGHT_MAX)
        weight = BLKIO_WEIGHT_MAX;
    return 1 + ((weight - BLKIO_WEIGHT_MIN) * (WEIGHT_MAX - 1)) /
                   (BLKIO_WEIGHT_MAX - BLKIO_WEIGHT_MIN);
}

int cg_swap_v2(int64_t swap, int64_t limit, bool *write, int64_t *out,
               struct hull_error *err)
{
    const char *field = "linux.resources.memory.swap";

    *write = false;
    *out = 0;
    if (limit == -1 && swap == 0) {
        *write = true;         /* unlimited memory: unlimited swap too, as on v1 */
        *out = -1;
        return 0;
    }
    if (swap == 0)
        return 0;
    if (swap == -1) {
        *write = true;
        *out = -1;
        return 0;
    }
    if (swap < -1)
        return hull_errx(err, EINVAL, "%s: %" PRId64 " is not valid", field, swap);
    if (limit == 0 || limit == -1)
        return hull_errx(err, EINVAL, "%s: a swap limit needs a memory limit", field);
    if (limit < -1)
        return hull_errx(err, EINVAL, "linux.resources.memory.limit: %" PRId64 " is not valid",
                         limit);
    if (swap < limit)
        return hull_errx(err, EINVAL,
                         "%s: %" PRId64 " is below memory.limit %" PRId64
                         " (swap counts memory+swap)", field, swap, limit);
    *write = true;
    *out = swap - limit;
    return 0;
}

int cg_fmt_max(int64_t v, char *buf, size_t len)
{
    int n;

    if (v < -1)
        return -EINVAL;
    if (v == -1)
        n = snprintf(buf, len, "max");
    else
        n = snprintf(buf, len, "%" PRId64, v);
    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int cg_fmt_cpu_max(opt_i64 quota, opt_u64 period, char *buf, size_t len,
                   struct hull_error *err)
{
    bool has_quota = quota.set && quota.v != 0;
    bool has_period = period.set && period.v != 0;
    char q[32] = "max";
    int n;

    buf[0] = '\0';
    if (!has_quota && !has_period)
        return 0;
    if (has_quota && quota.v < -1)
        return hull_errx(err, EINVAL, "linux.resources.cpu.quota: %" PRId64 " is not valid",
                         quota.v);
    if (has_quota && quota.v > 0)
        snprintf(q, sizeof q, "%" PRId64, quota.v);
    n = snprintf(buf, len, "%s %" PRIu64, q, has_period ? period.v : CPU_PERIOD_DEFAULT);
    if (n < 0 || (size_t)n >= len)
        return hull_errx(err, ENAMETOOLONG, "linux.resources.cpu: cpu.max value too long");
    return 0;
}

int cg_device_access_bits(const char *access)
{
    int bits = 0;

    if (access == NULL)
        return BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
    for (const char *p = access; *p != '\0'; p++) {
        switch (*p) {
        case 'r': bits |= BPF_DEVCG_ACC_READ; break;
        case 'w': bits |= BPF_DEVCG_ACC_WRITE; break;
        case 'm': bits |= BPF_DEVCG_ACC_MKNOD; break;
        default: return -EINVAL;
        }
    }
    return bits;
}

bool cg_device_rule_is_wildcard(const struct spec_device_rule *r)
{
    int all = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;

    return (r->type == 'a' || r->type == 0) && !r->major.set && !r->minor.set &&
           cg_device_access_bits(r->access) == all;
}

static void fmt_dev_number(const opt_i64 *v, char *buf, size_t len)
{
    if (v->set && v->v >= 0)
        snprintf(buf, len, "%" PRId64, v->v);
    else
        snprintf(buf, len, "*");
}

static int check_rule(const struct spec_device_rule *r, struct hull_error *err)
{
    const char *field = "linux.resources.devices";

    if (r->type != 'a' && r->type != 'b' && r->type != 'c' && r->type != 0)
        return hull_errx(err, EINVAL, "%s: unknown device type '%c'", field, r->type);
    if ((r->major.set && (r->major.v < -1 || r->major.v > UINT32_MAX)) ||
        (r->minor.set && (r->minor.v < -1 || r->minor.v > UINT32_MAX)))
        return hull_errx(err, ERANGE, "%s: device number out of range", field);
    if (cg_device_access_bits(r->access) < 0)
        return hull_errx(err, EINVAL, "%s: access \"%s\" is not a combination of r, w and m",
                         field, r->access);
    return 0;
}

int cg_v1_device_lines(const struct spec_device_rule *r, char lines[2][64],
                       struct hull_error *err)
{
    char maj[24], min[24];
    const char *access = r->access != NULL ? r->access : "rwm";
    int r_ = check_rule(r, err);

    if (r_ < 0)
        return r_;
    if (cg_device_rule_is_wildcard(r)) {
        snprintf(lines[0], sizeof lines[0], "a");
        return 1;
    }
    fmt_dev_number(&r->major, maj, sizeof maj);
    fmt_dev_number(&r->minor, min, sizeof min);
    if (r->type == 'b' || r->type == 'c') {
        snprintf(lines[0], sizeof lines[0], "%c %s:%s %s", r->type, maj, min, access);
        return 1;
    }
    /* The kernel reads any "a" line as "every device, every access". */
    snprintf(lines[0], sizeof lines[0], "c %s:%s %s", maj, min, access);
    snprintf(lines[1], sizeof lines[1], "b %s:%s %s", maj, min, access);
    return 2;
}

int cg_fmt_io_max(const struct spec_throttle_device *t, const char *key, char *buf, size_t len)
{
    int n;

    if (t->major < 0 || t->major > UINT32_MAX || t->minor < 0 || t->minor > UINT32_MAX)
        return -ERANGE;
    if (t->rate == 0)
        n = snprintf(buf, len, "%" PRId64 ":%" PRId64 " %s=max", t->major, t->minor, key);
    else
        n = snprintf(buf, len, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t->major, t->minor, key,
                     t->rate);
    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static bool rdma_device_valid(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 64)
        return false;
    for (const char *p = s; *p != '\0'; p++)
        if (!isgraph((unsigned char)*p) || *p == '/')
            return false;
    return true;
}

int cg_fmt_rdma(const struct spec_rdma *r, char *buf, size_t len, struct hull_error *err)
{
    char handles[40] = "", objects[40] = "";
    int n;

    if (!rdma_device_valid(r->device))
        return hull_errx(err, EINVAL, "linux.resources.rdma: bad device name \"%s\"", r->device);
    if (!r->hca_handles.set && !r->hca_objects.set)
        return hull_errx(err, EINVAL, "linux.resources.rdma.%s: needs hcaHandles or hcaObjects",
                         r->device);
    if ((r->hca_handles.set && r->hca_handles.v > INT32_MAX) ||
        (r->hca_objects.set && r->hca_objects.v > INT32_MAX))
        return hull_errx(err, ERANGE, "linux.resources.rdma.%s: value out of range", r->device);
    if (r->hca_handles.set)
        snprintf(handles, sizeof handles, " hca_handle=%" PRIu64, r->hca_handles.v);
    if (r->hca_objects.set)
        snprintf(objects, sizeof objects, " hca_object=%" PRIu64, r->hca_objects.v);
    n = snprintf(buf, len, "%s%s%s", r->device, handles, objects);
    if (n < 0 || (size_t)n >= len)
        return hull_errx(err, ENAMETOOLONG, "linux.resources.rdma.%s: too long", r->device);
    return 0;
}

bool cg_page_size_valid(const char *s)
{
    size_t digits = strspn(s, "0123456789");

    if (digits == 0 || digits > 10 || s[0] == '0')
        return false;
    return (s[digits] == 'K' || s[digits] == 'M' || s[digits] == 'G') &&
           s[digits + 1] == 'B' && s[digits + 2] == '\0';
}

static bool key_char_ok(char c)
{
    return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-';
}

int cg_unified_key(const char *key, char *ctrl, size_t len, struct hull_error *err)
{
    static const char *const reserved[] = {
        "cgroup.procs", "cgroup.threads", "cgroup.subtree_control", "cgroup.kill",
        "cgroup.type",
    };
    const char *dot = strchr(key, '.');

    for (const char *p = key; *p != '\0'; p++)
        if (!key_char_ok(*p))
            return hull_errx(err, EINVAL, "linux.resources.unified.%s: not a cgroup file name",
                             key);
    if (strstr(key, "..") != NULL || dot == NULL || dot == key || dot[1] == '\0')
        return hull_errx(err, EINVAL, "linux.resources.unified.%s: not a cgroup file name", key);
    for (size_t i = 0; i < HULL_ARRAY_SIZE(reserved); i++)
        if (strcmp(key, reserved[i]) == 0)
            return hull_errx(err, EPERM,
                             "linux.resources.unified.%s: managed by the runtime, not settable",
                             key);
    if ((size_t)(dot - key) >= len)
        return hull_errx(err, EINVAL, "linux.resources.unified.%s: unknown controller", key);
    memcpy(ctrl, key, (size_t)(dot - key));
    ctrl[dot - key] = '\0';
    return 0;
}
