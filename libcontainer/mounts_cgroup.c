/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mounts_cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "mountinfo.h"
#include "utils.h"

#define HOST_CGROUP_ROOT "/sys/fs/cgroup"
#define HOST_CGROUP_UNIFIED "/sys/fs/cgroup/unified"
#define PROC_CGROUP_MAX (1u << 20)
#define MAX_HIERARCHIES 64

/* A cgroup v1 hierarchy mounted on the host. */
struct hierarchy {
    char *mountpoint, *root, *opts;
};

struct hierarchies {
    struct hierarchy v[MAX_HIERARCHIES];
    size_t n;
    const char *rootfs;
};

/* Mount options of a v1 cgroup mount that do not name a controller. */
static const char *const non_controller_opts[] = {
    "rw", "ro", "xattr", "noprefix", "clone_children", "cpuset_v2_mode",
    "favordynmods", "nofavordynmods",
};

static bool is_cgroup2(const char *path)
{
    struct statfs sf;
    return statfs(path, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
}

static const char *host_cgroup2_path(void)
{
    if (is_cgroup2(HOST_CGROUP_ROOT))
        return HOST_CGROUP_ROOT;
    if (is_cgroup2(HOST_CGROUP_UNIFIED))
        return HOST_CGROUP_UNIFIED;
    return NULL;
}

static bool path_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

int mounts_cgroup2(int destfd, const char *dest, const struct mount_opts *o,
                   struct hull_error *err)
{
    int r = mount_new(destfd, dest, "cgroup2", "cgroup2", o, 0, err);
    if (r >= 0 || (r != -EPERM && r != -EBUSY))
        return r;
    const char *src = host_cgroup2_path();
    if (src == NULL)
        return r;
    struct mount_opts b = *o;
    b.bind = b.recursive = true;
    b.data = NULL;
    return mount_bind(destfd, dest, src, &b, err);
}

static bool seen_base(const struct hierarchies *hs, const char *base)
{
    for (size_t i = 0; i < hs->n; i++)
        if (strcmp(base_name(hs->v[i].mountpoint), base) == 0)
            return true;
    return false;
}

static int collect_hierarchy(const struct mountinfo_entry *e, void *arg, struct hull_error *err)
{
    struct hierarchies *hs = arg;
    if (strcmp(e->fstype, "cgroup") != 0 || path_under(e->mountpoint, hs->rootfs) ||
        seen_base(hs, base_name(e->mountpoint)))
        return 0;
    if (hs->n == MAX_HIERARCHIES)
        return hull_errx(err, E2BIG, "more than %d cgroup v1 hierarchies", MAX_HIERARCHIES);
    struct hierarchy *h = &hs->v[hs->n];
    h->mountpoint = strdup(e->mountpoint);
    h->root = strdup(e->root);
    h->opts = strdup(e->super_opts);
    hs->n++;
    if (h->mountpoint == NULL || h->root == NULL || h->opts == NULL)
        return hull_err(err, ENOMEM, "cgroup hierarchy %s", e->mountpoint);
    return 0;
}

static void hierarchies_free(struct hierarchies *hs)
{
    for (size_t i = 0; i < hs->n; i++) {
        free(hs->v[i].mountpoint);
        free(hs->v[i].root);
        free(hs->v[i].opts);
    }
    hs->n = 0;
}

/* Whether every controller of "cpu,cpuacct" (a /proc/self/cgroup field,
 * ctrls_len bytes) is among the hierarchy's mount options. */
static bool controllers_match(const char *ctrls, size_t ctrls_len, const char *opts)
{
    if (ctrls_len == 0)
        return false;
    for (size_t i = 0; i < ctrls_len;) {
        char word[256];
        size_t n = strcspn(ctrls + i, ",");
        if (n > ctrls_len - i)
            n = ctrls_len - i;
        if (n == 0 || n >= sizeof word)
            return false;
        memcpy(word, ctrls + i, n);
        word[n] = '\0';
        if (!mountinfo_has_opt(opts, word))
            return false;
        i += n + 1;
    }
    return true;
}

/* This process's cgroup path in the hierarchy mounted with opts, from the
 * contents of /proc/self/cgroup ("id:controllers:path" lines). */
static int own_cgroup(const char *proc_cgroup, const char *opts, char *out, size_t len)
{
    for (const char *line = proc_cgroup; line != NULL && *line != '\0';) {
        size_t line_len = strcspn(line, "\n");
        const char *c1 = memchr(line, ':', line_len);
        const char *c2 = NULL;
        if (c1 != NULL)
            c2 = memchr(c1 + 1, ':', line_len - (size_t)(c1 + 1 - line));
        if (c2 != NULL && controllers_match(c1 + 1, (size_t)(c2 - c1 - 1), opts)) {
            size_t n = line_len - (size_t)(c2 + 1 - line);
            if (n == 0 || n >= len)
                return -ENAMETOOLONG;
            memcpy(out, c2 + 1, n);
            out[n] = '\0';
            return 0;
        }
        line += line_len;
        if (*line == '\n')
            line++;
    }
    return -ENOENT;
}

/* Host path of the container's cgroup in hierarchy h. */
static int bind_source(const struct hierarchy *h, const char *proc_cgroup, char *out, size_t len,
                       struct hull_error *err)
{
    char path[PATH_MAX];
    if (own_cgroup(proc_cgroup, h->opts, path, sizeof path) < 0)
        return hull_errx(err, ENOENT, "cgroup hierarchy %s: own cgroup not found", h->mountpoint);
    const char *rel = path;
    if (strcmp(h->root, "/") != 0) {
        if (!path_under(path, h->root))
            return hull_errx(err, ENOENT, "cgroup hierarchy %s: cgroup %s is outside the mount",
                             h->mountpoint, path);
        rel = path + strlen(h->root);
    }
    if ((size_t)snprintf(out, len, "%s%s", h->mountpoint, rel) >= len)
        return hull_errx(err, ENAMETOOLONG, "cgroup hierarchy %s: path too long", h->mountpoint);
    return 0;
}

static bool is_controller_opt(const char *word)
{
    if (strncmp(word, "release_agent=", 14) == 0)
        return false;
    for (size_t i = 0; i < sizeof non_controller_opts / sizeof non_controller_opts[0]; i++)
        if (strcmp(word, non_controller_opts[i]) == 0)
            return false;
    return true;
}

/* The controllers (and "name=") of a hierarchy, as mount data. */
static int hierarchy_data(const char *opts, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (const char *p = opts; *p != '\0';) {
        size_t n = strcspn(p, ",");
        char word[256];
        if (n < sizeof word) {
            memcpy(word, p, n);
            word[n] = '\0';
            if (n > 0 && is_controller_opt(word)) {
                int w = snprintf(out + used, len - used, "%s%s", used > 0 ? "," : "", word);
                if (w < 0 || (size_t)w >= len - used)
                    return -ENAMETOOLONG;
                used += (size_t)w;
            }
        }
        p += n;
        if (*p == ',')
            p++;
    }
    return used > 0 ? 0 : -EINVAL;
}

static int mount_hierarchy_new(int subfd, const char *name, const struct hierarchy *h,
                               const struct mount_opts *o, struct hull_error *err)
{
    char data[1024];
    if (hierarchy_data(h->opts, data, sizeof data) < 0)
        return hull_errx(err, EINVAL, "cgroup hierarchy %s: no controllers in \"%s\"",
                         h->mountpoint, h->opts);
    struct mount_opts c = {
        .set = MS_NOSUID | MS_NODEV | MS_NOEXEC | (o->set & MS_RDONLY),
        .data = data,
    };
    return mount_new(subfd, name, "cgroup", "cgroup", &c, 0, err);
}

static int mount_hierarchy_bind(int subfd, const char *name, const struct hierarchy *h,
                                const struct mount_opts *o, const char *proc_cgroup,
                                struct hull_error *err)
{
    char source[PATH_MAX];
    int r = bind_source(h, proc_cgroup, source, sizeof source, err);
    if (r < 0)
        return r;
    struct mount_opts b = { .set = o->set, .clr = o->clr, .bind = true, .recursive = true };
    return mount_bind(subfd, name, source, &b, err);
}

/* "cpu" -> "cpu,cpuacct" and "cpuacct" -> "cpu,cpuacct". */
static int link_merged(int tmpfd, const char *base, const char *dest, struct hull_error *err)
{
    if (strchr(base, ',') == NULL)
        return 0;
    char copy[NAME_MAX + 1];
    snprintf(copy, sizeof copy, "%s", base);
    char *save = NULL;
    for (char *c = strtok_r(copy, ",", &save); c != NULL; c = strtok_r(NULL, ",", &save))
        if (symlinkat(base, tmpfd, c) < 0 && errno != EEXIST)
            return hull_err(err, errno, "cgroup mount %s: symlink %s", dest, c);
    return 0;
}

static int mount_hierarchy(int tmpfd, const struct hierarchy *h, const struct cgroup_mount_req *req,
                           const char *proc_cgroup, struct hull_error *err)
{
    const char *base = base_name(h->mountpoint);
    char name[PATH_MAX];
    snprintf(name, sizeof name, "%s/%s", req->dest, base);
    if (base[0] == '\0' || base[0] == '.')
        return hull_errx(err, EINVAL, "cgroup hierarchy %s: unusable name", h->mountpoint);
    if (mkdirat(tmpfd, base, 0755) < 0)
        return hull_err(err, errno, "mkdir %s", name);
    int subfd = openat(tmpfd, base, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (subfd < 0)
        return hull_err(err, errno, "open %s", name);
    int r = req->new_cgroupns ? mount_hierarchy_new(subfd, name, h, req->o, err)
                              : mount_hierarchy_bind(subfd, name, h, req->o, proc_cgroup, err);
    close(subfd);
    if (r < 0)
        return r;
    close(r);
    return link_merged(tmpfd, base, req->dest, err);
}

static int mount_tmpfs(const struct cgroup_mount_req *req, struct hull_error *err)
{
    char data[] = "mode=755";
    struct mount_opts t = { .set = MS_NOSUID | MS_NODEV | MS_NOEXEC, .data = data };
    return mount_new(req->destfd, req->dest, "tmpfs", "tmpfs", &t, 0, err);
}

static int populate_v1(int tmpfd, const struct hierarchies *hs, const struct cgroup_mount_req *req,
                       struct hull_error *err)
{
    char *proc_cgroup = NULL;
    size_t len = 0;
    int r = 0;
    if (!req->new_cgroupns)
        r = read_file_at(AT_FDCWD, "/proc/self/cgroup", PROC_CGROUP_MAX, &proc_cgroup, &len, err);
    for (size_t i = 0; r == 0 && i < hs->n; i++)
        r = mount_hierarchy(tmpfd, &hs->v[i], req, proc_cgroup, err);
    free(proc_cgroup);
    if (r == 0 && (req->o->set & MS_RDONLY))
        r = mount_set_attr(tmpfd, false, MOUNT_ATTR_RDONLY, 0, 0, req->dest, err);
    return r;
}

static int mounts_cgroup_v1(const struct cgroup_mount_req *req, struct hull_error *err)
{
    struct hierarchies hs = { .rootfs = req->rootfs };
    int r = mountinfo_foreach(collect_hierarchy, &hs, err);
    int tmpfd = r < 0 ? r : mount_tmpfs(req, err);
    if (tmpfd >= 0) {
        r = populate_v1(tmpfd, &hs, req, err);
        if (r < 0) {
            close(tmpfd);
            tmpfd = r;
        }
    }
    hierarchies_free(&hs);
    return tmpfd;
}

int mounts_cgroup(const struct cgroup_mount_req *req, struct hull_error *err)
{
    if (is_cgroup2(HOST_CGROUP_ROOT))
        return mounts_cgroup2(req->destfd, req->dest, req->o, err);
    return mounts_cgroup_v1(req, err);
}
