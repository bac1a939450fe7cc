/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "utils.h"

struct global_opts g_opts = { .root = "/run/hull", .log_format = "text" };

static const struct cli_option *find_long(const struct cli_option *opts, size_t n, const char *name,
                                          size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
            return &opts[i];
    return NULL;
}

static const struct cli_option *find_short(const struct cli_option *opts, size_t n, char c)
{
    for (size_t i = 0; i < n; i++)
        if (opts[i].short_name == c)
            return &opts[i];
    return NULL;
}

static int store(const char *verb, const struct cli_option *o, const char *value)
{
    if (o->kind == OPT_FLAG) {
        if (value == NULL || strcmp(value, "true") == 0)
            *(bool *)o->out = true;
        else if (strcmp(value, "false") == 0)
            *(bool *)o->out = false;
        else
            return cli_error("%s: --%s: expected true or false, got \"%s\"", verb, o->name, value), -1;
        return 0;
    }
    if (o->kind == OPT_STRING) {
        *(const char **)o->out = value;
        return 0;
    }
    if (o->kind == OPT_LIST) {
        struct cli_list *l = o->out;
        if (l->n == CLI_LIST_MAX)
            return cli_error("%s: --%s given more than %d times", verb, o->name, CLI_LIST_MAX), -1;
        l->v[l->n++] = value;
        return 0;
    }
    long long v;
    if (parse_i64(value, 0, INT_MAX, &v) < 0)
        return cli_error("%s: --%s: expected a non-negative integer, got \"%s\"", verb, o->name, value), -1;
    *(int *)o->out = (int)v;
    return 0;
}

/* Options that take a value read it from "=value" or the next argument. */
static int take_value(int argc, char **argv, int *i, const char *inline_value, const char *verb,
                      const struct cli_option *o, const char **value)
{
    *value = inline_value;
    if (o->kind == OPT_FLAG || inline_value != NULL)
        return 0;
    if (*i + 1 >= argc)
        return cli_error("%s: option --%s needs a value", verb, o->name), -1;
    *value = argv[++*i];
    return 0;
}

static int parse_long(int argc, char **argv, int *i, const struct cli_option *opts, size_t n)
{
    const char *arg = argv[*i] + (argv[*i][1] == '-' ? 2 : 1);
    const char *eq = strchr(arg, '=');
    size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
    const struct cli_option *o = find_long(opts, n, arg, len);
    if (o == NULL)
        return cli_error("%s: unknown option --%.*s", argv[0], (int)len, arg), -1;
    const char *value;
    if (take_value(argc, argv, i, eq != NULL ? eq + 1 : NULL, argv[0], o, &value) < 0)
        return -1;
    return store(argv[0], o, value);
}

static int parse_short(int argc, char **argv, int *i, const struct cli_option *opts, size_t n)
{
    const char *arg = argv[*i] + 1;
    /* runc's flag library accepts single-dash long names too (-no-subreaper). */
    if (strlen(arg) > 1 && find_long(opts, n, arg, strcspn(arg, "=")) != NULL)
        return parse_long(argc, argv, i, opts, n) == 0 ? 0 : -1;
    for (; *arg != '\0'; arg++) {
        const struct cli_option *o = find_short(opts, n, *arg);
        if (o == NULL)
            return cli_error("%s: unknown option -%c", argv[0], *arg), -1;
        if (o->kind == OPT_FLAG) {
            if (store(argv[0], o, NULL) < 0)
                return -1;
            continue;
        }
        const char *value;
        if (take_value(argc, argv, i, arg[1] != '\0' ? arg + 1 : NULL, argv[0], o, &value) < 0)
            return -1;
        return store(argv[0], o, value);
    }
    return 0;
}

int cli_parse(int argc, char **argv, const struct cli_option *opts, size_t nopts, int *next)
{
    int i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (a[0] != '-' || a[1] == '\0')
            break;
        int r;
        if (a[1] == '-')
            r = parse_long(argc, argv, &i, opts, nopts);
        else
            r = parse_short(argc, argv, &i, opts, nopts);
        if (r < 0)
            return -1;
    }
    *next = i;
    return 0;
}

int cli_want_args(const char *verb, int argc, int next, int min, int max, const char *usage)
{
    int n = argc - next;
    if (n < min || n > max)
        return cli_error("%s: expected %s (usage: hull %s %s)", verb,
                         min == max ? (min == 1 ? "one argument" : "no arguments") : "arguments",
                         verb, usage), -1;
    return 0;
}

static void json_escape(FILE *f, const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
}

static void log_line(const char *level, const char *msg)
{
    if (g_opts.log == NULL)
        return;
    int fd = open(g_opts.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0)
        return;
    FILE *f = fdopen(fd, "a");
    if (f == NULL) {
        close(fd);
        return;
    }
    char when[64];
    format_time_rfc3339(when, sizeof when);
    if (strcmp(g_opts.log_format, "json") == 0) {
        fprintf(f, "{\"level\":\"%s\",\"msg\":\"", level);
        json_escape(f, msg);
        fprintf(f, "\",\"time\":\"%s\"}\n", when);
    } else {
        fprintf(f, "time=\"%s\" level=%s msg=\"", when, level);
        json_escape(f, msg);
        fputs("\"\n", f);
    }
    fclose(f);
}

int cli_error(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "hull: %s\n", msg);
    log_line("error", msg);
    return 1;
}

int cli_fail(const struct hull_error *err)
{
    return cli_error("%s", err->msg);
}

void cli_warn(const struct hull_error *warn)
{
    if (warn->msg[0] == '\0')
        return;
    fprintf(stderr, "hull: warning: %s\n", warn->msg);
    log_line("warning", warn->msg);
}

void cli_debug(const char *fmt, ...)
{
    if (!g_opts.debug)
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_line("debug", msg);
}
