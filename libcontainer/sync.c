/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sync.h"

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

static int recv_packet(int sock, void *buf, size_t len)
{
    ssize_t n;
    do
        n = recv(sock, buf, len, MSG_TRUNC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
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

int sync_recv(int sock, struct sync_hdr *hdr, char **payload)
{
    if (payload != NULL)
        *payload = NULL;
    int r = recv_packet(sock, hdr, sizeof *hdr);
    if (r < 0 || hdr->len == 0)
        return r;
    if (hdr->len > SYNC_PAYLOAD_MAX)
        return -EMSGSIZE;
    char *p = malloc(hdr->len + 1);
    if (p == NULL)
        return -ENOMEM;
    r = recv_packet(sock, p, hdr->len);
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
    int r = sync_recv(sock, &h, &p);
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
