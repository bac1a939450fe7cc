/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where a container's cgroup lives: cgroupsPath normalisation, systemd
 * style names, relative paths, and the string stored in state.json. */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIELD "linux.cgroupsPath"

static bool path_chars_ok(const char *s)
{
    for (const char *p = s; *p != '\0'; p++)
        if (iscntrl((unsigned char)*p) || *p == ';')
            return false;
    return true;
}

/* Append "/" (unless first and relative) and n bytes of comp to out. */
static int append_component(char *out, size_t len, size_t *used, bool slash, const char *comp,
                            size_t n)
{
    size_t need = (slash ? 1 : 0) + n + 1;

    if (*used + need > len)
        return -ENAMETOOLONG;
    if (slash)
        out[(*used)++] = '/';
    memcpy(out + *used, comp, n);
    *used += n;
    out[*used] = '\0';
    return 0;
}

int cg_path_clean(const char *in, char *out, size_t len, bool *absolute, struct hull_error *err)
{
    size_t used = 0;

    if (len == 0)
        return hull_errx(err, EINVAL, FIELD ": no room");
    if (!path_chars_ok(in))
        return hull_errx(err, EINVAL, FIELD ": \"%s\": control characters and ';' are not allowed",
                         in);
    *absolute = in[0] == '/';
    out[0] = '\0';
    for (const char *p = in; *p != '\0';) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n == 0)
            break;
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return hull_errx(err, EINVAL, FIELD ": \"%s\": \"..\" is not allowed", in);
        if (n > NAME_MAX)
            return hull_errx(err, ENAMETOOLONG, FIELD ": \"%s\": component too long", in);
        if (!(n == 1 && p[0] == '.') &&
            append_component(out, len, &used, *absolute || used > 0, p, n) < 0)
            return hull_errx(err, ENAMETOOLONG, FIELD ": \"%s\": too long", in);
        p += n;
    }
    if (used == 0)
        return hull_errx(err, EINVAL, FIELD ": \"%s\" names %s", in,
                         *absolute ? "the root cgroup" : "the runtime's own cgroup");
    return 0;
}

/* ---- systemd names -------------------------------------------------------- */

static bool unit_name_ok(const char *s, size_t n)
{
    if (n == 0 || n > NAME_MAX || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '/' || !isgraph((unsigned char)s[i]) || s[i] == ';')
            return false;
    return true;
}

static bool has_suffix(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);

    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" -> "". */
static int expand_slice(const char *slice, size_t n, char *out, size_t len, size_t *used,
                        struct hull_error *err)
{
    size_t base = n - strlen(".slice");

    if (!unit_name_ok(slice, n) || !has_suffix(slice, n, ".slice"))
        return hull_errx(err, EINVAL, FIELD ": \"%.*s\" is not a slice name", (int)n, slice);
    if (n == strlen("-.slice") && slice[0] == '-')
        return 0;
    if (base == 0 || slice[0] == '-' || slice[base - 1] == '-' ||
        memmem(slice, base, "--", 2) != NULL)
        return hull_errx(err, EINVAL, FIELD ": \"%.*s\" is not a valid slice name", (int)n, slice);
    for (size_t i = 0; i < base; i++) {
        if (slice[i] != '-')
            continue;
        char part[NAME_MAX + 1];
        int k = snprintf(part, sizeof part, "%.*s.slice", (int)i, slice);
        if (k < 0 || (size_t)k >= sizeof part ||
            append_component(out, len, used, true, part, (size_t)k) < 0)
            return hull_errx(err, ENAMETOOLONG, FIELD ": slice name too long");
    }
    if (append_component(out, len, used, true, slice, n) < 0)
        return hull_errx(err, ENAMETOOLONG, FIELD ": slice name too long");
    return 0;
}

static int scope_name(const char *prefix, size_t np, const char *name, size_t nn, char *out,
                      size_t len, struct hull_error *err)
{
    int k;

    if (!unit_name_ok(name, nn))
        return hull_errx(err, EINVAL, FIELD ": \"%.*s\" is not a valid unit name", (int)nn, name);
    if (np > 0 && !unit_name_ok(prefix, np))
        return hull_errx(err, EINVAL, FIELD ": \"%.*s\" is not a valid prefix", (int)np, prefix);
    if (has_suffix(name, nn, ".slice"))
        k = snprintf(out, len, "%.*s", (int)nn, name);
    else if (np > 0)
        k = snprintf(out, len, "%.*s-%.*s.scope", (int)np, prefix, (int)nn, name);
    else
        k = snprintf(out, len, "%.*s.scope", (int)nn, name);
    if (k < 0 || (size_t)k >= len || (size_t)k > NAME_MAX)
        return hull_errx(err, ENAMETOOLONG, FIELD ": unit name too long");
    return 0;
}

int cg_systemd_path(const char *spec, const char *id, char *out, size_t len,
                    struct hull_error *err)
{
    const char *slice = "system.slice", *prefix = "hull", *name = id;
    size_t ns = strlen(slice), np = strlen(prefix), nn = name != NULL ? strlen(name) : 0;
    char unit[NAME_MAX + 1];
    size_t used = 0;
    int r;

    if (spec != NULL && spec[0] != '\0') {
        const char *c1 = strchr(spec, ':'), *c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
        if (c2 == NULL || strchr(c2 + 1, ':') != NULL)
            return hull_errx(err, EINVAL,
                             FIELD ": \"%s\": the systemd cgroup driver expects \"slice:prefix:name\"",
                             spec);
        slice = spec, ns = (size_t)(c1 - spec);
        prefix = c1 + 1, np = (size_t)(c2 - c1 - 1);
        name = c2 + 1, nn = strlen(name);
        if (ns == 0)
            slice = "system.slice", ns = strlen(slice);
    }
    if (name == NULL)
        return hull_errx(err, EINVAL, FIELD ": no container id for the default unit name");
    if (len == 0)
        return hull_errx(err, EINVAL, FIELD ": no room");
    out[0] = '\0';
    if ((r = expand_slice(slice, ns, out, len, &used, err)) < 0 ||
        (r = scope_name(prefix, np, name, nn, unit, sizeof unit, err)) < 0)
        return r;
    if (append_component(out, len, &used, true, unit, strlen(unit)) < 0)
        return hull_errx(err, ENAMETOOLONG, FIELD ": too long");
    return 0;
}

/* ---- relative paths ------------------------------------------------------- */

int cg_relative_base(const char *own, const char *mount_root, bool sibling, char *out,
                     size_t len, struct hull_error *err)
{
    const char *rel = own;
    size_t nroot = strlen(mount_root);

    if (own[0] != '/')
        return hull_errx(err, EINVAL, "/proc/self/cgroup: \"%s\" is not an absolute path", own);
    if (strcmp(mount_root, "/") != 0) {
        if (strncmp(own, mount_root, nroot) != 0 || (own[nroot] != '/' && own[nroot] != '\0'))
            return hull_errx(err, ENOENT,
                             FIELD ": the runtime's cgroup %s is outside the mounted part %s of "
                             "its hierarchy", own, mount_root);
        rel = own + nroot;
    }
    int k = snprintf(out, len, "%s", rel[0] != '\0' ? rel : "/");
    if (k < 0 || (size_t)k >= len)
        return hull_errx(err, ENAMETOOLONG, "/proc/self/cgroup: path too long");
    while (k > 1 && out[k - 1] == '/')
        out[--k] = '\0';
    if (sibling && !has_suffix(out, (size_t)k, ".slice")) {
        char *slash = strrchr(out, '/');
        if (slash == out)
            out[1] = '\0';
        else
            *slash = '\0';
    }
    return 0;
}

int cg_path_join(const char *base, const char *rel, char *out, size_t len,
                 struct hull_error *err)
{
    int k = snprintf(out, len, "%s/%s", strcmp(base, "/") == 0 ? "" : base, rel);

    if (k < 0 || (size_t)k >= len)
        return hull_errx(err, ENAMETOOLONG, FIELD ": %s/%s: too long", base, rel);
    return 0;
}

/* ---- the stored form ------------------------------------------------------ */

static bool all_paths_equal(const struct cgroup *cg)
{
    for (size_t i = 1; i < cg->n; i++)
        if (strcmp(cg->h[i].path, cg->h[0].path) != 0)
            return false;
    return true;
}

int cg_serialize(struct cgroup *cg, struct hull_error *err)
{
    size_t len = 1;
    char *s;

    free(cg->serial);
    cg->serial = NULL;
    if (cg->n == 0)
        return hull_errx(err, ENOENT, "cgroup: no hierarchy");
    if (all_paths_equal(cg)) {
        if ((cg->serial = strdup(cg->h[0].path)) == NULL)
            return hull_err(err, ENOMEM, "cgroup path");
        return 0;
    }
    for (size_t i = 0; i < cg->n; i++)
        len += strlen(cg->h[i].key) + strlen(cg->h[i].path) + 2;
    if ((s = malloc(len)) == NULL)
        return hull_err(err, ENOMEM, "cgroup path");
    s[0] = '\0';
    for (size_t i = 0; i < cg->n; i++) {
        if (i > 0)
            strcat(s, ";");
        strcat(s, cg->h[i].key);
        strcat(s, ":");
        strcat(s, cg->h[i].path);
    }
    cg->serial = s;
    return 0;
}

const char *cg_serial_lookup(const char *serial, const char *key, size_t *len)
{
    size_t nkey = strlen(key);

    if (serial[0] == '/') {
        *len = strlen(serial);
        return serial;
    }
    for (const char *p = serial; *p != '\0';) {
        size_t n = strcspn(p, ";");
        const char *colon = memchr(p, ':', n);
        if (colon != NULL && (size_t)(colon - p) == nkey && memcmp(p, key, nkey) == 0) {
            *len = n - nkey - 1;
            return colon + 1;
        }
        p += n;
        if (*p == ';')
            p++;
    }
    return NULL;
}
