/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "cli.h"
#include "container.h"
#include "utils.h"

int cmd_delete(int argc, char **argv)
{
    bool force = false;
    const struct cli_option opts[] = { { "force", 'f', OPT_FLAG, &force } };
    int next;
    if (cli_parse(argc, argv, opts, HULL_ARRAY_SIZE(opts), &next) < 0 ||
        cli_want_args("delete", argc, next, 1, 1, "[--force] ID") < 0)
        return 1;
    struct hull_error err = {0};
    int r = container_delete(g_opts.root, argv[next], force, &err);
    /* Like runc, deleting a missing container with --force succeeds. */
    if (r == -ENOENT && force)
        return 0;
    if (r > 0)
        cli_warn(&err);
    return r < 0 ? cli_fail(&err) : 0;
}
