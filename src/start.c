/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"
#include "container.h"

int cmd_start(int argc, char **argv)
{
    int next;
    if (cli_parse(argc, argv, NULL, 0, &next) < 0 || cli_want_args("start", argc, next, 1, 1, "ID") < 0)
        return 1;
    struct hull_error err = {0};
    return container_start(g_opts.root, argv[next], &err) < 0 ? cli_fail(&err) : 0;
}
