/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"
#include "create_opts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "utils.h"

#define MAX_EXTRA 8

void create_cli_init(struct create_cli *c)
{
    memset(c, 0, sizeof *c);
}

int create_cli_parse(struct create_cli *c, int argc, char **argv,
                          const struct cli_option *extra, size_t extra_n, int *next)
{
    struct cli_option opts[6 + MAX_EXTRA] = {
        { "bundle", 'b', OPT_STRING, &c->bundle },
        { "pid-file", 0, OPT_STRING, &c->pid_file },
        { "console-socket", 0, OPT_STRING, &c->console_socket },
        { "no-pivot", 0, OPT_FLAG, &c->no_pivot },
        { "no-new-keyring", 0, OPT_FLAG, &c->no_new_keyring },
        { "preserve-fds", 0, OPT_INT, &c->preserve_fds },
    };
    size_t n = 6;
    for (size_t i = 0; i < extra_n && i < MAX_EXTRA; i++)
        opts[n++] = extra[i];
    return cli_parse(argc, argv, opts, n, next);
}

int create_cli_opts(const struct create_cli *c, const char *id, struct container_opts *o,
                    struct hull_error *err)
{
    memset(o, 0, sizeof *o);
    o->root = g_opts.root;
    o->id = id;
    o->bundle = c->bundle;
    o->pid_file = c->pid_file;
    o->no_pivot = c->no_pivot;
    o->no_new_keyring = c->no_new_keyring;
    o->preserve_fds = c->preserve_fds;
    o->console_fd = -1;
    o->systemd_cgroup = g_opts.systemd_cgroup;
    if (c->preserve_fds > 1000)
        return hull_errx(err, ERANGE, "--preserve-fds: %d is too large", c->preserve_fds);
    if (c->console_socket != NULL)
        return container_connect_console(c->console_socket, &o->console_fd, err);
    return 0;
}
