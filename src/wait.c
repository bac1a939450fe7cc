/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Staying in the foreground (run, exec): forward signals to the process,
 * relay its terminal, and return its exit code. */
#include "wait.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utils.h"

static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT };

int wait_block_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    for (size_t i = 0; i < HULL_ARRAY_SIZE(forwarded); i++)
        sigaddset(&set, forwarded[i]);
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
        return -1;
    return signalfd(-1, &set, SFD_CLOEXEC);
}

static void copy_winsize(int from, int to)
{
    struct winsize ws;
    if (ioctl(from, TIOCGWINSZ, &ws) == 0)
        ioctl(to, TIOCSWINSZ, &ws);
}

void relay_setup(struct relay *r, int console_peer)
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

void relay_restore(struct relay *r)
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

int wait_and_relay(pid_t pid, int sfd, struct relay *r)
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

