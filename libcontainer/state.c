/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "utils.h"

#define STATE_FILE "state.json"
#define STATE_MAX (4u << 20)

static const char *const status_names[] = {
    [STATUS_CREATING] = "creating", [STATUS_CREATED] = "created",
    [STATUS_RUNNING] = "running", [STATUS_PAUSED] = "paused", [STATUS_STOPPED] = "stopped",
};

const char *state_status_name(enum container_status s)
{
    return (unsigned)s < HULL_ARRAY_SIZE(status_names) ? status_names[s] : "unknown";
}

static bool id_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '+' || c == '-' || c == '.';
}

int state_validate_id(const char *id, struct hull_error *err)
{
    size_t n = id != NULL ? strlen(id) : 0;
    if (n == 0)
        return hull_errx(err, EINVAL, "container id must not be empty");
    if (n > HULL_ID_MAX)
        return hull_errx(err, EINVAL, "container id is longer than %d bytes", HULL_ID_MAX);
    if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
        return hull_errx(err, EINVAL, "invalid container id \"%s\"", id);
    for (size_t i = 0; i < n; i++)
        if (!id_char_ok(id[i]))
            return hull_errx(err, EINVAL, "invalid container id (byte %zu): only [A-Za-z0-9_+.-] allowed", i);
    return 0;
}

int state_root_open(const char *root, bool create, int *rootfd, struct hull_error *err)
{
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
        int r = mkdir_p(root, 0700, err);
        if (r < 0)
            return r;
        fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    if (fd < 0)
        return hull_err(err, errno, "state root %s", root);
    *rootfd = fd;
    return 0;
}

/* ---- serialisation ---------------------------------------------------- */

static void gen_str(yajl_gen g, const char *s)
{
    yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_kv(yajl_gen g, const char *k, const char *v)
{
    gen_str(g, k);
    gen_str(g, v != NULL ? v : "");
}

static void gen_annotations(yajl_gen g, const struct container_state *st)
{
    gen_str(g, "annotations");
    yajl_gen_map_open(g);
    for (size_t i = 0; i < st->n_annotations; i++)
        gen_kv(g, st->annotations[i].key, st->annotations[i].value);
    yajl_gen_map_close(g);
}

static char *gen_finish(yajl_gen g)
{
    const unsigned char *buf;
    size_t len;
    char *out = NULL;
    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
        out = malloc(len + 1);
        if (out != NULL) {
            memcpy(out, buf, len);
            out[len] = '\0';
        }
    }
    yajl_gen_free(g);
    return out;
}

char *state_to_json(const struct container_state *st, enum container_status status, bool pretty)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (g == NULL)
        return NULL;
    yajl_gen_config(g, yajl_gen_beautify, pretty ? 1 : 0);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
    yajl_gen_map_open(g);
    gen_kv(g, "ociVersion", HULL_OCI_VERSION);
    gen_kv(g, "id", st->id);
    gen_str(g, "pid");
    yajl_gen_integer(g, status == STATUS_STOPPED ? 0 : st->pid);
    gen_kv(g, "status", state_status_name(status));
    gen_kv(g, "bundle", st->bundle);
    gen_kv(g, "rootfs", st->rootfs);
    gen_kv(g, "created", st->created);
    gen_str(g, "owner");
    gen_str(g, "");
    gen_annotations(g, st);
    yajl_gen_map_close(g);
    return gen_finish(g);
}

static char *state_serialise(const struct container_state *st)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (g == NULL)
        return NULL;
    yajl_gen_map_open(g);
    gen_kv(g, "ociVersion", HULL_OCI_VERSION);
    gen_kv(g, "id", st->id);
    gen_str(g, "pid");
    yajl_gen_integer(g, st->pid);
    gen_str(g, "startTime");
    yajl_gen_integer(g, (long long)st->start_time);
    gen_kv(g, "status", state_status_name(st->stored));
    gen_kv(g, "bundle", st->bundle);
    gen_kv(g, "rootfs", st->rootfs);
    gen_kv(g, "created", st->created);
    gen_str(g, "owner");
    yajl_gen_integer(g, st->owner);
    if (st->cgroup_path != NULL)
        gen_kv(g, "cgroupPath", st->cgroup_path);
    gen_annotations(g, st);
    yajl_gen_map_close(g);
    return gen_finish(g);
}

int state_write(int dirfd, const struct container_state *st, struct hull_error *err)
{
    char *json = state_serialise(st);
    if (json == NULL)
        return hull_errx(err, ENOMEM, "serialise state of %s", st->id);
    int r = write_file_atomic(dirfd, STATE_FILE, json, strlen(json), err);
    free(json);
    return r;
}

/* ---- parsing ---------------------------------------------------------- */

static yajl_val field(yajl_val obj, const char *name)
{
    const char *path[] = { name, NULL };
    return yajl_tree_get(obj, path, yajl_t_any);
}

static int take_string(yajl_val obj, const char *name, bool required, char **out,
                       struct hull_error *err)
{
    yajl_val v = field(obj, name);
    if (v == NULL && !required)
        return 0;
    if (!YAJL_IS_STRING(v))
        return hull_errx(err, EINVAL, "state.json: %s: expected string", name);
    *out = strdup(v->u.string);
    return *out != NULL ? 0 : hull_errx(err, ENOMEM, "state.json: out of memory");
}

static int take_int(yajl_val obj, const char *name, long long min, long long max,
                    long long *out, struct hull_error *err)
{
    yajl_val v = field(obj, name);
    if (!YAJL_IS_INTEGER(v))
        return hull_errx(err, EINVAL, "state.json: %s: expected integer", name);
    long long x = YAJL_GET_INTEGER(v);
    if (x < min || x > max)
        return hull_errx(err, ERANGE, "state.json: %s: %lld out of range", name, x);
    *out = x;
    return 0;
}

static int take_annotations(yajl_val obj, struct container_state *st, struct hull_error *err)
{
    yajl_val a = field(obj, "annotations");
    if (a == NULL || YAJL_IS_NULL(a))
        return 0;
    if (!YAJL_IS_OBJECT(a))
        return hull_errx(err, EINVAL, "state.json: annotations: expected object");
    size_t n = a->u.object.len;
    st->annotations = calloc(n ? n : 1, sizeof *st->annotations);
    if (st->annotations == NULL)
        return hull_errx(err, ENOMEM, "state.json: out of memory");
    for (size_t i = 0; i < n; i++) {
        yajl_val v = a->u.object.values[i];
        if (!YAJL_IS_STRING(v))
            return hull_errx(err, EINVAL, "state.json: annotations.%s: expected string",
                             a->u.object.keys[i]);
        st->annotations[i].key = strdup(a->u.object.keys[i]);
        st->annotations[i].value = strdup(v->u.string);
        st->n_annotations = i + 1;
        if (st->annotations[i].key == NULL || st->annotations[i].value == NULL)
            return hull_errx(err, ENOMEM, "state.json: out of memory");
    }
    return 0;
}

static int take_status(yajl_val obj, struct container_state *st, struct hull_error *err)
{
    yajl_val v = field(obj, "status");
    const char *s = YAJL_IS_STRING(v) ? v->u.string : NULL;
    if (s != NULL && strcmp(s, "creating") == 0)
        st->stored = STATUS_CREATING;
    else if (s != NULL && strcmp(s, "created") == 0)
        st->stored = STATUS_CREATED;
    else
        return hull_errx(err, EINVAL, "state.json: status: expected \"creating\" or \"created\"");
    return 0;
}

static int state_fill(yajl_val t, struct container_state *st, struct hull_error *err)
{
    long long pid, start, owner;
    int r;
    if (!YAJL_IS_OBJECT(t))
        return hull_errx(err, EINVAL, "state.json: expected object");
    if ((r = take_string(t, "id", true, &st->id, err)) < 0 ||
        (r = take_string(t, "bundle", true, &st->bundle, err)) < 0 ||
        (r = take_string(t, "rootfs", true, &st->rootfs, err)) < 0 ||
        (r = take_string(t, "cgroupPath", false, &st->cgroup_path, err)) < 0 ||
        (r = take_int(t, "pid", 0, INT_MAX, &pid, err)) < 0 ||
        (r = take_int(t, "startTime", 0, LLONG_MAX, &start, err)) < 0 ||
        (r = take_int(t, "owner", 0, UINT32_MAX - 1, &owner, err)) < 0 ||
        (r = take_status(t, st, err)) < 0 ||
        (r = take_annotations(t, st, err)) < 0)
        return r;
    yajl_val c = field(t, "created");
    if (!YAJL_IS_STRING(c) || strlen(c->u.string) >= sizeof st->created)
        return hull_errx(err, EINVAL, "state.json: created: expected timestamp");
    strcpy(st->created, c->u.string);
    st->pid = (pid_t)pid;
    st->start_time = (unsigned long long)start;
    st->owner = (uid_t)owner;
    return state_validate_id(st->id, err);
}

int state_parse(const char *json, size_t len, struct container_state *st, struct hull_error *err)
{
    memset(st, 0, sizeof *st);
    if (memchr(json, '\0', len) != NULL)
        return hull_errx(err, EINVAL, "state.json: contains a NUL byte");
    /* yajl wants a terminated string; the caller's buffer need not be. */
    char *text = strndup(json, len);
    if (text == NULL)
        return hull_errx(err, ENOMEM, "state.json: out of memory");
    char msg[256];
    yajl_val t = yajl_tree_parse(text, msg, sizeof msg);
    free(text);
    if (t == NULL) {
        msg[strcspn(msg, "\n")] = '\0';
        return hull_errx(err, EINVAL, "state.json: %s", msg);
    }
    int r = state_fill(t, st, err);
    yajl_tree_free(t);
    if (r < 0)
        state_free(st);
    return r;
}

int state_read(int dirfd, struct container_state *st, struct hull_error *err)
{
    char *buf;
    size_t len;
    int r = read_file_at(dirfd, STATE_FILE, STATE_MAX, &buf, &len, err);
    if (r < 0)
        return r;
    r = state_parse(buf, len, st, err);
    free(buf);
    return r;
}

void state_free(struct container_state *st)
{
    free(st->id);
    free(st->bundle);
    free(st->rootfs);
    free(st->cgroup_path);
    for (size_t i = 0; i < st->n_annotations; i++) {
        free(st->annotations[i].key);
        free(st->annotations[i].value);
    }
    free(st->annotations);
    memset(st, 0, sizeof *st);
}

/* ---- status ----------------------------------------------------------- */

bool state_pid_alive(const struct container_state *st)
{
    if (st->pid <= 0)
        return false;
    bool zombie;
    unsigned long long t = proc_start_time(st->pid, &zombie);
    return t != 0 && !zombie && t == st->start_time;
}

static bool fifo_exists(int dirfd)
{
    struct stat sb;
    return fstatat(dirfd, "exec.fifo", &sb, AT_SYMLINK_NOFOLLOW) == 0;
}

enum container_status state_status(int dirfd, const struct container_state *st)
{
    if (!state_pid_alive(st))
        return STATUS_STOPPED;
    if (st->stored == STATUS_CREATING)
        return STATUS_CREATING;
    if (fifo_exists(dirfd))
        return STATUS_CREATED;
    return STATUS_RUNNING;
}

/* ---- claim, open, lock, remove ---------------------------------------- */

static int write_initial_files(int dfd, const struct container_state *st, const char *cfg,
                               size_t cfg_len, struct hull_error *err)
{
    int r = state_write(dfd, st, err);
    if (r == 0 && cfg != NULL)
        r = write_file_atomic(dfd, "config.json", cfg, cfg_len, err);
    return r;
}

int state_claim(int rootfd, const struct container_state *st, const char *cfg, size_t cfg_len,
                int *dirfd, struct hull_error *err)
{
    char tmp[64];
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    snprintf(tmp, sizeof tmp, ".new-%ld-%lx", (long)getpid(), (unsigned long)ts.tv_nsec);
    if (mkdirat(rootfd, tmp, 0700) < 0)
        return hull_err(err, errno, "create state directory");
    int dfd = openat(rootfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) {
        int e = errno;
        unlinkat(rootfd, tmp, AT_REMOVEDIR);
        return hull_err(err, e, "open state directory");
    }
    int r = write_initial_files(dfd, st, cfg, cfg_len, err);
    if (r == 0 && renameat2(rootfd, tmp, rootfd, st->id, RENAME_NOREPLACE) < 0) {
        r = errno == EEXIST
                ? hull_errx(err, EEXIST, "container with id \"%s\" already exists", st->id)
                : hull_err(err, errno, "claim container id \"%s\"", st->id);
    }
    if (r < 0) {
        close(dfd);
        remove_tree_at(rootfd, tmp, NULL);
        return r;
    }
    *dirfd = dfd;
    return 0;
}

int state_open(int rootfd, const char *id, int *dirfd, struct hull_error *err)
{
    int r = state_validate_id(id, err);
    if (r < 0)
        return r;
    int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
            return hull_errx(err, ENOENT, "container \"%s\" does not exist", id);
        return hull_err(err, errno, "container \"%s\"", id);
    }
    *dirfd = fd;
    return 0;
}

int state_lock(int dirfd, bool exclusive, struct hull_error *err)
{
    while (flock(dirfd, exclusive ? LOCK_EX : LOCK_SH) < 0)
        if (errno != EINTR)
            return hull_err(err, errno, "lock container state");
    return 0;
}

int state_remove(int rootfd, const char *id, struct hull_error *err)
{
    char dead[64];
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    snprintf(dead, sizeof dead, ".del-%ld-%lx", (long)getpid(), (unsigned long)ts.tv_nsec);
    if (renameat2(rootfd, id, rootfd, dead, RENAME_NOREPLACE) < 0) {
        if (errno == ENOENT)
            return 0;
        return hull_err(err, errno, "remove state of \"%s\"", id);
    }
    return remove_tree_at(rootfd, dead, err);
}

#define PID_RECORD "init.pid"

int state_write_pid_record(int dirfd, pid_t pid, unsigned long long start_time,
                           const char *cgroup, struct hull_error *err)
{
    char buf[4200];
    int n = snprintf(buf, sizeof buf, "%d %llu %s\n", (int)pid, start_time, cgroup != NULL ? cgroup : "");
    if (n < 0 || (size_t)n >= sizeof buf)
        return hull_errx(err, ENAMETOOLONG, "cgroup path too long");
    return write_file_atomic(dirfd, PID_RECORD, buf, (size_t)n, err);
}

int state_read_pid_record(int dirfd, pid_t *pid, unsigned long long *start_time, char **cgroup)
{
    char *buf;
    *cgroup = NULL;
    int r = read_file_at(dirfd, PID_RECORD, 4200, &buf, NULL, NULL);
    if (r < 0)
        return r;
    long long p;
    unsigned long long t;
    char *sp1 = strchr(buf, ' ');
    char *sp2 = sp1 != NULL ? strchr(sp1 + 1, ' ') : NULL;
    char *nl = sp2 != NULL ? strchr(sp2, '\n') : NULL;
    if (nl == NULL) {
        free(buf);
        return -EINVAL;
    }
    *sp1 = *sp2 = *nl = '\0';
    r = parse_i64(buf, 1, INT_MAX, &p);
    if (r == 0)
        r = parse_u64(sp1 + 1, ULLONG_MAX, &t);
    if (r == 0 && sp2[1] != '\0' && (*cgroup = strdup(sp2 + 1)) == NULL)
        r = -ENOMEM;
    free(buf);
    if (r < 0)
        return r;
    *pid = (pid_t)p;
    *start_time = t;
    return 0;
}

/* ".new-PID-X" / ".del-PID-X" left by a hull that was killed: PID is gone. */
static bool stale_temp(const char *name)
{
    if (strncmp(name, ".new-", 5) != 0 && strncmp(name, ".del-", 5) != 0)
        return false;
    char buf[32];
    size_t n = strcspn(name + 5, "-");
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, name + 5, n);
    buf[n] = '\0';
    long long pid;
    return parse_i64(buf, 1, INT_MAX, &pid) == 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

void state_sweep_stale(int rootfd)
{
    int fd = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (d == NULL) {
        if (fd >= 0)
            close(fd);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (stale_temp(de->d_name))
            remove_tree_at(rootfd, de->d_name, NULL);
    closedir(d);
}
