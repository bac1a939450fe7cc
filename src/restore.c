/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `hull restore`: bring a checkpointed container back with criu and, unless
 * --detach, stay as its parent like `run`: forward signals, reap, delete. */
#include <errno.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cli.h"
#include "container.h"
#include "criu.h"
#include "utils.h"
#include "wait.h"

#define DEFAULT_IMAGE_PATH "./checkpoint"

struct restore_cli {
    struct restore_opts o;
    struct cli_list empty_ns;
    const char *console_socket;
    bool detach, no_subreaper, no_pivot;
};

static int parse(struct restore_cli *c, int argc, char **argv)
{
    struct restore_opts *o = &c->o;
    const struct cli_option opts[] = {
        { "image-path", 0, OPT_STRING, &o->c.image_path },
        { "work-path", 0, OPT_STRING, &o->c.work_path },
        { "bundle", 'b', OPT_STRING, &o->bundle },
        { "detach", 'd', OPT_FLAG, &c->detach },
        { "pid-file", 0, OPT_STRING, &o->pid_file },
        { "console-socket", 0, OPT_STRING, &c->console_socket },
        { "tcp-established", 0, OPT_FLAG, &o->c.tcp_established },
        { "ext-unix-sk", 0, OPT_FLAG, &o->c.ext_unix_sk },
        { "shell-job", 0, OPT_FLAG, &o->c.shell_job },
        { "file-locks", 0, OPT_FLAG, &o->c.file_locks },
        { "manage-cgroups-mode", 0, OPT_STRING, &o->c.manage_cgroups_mode },
        { "no-subreaper", 0, OPT_FLAG, &c->no_subreaper },
        { "no-pivot", 0, OPT_FLAG, &c->no_pivot },
        { "lazy-pages", 0, OPT_FLAG, &o->c.lazy_pages },
        { "auto-dedup", 0, OPT_FLAG, &o->c.auto_dedup },
        { "empty-ns", 0, OPT_LIST, &c->empty_ns },
        { "lsm-profile", 0, OPT_STRING, &o->lsm_profile },
        { "lsm-mount-context", 0, OPT_STRING, &o->lsm_mount_context },
    };
    int next;
    if (cli_parse(argc, argv, opts, HULL_ARRAY_SIZE(opts), &next) < 0 ||
        cli_want_args("restore", argc, next, 1, 1, "[OPTIONS] ID") < 0)
        return -1;
    o->id = argv[next];
    if (o->c.image_path == NULL)
        o->c.image_path = DEFAULT_IMAGE_PATH;
    return 0;
}

/* Options that need more than parsing; --no-pivot is accepted for
 * compatibility (criu moves the process into its root itself). */
static int prepare(struct restore_cli *c, struct hull_error *err)
{
    for (size_t i = 0; i < c->empty_ns.n; i++) {
        int r = criu_empty_ns(c->empty_ns.v[i], &c->o.c, err);
        if (r < 0)
            return r;
    }
    /* Processes criu leaves behind it are reparented to us, not to init. */
    if (!c->no_subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        return hull_err(err, errno, "become a child subreaper");
    if (c->console_socket != NULL)
        return container_connect_console(c->console_socket, &c->o.console_fd, err);
    return 0;
}

static int restore_foreground(const struct restore_opts *o, struct hull_error *err)
{
    int sfd = wait_block_signals();
    if (sfd < 0)
        return hull_err(err, errno, "signalfd");
    pid_t pid;
    int r = container_restore(o, &pid, err);
    if (r < 0) {
        close(sfd);
        return r;
    }
    struct relay rel;
    relay_setup(&rel, -1);
    int code = wait_and_relay(pid, sfd, &rel);
    relay_restore(&rel);
    close(sfd);
    container_delete(o->root, o->id, true, NULL);
    return code;
}

int cmd_restore(int argc, char **argv)
{
    struct restore_cli c = {
        .o = { .root = g_opts.root, .console_fd = -1, .systemd_cgroup = g_opts.systemd_cgroup },
    };
    if (parse(&c, argc, argv) < 0)
        return 1;
    struct hull_error err = { 0 };
    int r = prepare(&c, &err);
    if (r == 0 && c.detach) {
        pid_t pid;
        r = container_restore(&c.o, &pid, &err);
    } else if (r == 0) {
        r = restore_foreground(&c.o, &err);
    }
    if (c.o.console_fd >= 0)
        close(c.o.console_fd);
    return r < 0 ? cli_fail(&err) : r;
}
