/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "utils.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

ssize_t read_all(int fd, void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = read(fd, (char *)buf + done, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            break;
        done += (size_t)n;
    }
    return (ssize_t)done;
}

int write_all(int fd, const void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, (const char *)buf + done, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        done += (size_t)n;
    }
    return 0;
}

static int read_fd_bounded(int fd, size_t max, char **buf, size_t *len)
{
    size_t cap = 4096, used = 0;
    char *p = malloc(cap + 1);
    if (p == NULL)
        return -ENOMEM;
    for (;;) {
        if (used == cap) {
            if (cap > max) {
                free(p);
                return -EFBIG;
            }
            cap *= 2;
            char *q = realloc(p, cap + 1);
            if (q == NULL) {
                free(p);
                return -ENOMEM;
            }
            p = q;
        }
        ssize_t n = read(fd, p + used, cap - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            free(p);
            return -e;
        }
        if (n == 0)
            break;
        used += (size_t)n;
        if (used > max) {
            free(p);
            return -EFBIG;
        }
    }
    p[used] = '\0';
    *buf = p;
    if (len != NULL)
        *len = used;
    return 0;
}

int read_file_at(int dirfd, const char *path, size_t max, char **buf, size_t *len,
                 struct hull_error *err)
{
    int fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return hull_err(err, errno, "open %s", path);
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return hull_err(err, e, "stat %s", path);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return hull_errx(err, EINVAL, "%s: not a regular file", path);
    }
    int r = read_fd_bounded(fd, max, buf, len);
    close(fd);
    if (r == -EFBIG)
        return hull_errx(err, EFBIG, "%s: larger than %zu bytes", path, max);
    if (r < 0)
        return hull_err(err, -r, "read %s", path);
    return 0;
}

int write_file_at(int dirfd, const char *path, const char *data, size_t len,
                  struct hull_error *err)
{
    int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
    if (fd < 0)
        return hull_err(err, errno, "open %s", path);
    ssize_t n;
    do
        n = write(fd, data, len);
    while (n < 0 && errno == EINTR);
    int e = errno;
    close(fd);
    if (n < 0)
        return hull_err(err, e, "write %s", path);
    if ((size_t)n != len)
        return hull_errx(err, EIO, "write %s: short write", path);
    return 0;
}

int write_file_atomic(int dirfd, const char *name, const char *data, size_t len,
                      struct hull_error *err)
{
    char tmp[NAME_MAX + 1];
    int n = snprintf(tmp, sizeof tmp, ".%s.%ld.tmp", name, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof tmp)
        return hull_errx(err, ENAMETOOLONG, "%s: name too long", name);
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && errno == EEXIST) {
        unlinkat(dirfd, tmp, 0);
        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    }
    if (fd < 0)
        return hull_err(err, errno, "create %s", tmp);
    int r = write_all(fd, data, len);
    if (close(fd) < 0 && r == 0)
        r = -errno;
    if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
        r = -errno;
    if (r < 0) {
        unlinkat(dirfd, tmp, 0);
        return hull_err(err, -r, "write %s", name);
    }
    return 0;
}

int mkdir_p(const char *path, mode_t mode, struct hull_error *err)
{
    char buf[PATH_MAX];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf)
        return hull_errx(err, ENAMETOOLONG, "mkdir %s: bad path length", path);
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
            return hull_err(err, errno, "mkdir %s", buf);
        *p = c;
        if (c == '\0')
            break;
    }
    return 0;
}

static int remove_dir_contents(int dfd, dev_t dev, struct hull_error *err);

static int remove_entry(int dfd, const char *name, dev_t dev, struct hull_error *err)
{
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : hull_err(err, errno, "stat %s", name);
    if (S_ISDIR(st.st_mode)) {
        if (st.st_dev != dev)
            return hull_errx(err, EBUSY, "remove %s: is a mount point", name);
        int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0)
            return errno == ENOENT ? 0 : hull_err(err, errno, "open %s", name);
        int r = remove_dir_contents(sub, dev, err);
        close(sub);
        if (r < 0)
            return r;
        if (unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
            return hull_err(err, errno, "rmdir %s", name);
        return 0;
    }
    if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
        return hull_err(err, errno, "unlink %s", name);
    return 0;
}

static int remove_dir_contents(int dfd, dev_t dev, struct hull_error *err)
{
    int dup = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
    if (dup < 0)
        return hull_err(err, errno, "dup");
    DIR *d = fdopendir(dup);
    if (d == NULL) {
        int e = errno;
        close(dup);
        return hull_err(err, e, "opendir");
    }
    int r = 0;
    struct dirent *de;
    while (r == 0 && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        r = remove_entry(dfd, de->d_name, dev, err);
    }
    closedir(d);
    return r;
}

int remove_tree_at(int dirfd, const char *name, struct hull_error *err)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : hull_err(err, errno, "stat %s", name);
    return remove_entry(dirfd, name, st.st_dev, err);
}

static const struct { const char *name; int num; } signal_names[] = {
    {"HUP", SIGHUP}, {"INT", SIGINT}, {"QUIT", SIGQUIT}, {"ILL", SIGILL},
    {"TRAP", SIGTRAP}, {"ABRT", SIGABRT}, {"IOT", SIGIOT}, {"BUS", SIGBUS},
    {"FPE", SIGFPE}, {"KILL", SIGKILL}, {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2}, {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CLD", SIGCHLD}, {"CONT", SIGCONT},
    {"STOP", SIGSTOP}, {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},
    {"URG", SIGURG}, {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO}, {"POLL", SIGPOLL},
    {"PWR", SIGPWR}, {"SYS", SIGSYS},
};

static int parse_rt_signal(const char *s)
{
    unsigned long long off;
    if (strcmp(s, "RTMIN") == 0)
        return SIGRTMIN;
    if (strcmp(s, "RTMAX") == 0)
        return SIGRTMAX;
    if (strncmp(s, "RTMIN+", 6) == 0 && parse_u64(s + 6, (unsigned long long)(SIGRTMAX - SIGRTMIN), &off) == 0)
        return SIGRTMIN + (int)off;
    if (strncmp(s, "RTMAX-", 6) == 0 && parse_u64(s + 6, (unsigned long long)(SIGRTMAX - SIGRTMIN), &off) == 0)
        return SIGRTMAX - (int)off;
    return -EINVAL;
}

int parse_signal(const char *s)
{
    unsigned long long n;
    if (s == NULL || *s == '\0')
        return -EINVAL;
    if (isdigit((unsigned char)s[0]))
        return parse_u64(s, (unsigned long long)(_NSIG - 1), &n) == 0 && n >= 1 ? (int)n : -EINVAL;
    char up[32];
    size_t len = strlen(s);
    if (len >= sizeof up)
        return -EINVAL;
    for (size_t i = 0; i <= len; i++)
        up[i] = (char)toupper((unsigned char)s[i]);
    const char *name = strncmp(up, "SIG", 3) == 0 ? up + 3 : up;
    for (size_t i = 0; i < HULL_ARRAY_SIZE(signal_names); i++)
        if (strcmp(name, signal_names[i].name) == 0)
            return signal_names[i].num;
    return parse_rt_signal(name);
}

int parse_u64(const char *s, unsigned long long max, unsigned long long *out)
{
    if (s == NULL || !isdigit((unsigned char)*s))
        return -EINVAL;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0')
        return -EINVAL;
    if (errno == ERANGE || v > max)
        return -ERANGE;
    *out = v;
    return 0;
}

int parse_i64(const char *s, long long min, long long max, long long *out)
{
    if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
        return -EINVAL;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end != '\0' || end == s)
        return -EINVAL;
    if (errno == ERANGE || v < min || v > max)
        return -ERANGE;
    *out = v;
    return 0;
}

unsigned long long proc_start_time(pid_t pid, bool *zombie)
{
    char path[64], buf[1024];
    if (zombie != NULL)
        *zombie = false;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read_all(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    /* comm may hold spaces and parentheses: parse after the last ')'. */
    char *p = strrchr(buf, ')');
    if (p == NULL || p[1] != ' ')
        return 0;
    p += 2;
    if (zombie != NULL)
        *zombie = (*p == 'Z' || *p == 'X');
    /* p is at field 3 (state); starttime is field 22. */
    for (int field = 3; field < 22; field++) {
        p = strchr(p, ' ');
        if (p == NULL)
            return 0;
        p++;
    }
    return strtoull(p, NULL, 10);
}

static bool fd_is_kept(int fd, const int *keep, size_t nkeep)
{
    for (size_t i = 0; i < nkeep; i++)
        if (keep[i] == fd)
            return true;
    return false;
}

int close_fds_from(int first, const int *keep, size_t nkeep)
{
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL)
        return -errno;
    int dfd = dirfd(d);
    struct dirent *de;
    int fds[1024];
    size_t n = 0;
    while ((de = readdir(d)) != NULL && n < HULL_ARRAY_SIZE(fds)) {
        unsigned long long v;
        if (parse_u64(de->d_name, INT_MAX, &v) < 0)
            continue;
        int fd = (int)v;
        if (fd >= first && fd != dfd && !fd_is_kept(fd, keep, nkeep))
            fds[n++] = fd;
    }
    closedir(d);
    for (size_t i = 0; i < n; i++)
        close(fds[i]);
    return n == HULL_ARRAY_SIZE(fds) ? close_fds_from(first, keep, nkeep) : 0;
}

int send_fd(int sock, int fd, const void *data, size_t len)
{
    char dummy = 0;
    struct iovec iov = { .iov_base = len ? (void *)data : &dummy, .iov_len = len ? len : 1 };
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (fd >= 0) {
        msg.msg_control = u.buf;
        msg.msg_controllen = sizeof u.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(int));
    }
    ssize_t n;
    do
        n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : 0;
}

int recv_fd(int sock, int *fd, void *data, size_t len)
{
    char dummy;
    struct iovec iov = { .iov_base = len ? data : &dummy, .iov_len = len ? len : 1 };
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    *fd = -1;
    ssize_t n;
    do
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    if (n == 0)
        return -ECONNRESET;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
            c->cmsg_len == CMSG_LEN(sizeof(int)))
            memcpy(fd, CMSG_DATA(c), sizeof(int));
    return *fd >= 0 ? 0 : -EBADMSG;
}

void format_time_rfc3339(char *buf, size_t len)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%s.%09ldZ", base, ts.tv_nsec);
}

int unix_connect(const char *path, int *fd, struct hull_error *err)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof addr.sun_path)
        return hull_errx(err, ENAMETOOLONG, "%s: socket path too long", path);
    strcpy(addr.sun_path, path);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return hull_err(err, errno, "socket");
    if (connect(s, (struct sockaddr *)&addr, sizeof addr) < 0) {
        int e = errno;
        close(s);
        return hull_err(err, e, "connect %s", path);
    }
    *fd = s;
    return 0;
}
