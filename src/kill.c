/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"
#include "container.h"
#include "utils.h"

int cmd_kill(int argc, char **argv)
{
    bool all = false;
    const struct cli_option opts[] = { { "all", 'a', OPT_FLAG, &all } };
    int next;
    if (cli_parse(argc, argv, opts, HULL_ARRAY_SIZE(opts), &next) < 0 ||
        cli_want_args("kill", argc, next, 1, 2, "[--all] ID [SIGNAL]") < 0)
        return 1;
    const char *name = next + 1 < argc ? argv[next + 1] : "SIGTERM";
    int sig = parse_signal(name);
    if (sig < 0)
        return cli_error("kill: invalid signal \"%s\"", name);
    struct hull_error err = {0};
    return container_kill(g_opts.root, argv[next], sig, all, &err) < 0 ? cli_fail(&err) : 0;
}
