/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HULL_CLI_H
#define HULL_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct global_opts {
    const char *root;
    const char *log;
    const char *log_format;      /* "text" or "json" */
    bool debug;
    bool systemd_cgroup;
};
extern struct global_opts g_opts;

enum opt_kind { OPT_FLAG, OPT_STRING, OPT_INT, OPT_LIST };

/* The value of a repeatable option (OPT_LIST). */
#define CLI_LIST_MAX 256
struct cli_list {
    size_t n;
    const char *v[CLI_LIST_MAX];
};

struct cli_option {
    const char *name;            /* long name without "--" */
    char short_name;             /* 0 if none */
    enum opt_kind kind;
    void *out;                   /* bool *, const char **, int * or struct cli_list * */
};

/* Parse options of a verb: argv[0] is the verb. Accepts --opt value,
 * --opt=value, -o value and bundled short flags; stops at the first
 * positional argument or "--". *next is the index of the first positional.
 * Returns 0, or -1 after printing an error. */
int cli_parse(int argc, char **argv, const struct cli_option *opts, size_t nopts, int *next);

/* Require exactly n positional arguments starting at argv[next]. */
int cli_want_args(const char *verb, int argc, int next, int min, int max, const char *usage);

/* Print "hull: msg" to stderr and to the --log file; returns 1. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_fail(const struct hull_error *err);

/* "hull: warning: msg" when warn holds a message. */
void cli_warn(const struct hull_error *warn);

/* Debug line to the log (when --debug). */
void cli_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cmd_create(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_state(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_spec(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_checkpoint(int argc, char **argv);
int cmd_restore(int argc, char **argv);

#endif
