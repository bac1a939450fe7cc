/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "finish.h"
#include "hooks.h"
#include "process.h"
#include "rootfs.h"
#include "security/lsm.h"
#include "sync.h"
#include "utils.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#define KEYCTL_JOIN_SESSION_KEYRING 1

static bool has_hooks(const struct spec *s, enum spec_hook_kind k)
{
    return s->hooks[k].n > 0;
}

static void reset_signals(void)
{
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    for (int sig = 1; sig < _NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
}

static int become_root_in_userns(struct hull_error *err)
{
    if (setresgid(0, 0, 0) < 0)
        return hull_err(err, errno, "setresgid(0) in the user namespace");
    if (setresuid(0, 0, 0) < 0)
        return hull_err(err, errno, "setresuid(0) in the user namespace");
    return 0;
}

static int join_session_keyring(const struct init_args *a, const struct lsm_labels *lsm,
                                struct hull_error *err)
{
    if (a->no_new_keyring)
        return 0;
    int r = lsm_set_key_label(lsm, err);
    if (r < 0)
        return r;
    /* Some kernels or seccomp policies forbid the keyring syscalls: runc
     * treats ENOSYS and EACCES as "no keyring", and so do we. */
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 &&
        errno != ENOSYS && errno != EACCES && errno != EPERM)
        return hull_err(err, errno, "join a new session keyring");
    return 0;
}

/* Ask the parent to run prestart/createRuntime hooks; get the state JSON. */
static int hooks_round_trip(const struct init_args *a, char **state_json, struct hull_error *err)
{
    const struct spec *s = a->spec;
    if (!has_hooks(s, HOOK_PRESTART) && !has_hooks(s, HOOK_CREATE_RUNTIME) &&
        !has_hooks(s, HOOK_CREATE_CONTAINER) && !has_hooks(s, HOOK_START_CONTAINER))
        return 0;
    int r = sync_send(a->sync_fd, SYNC_HOOKS_REQUEST, 0, NULL, 0);
    if (r < 0)
        return hull_err(err, -r, "sync with parent");
    return sync_expect(a->sync_fd, SYNC_HOOKS_DONE, state_json, err);
}

/* Without a mount namespace nothing may be mounted: it would land on the
 * host. The init only changes its root (documented in hull(8)). */
static int enter_rootfs_shared_mntns(const struct init_args *a, char **state_json,
                                     struct hull_error *err)
{
    int r = hooks_round_trip(a, state_json, err);
    if (r == 0 && has_hooks(a->spec, HOOK_CREATE_CONTAINER))
        r = hooks_run(&a->spec->hooks[HOOK_CREATE_CONTAINER], HOOK_CREATE_CONTAINER, *state_json, err);
    if (r < 0)
        return r;
    if (chdir(a->rootfs) < 0 || chroot(".") < 0 || chdir("/") < 0)
        return hull_err(err, errno, "chroot %s", a->rootfs);
    return 0;
}

static int setup_rootfs(const struct init_args *a, char **state_json, struct hull_error *err)
{
    struct rootfs_ctx ctx = {
        .spec = a->spec, .rootfs = a->rootfs, .userns = a->new_userns || a->joins->fd[NS_USER] >= 0,
        .new_cgroupns = spec_find_namespace(a->spec, NS_CGROUP) != NULL, .no_pivot = a->no_pivot,
    };
    int r;
    if (spec_find_namespace(a->spec, NS_MOUNT) == NULL)
        return enter_rootfs_shared_mntns(a, state_json, err);
    if (chdir(a->bundle) < 0)
        return hull_err(err, errno, "chdir %s", a->bundle);
    if ((r = rootfs_prepare(&ctx, err)) < 0 || (r = hooks_round_trip(a, state_json, err)) < 0)
        return r;
    if (has_hooks(a->spec, HOOK_CREATE_CONTAINER) &&
        (r = hooks_run(&a->spec->hooks[HOOK_CREATE_CONTAINER], HOOK_CREATE_CONTAINER, *state_json, err)) < 0)
        return r;
    if ((r = rootfs_pivot(&ctx, err)) < 0)
        return r;
    return rootfs_finalize(&ctx, err);
}

static int setup(const struct init_args *a, struct finish_ctx *f, char **state_json,
                 struct hull_error *err)
{
    int r;
    if (a->wait_go && (r = sync_expect(a->sync_fd, SYNC_GO, NULL, err)) < 0)
        return r;
    if (a->unshare_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
        return hull_err(err, errno, "create cgroup namespace");
    if (a->new_userns && (r = become_root_in_userns(err)) < 0)
        return r;
    /* Before any namespace is joined and the root changes: the LSM probes
     * read the host's /sys and /proc. */
    struct lsm_labels lsm = lsm_labels_of(a->spec, &a->spec->process);
    if ((r = lsm_prepare(&lsm, err)) < 0 ||
        (r = ns_child_join(a->joins, err)) < 0 ||
        (r = ns_set_names(a->spec, err)) < 0 ||
        (r = join_session_keyring(a, &lsm, err)) < 0 ||
        (r = setup_rootfs(a, state_json, err)) < 0 ||
        (r = process_apply_sysctl(&a->spec->linux_.sysctl, err)) < 0)
        return r;
    return finish_setup(f, err);
}

/* Block until `start` opens the FIFO for reading; the fd then carries the
 * outcome of the last steps to start: "0" just before execve, or the
 * error text. The FIFO is reopened through our own fd (no directory
 * permission is needed after the uid change); without a /proc in the new
 * root, through the state directory. */
static int wait_for_start(int fifo_fd, int state_dirfd, struct hull_error *err)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fifo_fd);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        fd = openat(state_dirfd, "exec.fifo", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return hull_err(err, errno, "open exec fifo");
    close(fifo_fd);
    close(state_dirfd);
    return fd;
}

/* After start: the error goes to `start` through the FIFO (when it is
 * open) and to the container's stderr. */
__attribute__((noreturn)) static void die_after_ready(int start_fd, const struct hull_error *err)
{
    if (start_fd >= 0)
        write_all(start_fd, err->msg, strlen(err->msg));
    dprintf(STDERR_FILENO, "hull: %s\n", err->msg);
    _exit(127);
}

void init_main(const struct init_args *a)
{
    struct hull_error err = {0};
    char *state_json = NULL;
    struct finish_ctx f = {
        .spec = a->spec, .process = &a->spec->process, .seccomp = a->seccomp,
        .console_fd = a->console_fd, .sync_fd = a->sync_fd, .new_userns = a->new_userns,
        .create_cwd = true,
    };

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    prctl(PR_SET_DUMPABLE, 0);
    reset_signals();
    if (setup(a, &f, &state_json, &err) < 0) {
        sync_send(a->sync_fd, SYNC_ERROR, err.code, err.msg, strlen(err.msg));
        _exit(1);
    }
    syscall(SYS_close_range, 3 + a->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
    prctl(PR_SET_PDEATHSIG, 0);
    if (sync_send(a->sync_fd, SYNC_READY, 0, NULL, 0) < 0)
        _exit(1);
    close(a->sync_fd);
    int start_fd = wait_for_start(a->fifo_fd, a->state_dirfd, &err);
    if (start_fd < 0)
        die_after_ready(-1, &err);
    if (has_hooks(a->spec, HOOK_START_CONTAINER) &&
        hooks_run(&a->spec->hooks[HOOK_START_CONTAINER], HOOK_START_CONTAINER, state_json, &err) < 0)
        die_after_ready(start_fd, &err);
    finish_exec(&f, start_fd, &err);
    die_after_ready(-1, &err);
}
