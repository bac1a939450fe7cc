/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Run one command and record its wall-clock time and peak RSS.
 *
 * usage: peakrss [-o FILE] [-l LABEL] [-n MNTNS] [-q] -- COMMAND [ARG...]
 *
 *   -o FILE    append the record to FILE instead of printing it on stdout
 *   -l LABEL   first field of the record (default "-")
 *   -n MNTNS   join that mount namespace (a /proc/PID/ns/mnt path) before
 *              running the command
 *   -q         the command's stdin, stdout and stderr are /dev/null
 *
 * The record is one line: "LABEL WALL_US MAXRSS_KB STATUS", where WALL_US
 * is fork to reaping in microseconds, MAXRSS_KB is ru_maxrss of the
 * command as wait4() reports it, and STATUS is its exit code (128+N when
 * killed by signal N). The exit status of peakrss is STATUS too.
 *
 * Linked statically where possible, so that the forked copy of this
 * program, which the command's ru_maxrss also covers, stays small. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct opts {
    const char *out, *label, *mntns;
    int quiet;
    char **argv;
};

static void usage(void)
{
    fputs("usage: peakrss [-o FILE] [-l LABEL] [-n MNTNS] [-q] -- COMMAND [ARG...]\n", stderr);
    exit(125);
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
    int c;

    o->label = "-";
    while ((c = getopt(argc, argv, "+o:l:n:q")) != -1) {
        switch (c) {
        case 'o': o->out = optarg; break;
        case 'l': o->label = optarg; break;
        case 'n': o->mntns = optarg; break;
        case 'q': o->quiet = 1; break;
        default: usage();
        }
    }
    if (optind >= argc)
        usage();
    o->argv = argv + optind;
}

static long long now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void quiet_stdio(void)
{
    int fd = open("/dev/null", O_RDWR);

    if (fd < 0)
        _exit(126);
    for (int i = 0; i < 3; i++)
        if (dup2(fd, i) < 0)
            _exit(126);
    if (fd > 2)
        close(fd);
}

static void child(const struct opts *o, int nsfd)
{
    if (nsfd >= 0 && setns(nsfd, CLONE_NEWNS) < 0) {
        perror("peakrss: setns");
        _exit(126);
    }
    if (o->quiet)
        quiet_stdio();
    execvp(o->argv[0], o->argv);
    fprintf(stderr, "peakrss: %s: %s\n", o->argv[0], strerror(errno));
    _exit(127);
}

static int record(const struct opts *o, long long us, long rss, int status)
{
    FILE *f = stdout;

    if (o->out != NULL && (f = fopen(o->out, "a")) == NULL) {
        perror(o->out);
        return -1;
    }
    fprintf(f, "%s %lld %ld %d\n", o->label, us, rss, status);
    return o->out != NULL ? fclose(f) : fflush(f);
}

int main(int argc, char **argv)
{
    struct opts o = { 0 };
    struct rusage ru;
    int nsfd = -1, ws, status;
    long long t0;
    pid_t pid;

    parse_opts(argc, argv, &o);
    if (o.mntns != NULL && (nsfd = open(o.mntns, O_RDONLY | O_CLOEXEC)) < 0) {
        perror(o.mntns);
        return 125;
    }
    t0 = now_us();
    pid = fork();
    if (pid < 0) {
        perror("peakrss: fork");
        return 125;
    }
    if (pid == 0)
        child(&o, nsfd);
    while (wait4(pid, &ws, 0, &ru) < 0)
        if (errno != EINTR) {
            perror("peakrss: wait4");
            return 125;
        }
    t0 = now_us() - t0;
    status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    if (record(&o, t0, ru.ru_maxrss, status) != 0)
        return 125;
    return status;
}
