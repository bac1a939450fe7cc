/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The options `create` and `run` share. */
#ifndef HULL_CREATE_OPTS_H
#define HULL_CREATE_OPTS_H

#include <stdbool.h>

#include "container.h"
#include "error.h"

struct create_cli {
    const char *bundle, *pid_file, *console_socket;
    bool no_pivot, no_new_keyring;
    int preserve_fds;
};

void create_cli_init(struct create_cli *c);

/* Parse create's options plus extra_n verb-specific ones (at most 8). */
int create_cli_parse(struct create_cli *c, int argc, char **argv,
                     const struct cli_option *extra, size_t extra_n, int *next);

/* Fill container_opts, connecting the console socket if one was given. */
int create_cli_opts(const struct create_cli *c, const char *id, struct container_opts *o,
                    struct hull_error *err);

#endif
