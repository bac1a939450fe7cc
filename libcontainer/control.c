/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "control.h"

#include <errno.h>
#include <stdlib.h>

#include "container_internal.h"

/* The container (locked as asked) and its cgroup. */
static int open_with_cgroup(const char *root, const char *id, bool exclusive, struct handle *h,
                            struct cgroup **cg, struct hull_error *err)
{
    int r = handle_open(root, id, exclusive, h, err);
    if (r < 0)
        return r;
    if (h->st.cgroup_path == NULL)
        r = hull_errx(err, ENOTSUP, "container \"%s\" has no cgroup", id);
    else
        r = cgroup_open_path(h->st.cgroup_path, cg, err);
    if (r < 0)
        handle_close(h);
    return r;
}

static void close_with_cgroup(struct handle *h, struct cgroup *cg)
{
    cgroup_free(cg);
    handle_close(h);
}

int container_pause(const char *root, const char *id, bool pause, struct hull_error *err)
{
    struct handle h;
    struct cgroup *cg;
    int r = open_with_cgroup(root, id, true, &h, &cg, err);
    if (r < 0)
        return r;
    enum container_status want = pause ? STATUS_RUNNING : STATUS_PAUSED;
    if (h.status != want)
        r = hull_errx(err, EINVAL, "container \"%s\" is %s, not %s", id,
                      state_status_name(h.status), state_status_name(want));
    else
        r = cgroup_freeze(cg, pause, err);
    close_with_cgroup(&h, cg);
    return r;
}

int container_pids(const char *root, const char *id, pid_t **pids, size_t *n,
                   struct hull_error *err)
{
    struct handle h;
    struct cgroup *cg;
    int r = open_with_cgroup(root, id, false, &h, &cg, err);
    if (r < 0)
        return r;
    r = cgroup_pids(cg, pids, n, err);
    close_with_cgroup(&h, cg);
    return r;
}

int container_update(const char *root, const char *id, const struct spec_resources *res,
                     struct hull_error *err)
{
    struct handle h;
    struct cgroup *cg;
    int r = open_with_cgroup(root, id, true, &h, &cg, err);
    if (r < 0)
        return r;
    if (h.status == STATUS_STOPPED)
        r = hull_errx(err, EINVAL, "container \"%s\" is stopped", id);
    else
        r = cgroup_update(cg, res, err);
    close_with_cgroup(&h, cg);
    return r;
}

int container_stats(const char *root, const char *id, struct cgroup_stats *st,
                    enum container_status *status, struct hull_error *err)
{
    struct handle h;
    struct cgroup *cg;
    int r = open_with_cgroup(root, id, false, &h, &cg, err);
    if (r < 0)
        return r;
    *status = h.status;
    r = cgroup_stats(cg, st, err);
    close_with_cgroup(&h, cg);
    return r;
}
