/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "utils.h"

/* Longest timeout in seconds: milliseconds of it still fit an int. */
#define HOOK_TIMEOUT_MAX (INT_MAX / 1000)
/* Poll interval when the kernel has no pidfd_open (before 5.3). */
#define HOOK_POLL_MS 10

struct hook_child {
    pid_t pid;
    int pidfd;       /* -1 without pidfd_open */
    int in;          /* write end of the hook's stdin; -1 once closed */
    int exec_err;    /* read end: the errno of a failed execve */
};

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static char **make_vector(const struct str_list *l, const char *fallback)
{
    size_t n = l->n > 0 ? l->n : (fallback != NULL ? 1 : 0);
    char **v = calloc(n + 1, sizeof *v);
    if (v == NULL)
        return NULL;
    for (size_t i = 0; i < l->n; i++)
        v[i] = (char *)l->v[i];
    if (l->n == 0 && fallback != NULL)
        v[0] = (char *)fallback;
    return v;
}

__attribute__((noreturn)) static void child_fail(int err_fd)
{
    int e = errno;
    (void)!write(err_fd, &e, sizeof e);
    _exit(127);
}

/* In the forked child: only async-signal-safe calls until execve. */
__attribute__((noreturn)) static void exec_hook(int in, int err_fd, const char *path, char **argv,
                                                char **envp)
{
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    sigset_t none;
    for (int sig = 1; sig < _NSIG; sig++)
        sigaction(sig, &dfl, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (in == STDIN_FILENO) {
        if (fcntl(in, F_SETFD, 0) < 0)
            child_fail(err_fd);
    } else if (dup2(in, STDIN_FILENO) < 0) {
        child_fail(err_fd);
    }
    execve(path, argv, envp);
    child_fail(err_fd);
}

static int spawn_hook(const struct spec_hook *h, char **argv, char **envp, struct hook_child *c,
                      const char *what, struct hull_error *err)
{
    int in[2], ex[2];
    if (pipe2(in, O_CLOEXEC) < 0)
        return hull_err(err, errno, "%s: pipe", what);
    if (pipe2(ex, O_CLOEXEC) < 0) {
        int e = errno;
        close(in[0]);
        close(in[1]);
        return hull_err(err, e, "%s: pipe", what);
    }
    pid_t pid = fork();
    if (pid == 0)
        exec_hook(in[0], ex[1], h->path, argv, envp);
    int e = errno;
    close(in[0]);
    close(ex[1]);
    if (pid < 0) {
        close(in[1]);
        close(ex[0]);
        return hull_err(err, e, "%s: fork", what);
    }
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    fcntl(ex[0], F_SETFL, O_NONBLOCK);
    long pidfd = syscall(SYS_pidfd_open, pid, 0);
    *c = (struct hook_child){ .pid = pid, .pidfd = pidfd < 0 ? -1 : (int)pidfd, .in = in[1],
                              .exec_err = ex[0] };
    return 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds to wait in poll: -1 for ever, capped when polling. */
static int wait_ms(const struct hook_child *c, int64_t deadline)
{
    int64_t ms = -1;
    if (deadline >= 0) {
        ms = deadline - now_ms();
        if (ms < 0)
            ms = 0;
    }
    if (c->pidfd < 0 && (ms < 0 || ms > HOOK_POLL_MS))
        ms = HOOK_POLL_MS;
    return (int)ms;
}

/* Write what the pipe takes of the state; a hook that exits without
 * reading its stdin is not an error (EPIPE, with SIGPIPE blocked). */
static void feed(struct hook_child *c, const char *state, size_t len, size_t *off)
{
    ssize_t n = write(c->in, state + *off, len - *off);
    if (n > 0)
        *off += (size_t)n;
    else if (n < 0 && errno != EAGAIN && errno != EINTR)
        close_fd(&c->in);
    if (*off == len)
        close_fd(&c->in);
}

static int reaped(const struct hook_child *c, int *status)
{
    pid_t r = waitpid(c->pid, status, WNOHANG);
    if (r < 0 && errno != EINTR)
        return -errno;
    return r == c->pid;
}

/* Feed the state and wait for the exit. 0 and *status, -ETIME on timeout
 * (the hook still running), or another negative errno. */
static int supervise(struct hook_child *c, const char *state, int64_t timeout_ms, int *status)
{
    size_t len = strlen(state), off = 0;
    int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    if (len == 0)
        close_fd(&c->in);
    for (;;) {
        struct pollfd fds[2];
        nfds_t n = 0;
        if (c->in >= 0)
            fds[n++] = (struct pollfd){ .fd = c->in, .events = POLLOUT };
        if (c->pidfd >= 0)
            fds[n++] = (struct pollfd){ .fd = c->pidfd, .events = POLLIN };
        int p = poll(fds, n, wait_ms(c, deadline));
        if (p < 0 && errno != EINTR)
            return -errno;
        int r = reaped(c, status);
        if (r != 0)
            return r < 0 ? r : 0;
        if (c->in >= 0 && p > 0 && fds[0].revents != 0)
            feed(c, state, len, &off);
        if (deadline >= 0 && now_ms() >= deadline)
            return -ETIME;
    }
}

static void kill_and_reap(const struct hook_child *c)
{
    int status;
    kill(c->pid, SIGKILL);
    while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
        ;
}

static int exec_errno(const struct hook_child *c)
{
    int e = 0;
    ssize_t n = read(c->exec_err, &e, sizeof e);
    return n == (ssize_t)sizeof e ? e : 0;
}

static int check_status(const struct hook_child *c, int status, const char *what, struct hull_error *err)
{
    int e = exec_errno(c);
    if (e != 0)
        return hull_err(err, e, "%s: exec", what);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status))
        return hull_errx(err, 0, "%s: exit status %d", what, WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return hull_errx(err, 0, "%s: killed by signal %d", what, WTERMSIG(status));
    return hull_errx(err, 0, "%s: ended with wait status %#x", what, (unsigned)status);
}

/* SIGPIPE blocked while the state is written; one raised by the write is
 * taken off the pending set before the mask is restored. */
struct sigpipe_guard {
    sigset_t old;
    bool was_pending;
};

static void sigpipe_block(struct sigpipe_guard *g)
{
    sigset_t set, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    sigpending(&pending);
    g->was_pending = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &set, &g->old);
}

static void sigpipe_restore(const struct sigpipe_guard *g)
{
    sigset_t set, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    sigpending(&pending);
    if (!g->was_pending && sigismember(&pending, SIGPIPE) == 1) {
        struct timespec zero = { 0, 0 };
        while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

/* With SIGCHLD ignored the kernel reaps children itself and waitpid
 * cannot report the hook's status; use the default meanwhile. */
static void sigchld_default(struct sigaction *old)
{
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    sigaction(SIGCHLD, NULL, old);
    if (old->sa_handler == SIG_IGN)
        sigaction(SIGCHLD, &dfl, NULL);
}

static void sigchld_restore(const struct sigaction *old)
{
    if (old->sa_handler == SIG_IGN)
        sigaction(SIGCHLD, old, NULL);
}

static int timeout_of(const struct spec_hook *h, const char *what, int64_t *ms, struct hull_error *err)
{
    *ms = -1;
    if (!h->timeout.set)
        return 0;
    if (h->timeout.v <= 0 || h->timeout.v > HOOK_TIMEOUT_MAX)
        return hull_errx(err, ERANGE, "%s: timeout %lld is out of range 1..%d", what,
                         (long long)h->timeout.v, HOOK_TIMEOUT_MAX);
    *ms = h->timeout.v * 1000;
    return 0;
}

static int start_hook(const struct spec_hook *h, struct hook_child *c, const char *what,
                      struct hull_error *err)
{
    char **argv = make_vector(&h->args, h->path);
    char **envp = make_vector(&h->env, NULL);
    int r = (argv == NULL || envp == NULL) ? hull_err(err, ENOMEM, "%s", what)
                                           : spawn_hook(h, argv, envp, c, what, err);
    free(argv);
    free(envp);
    return r;
}

static int run_hook(const struct spec_hook *h, const char *what, const char *state,
                    struct hull_error *err)
{
    int64_t timeout_ms;
    struct hook_child c = { .pid = -1, .pidfd = -1, .in = -1, .exec_err = -1 };
    int status = 0;
    if (h->path == NULL || h->path[0] != '/')
        return hull_errx(err, EINVAL, "%s: path must be absolute", what);
    int r = timeout_of(h, what, &timeout_ms, err);
    if (r < 0 || (r = start_hook(h, &c, what, err)) < 0)
        return r;
    struct sigpipe_guard g;
    sigpipe_block(&g);
    r = supervise(&c, state, timeout_ms, &status);
    sigpipe_restore(&g);
    if (r < 0 && r != -ECHILD)
        kill_and_reap(&c);
    if (r == -ETIME)
        r = hull_errx(err, ETIMEDOUT, "%s: timed out after %llds", what, (long long)(timeout_ms / 1000));
    else if (r < 0)
        r = hull_err(err, -r, "%s: wait", what);
    else
        r = check_status(&c, status, what, err);
    close_fd(&c.in);
    close_fd(&c.pidfd);
    close_fd(&c.exec_err);
    return r;
}

int hooks_run(const struct spec_hook_list *list, enum spec_hook_kind kind,
              const char *state_json, struct hull_error *err)
{
    struct sigaction old_chld;
    int r = 0;
    if (list->n == 0)
        return 0;
    sigchld_default(&old_chld);
    for (size_t i = 0; i < list->n && r == 0; i++) {
        const struct spec_hook *h = &list->v[i];
        char what[PATH_MAX + 64];
        snprintf(what, sizeof what, "%s hook #%zu (%s)", spec_hook_kind_name(kind), i,
                 h->path != NULL ? h->path : "?");
        r = run_hook(h, what, state_json != NULL ? state_json : "", err);
    }
    sigchld_restore(&old_chld);
    return r;
}
