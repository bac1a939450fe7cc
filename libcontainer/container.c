/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "container.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "container_internal.h"
#include "hooks.h"
#include "init.h"
#include "namespaces.h"
#include "security/seccomp.h"
#include "spec.h"
#include "sync.h"
#include "utils.h"

#define CONFIG_MAX (16u << 20)
#define FIFO_NAME "exec.fifo"

/* Everything create needs while it runs; freed by create_ctx_free. */
struct create_ctx {
    const struct container_opts *o;
    struct spec spec;
    char *cfg;
    size_t cfg_len;
    char bundle[PATH_MAX];
    char rootfs[PATH_MAX];
    struct ns_joins joins;
    struct seccomp_prog seccomp;
    struct cgroup *cg;
    bool cg_made;
    struct container_state st;
    int rootfd, dirfd, fifo_fd;
    int sync[2];
    pid_t pid;
    bool claimed;
};

/* ---- create: preparation ---------------------------------------------- */

static int load_bundle(struct create_ctx *c, struct hull_error *err)
{
    const char *b = c->o->bundle != NULL ? c->o->bundle : ".";
    if (realpath(b, c->bundle) == NULL)
        return hull_err(err, errno, "bundle %s", b);
    int bfd = open(c->bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (bfd < 0)
        return hull_err(err, errno, "bundle %s", c->bundle);
    int r = read_file_at(bfd, "config.json", CONFIG_MAX, &c->cfg, &c->cfg_len, err);
    close(bfd);
    if (r < 0)
        return r;
    r = spec_parse(c->cfg, c->cfg_len, &c->spec, err);
    return r < 0 ? hull_err_prefix(err, "config.json") : 0;
}

static int resolve_rootfs(struct create_ctx *c, struct hull_error *err)
{
    char joined[PATH_MAX * 2];
    const char *p = c->spec.root_path;
    if (p == NULL)
        return hull_errx(err, EINVAL, "config.json: root.path: missing");
    if (p[0] == '/')
        snprintf(joined, sizeof joined, "%s", p);
    else
        snprintf(joined, sizeof joined, "%s/%s", c->bundle, p);
    if (realpath(joined, c->rootfs) == NULL)
        return hull_err(err, errno, "root.path %s", joined);
    struct stat sb;
    if (stat(c->rootfs, &sb) < 0 || !S_ISDIR(sb.st_mode))
        return hull_errx(err, ENOTDIR, "root.path %s: not a directory", c->rootfs);
    return 0;
}

static int check_spec(struct create_ctx *c, struct hull_error *err)
{
    if (!c->spec.has_process)
        return hull_errx(err, EINVAL, "config.json: process: missing");
    if (c->spec.process.terminal && c->o->console_fd < 0)
        return hull_errx(err, EINVAL, "process.terminal is true: --console-socket is required");
    if (!c->spec.process.terminal && c->o->console_fd >= 0 && !c->o->console_optional)
        return hull_errx(err, EINVAL, "--console-socket given but process.terminal is false");
    int r = ns_validate(&c->spec, err);
    if (r == 0 && c->spec.linux_.seccomp.present)
        r = seccomp_compile(&c->spec.linux_.seccomp, &c->seccomp, err);
    return r < 0 ? hull_err_prefix(err, "config.json") : 0;
}

static int copy_annotations(struct create_ctx *c, struct hull_error *err)
{
    const struct kv_list *a = &c->spec.annotations;
    if (a->n == 0)
        return 0;
    c->st.annotations = calloc(a->n, sizeof *c->st.annotations);
    if (c->st.annotations == NULL)
        return hull_errx(err, ENOMEM, "out of memory");
    for (size_t i = 0; i < a->n; i++) {
        c->st.annotations[i].key = strdup(a->v[i].key);
        c->st.annotations[i].value = strdup(a->v[i].value);
        c->st.n_annotations = i + 1;
        if (c->st.annotations[i].key == NULL || c->st.annotations[i].value == NULL)
            return hull_errx(err, ENOMEM, "out of memory");
    }
    return 0;
}

static int init_state(struct create_ctx *c, struct hull_error *err)
{
    c->st.id = strdup(c->o->id);
    c->st.bundle = strdup(c->bundle);
    c->st.rootfs = strdup(c->rootfs);
    if (c->st.id == NULL || c->st.bundle == NULL || c->st.rootfs == NULL)
        return hull_errx(err, ENOMEM, "out of memory");
    c->st.stored = STATUS_CREATING;
    c->st.owner = geteuid();
    format_time_rfc3339(c->st.created, sizeof c->st.created);
    return copy_annotations(c, err);
}

/* The host uid that is root in the container (for the FIFO's owner). */
static uid_t container_root_uid(const struct spec *s, gid_t *gid)
{
    uid_t uid = 0;
    *gid = 0;
    for (size_t i = 0; i < s->linux_.uid_mappings.n; i++)
        if (s->linux_.uid_mappings.v[i].container_id == 0)
            uid = s->linux_.uid_mappings.v[i].host_id;
    for (size_t i = 0; i < s->linux_.gid_mappings.n; i++)
        if (s->linux_.gid_mappings.v[i].container_id == 0)
            *gid = s->linux_.gid_mappings.v[i].host_id;
    return uid;
}

static int make_fifo(struct create_ctx *c, struct hull_error *err)
{
    if (mkfifoat(c->dirfd, FIFO_NAME, 0622) < 0)
        return hull_err(err, errno, "create exec fifo");
    gid_t gid;
    uid_t uid = container_root_uid(&c->spec, &gid);
    if ((uid != 0 || gid != 0) && fchownat(c->dirfd, FIFO_NAME, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
        return hull_err(err, errno, "chown exec fifo");
    /* The mode must survive the umask. */
    if (fchmodat(c->dirfd, FIFO_NAME, 0622, 0) < 0)
        return hull_err(err, errno, "chmod exec fifo");
    c->fifo_fd = openat(c->dirfd, FIFO_NAME, O_PATH | O_CLOEXEC | O_NOFOLLOW);
    return c->fifo_fd < 0 ? hull_err(err, errno, "open exec fifo") : 0;
}

/* ---- create: the cgroup ------------------------------------------------- */

/* Where the cgroup will be, recorded in the first state.json so that a
 * delete --force after a crash finds it. Nothing is made yet. */
static int plan_cgroup(struct create_ctx *c, struct hull_error *err)
{
    enum cgroup_driver d = c->o->systemd_cgroup ? CGROUP_DRIVER_SYSTEMD : CGROUP_DRIVER_CGROUPFS;
    int r = cgroup_new(c->spec.linux_.cgroups_path, c->o->id, d, &c->cg, err);
    if (r < 0)
        return hull_err_prefix(err, "linux.cgroupsPath");
    c->st.cgroup_path = strdup(cgroup_path(c->cg));
    return c->st.cgroup_path != NULL ? 0 : hull_errx(err, ENOMEM, "out of memory");
}

/* Make the cgroup with linux.resources and runc's default device rules. */
static int make_cgroup(struct create_ctx *c, struct hull_error *err)
{
    struct spec_resources res = c->spec.linux_.resources;
    struct spec_device_rule *rules = NULL;
    size_t n = 0;
    int r = cgroup_device_rules_with_defaults(&c->spec.linux_.resources, c->spec.linux_.devices,
                                              c->spec.linux_.n_devices, &rules, &n, err);
    if (r < 0)
        return r;
    res.devices = rules;
    res.n_devices = n;
    c->cg_made = true;
    r = cgroup_create(c->cg, &res, err);
    free(rules);
    return r;
}

/* ---- create: the clone -------------------------------------------------- */

/* clone3, born in the cgroup when cgroup_fd >= 0 (v2). */
static pid_t clone_child(int flags, int cgroup_fd)
{
    struct clone_args args = { .flags = (unsigned long long)flags, .exit_signal = SIGCHLD };
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = (unsigned long long)cgroup_fd;
    }
    long r = syscall(SYS_clone3, &args, sizeof args);
    if (r < 0 && errno == ENOSYS && cgroup_fd < 0)
        r = syscall(SYS_clone, (unsigned long)flags | SIGCHLD, 0, 0, 0, 0);
    return (pid_t)r;
}

/* The init must wait for the runtime when its uid maps are to be written
 * or when it could not be born in its cgroup. In the second case its new
 * cgroup namespace is made after it joined the cgroup, so that the
 * namespace is rooted there. */
static bool init_waits(const struct create_ctx *c)
{
    return (ns_clone_flags(&c->spec) & CLONE_NEWUSER) != 0 || cgroup_leaf_fd(c->cg) < 0;
}

static int spawn_init(struct create_ctx *c, struct hull_error *err)
{
    struct ns_saved saved;
    int r = ns_parent_enter(&c->spec, &c->joins, &saved, err);
    if (r < 0) {
        ns_parent_restore(&saved, NULL);
        return r;
    }
    int flags = ns_clone_flags(&c->spec);
    bool late_cgroupns = cgroup_leaf_fd(c->cg) < 0 && (flags & CLONE_NEWCGROUP);
    if (late_cgroupns)
        flags &= ~CLONE_NEWCGROUP;
    pid_t pid = clone_child(flags, cgroup_leaf_fd(c->cg));
    if (pid == 0) {
        close(c->sync[0]);
        struct init_args a = {
            .spec = &c->spec, .rootfs = c->rootfs, .bundle = c->bundle, .joins = &c->joins,
            .sync_fd = c->sync[1], .fifo_fd = c->fifo_fd, .state_dirfd = c->dirfd,
            .console_fd = c->spec.process.terminal ? c->o->console_fd : -1,
            .seccomp = c->spec.linux_.seccomp.present ? &c->seccomp : NULL,
            .preserve_fds = c->o->preserve_fds, .no_pivot = c->o->no_pivot,
            .no_new_keyring = c->o->no_new_keyring,
            .new_userns = (ns_clone_flags(&c->spec) & CLONE_NEWUSER) != 0,
            .wait_go = init_waits(c),
            .unshare_cgroupns = late_cgroupns,
        };
        init_main(&a);
    }
    int e = errno;
    r = ns_parent_restore(&saved, err);
    if (pid < 0)
        return hull_err(err, e, "clone container init");
    c->pid = pid;
    close(c->sync[1]);
    c->sync[1] = -1;
    return r;
}

static int record_pid(struct create_ctx *c, struct hull_error *err)
{
    c->st.pid = c->pid;
    c->st.start_time = proc_start_time(c->pid, NULL);
    if (c->st.start_time == 0)
        return hull_errx(err, ECHILD, "container init exited during setup");
    int r = state_write_pid_record(c->dirfd, c->pid, c->st.start_time, c->st.cgroup_path, err);
    return r < 0 ? r : state_write(c->dirfd, &c->st, err);
}

static int run_runtime_hooks(struct create_ctx *c, char *json, struct hull_error *err)
{
    static const enum spec_hook_kind kinds[] = { HOOK_PRESTART, HOOK_CREATE_RUNTIME };
    for (size_t i = 0; i < HULL_ARRAY_SIZE(kinds); i++) {
        int r = hooks_run(&c->spec.hooks[kinds[i]], kinds[i], json, err);
        if (r < 0)
            return r;
    }
    return 0;
}

/* The hooks of the create step see the environment as created: the
 * conformance suite requires "created" in the prestart hook's state. */
static int serve_hooks_request(struct create_ctx *c, struct hull_error *err)
{
    char *json = state_to_json(&c->st, STATUS_CREATED, false);
    if (json == NULL)
        return hull_errx(err, ENOMEM, "out of memory");
    int r = run_runtime_hooks(c, json, err);
    if (r == 0 && (r = sync_send(c->sync[0], SYNC_HOOKS_DONE, 0, json, strlen(json))) < 0)
        r = hull_err(err, -r, "sync with container init");
    free(json);
    return r;
}

int forward_seccomp_listener(const struct spec_seccomp *sc, const struct container_state *st,
                             int fd, pid_t pid, int sync_fd, struct hull_error *err)
{
    if (fd < 0)
        return hull_errx(err, EPROTO, "seccomp listener fd missing");
    char *json = state_to_json(st, STATUS_CREATED, false);
    int r = json == NULL ? hull_errx(err, ENOMEM, "out of memory")
                         : seccomp_send_to_agent(sc, fd, pid, json, err);
    free(json);
    close(fd);
    if (r == 0 && (r = sync_send(sync_fd, SYNC_SECCOMP_DONE, 0, NULL, 0)) < 0)
        r = hull_err(err, -r, "sync with container process");
    return r;
}

/* One message from the init: 1 when it is READY, 0 to go on, or an error. */
static int serve_one(struct create_ctx *c, struct hull_error *err)
{
    struct sync_hdr h;
    char *payload = NULL;
    int fd;
    int r = sync_recv(c->sync[0], &h, &payload, &fd);
    if (r == -ECONNRESET)
        return hull_errx(err, ECHILD, "container init exited during setup");
    if (r < 0)
        return hull_err(err, -r, "read from container init");
    switch (h.type) {
    case SYNC_READY:
        r = 1;
        break;
    case SYNC_ERROR:
        r = hull_errx(err, h.code > 0 ? h.code : EIO, "%s", payload != NULL ? payload : "init failed");
        break;
    case SYNC_HOOKS_REQUEST:
        r = serve_hooks_request(c, err);
        break;
    case SYNC_SECCOMP_FD:
        r = forward_seccomp_listener(&c->spec.linux_.seccomp, &c->st, fd, c->pid, c->sync[0], err);
        fd = -1;
        break;
    default:
        r = hull_errx(err, EPROTO, "container init: unexpected message %u", h.type);
    }
    if (fd >= 0)
        close(fd);
    free(payload);
    return r;
}

/* Write the id maps and join the cgroup (v1) for the waiting init. */
static int release_init(struct create_ctx *c, struct hull_error *err)
{
    int r;
    if ((ns_clone_flags(&c->spec) & CLONE_NEWUSER) &&
        (r = ns_write_id_maps(c->pid, &c->spec, err)) < 0)
        return r;
    if (cgroup_leaf_fd(c->cg) < 0 && (r = cgroup_enter(c->cg, c->pid, err)) < 0)
        return r;
    if ((r = sync_send(c->sync[0], SYNC_GO, 0, NULL, 0)) < 0)
        return hull_err(err, -r, "sync with container init");
    return 0;
}

/* Serve the init until it reports READY. */
static int talk_to_init(struct create_ctx *c, struct hull_error *err)
{
    int r;
    if (init_waits(c) && (r = release_init(c, err)) < 0)
        return r;
    while ((r = serve_one(c, err)) == 0)
        ;
    return r < 0 ? r : 0;
}

int write_pid_file(const char *path, pid_t pid, struct hull_error *err)
{
    char abs[PATH_MAX], buf[32];
    const char *slash = strrchr(path, '/');
    int dfd;
    if (slash == NULL) {
        dfd = AT_FDCWD;
    } else {
        size_t n = (size_t)(slash - path);
        if (n >= sizeof abs)
            return hull_errx(err, ENAMETOOLONG, "pid file %s", path);
        memcpy(abs, path, n);
        abs[n] = '\0';
        dfd = open(n == 0 ? "/" : abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
            return hull_err(err, errno, "pid file %s", path);
    }
    int n = snprintf(buf, sizeof buf, "%d", (int)pid);
    int r = write_file_atomic(dfd, slash != NULL ? slash + 1 : path, buf, (size_t)n, err);
    if (dfd != AT_FDCWD)
        close(dfd);
    if (r == 0) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            fchmod(fd, 0644);
            close(fd);
        }
    }
    return r < 0 ? hull_err_prefix(err, "pid file") : 0;
}

static void create_ctx_free(struct create_ctx *c)
{
    if (c->sync[0] >= 0)
        close(c->sync[0]);
    if (c->sync[1] >= 0)
        close(c->sync[1]);
    if (c->fifo_fd >= 0)
        close(c->fifo_fd);
    if (c->dirfd >= 0)
        close(c->dirfd);
    if (c->rootfd >= 0)
        close(c->rootfd);
    ns_close_joins(&c->joins);
    seccomp_prog_free(&c->seccomp);
    cgroup_free(c->cg);
    state_free(&c->st);
    spec_free(&c->spec);
    free(c->cfg);
}

static void create_rollback(struct create_ctx *c)
{
    if (c->pid > 0) {
        kill(c->pid, SIGKILL);
        waitpid(c->pid, NULL, 0);
    }
    if (c->cg_made)
        cgroup_destroy(c->cg, NULL);
    if (c->claimed)
        state_remove(c->rootfd, c->o->id, NULL);
}

static int create_steps(struct create_ctx *c, struct hull_error *err)
{
    int r;
    if ((r = state_validate_id(c->o->id, err)) < 0 ||
        (r = load_bundle(c, err)) < 0 ||
        (r = resolve_rootfs(c, err)) < 0 ||
        (r = check_spec(c, err)) < 0 ||
        (r = ns_open_joins(&c->spec, &c->joins, err)) < 0 ||
        (r = init_state(c, err)) < 0 ||
        (r = plan_cgroup(c, err)) < 0 ||
        (r = state_root_open(c->o->root, true, &c->rootfd, err)) < 0 ||
        (r = state_claim(c->rootfd, &c->st, c->cfg, c->cfg_len, &c->dirfd, err)) < 0)
        return r;
    c->claimed = true;
    if ((r = make_cgroup(c, err)) < 0 ||
        (r = make_fifo(c, err)) < 0 ||
        (r = sync_socketpair(c->sync, err)) < 0 ||
        (r = spawn_init(c, err)) < 0 ||
        (r = record_pid(c, err)) < 0 ||
        (r = talk_to_init(c, err)) < 0)
        return r;
    c->st.stored = STATUS_CREATED;
    if ((r = state_write(c->dirfd, &c->st, err)) < 0)
        return r;
    if (c->o->pid_file != NULL && (r = write_pid_file(c->o->pid_file, c->pid, err)) < 0)
        return r;
    return 0;
}

int container_create(const struct container_opts *o, struct container_created *out,
                     struct hull_error *err)
{
    struct create_ctx c = { .o = o, .rootfd = -1, .dirfd = -1, .fifo_fd = -1, .sync = { -1, -1 } };
    for (int t = 0; t < NS_TYPE_COUNT; t++)
        c.joins.fd[t] = -1;
    int r = create_steps(&c, err);
    if (r < 0)
        create_rollback(&c);
    else
        *out = (struct container_created){ .pid = c.pid, .terminal = c.spec.process.terminal };
    create_ctx_free(&c);
    return r;
}

/* ---- opening an existing container -------------------------------------- */

void handle_close(struct handle *h)
{
    if (h->dirfd >= 0)
        close(h->dirfd);
    if (h->rootfd >= 0)
        close(h->rootfd);
    state_free(&h->st);
}

static bool cgroup_frozen(const char *path)
{
    struct cgroup *cg;
    bool frozen = false;
    if (cgroup_open_path(path, &cg, NULL) == 0) {
        if (cgroup_is_frozen(cg, &frozen) < 0)
            frozen = false;
        cgroup_free(cg);
    }
    return frozen;
}

int handle_open(const char *root, const char *id, bool exclusive, struct handle *h,
                struct hull_error *err)
{
    memset(h, 0, sizeof *h);
    h->rootfd = h->dirfd = -1;
    int r = state_validate_id(id, err);
    if (r < 0)
        return r;
    r = state_root_open(root, false, &h->rootfd, err);
    if (r == -ENOENT)
        return hull_errx(err, ENOENT, "container \"%s\" does not exist", id);
    if (r < 0 || (r = state_open(h->rootfd, id, &h->dirfd, err)) < 0 ||
        (r = state_lock(h->dirfd, exclusive, err)) < 0 ||
        (r = state_read(h->dirfd, &h->st, err)) < 0) {
        if (r == -ENOENT)
            hull_errx(err, ENOENT, "container \"%s\" does not exist", id);
        else if (h->dirfd >= 0)
            hull_err_prefix(err, "container \"%s\"", id);
        handle_close(h);
        return r;
    }
    h->status = state_status(h->dirfd, &h->st);
    if (h->status == STATUS_RUNNING && h->st.cgroup_path != NULL && cgroup_frozen(h->st.cgroup_path))
        h->status = STATUS_PAUSED;
    return 0;
}

/* A pidfd for the init, checked to still be the process we started. */
static int open_init_pidfd(const struct container_state *st, struct hull_error *err)
{
    int fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
    if (fd < 0)
        return errno == ESRCH ? hull_errx(err, ESRCH, "container not running")
                              : hull_err(err, errno, "pidfd_open %d", (int)st->pid);
    if (!state_pid_alive(st)) {
        close(fd);
        return hull_errx(err, ESRCH, "container not running");
    }
    return fd;
}

/* ---- start ------------------------------------------------------------- */

/* Open the FIFO (which lets the waiting init go) and read the outcome of
 * its last steps: "0" right before it execs, or an error text. */
static int release_fifo(int dirfd, struct hull_error *err)
{
    int fd = openat(dirfd, FIFO_NAME, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return hull_err(err, errno, "open exec fifo");
    unlinkat(dirfd, FIFO_NAME, 0);
    char msg[sizeof err->msg];
    size_t got = 0;
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, -1) < 0 && errno != EINTR)
            break;
        ssize_t n = read(fd, msg + got, sizeof msg - 1 - got);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0 || (got += (size_t)n) == sizeof msg - 1 || msg[0] == '0')
            break;
    }
    close(fd);
    msg[got] = '\0';
    if (got > 0 && msg[0] == '0')
        return 0;
    if (got > 0)
        return hull_errx(err, EIO, "%s", msg);
    return hull_errx(err, ESRCH, "container init exited before start");
}

/* A failing poststart hook is only a warning (runtime-spec): the others
 * still run and the container keeps running. */
static void run_poststart(struct handle *h, const struct spec *s, struct hull_error *warn)
{
    const struct spec_hook_list *all = &s->hooks[HOOK_POSTSTART];
    char *json = all->n > 0 ? state_to_json(&h->st, STATUS_RUNNING, false) : NULL;
    for (size_t i = 0; json != NULL && i < all->n; i++) {
        struct spec_hook_list one = { .n = 1, .v = &all->v[i] };
        hooks_run(&one, HOOK_POSTSTART, json, warn);
    }
    free(json);
}

int load_saved_spec(int dirfd, struct spec *s, struct hull_error *err)
{
    char *buf;
    size_t len;
    int r = read_file_at(dirfd, "config.json", CONFIG_MAX, &buf, &len, err);
    if (r < 0)
        return r;
    r = spec_parse(buf, len, s, err);
    free(buf);
    return r;
}

int container_start(const char *root, const char *id, struct hull_error *err,
                    struct hull_error *warn)
{
    struct handle h;
    int r = handle_open(root, id, true, &h, err);
    if (r < 0)
        return r;
    if (h.status != STATUS_CREATED) {
        r = hull_errx(err, EINVAL, "cannot start a container that is not in the created state (status: %s)",
                      state_status_name(h.status));
        handle_close(&h);
        return r;
    }
    struct spec s = {0};
    r = load_saved_spec(h.dirfd, &s, err);
    if (r == 0)
        r = release_fifo(h.dirfd, err);
    if (r == 0)
        run_poststart(&h, &s, warn);
    spec_free(&s);
    handle_close(&h);
    return r;
}

/* ---- kill -------------------------------------------------------------- */

static bool same_pid_ns(pid_t a, pid_t b)
{
    char pa[64], pb[64];
    struct stat sa, sb;
    snprintf(pa, sizeof pa, "/proc/%d/ns/pid", (int)a);
    snprintf(pb, sizeof pb, "/proc/%d/ns/pid", (int)b);
    return stat(pa, &sa) == 0 && stat(pb, &sb) == 0 && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

/* Signal every process sharing the init's pid namespace (when it is not ours). */
static void kill_pid_namespace(pid_t init, int sig)
{
    if (same_pid_ns(init, getpid()))
        return;
    DIR *d = opendir("/proc");
    if (d == NULL)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        unsigned long long v;
        if (parse_u64(de->d_name, INT_MAX, &v) == 0 && (pid_t)v != init && same_pid_ns((pid_t)v, init))
            kill((pid_t)v, sig);
    }
    closedir(d);
}

/* Every process of the container: through its cgroup, or without one
 * through its pid namespace. */
static int signal_all(const struct container_state *st, int sig, struct hull_error *err)
{
    if (st->cgroup_path == NULL) {
        kill_pid_namespace(st->pid, sig);
        return 0;
    }
    struct cgroup *cg;
    int r = cgroup_open_path(st->cgroup_path, &cg, err);
    if (r == 0) {
        r = cgroup_kill_all(cg, sig, err);
        cgroup_free(cg);
    }
    return r;
}

int container_kill(const char *root, const char *id, int sig, bool all, struct hull_error *err)
{
    struct handle h;
    int r = handle_open(root, id, false, &h, err);
    if (r < 0)
        return r;
    /* As with runc, --all on a container whose processes are gone is done. */
    if (h.status == STATUS_STOPPED && all) {
        handle_close(&h);
        return 0;
    }
    if (h.status == STATUS_STOPPED) {
        handle_close(&h);
        return hull_errx(err, ESRCH, "container not running");
    }
    int pfd = open_init_pidfd(&h.st, err);
    if (pfd < 0) {
        handle_close(&h);
        return all ? 0 : pfd;
    }
    if (all)
        r = signal_all(&h.st, sig, err);
    /* After --all the init may already be dead and reaped by its parent. */
    if (r == 0 && syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0) < 0 && !(all && errno == ESRCH))
        r = errno == ESRCH ? hull_errx(err, ESRCH, "container not running")
                           : hull_err(err, errno, "kill container \"%s\"", id);
    close(pfd);
    handle_close(&h);
    return r;
}

/* ---- delete ------------------------------------------------------------ */

static void wait_gone(const struct container_state *st)
{
    int pfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
    if (pfd >= 0 && state_pid_alive(st)) {
        struct pollfd p = { .fd = pfd, .events = POLLIN };
        poll(&p, 1, 10000);
    }
    if (pfd >= 0)
        close(pfd);
    /* Reap it when it is our own child (run). */
    waitpid(st->pid, NULL, WNOHANG);
}

static void force_kill(const struct container_state *st)
{
    if (!state_pid_alive(st))
        return;
    int pfd = open_init_pidfd(st, NULL);
    if (pfd < 0)
        return;
    signal_all(st, SIGKILL, NULL);
    syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0);
    close(pfd);
    wait_gone(st);
}

/* Every poststop hook runs; a failing one is only a warning (runtime-spec).
 * Returns 1 with the first failure in warn. */
static int run_poststop(struct handle *h, struct hull_error *warn)
{
    struct spec s = {0};
    int warned = 0;
    if (load_saved_spec(h->dirfd, &s, NULL) < 0)
        return 0;
    const struct spec_hook_list *all = &s.hooks[HOOK_POSTSTOP];
    char *json = all->n > 0 ? state_to_json(&h->st, STATUS_STOPPED, false) : NULL;
    for (size_t i = 0; json != NULL && i < all->n; i++) {
        struct spec_hook_list one = { .n = 1, .v = &all->v[i] };
        struct hull_error e;
        if (hooks_run(&one, HOOK_POSTSTOP, json, &e) < 0 && !warned++ && warn != NULL)
            *warn = e;
    }
    free(json);
    spec_free(&s);
    return warned ? 1 : 0;
}

/* Kill what lingers in the cgroup and remove it. */
static int destroy_cgroup(const char *path, struct hull_error *err)
{
    if (path == NULL)
        return 0;
    struct cgroup *cg;
    int r = cgroup_open_path(path, &cg, err);
    if (r == 0) {
        r = cgroup_destroy(cg, err);
        cgroup_free(cg);
    }
    return r;
}

/* Without any record of the process, the cgroup the saved config names
 * still holds it: destroying the cgroup kills what is inside. */
static void destroy_planned_cgroup(int dfd, const char *id)
{
    struct spec s = {0};
    struct cgroup *cg;
    if (load_saved_spec(dfd, &s, NULL) < 0)
        return;
    if (cgroup_new(s.linux_.cgroups_path, id, CGROUP_DRIVER_CGROUPFS, &cg, NULL) == 0) {
        destroy_cgroup(cgroup_path(cg), NULL);
        cgroup_free(cg);
    }
    spec_free(&s);
}

/* state.json is unreadable: find the init through init.pid, kill it and
 * remove the directory. */
static int delete_damaged(const char *root, const char *id, struct hull_error *err)
{
    int rootfd, r = state_root_open(root, false, &rootfd, err);
    if (r < 0)
        return r;
    int dfd;
    state_sweep_stale(rootfd);
    r = state_open(rootfd, id, &dfd, err);
    if (r == 0) {
        struct container_state st = {0};
        if (state_lock(dfd, true, NULL) == 0 &&
            state_read_pid_record(dfd, &st.pid, &st.start_time, &st.cgroup_path) == 0) {
            force_kill(&st);
            destroy_cgroup(st.cgroup_path, NULL);
        } else {
            destroy_planned_cgroup(dfd, id);
        }
        free(st.cgroup_path);
        close(dfd);
        r = state_remove(rootfd, id, err);
    }
    close(rootfd);
    return r;
}

int container_delete(const char *root, const char *id, bool force, struct hull_error *err)
{
    struct handle h;
    int r = handle_open(root, id, true, &h, err);
    if (r < 0)
        return (force && state_validate_id(id, NULL) == 0) ? delete_damaged(root, id, err) : r;
    bool live = h.status != STATUS_STOPPED;
    /* The spec forbids deleting a container that is not stopped; created
     * counts as not stopped (crun agrees, runc does not). */
    if (live && !force) {
        r = hull_errx(err, EBUSY, "cannot delete container \"%s\" that is not stopped: %s (use --force)",
                      id, state_status_name(h.status));
        handle_close(&h);
        return r;
    }
    if (live)
        force_kill(&h.st);
    else if (h.st.pid > 0)
        waitpid(h.st.pid, NULL, WNOHANG);
    if ((r = destroy_cgroup(h.st.cgroup_path, err)) < 0) {
        handle_close(&h);
        return r;
    }
    int warned = run_poststop(&h, err);
    r = state_remove(h.rootfd, id, err);
    if (r == 0)
        r = warned;
    handle_close(&h);
    return r;
}

/* ---- state and list ----------------------------------------------------- */

int container_state_json(const char *root, const char *id, char **json, struct hull_error *err)
{
    struct handle h;
    int r = handle_open(root, id, false, &h, err);
    if (r < 0)
        return r;
    *json = state_to_json(&h.st, h.status, true);
    handle_close(&h);
    return *json != NULL ? 0 : hull_errx(err, ENOMEM, "out of memory");
}

static int cmp_info(const void *a, const void *b)
{
    return strcmp(((const struct container_info *)a)->st.id, ((const struct container_info *)b)->st.id);
}

static bool read_one(int rootfd, const char *name, struct container_info *out)
{
    int dfd;
    if (state_open(rootfd, name, &dfd, NULL) < 0)
        return false;
    bool ok = state_read(dfd, &out->st, NULL) == 0;
    if (ok)
        out->status = state_status(dfd, &out->st);
    close(dfd);
    return ok;
}

int container_list(const char *root, struct container_info **list, size_t *n, struct hull_error *err)
{
    *list = NULL;
    *n = 0;
    int rootfd;
    int r = state_root_open(root, false, &rootfd, err);
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return r;
    DIR *d = fdopendir(rootfd);
    if (d == NULL) {
        close(rootfd);
        return hull_err(err, errno, "list %s", root);
    }
    size_t cap = 0;
    struct dirent *de;
    r = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            struct container_info *p = realloc(*list, cap * sizeof *p);
            if (p == NULL) {
                r = hull_errx(err, ENOMEM, "out of memory");
                break;
            }
            *list = p;
        }
        memset(&(*list)[*n], 0, sizeof **list);
        if (read_one(dirfd(d), de->d_name, &(*list)[*n]))
            (*n)++;
    }
    closedir(d);
    if (r < 0) {
        container_list_free(*list, *n);
        *list = NULL;
        *n = 0;
        return r;
    }
    if (*n > 1)
        qsort(*list, *n, sizeof **list, cmp_info);
    return 0;
}

void container_list_free(struct container_info *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        state_free(&list[i].st);
    free(list);
}

int container_connect_console(const char *path, int *fd, struct hull_error *err)
{
    int r = unix_connect(path, fd, err);
    return r < 0 ? hull_err_prefix(err, "--console-socket") : 0;
}
