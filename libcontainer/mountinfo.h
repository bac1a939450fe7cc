/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /proc/self/mountinfo, one entry at a time. */
#ifndef HULL_MOUNTINFO_H
#define HULL_MOUNTINFO_H

#include <stdbool.h>

#include "error.h"

struct mountinfo_entry {
    const char *root;         /* the mount's root inside its filesystem */
    const char *mountpoint;
    const char *mount_opts;   /* per-mount options */
    const char *fstype;
    const char *source;
    const char *super_opts;   /* filesystem options */
};

/* Split one line (modified in place, octal escapes such as "\040"
 * decoded). Returns 0 or -EINVAL when the line is malformed. */
int mountinfo_parse_line(char *line, struct mountinfo_entry *e);

/* Return 0 to go on; anything else stops the walk and is returned. */
typedef int (*mountinfo_fn)(const struct mountinfo_entry *e, void *arg, struct hull_error *err);

/* Call fn for every mount of the calling process's mount namespace. */
int mountinfo_foreach(mountinfo_fn fn, void *arg, struct hull_error *err);

/* Whether the comma separated list opts contains word. */
bool mountinfo_has_opt(const char *opts, const char *word);

#endif
