/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The floor for `run`: the least a runtime has to do to start a process
 * in a new root.
 *
 * usage: bare ROOTFS [COMMAND [ARG...]]   (default COMMAND: /bin/true)
 *
 * clone() into new mount, PID, UTS, IPC and network namespaces; in the
 * child make / private, bind ROOTFS onto itself, pivot_root into it,
 * detach the old root and exec COMMAND; the parent waits and exits with
 * the child's status. No cgroups, no /proc or /dev, no hooks, no state. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define STACK_SIZE (256 * 1024)

struct args {
    const char *rootfs;
    char **argv;
};

static char *default_argv[] = { "/bin/true", NULL };

static int die(const char *what)
{
    perror(what);
    return 126;
}

static int enter_root(const char *rootfs)
{
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return die("make / private");
    if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        return die("bind rootfs");
    if (chdir(rootfs) < 0)
        return die("chdir rootfs");
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return die("pivot_root");
    if (umount2(".", MNT_DETACH) < 0)
        return die("detach old root");
    if (chdir("/") < 0)
        return die("chdir /");
    return 0;
}

static int child_main(void *p)
{
    const struct args *a = p;
    int r = enter_root(a->rootfs);

    if (r != 0)
        return r;
    execv(a->argv[0], a->argv);
    return die(a->argv[0]);
}

int main(int argc, char **argv)
{
    const int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET;
    struct args a;
    char *stack;
    int ws;
    pid_t pid;

    if (argc < 2) {
        fputs("usage: bare ROOTFS [COMMAND [ARG...]]\n", stderr);
        return 125;
    }
    a.rootfs = argv[1];
    a.argv = argc > 2 ? argv + 2 : default_argv;
    stack = malloc(STACK_SIZE);
    if (stack == NULL)
        return die("malloc");
    pid = clone(child_main, stack + STACK_SIZE, flags | SIGCHLD, &a);
    if (pid < 0)
        return die("clone");
    if (waitpid(pid, &ws, 0) < 0)
        return die("waitpid");
    free(stack);
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}
