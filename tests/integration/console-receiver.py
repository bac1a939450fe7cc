#!/usr/bin/env python3
"""Receive a container's console over a --console-socket.

usage: console-receiver.py SOCKET OUTPUT [--input TEXT] [--timeout SECONDS]

Listens on the unix socket SOCKET, accepts one connection, takes the pty
master that hull sends with SCM_RIGHTS, optionally writes TEXT to it, and
copies everything the container writes to its terminal into OUTPUT until the
terminal is closed or the timeout (default 20 s) passes. Exits 0 once a
terminal was received, 1 otherwise.
"""

import argparse
import array
import os
import select
import socket
import sys
import time


def receive_fd(conn):
    """Return the first file descriptor passed on conn."""
    fds = array.array("i")
    msg, ancdata, _flags, _addr = conn.recvmsg(
        4096, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            usable = len(data) - len(data) % fds.itemsize
            fds.frombytes(data[:usable])
    if not fds:
        raise RuntimeError("no file descriptor received (message: %r)" % msg)
    for extra in fds[1:]:
        os.close(extra)
    return fds[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("socket")
    parser.add_argument("output")
    parser.add_argument("--input", default=None)
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()

    if os.path.exists(args.socket):
        os.unlink(args.socket)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(args.socket)
    listener.listen(1)
    deadline = time.monotonic() + args.timeout

    ready, _, _ = select.select([listener], [], [], args.timeout)
    if not ready:
        print("console-receiver: nobody connected", file=sys.stderr)
        return 1
    conn, _ = listener.accept()
    master = receive_fd(conn)
    conn.close()
    listener.close()

    if args.input is not None:
        os.write(master, args.input.encode())

    with open(args.output, "wb", buffering=0) as out:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                break
            try:
                data = os.read(master, 4096)
            except OSError:
                # EIO: every slave side of the terminal is closed.
                break
            if not data:
                break
            out.write(data)
    os.close(master)
    return 0


if __name__ == "__main__":
    sys.exit(main())
