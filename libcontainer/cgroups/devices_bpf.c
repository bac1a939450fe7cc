/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cgroup v2 device filter: linux.resources.devices compiled to a
 * BPF_PROG_TYPE_CGROUP_DEVICE program, loaded and attached to the cgroup.
 *
 * The program sees struct bpf_cgroup_dev_ctx { access_type, major, minor },
 * access_type being (access bits << 16) | device type. It walks the rules
 * from the last to the first, keeping in R3 the requested access bits not
 * decided yet: a matching deny rule that covers one of them refuses; a
 * matching allow rule clears the bits it covers and allows once none is
 * left. Bits no rule decides are allowed, as the rules apply on top of
 * "allow everything" (the usual list starts with "deny a *:* rwm"). */
#include "internal.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { R0, R1, R2, R3, R4, R5, R6 };

#define REG_TYPE R2
#define REG_ACCESS R3
#define REG_MAJOR R4
#define REG_MINOR R5
#define REG_TMP R6

#define MAX_INSNS 65536

struct prog {
    struct bpf_insn *v;
    size_t n, cap;
    bool oom;
};

static void emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        struct bpf_insn *v = cap <= MAX_INSNS ? realloc(p->v, cap * sizeof *v) : NULL;
        if (v == NULL) {
            p->oom = true;
            return;
        }
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n++] = (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off,
                                      .imm = imm };
}

static void emit_prologue(struct prog *p)
{
    emit(p, BPF_LDX | BPF_MEM | BPF_W, REG_TYPE, R1, 0, 0);
    emit(p, BPF_ALU64 | BPF_MOV | BPF_X, REG_ACCESS, REG_TYPE, 0, 0);
    emit(p, BPF_ALU64 | BPF_AND | BPF_K, REG_TYPE, 0, 0, 0xffff);
    emit(p, BPF_ALU64 | BPF_RSH | BPF_K, REG_ACCESS, 0, 0, 16);
    emit(p, BPF_LDX | BPF_MEM | BPF_W, REG_MAJOR, R1, 4, 0);
    emit(p, BPF_LDX | BPF_MEM | BPF_W, REG_MINOR, R1, 8, 0);
}

static void emit_return(struct prog *p, int32_t v)
{
    emit(p, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, v);
    emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static int rule_dev_type(const struct spec_device_rule *r)
{
    if (r->type == 'c')
        return BPF_DEVCG_DEV_CHAR;
    if (r->type == 'b')
        return BPF_DEVCG_DEV_BLOCK;
    return 0;
}

static bool number_set(const opt_i64 *v)
{
    return v->set && v->v >= 0;
}

static size_t block_len(const struct spec_device_rule *r)
{
    size_t n = 3 + (r->allow ? 4 : 2);

    n += rule_dev_type(r) != 0;
    n += number_set(&r->major);
    n += number_set(&r->minor);
    return n;
}

/* "if reg != imm goto end" with end the first instruction after the block. */
static void emit_skip_unless(struct prog *p, uint8_t reg, int32_t imm, size_t end)
{
    emit(p, BPF_JMP32 | BPF_JNE | BPF_K, reg, 0, (int16_t)(end - p->n - 1), imm);
}

static void emit_rule(struct prog *p, const struct spec_device_rule *r, int bits)
{
    size_t end = p->n + block_len(r);

    if (rule_dev_type(r) != 0)
        emit_skip_unless(p, REG_TYPE, rule_dev_type(r), end);
    if (number_set(&r->major))
        emit_skip_unless(p, REG_MAJOR, (int32_t)(uint32_t)r->major.v, end);
    if (number_set(&r->minor))
        emit_skip_unless(p, REG_MINOR, (int32_t)(uint32_t)r->minor.v, end);
    emit(p, BPF_ALU64 | BPF_MOV | BPF_X, REG_TMP, REG_ACCESS, 0, 0);
    emit(p, BPF_ALU64 | BPF_AND | BPF_K, REG_TMP, 0, 0, bits);
    emit(p, BPF_JMP | BPF_JEQ | BPF_K, REG_TMP, 0, (int16_t)(end - p->n - 1), 0);
    if (!r->allow) {
        emit_return(p, 0);
        return;
    }
    emit(p, BPF_ALU64 | BPF_AND | BPF_K, REG_ACCESS, 0, 0, ~bits);
    emit(p, BPF_JMP | BPF_JNE | BPF_K, REG_ACCESS, 0, 2, 0);
    emit_return(p, 1);
}

static int check_rule(const struct spec_device_rule *r, size_t i, struct hull_error *err)
{
    if (r->type != 'a' && r->type != 'b' && r->type != 'c' && r->type != 0)
        return hull_errx(err, EINVAL, "linux.resources.devices[%zu]: unknown type '%c'", i,
                         r->type);
    if ((r->major.set && (r->major.v < -1 || r->major.v > UINT32_MAX)) ||
        (r->minor.set && (r->minor.v < -1 || r->minor.v > UINT32_MAX)))
        return hull_errx(err, ERANGE, "linux.resources.devices[%zu]: device number out of range",
                         i);
    if (cg_device_access_bits(r->access) < 0)
        return hull_errx(err, EINVAL,
                         "linux.resources.devices[%zu]: access \"%s\" is not a combination of "
                         "r, w and m", i, r->access);
    return 0;
}

int cg_devices_program(const struct spec_device_rule *rules, size_t n,
                       struct bpf_insn **insns, size_t *n_insns, struct hull_error *err)
{
    struct prog p = { 0 };
    int r;

    for (size_t i = 0; i < n; i++)
        if ((r = check_rule(&rules[i], i, err)) < 0)
            return r;
    emit_prologue(&p);
    for (size_t i = n; i-- > 0;) {
        int bits = cg_device_access_bits(rules[i].access);
        if (bits == 0)
            continue;
        emit_rule(&p, &rules[i], bits);
        if (cg_device_rule_is_wildcard(&rules[i]))
            break;                 /* decides every request: the rest is moot */
    }
    emit_return(&p, 1);
    if (p.oom) {
        free(p.v);
        return hull_errx(err, ENOMEM, "linux.resources.devices: device filter too large");
    }
    *insns = p.v;
    *n_insns = p.n;
    return 0;
}

/* ---- bpf(2) ------------------------------------------------------------------- */

static int sys_bpf(int cmd, union bpf_attr *attr)
{
    return (int)syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

/* The last non-empty line of the verifier's log. */
static const char *last_line(char *log)
{
    char *end = log + strlen(log);

    while (end > log && end[-1] == '\n')
        *--end = '\0';
    char *nl = strrchr(log, '\n');
    return nl != NULL ? nl + 1 : log;
}

static int load_program(const struct bpf_insn *insns, size_t n, struct hull_error *err)
{
    union bpf_attr a;
    char *log;
    int fd, e;

    memset(&a, 0, sizeof a);
    a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    a.expected_attach_type = BPF_CGROUP_DEVICE;
    a.insns = (uint64_t)(uintptr_t)insns;
    a.insn_cnt = (uint32_t)n;
    a.license = (uint64_t)(uintptr_t)"GPL";
    snprintf(a.prog_name, sizeof a.prog_name, "hull_devices");
    if ((fd = sys_bpf(BPF_PROG_LOAD, &a)) >= 0)
        return fd;
    e = errno;
    if (e != EINVAL && e != EACCES)
        return hull_err(err, e, "linux.resources.devices: load the device filter");
    if ((log = calloc(1, 65536)) == NULL)
        return hull_err(err, e, "linux.resources.devices: load the device filter");
    a.log_buf = (uint64_t)(uintptr_t)log;
    a.log_size = 65536;
    a.log_level = 1;
    if ((fd = sys_bpf(BPF_PROG_LOAD, &a)) < 0)
        hull_err(err, e, "linux.resources.devices: load the device filter (verifier: %s)",
                 last_line(log));
    free(log);
    return fd >= 0 ? fd : -e;
}

#define MAX_ATTACHED 64

static int query_attached(int cgfd, uint32_t *ids, uint32_t *n, uint32_t *flags,
                          struct hull_error *err)
{
    union bpf_attr a;

    memset(&a, 0, sizeof a);
    a.query.target_fd = (uint32_t)cgfd;
    a.query.attach_type = BPF_CGROUP_DEVICE;
    a.query.prog_ids = (uint64_t)(uintptr_t)ids;
    a.query.prog_cnt = MAX_ATTACHED;
    if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
        return hull_err(err, errno, "linux.resources.devices: list the device filters attached");
    *n = a.query.prog_cnt;
    *flags = a.query.attach_flags;
    return 0;
}

static int attach_program(int cgfd, int prog, uint32_t flags, struct hull_error *err)
{
    union bpf_attr a;

    memset(&a, 0, sizeof a);
    a.target_fd = (uint32_t)cgfd;
    a.attach_bpf_fd = (uint32_t)prog;
    a.attach_type = BPF_CGROUP_DEVICE;
    a.attach_flags = flags;
    if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
        return hull_err(err, errno, "linux.resources.devices: attach the device filter");
    return 0;
}

static int detach_by_id(int cgfd, uint32_t id, struct hull_error *err)
{
    union bpf_attr a;
    int fd, r = 0;

    memset(&a, 0, sizeof a);
    a.prog_id = id;
    if ((fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a)) < 0)
        return errno == ENOENT ? 0 : hull_err(err, errno, "linux.resources.devices: "
                                              "open the old device filter %u", id);
    memset(&a, 0, sizeof a);
    a.target_fd = (uint32_t)cgfd;
    a.attach_bpf_fd = (uint32_t)fd;
    a.attach_type = BPF_CGROUP_DEVICE;
    if (sys_bpf(BPF_PROG_DETACH, &a) < 0 && errno != ENOENT)
        r = hull_err(err, errno, "linux.resources.devices: detach the old device filter %u", id);
    close(fd);
    return r;
}

int cg_devices_bpf_apply(int dfd, const struct spec_device_rule *rules, size_t n,
                         struct hull_error *err)
{
    struct bpf_insn *insns = NULL;
    uint32_t old[MAX_ATTACHED], n_old = 0, old_flags = 0;
    size_t n_insns = 0;
    int prog, r;

    if ((r = cg_devices_program(rules, n, &insns, &n_insns, err)) < 0)
        return r;
    prog = load_program(insns, n_insns, err);
    free(insns);
    if (prog < 0)
        return prog;
    r = query_attached(dfd, old, &n_old, &old_flags, err);
    if (r == 0 && n_old > 0 && !(old_flags & BPF_F_ALLOW_MULTI)) {
        /* A single program attached without BPF_F_ALLOW_MULTI: replace it. */
        r = attach_program(dfd, prog, old_flags, err);
        n_old = 0;
    } else if (r == 0) {
        r = attach_program(dfd, prog, BPF_F_ALLOW_MULTI, err);
    }
    close(prog);
    for (uint32_t i = 0; r == 0 && i < n_old; i++)
        r = detach_by_id(dfd, old[i], err);
    return r;
}
