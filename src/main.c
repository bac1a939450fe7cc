/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull: an OCI container runtime. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "state.h"
#include "utils.h"

static const struct verb {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} verbs[] = {
    { "create", cmd_create, "create a container from a bundle" },
    { "start", cmd_start, "run the user process of a created container" },
    { "state", cmd_state, "print the state of a container as JSON" },
    { "kill", cmd_kill, "send a signal to the container's init (or all its processes)" },
    { "delete", cmd_delete, "delete a stopped container (or any with --force)" },
    { "run", cmd_run, "create and start a container, wait for it unless --detach" },
    { "exec", cmd_exec, "run another process in a container" },
    { "pause", cmd_pause, "freeze every process of a container" },
    { "resume", cmd_resume, "thaw a paused container" },
    { "ps", cmd_ps, "list the processes of a container" },
    { "update", cmd_update, "change the resource limits of a container" },
    { "events", cmd_events, "print resource statistics and OOM events as JSON" },
    { "list", cmd_list, "list containers" },
    { "spec", cmd_spec, "write a default config.json" },
    { "features", cmd_features, "print the runtime's features as JSON" },
    { "checkpoint", cmd_checkpoint, "save a running container's processes with criu" },
    { "restore", cmd_restore, "restore a container from a checkpoint with criu" },
};

static int usage(FILE *f)
{
    fprintf(f, "usage: hull [--root DIR] [--log FILE] [--log-format text|json] [--debug]\n"
               "            [--systemd-cgroup] VERB [OPTIONS] [ARGS]\n\nverbs:\n");
    for (size_t i = 0; i < HULL_ARRAY_SIZE(verbs); i++)
        fprintf(f, "  %-10s %s\n", verbs[i].name, verbs[i].help);
    fprintf(f, "\nSee hull(8) and hull-VERB(8).\n");
    return f == stdout ? 0 : 1;
}

static int version(void)
{
    printf("hull version %s\nspec: %s\n", PACKAGE_VERSION, HULL_OCI_VERSION);
    return 0;
}

/* With --debug, the command line goes to the --log file. */
static void log_invocation(int argc, char **argv)
{
    char line[4096];
    size_t off = 0;
    for (int i = 0; i < argc && off < sizeof line - 1; i++) {
        int n = snprintf(line + off, sizeof line - off, "%s%s", i ? " " : "", argv[i]);
        if (n < 0)
            break;
        off += (size_t)n;
    }
    line[off < sizeof line ? off : sizeof line - 1] = '\0';
    cli_debug("hull %s (root %s)", line, g_opts.root);
}

int main(int argc, char **argv)
{
    bool show_version = false, help = false;
    const struct cli_option globals[] = {
        { "root", 0, OPT_STRING, &g_opts.root },
        { "log", 0, OPT_STRING, &g_opts.log },
        { "log-format", 0, OPT_STRING, &g_opts.log_format },
        { "debug", 0, OPT_FLAG, &g_opts.debug },
        { "systemd-cgroup", 0, OPT_FLAG, &g_opts.systemd_cgroup },
        { "version", 'v', OPT_FLAG, &show_version },
        { "help", 'h', OPT_FLAG, &help },
    };
    int next;
    argv[0] = "hull";
    if (cli_parse(argc, argv, globals, HULL_ARRAY_SIZE(globals), &next) < 0)
        return 1;
    if (strcmp(g_opts.log_format, "text") != 0 && strcmp(g_opts.log_format, "json") != 0)
        return cli_error("--log-format: expected text or json, got \"%s\"", g_opts.log_format);
    if (show_version)
        return version();
    if (help)
        return usage(stdout);
    if (next >= argc)
        return usage(stderr);
    if (g_opts.root[0] == '\0')
        return cli_error("--root: must not be empty");
    log_invocation(argc - next, argv + next);
    for (size_t i = 0; i < HULL_ARRAY_SIZE(verbs); i++)
        if (strcmp(argv[next], verbs[i].name) == 0)
            return verbs[i].fn(argc - next, argv + next);
    return cli_error("unknown command \"%s\" (see hull --help)", argv[next]);
}
