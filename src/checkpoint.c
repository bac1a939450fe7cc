/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `hull checkpoint`: save a running container's processes with criu. */
#include <stdbool.h>

#include "cli.h"
#include "criu.h"
#include "utils.h"

#define DEFAULT_IMAGE_PATH "./checkpoint"

int cmd_checkpoint(int argc, char **argv)
{
    struct checkpoint_opts o = { .root = g_opts.root, .status_fd = -1 };
    struct cli_list empty_ns = { 0 };
    const struct cli_option opts[] = {
        { "image-path", 0, OPT_STRING, &o.c.image_path },
        { "work-path", 0, OPT_STRING, &o.c.work_path },
        { "parent-path", 0, OPT_STRING, &o.parent_path },
        { "leave-running", 0, OPT_FLAG, &o.leave_running },
        { "tcp-established", 0, OPT_FLAG, &o.c.tcp_established },
        { "tcp-skip-in-flight", 0, OPT_FLAG, &o.tcp_skip_in_flight },
        { "link-remap", 0, OPT_FLAG, &o.link_remap },
        { "ext-unix-sk", 0, OPT_FLAG, &o.c.ext_unix_sk },
        { "shell-job", 0, OPT_FLAG, &o.c.shell_job },
        { "file-locks", 0, OPT_FLAG, &o.c.file_locks },
        { "pre-dump", 0, OPT_FLAG, &o.pre_dump },
        { "manage-cgroups-mode", 0, OPT_STRING, &o.c.manage_cgroups_mode },
        { "auto-dedup", 0, OPT_FLAG, &o.c.auto_dedup },
        { "lazy-pages", 0, OPT_FLAG, &o.c.lazy_pages },
        { "empty-ns", 0, OPT_LIST, &empty_ns },
        { "page-server", 0, OPT_STRING, &o.page_server },
        { "status-fd", 0, OPT_INT, &o.status_fd },
    };
    int next;
    if (cli_parse(argc, argv, opts, HULL_ARRAY_SIZE(opts), &next) < 0 ||
        cli_want_args("checkpoint", argc, next, 1, 1, "[OPTIONS] ID") < 0)
        return 1;
    o.id = argv[next];
    if (o.c.image_path == NULL)
        o.c.image_path = DEFAULT_IMAGE_PATH;
    struct hull_error err = { 0 };
    for (size_t i = 0; i < empty_ns.n; i++)
        if (criu_empty_ns(empty_ns.v[i], &o.c, &err) < 0)
            return cli_fail(&err);
    return container_checkpoint(&o, &err) < 0 ? cli_fail(&err) : 0;
}
