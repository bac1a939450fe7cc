/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <unistd.h>

#include "cli.h"
#include "container.h"
#include "create_opts.h"
#include "utils.h"

int cmd_create(int argc, char **argv)
{
    struct create_cli c;
    int next;
    create_cli_init(&c);
    if (create_cli_parse(&c, argc, argv, NULL, 0, &next) < 0 ||
        cli_want_args("create", argc, next, 1, 1, "[OPTIONS] ID") < 0)
        return 1;
    struct hull_error err = {0};
    struct container_opts o;
    if (create_cli_opts(&c, argv[next], &o, &err) < 0)
        return cli_fail(&err);
    struct container_created out;
    int r = container_create(&o, &out, &err);
    if (o.console_fd >= 0)
        close(o.console_fd);
    return r < 0 ? cli_fail(&err) : 0;
}
