/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `hull pause` and `hull resume`: freeze or thaw the container's cgroup. */
#include "cli.h"
#include "control.h"

static int pause_or_resume(int argc, char **argv, bool pause)
{
    int next;
    if (cli_parse(argc, argv, NULL, 0, &next) < 0 || cli_want_args(argv[0], argc, next, 1, 1, "ID") < 0)
        return 1;
    struct hull_error err = {0};
    return container_pause(g_opts.root, argv[next], pause, &err) < 0 ? cli_fail(&err) : 0;
}

int cmd_pause(int argc, char **argv)
{
    return pause_or_resume(argc, argv, true);
}

int cmd_resume(int argc, char **argv)
{
    return pause_or_resume(argc, argv, false);
}
