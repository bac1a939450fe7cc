/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "seccomp.h"

#include <ctype.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "utils.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static int parse_action(const char *name, opt_u64 errno_ret, uint32_t *out)
{
    uint32_t eno = errno_ret.set ? (uint32_t)errno_ret.v : EPERM;
    if (errno_ret.set && errno_ret.v > 0xffff)
        return -ERANGE;
    if (strcmp(name, "SCMP_ACT_KILL") == 0 || strcmp(name, "SCMP_ACT_KILL_THREAD") == 0)
        *out = SCMP_ACT_KILL_THREAD;
    else if (strcmp(name, "SCMP_ACT_KILL_PROCESS") == 0)
        *out = SCMP_ACT_KILL_PROCESS;
    else if (strcmp(name, "SCMP_ACT_TRAP") == 0)
        *out = SCMP_ACT_TRAP;
    else if (strcmp(name, "SCMP_ACT_ERRNO") == 0)
        *out = SCMP_ACT_ERRNO(eno);
    else if (strcmp(name, "SCMP_ACT_TRACE") == 0)
        *out = SCMP_ACT_TRACE(eno);
    else if (strcmp(name, "SCMP_ACT_ALLOW") == 0)
        *out = SCMP_ACT_ALLOW;
    else if (strcmp(name, "SCMP_ACT_LOG") == 0)
        *out = SCMP_ACT_LOG;
    else if (strcmp(name, "SCMP_ACT_NOTIFY") == 0)
        *out = SCMP_ACT_NOTIFY;
    else
        return -EINVAL;
    return 0;
}

static int parse_op(const char *name, enum scmp_compare *out)
{
    static const struct { const char *n; enum scmp_compare op; } ops[] = {
        { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
        { "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
        { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
        { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
    };
    for (size_t i = 0; name != NULL && i < HULL_ARRAY_SIZE(ops); i++)
        if (strcmp(name, ops[i].n) == 0) {
            *out = ops[i].op;
            return 0;
        }
    return -EINVAL;
}

static int parse_flag(const char *name, unsigned int *flags)
{
    if (strcmp(name, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
        *flags |= SECCOMP_FILTER_FLAG_TSYNC;
    else if (strcmp(name, "SECCOMP_FILTER_FLAG_LOG") == 0)
        *flags |= SECCOMP_FILTER_FLAG_LOG;
    else if (strcmp(name, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
        *flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
    else if (strcmp(name, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
        *flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    else
        return -EINVAL;
    return 0;
}

static uint32_t arch_token(const char *name)
{
    char lower[32];
    const char *p = strncmp(name, "SCMP_ARCH_", 10) == 0 ? name + 10 : name;
    size_t n = strlen(p);
    if (n == 0 || n >= sizeof lower)
        return 0;
    for (size_t i = 0; i <= n; i++)
        lower[i] = (char)tolower((unsigned char)p[i]);
    return seccomp_arch_resolve_name(lower);
}

static int add_arches(scmp_filter_ctx ctx, const struct str_list *a, struct hull_error *err)
{
    for (size_t i = 0; i < a->n; i++) {
        uint32_t t = arch_token(a->v[i]);
        if (t == 0)
            return hull_errx(err, EINVAL, "linux.seccomp.architectures[%zu]: unknown architecture \"%s\"", i, a->v[i]);
        int r = seccomp_arch_add(ctx, t);
        if (r < 0 && r != -EEXIST)
            return hull_err(err, -r, "linux.seccomp.architectures[%zu]", i);
    }
    return 0;
}

/* Conditions on one argument index are ANDed by libseccomp only when
 * indexes differ; repeated indexes mean "any of" and get a rule each. */
static bool args_repeat_index(const struct spec_seccomp_syscall *sc)
{
    for (size_t i = 0; i < sc->n_args; i++)
        for (size_t j = i + 1; j < sc->n_args; j++)
            if (sc->args[i].index == sc->args[j].index)
                return true;
    return false;
}

static int make_cmp(const struct spec_seccomp_arg *a, struct scmp_arg_cmp *c)
{
    enum scmp_compare op;
    if (a->index > 5 || parse_op(a->op, &op) < 0)
        return -EINVAL;
    *c = (struct scmp_arg_cmp){ .arg = a->index, .op = op, .datum_a = a->value, .datum_b = a->value_two };
    return 0;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, const struct spec_seccomp_syscall *sc,
                    const char *field, struct hull_error *err)
{
    struct scmp_arg_cmp cmps[6];
    bool split = args_repeat_index(sc);
    if (sc->n_args > 6 && !split)
        return hull_errx(err, EINVAL, "%s.args: more than 6 arguments", field);
    int r = 0;
    for (size_t i = 0; i < sc->n_args && r == 0; i++) {
        struct scmp_arg_cmp *c = &cmps[split ? 0 : i];
        if (make_cmp(&sc->args[i], c) < 0)
            return hull_errx(err, EINVAL, "%s.args[%zu]: bad index or op", field, i);
        if (split)
            r = seccomp_rule_add_array(ctx, act, nr, 1, c);
    }
    if (r == 0 && !split)
        r = seccomp_rule_add_array(ctx, act, nr, (unsigned)sc->n_args, cmps);
    return r < 0 ? hull_err(err, -r, "%s", field) : 0;
}

static int add_syscalls(scmp_filter_ctx ctx, const struct spec_seccomp *s, uint32_t def,
                        bool *notify, struct hull_error *err)
{
    for (size_t i = 0; i < s->n_syscalls; i++) {
        const struct spec_seccomp_syscall *sc = &s->syscalls[i];
        char field[64];
        snprintf(field, sizeof field, "linux.seccomp.syscalls[%zu]", i);
        uint32_t act;
        if (parse_action(sc->action, sc->errno_ret, &act) < 0)
            return hull_errx(err, EINVAL, "%s.action: unknown or bad action \"%s\"", field, sc->action);
        if (act == def)
            continue;
        if (act == SCMP_ACT_NOTIFY)
            *notify = true;
        for (size_t j = 0; j < sc->names.n; j++) {
            int nr = seccomp_syscall_resolve_name(sc->names.v[j]);
            /* A name this libseccomp or kernel does not know is skipped, as in runc. */
            if (nr == __NR_SCMP_ERROR)
                continue;
            int r = add_rule(ctx, act, nr, sc, field, err);
            if (r < 0)
                return r;
        }
    }
    return 0;
}

static int export_bpf(scmp_filter_ctx ctx, struct seccomp_prog *out, struct hull_error *err)
{
    int fd = memfd_create("hull-seccomp", MFD_CLOEXEC);
    if (fd < 0)
        return hull_err(err, errno, "seccomp: memfd");
    int r = seccomp_export_bpf(ctx, fd);
    off_t size = r == 0 ? lseek(fd, 0, SEEK_END) : -1;
    if (r < 0 || size <= 0 || size % (off_t)sizeof(struct sock_filter) != 0) {
        close(fd);
        return hull_err(err, r < 0 ? -r : EIO, "seccomp: export filter");
    }
    out->insns = malloc((size_t)size);
    ssize_t n = out->insns != NULL ? pread(fd, out->insns, (size_t)size, 0) : -1;
    close(fd);
    if (n != size)
        return hull_errx(err, EIO, "seccomp: read exported filter");
    out->len = (size_t)size / sizeof(struct sock_filter);
    return 0;
}

static int compile_ctx(scmp_filter_ctx ctx, const struct spec_seccomp *s, uint32_t def,
                       struct seccomp_prog *out, struct hull_error *err)
{
    int r;
    if ((r = add_arches(ctx, &s->architectures, err)) < 0)
        return r;
    for (size_t i = 0; i < s->flags.n; i++)
        if (parse_flag(s->flags.v[i], &out->flags) < 0)
            return hull_errx(err, EINVAL, "linux.seccomp.flags[%zu]: unknown flag \"%s\"", i, s->flags.v[i]);
    /* no_new_privs is the runtime's decision, not the filter's. */
    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    if ((r = add_syscalls(ctx, s, def, &out->notify, err)) < 0)
        return r;
    return export_bpf(ctx, out, err);
}

int seccomp_compile(const struct spec_seccomp *s, struct seccomp_prog *out, struct hull_error *err)
{
    memset(out, 0, sizeof *out);
    uint32_t def;
    if (s->default_action == NULL || parse_action(s->default_action, s->default_errno_ret, &def) < 0)
        return hull_errx(err, EINVAL, "linux.seccomp.defaultAction: unknown action \"%s\"",
                         s->default_action != NULL ? s->default_action : "");
    if (def == SCMP_ACT_NOTIFY)
        return hull_errx(err, EINVAL, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default");
    scmp_filter_ctx ctx = seccomp_init(def);
    if (ctx == NULL)
        return hull_errx(err, ENOMEM, "seccomp: init filter");
    int r = compile_ctx(ctx, s, def, out, err);
    seccomp_release(ctx);
    if (r < 0)
        seccomp_prog_free(out);
    return r;
}

int seccomp_load_prog(const struct seccomp_prog *p, int *listener, struct hull_error *err)
{
    struct sock_fprog prog = { .len = (unsigned short)p->len, .filter = p->insns };
    unsigned int flags = p->flags;
    if (p->notify)
        flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    if (r < 0)
        return hull_err(err, errno, "load seccomp filter");
    *listener = p->notify ? (int)r : -1;
    return 0;
}

void seccomp_prog_free(struct seccomp_prog *p)
{
    free(p->insns);
    memset(p, 0, sizeof *p);
}

static char *json_string(const char *s)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (g == NULL)
        return NULL;
    const unsigned char *buf;
    size_t len;
    char *out = NULL;
    if (yajl_gen_string(g, (const unsigned char *)s, strlen(s)) == yajl_gen_status_ok &&
        yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok && (out = malloc(len + 1)) != NULL) {
        memcpy(out, buf, len);
        out[len] = '\0';
    }
    yajl_gen_free(g);
    return out;
}

int seccomp_send_to_agent(const struct spec_seccomp *s, int listener, pid_t pid,
                          const char *state_json, struct hull_error *err)
{
    if (s->listener_path == NULL)
        return hull_errx(err, EINVAL, "linux.seccomp.listenerPath: needed for SCMP_ACT_NOTIFY");
    int sock;
    int r = unix_connect(s->listener_path, &sock, err);
    if (r < 0)
        return hull_err_prefix(err, "linux.seccomp.listenerPath");
    char *meta = json_string(s->listener_metadata != NULL ? s->listener_metadata : "");
    size_t cap = strlen(state_json) + (meta != NULL ? strlen(meta) : 0) + 128;
    char *msg = malloc(cap);
    if (meta == NULL || msg == NULL) {
        r = hull_errx(err, ENOMEM, "out of memory");
    } else {
        int n = snprintf(msg, cap, "{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"],\"pid\":%d,"
                         "\"metadata\":%s,\"state\":%s}", (int)pid, meta, state_json);
        r = send_fd(sock, listener, msg, (size_t)n);
        if (r < 0)
            r = hull_err(err, -r, "linux.seccomp.listenerPath %s: send", s->listener_path);
    }
    free(meta);
    free(msg);
    close(sock);
    return r;
}
