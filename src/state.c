/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "container.h"

int cmd_state(int argc, char **argv)
{
    int next;
    if (cli_parse(argc, argv, NULL, 0, &next) < 0 || cli_want_args("state", argc, next, 1, 1, "ID") < 0)
        return 1;
    struct hull_error err = {0};
    char *json;
    if (container_state_json(g_opts.root, argv[next], &json, &err) < 0)
        return cli_fail(&err);
    puts(json);
    free(json);
    return 0;
}
