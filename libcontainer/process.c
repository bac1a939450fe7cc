/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <termios.h>
#include <unistd.h>

#include "inroot.h"
#include "security/caps.h"
#include "utils.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

#define PROC_ROOT_INO 1
#define PTMX_MAJOR 5
#define PTMX_MINOR 2
#define PTY_SLAVE_MAJOR 136
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define DEFAULT_UMASK 0022

/* ------------------------------------------------------------------ */
/* procfs access through fds that are checked to be on a real procfs    */

static int openat2_fd(int dirfd, const char *path, int flags, uint64_t resolve)
{
    struct open_how how = { .flags = (uint64_t)flags, .resolve = resolve };
    long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    return fd < 0 ? -errno : (int)fd;
}

static bool on_fs(int fd, unsigned long magic)
{
    struct statfs sfs;
    return fstatfs(fd, &sfs) == 0 && (unsigned long)sfs.f_type == magic;
}

static bool is_proc_root(int fd)
{
    struct stat st;
    return on_fs(fd, PROC_SUPER_MAGIC) && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) &&
           st.st_ino == PROC_ROOT_INO;
}

/* The /proc mount alone, without whatever is mounted on top of its files. */
static int proc_clone(void)
{
    int fd = open_tree(AT_FDCWD, "/proc", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

/* A new, detached procfs instance for the current pid namespace. */
static int proc_fresh(void)
{
    int fs = fsopen("proc", FSOPEN_CLOEXEC);
    if (fs < 0)
        return -errno;
    int mnt = -1;
    if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
        mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    int e = errno;
    close(fs);
    return mnt < 0 ? -e : mnt;
}

static int proc_plain(void)
{
    int fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

/* A directory fd on the root of a procfs. Lookups below it are made with
 * RESOLVE_NO_XDEV, so an over-mount (a bind of another proc file onto
 * the one we mean to write) is refused in the plain-/proc fallback. */
static int proc_open_root(const char *what, struct hull_error *err)
{
    int (*const ways[])(void) = { proc_clone, proc_fresh, proc_plain };
    for (size_t i = 0; i < HULL_ARRAY_SIZE(ways); i++) {
        int fd = ways[i]();
        if (fd < 0)
            continue;
        if (is_proc_root(fd))
            return fd;
        close(fd);
    }
    return hull_errx(err, ENOENT, "%s: no procfs mounted on /proc", what);
}

static int proc_open_at(int root, const char *path, int flags, uint64_t resolve, const char *what,
                        struct hull_error *err)
{
    int fd = openat2_fd(root, path, flags | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY,
                        resolve | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
    if (fd < 0)
        return hull_err(err, -fd, "%s: open /proc/%s", what, path);
    if (!on_fs(fd, PROC_SUPER_MAGIC)) {
        close(fd);
        return hull_errx(err, EXDEV, "%s: /proc/%s is not on procfs", what, path);
    }
    return fd;
}

static int proc_write_at(int root, const char *path, const char *value, uint64_t resolve,
                         const char *what, struct hull_error *err)
{
    int fd = proc_open_at(root, path, O_WRONLY, resolve, what, err);
    if (fd < 0)
        return fd;
    size_t len = strlen(value);
    ssize_t n;
    do
        n = write(fd, value, len);
    while (n < 0 && errno == EINTR);
    int e = errno;
    close(fd);
    if (n < 0)
        return hull_err(err, e, "%s: write \"%s\" to /proc/%s", what, value, path);
    if ((size_t)n != len)
        return hull_errx(err, EIO, "%s: short write to /proc/%s", what, path);
    return 0;
}

/* ------------------------------------------------------------------ */
/* linux.sysctl                                                       */

static bool bad_component(const char *c, size_t len)
{
    return len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.');
}

static int check_sysctl_path(const char *path)
{
    for (const char *c = path; *c != '\0'; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return -EINVAL;
    for (const char *p = path;;) {
        const char *end = strchrnul(p, '/');
        if (bad_component(p, (size_t)(end - p)))
            return -EINVAL;
        if (*end == '\0')
            return 0;
        p = end + 1;
    }
}

int process_sysctl_path(const char *key, char *out, size_t len)
{
    size_t n = strlen(key);
    if (n == 0 || key[0] == '/' || key[0] == '.')
        return -EINVAL;
    if (n >= len)
        return -ENAMETOOLONG;
    /* sysctl(8): when the first separator is a dot, dots and slashes swap
     * roles ("net.ipv4.conf.eth0/1.forwarding"); otherwise the key is
     * already a path ("net/ipv4/conf/eth0.1/forwarding"). */
    const char *first = strpbrk(key, "./");
    bool swap = first != NULL && *first == '.';
    for (size_t i = 0; i <= n; i++) {
        char c = key[i];
        if (swap && c == '.')
            c = '/';
        else if (swap && c == '/')
            c = '.';
        out[i] = c;
    }
    return check_sysctl_path(out);
}

static int apply_one_sysctl(int root, const struct kv *kv, struct hull_error *err)
{
    char what[PATH_MAX + 32], rel[PATH_MAX], path[PATH_MAX + 8];
    snprintf(what, sizeof what, "linux.sysctl[\"%s\"]", kv->key);
    int r = process_sysctl_path(kv->key, rel, sizeof rel);
    if (r < 0)
        return hull_errx(err, -r, "%s: invalid key", what);
    if (kv->value == NULL)
        return hull_errx(err, EINVAL, "%s: missing value", what);
    snprintf(path, sizeof path, "sys/%s", rel);
    return proc_write_at(root, path, kv->value, RESOLVE_NO_SYMLINKS, what, err);
}

int process_apply_sysctl(const struct kv_list *sysctl, struct hull_error *err)
{
    if (sysctl->n == 0)
        return 0;
    int root = proc_open_root("linux.sysctl", err);
    if (root < 0)
        return root;
    int r = 0;
    for (size_t i = 0; i < sysctl->n && r == 0; i++)
        r = apply_one_sysctl(root, &sysctl->v[i], err);
    close(root);
    return r;
}

/* ------------------------------------------------------------------ */
/* process.rlimits, process.oomScoreAdj                               */

static int apply_rlimit(const struct spec_rlimit *rl, size_t i, struct hull_error *err)
{
    const char *name = rl->type != NULL ? rl->type : "?";
    if (rl->resource < 0 || rl->resource >= RLIM_NLIMITS)
        return hull_errx(err, EINVAL, "process.rlimits[%zu]: unknown type \"%s\"", i, name);
    if (rl->soft > rl->hard)
        return hull_errx(err, EINVAL, "process.rlimits[%zu] %s: soft limit %llu exceeds hard limit %llu",
                         i, name, (unsigned long long)rl->soft, (unsigned long long)rl->hard);
    struct rlimit lim = { .rlim_cur = (rlim_t)rl->soft, .rlim_max = (rlim_t)rl->hard };
    if (prlimit(0, (__rlimit_resource_t)rl->resource, &lim, NULL) < 0)
        return hull_err(err, errno, "process.rlimits[%zu] %s: set soft %llu, hard %llu", i, name,
                        (unsigned long long)rl->soft, (unsigned long long)rl->hard);
    return 0;
}

int process_apply_rlimits(const struct spec_process *p, struct hull_error *err)
{
    for (size_t i = 0; i < p->n_rlimits; i++) {
        int r = apply_rlimit(&p->rlimits[i], i, err);
        if (r < 0)
            return r;
    }
    return 0;
}

int process_set_oom_score_adj(const struct spec_process *p, struct hull_error *err)
{
    if (!p->oom_score_adj.set)
        return 0;
    int64_t v = p->oom_score_adj.v;
    if (v < -1000 || v > 1000)
        return hull_errx(err, ERANGE, "process.oomScoreAdj: %lld is out of range -1000..1000", (long long)v);
    char buf[16];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    int root = proc_open_root("process.oomScoreAdj", err);
    if (root < 0)
        return root;
    int r = proc_write_at(root, "self/oom_score_adj", buf, 0, "process.oomScoreAdj", err);
    close(root);
    return r;
}

/* ------------------------------------------------------------------ */
/* scheduler, ioPriority, personality, execCPUAffinity                */

/* struct sched_attr of sched_setattr(2), SCHED_ATTR_SIZE_VER1. */
struct hull_sched_attr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime, sched_deadline, sched_period;
    uint32_t sched_util_min, sched_util_max;
};

struct name_value {
    const char *name;
    unsigned long value;
};

static const struct name_value sched_flag_names[] = {
    { "SCHED_FLAG_RESET_ON_FORK", 0x01 }, { "SCHED_FLAG_RECLAIM", 0x02 },
    { "SCHED_FLAG_DL_OVERRUN", 0x04 },    { "SCHED_FLAG_KEEP_POLICY", 0x08 },
    { "SCHED_FLAG_KEEP_PARAMS", 0x10 },   { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
    { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

/* MMAP_PAGE_ZERO is deliberately not offered. */
static const struct name_value personality_flag_names[] = {
    { "ADDR_NO_RANDOMIZE", ADDR_NO_RANDOMIZE }, { "ADDR_COMPAT_LAYOUT", ADDR_COMPAT_LAYOUT },
    { "READ_IMPLIES_EXEC", READ_IMPLIES_EXEC }, { "ADDR_LIMIT_32BIT", ADDR_LIMIT_32BIT },
    { "ADDR_LIMIT_3GB", ADDR_LIMIT_3GB },       { "SHORT_INODE", SHORT_INODE },
    { "WHOLE_SECONDS", WHOLE_SECONDS },         { "STICKY_TIMEOUTS", STICKY_TIMEOUTS },
    { "UNAME26", UNAME26 },                     { "FDPIC_FUNCPTRS", FDPIC_FUNCPTRS },
};

static int lookup_name(const struct name_value *t, size_t n, const char *name, unsigned long *out)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(t[i].name, name) == 0) {
            *out = t[i].value;
            return 0;
        }
    }
    return -EINVAL;
}

static int sched_flags_from(const struct str_list *l, uint64_t *out, struct hull_error *err)
{
    *out = 0;
    for (size_t i = 0; i < l->n; i++) {
        unsigned long f;
        if (lookup_name(sched_flag_names, HULL_ARRAY_SIZE(sched_flag_names), l->v[i], &f) < 0)
            return hull_errx(err, EINVAL, "process.scheduler.flags[%zu]: unknown flag \"%s\"", i, l->v[i]);
        *out |= f;
    }
    return 0;
}

static int sched_attr_from(const struct spec_scheduler *s, struct hull_sched_attr *a,
                           struct hull_error *err)
{
    memset(a, 0, sizeof *a);
    a->size = sizeof *a;
    if (s->policy_value < 0 || s->policy_value > 6)
        return hull_errx(err, EINVAL, "process.scheduler.policy: unknown policy \"%s\"",
                         s->policy != NULL ? s->policy : "?");
    a->sched_policy = (uint32_t)s->policy_value;
    if (s->nice.set && (s->nice.v < -20 || s->nice.v > 19))
        return hull_errx(err, ERANGE, "process.scheduler.nice: %lld is out of range -20..19", (long long)s->nice.v);
    if (s->priority.set && (s->priority.v < 0 || s->priority.v > 99))
        return hull_errx(err, ERANGE, "process.scheduler.priority: %lld is out of range 0..99",
                         (long long)s->priority.v);
    a->sched_nice = s->nice.set ? (int32_t)s->nice.v : 0;
    a->sched_priority = s->priority.set ? (uint32_t)s->priority.v : 0;
    a->sched_runtime = s->runtime.set ? s->runtime.v : 0;
    a->sched_deadline = s->deadline.set ? s->deadline.v : 0;
    a->sched_period = s->period.set ? s->period.v : 0;
    return sched_flags_from(&s->flags, &a->sched_flags, err);
}

static int apply_scheduler(const struct spec_scheduler *s, struct hull_error *err)
{
    if (!s->present)
        return 0;
    struct hull_sched_attr a;
    int r = sched_attr_from(s, &a, err);
    if (r < 0)
        return r;
    if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
        return hull_err(err, errno, "process.scheduler: sched_setattr(%s)",
                        s->policy != NULL ? s->policy : "?");
    return 0;
}

#define IOPRIO_WHO_PROCESS_ 1
#define IOPRIO_CLASS_SHIFT_ 13

static int apply_io_priority(const struct spec_io_priority *io, struct hull_error *err)
{
    if (!io->present)
        return 0;
    const char *klass = io->klass != NULL ? io->klass : "?";
    if (io->class_value < 1 || io->class_value > 3)
        return hull_errx(err, EINVAL, "process.ioPriority.class: unknown class \"%s\"", klass);
    if (io->priority < 0 || io->priority > 7)
        return hull_errx(err, ERANGE, "process.ioPriority.priority: %lld is out of range 0..7",
                         (long long)io->priority);
    int value = (io->class_value << IOPRIO_CLASS_SHIFT_) | (int)io->priority;
    if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS_, 0, value) < 0)
        return hull_err(err, errno, "process.ioPriority: ioprio_set(%s, %lld)", klass, (long long)io->priority);
    return 0;
}

static int apply_personality(const struct spec_personality *pe, struct hull_error *err)
{
    if (!pe->present)
        return 0;
    unsigned long persona;
    const char *domain = pe->domain != NULL ? pe->domain : "";
    if (strcmp(domain, "LINUX") == 0)
        persona = PER_LINUX;
    else if (strcmp(domain, "LINUX32") == 0)
        persona = PER_LINUX32;
    else
        return hull_errx(err, EINVAL, "linux.personality.domain: unknown domain \"%s\"", domain);
    for (size_t i = 0; i < pe->flags.n; i++) {
        unsigned long f;
        if (lookup_name(personality_flag_names, HULL_ARRAY_SIZE(personality_flag_names), pe->flags.v[i], &f) < 0)
            return hull_errx(err, EINVAL, "linux.personality.flags[%zu]: unsupported flag \"%s\"", i, pe->flags.v[i]);
        persona |= f;
    }
    if (personality(persona) < 0)
        return hull_err(err, errno, "linux.personality: personality(%s)", domain);
    return 0;
}

static int parse_cpu(const char **s, unsigned long *out)
{
    const char *p = *s;
    unsigned long v = 0;
    if (*p < '0' || *p > '9')
        return -EINVAL;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (unsigned long)(*p - '0');
        if (v >= CPU_SETSIZE)
            return -ERANGE;
    }
    *out = v;
    *s = p;
    return 0;
}

int process_parse_cpu_list(const char *list, cpu_set_t *set)
{
    CPU_ZERO(set);
    if (list == NULL || *list == '\0')
        return -EINVAL;
    for (const char *p = list;;) {
        unsigned long lo, hi;
        int r = parse_cpu(&p, &lo);
        if (r < 0)
            return r;
        hi = lo;
        if (*p == '-') {
            p++;
            if ((r = parse_cpu(&p, &hi)) < 0)
                return r;
            if (hi < lo)
                return -EINVAL;
        }
        for (unsigned long c = lo; c <= hi; c++)
            CPU_SET(c, set);
        if (*p == '\0')
            return 0;
        if (*p++ != ',')
            return -EINVAL;
    }
}

int process_set_cpu_affinity(const char *list, const char *field, struct hull_error *err)
{
    if (list == NULL || *list == '\0')
        return 0;
    cpu_set_t set;
    int r = process_parse_cpu_list(list, &set);
    if (r == -ERANGE)
        return hull_errx(err, ERANGE, "%s: a cpu in \"%s\" is out of range 0..%d", field, list, CPU_SETSIZE - 1);
    if (r < 0)
        return hull_errx(err, EINVAL, "%s: invalid cpu list \"%s\"", field, list);
    if (sched_setaffinity(0, sizeof set, &set) < 0)
        return hull_err(err, errno, "%s: sched_setaffinity(%s)", field, list);
    return 0;
}

int process_apply_scheduling(const struct spec *s, struct hull_error *err)
{
    int r;
    if (s->has_process) {
        const struct spec_process *p = &s->process;
        /* The process is already in its cgroup: "initial" then "final"
         * leaves it where the spec wants it once it runs. Affinity goes
         * before the policy: a SCHED_DEADLINE task may not narrow it. */
        if ((r = process_set_cpu_affinity(p->exec_cpu_affinity_initial,
                                          "process.execCPUAffinity.initial", err)) < 0 ||
            (r = process_set_cpu_affinity(p->exec_cpu_affinity_final,
                                          "process.execCPUAffinity.final", err)) < 0 ||
            (r = apply_io_priority(&p->io_priority, err)) < 0 ||
            (r = apply_scheduler(&p->scheduler, err)) < 0)
            return r;
    }
    if (s->has_linux)
        return apply_personality(&s->linux_.personality, err);
    return 0;
}

/* ------------------------------------------------------------------ */
/* process.terminal                                                   */

/* Keep fds 0-2 free for the dup2 onto stdio. */
static int move_above_stdio(int *fd)
{
    if (*fd > STDERR_FILENO)
        return 0;
    int n = fcntl(*fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    if (n < 0)
        return -errno;
    close(*fd);
    *fd = n;
    return 0;
}

static bool is_ptmx(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(PTMX_MAJOR, PTMX_MINOR);
}

/* Look before opening for read and write: opening some other device the
 * rootfs points /dev/ptmx at could have side effects (a tape rewinds). */
static int open_ptmx(struct hull_error *err)
{
    int probe = open("/dev/ptmx", O_PATH | O_CLOEXEC);
    if (probe < 0)
        return hull_err(err, errno, "process.terminal: open /dev/ptmx");
    bool ok = is_ptmx(probe);
    close(probe);
    int fd = ok ? open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
    if (ok && fd < 0)
        return hull_err(err, errno, "process.terminal: open /dev/ptmx");
    if (!ok || !is_ptmx(fd)) {
        if (fd >= 0)
            close(fd);
        return hull_errx(err, ENOTTY, "process.terminal: /dev/ptmx is not the pty multiplexer");
    }
    return fd;
}

static int open_master(int *out, struct hull_error *err)
{
    int fd = open_ptmx(err);
    if (fd < 0)
        return fd;
    int r = 0;
    if (grantpt(fd) < 0 || unlockpt(fd) < 0)
        r = hull_err(err, errno, "process.terminal: unlock the pty");
    else if ((r = move_above_stdio(&fd)) < 0)
        r = hull_err(err, -r, "process.terminal: dup the pty master");
    if (r < 0) {
        close(fd);
        return r;
    }
    *out = fd;
    return 0;
}

/* The slave must be the peer of this master, on devpts. */
static bool slave_matches(int master, int slave)
{
    unsigned int idx;
    struct stat st;
    if (ioctl(master, TIOCGPTN, &idx) < 0 || fstat(slave, &st) < 0)
        return false;
    return S_ISCHR(st.st_mode) && on_fs(slave, DEVPTS_SUPER_MAGIC) &&
           major(st.st_rdev) == PTY_SLAVE_MAJOR && minor(st.st_rdev) == idx;
}

/* For kernels without TIOCGPTPEER (before 4.13): open by name. */
static int open_slave_by_name(int master)
{
    char name[64];
    if (ptsname_r(master, name, sizeof name) != 0)
        return -ENOTTY;
    int fd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static int open_slave(int master, int *out, struct hull_error *err)
{
    int fd = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 && (errno == EINVAL || errno == ENOTTY))
        fd = open_slave_by_name(master);
    else if (fd < 0)
        fd = -errno;
    if (fd < 0)
        return hull_err(err, -fd, "process.terminal: open the pty slave");
    int r = move_above_stdio(&fd);
    if (r < 0) {
        close(fd);
        return hull_err(err, -r, "process.terminal: dup the pty slave");
    }
    if (!slave_matches(master, fd)) {
        close(fd);
        return hull_errx(err, EXDEV, "process.terminal: the pty slave is not the peer of /dev/ptmx on devpts");
    }
    *out = fd;
    return 0;
}

static int set_console_size(const struct spec_process *p, int slave, struct hull_error *err)
{
    if (!p->console_height.set && !p->console_width.set)
        return 0;
    uint64_t h = p->console_height.set ? p->console_height.v : 0;
    uint64_t w = p->console_width.set ? p->console_width.v : 0;
    if (h > USHRT_MAX || w > USHRT_MAX)
        return hull_errx(err, ERANGE, "process.consoleSize: %llux%llu is out of range (at most %u)",
                         (unsigned long long)h, (unsigned long long)w, USHRT_MAX);
    struct winsize ws = { .ws_row = (unsigned short)h, .ws_col = (unsigned short)w };
    if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
        return hull_err(err, errno, "process.consoleSize: set the window size");
    return 0;
}

static int become_controlled(int slave, struct hull_error *err)
{
    if (setsid() < 0 && getsid(0) != getpid())
        return hull_err(err, errno, "process.terminal: setsid");
    if (ioctl(slave, TIOCSCTTY, 0) < 0)
        return hull_err(err, errno, "process.terminal: make the pty the controlling terminal");
    for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
        if (dup2(slave, fd) < 0)
            return hull_err(err, errno, "process.terminal: dup the pty onto fd %d", fd);
    return 0;
}

/* Create an empty dev/console: 0, 1 when /dev cannot hold it, or an error. */
static int create_console(int dev, struct hull_error *err)
{
    int fd = openat(dev, "console", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
    if (fd >= 0) {
        close(fd);
        return 0;
    }
    if (errno == EROFS || errno == EACCES || errno == EPERM)
        return 1;
    return hull_err(err, errno, "process.terminal: create /dev/console");
}

/* O_PATH fd of /dev/console (created as an empty file when missing) in
 * *out, or -1 when there is no writable /dev to hold it. A symlink is
 * never followed, so the mount lands on the file checked here
 * (CVE-2025-31133/52565). */
static int open_console_target(int *out, struct hull_error *err)
{
    const uint64_t strict = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    *out = -1;
    int dev = openat2_fd(AT_FDCWD, "/dev", O_PATH | O_DIRECTORY | O_CLOEXEC,
                         RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
    if (dev == -ENOENT)
        return 0;
    if (dev < 0)
        return hull_err(err, -dev, "process.terminal: open /dev");
    int fd = openat2_fd(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC, strict);
    if (fd == -ENOENT) {
        int r = create_console(dev, err);
        if (r != 0) {
            close(dev);
            return r > 0 ? 0 : r;
        }
        fd = openat2_fd(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC, strict);
    }
    close(dev);
    if (fd < 0)
        return hull_err(err, -fd, "process.terminal: open /dev/console");
    struct stat st;
    if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode))) {
        close(fd);
        return hull_errx(err, EINVAL, "process.terminal: /dev/console is neither a file nor a device");
    }
    *out = fd;
    return 0;
}

static int mount_console(int slave, struct hull_error *err)
{
    int target;
    int r = open_console_target(&target, err);
    if (r < 0 || target < 0)
        return r;
    int tree = open_tree(slave, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
    if (tree < 0) {
        r = hull_err(err, errno, "process.terminal: bind the pty onto /dev/console");
    } else {
        if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
            r = hull_err(err, errno, "process.terminal: bind the pty onto /dev/console");
        close(tree);
    }
    close(target);
    return r;
}

static int send_master(int console_sock, int master, struct hull_error *err)
{
    static const char name[] = "/dev/ptmx";
    int r = send_fd(console_sock, master, name, sizeof name - 1);
    if (r < 0)
        return hull_err(err, -r, "process.terminal: send the pty master over the console socket");
    return 0;
}

/* The master goes to the console socket before the pty becomes our
 * controlling terminal: once the receiver holds it, closing our copy on a
 * later failure cannot hang the terminal up and kill us with SIGHUP
 * before the error is reported. */
int process_setup_terminal(const struct spec_process *p, int console_sock, struct hull_error *err)
{
    if (!p->terminal)
        return 0;
    if (console_sock < 0)
        return hull_errx(err, EINVAL, "process.terminal requires --console-socket");
    int master = -1, slave = -1;
    int r = open_master(&master, err);
    if (r == 0)
        r = open_slave(master, &slave, err);
    if (r == 0)
        r = set_console_size(p, slave, err);
    if (r == 0)
        r = mount_console(slave, err);
    if (r == 0)
        r = send_master(console_sock, master, err);
    if (r == 0)
        r = become_controlled(slave, err);
    if (slave >= 0)
        close(slave);
    if (master >= 0)
        close(master);
    return r;
}

/* ------------------------------------------------------------------ */
/* process.user                                                       */

static bool setgroups_denied(void)
{
    struct hull_error ignored;
    int root = proc_open_root("setgroups", &ignored);
    if (root < 0)
        return false;
    int fd = proc_open_at(root, "self/setgroups", O_RDONLY, 0, "setgroups", &ignored);
    close(root);
    if (fd < 0)
        return false;
    char buf[16] = {0};
    ssize_t n = read_all(fd, buf, sizeof buf - 1);
    close(fd);
    return n >= 4 && strncmp(buf, "deny", 4) == 0;
}

static int set_groups(const struct spec_user *u, struct hull_error *err)
{
    if (setgroups(u->n_additional_gids, u->additional_gids) == 0)
        return 0;
    int e = errno;
    if (e == EPERM && setgroups_denied()) {
        if (u->n_additional_gids == 0)
            return 0;
        return hull_errx(err, EPERM,
                         "process.user.additionalGids: setgroups is denied in this user namespace");
    }
    if (e == EINVAL)
        return hull_errx(err, e, "process.user.additionalGids: a gid of the %zu is not mapped "
                         "in the user namespace", u->n_additional_gids);
    return hull_err(err, e, "process.user.additionalGids: setgroups of %zu gids", u->n_additional_gids);
}

/* Let the user reopen its stdio through /proc/self/fd: hand the pipes,
 * sockets and pty it was given to it. Best effort, as the owner may not
 * be mapped in a user namespace; regular files are left alone. */
static void give_stdio(uid_t uid)
{
    for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
        struct stat st;
        if (fstat(fd, &st) < 0 || st.st_uid == uid)
            continue;
        if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
            (S_ISCHR(st.st_mode) && on_fs(fd, DEVPTS_SUPER_MAGIC)))
            (void)!fchown(fd, uid, (gid_t)-1);
    }
}

static int change_uid(uid_t uid, struct hull_error *err)
{
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return hull_err(err, errno, "process.user.uid: prctl(PR_SET_KEEPCAPS)");
    int r = setresuid(uid, uid, uid) < 0 ? -errno : 0;
    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
    if (r == -EINVAL)
        return hull_errx(err, EINVAL, "process.user.uid: %u is not mapped in the user namespace", uid);
    if (r < 0)
        return hull_err(err, -r, "process.user.uid: setresuid(%u)", uid);
    return 0;
}

int process_set_identity(const struct spec_process *p, bool userns, struct hull_error *err)
{
    const struct spec_user *u = &p->user;
    if (u->uid == (uint32_t)-1)
        return hull_errx(err, EINVAL, "process.user.uid: %u is not a valid uid", u->uid);
    if (u->gid == (uint32_t)-1)
        return hull_errx(err, EINVAL, "process.user.gid: %u is not a valid gid", u->gid);
    if (u->umask.set && u->umask.v > 0777)
        return hull_errx(err, ERANGE, "process.user.umask: %#llo is out of range 0..0777",
                         (unsigned long long)u->umask.v);
    int r = set_groups(u, err);
    if (r < 0)
        return r;
    if (setresgid(u->gid, u->gid, u->gid) < 0) {
        if (errno == EINVAL)
            return hull_errx(err, EINVAL, "process.user.gid: %u is not mapped in the user namespace", u->gid);
        return hull_err(err, errno, "process.user.gid: setresgid(%u)", u->gid);
    }
    give_stdio(u->uid);
    if ((r = change_uid(u->uid, err)) < 0)
        return r;
    umask(u->umask.set ? (mode_t)u->umask.v : DEFAULT_UMASK);
    return 0;
}

/* ------------------------------------------------------------------ */
/* stdio                                                              */

static bool is_dev_null(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

int process_reopen_dev_null(struct hull_error *err)
{
    int null = -1;
    for (int fd = 0; fd <= 2; fd++) {
        if (!is_dev_null(fd))
            continue;
        if (null < 0) {
            null = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOFOLLOW);
            if (null < 0 || !is_dev_null(null)) {
                if (null >= 0)
                    close(null);
                return hull_errx(err, ENODEV, "reopen stdio: /dev/null in the container is not the null device");
            }
        }
        if (dup2(null, fd) < 0) {
            int e = errno;
            close(null);
            return hull_err(err, e, "reopen stdio fd %d on /dev/null", fd);
        }
    }
    if (null >= 0)
        close(null);
    return 0;
}

/* ------------------------------------------------------------------ */
/* process.cwd                                                        */

/* Resolved in the new root with openat2(RESOLVE_IN_ROOT) and refusing
 * magic links, so neither the lookup nor the creation of a missing cwd can
 * go through a /proc/self/fd/N link to a directory outside it. */
static int enter_dir(const char *cwd, bool create)
{
    struct hull_error ignored;
    int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return -errno;
    int fd = create ? inroot_mkdir_all(root, cwd, 0755, &ignored)
                    : inroot_open(root, cwd, O_PATH | O_DIRECTORY, 0, &ignored);
    close(root);
    if (fd < 0)
        return fd;
    int r = fchdir(fd) < 0 ? -errno : 0;
    close(fd);
    return r;
}

/* After a uid change the effective set is empty: retry with the
 * permitted capabilities, as root could reach what the user cannot. */
static int enter_dir_privileged(const char *cwd, bool create)
{
    cap_t saved;
    struct hull_error ignored;
    if (caps_raise_effective(&saved, &ignored) < 0)
        return -EACCES;
    int r = enter_dir(cwd, create);
    caps_restore(saved);
    return r;
}

int process_create_cwd(const struct spec_process *p, int rootfd, struct hull_error *err)
{
    if (p->cwd == NULL || p->cwd[0] != '/')
        return hull_errx(err, EINVAL, "process.cwd: must be an absolute path");
    int fd = inroot_mkdir_all(rootfd, p->cwd, 0755, err);
    if (fd < 0)
        return hull_err_prefix(err, "process.cwd");
    close(fd);
    return 0;
}

int process_chdir(const struct spec_process *p, bool create, struct hull_error *err)
{
    const char *cwd = p->cwd;
    if (cwd == NULL || cwd[0] != '/')
        return hull_errx(err, EINVAL, "process.cwd: must be an absolute path");
    int r = enter_dir(cwd, create);
    if (r == -EACCES || r == -EPERM)
        r = enter_dir_privileged(cwd, create);
    if (r == -ELOOP)
        return hull_errx(err, ELOOP, "process.cwd %s: too many symlinks, or a /proc magic link", cwd);
    if (r < 0)
        return hull_err(err, -r, "process.cwd %s", cwd);
    /* Belt and braces: a directory outside the root (a leaked fd,
     * CVE-2024-21626) has no path from it and getcwd reports it so. */
    char buf[PATH_MAX];
    if (getcwd(buf, sizeof buf) == NULL || buf[0] != '/')
        return hull_errx(err, EPERM, "process.cwd %s: resolves outside the container root", cwd);
    return 0;
}

/* ------------------------------------------------------------------ */
/* capabilities, no_new_privs                                         */

int process_cap_from_name(const char *name)
{
    return caps_from_name(name);
}

int process_apply_caps(const struct spec_process *p, struct hull_error *err)
{
    return caps_apply(&p->capabilities, err);
}

int process_set_no_new_privs(const struct spec_process *p, struct hull_error *err)
{
    if (!p->no_new_privileges)
        return 0;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return hull_err(err, errno, "process.noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS)");
    return 0;
}

/* ------------------------------------------------------------------ */
/* executable lookup and exec                                         */

static const char *env_path(const struct str_list *env)
{
    const char *path = NULL;
    for (size_t i = 0; i < env->n; i++)
        if (strncmp(env->v[i], "PATH=", 5) == 0)
            path = env->v[i] + 5;
    return path;
}

static bool is_executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0 &&
           faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == 0;
}

static int copy_path(const char *src, char *path, size_t len, struct hull_error *err)
{
    size_t n = strlen(src);
    if (n >= len)
        return hull_errx(err, ENAMETOOLONG, "exec: \"%s\": path too long", src);
    memcpy(path, src, n + 1);
    return 0;
}

/* Only absolute PATH entries are searched: an empty or relative one would
 * depend on the working directory. */
static bool search_dir(const char *dir, size_t dlen, const char *name, char *path, size_t len)
{
    char cand[PATH_MAX];
    if (dlen == 0 || dir[0] != '/')
        return false;
    int n = snprintf(cand, sizeof cand, "%.*s/%s", (int)dlen, dir, name);
    if (n < 0 || (size_t)n >= sizeof cand || (size_t)n >= len || !is_executable(cand))
        return false;
    memcpy(path, cand, (size_t)n + 1);
    return true;
}

/* A program named by path must exist and be executable now, so that
 * create fails (as with runc) rather than the container after start. */
static int check_executable(const char *name, struct hull_error *err)
{
    struct stat st;
    if (stat(name, &st) < 0)
        return hull_errx(err, errno, "exec: \"%s\": stat %s: %s", name, name, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return hull_errx(err, EACCES, "exec: \"%s\": is a directory", name);
    if (!S_ISREG(st.st_mode) || access(name, X_OK) < 0)
        return hull_errx(err, EACCES, "exec: \"%s\": permission denied", name);
    return 0;
}

int process_find_executable(const struct spec_process *p, char *path, size_t len,
                            struct hull_error *err)
{
    if (p->args.n == 0 || p->args.v[0] == NULL || p->args.v[0][0] == '\0')
        return hull_errx(err, EINVAL, "process.args: must name the program to run");
    const char *name = p->args.v[0];
    if (strchr(name, '/') != NULL) {
        int r = check_executable(name, err);
        return r < 0 ? r : copy_path(name, path, len, err);
    }
    const char *search = env_path(&p->env);
    if (search == NULL)
        search = DEFAULT_PATH;
    for (const char *dir = search;;) {
        const char *end = strchrnul(dir, ':');
        if (search_dir(dir, (size_t)(end - dir), name, path, len))
            return 0;
        if (*end == '\0')
            break;
        dir = end + 1;
    }
    return hull_errx(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", name);
}

static char **null_terminated(const struct str_list *l)
{
    char **v = calloc(l->n + 1, sizeof *v);
    if (v == NULL)
        return NULL;
    for (size_t i = 0; i < l->n; i++)
        v[i] = (char *)l->v[i];
    return v;
}

static bool env_has(const struct str_list *env, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < env->n; i++)
        if (strncmp(env->v[i], name, n) == 0 && env->v[i][n] == '=')
            return true;
    return false;
}

/* The home directory of uid in the container's /etc/passwd, or "/". */
static void home_of(uid_t uid, char *home, size_t len)
{
    char *buf;
    snprintf(home, len, "/");
    if (read_file_at(AT_FDCWD, "/etc/passwd", 4u << 20, &buf, NULL, NULL) < 0)
        return;
    char *save = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *f[7] = {0};
        size_t n = 0;
        for (char *c = line; n < 7; c++) {
            f[n++] = c;
            c = strchr(c, ':');
            if (c == NULL)
                break;
            *c = '\0';
        }
        unsigned long long u;
        if (n >= 6 && parse_u64(f[2], UINT32_MAX, &u) == 0 && u == uid && f[5][0] == '/') {
            snprintf(home, len, "%s", f[5]);
            break;
        }
    }
    free(buf);
}

int process_prepare_env(const struct spec_process *p, char ***envp, struct hull_error *err)
{
    bool add_home = !env_has(&p->env, "HOME");
    char **v = calloc(p->env.n + 2, sizeof *v);
    if (v == NULL)
        return hull_errx(err, ENOMEM, "process.env: out of memory");
    for (size_t i = 0; i < p->env.n; i++)
        v[i] = (char *)p->env.v[i];
    if (add_home) {
        char home[PATH_MAX];
        home_of(p->user.uid, home, sizeof home);
        if (asprintf(&v[p->env.n], "HOME=%s", home) < 0) {
            free(v);
            return hull_errx(err, ENOMEM, "process.env: out of memory");
        }
    }
    *envp = v;
    return 0;
}

int process_exec(const struct spec_process *p, const char *path, char **envp, struct hull_error *err)
{
    char **argv = null_terminated(&p->args);
    int e = ENOMEM;
    if (argv != NULL) {
        execve(path, argv, envp);
        e = errno;
    }
    free(argv);
    return hull_err(err, e, "exec %s", path);
}
