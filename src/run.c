/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `hull run`: create + start, then (unless --detach) stay as the init's
 * parent: forward signals, relay the terminal, reap and delete. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "container.h"
#include "create_opts.h"
#include "utils.h"

static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT };

struct relay {
    int master;                  /* pty master, or -1 */
    bool raw;                    /* our stdin was put in raw mode */
    struct termios saved;
};

static int block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGCHLD);
    for (size_t i = 0; i < HULL_ARRAY_SIZE(forwarded); i++)
        sigaddset(set, forwarded[i]);
    if (sigprocmask(SIG_BLOCK, set, NULL) < 0)
        return -1;
    return signalfd(-1, set, SFD_CLOEXEC);
}

static void copy_winsize(int from, int to)
{
    struct winsize ws;
    if (ioctl(from, TIOCGWINSZ, &ws) == 0)
        ioctl(to, TIOCSWINSZ, &ws);
}

static void relay_setup(struct relay *r, int console_peer)
{
    r->master = -1;
    r->raw = false;
    if (console_peer < 0)
        return;
    if (recv_fd(console_peer, &r->master, NULL, 0) < 0)
        r->master = -1;
    if (r->master >= 0 && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &r->saved) == 0) {
        struct termios raw = r->saved;
        cfmakeraw(&raw);
        r->raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
        copy_winsize(STDIN_FILENO, r->master);
    }
}

static void relay_restore(struct relay *r)
{
    if (r->raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &r->saved);
    if (r->master >= 0)
        close(r->master);
}

/* Copy what is readable from one fd to another; false on EOF/error. */
static bool pump(int from, int to)
{
    char buf[8192];
    ssize_t n = read(from, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    return write_all(to, buf, (size_t)n) == 0;
}

/* Returns true when the init has exited (status in *status). */
static bool handle_signal(int sfd, pid_t pid, struct relay *r, int *status)
{
    struct signalfd_siginfo si;
    if (read(sfd, &si, sizeof si) != (ssize_t)sizeof si)
        return false;
    if ((int)si.ssi_signo != SIGCHLD) {
        if ((int)si.ssi_signo == SIGWINCH && r->master >= 0)
            copy_winsize(STDIN_FILENO, r->master);
        kill(pid, (int)si.ssi_signo);
        return false;
    }
    pid_t w;
    int st;
    while ((w = waitpid(-1, &st, WNOHANG)) > 0)
        if (w == pid) {
            *status = st;
            return true;
        }
    return false;
}

static int wait_and_relay(pid_t pid, int sfd, struct relay *r)
{
    int status = 0;
    bool stdin_open = r->master >= 0;
    for (;;) {
        struct pollfd p[3] = {
            { .fd = sfd, .events = POLLIN },
            { .fd = r->master, .events = POLLIN },
            { .fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
        };
        if (poll(p, 3, -1) < 0 && errno != EINTR)
            break;
        if ((p[1].revents & (POLLIN | POLLHUP)) && !pump(r->master, STDOUT_FILENO))
            r->master = (close(r->master), -1);
        if ((p[2].revents & (POLLIN | POLLHUP)) && !pump(STDIN_FILENO, r->master))
            stdin_open = false;
        if ((p[0].revents & POLLIN) && handle_signal(sfd, pid, r, &status))
            break;
    }
    /* Drain what the process wrote before it exited. */
    while (r->master >= 0 && pump(r->master, STDOUT_FILENO))
        ;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
}

static int make_internal_console(struct container_opts *o, int *peer, struct hull_error *err)
{
    int sp[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
        return hull_err(err, errno, "console socketpair");
    o->console_fd = sp[1];
    *peer = sp[0];
    return 0;
}

static int run_foreground(struct container_opts *o, int console_peer, struct hull_error *err)
{
    sigset_t set;
    int sfd = block_signals(&set);
    if (sfd < 0)
        return hull_err(err, errno, "signalfd");
    struct container_created out;
    int r = container_create(o, &out, err);
    if (o->console_fd >= 0)
        close(o->console_fd);
    o->console_fd = -1;
    if (r == 0)
        r = container_start(o->root, o->id, err);
    if (r < 0) {
        container_delete(o->root, o->id, true, NULL);
        close(sfd);
        return r;
    }
    struct relay rel;
    relay_setup(&rel, out.terminal ? console_peer : -1);
    int code = wait_and_relay(out.pid, sfd, &rel);
    relay_restore(&rel);
    close(sfd);
    container_delete(o->root, o->id, true, NULL);
    return code;
}

int cmd_run(int argc, char **argv)
{
    struct create_cli c;
    bool detach = false;
    const struct cli_option extra[] = { { "detach", 'd', OPT_FLAG, &detach } };
    int next;
    create_cli_init(&c);
    if (create_cli_parse(&c, argc, argv, extra, HULL_ARRAY_SIZE(extra), &next) < 0 ||
        cli_want_args("run", argc, next, 1, 1, "[OPTIONS] ID") < 0)
        return 1;
    struct hull_error err = {0};
    struct container_opts o;
    if (create_cli_opts(&c, argv[next], &o, &err) < 0)
        return cli_fail(&err);
    if (detach) {
        struct container_created out;
        int r = container_create(&o, &out, &err);
        if (o.console_fd >= 0)
            close(o.console_fd);
        if (r == 0 && (r = container_start(o.root, o.id, &err)) < 0)
            container_delete(o.root, o.id, true, NULL);
        return r < 0 ? cli_fail(&err) : 0;
    }
    int peer = -1;
    if (o.console_fd < 0) {
        if (make_internal_console(&o, &peer, &err) < 0)
            return cli_fail(&err);
        o.console_optional = true;
    }
    int code = run_foreground(&o, peer, &err);
    if (peer >= 0)
        close(peer);
    return code < 0 ? cli_fail(&err) : code;
}
