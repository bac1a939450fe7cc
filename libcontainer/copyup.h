/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* "tmpcopyup": fill a fresh filesystem with the content of the directory
 * it is about to cover. */
#ifndef HULL_COPYUP_H
#define HULL_COPYUP_H

#include "error.h"

/* Copy the tree under srcdir (an fd, O_PATH is enough, of a directory of
 * a possibly hostile rootfs) into dstdir: directories, regular files,
 * symlinks (copied, never followed), device nodes and fifos, with mode,
 * owner and times. Sockets are skipped. */
int copyup_tree(int srcdir, int dstdir, struct hull_error *err);

#endif
