/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `hull ps`: the container's processes, as ps(1) lines or a JSON array. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "control.h"
#include "utils.h"

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
    for (size_t i = 0; i < n; i++)
        if (pids[i] == pid)
            return true;
    return false;
}

/* Which whitespace-separated column of the header is "PID". */
static int pid_column(const char *header)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", header);
    int col = 0;
    char *save;
    for (char *t = strtok_r(buf, " \t\n", &save); t != NULL; t = strtok_r(NULL, " \t\n", &save), col++)
        if (strcmp(t, "PID") == 0)
            return col;
    return -1;
}

static long column_value(const char *line, int col)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", line);
    char *save, *t = strtok_r(buf, " \t\n", &save);
    for (int i = 0; t != NULL && i < col; i++)
        t = strtok_r(NULL, " \t\n", &save);
    long long v;
    return t != NULL && parse_i64(t, 1, INT32_MAX, &v) == 0 ? (long)v : -1;
}

static FILE *run_ps(int argc, char **argv, pid_t *child)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return NULL;
    char *args[64] = { "ps" };
    int n = 1;
    if (argc == 0)
        args[n++] = "-ef";
    for (int i = 0; i < argc && n < 63; i++)
        args[n++] = argv[i];
    args[n] = NULL;
    *child = fork();
    if (*child == 0) {
        dup2(p[1], STDOUT_FILENO);
        execvp("ps", args);
        _exit(127);
    }
    close(p[1]);
    if (*child < 0) {
        close(p[0]);
        return NULL;
    }
    return fdopen(p[0], "r");
}

static int print_table(const pid_t *pids, size_t n, int argc, char **argv)
{
    pid_t child;
    FILE *f = run_ps(argc, argv, &child);
    if (f == NULL)
        return cli_error("ps: cannot run ps: %s", strerror(errno));
    char line[4096];
    int col = -1, status = 0;
    if (fgets(line, sizeof line, f) != NULL) {
        fputs(line, stdout);
        col = pid_column(line);
    }
    while (col >= 0 && fgets(line, sizeof line, f) != NULL)
        if (has_pid(pids, n, column_value(line, col)))
            fputs(line, stdout);
    fclose(f);
    waitpid(child, &status, 0);
    if (col < 0)
        return cli_error("ps: the output of ps has no PID column");
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : cli_error("ps: ps failed");
}

int cmd_ps(int argc, char **argv)
{
    const char *format = "table";
    const struct cli_option opts[] = { { "format", 'f', OPT_STRING, &format } };
    int next;
    if (cli_parse(argc, argv, opts, HULL_ARRAY_SIZE(opts), &next) < 0)
        return 1;
    if (next >= argc)
        return cli_error("ps: expected a container id (usage: hull ps [--format table|json] ID [PS_OPTIONS])");
    if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
        return cli_error("ps: --format: expected table or json, got \"%s\"", format);
    struct hull_error err = {0};
    pid_t *pids;
    size_t n;
    if (container_pids(g_opts.root, argv[next], &pids, &n, &err) < 0)
        return cli_fail(&err);
    int code = 0;
    if (strcmp(format, "json") == 0) {
        putchar('[');
        for (size_t i = 0; i < n; i++)
            printf("%s%d", i ? "," : "", (int)pids[i]);
        puts("]");
    } else {
        code = print_table(pids, n, argc - next - 1, argv + next + 1);
    }
    free(pids);
    return code;
}
