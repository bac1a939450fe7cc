/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef HULL_NAMESPACES_H
#define HULL_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* Namespace fds joined by path, opened and type-checked up front. */
struct ns_joins {
    int fd[NS_TYPE_COUNT];       /* -1 when the type is not joined */
};

/* Cross-field checks the parser cannot do: hostname needs a new UTS
 * namespace, id mappings need a user namespace, and so on. */
int ns_validate(const struct spec *s, struct hull_error *err);

/* CLONE_NEW* flags of the namespaces to create (those without a path). */
int ns_clone_flags(const struct spec *s);

/* Open every linux.namespaces[].path and check it is a namespace of the
 * declared type. */
int ns_open_joins(const struct spec *s, struct ns_joins *j, struct hull_error *err);
void ns_close_joins(struct ns_joins *j);

/* In the parent, just before clone: enter joined pid and time namespaces
 * and a new time namespace with its offsets, for the children only. The
 * previous ones are saved in *saved and restored by ns_parent_restore. */
struct ns_saved { int pid_fd, time_fd; };
int ns_parent_enter(const struct spec *s, const struct ns_joins *j, struct ns_saved *saved,
                    struct hull_error *err);
int ns_parent_restore(struct ns_saved *saved, struct hull_error *err);

/* In the init: join the other namespaces given by path (user first). */
int ns_child_join(const struct ns_joins *j, struct hull_error *err);

/* In the parent: write /proc/PID/{uid_map,gid_map}. */
int ns_write_id_maps(pid_t pid, const struct spec *s, struct hull_error *err);

/* In the init: hostname and domainname. */
int ns_set_names(const struct spec *s, struct hull_error *err);

#endif
