/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "caps.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* Capability numbers are bits of a 64-bit mask here, as in the kernel ABI. */
#define CAPS_MAX 64
#define CAPS_NAME_MAX 64

struct cap_masks {
    uint64_t bounding, effective, inheritable, permitted, ambient;
};

static uint64_t bit(int cap)
{
    return UINT64_C(1) << cap;
}

static bool valid_spelling(const char *name)
{
    size_t n = strlen(name);
    if (n <= 4 || n > CAPS_NAME_MAX || strncmp(name, "CAP_", 4) != 0)
        return false;
    for (const char *c = name + 4; *c != '\0'; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return false;
    return true;
}

int caps_from_name(const char *name)
{
    cap_value_t v;
    if (name == NULL || !valid_spelling(name) || cap_from_name(name, &v) < 0)
        return -EINVAL;
    if (v < 0 || v >= CAPS_MAX)
        return -EINVAL;
    return (int)v;
}

void caps_to_name(int cap, char *buf, size_t len)
{
    char *name = cap_to_name((cap_value_t)cap);
    if (name == NULL || strncmp(name, "cap_", 4) != 0) {
        snprintf(buf, len, "CAP_%d", cap);
    } else {
        size_t i;
        for (i = 0; name[i] != '\0' && i + 1 < len; i++)
            buf[i] = (name[i] >= 'a' && name[i] <= 'z') ? (char)(name[i] - 'a' + 'A') : name[i];
        if (len > 0)
            buf[i] = '\0';
    }
    cap_free(name);
}

int caps_last_cap(void)
{
    int last = (int)cap_max_bits() - 1;
    if (last < 0)
        return CAP_LAST_CAP;
    return last < CAPS_MAX ? last : CAPS_MAX - 1;
}

static int parse_list(const struct str_list *l, const char *field, int last, uint64_t *mask,
                      struct hull_error *err)
{
    for (size_t i = 0; i < l->n; i++) {
        int v = caps_from_name(l->v[i]);
        if (v < 0)
            return hull_errx(err, EINVAL, "process.capabilities.%s: unknown capability \"%s\"",
                             field, l->v[i]);
        if (v <= last)
            *mask |= bit(v);
    }
    return 0;
}

static int parse_masks(const struct spec_caps *c, int last, struct cap_masks *m,
                       struct hull_error *err)
{
    int r;
    if ((r = parse_list(&c->bounding, "bounding", last, &m->bounding, err)) < 0 ||
        (r = parse_list(&c->effective, "effective", last, &m->effective, err)) < 0 ||
        (r = parse_list(&c->inheritable, "inheritable", last, &m->inheritable, err)) < 0 ||
        (r = parse_list(&c->permitted, "permitted", last, &m->permitted, err)) < 0 ||
        (r = parse_list(&c->ambient, "ambient", last, &m->ambient, err)) < 0)
        return r;
    return 0;
}

/* Name the first capability of extra (a non-empty mask) in an error. */
static int missing_cap(uint64_t extra, const char *field, const char *why, struct hull_error *err)
{
    char name[CAPS_NAME_MAX];
    int cap = __builtin_ctzll(extra);
    caps_to_name(cap, name, sizeof name);
    return hull_errx(err, EPERM, "process.capabilities.%s: %s %s", field, name, why);
}

static int check_masks(const struct cap_masks *m, struct hull_error *err)
{
    uint64_t extra = m->effective & ~m->permitted;
    if (extra != 0)
        return missing_cap(extra, "effective", "is not in the permitted set", err);
    return 0;
}

static int effective_from_permitted(cap_t c)
{
    int last = caps_last_cap();
    for (cap_value_t v = 0; v <= last; v++) {
        cap_flag_value_t on = CAP_CLEAR;
        if (cap_get_flag(c, v, CAP_PERMITTED, &on) < 0 || cap_set_flag(c, CAP_EFFECTIVE, 1, &v, on) < 0)
            return -errno;
    }
    return 0;
}

int caps_raise_effective(cap_t *saved, struct hull_error *err)
{
    *saved = NULL;
    cap_t cur = cap_get_proc();
    if (cur == NULL)
        return hull_err(err, errno, "read the process capabilities");
    cap_t want = cap_dup(cur);
    if (want == NULL) {
        int e = errno;
        cap_free(cur);
        return hull_err(err, e, "copy the process capabilities");
    }
    int r = effective_from_permitted(want);
    if (r == 0 && cap_set_proc(want) < 0)
        r = -errno;
    cap_free(want);
    if (r < 0) {
        cap_free(cur);
        return hull_err(err, -r, "raise the effective capabilities");
    }
    *saved = cur;
    return 0;
}

void caps_restore(cap_t saved)
{
    if (saved == NULL)
        return;
    cap_set_proc(saved);
    cap_free(saved);
}

static int drop_bounding(uint64_t keep, int last, struct hull_error *err)
{
    for (int v = 0; v <= last; v++) {
        if ((keep & bit(v)) != 0 || prctl(PR_CAPBSET_READ, v, 0, 0, 0) != 1)
            continue;
        if (prctl(PR_CAPBSET_DROP, v, 0, 0, 0) < 0) {
            int e = errno;
            char name[CAPS_NAME_MAX];
            caps_to_name(v, name, sizeof name);
            return hull_err(err, e, "process.capabilities.bounding: drop %s", name);
        }
    }
    return 0;
}

static int flag_from_mask(cap_t c, cap_flag_t flag, uint64_t mask, int last)
{
    for (cap_value_t v = 0; v <= last; v++)
        if ((mask & bit(v)) != 0 && cap_set_flag(c, flag, 1, &v, CAP_SET) < 0)
            return -errno;
    return 0;
}

static int set_sets(const struct cap_masks *m, int last, struct hull_error *err)
{
    cap_t c = cap_init();
    if (c == NULL)
        return hull_err(err, errno, "process.capabilities: allocate");
    int r = flag_from_mask(c, CAP_EFFECTIVE, m->effective, last);
    if (r == 0)
        r = flag_from_mask(c, CAP_PERMITTED, m->permitted, last);
    if (r == 0)
        r = flag_from_mask(c, CAP_INHERITABLE, m->inheritable, last);
    if (r == 0 && cap_set_proc(c) < 0)
        r = -errno;
    cap_free(c);
    if (r < 0)
        return hull_err(err, -r, "process.capabilities: set the effective, permitted and inheritable sets");
    return 0;
}

static int set_ambient(uint64_t mask, int last, struct hull_error *err)
{
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
        /* Kernels without ambient capabilities (before 4.3) answer EINVAL. */
        if (errno == EINVAL && mask == 0)
            return 0;
        return hull_err(err, errno, "process.capabilities.ambient: clear");
    }
    for (int v = 0; v <= last; v++) {
        if ((mask & bit(v)) == 0 || prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) == 0)
            continue;
        int e = errno;
        char name[CAPS_NAME_MAX];
        caps_to_name(v, name, sizeof name);
        return hull_err(err, e, "process.capabilities.ambient: raise %s", name);
    }
    return 0;
}

int caps_apply(const struct spec_caps *c, struct hull_error *err)
{
    struct cap_masks m = {0};
    int last = caps_last_cap();
    int r;
    if (c->present && (r = parse_masks(c, last, &m, err)) < 0)
        return r;
    /* The kernel raises an ambient capability only when it is permitted
     * and inheritable; like runc, others are left out silently (the
     * default `runc spec` lists ambient capabilities without inheritable
     * ones). */
    m.ambient &= m.permitted & m.inheritable;
    if ((r = check_masks(&m, err)) < 0)
        return r;
    /* Dropping from the bounding set needs CAP_SETPCAP in the effective
     * set, which a uid change with PR_SET_KEEPCAPS has emptied. */
    cap_t before;
    if ((r = caps_raise_effective(&before, err)) < 0)
        return r;
    cap_free(before);
    if ((r = drop_bounding(m.bounding, last, err)) < 0 || (r = set_sets(&m, last, err)) < 0)
        return r;
    return set_ambient(m.ambient, last, err);
}
