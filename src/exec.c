/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `hull exec`: run another process in a created or running container. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "container.h"
#include "exec.h"
#include "process.h"
#include "utils.h"
#include "wait.h"

struct exec_cli {
    const char *process_file, *pid_file, *console_socket, *cwd, *user, *apparmor, *label;
    bool detach, tty, no_new_privs;
    int preserve_fds;
    struct cli_list env, caps, gids;
};

/* Storage for a process built from the command line. */
struct built {
    struct spec saved;           /* the container's config */
    struct spec from_file;       /* --process FILE */
    struct spec_process p;
    const char **env, **caps[5];
    gid_t *gids;
};

static int parse_user(const char *s, struct spec_user *u)
{
    char buf[64];
    if (strlen(s) >= sizeof buf)
        return -EINVAL;
    strcpy(buf, s);
    char *colon = strchr(buf, ':');
    if (colon != NULL)
        *colon = '\0';
    unsigned long long v;
    if (parse_u64(buf, UINT32_MAX - 1, &v) < 0)
        return -EINVAL;
    u->uid = (uint32_t)v;
    if (colon != NULL) {
        if (parse_u64(colon + 1, UINT32_MAX - 1, &v) < 0)
            return -EINVAL;
        u->gid = (uint32_t)v;
    }
    return 0;
}

/* A copy of base with the NAME=value entries of add replacing or joining. */
static const char **merge_env(const struct str_list *base, const struct cli_list *add, size_t *n)
{
    const char **v = calloc(base->n + add->n + 1, sizeof *v);
    if (v == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < base->n; i++)
        v[k++] = base->v[i];
    for (size_t i = 0; i < add->n; i++) {
        size_t name = strcspn(add->v[i], "=");
        size_t j = 0;
        while (j < k && !(strncmp(v[j], add->v[i], name) == 0 && v[j][name] == '='))
            j++;
        v[j] = add->v[i];
        if (j == k)
            k++;
    }
    *n = k;
    return v;
}

static const char **add_caps(const struct str_list *base, const struct cli_list *add, size_t *n)
{
    const char **v = calloc(base->n + add->n + 1, sizeof *v);
    if (v == NULL)
        return NULL;
    memcpy(v, base->v, base->n * sizeof *v);
    memcpy(v + base->n, add->v, add->n * sizeof *v);
    *n = base->n + add->n;
    return v;
}

static int apply_caps(struct built *b, const struct exec_cli *c)
{
    struct str_list *sets[5] = {
        &b->p.capabilities.bounding, &b->p.capabilities.effective, &b->p.capabilities.permitted,
        &b->p.capabilities.inheritable, &b->p.capabilities.ambient,
    };
    for (size_t i = 0; i < c->caps.n; i++)
        if (process_cap_from_name(c->caps.v[i]) < 0)
            return cli_error("exec: --cap: unknown capability \"%s\"", c->caps.v[i]);
    for (int i = 0; i < 5 && c->caps.n > 0; i++) {
        size_t n;
        b->caps[i] = add_caps(sets[i], &c->caps, &n);
        if (b->caps[i] == NULL)
            return cli_error("exec: out of memory");
        sets[i]->v = b->caps[i];
        sets[i]->n = n;
    }
    b->p.capabilities.present = true;
    return 0;
}

static int apply_gids(struct built *b, const struct exec_cli *c)
{
    if (c->gids.n == 0)
        return 0;
    b->gids = calloc(c->gids.n, sizeof *b->gids);
    if (b->gids == NULL)
        return cli_error("exec: out of memory");
    for (size_t i = 0; i < c->gids.n; i++) {
        unsigned long long v;
        if (parse_u64(c->gids.v[i], UINT32_MAX - 1, &v) < 0)
            return cli_error("exec: --additional-gids: invalid gid \"%s\"", c->gids.v[i]);
        b->gids[i] = (gid_t)v;
    }
    b->p.user.additional_gids = b->gids;
    b->p.user.n_additional_gids = c->gids.n;
    return 0;
}

/* The container's process with the command line's changes. */
static int build_from_cli(struct built *b, const struct exec_cli *c, int argc, char **argv)
{
    b->p = b->saved.process;
    b->p.args.v = (const char **)argv;
    b->p.args.n = (size_t)argc;
    b->p.terminal = c->tty;
    b->p.console_height.set = b->p.console_width.set = false;
    if (c->cwd != NULL) {
        if (c->cwd[0] != '/')
            return cli_error("exec: --cwd: \"%s\" is not an absolute path", c->cwd);
        b->p.cwd = c->cwd;
    }
    if (c->user != NULL && parse_user(c->user, &b->p.user) < 0)
        return cli_error("exec: --user: expected UID[:GID], got \"%s\"", c->user);
    size_t n;
    b->env = merge_env(&b->saved.process.env, &c->env, &n);
    if (b->env == NULL)
        return cli_error("exec: out of memory");
    b->p.env.v = b->env;
    b->p.env.n = n;
    if (c->no_new_privs)
        b->p.no_new_privileges = true;
    if (c->apparmor != NULL)
        b->p.apparmor_profile = c->apparmor;
    if (c->label != NULL)
        b->p.selinux_label = c->label;
    if (apply_gids(b, c) < 0)
        return -1;
    return c->caps.n > 0 ? apply_caps(b, c) : 0;
}

static int build_from_file(struct built *b, const char *path)
{
    char *buf;
    size_t len;
    struct hull_error err = {0};
    int r = read_file_at(AT_FDCWD, path, 16u << 20, &buf, &len, &err);
    if (r == 0) {
        r = spec_parse_process(buf, len, &b->from_file, &err);
        free(buf);
    }
    if (r < 0)
        return cli_error("exec: --process %s: %s", path, err.msg);
    b->p = b->from_file.process;
    return 0;
}

static void built_free(struct built *b)
{
    free(b->env);
    for (int i = 0; i < 5; i++)
        free(b->caps[i]);
    free(b->gids);
    spec_free(&b->from_file);
    spec_free(&b->saved);
}

static int run_exec(const struct exec_cli *c, const char *id, struct built *b)
{
    struct hull_error err = {0};
    int console = -1, peer = -1;
    if (b->p.terminal && c->console_socket != NULL &&
        container_connect_console(c->console_socket, &console, &err) < 0)
        return cli_fail(&err);
    if (b->p.terminal && console < 0) {
        if (c->detach)
            return cli_error("exec: --tty with --detach needs --console-socket");
        int sp[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
            return cli_error("exec: socketpair: %s", strerror(errno));
        console = sp[1];
        peer = sp[0];
    }
    int sfd = c->detach ? -1 : wait_block_signals();
    struct exec_opts o = {
        .root = g_opts.root, .id = id, .config = &b->saved, .process = &b->p,
        .pid_file = c->pid_file, .console_fd = console, .preserve_fds = c->preserve_fds,
    };
    pid_t pid;
    int r = container_exec(&o, &pid, &err);
    if (console >= 0)
        close(console);
    if (r < 0 || c->detach) {
        if (peer >= 0)
            close(peer);
        return r < 0 ? cli_fail(&err) : 0;
    }
    struct relay rel;
    relay_setup(&rel, peer);
    int code = wait_and_relay(pid, sfd, &rel);
    relay_restore(&rel);
    if (peer >= 0)
        close(peer);
    return code;
}

int cmd_exec(int argc, char **argv)
{
    struct exec_cli c = {0};
    const struct cli_option opts[] = {
        { "process", 'p', OPT_STRING, &c.process_file },
        { "detach", 'd', OPT_FLAG, &c.detach },
        { "pid-file", 0, OPT_STRING, &c.pid_file },
        { "console-socket", 0, OPT_STRING, &c.console_socket },
        { "tty", 't', OPT_FLAG, &c.tty },
        { "cwd", 0, OPT_STRING, &c.cwd },
        { "env", 'e', OPT_LIST, &c.env },
        { "user", 'u', OPT_STRING, &c.user },
        { "additional-gids", 'g', OPT_LIST, &c.gids },
        { "cap", 'c', OPT_LIST, &c.caps },
        { "no-new-privs", 0, OPT_FLAG, &c.no_new_privs },
        { "apparmor", 0, OPT_STRING, &c.apparmor },
        { "process-label", 0, OPT_STRING, &c.label },
        { "preserve-fds", 0, OPT_INT, &c.preserve_fds },
    };
    int next;
    if (cli_parse(argc, argv, opts, HULL_ARRAY_SIZE(opts), &next) < 0)
        return 1;
    if (next >= argc)
        return cli_error("exec: expected a container id (usage: hull exec [OPTIONS] ID [COMMAND [ARG...]])");
    if (c.process_file == NULL && next + 1 >= argc)
        return cli_error("exec: expected a command or --process FILE");
    const char *id = argv[next];
    struct built b = {0};
    struct hull_error err = {0};
    int code;
    if (container_load_config(g_opts.root, id, &b.saved, &err) < 0)
        code = cli_fail(&err);
    else if ((c.process_file != NULL ? build_from_file(&b, c.process_file)
                                     : build_from_cli(&b, &c, argc - next - 1, argv + next + 1)) != 0)
        code = 1;
    else
        code = run_exec(&c, id, &b);
    built_free(&b);
    return code;
}
