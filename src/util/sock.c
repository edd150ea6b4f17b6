/*
 * sock - listening and connecting endpoints: UNIX-domain sockets, TCP on
 * IPv4/IPv6, FIFOs, and one-shot wakeup triggers.
 *
 * Use: master opens every listener with unix_listen(), inet_listen() or
 * fifo_listen() and hands the descriptor to its children, which call
 * sane_accept() (several processes share one listener, so EAGAIN after a
 * readable event is normal). Clients call unix_connect(); trigger_send()
 * delivers a short wakeup request to a unix socket or a FIFO.
 *
 * inet_listen() addresses: "host:port", "[ipv6]:port" or ":port" (any IPv4
 * address); the port may be a number or a name from services(5). Port 0
 * asks the kernel for a free port (see getsockname(2)).
 *
 * Memory: nothing is allocated that survives a call.
 *
 * Diagnostics: every function returns -1 with errno set; callers decide how
 * to report. Bad inet addresses give EINVAL; unknown hosts or ports ENOENT.
 */
#include "sys_defs.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "iostuff.h"
#include "sock.h"

/* close_keep_errno - close a descriptor without losing errno */
static void
close_keep_errno(int fd)
{
    int saved = errno;

    (void)close(fd);
    errno = saved;
}

/* unix_addr - fill a sockaddr_un, rejecting paths that do not fit */
static int
unix_addr(struct sockaddr_un *sun, const char *path)
{
    size_t len = strlen(path);

    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (len == 0 || len >= sizeof(sun->sun_path)) {
        errno = ENAMETOOLONG;
        return (-1);
    }
    memcpy(sun->sun_path, path, len + 1);
    return (0);
}

/* unix_listen - create a listening UNIX-domain stream socket */
int
unix_listen(const char *path, int backlog, mode_t mode, int block_mode)
{
    struct sockaddr_un sun;
    int fd;

    if (unix_addr(&sun, path) < 0)
        return (-1);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        return (-1);
    if (unlink(path) < 0 && errno != ENOENT) {
        close_keep_errno(fd);
        return (-1);
    }
    if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || chmod(path, mode) < 0 ||
        listen(fd, backlog) < 0) {
        close_keep_errno(fd);
        return (-1);
    }
    non_blocking(fd, block_mode);
    return (fd);
}

/* unix_connect - connect to a UNIX-domain stream socket, bounded in time */
int
unix_connect(const char *path, int block_mode, int timeout)
{
    struct sockaddr_un sun;
    struct timespec start;
    struct timespec now;
    int fd;

    if (unix_addr(&sun, path) < 0)
        return (-1);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
            return (-1);
        /* Non-blocking: a full backlog gives EAGAIN instead of a hang. */
        non_blocking(fd, NON_BLOCKING);
        if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
            break;
        close_keep_errno(fd);
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN || timeout <= 0)
            return (-1);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec >= timeout) {
            errno = ETIMEDOUT;
            return (-1);
        }
        doze(10000);
    }
    non_blocking(fd, block_mode);
    return (fd);
}

/* inet_split - split "host:port", "[host]:port" or ":port" in place */
static int
inet_split(char *buf, char **host, char **port)
{
    char *cp;

    if (*buf == '[') {
        if ((cp = strchr(buf, ']')) == 0 || cp[1] != ':')
            return (-1);
        *cp = 0;
        *host = buf + 1;
        *port = cp + 2;
    } else {
        if ((cp = strrchr(buf, ':')) == 0)
            return (-1);
        *cp = 0;
        *host = buf;
        *port = cp + 1;
    }
    return (**port ? 0 : -1);
}

/* inet_bind_one - open, bind and listen on one resolved address */
static int
inet_bind_one(struct addrinfo *ai, int backlog)
{
    int on = 1;
    int fd;

    if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol)) < 0)
        return (-1);
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (ai->ai_family == AF_INET6)
        (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, backlog) < 0) {
        close_keep_errno(fd);
        return (-1);
    }
    return (fd);
}

/* inet_listen - create a listening TCP socket for "host:port" */
int
inet_listen(const char *addr, int backlog, int block_mode)
{
    struct addrinfo hints;
    struct addrinfo *res;
    char buf[300];
    char *host;
    char *port;
    int err;
    int fd;

    if (strlen(addr) >= sizeof(buf)) {
        errno = EINVAL;
        return (-1);
    }
    memcpy(buf, addr, strlen(addr) + 1);
    if (inet_split(buf, &host, &port) < 0) {
        errno = EINVAL;
        return (-1);
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = *host ? AF_UNSPEC : AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    if ((err = getaddrinfo(*host ? host : 0, port, &hints, &res)) != 0) {
        errno = (err == EAI_SYSTEM ? errno : ENOENT);
        return (-1);
    }
    fd = inet_bind_one(res, backlog);
    freeaddrinfo(res);
    if (fd >= 0)
        non_blocking(fd, block_mode);
    return (fd);
}

/* fifo_listen - create (if needed) and open a FIFO that never reports EOF */
int
fifo_listen(const char *path, mode_t mode, int block_mode)
{
    struct stat st;
    int fd;

    if (mkfifo(path, mode) < 0 && errno != EEXIST)
        return (-1);
    /* O_RDWR: we are our own writer, so the FIFO never reaches EOF. */
    if ((fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0)
        return (-1);
    if (fstat(fd, &st) == 0 && !S_ISFIFO(st.st_mode))
        errno = EINVAL;
    else if (fchmod(fd, mode) == 0) {
        non_blocking(fd, block_mode);
        return (fd);
    }
    close_keep_errno(fd);
    return (-1);
}

/* sane_accept - accept(2) that hides transient network errors */
int
sane_accept(int listen_fd)
{
    int fd;

    for (;;) {
        if ((fd = accept4(listen_fd, 0, 0, SOCK_CLOEXEC)) >= 0)
            return (fd);
        switch (errno) {
        case EINTR:
            continue;
        case ECONNABORTED:
        case EPROTO:
        case ENETDOWN:
        case ENOPROTOOPT:
        case EHOSTDOWN:
        case ENONET:
        case EHOSTUNREACH:
        case EOPNOTSUPP:
        case ENETUNREACH:
        case EWOULDBLOCK:
            errno = EAGAIN;
            return (-1);
        default:
            return (-1);
        }
    }
}

/* trigger_send - deliver a short request to a unix socket or FIFO */
int
trigger_send(const char *path, int is_fifo, const char *buf, ssize_t len, int timeout)
{
    int fd;
    int ret;

    if (len < 0)
        len = (ssize_t)strlen(buf);
    if (is_fifo) {
        /* Non-blocking open fails with ENXIO when nobody reads the FIFO. */
        if ((fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
            return (-1);
    } else if ((fd = unix_connect(path, NON_BLOCKING, timeout)) < 0) {
        return (-1);
    }
    ret = write_buf(fd, buf, (size_t)len, timeout) == len ? 0 : -1;
    close_keep_errno(fd);
    return (ret);
}
