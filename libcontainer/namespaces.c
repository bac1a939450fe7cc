/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "utils.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif
#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

static bool creates(const struct spec *s, enum spec_ns_type t)
{
    const struct spec_namespace *ns = spec_find_namespace(s, t);
    return ns != NULL && ns->path == NULL;
}

static bool has_ns(const struct spec *s, enum spec_ns_type t)
{
    return spec_find_namespace(s, t) != NULL;
}

static bool key_is(const char *key, const char *prefix)
{
    return strncmp(key, prefix, strlen(prefix)) == 0;
}

/* Which namespace makes a sysctl key the container's own (as runc
 * decides); NS_TYPE_COUNT for a host-wide key. */
static enum spec_ns_type sysctl_namespace(const char *key)
{
    static const char *const ipc_keys[] = {
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
        "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
    };
    for (size_t i = 0; i < HULL_ARRAY_SIZE(ipc_keys); i++)
        if (strcmp(key, ipc_keys[i]) == 0)
            return NS_IPC;
    if (key_is(key, "fs.mqueue.") || key_is(key, "fs/mqueue/"))
        return NS_IPC;
    if (key_is(key, "net.") || key_is(key, "net/"))
        return NS_NETWORK;
    if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
        return NS_UTS;
    return NS_TYPE_COUNT;
}

static int validate_sysctl(const struct spec *s, struct hull_error *err)
{
    for (size_t i = 0; i < s->linux_.sysctl.n; i++) {
        const char *key = s->linux_.sysctl.v[i].key;
        enum spec_ns_type t = sysctl_namespace(key);
        if (t == NS_TYPE_COUNT)
            return hull_errx(err, EPERM, "linux.sysctl[\"%s\"]: not namespaced: it would change the host", key);
        if (!has_ns(s, t))
            return hull_errx(err, EPERM, "linux.sysctl[\"%s\"]: needs a %s namespace", key, spec_ns_name(t));
    }
    return 0;
}

int ns_validate(const struct spec *s, struct hull_error *err)
{
    int r = validate_sysctl(s, err);
    if (r < 0)
        return r;
    const struct spec_linux *l = &s->linux_;
    if ((s->hostname != NULL && s->hostname[0] != '\0') && !has_ns(s, NS_UTS))
        return hull_errx(err, EINVAL, "hostname: needs a uts namespace");
    if ((s->domainname != NULL && s->domainname[0] != '\0') && !has_ns(s, NS_UTS))
        return hull_errx(err, EINVAL, "domainname: needs a uts namespace");
    if ((l->uid_mappings.n > 0 || l->gid_mappings.n > 0) && !creates(s, NS_USER))
        return hull_errx(err, EINVAL, "linux.uidMappings: needs a new user namespace");
    if (creates(s, NS_USER) && (l->uid_mappings.n == 0 || l->gid_mappings.n == 0))
        return hull_errx(err, EINVAL, "linux.uidMappings: a new user namespace needs uid and gid mappings");
    if ((l->time_monotonic.set || l->time_boottime.set) && !creates(s, NS_TIME))
        return hull_errx(err, EINVAL, "linux.timeOffsets: needs a new time namespace");
    if (l->sysctl.n > 0 && !has_ns(s, NS_MOUNT))
        return hull_errx(err, EINVAL, "linux.sysctl: needs a mount namespace");
    if (spec_find_namespace(s, NS_USER) != NULL && spec_find_namespace(s, NS_USER)->path != NULL &&
        creates(s, NS_PID))
        return hull_errx(err, ENOTSUP, "linux.namespaces: a new pid namespace inside a joined user namespace is not supported");
    return 0;
}

int ns_clone_flags(const struct spec *s)
{
    int flags = 0;
    for (size_t i = 0; i < s->linux_.n_namespaces; i++) {
        const struct spec_namespace *ns = &s->linux_.namespaces[i];
        if (ns->path == NULL && ns->type != NS_TIME)
            flags |= spec_ns_clone_flag(ns->type);
    }
    return flags;
}

static int open_join(const struct spec_namespace *ns, size_t idx, int *out, struct hull_error *err)
{
    int fd = open(ns->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return hull_err(err, errno, "linux.namespaces[%zu].path %s", idx, ns->path);
    struct statfs sfs;
    int type = ioctl(fd, NS_GET_NSTYPE);
    if (fstatfs(fd, &sfs) < 0 || (sfs.f_type != NSFS_MAGIC && sfs.f_type != PROC_SUPER_MAGIC) ||
        type != spec_ns_clone_flag(ns->type)) {
        close(fd);
        return hull_errx(err, EINVAL, "linux.namespaces[%zu].path %s: not a %s namespace", idx,
                         ns->path, spec_ns_name(ns->type));
    }
    *out = fd;
    return 0;
}

int ns_open_joins(const struct spec *s, struct ns_joins *j, struct hull_error *err)
{
    for (int t = 0; t < NS_TYPE_COUNT; t++)
        j->fd[t] = -1;
    for (size_t i = 0; i < s->linux_.n_namespaces; i++) {
        const struct spec_namespace *ns = &s->linux_.namespaces[i];
        if (ns->path == NULL)
            continue;
        int r = open_join(ns, i, &j->fd[ns->type], err);
        if (r < 0) {
            ns_close_joins(j);
            return r;
        }
    }
    return 0;
}

void ns_close_joins(struct ns_joins *j)
{
    for (int t = 0; t < NS_TYPE_COUNT; t++) {
        if (j->fd[t] >= 0)
            close(j->fd[t]);
        j->fd[t] = -1;
    }
}

static int write_time_offsets(const struct spec_linux *l, struct hull_error *err)
{
    char buf[128];
    int n = 0;
    if (l->time_monotonic.set)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "monotonic %lld %u\n",
                      (long long)l->time_monotonic.secs, l->time_monotonic.nanosecs);
    if (l->time_boottime.set)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "boottime %lld %u\n",
                      (long long)l->time_boottime.secs, l->time_boottime.nanosecs);
    if (n == 0)
        return 0;
    int r = write_file_at(AT_FDCWD, "/proc/self/timens_offsets", buf, (size_t)n, err);
    return r < 0 ? hull_err_prefix(err, "linux.timeOffsets") : 0;
}

static int save_ns(const char *name, int *fd, struct hull_error *err)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/ns/%s", name);
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    return *fd < 0 ? hull_err(err, errno, "open %s", path) : 0;
}

int ns_parent_enter(const struct spec *s, const struct ns_joins *j, struct ns_saved *saved,
                    struct hull_error *err)
{
    saved->pid_fd = saved->time_fd = -1;
    bool new_time = creates(s, NS_TIME);
    int r;
    if (j->fd[NS_PID] >= 0) {
        if ((r = save_ns("pid_for_children", &saved->pid_fd, err)) < 0)
            return r;
        if (setns(j->fd[NS_PID], CLONE_NEWPID) < 0)
            return hull_err(err, errno, "join pid namespace");
    }
    if (j->fd[NS_TIME] >= 0 || new_time) {
        if ((r = save_ns("time_for_children", &saved->time_fd, err)) < 0)
            return r;
        if (j->fd[NS_TIME] >= 0 && setns(j->fd[NS_TIME], CLONE_NEWTIME) < 0)
            return hull_err(err, errno, "join time namespace");
        if (new_time && unshare(CLONE_NEWTIME) < 0)
            return hull_err(err, errno, "create time namespace");
        if (new_time && (r = write_time_offsets(&s->linux_, err)) < 0)
            return r;
    }
    return 0;
}

int ns_parent_restore(struct ns_saved *saved, struct hull_error *err)
{
    int r = 0;
    if (saved->pid_fd >= 0) {
        if (setns(saved->pid_fd, CLONE_NEWPID) < 0)
            r = hull_err(err, errno, "restore pid namespace");
        close(saved->pid_fd);
    }
    if (saved->time_fd >= 0) {
        if (setns(saved->time_fd, CLONE_NEWTIME) < 0 && r == 0)
            r = hull_err(err, errno, "restore time namespace");
        close(saved->time_fd);
    }
    saved->pid_fd = saved->time_fd = -1;
    return r;
}

int ns_child_join(const struct ns_joins *j, struct hull_error *err)
{
    static const enum spec_ns_type order[] = { NS_USER, NS_IPC, NS_UTS, NS_NETWORK, NS_CGROUP, NS_MOUNT };
    for (size_t i = 0; i < HULL_ARRAY_SIZE(order); i++) {
        enum spec_ns_type t = order[i];
        if (j->fd[t] >= 0 && setns(j->fd[t], spec_ns_clone_flag(t)) < 0)
            return hull_err(err, errno, "join %s namespace", spec_ns_name(t));
    }
    return 0;
}

static int format_map(const struct spec_id_mappings *m, char *buf, size_t len)
{
    size_t off = 0;
    for (size_t i = 0; i < m->n; i++) {
        int n = snprintf(buf + off, len - off, "%u %u %u\n", m->v[i].container_id,
                         m->v[i].host_id, m->v[i].size);
        if (n < 0 || (size_t)n >= len - off)
            return -E2BIG;
        off += (size_t)n;
    }
    return (int)off;
}

static int write_map(int procfd, const char *file, const struct spec_id_mappings *m,
                     const char *field, struct hull_error *err)
{
    char buf[4096];
    int n = format_map(m, buf, sizeof buf);
    if (n < 0)
        return hull_errx(err, E2BIG, "%s: too many mappings", field);
    int r = write_file_at(procfd, file, buf, (size_t)n, err);
    return r < 0 ? hull_err_prefix(err, "%s", field) : 0;
}

int ns_write_id_maps(pid_t pid, const struct spec *s, struct hull_error *err)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d", (int)pid);
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return hull_err(err, errno, "open %s", path);
    struct statfs sfs;
    int r;
    if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
        r = hull_errx(err, EPERM, "%s is not on procfs", path);
    else if ((r = write_map(fd, "uid_map", &s->linux_.uid_mappings, "linux.uidMappings", err)) == 0)
        r = write_map(fd, "gid_map", &s->linux_.gid_mappings, "linux.gidMappings", err);
    close(fd);
    return r;
}

int ns_set_names(const struct spec *s, struct hull_error *err)
{
    if (s->hostname != NULL && s->hostname[0] != '\0' &&
        sethostname(s->hostname, strlen(s->hostname)) < 0)
        return hull_err(err, errno, "hostname \"%s\"", s->hostname);
    if (s->domainname != NULL && s->domainname[0] != '\0' &&
        setdomainname(s->domainname, strlen(s->domainname)) < 0)
        return hull_err(err, errno, "domainname \"%s\"", s->domainname);
    return 0;
}
