/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `hull run`: create + start, then (unless --detach) stay as the init's
 * parent: forward signals, relay the terminal, reap and delete. */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "container.h"
#include "create_opts.h"
#include "wait.h"
#include "utils.h"

static int make_internal_console(struct container_opts *o, int *peer, struct hull_error *err)
{
    int sp[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
        return hull_err(err, errno, "console socketpair");
    o->console_fd = sp[1];
    *peer = sp[0];
    return 0;
}

static int run_foreground(struct container_opts *o, int console_peer, struct hull_error *err)
{
    struct hull_error warn = {0};
    int sfd = wait_block_signals();
    if (sfd < 0)
        return hull_err(err, errno, "signalfd");
    struct container_created out;
    int r = container_create(o, &out, err);
    if (o->console_fd >= 0)
        close(o->console_fd);
    o->console_fd = -1;
    if (r == 0)
        r = container_start(o->root, o->id, err, &warn);
    cli_warn(&warn);
    if (r < 0) {
        container_delete(o->root, o->id, true, NULL);
        close(sfd);
        return r;
    }
    struct relay rel;
    relay_setup(&rel, out.terminal ? console_peer : -1);
    int code = wait_and_relay(out.pid, sfd, &rel);
    relay_restore(&rel);
    close(sfd);
    container_delete(o->root, o->id, true, NULL);
    return code;
}

int cmd_run(int argc, char **argv)
{
    struct create_cli c;
    bool detach = false;
    const struct cli_option extra[] = { { "detach", 'd', OPT_FLAG, &detach } };
    int next;
    create_cli_init(&c);
    if (create_cli_parse(&c, argc, argv, extra, HULL_ARRAY_SIZE(extra), &next) < 0 ||
        cli_want_args("run", argc, next, 1, 1, "[OPTIONS] ID") < 0)
        return 1;
    struct hull_error err = {0};
    struct container_opts o;
    if (create_cli_opts(&c, argv[next], &o, &err) < 0)
        return cli_fail(&err);
    if (detach) {
        struct container_created out;
        int r = container_create(&o, &out, &err);
        if (o.console_fd >= 0)
            close(o.console_fd);
        struct hull_error warn = {0};
        if (r == 0 && (r = container_start(o.root, o.id, &err, &warn)) < 0)
            container_delete(o.root, o.id, true, NULL);
        cli_warn(&warn);
        return r < 0 ? cli_fail(&err) : 0;
    }
    int peer = -1;
    if (o.console_fd < 0) {
        if (make_internal_console(&o, &peer, &err) < 0)
            return cli_fail(&err);
        o.console_optional = true;
    }
    int code = run_foreground(&o, peer, &err);
    if (peer >= 0)
        close(peer);
    return code < 0 ? cli_fail(&err) : code;
}
