/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HULL_WAIT_H
#define HULL_WAIT_H

#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

struct relay {
    int master;                  /* pty master, or -1 */
    bool raw;                    /* our stdin was put in raw mode */
    struct termios saved;
};

/* Block SIGCHLD and the signals forwarded to the container; a signalfd. */
int wait_block_signals(void);

/* Receive the pty master from console_peer (-1: no terminal). */
void relay_setup(struct relay *r, int console_peer);
void relay_restore(struct relay *r);

/* Until pid exits: forward signals, copy terminal I/O. Its exit code, or
 * 128+signal. */
int wait_and_relay(pid_t pid, int sfd, struct relay *r);

#endif
