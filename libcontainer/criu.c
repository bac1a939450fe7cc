/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "criu.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cgroups/cgroups.h"
#include "container_internal.h"
#include "inroot.h"
#include "mounts.h"
#include "namespaces.h"
#include "spec.h"
#include "state.h"
#include "utils.h"

#define CONFIG_MAX (16u << 20)
#define DESCRIPTORS_FILE "descriptors.json"
#define DESCRIPTORS_MAX (64u << 10)
#define DUMP_LOG "dump.log"
#define RESTORE_LOG "restore.log"
#define RESTORE_PIDFILE "restore.pid"
#define CRIU_ROOT "criu-root"
#define CRIU_CONFIG_ANNOTATION "org.criu.config"

/* ---- argv ---------------------------------------------------------------- */

/* A NULL-terminated argv that owns its strings. Running out of memory is
 * remembered and reported once, by args_error. */
struct args {
    char **v;
    size_t n, cap;
    bool oom;
};

static void args_take(struct args *a, char *s)
{
    if (s == NULL || a->oom) {
        a->oom = true;
        free(s);
        return;
    }
    if (a->n + 2 > a->cap) {
        size_t cap = a->cap != 0 ? a->cap * 2 : 32;
        char **v = realloc(a->v, cap * sizeof *v);
        if (v == NULL) {
            a->oom = true;
            free(s);
            return;
        }
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = s;
    a->v[a->n] = NULL;
}

static void args_add(struct args *a, const char *s)
{
    args_take(a, strdup(s));
}

__attribute__((format(printf, 2, 3)))
static void args_addf(struct args *a, const char *fmt, ...)
{
    char *s;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    args_take(a, n < 0 ? NULL : s);
}

static void args_flag(struct args *a, bool on, const char *flag)
{
    if (on)
        args_add(a, flag);
}

static void args_pair(struct args *a, const char *opt, const char *value)
{
    args_add(a, opt);
    args_add(a, value);
}

static int args_error(const struct args *a, struct hull_error *err)
{
    return a->oom ? hull_errx(err, ENOMEM, "out of memory") : 0;
}

static void args_free(struct args *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    memset(a, 0, sizeof *a);
}

/* ---- running criu -------------------------------------------------------- */

struct criu_run {
    char *const *argv;
    bool quiet;                  /* stdio on /dev/null instead of the caller's */
    const int *keep;             /* fds criu inherits (O_CLOEXEC cleared) */
    size_t n_keep;
    struct cgroup *cgroup;       /* criu runs in it, or NULL */
};

/* What the child reports on its close-on-exec pipe when it cannot exec. */
enum child_stage { STAGE_SETUP, STAGE_CGROUP, STAGE_EXEC };
struct child_report {
    int stage, err;
};

static int child_setup(const struct criu_run *x, int devnull)
{
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
        return -errno;
    for (int i = 0; devnull >= 0 && i < 3; i++)
        if ((devnull == i ? fcntl(i, F_SETFD, 0) : dup2(devnull, i)) < 0)
            return -errno;
    for (size_t i = 0; i < x->n_keep; i++)
        if (fcntl(x->keep[i], F_SETFD, 0) < 0)
            return -errno;
    return 0;
}

__attribute__((noreturn)) static void criu_child(const struct criu_run *x, int devnull, int report)
{
    struct child_report rep = { STAGE_SETUP, 0 };
    int r = child_setup(x, devnull);
    if (r == 0 && x->cgroup != NULL) {
        rep.stage = STAGE_CGROUP;
        r = cgroup_enter(x->cgroup, getpid(), NULL);
    }
    if (r == 0) {
        rep.stage = STAGE_EXEC;
        execvp(x->argv[0], x->argv);
        r = -errno;
    }
    rep.err = -r;
    if (write(report, &rep, sizeof rep) < 0)
        _exit(126);
    _exit(127);
}

static int wait_child(pid_t pid, int *status)
{
    while (waitpid(pid, status, 0) < 0)
        if (errno != EINTR)
            return -errno;
    return 0;
}

static int child_error(const struct child_report *rep, struct hull_error *err)
{
    if (rep->stage == STAGE_EXEC && rep->err == ENOENT)
        return hull_errx(err, ENOENT, "criu not found (install criu to checkpoint and restore)");
    if (rep->stage == STAGE_CGROUP)
        return hull_err(err, rep->err, "move criu into the container's cgroup");
    return hull_err(err, rep->err, rep->stage == STAGE_EXEC ? "execute criu" : "prepare to run criu");
}

/* Run criu and wait for it; *status is its wait status. */
static int criu_run(const struct criu_run *x, int *status, struct hull_error *err)
{
    int devnull = -1, report[2];
    if (x->quiet && (devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
        return hull_err(err, errno, "open /dev/null");
    if (pipe2(report, O_CLOEXEC) < 0) {
        int e = errno;
        if (devnull >= 0)
            close(devnull);
        return hull_err(err, e, "pipe");
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(report[0]);
        criu_child(x, devnull, report[1]);
    }
    int e = errno;
    close(report[1]);
    if (devnull >= 0)
        close(devnull);
    if (pid < 0) {
        close(report[0]);
        return hull_err(err, e, "fork");
    }
    struct child_report rep;
    ssize_t n = read_all(report[0], &rep, sizeof rep);
    close(report[0]);
    int r = wait_child(pid, status);
    if (n == (ssize_t)sizeof rep)
        return child_error(&rep, err);
    return r < 0 ? hull_err(err, -r, "wait for criu") : 0;
}

static bool exited_ok(int status)
{
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The first error line of a criu log, without its timestamp. */
static bool log_first_error(int dirfd, const char *name, char *out, size_t len)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return false;
    FILE *f = fdopen(fd, "r");
    if (f == NULL) {
        close(fd);
        return false;
    }
    char *line = NULL;
    size_t cap = 0;
    bool found = false;
    while (!found && getline(&line, &cap, f) > 0) {
        char *e = strstr(line, "Error (");
        if (e == NULL)
            continue;
        e[strcspn(e, "\n")] = '\0';
        snprintf(out, len, "%s", e);
        found = true;
    }
    free(line);
    fclose(f);
    return found;
}

int criu_check(struct hull_error *err)
{
    char *argv[] = { "criu", "check", NULL };
    struct criu_run x = { .argv = argv, .quiet = true };
    int status;
    int r = criu_run(&x, &status, err);
    if (r < 0)
        return r;
    if (!exited_ok(status))
        return hull_errx(err, ENOTSUP, "criu cannot work on this system: criu check failed");
    return 0;
}

int criu_validate_cgroups_mode(const char *mode, struct hull_error *err)
{
    static const char *const modes[] = { "soft", "full", "strict", "ignore" };
    if (mode == NULL)
        return 0;
    for (size_t i = 0; i < HULL_ARRAY_SIZE(modes); i++)
        if (strcmp(mode, modes[i]) == 0)
            return 0;
    return hull_errx(err, EINVAL, "--manage-cgroups-mode: expected soft, full, strict or ignore, got \"%s\"",
                     mode);
}

int criu_empty_ns(const char *type, struct criu_opts *c, struct hull_error *err)
{
    if (strcmp(type, "network") != 0 && strcmp(type, "net") != 0)
        return hull_errx(err, EINVAL, "--empty-ns: only the network namespace can be left empty, got \"%s\"",
                         type);
    c->empty_net_ns = true;
    return 0;
}

/* ---- image and work directories ------------------------------------------ */

struct criu_dirs {
    char images[PATH_MAX], work[PATH_MAX];
    int imagesfd, workfd;
};

static void dirs_init(struct criu_dirs *d)
{
    d->images[0] = d->work[0] = '\0';
    d->imagesfd = d->workfd = -1;
}

static void dirs_close(struct criu_dirs *d)
{
    if (d->imagesfd >= 0)
        close(d->imagesfd);
    if (d->workfd >= 0)
        close(d->workfd);
    dirs_init(d);
}

/* Open (with create, making it first) a directory; abs is its real path. */
static int open_dir(const char *path, bool create, const char *what, char *abs, int *fd,
                    struct hull_error *err)
{
    if (create && mkdir_p(path, 0700, err) < 0)
        return hull_err_prefix(err, "%s", what);
    if (realpath(path, abs) == NULL)
        return hull_err(err, errno, "%s %s", what, path);
    *fd = open(abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return *fd < 0 ? hull_err(err, errno, "%s %s", what, abs) : 0;
}

/* The work directory is made when missing; the image directory only when
 * checkpointing (create_images). */
static int dirs_open(const struct criu_opts *c, bool create_images, struct criu_dirs *d,
                     struct hull_error *err)
{
    if (c->image_path == NULL || c->image_path[0] == '\0')
        return hull_errx(err, EINVAL, "--image-path: must not be empty");
    int r = open_dir(c->image_path, create_images, "image path", d->images, &d->imagesfd, err);
    if (r < 0)
        return r;
    if (c->work_path == NULL) {
        memcpy(d->work, d->images, sizeof d->work);
        d->workfd = fcntl(d->imagesfd, F_DUPFD_CLOEXEC, 3);
        return d->workfd < 0 ? hull_err(err, errno, "dup") : 0;
    }
    return open_dir(c->work_path, true, "work path", d->work, &d->workfd, err);
}

static int criu_failure(const struct criu_dirs *d, const char *verb, const char *log, int status,
                        struct hull_error *err)
{
    char first[512];
    if (log_first_error(d->workfd, log, first, sizeof first))
        return hull_errx(err, EIO, "criu %s failed: %s (log: %s/%s)", verb, first, d->work, log);
    if (WIFSIGNALED(status))
        return hull_errx(err, EIO, "criu %s was killed by signal %d (log: %s/%s)", verb,
                         WTERMSIG(status), d->work, log);
    return hull_errx(err, EIO, "criu %s failed with exit status %d (log: %s/%s)", verb,
                     WEXITSTATUS(status), d->work, log);
}

/* ---- argv pieces both verbs use ------------------------------------------ */

static void add_common(struct args *a, const struct criu_opts *c, const struct criu_dirs *d,
                       const char *log)
{
    args_pair(a, "--images-dir", d->images);
    args_pair(a, "--work-dir", d->work);
    args_pair(a, "--log-file", log);
    args_add(a, "-v4");
    if (c->manage_cgroups_mode != NULL)
        args_addf(a, "--manage-cgroups=%s", c->manage_cgroups_mode);
    else
        args_add(a, "--manage-cgroups");
    args_flag(a, c->tcp_established, "--tcp-established");
    args_flag(a, c->ext_unix_sk, "--ext-unix-sk");
    args_flag(a, c->shell_job, "--shell-job");
    args_flag(a, c->file_locks, "--file-locks");
    args_flag(a, c->auto_dedup, "--auto-dedup");
    args_flag(a, c->lazy_pages, "--lazy-pages");
    if (c->empty_net_ns)
        args_pair(a, "--empty-ns", "net");
}

/* A criu configuration file named by the org.criu.config annotation. */
static void add_config_file(struct args *a, const struct spec *s)
{
    for (size_t i = 0; i < s->annotations.n; i++)
        if (strcmp(s->annotations.v[i].key, CRIU_CONFIG_ANNOTATION) == 0 &&
            s->annotations.v[i].value != NULL && s->annotations.v[i].value[0] != '\0')
            args_pair(a, "--config", s->annotations.v[i].value);
}

static bool has_option(const struct str_list *l, const char *opt)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], opt) == 0)
            return true;
    return false;
}

static bool mount_is_bind(const struct spec_mount *m)
{
    return (m->type != NULL && strcmp(m->type, "bind") == 0) || has_option(&m->options, "bind") ||
           has_option(&m->options, "rbind");
}

/* A mount destination as criu names mount points ("/a/b"). criu splits its
 * KEY:VALUE arguments at the first colon, so the key cannot hold one. */
static int criu_mount_key(const char *dest, char *out, size_t len, struct hull_error *err)
{
    if (inroot_clean_path(dest, out, len) < 0)
        return hull_errx(err, ENAMETOOLONG, "mount %s: path too long", dest);
    if (strchr(out, ':') != NULL)
        return hull_errx(err, EINVAL, "mount %s: criu cannot handle a ':' in a mount destination", dest);
    return 0;
}

/* Devices hull may bind from the host (in a user namespace): the default
 * set and linux.devices. They are external mounts to criu. */
static const char *const default_device_paths[] = {
    "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
};

static bool spec_has_device(const struct spec *s, const char *path)
{
    char a[PATH_MAX], b[PATH_MAX];
    if (inroot_clean_path(path, a, sizeof a) < 0)
        return false;
    for (size_t i = 0; i < s->linux_.n_devices; i++)
        if (s->linux_.devices[i].path != NULL &&
            inroot_clean_path(s->linux_.devices[i].path, b, sizeof b) == 0 && strcmp(a, b) == 0)
            return true;
    return false;
}

static void add_ext_mount(struct args *a, const char *key, const char *value)
{
    args_add(a, "--ext-mount-map");
    args_addf(a, "%s:%s", key, value);
}

/* The same path on both sides: on dump the name criu records, on restore
 * the host path it binds. */
static int add_device_mounts(struct args *a, const struct spec *s, struct hull_error *err)
{
    char key[PATH_MAX];
    for (size_t i = 0; i < HULL_ARRAY_SIZE(default_device_paths); i++)
        if (!spec_has_device(s, default_device_paths[i]))
            add_ext_mount(a, default_device_paths[i], default_device_paths[i]);
    for (size_t i = 0; i < s->linux_.n_devices; i++) {
        const char *p = s->linux_.devices[i].path;
        if (p == NULL)
            continue;
        int r = criu_mount_key(p, key, sizeof key, err);
        if (r < 0)
            return r;
        add_ext_mount(a, key, key);
    }
    return 0;
}

/* ---- checkpoint ---------------------------------------------------------- */

struct dump_ctx {
    const struct checkpoint_opts *o;
    struct handle h;
    struct spec spec;
    struct criu_dirs d;
    struct args a;
};

/* --page-server ADDRESS:PORT ("[v6 address]:PORT" too). */
struct page_server {
    const char *host;
    size_t host_len;
    unsigned long long port;
};

static int parse_page_server(const char *s, struct page_server *ps, struct hull_error *err)
{
    const char *colon = strrchr(s, ':');
    if (colon == NULL || colon == s || parse_u64(colon + 1, 65535, &ps->port) < 0 || ps->port == 0)
        return hull_errx(err, EINVAL, "--page-server: expected ADDRESS:PORT, got \"%s\"", s);
    ps->host = s;
    ps->host_len = (size_t)(colon - s);
    if (ps->host_len >= 2 && s[0] == '[' && s[ps->host_len - 1] == ']') {
        ps->host++;
        ps->host_len -= 2;
    }
    return 0;
}

static int check_dump_opts(const struct checkpoint_opts *o, struct hull_error *err)
{
    struct page_server ps;
    int r = criu_validate_cgroups_mode(o->c.manage_cgroups_mode, err);
    if (r == 0 && o->page_server != NULL)
        r = parse_page_server(o->page_server, &ps, err);
    if (r == 0 && o->status_fd >= 0 && fcntl(o->status_fd, F_GETFD) < 0)
        r = hull_err(err, errno, "--status-fd %d", o->status_fd);
    return r;
}

static int check_dumpable(struct dump_ctx *c, struct hull_error *err)
{
    if (c->h.status != STATUS_RUNNING)
        return hull_errx(err, EINVAL, "cannot checkpoint container \"%s\": it is %s, not running",
                         c->o->id, state_status_name(c->h.status));
    int r = load_saved_spec(c->h.dirfd, &c->spec, err);
    if (r < 0)
        return hull_err_prefix(err, "container \"%s\"", c->o->id);
    if (c->spec.process.terminal)
        return hull_errx(err, ENOTSUP, "cannot checkpoint container \"%s\": containers with a terminal "
                         "(process.terminal) are not supported", c->o->id);
    return 0;
}

/* What the init's stdio is connected to ("pipe:[1234]", "/dev/null"), as
 * a JSON array, so that restore can hand the new pipes in their place. */
static int write_descriptors(struct dump_ctx *c, struct hull_error *err)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (g == NULL)
        return hull_errx(err, ENOMEM, "out of memory");
    yajl_gen_array_open(g);
    for (int fd = 0; fd < 3; fd++) {
        char link[64], target[PATH_MAX];
        snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)c->h.st.pid, fd);
        ssize_t n = readlink(link, target, sizeof target - 1);
        target[n < 0 ? 0 : n] = '\0';
        yajl_gen_string(g, (const unsigned char *)target, strlen(target));
    }
    yajl_gen_array_close(g);
    const unsigned char *buf;
    size_t len;
    int r = yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok
                ? write_file_atomic(c->d.imagesfd, DESCRIPTORS_FILE, (const char *)buf, len, err)
                : hull_errx(err, ENOMEM, "out of memory");
    yajl_gen_free(g);
    return r < 0 ? hull_err_prefix(err, "%s/%s", c->d.images, DESCRIPTORS_FILE) : 0;
}

static int add_page_server(struct args *a, const char *server, struct hull_error *err)
{
    struct page_server ps;
    int r = parse_page_server(server, &ps, err);
    if (r < 0)
        return r;
    args_add(a, "--page-server");
    args_add(a, "--address");
    args_addf(a, "%.*s", (int)ps.host_len, ps.host);
    args_add(a, "--port");
    args_addf(a, "%llu", ps.port);
    return 0;
}

/* Namespaces the container joined by path (network, pid) stay outside the
 * image: criu records them as external, keyed like runc does. */
static const struct {
    enum spec_ns_type type;
    const char *criu_name, *key;
} external_ns[] = {
    { NS_NETWORK, "net", "extRootNetNS" },
    { NS_PID, "pid", "extRootPidNS" },
};

static int add_external_namespaces(struct dump_ctx *c, struct hull_error *err)
{
    for (size_t i = 0; i < HULL_ARRAY_SIZE(external_ns); i++) {
        const struct spec_namespace *ns = spec_find_namespace(&c->spec, external_ns[i].type);
        if (ns == NULL || ns->path == NULL)
            continue;
        char path[64];
        struct stat sb;
        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)c->h.st.pid, external_ns[i].criu_name);
        if (stat(path, &sb) < 0)
            return hull_err(err, errno, "stat %s", path);
        args_add(&c->a, "--external");
        args_addf(&c->a, "%s[%llu]:%s", external_ns[i].criu_name, (unsigned long long)sb.st_ino,
                  external_ns[i].key);
    }
    return 0;
}

static int add_dump_binds(struct dump_ctx *c, struct hull_error *err)
{
    char key[PATH_MAX];
    for (size_t i = 0; i < c->spec.n_mounts; i++) {
        if (!mount_is_bind(&c->spec.mounts[i]))
            continue;
        int r = criu_mount_key(c->spec.mounts[i].destination, key, sizeof key, err);
        if (r < 0)
            return r;
        add_ext_mount(&c->a, key, key);
    }
    return 0;
}

/* Masked files are /dev/null bound over them; masked directories are
 * read-only tmpfs mounts that criu dumps by itself. */
static int add_masked_files(struct dump_ctx *c, struct hull_error *err)
{
    const struct str_list *m = &c->spec.linux_.masked_paths;
    if (m->n == 0)
        return 0;
    char root[64], key[PATH_MAX];
    snprintf(root, sizeof root, "/proc/%d/root", (int)c->h.st.pid);
    int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return hull_err(err, errno, "open %s", root);
    int r = 0;
    for (size_t i = 0; i < m->n && r == 0; i++) {
        int fd = inroot_open(rootfd, m->v[i], O_PATH, 0, NULL);
        struct stat sb;
        bool file = fd >= 0 && fstat(fd, &sb) == 0 && !S_ISDIR(sb.st_mode);
        if (fd >= 0)
            close(fd);
        if (file && (r = criu_mount_key(m->v[i], key, sizeof key, err)) == 0)
            add_ext_mount(&c->a, key, "/dev/null");
    }
    close(rootfd);
    return r;
}

static void add_dump_flags(struct dump_ctx *c)
{
    const struct checkpoint_opts *o = c->o;
    args_flag(&c->a, o->leave_running && !o->pre_dump, "--leave-running");
    args_flag(&c->a, o->tcp_skip_in_flight, "--skip-in-flight");
    args_flag(&c->a, o->link_remap, "--link-remap");
    if (o->parent_path != NULL)
        args_pair(&c->a, "--prev-images-dir", o->parent_path);
    args_flag(&c->a, o->pre_dump || o->parent_path != NULL, "--track-mem");
    if (o->status_fd >= 0) {
        args_add(&c->a, "--status-fd");
        args_addf(&c->a, "%d", o->status_fd);
    }
}

static int build_dump_args(struct dump_ctx *c, struct hull_error *err)
{
    const struct checkpoint_opts *o = c->o;
    args_add(&c->a, "criu");
    args_add(&c->a, o->pre_dump ? "pre-dump" : "dump");
    args_add(&c->a, "--tree");
    args_addf(&c->a, "%d", (int)c->h.st.pid);
    args_pair(&c->a, "--root", c->h.st.rootfs);
    add_common(&c->a, &o->c, &c->d, DUMP_LOG);
    add_dump_flags(c);
    add_config_file(&c->a, &c->spec);
    int r = 0;
    if (o->page_server != NULL)
        r = add_page_server(&c->a, o->page_server, err);
    if (r == 0)
        r = add_external_namespaces(c, err);
    /* A pre-dump only copies memory: mounts are for the final dump. */
    if (r == 0 && !o->pre_dump && (r = add_dump_binds(c, err)) == 0 &&
        (r = add_masked_files(c, err)) == 0)
        r = add_device_mounts(&c->a, &c->spec, err);
    return r < 0 ? r : args_error(&c->a, err);
}

static int run_dump(struct dump_ctx *c, struct hull_error *err)
{
    const char *verb = c->o->pre_dump ? "pre-dump" : "dump";
    if (!state_pid_alive(&c->h.st))
        return hull_errx(err, ESRCH, "container \"%s\" is not running", c->o->id);
    struct criu_run x = { .argv = c->a.v, .quiet = true };
    int status;
    int r = criu_run(&x, &status, err);
    if (r == 0 && !exited_ok(status))
        r = criu_failure(&c->d, verb, DUMP_LOG, status, err);
    return r;
}

static int dump_steps(struct dump_ctx *c, struct hull_error *err)
{
    const struct checkpoint_opts *o = c->o;
    int r;
    if ((r = check_dump_opts(o, err)) < 0 ||
        (r = handle_open(o->root, o->id, false, &c->h, err)) < 0 ||
        (r = check_dumpable(c, err)) < 0 ||
        (r = criu_check(err)) < 0 ||
        (r = dirs_open(&o->c, true, &c->d, err)) < 0)
        return r;
    if (!o->pre_dump && (r = write_descriptors(c, err)) < 0)
        return r;
    if ((r = build_dump_args(c, err)) < 0)
        return r;
    return run_dump(c, err);
}

int container_checkpoint(const struct checkpoint_opts *o, struct hull_error *err)
{
    struct dump_ctx c = { .o = o };
    c.h.rootfd = c.h.dirfd = -1;
    dirs_init(&c.d);
    int r = dump_steps(&c, err);
    args_free(&c.a);
    dirs_close(&c.d);
    spec_free(&c.spec);
    handle_close(&c.h);
    return r;
}

/* ---- restore ------------------------------------------------------------- */

struct restore_ctx {
    const struct restore_opts *o;
    struct spec spec;
    char *cfg;
    size_t cfg_len;
    char bundle[PATH_MAX], rootfs[PATH_MAX], criu_root[PATH_MAX];
    struct criu_dirs d;
    struct container_state st;
    struct args a;
    int keep[HULL_ARRAY_SIZE(external_ns) + 3]; /* fds criu inherits */
    size_t n_keep;
    struct cgroup *cg;
    int rootfd, dirfd;
    pid_t pid;
    bool claimed, cg_made, mounted;
};

static int check_restore_opts(const struct restore_opts *o, struct hull_error *err)
{
    int r = state_validate_id(o->id, err);
    return r < 0 ? r : criu_validate_cgroups_mode(o->c.manage_cgroups_mode, err);
}

static int load_bundle(struct restore_ctx *c, struct hull_error *err)
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

/* bundle-relative or absolute path p into out. */
static int bundle_path(const struct restore_ctx *c, const char *p, char *out, size_t len,
                       struct hull_error *err)
{
    int n = p[0] == '/' ? snprintf(out, len, "%s", p) : snprintf(out, len, "%s/%s", c->bundle, p);
    if (n < 0 || (size_t)n >= len)
        return hull_errx(err, ENAMETOOLONG, "%s: path too long", p);
    return 0;
}

static int resolve_rootfs(struct restore_ctx *c, struct hull_error *err)
{
    char joined[PATH_MAX];
    if (c->spec.root_path == NULL)
        return hull_errx(err, EINVAL, "config.json: root.path: missing");
    int r = bundle_path(c, c->spec.root_path, joined, sizeof joined, err);
    if (r < 0)
        return r;
    if (realpath(joined, c->rootfs) == NULL)
        return hull_err(err, errno, "root.path %s", joined);
    struct stat sb;
    if (stat(c->rootfs, &sb) < 0 || !S_ISDIR(sb.st_mode))
        return hull_errx(err, ENOTDIR, "root.path %s: not a directory", c->rootfs);
    return 0;
}

static int check_restorable(struct restore_ctx *c, struct hull_error *err)
{
    if (!c->spec.has_process)
        return hull_errx(err, EINVAL, "config.json: process: missing");
    if (c->spec.process.terminal)
        return hull_errx(err, ENOTSUP, "restoring a container with a terminal (process.terminal) is "
                         "not supported");
    if (c->o->console_fd >= 0)
        return hull_errx(err, EINVAL, "--console-socket given but process.terminal is false");
    int r = ns_validate(&c->spec, err);
    return r < 0 ? hull_err_prefix(err, "config.json") : 0;
}

static int check_images(struct restore_ctx *c, struct hull_error *err)
{
    if (faccessat(c->d.imagesfd, "inventory.img", F_OK, 0) == 0)
        return 0;
    if (errno == ENOENT)
        return hull_errx(err, ENOENT, "image path %s: no checkpoint there (inventory.img is missing)",
                         c->d.images);
    return hull_err(err, errno, "image path %s", c->d.images);
}

static int copy_annotations(struct restore_ctx *c, struct hull_error *err)
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

static int init_state(struct restore_ctx *c, struct hull_error *err)
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

/* Where the cgroup will be, in the first state.json as create has it. */
static int plan_cgroup(struct restore_ctx *c, struct hull_error *err)
{
    enum cgroup_driver d = c->o->systemd_cgroup ? CGROUP_DRIVER_SYSTEMD : CGROUP_DRIVER_CGROUPFS;
    int r = cgroup_new(c->spec.linux_.cgroups_path, c->o->id, d, &c->cg, err);
    if (r < 0)
        return hull_err_prefix(err, "linux.cgroupsPath");
    c->st.cgroup_path = strdup(cgroup_path(c->cg));
    return c->st.cgroup_path != NULL ? 0 : hull_errx(err, ENOMEM, "out of memory");
}

/* The id is claimed and kept locked until the restore is over, so that
 * no delete removes it under criu. */
static int claim(struct restore_ctx *c, struct hull_error *err)
{
    int r = init_state(c, err);
    if (r == 0)
        r = plan_cgroup(c, err);
    if (r == 0)
        r = state_root_open(c->o->root, true, &c->rootfd, err);
    if (r == 0)
        r = state_claim(c->rootfd, &c->st, c->cfg, c->cfg_len, &c->dirfd, err);
    c->claimed = r == 0;
    return r < 0 ? r : state_lock(c->dirfd, true, err);
}

/* The cgroup with linux.resources and runc's default device rules. criu
 * runs in it and moves the restored tree into it, and, with
 * --manage-cgroups-mode soft, leaves the limits set here alone. */
static int make_cgroup(struct restore_ctx *c, struct hull_error *err)
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

/* ---- restore: mount points and criu's root ------------------------------- */

static bool path_below(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return n > 1 && strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* Whether dest lies inside a filesystem criu recreates (tmpfs, proc, ...),
 * where the rootfs needs no mount point. */
static bool inside_fs_mount(const struct spec *s, const char *dest)
{
    char d[PATH_MAX], m[PATH_MAX];
    if (inroot_clean_path(dest, d, sizeof d) < 0)
        return false;
    for (size_t i = 0; i < s->n_mounts; i++)
        if (!mount_is_bind(&s->mounts[i]) &&
            inroot_clean_path(s->mounts[i].destination, m, sizeof m) == 0 && path_below(d, m))
            return true;
    return false;
}

static bool bind_source_is_dir(const struct restore_ctx *c, const struct spec_mount *m)
{
    char src[PATH_MAX];
    struct stat sb;
    if (m->source == NULL || bundle_path(c, m->source, src, sizeof src, NULL) < 0)
        return true;
    return stat(src, &sb) < 0 || S_ISDIR(sb.st_mode);
}

static int make_mountpoint(int rootfd, const char *dest, bool dir, struct hull_error *err)
{
    int fd = dir ? inroot_mkdir_all(rootfd, dest, 0755, err) : inroot_mkfile(rootfd, dest, 0644, err);
    if (fd < 0)
        return hull_err_prefix(err, "mount point %s", dest);
    close(fd);
    return 0;
}

/* criu mounts on the mount points it finds: make those a new rootfs lacks,
 * as create would. */
static int prepare_mountpoints(struct restore_ctx *c, struct hull_error *err)
{
    int rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return hull_err(err, errno, "root.path %s", c->rootfs);
    int r = 0;
    for (size_t i = 0; i < c->spec.n_mounts && r == 0; i++) {
        const struct spec_mount *m = &c->spec.mounts[i];
        if ((m->type != NULL && strcmp(m->type, "cgroup") == 0) || inside_fs_mount(&c->spec, m->destination))
            continue;
        bool dir = !mount_is_bind(m) || bind_source_is_dir(c, m);
        r = make_mountpoint(rootfd, m->destination, dir, err);
    }
    close(rootfd);
    return r;
}

/* criu wants its root to be a mount point whose parent is not overmounted:
 * bind the rootfs on STATE_DIR/criu-root. */
static int criu_root_path(struct restore_ctx *c, struct hull_error *err)
{
    char link[64], dir[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", c->dirfd);
    ssize_t n = readlink(link, dir, sizeof dir - 1);
    if (n < 0)
        return hull_err(err, errno, "readlink %s", link);
    dir[n] = '\0';
    int len = snprintf(c->criu_root, sizeof c->criu_root, "%s/%s", dir, CRIU_ROOT);
    if (len < 0 || (size_t)len >= sizeof c->criu_root)
        return hull_errx(err, ENAMETOOLONG, "%s/%s: path too long", dir, CRIU_ROOT);
    return 0;
}

static int mount_criu_root(struct restore_ctx *c, struct hull_error *err)
{
    int r = criu_root_path(c, err);
    if (r < 0)
        return r;
    if (mkdirat(c->dirfd, CRIU_ROOT, 0700) < 0)
        return hull_err(err, errno, "mkdir %s", c->criu_root);
    int dst = openat(c->dirfd, CRIU_ROOT, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dst < 0)
        return hull_err(err, errno, "open %s", c->criu_root);
    int src = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    int m = src < 0 ? hull_err(err, errno, "root.path %s", c->rootfs)
                    : mount_bind_fd(src, dst, true, 0, c->criu_root, err);
    if (src >= 0)
        close(src);
    close(dst);
    if (m < 0)
        return m;
    close(m);
    c->mounted = true;
    return 0;
}

static void unmount_criu_root(struct restore_ctx *c)
{
    if (c->mounted && umount2(c->criu_root, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
        c->mounted = false;
    if (!c->mounted && c->dirfd >= 0)
        unlinkat(c->dirfd, CRIU_ROOT, AT_REMOVEDIR);
}

/* ---- restore: criu's argv ------------------------------------------------ */

/* Bind mounts get their (new) host sources, devices the host's nodes. */
static int add_restore_mounts(struct restore_ctx *c, struct hull_error *err)
{
    char key[PATH_MAX], src[PATH_MAX];
    for (size_t i = 0; i < c->spec.n_mounts; i++) {
        const struct spec_mount *m = &c->spec.mounts[i];
        if (!mount_is_bind(m))
            continue;
        if (m->source == NULL || m->source[0] == '\0')
            return hull_errx(err, EINVAL, "mount %s: bind mount without a source", m->destination);
        int r = criu_mount_key(m->destination, key, sizeof key, err);
        if (r == 0)
            r = bundle_path(c, m->source, src, sizeof src, err);
        if (r < 0)
            return r;
        add_ext_mount(&c->a, key, src);
    }
    /* Masked files were dumped as "/dev/null", which the devices map. */
    return add_device_mounts(&c->a, &c->spec, err);
}

static const char *criu_ns_name(enum spec_ns_type t)
{
    static const char *const names[NS_TYPE_COUNT] = {
        [NS_PID] = "pid", [NS_NETWORK] = "net", [NS_MOUNT] = "mnt", [NS_IPC] = "ipc",
        [NS_UTS] = "uts", [NS_USER] = "user", [NS_CGROUP] = "cgroup", [NS_TIME] = "time",
    };
    return (unsigned)t < NS_TYPE_COUNT ? names[t] : NULL;
}

static const char *external_ns_key(enum spec_ns_type t)
{
    for (size_t i = 0; i < HULL_ARRAY_SIZE(external_ns); i++)
        if (external_ns[i].type == t)
            return external_ns[i].key;
    return NULL;
}

/* criu gets fd (closed with the context) and the resource key it stands for. */
static void inherit_fd(struct restore_ctx *c, int fd, const char *key)
{
    c->keep[c->n_keep++] = fd;
    args_add(&c->a, "--inherit-fd");
    args_addf(&c->a, "fd[%d]:%s", fd, key);
}

/* An external namespace: criu takes it as an inherited fd under its key. */
static int inherit_namespace(struct restore_ctx *c, const struct spec_namespace *ns, const char *key,
                             struct hull_error *err)
{
    if (c->n_keep == HULL_ARRAY_SIZE(external_ns))
        return hull_errx(err, EINVAL, "linux.namespaces: %s listed twice", spec_ns_name(ns->type));
    int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return hull_err(err, errno, "%s namespace %s", spec_ns_name(ns->type), ns->path);
    inherit_fd(c, fd, key);
    return 0;
}

/* Any other namespace given by path is joined. */
static void add_join_ns(struct args *a, const struct spec_namespace *ns)
{
    args_add(a, "--join-ns");
    args_addf(a, "%s:%s", criu_ns_name(ns->type), ns->path);
}

static int add_restore_namespaces(struct restore_ctx *c, struct hull_error *err)
{
    for (size_t i = 0; i < c->spec.linux_.n_namespaces; i++) {
        const struct spec_namespace *ns = &c->spec.linux_.namespaces[i];
        const char *key = external_ns_key(ns->type);
        int r = 0;
        if (ns->path == NULL)
            continue;
        if (ns->type == NS_CGROUP)
            r = hull_errx(err, ENOTSUP, "linux.namespaces: criu cannot restore into an existing cgroup "
                          "namespace (%s)", ns->path);
        else if (key != NULL)
            r = inherit_namespace(c, ns, key, err);
        else if (strchr(ns->path, ',') != NULL)
            r = hull_errx(err, EINVAL, "linux.namespaces: criu cannot join %s: ',' in the path", ns->path);
        else
            add_join_ns(&c->a, ns);
        if (r < 0)
            return r;
    }
    return 0;
}

/* The init's stdio pipes at checkpoint time are replaced by ours, passed
 * as copies so that criu's own stdio can stay quiet. Called after the
 * namespaces (which fill the first slots of c->keep). */
static int add_inherited_stdio(struct restore_ctx *c, struct hull_error *err)
{
    char *buf, msg[128];
    int r = read_file_at(c->d.imagesfd, DESCRIPTORS_FILE, DESCRIPTORS_MAX, &buf, NULL, NULL);
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return hull_err(err, -r, "%s/%s", c->d.images, DESCRIPTORS_FILE);
    yajl_val t = yajl_tree_parse(buf, msg, sizeof msg);
    free(buf);
    if (t == NULL || !YAJL_IS_ARRAY(t)) {
        yajl_tree_free(t);
        return hull_errx(err, EINVAL, "%s/%s: expected a JSON array of strings", c->d.images,
                         DESCRIPTORS_FILE);
    }
    for (size_t i = 0; i < t->u.array.len && i < 3; i++) {
        const char *s = YAJL_GET_STRING(t->u.array.values[i]);
        if (s == NULL || strstr(s, "pipe:") == NULL)
            continue;
        int fd = fcntl((int)i, F_DUPFD_CLOEXEC, 3);
        if (fd < 0 && errno != EBADF) {
            r = hull_err(err, errno, "dup fd %zu", i);
            break;
        }
        if (fd >= 0)
            inherit_fd(c, fd, s);
    }
    yajl_tree_free(t);
    return r;
}

static void add_restore_flags(struct restore_ctx *c)
{
    const struct restore_opts *o = c->o;
    args_pair(&c->a, "--root", c->criu_root);
    args_add(&c->a, "--restore-detached");
    /* The init becomes our child rather than criu's. */
    args_add(&c->a, "--restore-sibling");
    args_add(&c->a, "--pidfile");
    args_addf(&c->a, "%s/%s", c->d.work, RESTORE_PIDFILE);
    args_add(&c->a, "--evasive-devices");
    if (o->lsm_profile != NULL)
        args_pair(&c->a, "--lsm-profile", o->lsm_profile);
    if (o->lsm_mount_context != NULL)
        args_pair(&c->a, "--lsm-mount-context", o->lsm_mount_context);
}

/* The restored tree's root cgroup becomes the container's: one
 * --cgroup-root for a single path, else one per hierarchy ("KEY:PATH"; the
 * cgroup v2 one has no key and gives the default). */
static void add_cgroup_roots(struct restore_ctx *c)
{
    const char *s = cgroup_path(c->cg);
    if (s[0] == '/') {
        args_pair(&c->a, "--cgroup-root", s);
        return;
    }
    for (const char *p = s; *p != '\0';) {
        size_t n = strcspn(p, ";");
        size_t skip = p[0] == ':' ? 1 : 0;
        args_add(&c->a, "--cgroup-root");
        args_addf(&c->a, "%.*s", (int)(n - skip), p + skip);
        p += n;
        p += *p == ';';
    }
}

static int build_restore_args(struct restore_ctx *c, struct hull_error *err)
{
    args_add(&c->a, "criu");
    args_add(&c->a, "restore");
    add_common(&c->a, &c->o->c, &c->d, RESTORE_LOG);
    add_restore_flags(c);
    add_cgroup_roots(c);
    add_config_file(&c->a, &c->spec);
    int r = add_restore_mounts(c, err);
    if (r == 0)
        r = add_restore_namespaces(c, err);
    if (r == 0)
        r = add_inherited_stdio(c, err);
    return r < 0 ? r : args_error(&c->a, err);
}

/* ---- restore: running it ------------------------------------------------- */

static void read_restored_pid(struct restore_ctx *c)
{
    char *buf;
    unsigned long long v;
    if (read_file_at(c->d.workfd, RESTORE_PIDFILE, 64, &buf, NULL, NULL) < 0)
        return;
    buf[strcspn(buf, "\n")] = '\0';
    if (parse_u64(buf, INT_MAX, &v) == 0 && v > 0)
        c->pid = (pid_t)v;
    free(buf);
    unlinkat(c->d.workfd, RESTORE_PIDFILE, 0);
}

static int run_restore(struct restore_ctx *c, struct hull_error *err)
{
    if (unlinkat(c->d.workfd, RESTORE_PIDFILE, 0) < 0 && errno != ENOENT)
        return hull_err(err, errno, "remove %s/%s", c->d.work, RESTORE_PIDFILE);
    /* A shell job's terminal is criu's own stdio. */
    struct criu_run x = { .argv = c->a.v, .quiet = !c->o->c.shell_job, .keep = c->keep,
                          .n_keep = c->n_keep, .cgroup = c->cg };
    int status;
    int r = criu_run(&x, &status, err);
    unmount_criu_root(c);
    /* Also after a failure: whatever criu left running is killed. */
    read_restored_pid(c);
    if (r == 0 && !exited_ok(status))
        r = criu_failure(&c->d, "restore", RESTORE_LOG, status, err);
    if (r == 0 && c->pid <= 0)
        r = hull_errx(err, EIO, "criu restore wrote no pid to %s/%s", c->d.work, RESTORE_PIDFILE);
    return r;
}

/* Stored "created" without an exec FIFO derives to running. */
static int record_restored(struct restore_ctx *c, struct hull_error *err)
{
    c->st.pid = c->pid;
    c->st.start_time = proc_start_time(c->pid, NULL);
    if (c->st.start_time == 0)
        return hull_errx(err, ESRCH, "the restored process exited right away");
    int r = state_write_pid_record(c->dirfd, c->pid, c->st.start_time, c->st.cgroup_path, err);
    c->st.stored = STATUS_CREATED;
    return r < 0 ? r : state_write(c->dirfd, &c->st, err);
}

static int restore_steps(struct restore_ctx *c, struct hull_error *err)
{
    const struct restore_opts *o = c->o;
    int r;
    if ((r = check_restore_opts(o, err)) < 0 ||
        (r = load_bundle(c, err)) < 0 ||
        (r = resolve_rootfs(c, err)) < 0 ||
        (r = check_restorable(c, err)) < 0 ||
        (r = dirs_open(&o->c, false, &c->d, err)) < 0 ||
        (r = check_images(c, err)) < 0 ||
        (r = criu_check(err)) < 0 ||
        (r = claim(c, err)) < 0)
        return r;
    if ((r = make_cgroup(c, err)) < 0 ||
        (r = prepare_mountpoints(c, err)) < 0 ||
        (r = mount_criu_root(c, err)) < 0 ||
        (r = build_restore_args(c, err)) < 0 ||
        (r = run_restore(c, err)) < 0 ||
        (r = record_restored(c, err)) < 0)
        return r;
    return o->pid_file != NULL ? write_pid_file(o->pid_file, c->pid, err) : 0;
}

static void restore_rollback(struct restore_ctx *c)
{
    if (c->pid > 0) {
        kill(c->pid, SIGKILL);
        /* Reaps it when criu made it our child; ECHILD otherwise. */
        waitpid(c->pid, NULL, 0);
    }
    if (c->cg_made)
        cgroup_destroy(c->cg, NULL);
    unmount_criu_root(c);
    if (c->claimed)
        state_remove(c->rootfd, c->o->id, NULL);
}

static void restore_ctx_free(struct restore_ctx *c)
{
    for (size_t i = 0; i < c->n_keep; i++)
        close(c->keep[i]);
    args_free(&c->a);
    dirs_close(&c->d);
    if (c->dirfd >= 0)
        close(c->dirfd);
    if (c->rootfd >= 0)
        close(c->rootfd);
    cgroup_free(c->cg);
    state_free(&c->st);
    spec_free(&c->spec);
    free(c->cfg);
}

int container_restore(const struct restore_opts *o, pid_t *pid, struct hull_error *err)
{
    struct restore_ctx c = { .o = o, .rootfd = -1, .dirfd = -1 };
    dirs_init(&c.d);
    int r = restore_steps(&c, err);
    if (r < 0)
        restore_rollback(&c);
    else
        *pid = c.pid;
    restore_ctx_free(&c);
    return r;
}
