/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sync.h"

#include <unistd.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define SYNC_PAYLOAD_MAX (1u << 22)

int sync_socketpair(int fds[2], struct hull_error *err)
{
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
        return hull_err(err, errno, "socketpair");
    return 0;
}

static int send_packet(int sock, const void *buf, size_t len)
{
    ssize_t n;
    do
        n = send(sock, buf, len, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    return (size_t)n == len ? 0 : -EIO;
}

static void take_fd(struct msghdr *msg, int *fd)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        int got;
        memcpy(&got, CMSG_DATA(c), sizeof got);
        if (fd != NULL && *fd < 0)
            *fd = got;
        else
            close(got);
    }
}

static int recv_packet(int sock, void *buf, size_t len, int *fd)
{
    union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
                          .msg_controllen = sizeof u.b };
    ssize_t n;
    do
        n = recvmsg(sock, &msg, MSG_TRUNC | MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    take_fd(&msg, fd);
    if (n == 0)
        return -ECONNRESET;
    return (size_t)n == len ? 0 : -EBADMSG;
}

int sync_send(int sock, enum sync_type type, int code, const void *payload, size_t len)
{
    if (len > SYNC_PAYLOAD_MAX)
        return -EMSGSIZE;
    struct sync_hdr h = { .type = type, .code = code, .len = (uint32_t)len };
    int r = send_packet(sock, &h, sizeof h);
    if (r == 0 && len > 0)
        r = send_packet(sock, payload, len);
    return r;
}

int sync_send_fd(int sock, enum sync_type type, int fd)
{
    struct sync_hdr h = { .type = type };
    union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
    memset(&u, 0, sizeof u);
    struct iovec iov = { .iov_base = &h, .iov_len = sizeof h };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
                          .msg_controllen = sizeof u.b };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    ssize_t n;
    do
        n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : 0;
}

int sync_recv(int sock, struct sync_hdr *hdr, char **payload, int *fd)
{
    if (payload != NULL)
        *payload = NULL;
    if (fd != NULL)
        *fd = -1;
    int r = recv_packet(sock, hdr, sizeof *hdr, fd);
    if (r < 0 || hdr->len == 0)
        return r;
    if (hdr->len > SYNC_PAYLOAD_MAX)
        return -EMSGSIZE;
    char *p = malloc(hdr->len + 1);
    if (p == NULL)
        return -ENOMEM;
    r = recv_packet(sock, p, hdr->len, NULL);
    if (r < 0) {
        free(p);
        return r;
    }
    p[hdr->len] = '\0';
    if (payload != NULL)
        *payload = p;
    else
        free(p);
    return 0;
}

int sync_expect(int sock, enum sync_type type, char **payload, struct hull_error *err)
{
    struct sync_hdr h;
    char *p = NULL;
    int r = sync_recv(sock, &h, &p, NULL);
    if (r == -ECONNRESET)
        return hull_errx(err, ECHILD, "container init exited during setup");
    if (r < 0)
        return hull_err(err, -r, "read from container init");
    if (h.type == SYNC_ERROR) {
        r = hull_errx(err, h.code > 0 ? h.code : EIO, "%s", p != NULL ? p : "container init failed");
        free(p);
        return r;
    }
    if (h.type != type) {
        free(p);
        return hull_errx(err, EPROTO, "container init: unexpected message %u", h.type);
    }
    if (payload != NULL)
        *payload = p;
    else
        free(p);
    return 0;
}
