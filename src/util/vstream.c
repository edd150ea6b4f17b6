/*
 * vstream - buffered streams over file descriptors, with timeouts.
 *
 * Usage: fp = vstream_fopen(path, O_RDONLY, 0) or vstream_fdopen(fd, flags);
 * read with vstream_getc(), vstream_get_line(), vstream_get_nul(),
 * vstream_fread(); write with vstream_putc(), vstream_fputs(),
 * vstream_fprintf(), vstream_fwrite(); check once with vstream_fflush() or
 * vstream_fclose(), which return VSTREAM_EOF if anything failed since the
 * stream was opened (or since vstream_clearerr()). vstream_in, vstream_out
 * and vstream_err wrap descriptors 0, 1 and 2; vstream_out and vstream_err
 * are flushed at exit, and vstream_err is flushed after every write call.
 *
 * How it works: each stream has a read buffer and a write buffer, allocated
 * on first use. For a seekable descriptor (a file) the two never hold data
 * at once: a write first seeks the descriptor back over unread input and
 * drops it, so the data lands where the reader stood. For pipes and
 * sockets, reads and writes are independent (unread pipelined input
 * survives a write), and vstream_ftell() counts the bytes consumed. In all
 * cases pending output is flushed before a read system call, never before
 * serving already-buffered input; vstream_peek() tells how much input is
 * buffered. When a timeout is set, poll(2) bounds each read and write
 * system call; expiry sets the error and timeout flags and errno ETIMEDOUT.
 * Interrupted system calls are retried. Large vstream_fread()/fwrite()
 * requests bypass the buffers.
 *
 * Errors and end of file: after an error, reads return VSTREAM_EOF and
 * writes are discarded (returning VSTREAM_EOF) until vstream_clearerr().
 * That includes timeouts: a server that wants to send a last reply after a
 * read timeout clears the flags first. End of file is sticky too, until
 * vstream_clearerr() or a successful vstream_fseek().
 *
 * Memory ownership: the stream owns its buffers and a copy of its name;
 * vstream_fclose()/vstream_fdclose() free them. The standard streams are
 * static and never freed (closing them closes the descriptor only).
 *
 * Diagnostics: none are logged here; failures are reported by return
 * values, the sticky flags and errno. vstream_fopen() returns NULL with
 * errno set when open(2) fails.
 */
#include "sys_defs.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"

#define VSTREAM_FLAG_ERR (1 << 0)     /* sticky error */
#define VSTREAM_FLAG_EOF (1 << 1)     /* end of input seen */
#define VSTREAM_FLAG_TIMEOUT (1 << 2) /* a poll timed out */
#define VSTREAM_FLAG_STATIC (1 << 3)  /* vstream_in/out/err: never freed */
#define VSTREAM_FLAG_UNBUF (1 << 4)   /* flush after every write call */

struct VSTREAM {
    int fd;
    int open_flags;      /* O_RDONLY etc. as given, plus O_APPEND */
    int flags;           /* VSTREAM_FLAG_* */
    int seekable;        /* -1 unknown, 0 pipe/socket, 1 file */
    int timeout;         /* seconds; <= 0 means none */
    char *name;          /* owned copy, or NULL */
    char namebuf[32];    /* "fd N" when there is no name */
    off_t count;         /* bytes moved, for ftell on pipes */
    unsigned char *rbuf; /* read buffer */
    size_t rpos;         /* next unread byte */
    size_t rend;         /* end of valid read data */
    unsigned char *wbuf; /* write buffer */
    size_t wlen;         /* pending output bytes */
};

static struct VSTREAM vstream_std[3] = {
    {.fd = 0,
     .open_flags = O_RDONLY,
     .flags = VSTREAM_FLAG_STATIC,
     .seekable = -1,
     .name = NULL,
     .namebuf = "stdin"},
    {.fd = 1,
     .open_flags = O_WRONLY,
     .flags = VSTREAM_FLAG_STATIC,
     .seekable = -1,
     .name = NULL,
     .namebuf = "stdout"},
    {.fd = 2,
     .open_flags = O_WRONLY,
     .flags = VSTREAM_FLAG_STATIC | VSTREAM_FLAG_UNBUF,
     .seekable = -1,
     .name = NULL,
     .namebuf = "stderr"},
};

VSTREAM *vstream_in = &vstream_std[0];
VSTREAM *vstream_out = &vstream_std[1];
VSTREAM *vstream_err = &vstream_std[2];

static int vstream_atexit_done;

#define VSTREAM_UNREAD(s) ((s)->rend - (s)->rpos)

/* vstream_exit_flush - flush the standard output streams at exit */
static void
vstream_exit_flush(void)
{
    (void)vstream_fflush(vstream_out);
    (void)vstream_fflush(vstream_err);
}

/* vstream_is_seekable - find out (once) whether the descriptor can seek */
static int
vstream_is_seekable(VSTREAM *stream)
{
    if (stream->seekable < 0) {
        int saved_errno = errno;

        stream->seekable = (lseek(stream->fd, (off_t)0, SEEK_CUR) >= 0);
        errno = saved_errno;
    }
    return (stream->seekable);
}

/* vstream_fdopen - wrap an open descriptor */
VSTREAM *
vstream_fdopen(int fd, int flags)
{
    VSTREAM *stream;
    int fl;

    if (fd < 0)
        msg_panic("vstream_fdopen: bad descriptor %d", fd);
    stream = (VSTREAM *)mycalloc(1, sizeof(*stream));
    stream->fd = fd;
    stream->open_flags = flags;
    if ((fl = fcntl(fd, F_GETFL)) >= 0 && (fl & O_APPEND))
        stream->open_flags |= O_APPEND;
    stream->seekable = -1;
    snprintf(stream->namebuf, sizeof(stream->namebuf), "fd %d", fd);
    return (stream);
}

/* vstream_fopen - open a file and wrap it */
VSTREAM *
vstream_fopen(const char *path, int flags, mode_t mode)
{
    VSTREAM *stream;
    int fd;

    if ((fd = open(path, flags | O_CLOEXEC, mode)) < 0)
        return (NULL);
    stream = vstream_fdopen(fd, flags);
    vstream_set_name(stream, path);
    return (stream);
}

/* vstream_fileno - the underlying descriptor */
int
vstream_fileno(VSTREAM *stream)
{
    return (stream->fd);
}

/* vstream_set_timeout - bound every read and write (seconds; 0: none) */
void
vstream_set_timeout(VSTREAM *stream, int seconds)
{
    stream->timeout = seconds;
}

/* vstream_timeout - the current timeout in seconds */
int
vstream_timeout(VSTREAM *stream)
{
    return (stream->timeout);
}

/* vstream_set_name - remember a name for diagnostics */
void
vstream_set_name(VSTREAM *stream, const char *name)
{
    myfree(stream->name);
    stream->name = name ? mystrdup(name) : NULL;
}

/* vstream_name - the name for diagnostics */
const char *
vstream_name(VSTREAM *stream)
{
    return (stream->name ? stream->name : stream->namebuf);
}

/* vstream_ferror - true after any read or write error */
int
vstream_ferror(VSTREAM *stream)
{
    return ((stream->flags & VSTREAM_FLAG_ERR) != 0);
}

/* vstream_feof - true after end of input */
int
vstream_feof(VSTREAM *stream)
{
    return ((stream->flags & VSTREAM_FLAG_EOF) != 0);
}

/* vstream_ftimeout - true after a read or write timed out */
int
vstream_ftimeout(VSTREAM *stream)
{
    return ((stream->flags & VSTREAM_FLAG_TIMEOUT) != 0);
}

/* vstream_clearerr - forget error, timeout and end-of-file state */
void
vstream_clearerr(VSTREAM *stream)
{
    stream->flags &= ~(VSTREAM_FLAG_ERR | VSTREAM_FLAG_EOF | VSTREAM_FLAG_TIMEOUT);
}

/* vstream_now_ms - monotonic clock in milliseconds */
static long long
vstream_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* vstream_wait - poll for readiness within the timeout; -1 on expiry */
static int
vstream_wait(VSTREAM *stream, short events)
{
    struct pollfd pfd;
    long long deadline;
    long long left;
    int ret;

    if (stream->timeout <= 0)
        return (0);
    deadline = vstream_now_ms() + (long long)stream->timeout * 1000;
    pfd.fd = stream->fd;
    pfd.events = events;
    for (;;) {
        left = deadline - vstream_now_ms();
        if (left < 0)
            left = 0;
        ret = poll(&pfd, 1, (int)left);
        if (ret > 0)
            return (0);
        if (ret < 0 && errno == EINTR)
            continue;
        if (ret < 0) {
            stream->flags |= VSTREAM_FLAG_ERR;
            return (-1);
        }
        stream->flags |= VSTREAM_FLAG_ERR | VSTREAM_FLAG_TIMEOUT;
        errno = ETIMEDOUT;
        return (-1);
    }
}

/* vstream_sys_read - one read(2) with timeout and retry; sets flags */
static ssize_t
vstream_sys_read(VSTREAM *stream, void *buf, size_t len)
{
    ssize_t n;

    for (;;) {
        if (vstream_wait(stream, POLLIN) < 0)
            return (-1);
        n = read(stream->fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && stream->timeout > 0)
            continue;
        break;
    }
    if (n < 0)
        stream->flags |= VSTREAM_FLAG_ERR;
    else if (n == 0)
        stream->flags |= VSTREAM_FLAG_EOF;
    else
        stream->count += n;
    return (n);
}

/* vstream_sys_write - write(2) everything, with timeout and retry */
static int
vstream_sys_write(VSTREAM *stream, const void *buf, size_t len)
{
    const char *cp = buf;
    ssize_t n;

    while (len > 0) {
        if (vstream_wait(stream, POLLOUT) < 0)
            return (-1);
        n = write(stream->fd, cp, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && stream->timeout > 0)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            stream->flags |= VSTREAM_FLAG_ERR;
            return (-1);
        }
        cp += n;
        len -= (size_t)n;
        stream->count += n;
    }
    return (0);
}

/* vstream_fflush - write out pending output; VSTREAM_EOF on any error */
int
vstream_fflush(VSTREAM *stream)
{
    if (stream->wlen > 0) {
        if (!(stream->flags & VSTREAM_FLAG_ERR))
            (void)vstream_sys_write(stream, stream->wbuf, stream->wlen);
        stream->wlen = 0;
    }
    return ((stream->flags & VSTREAM_FLAG_ERR) ? VSTREAM_EOF : 0);
}

/* vstream_fsync - flush, then make the data durable */
int
vstream_fsync(VSTREAM *stream)
{
    if (vstream_fflush(stream) == VSTREAM_EOF)
        return (VSTREAM_EOF);
    if (fsync(stream->fd) < 0) {
        stream->flags |= VSTREAM_FLAG_ERR;
        return (VSTREAM_EOF);
    }
    return (0);
}

/* vstream_fill - refill an empty read buffer; VSTREAM_EOF if nothing came */
static int
vstream_fill(VSTREAM *stream)
{
    ssize_t n;

    if (stream->flags & (VSTREAM_FLAG_ERR | VSTREAM_FLAG_EOF))
        return (VSTREAM_EOF);
    /* Never block for input while our own output is still unsent. */
    if (stream->wlen > 0 && vstream_fflush(stream) == VSTREAM_EOF)
        return (VSTREAM_EOF);
    if (stream->rbuf == NULL)
        stream->rbuf = (unsigned char *)mymalloc(VSTREAM_BUFSIZE);
    stream->rpos = stream->rend = 0;
    if ((n = vstream_sys_read(stream, stream->rbuf, VSTREAM_BUFSIZE)) <= 0)
        return (VSTREAM_EOF);
    stream->rend = (size_t)n;
    return (0);
}

/* vstream_prep_write - get ready to buffer output; -1 when in error */
static int
vstream_prep_write(VSTREAM *stream)
{
    size_t unread;

    if (stream->flags & VSTREAM_FLAG_ERR)
        return (-1);
    if ((unread = VSTREAM_UNREAD(stream)) > 0 && vstream_is_seekable(stream)) {
        /* Put the descriptor where the reader stood. */
        if (lseek(stream->fd, -(off_t)unread, SEEK_CUR) < 0) {
            stream->flags |= VSTREAM_FLAG_ERR;
            return (-1);
        }
        stream->rpos = stream->rend = 0;
    }
    if (stream->wbuf == NULL)
        stream->wbuf = (unsigned char *)mymalloc(VSTREAM_BUFSIZE);
    if ((stream->flags & VSTREAM_FLAG_STATIC) && !vstream_atexit_done) {
        vstream_atexit_done = 1;
        atexit(vstream_exit_flush);
    }
    return (0);
}

/* vstream_write_done - common tail of the write calls */
static int
vstream_write_done(VSTREAM *stream, int result)
{
    if (stream->flags & VSTREAM_FLAG_UNBUF)
        (void)vstream_fflush(stream);
    return ((stream->flags & VSTREAM_FLAG_ERR) ? VSTREAM_EOF : result);
}

/* vstream_fwrite - write a block; len or VSTREAM_EOF */
ssize_t
vstream_fwrite(VSTREAM *stream, const void *buf, size_t len)
{
    if (vstream_prep_write(stream) < 0)
        return (VSTREAM_EOF);
    if (len > VSTREAM_BUFSIZE - stream->wlen) {
        if (vstream_fflush(stream) == VSTREAM_EOF)
            return (VSTREAM_EOF);
        if (len >= VSTREAM_BUFSIZE) {
            if (vstream_sys_write(stream, buf, len) < 0)
                return (VSTREAM_EOF);
            return (vstream_write_done(stream, 0) == VSTREAM_EOF ? VSTREAM_EOF : (ssize_t)len);
        }
    }
    if (len > 0)
        memcpy(stream->wbuf + stream->wlen, buf, len);
    stream->wlen += len;
    return (vstream_write_done(stream, 0) == VSTREAM_EOF ? VSTREAM_EOF : (ssize_t)len);
}

/* vstream_putc - write one byte; the byte or VSTREAM_EOF */
int
vstream_putc(int ch, VSTREAM *stream)
{
    if (vstream_prep_write(stream) < 0)
        return (VSTREAM_EOF);
    if (stream->wlen >= VSTREAM_BUFSIZE && vstream_fflush(stream) == VSTREAM_EOF)
        return (VSTREAM_EOF);
    stream->wbuf[stream->wlen++] = (unsigned char)ch;
    return (vstream_write_done(stream, (unsigned char)ch));
}

/* vstream_fputs - write a C string; 0 or VSTREAM_EOF */
int
vstream_fputs(const char *str, VSTREAM *stream)
{
    return (vstream_fwrite(stream, str, strlen(str)) == VSTREAM_EOF ? VSTREAM_EOF : 0);
}

/* vstream_vfprintf - formatted output; bytes written or VSTREAM_EOF */
int
vstream_vfprintf(VSTREAM *stream, const char *fmt, va_list ap)
{
    char small[1024];
    char *buf = small;
    va_list ap2;
    int len;
    ssize_t ret;

    va_copy(ap2, ap);
    len = vsnprintf(small, sizeof(small), fmt, ap2);
    va_end(ap2);
    if (len < 0)
        return (VSTREAM_EOF);
    if ((size_t)len >= sizeof(small)) {
        buf = (char *)mymalloc((size_t)len + 1);
        va_copy(ap2, ap);
        len = vsnprintf(buf, (size_t)len + 1, fmt, ap2);
        va_end(ap2);
    }
    ret = len < 0 ? VSTREAM_EOF : vstream_fwrite(stream, buf, (size_t)len);
    if (buf != small)
        myfree(buf);
    return (ret == VSTREAM_EOF ? VSTREAM_EOF : len);
}

/* vstream_fprintf - formatted output; bytes written or VSTREAM_EOF */
int
vstream_fprintf(VSTREAM *stream, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = vstream_vfprintf(stream, fmt, ap);
    va_end(ap);
    return (ret);
}

/* vstream_getc - read one byte; the byte or VSTREAM_EOF */
int
vstream_getc(VSTREAM *stream)
{
    if (stream->rpos >= stream->rend && vstream_fill(stream) == VSTREAM_EOF)
        return (VSTREAM_EOF);
    return (stream->rbuf[stream->rpos++]);
}

/* vstream_ungetc - push one byte back; the byte or VSTREAM_EOF */
int
vstream_ungetc(VSTREAM *stream, int ch)
{
    if (ch == VSTREAM_EOF)
        return (VSTREAM_EOF);
    if (stream->rbuf == NULL)
        stream->rbuf = (unsigned char *)mymalloc(VSTREAM_BUFSIZE);
    if (stream->rpos == 0) {
        if (stream->rend >= VSTREAM_BUFSIZE)
            return (VSTREAM_EOF);
        memmove(stream->rbuf + 1, stream->rbuf, stream->rend);
        stream->rend++;
        stream->rpos++;
    }
    stream->rbuf[--stream->rpos] = (unsigned char)ch;
    stream->flags &= ~VSTREAM_FLAG_EOF;
    return ((unsigned char)ch);
}

/* vstream_peek - number of input bytes buffered and unread */
int
vstream_peek(VSTREAM *stream)
{
    return ((int)VSTREAM_UNREAD(stream));
}

/* vstream_fread - read up to len bytes; the count (0 at end or error) */
ssize_t
vstream_fread(VSTREAM *stream, void *buf, size_t len)
{
    unsigned char *cp = buf;
    size_t done = 0;
    size_t chunk;
    ssize_t n;

    while (done < len) {
        if (stream->rpos >= stream->rend && len - done >= VSTREAM_BUFSIZE) {
            /* Big request and nothing buffered: read straight into place. */
            if (stream->flags & (VSTREAM_FLAG_ERR | VSTREAM_FLAG_EOF))
                break;
            if (stream->wlen > 0 && vstream_fflush(stream) == VSTREAM_EOF)
                break;
            if ((n = vstream_sys_read(stream, cp + done, len - done)) <= 0)
                break;
            done += (size_t)n;
            continue;
        }
        if (stream->rpos >= stream->rend && vstream_fill(stream) == VSTREAM_EOF)
            break;
        chunk = VSTREAM_UNREAD(stream);
        if (chunk > len - done)
            chunk = len - done;
        memcpy(cp + done, stream->rbuf + stream->rpos, chunk);
        stream->rpos += chunk;
        done += chunk;
    }
    return ((ssize_t)done);
}

/* vstream_get_until - append bytes up to a terminator; see get_line/get_nul */
static int
vstream_get_until(VSTREAM *stream, VSTRING *vp, ssize_t maxlen, int term, int keep_term, int *found)
{
    ssize_t count = 0;
    size_t avail;
    size_t take;
    unsigned char *start;
    unsigned char *hit;
    int last = VSTREAM_EOF;

    *found = 0;
    while (maxlen <= 0 || count < maxlen) {
        if (stream->rpos >= stream->rend && vstream_fill(stream) == VSTREAM_EOF)
            break;
        start = stream->rbuf + stream->rpos;
        avail = VSTREAM_UNREAD(stream);
        if (maxlen > 0 && avail > (size_t)(maxlen - count))
            avail = (size_t)(maxlen - count);
        hit = memchr(start, term, avail);
        take = hit ? (size_t)(hit - start) + 1 : avail;
        stream->rpos += take;
        if (hit && !keep_term)
            take--;
        vstring_memcat(vp, start, (ssize_t)take);
        count += (ssize_t)take;
        if (take > 0)
            last = start[take - 1];
        if (hit) {
            *found = 1;
            break;
        }
    }
    return (last);
}

/* vstream_get_line_append - append one line (at most maxlen bytes) */
int
vstream_get_line_append(VSTREAM *stream, VSTRING *vp, ssize_t maxlen)
{
    int found;

    return (vstream_get_until(stream, vp, maxlen, '\n', 1, &found));
}

/* vstream_get_line - read one line (at most maxlen bytes) into vp */
int
vstream_get_line(VSTREAM *stream, VSTRING *vp, ssize_t maxlen)
{
    vstring_reset(vp);
    return (vstream_get_line_append(stream, vp, maxlen));
}

/* vstream_get_nul - read up to a NUL (not stored); 0 when the NUL was seen */
int
vstream_get_nul(VSTREAM *stream, VSTRING *vp, ssize_t maxlen)
{
    int found;
    int last;

    vstring_reset(vp);
    last = vstream_get_until(stream, vp, maxlen, 0, 0, &found);
    return (found ? 0 : last);
}

/* vstream_fseek - reposition; the new offset or -1 */
off_t
vstream_fseek(VSTREAM *stream, off_t offset, int whence)
{
    off_t result;

    if (!vstream_is_seekable(stream)) {
        errno = ESPIPE;
        return (-1);
    }
    if (stream->wlen > 0 && vstream_fflush(stream) == VSTREAM_EOF)
        return (-1);
    if (whence == SEEK_CUR)
        offset -= (off_t)VSTREAM_UNREAD(stream);
    if ((result = lseek(stream->fd, offset, whence)) < 0)
        return (-1);
    stream->rpos = stream->rend = 0;
    stream->flags &= ~VSTREAM_FLAG_EOF;
    return (result);
}

/* vstream_ftell - the logical position, buffered data accounted for */
off_t
vstream_ftell(VSTREAM *stream)
{
    off_t pos;

    if (!vstream_is_seekable(stream))
        return (stream->count - (off_t)VSTREAM_UNREAD(stream) + (off_t)stream->wlen);
    /* Appended output lands at the end; only a flush tells where. */
    if ((stream->open_flags & O_APPEND) && stream->wlen > 0 &&
        vstream_fflush(stream) == VSTREAM_EOF)
        return (-1);
    if ((pos = lseek(stream->fd, (off_t)0, SEEK_CUR)) < 0)
        return (-1);
    return (pos - (off_t)VSTREAM_UNREAD(stream) + (off_t)stream->wlen);
}

/* vstream_release - flush, optionally close, and free; the final status */
static int
vstream_release(VSTREAM *stream, int close_fd)
{
    int status = vstream_fflush(stream);

    if (close_fd && stream->fd >= 0 && close(stream->fd) < 0)
        status = VSTREAM_EOF;
    if (stream->flags & VSTREAM_FLAG_STATIC) {
        /* The standard streams stay allocated; reset their state only. */
        stream->rpos = stream->rend = 0;
        stream->flags &= ~(VSTREAM_FLAG_ERR | VSTREAM_FLAG_EOF | VSTREAM_FLAG_TIMEOUT);
        return (status);
    }
    myfree(stream->rbuf);
    myfree(stream->wbuf);
    myfree(stream->name);
    myfree(stream);
    return (status);
}

/* vstream_fclose - flush, close the descriptor, free the stream */
int
vstream_fclose(VSTREAM *stream)
{
    return (vstream_release(stream, 1));
}

/* vstream_fdclose - flush and free the stream, keep the descriptor open */
int
vstream_fdclose(VSTREAM *stream)
{
    return (vstream_release(stream, 0));
}
