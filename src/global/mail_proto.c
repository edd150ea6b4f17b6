/*
 * mail_proto - connecting to postern's internal services and waking them
 * up (see mail_proto.h for the service and attribute names).
 *
 * mail_connect(class, service, proto) connects to the UNIX socket
 * "CLASS/SERVICE" relative to the current directory (every program runs in
 * queue_directory), gives the stream the name "CLASS/SERVICE" and a
 * timeout of ipc_timeout seconds, and reads the server's announcement
 * { protocol=PROTO } strictly: a missing, extra or different attribute is
 * a failure. It returns the stream (the caller closes it), or NULL after a
 * warning.
 *
 * mail_connect_quiet() is the same without the warning when the connect
 * itself fails (errno tells why); a wrong announcement is still a warning.
 *
 * mail_announce(stream, proto) is the server side: it writes and flushes
 * { protocol=PROTO }; 0 on success, -1 on a write error.
 *
 * mail_trigger(class, service, request) writes the one-byte request to
 * CLASS/SERVICE, a FIFO or a UNIX socket (stat() tells which), bounded by
 * trigger_timeout. mail_trigger_buf() sends several bytes at once. They
 * return 0, or -1 with errno set; a trigger that cannot be delivered (the
 * daemon is not running) is logged only with -v, because the callers
 * (postqueue, postsuper, cleanup) go on either way.
 */
#include "sys_defs.h"
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attr.h"
#include "iostuff.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "msg.h"
#include "sock.h"

/* mail_connect_check - read and check the server's protocol announcement */
static VSTREAM *
mail_connect_check(VSTREAM *stream, const char *path, const char *proto)
{
    VSTRING *got = vstring_alloc(100);

    if (attr_scan(stream, ATTR_FLAG_STRICT, RECV_ATTR_STR(MAIL_ATTR_PROTO, got), ATTR_TYPE_END) !=
        1) {
        msg_warn("%s: no protocol announcement from the server", path);
        (void)vstream_fclose(stream);
        stream = 0;
    } else if (strcmp(STR(got), proto) != 0) {
        msg_warn("%s: unexpected protocol \"%.100s\" (expected \"%s\")", path, STR(got), proto);
        (void)vstream_fclose(stream);
        stream = 0;
    }
    vstring_free(got);
    return stream;
}

/* mail_connect_flags - connect, optionally without a warning on failure */
static VSTREAM *
mail_connect_flags(const char *class, const char *service, const char *proto, int quiet)
{
    VSTRING *path = vstring_alloc(100);
    VSTREAM *stream = 0;
    int saved_errno;
    int fd;

    vstring_sprintf(path, "%s/%s", class, service);
    if ((fd = unix_connect(STR(path), BLOCKING, var_ipc_timeout)) < 0) {
        if (!quiet)
            msg_warn("connect to %s: %m", STR(path));
    } else {
        stream = vstream_fdopen(fd, O_RDWR);
        vstream_set_name(stream, STR(path));
        vstream_set_timeout(stream, var_ipc_timeout);
        stream = mail_connect_check(stream, STR(path), proto);
    }
    saved_errno = errno;
    vstring_free(path);
    errno = saved_errno;
    return stream;
}

/* mail_connect - connect to an internal service and check its protocol */
VSTREAM *
mail_connect(const char *class, const char *service, const char *proto)
{
    return mail_connect_flags(class, service, proto, 0);
}

/* mail_connect_quiet - mail_connect without a warning when nobody listens */
VSTREAM *
mail_connect_quiet(const char *class, const char *service, const char *proto)
{
    return mail_connect_flags(class, service, proto, 1);
}

/* mail_announce - tell a new client which protocol this server speaks */
int
mail_announce(VSTREAM *stream, const char *proto)
{
    if (attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_STR(MAIL_ATTR_PROTO, proto), ATTR_TYPE_END) !=
            0 ||
        vstream_fflush(stream) == VSTREAM_EOF)
        return -1;
    return 0;
}

/* mail_trigger_buf - send a short wakeup request to a trigger service */
int
mail_trigger_buf(const char *class, const char *service, const char *buf, ssize_t len)
{
    VSTRING *path = vstring_alloc(100);
    struct stat st;
    int ret;

    vstring_sprintf(path, "%s/%s", class, service);
    if ((ret = stat(STR(path), &st)) == 0)
        ret = trigger_send(STR(path), S_ISFIFO(st.st_mode), buf, len, var_trigger_timeout);
    if (ret < 0 && msg_verbose)
        msg_warn("trigger %s: %m", STR(path));
    vstring_free(path);
    return ret < 0 ? -1 : 0;
}

/* mail_trigger - send a one-byte wakeup request to a trigger service */
int
mail_trigger(const char *class, const char *service, int request)
{
    char ch = (char)request;

    return mail_trigger_buf(class, service, &ch, 1);
}
