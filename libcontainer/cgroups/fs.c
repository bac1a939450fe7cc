/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Controllers, mounted hierarchies, and the cgroup directories and control
 * files below them, always reached through directory fds. */
#include "internal.h"
#include "mountinfo.h"
#include "utils.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#define CONTROL_FILE_MAX (4u << 20)

static const struct {
    const char *v1, *v2;
} ctrl_names[CG_CTRL_COUNT] = {
    [CG_CPU] = { "cpu", "cpu" },
    [CG_CPUACCT] = { "cpuacct", NULL },
    [CG_CPUSET] = { "cpuset", "cpuset" },
    [CG_MEMORY] = { "memory", "memory" },
    [CG_DEVICES] = { "devices", NULL },
    [CG_FREEZER] = { "freezer", NULL },
    [CG_BLKIO] = { "blkio", "io" },
    [CG_PIDS] = { "pids", "pids" },
    [CG_HUGETLB] = { "hugetlb", "hugetlb" },
    [CG_NET_CLS] = { "net_cls", NULL },
    [CG_NET_PRIO] = { "net_prio", NULL },
    [CG_RDMA] = { "rdma", "rdma" },
    [CG_MISC] = { "misc", "misc" },
    [CG_PERF_EVENT] = { "perf_event", NULL },
};

const char *cg_ctrl_v1_name(enum cg_ctrl c)
{
    return ctrl_names[c].v1;
}

const char *cg_ctrl_v2_name(enum cg_ctrl c)
{
    return ctrl_names[c].v2;
}

int cg_ctrl_from_name(const char *name, bool v2)
{
    for (int c = 0; c < CG_CTRL_COUNT; c++) {
        const char *s = v2 ? ctrl_names[c].v2 : ctrl_names[c].v1;
        if (s != NULL && strcmp(s, name) == 0)
            return c;
    }
    return -1;
}

unsigned cg_ctrl_mask(const char *list, const char *seps, bool v2)
{
    unsigned mask = 0;

    for (const char *p = list; *p != '\0';) {
        size_t n = strcspn(p, seps);
        char word[32];
        if (n > 0 && n < sizeof word) {
            memcpy(word, p, n);
            word[n] = '\0';
            int c = cg_ctrl_from_name(word, v2);
            if (c >= 0)
                mask |= CG_BIT(c);
        }
        p += n;
        p += strspn(p, seps);
    }
    return mask;
}

int cg_no_ctrl(struct hull_error *err, const char *field, enum cg_ctrl c, bool v2)
{
    const char *name = v2 && ctrl_names[c].v2 != NULL ? ctrl_names[c].v2 : ctrl_names[c].v1;

    return hull_errx(err, ENOTSUP, "%s: %s controller not available", field, name);
}

/* ---- hierarchies ------------------------------------------------------------ */

/* "cpu,cpuacct" or "name=systemd" from a comma separated option list: the
 * known controllers in kernel order, then the name. */
static int hierarchy_key(const char *opts, char *out, size_t len)
{
    unsigned mask = cg_ctrl_mask(opts, ",", false);
    size_t used = 0;

    out[0] = '\0';
    for (int c = 0; c < CG_CTRL_COUNT; c++) {
        if (!(mask & CG_BIT(c)))
            continue;
        int k = snprintf(out + used, len - used, "%s%s", used ? "," : "", ctrl_names[c].v1);
        if (k < 0 || (size_t)k >= len - used)
            return -ENAMETOOLONG;
        used += (size_t)k;
    }
    for (const char *p = opts; *p != '\0';) {
        size_t n = strcspn(p, ",");
        if (n > 5 && strncmp(p, "name=", 5) == 0) {
            int k = snprintf(out + used, len - used, "%s%.*s", used ? "," : "", (int)n, p);
            if (k < 0 || (size_t)k >= len - used)
                return -ENAMETOOLONG;
            used += (size_t)k;
        }
        p += n;
        p += *p == ',';
    }
    return 0;
}

static struct cg_hier *find_key(struct cgroup *cg, const char *key, bool v2)
{
    for (size_t i = 0; i < cg->n; i++)
        if (cg->h[i].v2 == v2 && strcmp(cg->h[i].key, key) == 0)
            return &cg->h[i];
    return NULL;
}

static int add_hierarchy(struct cgroup *cg, const struct mountinfo_entry *e, const char *key,
                         unsigned mask, bool v2, struct hull_error *err)
{
    if (cg->n == CG_MAX_HIER)
        return hull_errx(err, E2BIG, "cgroup: too many hierarchies mounted");
    struct cg_hier *h = &cg->h[cg->n];
    *h = (struct cg_hier){ .mask = mask, .v2 = v2, .fd = -1 };
    h->mountpoint = strdup(e->mountpoint);
    h->mount_root = strdup(e->root);
    h->key = strdup(key);
    cg->n++;
    if (h->mountpoint == NULL || h->mount_root == NULL || h->key == NULL)
        return hull_err(err, ENOMEM, "cgroup hierarchy");
    return 0;
}

static unsigned v2_root_mask(const char *mountpoint)
{
    int fd = open(mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    char *text = NULL;
    unsigned mask = 0;

    if (fd < 0)
        return 0;
    if (read_file_at(fd, "cgroup.controllers", CONTROL_FILE_MAX, &text, NULL, NULL) == 0)
        mask = cg_ctrl_mask(text, " \n", true);
    free(text);
    close(fd);
    return mask;
}

static int on_mount(const struct mountinfo_entry *e, void *arg, struct hull_error *err)
{
    struct cgroup *cg = arg;
    char key[256];

    if (strcmp(e->fstype, "cgroup2") == 0) {
        const char *want = cg->mode == CGROUP_V2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified";
        if (strcmp(e->mountpoint, want) != 0 || find_key(cg, "", true) != NULL)
            return 0;
        return add_hierarchy(cg, e, "", v2_root_mask(e->mountpoint), true, err);
    }
    if (strcmp(e->fstype, "cgroup") != 0 || cg->mode == CGROUP_V2)
        return 0;
    if (hierarchy_key(e->super_opts, key, sizeof key) < 0 || key[0] == '\0' ||
        find_key(cg, key, false) != NULL)
        return 0;
    return add_hierarchy(cg, e, key, cg_ctrl_mask(e->super_opts, ",", false), false, err);
}

int cg_detect(struct cgroup *cg, struct hull_error *err)
{
    int r;

    cg->mode = cgroup_host_mode();
    if ((r = mountinfo_foreach(on_mount, cg, err)) < 0)
        return r;
    if (cg->n == 0)
        return hull_errx(err, ENOENT, "cgroup: no %s hierarchy mounted under /sys/fs/cgroup",
                         cg->mode == CGROUP_V2 ? "cgroup2" : "cgroup");
    return 0;
}

int cg_own_cgroup(const struct cg_hier *h, char *out, size_t len, struct hull_error *err)
{
    char *text = NULL, *save = NULL;
    int r = read_file_at(AT_FDCWD, "/proc/self/cgroup", CONTROL_FILE_MAX, &text, NULL, err);

    if (r < 0)
        return r;
    r = hull_errx(err, ENOENT, "/proc/self/cgroup: no entry for hierarchy \"%s\"", h->key);
    for (char *line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char *c1 = strchr(line, ':'), *c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
        char key[256];
        if (c2 == NULL)
            continue;
        *c1 = '\0';
        *c2 = '\0';
        bool v2 = strcmp(line, "0") == 0 && c1[1] == '\0';
        if (v2 != h->v2 || (!v2 && (hierarchy_key(c1 + 1, key, sizeof key) < 0 ||
                                    strcmp(key, h->key) != 0)))
            continue;
        int k = snprintf(out, len, "%s", c2 + 1);
        r = k < 0 || (size_t)k >= len
                ? hull_errx(err, ENAMETOOLONG, "/proc/self/cgroup: path too long")
                : 0;
        break;
    }
    free(text);
    return r;
}

struct cg_hier *cg_find(struct cgroup *cg, enum cg_ctrl c)
{
    for (size_t i = 0; i < cg->n; i++)
        if (!cg->h[i].v2 && (cg->h[i].mask & CG_BIT(c)))
            return &cg->h[i];
    for (size_t i = 0; i < cg->n; i++) {
        if (!cg->h[i].v2)
            continue;
        if ((cg->h[i].mask & CG_BIT(c)) || c == CG_DEVICES || c == CG_FREEZER)
            return &cg->h[i];
    }
    return NULL;
}

/* ---- directories ------------------------------------------------------------ */

static int open_mount(const struct cg_hier *h, struct hull_error *err)
{
    int fd = open(h->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct statfs sfs;

    if (fd < 0)
        return hull_err(err, errno, "cgroup mount %s", h->mountpoint);
    if (fstatfs(fd, &sfs) < 0 ||
        sfs.f_type != (h->v2 ? CGROUP2_SUPER_MAGIC : CGROUP_SUPER_MAGIC)) {
        close(fd);
        return hull_errx(err, EINVAL, "cgroup mount %s: not a %s file system", h->mountpoint,
                         h->v2 ? "cgroup2" : "cgroup");
    }
    return fd;
}

static int open_child(int parent, const char *name, bool create, struct hull_error *err,
                      const char *path)
{
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0 && errno == ENOENT && create) {
        if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST)
            return hull_err(err, errno, "cgroup mkdir %s", path);
        fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0 && errno == ENOENT && !create)
        return -ENOENT;
    if (fd < 0)
        return hull_err(err, errno, "cgroup open %s", path);
    return fd;
}

static int walk_once(struct cg_hier *h, bool create, size_t skip_last, cg_level_fn fn,
                     void *arg, struct hull_error *err)
{
    char comp[NAME_MAX + 1], sofar[CG_PATH_MAX] = "";
    size_t ncomp = 0, used = 0;
    int cur = open_mount(h, err), r = 0;

    if (cur < 0)
        return cur;
    for (const char *p = h->path; *p != '\0';) {
        p += strspn(p, "/");
        ncomp += *p != '\0';
        p += strcspn(p, "/");
    }
    for (const char *p = h->path + strspn(h->path, "/"); ncomp > skip_last && *p != '\0';
         ncomp--) {
        size_t n = strcspn(p, "/");
        if (n > NAME_MAX || used + n + 2 > sizeof sofar) {
            r = hull_errx(err, ENAMETOOLONG, "cgroup %s: path too long", h->path);
            break;
        }
        memcpy(comp, p, n);
        comp[n] = '\0';
        used += (size_t)snprintf(sofar + used, sizeof sofar - used, "/%s", comp);
        int next = open_child(cur, comp, create, err, sofar);
        if (next < 0) {
            r = next;
            break;
        }
        if (fn != NULL && (r = fn(cur, next, sofar, arg, err)) < 0) {
            close(next);
            break;
        }
        close(cur);
        cur = next;
        p += n;
        p += strspn(p, "/");
    }
    if (r < 0) {
        close(cur);
        return r;
    }
    return cur;
}

/* With create, a parent removed by a concurrent cgroup_destroy (the shared
 * /hull) makes mkdirat fail with ENOENT: walk again from the top. */
int cg_walk(struct cg_hier *h, bool create, size_t skip_last, cg_level_fn fn, void *arg,
            struct hull_error *err)
{
    int fd = -ENOENT;

    for (int attempt = 0; attempt < 3 && fd == -ENOENT; attempt++) {
        fd = walk_once(h, create, skip_last, fn, arg, err);
        if (!create)
            break;
    }
    return fd;
}

int cg_hier_open(struct cg_hier *h, bool create, struct hull_error *err)
{
    if (h->fd >= 0)
        return h->fd;
    int fd = cg_walk(h, create, 0, NULL, NULL, err);
    if (fd >= 0)
        h->fd = fd;
    return fd;
}

/* ---- control files ----------------------------------------------------------- */

static const char *dir_name(const char *dir)
{
    return strcmp(dir, "/") == 0 ? "" : dir;
}

int cg_write_at(int dfd, const char *dir, const char *file, const char *value,
                struct hull_error *err)
{
    int fd = openat(dfd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
    ssize_t n;
    int e;

    if (fd < 0)
        return hull_err(err, errno, "cgroup %s/%s: open", dir_name(dir), file);
    do
        n = write(fd, value, strlen(value));
    while (n < 0 && errno == EINTR);
    e = errno;
    close(fd);
    if (n < 0)
        return hull_err(err, e, "cgroup %s/%s: write %s", dir_name(dir), file, value);
    if ((size_t)n != strlen(value))
        return hull_errx(err, EIO, "cgroup %s/%s: write %s: short write", dir_name(dir), file,
                         value);
    return 0;
}

int cg_write(struct cg_hier *h, const char *file, const char *value, struct hull_error *err)
{
    int fd = cg_hier_open(h, false, err);

    if (fd == -ENOENT)
        return hull_errx(err, ENOENT, "cgroup %s: does not exist", h->path);
    if (fd < 0)
        return fd;
    return cg_write_at(fd, h->path, file, value, err);
}

int cg_write_u64(struct cg_hier *h, const char *file, uint64_t v, struct hull_error *err)
{
    char buf[32];

    snprintf(buf, sizeof buf, "%" PRIu64, v);
    return cg_write(h, file, buf, err);
}

int cg_write_i64(struct cg_hier *h, const char *file, int64_t v, struct hull_error *err)
{
    char buf[32];

    snprintf(buf, sizeof buf, "%" PRId64, v);
    return cg_write(h, file, buf, err);
}

int cg_read_at(int dfd, const char *file, char **out, struct hull_error *err)
{
    size_t len = 0;
    int r = read_file_at(dfd, file, CONTROL_FILE_MAX, out, &len, err);

    if (r < 0)
        return r;
    while (len > 0 && (*out)[len - 1] == '\n')
        (*out)[--len] = '\0';
    return 0;
}

int cg_read(struct cg_hier *h, const char *file, char **out, struct hull_error *err)
{
    int fd = cg_hier_open(h, false, err);

    if (fd == -ENOENT)
        return hull_errx(err, ENOENT, "cgroup %s: does not exist", h->path);
    if (fd < 0)
        return fd;
    int r = cg_read_at(fd, file, out, err);
    if (r < 0)
        hull_err_prefix(err, "cgroup %s", h->path);
    return r;
}

static int parse_value(const char *s, uint64_t *v)
{
    unsigned long long x;

    if (strcmp(s, "max") == 0) {
        *v = UINT64_MAX;
        return 0;
    }
    int r = parse_u64(s, UINT64_MAX, &x);
    if (r == 0)
        *v = x;
    return r;
}

int cg_read_u64(struct cg_hier *h, const char *file, uint64_t *v, struct hull_error *err)
{
    char *text = NULL;
    int r = cg_read(h, file, &text, err);

    if (r < 0)
        return r;
    if (parse_value(text, v) < 0)
        r = hull_errx(err, EINVAL, "cgroup %s/%s: \"%s\" is not a number", dir_name(h->path),
                      file, text);
    free(text);
    return r;
}

bool cg_has_file(struct cg_hier *h, const char *file)
{
    int fd = cg_hier_open(h, false, NULL);

    return fd >= 0 && faccessat(fd, file, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int cg_keyed_u64(const char *text, const char *key, uint64_t *v)
{
    size_t n = strlen(key);

    for (const char *p = text; p != NULL && *p != '\0';) {
        const char *eol = strchr(p, '\n');
        size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);
        if (len > n + 1 && strncmp(p, key, n) == 0 && p[n] == ' ') {
            char num[32];
            size_t k = len - n - 1;
            if (k >= sizeof num)
                return -ERANGE;
            memcpy(num, p + n + 1, k);
            num[k] = '\0';
            return parse_value(num, v);
        }
        p = eol != NULL ? eol + 1 : NULL;
    }
    return -ENOENT;
}

/* ---- processes ------------------------------------------------------------------ */

/* Capacity: 8, then doubled whenever a power of two >= 8 is reached. */
static int append_pid(pid_t **pids, size_t *n, pid_t pid)
{
    if (*n == 0 || (*n >= 8 && (*n & (*n - 1)) == 0)) {
        size_t cap = *n == 0 ? 8 : *n * 2;
        pid_t *p = realloc(*pids, cap * sizeof *p);
        if (p == NULL)
            return -ENOMEM;
        *pids = p;
    }
    (*pids)[(*n)++] = pid;
    return 0;
}

static int read_procs(int dfd, const char *path, pid_t **pids, size_t *n, struct hull_error *err)
{
    char *text = NULL, *save = NULL;
    int r = cg_read_at(dfd, "cgroup.procs", &text, err);

    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return hull_err_prefix(err, "cgroup %s", path);
    for (char *line = strtok_r(text, "\n", &save); line != NULL && r == 0;
         line = strtok_r(NULL, "\n", &save)) {
        unsigned long long pid;
        if (parse_u64(line, INT32_MAX, &pid) < 0 || pid == 0)
            r = hull_errx(err, EINVAL, "cgroup %s/cgroup.procs: bad pid \"%s\"", path, line);
        else if (append_pid(pids, n, (pid_t)pid) < 0)
            r = hull_err(err, ENOMEM, "cgroup %s: pids", path);
    }
    free(text);
    return r;
}

static bool is_subdir(int dfd, const struct dirent *de)
{
    struct stat st;

    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
        return false;
    if (de->d_type != DT_UNKNOWN)
        return de->d_type == DT_DIR;
    return fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

int cg_foreach_subdir(int dfd, const char *path, cg_subdir_fn fn, void *arg,
                      struct hull_error *err)
{
    int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d;
    struct dirent *de;
    int r = 0;

    if (fd < 0)
        return hull_err(err, errno, "cgroup %s: open", path);
    if ((d = fdopendir(fd)) == NULL) {
        r = hull_err(err, errno, "cgroup %s: list", path);
        close(fd);
        return r;
    }
    while (r == 0 && (errno = 0, de = readdir(d)) != NULL)
        if (is_subdir(dirfd(d), de))
            r = fn(dirfd(d), de->d_name, arg);
    if (r == 0 && de == NULL && errno != 0)
        r = hull_err(err, errno, "cgroup %s: list", path);
    closedir(d);
    return r;
}

struct pids_walk {
    pid_t **pids;
    size_t *n;
    struct hull_error *err;
    char path[CG_PATH_MAX];
};

static int pids_below(int dfd, struct pids_walk *w);

static int pids_in_child(int dfd, const char *name, void *arg)
{
    struct pids_walk *w = arg;
    size_t len = strlen(w->path);
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int r;

    if (fd < 0)
        return errno == ENOENT ? 0 : hull_err(w->err, errno, "cgroup %s/%s", w->path, name);
    if (len + strlen(name) + 2 > sizeof w->path) {
        close(fd);
        return hull_errx(w->err, ENAMETOOLONG, "cgroup %s/%s: path too long", w->path, name);
    }
    snprintf(w->path + len, sizeof w->path - len, "/%s", name);
    r = pids_below(fd, w);
    w->path[len] = '\0';
    close(fd);
    return r;
}

static int pids_below(int dfd, struct pids_walk *w)
{
    int r = read_procs(dfd, w->path, w->pids, w->n, w->err);

    if (r < 0)
        return r;
    return cg_foreach_subdir(dfd, w->path, pids_in_child, w, w->err);
}

int cg_hier_pids(struct cg_hier *h, pid_t **pids, size_t *n, struct hull_error *err)
{
    struct pids_walk w = { .pids = pids, .n = n, .err = err };
    int fd = cg_hier_open(h, false, err);

    if (fd == -ENOENT)
        return 0;
    if (fd < 0)
        return fd;
    snprintf(w.path, sizeof w.path, "%s", h->path);
    return pids_below(fd, &w);
}

/* ---- time and statistics helpers ------------------------------------------------ */

uint64_t cg_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void cg_sleep_ms(unsigned ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

struct cgroup_io_stat *cg_io_entry(struct cgroup_stats *st, uint32_t major, uint32_t minor)
{
    for (size_t i = 0; i < st->n_io; i++)
        if (st->io[i].major == major && st->io[i].minor == minor)
            return &st->io[i];
    struct cgroup_io_stat *v = realloc(st->io, (st->n_io + 1) * sizeof *v);
    if (v == NULL)
        return NULL;
    st->io = v;
    v[st->n_io] = (struct cgroup_io_stat){ .major = major, .minor = minor };
    return &v[st->n_io++];
}

struct cgroup_hugetlb_stat *cg_hugetlb_entry(struct cgroup_stats *st, const char *size)
{
    for (size_t i = 0; i < st->n_hugetlb; i++)
        if (strcmp(st->hugetlb[i].page_size, size) == 0)
            return &st->hugetlb[i];
    struct cgroup_hugetlb_stat *v = realloc(st->hugetlb, (st->n_hugetlb + 1) * sizeof *v);
    if (v == NULL)
        return NULL;
    st->hugetlb = v;
    v[st->n_hugetlb] = (struct cgroup_hugetlb_stat){ .limit = UINT64_MAX };
    snprintf(v[st->n_hugetlb].page_size, sizeof v[st->n_hugetlb].page_size, "%s", size);
    return &v[st->n_hugetlb++];
}
