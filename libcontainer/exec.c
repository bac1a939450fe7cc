/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "container_internal.h"
#include "finish.h"
#include "security/lsm.h"
#include "security/seccomp.h"
#include "sync.h"
#include "utils.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* Namespaces joined in this order: the user namespace first, so that the
 * others are entered with its capabilities; pid and time apply to children
 * and are entered by the runtime before the clone. */
static const struct { const char *name; int flag; } ns_order[] = {
    { "user", CLONE_NEWUSER }, { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
    { "net", CLONE_NEWNET }, { "cgroup", CLONE_NEWCGROUP }, { "mnt", CLONE_NEWNS },
    { "pid", CLONE_NEWPID }, { "time", CLONE_NEWTIME },
};
#define N_NS (sizeof ns_order / sizeof ns_order[0])

struct exec_ctx {
    const struct exec_opts *o;
    struct handle h;
    int ns[N_NS];
    struct seccomp_prog seccomp;
    struct cgroup *cg;           /* the container's, NULL without one */
    int sync[2];
    pid_t pid;
};

int container_load_config(const char *root, const char *id, struct spec *s, struct hull_error *err)
{
    struct handle h;
    int r = handle_open(root, id, false, &h, err);
    if (r < 0)
        return r;
    r = load_saved_spec(h.dirfd, s, err);
    handle_close(&h);
    return r;
}

static bool same_ns_as_self(int fd, const char *name)
{
    char path[64];
    struct stat a, b;
    snprintf(path, sizeof path, "/proc/self/ns/%s", name);
    return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* Open the init's namespaces that differ from ours; the init is checked
 * to still be the container's afterwards, so a reused pid cannot slip in. */
static int open_namespaces(struct exec_ctx *c, struct hull_error *err)
{
    for (size_t i = 0; i < N_NS; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)c->h.st.pid, ns_order[i].name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 && errno != ENOENT)
            return hull_err(err, errno, "open %s", path);
        if (fd >= 0 && same_ns_as_self(fd, ns_order[i].name)) {
            close(fd);
            fd = -1;
        }
        c->ns[i] = fd;
    }
    if (!state_pid_alive(&c->h.st))
        return hull_errx(err, ESRCH, "container not running");
    return 0;
}

static int ns_index(int flag)
{
    for (size_t i = 0; i < N_NS; i++)
        if (ns_order[i].flag == flag)
            return (int)i;
    return -1;
}

/* The process starts in the container's own user namespace, if it has one. */
static bool joins_userns(const struct exec_ctx *c)
{
    return c->ns[ns_index(CLONE_NEWUSER)] >= 0;
}

__attribute__((noreturn)) static void exec_child(struct exec_ctx *c)
{
    struct hull_error err = {0};
    struct finish_ctx f = {
        .spec = c->o->config, .process = c->o->process,
        .seccomp = c->o->config->linux_.seccomp.present ? &c->seccomp : NULL,
        .console_fd = c->o->process->terminal ? c->o->console_fd : -1,
        .sync_fd = c->sync[1], .new_userns = joins_userns(c),
    };
    int r = 0;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    prctl(PR_SET_DUMPABLE, 0);
    if (c->cg != NULL && cgroup_leaf_fd(c->cg) < 0)
        r = sync_expect(c->sync[1], SYNC_GO, NULL, &err);
    for (size_t i = 0; i < N_NS && r == 0; i++) {
        if (c->ns[i] < 0 || ns_order[i].flag == CLONE_NEWPID || ns_order[i].flag == CLONE_NEWTIME)
            continue;
        if (setns(c->ns[i], ns_order[i].flag) < 0)
            r = hull_err(&err, errno, "join %s namespace", ns_order[i].name);
    }
    if (r == 0 && (r = finish_setup(&f, &err)) == 0) {
        syscall(SYS_close_range, 3 + c->o->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
        prctl(PR_SET_PDEATHSIG, 0);
        finish_exec(&f, -1, &err);
    }
    sync_send(c->sync[1], SYNC_ERROR, err.code, err.msg, strlen(err.msg));
    _exit(127);
}

static int enter_for_children(struct exec_ctx *c, int flag, int *saved, const char *self,
                              struct hull_error *err)
{
    int fd = c->ns[ns_index(flag)];
    *saved = -1;
    if (fd < 0)
        return 0;
    *saved = open(self, O_RDONLY | O_CLOEXEC);
    if (*saved < 0)
        return hull_err(err, errno, "open %s", self);
    if (setns(fd, flag) < 0)
        return hull_err(err, errno, "join the container's %s namespace", flag == CLONE_NEWPID ? "pid" : "time");
    return 0;
}

static void leave_for_children(int saved, int flag)
{
    if (saved >= 0) {
        setns(saved, flag);
        close(saved);
    }
}

static int spawn(struct exec_ctx *c, struct hull_error *err)
{
    int saved_pid, saved_time;
    int r = enter_for_children(c, CLONE_NEWPID, &saved_pid, "/proc/self/ns/pid_for_children", err);
    if (r == 0)
        r = enter_for_children(c, CLONE_NEWTIME, &saved_time, "/proc/self/ns/time_for_children", err);
    pid_t pid = -1;
    if (r == 0) {
        struct clone_args args = { .exit_signal = SIGCHLD };
        int cgfd = c->cg != NULL ? cgroup_leaf_fd(c->cg) : -1;
        if (cgfd >= 0) {
            args.flags = CLONE_INTO_CGROUP;
            args.cgroup = (unsigned long long)cgfd;
        }
        pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
        if (pid == 0) {
            close(c->sync[0]);
            exec_child(c);
        }
        if (pid < 0)
            r = hull_err(err, errno, "clone");
    }
    leave_for_children(saved_pid, CLONE_NEWPID);
    leave_for_children(saved_time, CLONE_NEWTIME);
    c->pid = pid;
    return r;
}

/* On v1 the process is moved into the container's cgroup before it goes on. */
static int release_child(struct exec_ctx *c, struct hull_error *err)
{
    if (c->cg == NULL || cgroup_leaf_fd(c->cg) >= 0)
        return 0;
    int r = cgroup_enter(c->cg, c->pid, err);
    if (r == 0 && (r = sync_send(c->sync[0], SYNC_GO, 0, NULL, 0)) < 0)
        r = hull_err(err, -r, "sync with exec process");
    return r;
}

/* EOF on the sync socket means the process has exec'd. */
static int await_exec(struct exec_ctx *c, struct hull_error *err)
{
    close(c->sync[1]);
    c->sync[1] = -1;
    for (;;) {
        struct sync_hdr h;
        char *payload = NULL;
        int fd;
        int r = sync_recv(c->sync[0], &h, &payload, &fd);
        if (r == -ECONNRESET)
            return 0;
        if (r < 0)
            return hull_err(err, -r, "read from exec process");
        if (h.type == SYNC_ERROR)
            r = hull_errx(err, h.code > 0 ? h.code : EIO, "%s", payload != NULL ? payload : "exec failed");
        else if (h.type == SYNC_SECCOMP_FD)
            r = forward_seccomp_listener(&c->o->config->linux_.seccomp, &c->h.st, fd, c->pid,
                                         c->sync[0], err);
        else
            r = hull_errx(err, EPROTO, "exec process: unexpected message %u", h.type);
        if (fd >= 0 && h.type != SYNC_SECCOMP_FD)
            close(fd);
        free(payload);
        if (r < 0)
            return r;
    }
}

static int exec_steps(struct exec_ctx *c, struct hull_error *err)
{
    const struct exec_opts *o = c->o;
    int r = handle_open(o->root, o->id, false, &c->h, err);
    if (r < 0)
        return r;
    if (c->h.status != STATUS_RUNNING && c->h.status != STATUS_CREATED)
        return hull_errx(err, EINVAL, "cannot exec in a %s container", state_status_name(c->h.status));
    if (o->process->terminal && o->console_fd < 0)
        return hull_errx(err, EINVAL, "process.terminal is true: --console-socket is required");
    struct lsm_labels lsm = lsm_labels_of(o->config, o->process);
    if ((r = lsm_prepare(&lsm, err)) < 0 || (r = open_namespaces(c, err)) < 0)
        return r;
    if (o->config->linux_.seccomp.present &&
        (r = seccomp_compile(&o->config->linux_.seccomp, &c->seccomp, err)) < 0)
        return r;
    if (c->h.st.cgroup_path != NULL && (r = cgroup_open_path(c->h.st.cgroup_path, &c->cg, err)) < 0)
        return r;
    if ((r = sync_socketpair(c->sync, err)) < 0 || (r = spawn(c, err)) < 0 ||
        (r = release_child(c, err)) < 0)
        return r;
    if ((r = await_exec(c, err)) < 0)
        return r;
    return o->pid_file != NULL ? write_pid_file(o->pid_file, c->pid, err) : 0;
}

int container_exec(const struct exec_opts *o, pid_t *pid, struct hull_error *err)
{
    struct exec_ctx c = { .o = o, .sync = { -1, -1 }, .pid = -1 };
    c.h.rootfd = c.h.dirfd = -1;
    for (size_t i = 0; i < N_NS; i++)
        c.ns[i] = -1;
    int r = exec_steps(&c, err);
    if (r < 0 && c.pid > 0) {
        kill(c.pid, SIGKILL);
        waitpid(c.pid, NULL, 0);
    }
    if (r == 0)
        *pid = c.pid;
    for (size_t i = 0; i < N_NS; i++)
        if (c.ns[i] >= 0)
            close(c.ns[i]);
    for (int i = 0; i < 2; i++)
        if (c.sync[i] >= 0)
            close(c.sync[i]);
    seccomp_prog_free(&c.seccomp);
    cgroup_free(c.cg);
    handle_close(&c.h);
    return r;
}
