/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: arbitrary bytes as a config.json.
 *
 * The input is copied into a buffer of exactly its size (no terminating
 * NUL), since spec_parse() promises to honour the length it is given.
 * After a successful parse every string the result points at is read,
 * so that a pointer into freed or foreign memory shows up under ASan. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

static size_t sink;

static void read_str(const char *s)
{
    if (s != NULL)
        sink += strlen(s);
}

static void read_list(const struct str_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        read_str(l->v[i]);
}

static void read_kv(const struct kv_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        read_str(l->v[i].key);
        read_str(l->v[i].value);
    }
}

static void read_process(const struct spec_process *p)
{
    const struct spec_caps *c = &p->capabilities;

    read_str(p->cwd);
    read_list(&p->env);
    read_list(&p->args);
    for (size_t i = 0; i < p->n_rlimits; i++)
        read_str(p->rlimits[i].type);
    read_list(&c->bounding);
    read_list(&c->effective);
    read_list(&c->inheritable);
    read_list(&c->permitted);
    read_list(&c->ambient);
    read_str(p->user.username);
    for (size_t i = 0; i < p->user.n_additional_gids; i++)
        sink += p->user.additional_gids[i];
}

static void read_mounts(const struct spec *s)
{
    for (size_t i = 0; i < s->n_mounts; i++) {
        const struct spec_mount *m = &s->mounts[i];
        if (m->destination == NULL)
            abort();
        read_str(m->destination);
        read_str(m->type);
        read_str(m->source);
        read_list(&m->options);
    }
}

static void read_hooks(const struct spec *s)
{
    for (int k = 0; k < HOOK_KIND_COUNT; k++) {
        if (spec_hook_kind_name((enum spec_hook_kind)k) == NULL)
            abort();
        for (size_t i = 0; i < s->hooks[k].n; i++) {
            const struct spec_hook *h = &s->hooks[k].v[i];
            if (h->path == NULL)
                abort();
            read_str(h->path);
            read_list(&h->args);
            read_list(&h->env);
        }
    }
}

static void read_seccomp(const struct spec_seccomp *sc)
{
    read_str(sc->default_action);
    read_list(&sc->architectures);
    read_list(&sc->flags);
    for (size_t i = 0; i < sc->n_syscalls; i++) {
        read_list(&sc->syscalls[i].names);
        read_str(sc->syscalls[i].action);
        for (size_t j = 0; j < sc->syscalls[i].n_args; j++)
            read_str(sc->syscalls[i].args[j].op);
    }
}

static void read_linux(const struct spec *s)
{
    const struct spec_linux *l = &s->linux_;

    for (size_t i = 0; i < l->n_namespaces; i++) {
        read_str(spec_ns_name(l->namespaces[i].type));
        read_str(l->namespaces[i].path);
        sink += (size_t)spec_ns_clone_flag(l->namespaces[i].type);
    }
    for (int t = 0; t < NS_TYPE_COUNT; t++)
        if (spec_find_namespace(s, (enum spec_ns_type)t) != NULL)
            sink++;
    for (size_t i = 0; i < l->n_devices; i++)
        read_str(l->devices[i].path);
    for (size_t i = 0; i < l->resources.n_devices; i++)
        read_str(l->resources.devices[i].access);
    read_kv(&l->resources.unified);
    read_str(l->cgroups_path);
    read_str(l->rootfs_propagation);
    read_seccomp(&l->seccomp);
    read_kv(&l->sysctl);
    read_list(&l->masked_paths);
    read_list(&l->readonly_paths);
    read_kv(&l->net_devices);
}

static void read_spec(const struct spec *s)
{
    read_str(s->oci_version);
    read_str(s->root_path);
    read_str(s->hostname);
    read_str(s->domainname);
    read_mounts(s);
    if (s->has_process)
        read_process(&s->process);
    read_hooks(s);
    read_kv(&s->annotations);
    read_linux(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size ? size : 1);
    struct spec s;
    struct hull_error err;

    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    memset(&err, 0, sizeof err);
    if (spec_parse(buf, size, &s, &err) == 0) {
        read_spec(&s);
        spec_free(&s);
    } else if (err.msg[0] == '\0') {
        abort(); /* every failure must say why */
    }
    free(buf);
    return 0;
}
