/*
 * trigger_server - skeleton for daemons woken by short requests (pickup,
 * qmgr).
 *
 * Use: main() calls trigger_server_main(argc, argv, service, hooks...,
 * MAIL_SERVER_END). The listener that master passed is a FIFO or a UNIX
 * socket. From a FIFO the skeleton reads whatever bytes are there; from a
 * socket it accepts one connection, reads up to TRIGGER_BUF_SIZE bytes with
 * a short time limit, and closes it. Either way it calls service(buf, len,
 * service_name, argv). master's periodic wakeups (the wakeup column) arrive
 * the same way, as a 'W'.
 *
 * The skeleton runs on the event loop (events.h), so the service may
 * register its own descriptors and timers; the LOOP hook runs before each
 * round and returns the longest wait in seconds (-1: no limit). The
 * process exits after max_use requests or max_idle idle seconds unless
 * MAIL_SERVER_UNLIMITED, and when master closes the status channel.
 *
 * Stand-alone (-S, for tests): without a listener on fd 6, stdin is read
 * like a FIFO and the process exits at end of file.
 *
 * SECURITY: see mail_server.c. Request bytes are untrusted; a request is
 * at most TRIGGER_BUF_SIZE bytes and the service sees its length.
 *
 * LOGGING: "warning: accept: ..."; "warning: read trigger: ...".
 */
#include "sys_defs.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "events.h"
#include "iostuff.h"
#include "msg.h"
#include "sock.h"

#include "mail_params.h"

#include "mail_server_int.h"

#define TRIGGER_BUF_SIZE 1024
#define TRIGGER_READ_TIMEOUT 10

static MAIL_SERVER_CTX trigger_ctx;
static TRIGGER_SERVER_FN trigger_service;

/* trigger_server_call - hand one request to the service */
static void
trigger_server_call(char *buf, ssize_t len)
{
    mail_server_request_begin(&trigger_ctx);
    buf[len] = 0;
    trigger_service(buf, len, var_servname, trigger_ctx.argv);
    mail_server_request_end(&trigger_ctx);
}

/* trigger_server_fifo - bytes are waiting in the FIFO (or stdin) */
static void
trigger_server_fifo(int event, void *context)
{
    int fd = (int)(long)context;
    char buf[TRIGGER_BUF_SIZE + 1];
    ssize_t len;

    (void)event;
    if ((len = read(fd, buf, TRIGGER_BUF_SIZE)) < 0) {
        if (errno != EAGAIN && errno != EINTR)
            msg_fatal("read trigger: %m");
        return;
    }
    if (len == 0) {
        /* Only stdin in stand-alone mode can reach end of file. */
        mail_server_exit(&trigger_ctx);
    }
    trigger_server_call(buf, len);
}

/* trigger_server_socket - accept one connection and read its request */
static void
trigger_server_socket(int event, void *context)
{
    int listen_fd = (int)(long)context;
    char buf[TRIGGER_BUF_SIZE + 1];
    ssize_t len;
    int fd;

    (void)event;
    if ((fd = sane_accept(listen_fd)) < 0) {
        if (errno != EAGAIN) {
            msg_warn("accept: %m");
            doze(100000);
        }
        return;
    }
    non_blocking(fd, NON_BLOCKING);
    len = timed_read(fd, buf, TRIGGER_BUF_SIZE, TRIGGER_READ_TIMEOUT);
    (void)close(fd);
    if (len < 0)
        msg_warn("read trigger: %m");
    if (len > 0)
        trigger_server_call(buf, len);
}

/* trigger_server_listen - watch one listener, whatever kind it is */
static void
trigger_server_listen(int fd)
{
    struct stat st;

    if (fstat(fd, &st) < 0)
        msg_fatal("fstat listener fd %d: %m", fd);
    non_blocking(fd, NON_BLOCKING);
    event_enable_read(fd, S_ISSOCK(st.st_mode) ? trigger_server_socket : trigger_server_fifo,
                      (void *)(long)fd);
}

/* trigger_server_main - the skeleton's main loop */
NORETURN
trigger_server_main(int argc, char **argv, TRIGGER_SERVER_FN service, ...)
{
    va_list ap;
    int i;

    va_start(ap, service);
    mail_server_start(&trigger_ctx, argc, argv, ap);
    va_end(ap);
    trigger_service = service;
    if (trigger_ctx.stand_alone && trigger_ctx.listen_count == 0)
        event_enable_read(0, trigger_server_fifo, (void *)0L);
    for (i = 0; i < trigger_ctx.listen_count; i++)
        trigger_server_listen(MASTER_LISTEN_FD + i);
    mail_server_watch_master(&trigger_ctx);
    mail_server_arm_idle(&trigger_ctx);
    for (;;)
        event_loop(mail_server_wait_time(&trigger_ctx));
}
