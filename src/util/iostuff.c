/*
 * iostuff - descriptor-level helpers: blocking mode, close-on-exec, bounded
 * waits, bounded reads and writes, directory fsync and short sleeps.
 *
 * Use: non_blocking(fd, NON_BLOCKING) before a non-blocking accept or
 * connect; read_wait(fd, seconds) before a read that must not hang;
 * write_buf(fd, buf, len, seconds) to push a whole buffer out.
 * fsync_parent_dir(path) after a rename that must survive a crash.
 *
 * Memory: nothing is allocated; callers own all buffers.
 *
 * Diagnostics: functions return -1 with errno set (ETIMEDOUT for an expired
 * wait); only a failed fcntl(2) on a descriptor that the caller says is open
 * is fatal, because it means a broken invariant in the caller.
 */
#include "sys_defs.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "iostuff.h"
#include "msg.h"

/* non_blocking - set or clear O_NONBLOCK, returning the old setting */
int
non_blocking(int fd, int on)
{
    int flags;

    if ((flags = fcntl(fd, F_GETFL, 0)) < 0)
        msg_fatal("fcntl F_GETFL on fd %d: %m", fd);
    if (fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK) < 0)
        msg_fatal("fcntl F_SETFL on fd %d: %m", fd);
    return ((flags & O_NONBLOCK) != 0);
}

/* close_on_exec - set or clear FD_CLOEXEC, returning the old setting */
int
close_on_exec(int fd, int on)
{
    int flags;

    if ((flags = fcntl(fd, F_GETFD, 0)) < 0)
        msg_fatal("fcntl F_GETFD on fd %d: %m", fd);
    if (fcntl(fd, F_SETFD, on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC) < 0)
        msg_fatal("fcntl F_SETFD on fd %d: %m", fd);
    return ((flags & FD_CLOEXEC) != 0);
}

/* monotonic_ms - milliseconds on a clock that never jumps */
static long long
monotonic_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* poll_wait - wait for one event on fd, at most timeout seconds */
static int
poll_wait(int fd, short events, int timeout)
{
    struct pollfd pfd;
    long long deadline = timeout > 0 ? monotonic_ms() + (long long)timeout * 1000 : 0;
    long long left;
    int n;

    for (;;) {
        pfd.fd = fd;
        pfd.events = events;
        pfd.revents = 0;
        left = -1;
        if (timeout > 0 && (left = deadline - monotonic_ms()) < 0)
            left = 0;
        n = poll(&pfd, 1, (int)left);
        if (n > 0) {
            if (pfd.revents & POLLNVAL) {
                errno = EBADF;
                return (-1);
            }
            /* POLLHUP/POLLERR: let the following read or write report it. */
            return (0);
        }
        if (n == 0) {
            errno = ETIMEDOUT;
            return (-1);
        }
        if (errno != EINTR)
            return (-1);
    }
}

/* read_wait - wait until fd is readable or timeout seconds pass */
int
read_wait(int fd, int timeout)
{
    return (poll_wait(fd, POLLIN, timeout));
}

/* write_wait - wait until fd is writable or timeout seconds pass */
int
write_wait(int fd, int timeout)
{
    return (poll_wait(fd, POLLOUT, timeout));
}

/* timed_read - read(2) that gives up after timeout seconds */
ssize_t
timed_read(int fd, void *buf, size_t len, int timeout)
{
    ssize_t n;

    for (;;) {
        if (timeout > 0 && read_wait(fd, timeout) < 0)
            return (-1);
        if ((n = read(fd, buf, len)) < 0 && errno == EINTR)
            continue;
        /* A non-blocking descriptor may be readable only in appearance. */
        if (n < 0 && timeout > 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        return (n);
    }
}

/* timed_write - write(2) that gives up after timeout seconds */
ssize_t
timed_write(int fd, const void *buf, size_t len, int timeout)
{
    ssize_t n;

    for (;;) {
        if (timeout > 0 && write_wait(fd, timeout) < 0)
            return (-1);
        if ((n = write(fd, buf, len)) < 0 && errno == EINTR)
            continue;
        if (n < 0 && timeout > 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        return (n);
    }
}

/* write_buf - write all of buf, each write bounded by timeout */
ssize_t
write_buf(int fd, const void *buf, size_t len, int timeout)
{
    const char *cp = buf;
    size_t left = len;
    ssize_t n;

    while (left > 0) {
        if ((n = timed_write(fd, cp, left, timeout)) < 0)
            return (-1);
        if (n == 0) {
            errno = EIO;
            return (-1);
        }
        cp += n;
        left -= (size_t)n;
    }
    return ((ssize_t)len);
}

/* fsync_dir - make a directory's entries durable */
int
fsync_dir(const char *dir)
{
    int fd;
    int ret;
    int saved;

    if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return (-1);
    ret = fsync(fd);
    saved = errno;
    (void)close(fd);
    errno = saved;
    return (ret);
}

/* fsync_parent_dir - fsync the directory that holds path */
int
fsync_parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    size_t len;

    if (slash == 0)
        return (fsync_dir("."));
    if (slash == path)
        return (fsync_dir("/"));
    if ((len = (size_t)(slash - path)) >= sizeof(dir)) {
        errno = ENAMETOOLONG;
        return (-1);
    }
    memcpy(dir, path, len);
    dir[len] = 0;
    return (fsync_dir(dir));
}

/* doze - sleep for usec microseconds, resuming after signals */
void
doze(unsigned usec)
{
    struct timespec req;
    struct timespec rem;

    req.tv_sec = usec / 1000000;
    req.tv_nsec = (long)(usec % 1000000) * 1000;
    while (nanosleep(&req, &rem) < 0 && errno == EINTR)
        req = rem;
}
