/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"
#include "container.h"

int cmd_start(int argc, char **argv)
{
    int next;
    if (cli_parse(argc, argv, NULL, 0, &next) < 0 || cli_want_args("start", argc, next, 1, 1, "ID") < 0)
        return 1;
    struct hull_error err = {0}, warn = {0};
    int r = container_start(g_opts.root, argv[next], &err, &warn);
    cli_warn(&warn);
    return r < 0 ? cli_fail(&err) : 0;
}
