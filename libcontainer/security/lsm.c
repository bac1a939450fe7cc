/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "lsm.h"

#include "apparmor.h"
#include "selinux.h"

static bool is_set(const char *s)
{
    return s != NULL && s[0] != '\0';
}

static const char *own_or(const char *own, const char *fallback)
{
    return is_set(own) ? own : fallback;
}

struct lsm_labels lsm_labels_of(const struct spec *config, const struct spec_process *p)
{
    return (struct lsm_labels){
        .apparmor_profile = own_or(p->apparmor_profile, config->process.apparmor_profile),
        .selinux_label = own_or(p->selinux_label, config->process.selinux_label),
        .mount_label = config->linux_.mount_label,
    };
}

int lsm_prepare(const struct lsm_labels *l, struct hull_error *err)
{
    /* Probe now: after pivot_root (or setns) /sys and /proc are the
     * container's. */
    apparmor_enabled();
    selinux_enabled();
    int r = apparmor_check_usable(l->apparmor_profile, err);
    if (r == 0)
        r = selinux_check_usable(l->selinux_label, err);
    if (r == 0 && is_set(l->mount_label))
        r = selinux_check_label(l->mount_label, "linux.mountLabel", err);
    return r;
}

int lsm_set_key_label(const struct lsm_labels *l, struct hull_error *err)
{
    return selinux_key_label(l->selinux_label, err);
}

int lsm_set_exec_labels(const struct lsm_labels *l, struct hull_error *err)
{
    int r = apparmor_exec_profile(l->apparmor_profile, err);
    if (r == 0)
        r = selinux_exec_label(l->selinux_label, err);
    return r;
}
