/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verbs that act on a container through its cgroup: pause, resume, ps,
 * update and the statistics of events. */
#ifndef HULL_CONTROL_H
#define HULL_CONTROL_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroups/cgroups.h"
#include "error.h"
#include "spec.h"
#include "state.h"

/* Freeze (pause) or thaw (resume) every process of the container. */
int container_pause(const char *root, const char *id, bool pause, struct hull_error *err);

/* The host pids of the container's processes (malloc'ed, sorted). */
int container_pids(const char *root, const char *id, pid_t **pids, size_t *n,
                   struct hull_error *err);

/* Apply new resource limits to a created, running or paused container. */
int container_update(const char *root, const char *id, const struct spec_resources *res,
                     struct hull_error *err);

/* Statistics of the container's cgroup; *status tells whether it still runs. */
int container_stats(const char *root, const char *id, struct cgroup_stats *st,
                    enum container_status *status, struct hull_error *err);

#endif
