/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "cli.h"
#include "container.h"
#include "utils.h"

static void print_table(const struct container_info *l, size_t n)
{
    printf("%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
    for (size_t i = 0; i < n; i++) {
        const struct container_state *s = &l[i].st;
        printf("%-12s %-8d %-10s %-40s %-30s %s\n", s->id,
               l[i].status == STATUS_STOPPED ? 0 : (int)s->pid, state_status_name(l[i].status),
               s->bundle, s->created, s->owner == 0 ? "root" : "-");
    }
}

static void gen_s(yajl_gen g, const char *k, const char *v)
{
    yajl_gen_string(g, (const unsigned char *)k, strlen(k));
    yajl_gen_string(g, (const unsigned char *)v, strlen(v));
}

static void print_json(const struct container_info *l, size_t n)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (g == NULL)
        return;
    yajl_gen_array_open(g);
    for (size_t i = 0; i < n; i++) {
        const struct container_state *s = &l[i].st;
        yajl_gen_map_open(g);
        gen_s(g, "ociVersion", HULL_OCI_VERSION);
        gen_s(g, "id", s->id);
        yajl_gen_string(g, (const unsigned char *)"pid", 3);
        yajl_gen_integer(g, l[i].status == STATUS_STOPPED ? 0 : s->pid);
        gen_s(g, "status", state_status_name(l[i].status));
        gen_s(g, "bundle", s->bundle);
        gen_s(g, "rootfs", s->rootfs);
        gen_s(g, "created", s->created);
        gen_s(g, "owner", s->owner == 0 ? "root" : "");
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    const unsigned char *buf;
    size_t len;
    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
        printf("%.*s\n", (int)len, (const char *)buf);
    yajl_gen_free(g);
}

int cmd_list(int argc, char **argv)
{
    const char *format = "table";
    bool quiet = false;
    const struct cli_option opts[] = {
        { "format", 'f', OPT_STRING, &format },
        { "quiet", 'q', OPT_FLAG, &quiet },
    };
    int next;
    if (cli_parse(argc, argv, opts, HULL_ARRAY_SIZE(opts), &next) < 0 ||
        cli_want_args("list", argc, next, 0, 0, "[--format table|json] [--quiet]") < 0)
        return 1;
    if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
        return cli_error("list: --format: expected table or json, got \"%s\"", format);
    struct container_info *l;
    size_t n;
    struct hull_error err = {0};
    if (container_list(g_opts.root, &l, &n, &err) < 0)
        return cli_fail(&err);
    if (quiet)
        for (size_t i = 0; i < n; i++)
            puts(l[i].st.id);
    else if (strcmp(format, "json") == 0)
        print_json(l, n);
    else
        print_table(l, n);
    container_list_free(l, n);
    return 0;
}
