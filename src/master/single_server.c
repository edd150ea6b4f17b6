/*
 * single_server - skeleton for daemons that serve one client at a time
 * (cleanup, local, bounce, ...).
 *
 * Use: main() calls single_server_main(argc, argv, service, hooks...,
 * MAIL_SERVER_END). For each connection that it accepts on the listener(s)
 * that master passed (fd 6, and 7... with -s), the skeleton calls
 * service(stream, service_name, argv) with a stream that has ipc_timeout
 * set, then closes the stream. Several processes share one listener, so a
 * connection that a sibling took first (EAGAIN) is normal.
 *
 * The process tells master "busy" before and "idle" after each request and
 * exits after max_use requests or max_idle seconds without one (unless
 * MAIL_SERVER_UNLIMITED), and when master closes the status channel (stop
 * or reload), after the current request.
 *
 * Stand-alone (-S, for tests): without a listener on fd 6, stdin must be a
 * connected socket; it is served once and the process exits.
 *
 * SECURITY: see mail_server.c (privilege drop before the first request).
 *
 * LOGGING: "warning: accept: ..." for unexpected accept errors; otherwise
 * what the service logs.
 *
 * Memory: the stream passed to service() is owned by the skeleton; the
 * service must not close it.
 */
#include "sys_defs.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "events.h"
#include "iostuff.h"
#include "msg.h"
#include "sock.h"
#include "vstream.h"

#include "mail_params.h"

#include "mail_server_int.h"

static MAIL_SERVER_CTX single_ctx;
static MAIL_SERVER_FN single_service;

/* single_server_serve - run the service on one connected descriptor */
static void
single_server_serve(int fd)
{
    VSTREAM *stream;

    mail_server_request_begin(&single_ctx);
    non_blocking(fd, BLOCKING);
    stream = vstream_fdopen(fd, O_RDWR);
    vstream_set_timeout(stream, var_ipc_timeout);
    vstream_set_name(stream, var_servname);
    single_service(stream, var_servname, single_ctx.argv);
    (void)vstream_fclose(stream);
    mail_server_request_end(&single_ctx);
}

/* single_server_accept - a listener is readable: take the connection */
static void
single_server_accept(int event, void *context)
{
    int listen_fd = (int)(long)context;
    int fd;

    (void)event;
    if ((fd = sane_accept(listen_fd)) < 0) {
        if (errno != EAGAIN) {
            msg_warn("accept: %m");
            doze(100000);
        }
        return;
    }
    single_server_serve(fd);
}

/* single_server_main - the skeleton's main loop */
NORETURN
single_server_main(int argc, char **argv, MAIL_SERVER_FN service, ...)
{
    va_list ap;
    int i;

    va_start(ap, service);
    mail_server_start(&single_ctx, argc, argv, ap);
    va_end(ap);
    single_service = service;
    if (single_ctx.stand_alone && single_ctx.listen_count == 0) {
        single_server_serve(dup(0));
        mail_server_exit(&single_ctx);
    }
    for (i = 0; i < single_ctx.listen_count; i++) {
        non_blocking(MASTER_LISTEN_FD + i, NON_BLOCKING);
        event_enable_read(MASTER_LISTEN_FD + i, single_server_accept,
                          (void *)(long)(MASTER_LISTEN_FD + i));
    }
    mail_server_watch_master(&single_ctx);
    mail_server_arm_idle(&single_ctx);
    for (;;)
        event_loop(mail_server_wait_time(&single_ctx));
}
