/*
 * master_listen - open and close the endpoints of a service.
 *
 * master_listen_open() opens every endpoint of a service: unix sockets
 * (mode 0666 under public/, 0600 under private/), FIFOs (0622 under
 * public/, 0600 under private/) and TCP listeners. When master runs as
 * root, sockets and FIFOs are given to mail_owner so that the unprivileged
 * daemons and clients can use them. It returns 0, or -1 (after a warning,
 * with nothing left open) when an endpoint cannot be opened; the caller
 * then skips the service. master_listen_close() closes them all;
 * master_listen_take() moves open listeners from an old service to its
 * replacement at reload, so that no connection is lost.
 *
 * LOGGING: "warning: service NAME/TYPE: ENDPOINT: REASON -- skipped".
 *
 * SECURITY: the sockets live in directories that protect them (private/
 * is 0700 mail_owner, public/ 0710 mail_owner:setgid_group).
 */
#include "sys_defs.h"

#include <unistd.h>

#include "events.h"
#include "iostuff.h"
#include "msg.h"
#include "mymalloc.h"
#include "sock.h"

#include "master.h"

#define MASTER_UNIX_BACKLOG 100
#define MASTER_INET_BACKLOG 128

/* master_listen_one - open one endpoint of a service */
static int
master_listen_one(MASTER_SERV *serv, const char *endpoint)
{
    int fd = -1;
    mode_t mode;

    switch (serv->type) {
    case MASTER_SERV_UNIX:
        mode = serv->private_flag ? 0600 : 0666;
        fd = unix_listen(endpoint, MASTER_UNIX_BACKLOG, mode, NON_BLOCKING);
        break;
    case MASTER_SERV_FIFO:
        mode = serv->private_flag ? 0600 : 0622;
        fd = fifo_listen(endpoint, mode, NON_BLOCKING);
        break;
    case MASTER_SERV_INET:
        return (inet_listen(endpoint, MASTER_INET_BACKLOG, NON_BLOCKING));
    default:
        msg_panic("master_listen_one: bad service type %d", serv->type);
    }
    if (fd >= 0 && master_privileged && chown(endpoint, master_owner_uid, master_owner_gid) < 0) {
        msg_warn("chown %s: %m", endpoint);
    }
    return (fd);
}

/* master_listen_open - open every endpoint that is not open yet */
int
master_listen_open(MASTER_SERV *serv)
{
    int i;

    if (serv->listen_fds == 0) {
        serv->listen_count = (int)serv->endpoints->argc;
        serv->listen_fds = (int *)mymalloc(sizeof(int) * (size_t)(serv->listen_count + 1));
        for (i = 0; i < serv->listen_count; i++)
            serv->listen_fds[i] = -1;
    }
    for (i = 0; i < serv->listen_count; i++) {
        if (serv->listen_fds[i] >= 0)
            continue;
        if ((serv->listen_fds[i] = master_listen_one(serv, serv->endpoints->argv[i])) < 0) {
            if (serv->type == MASTER_SERV_INET && errno == ENOENT)
                msg_warn("service %s/%s: %s: unknown host or port -- skipped", serv->name,
                         serv->type_name, serv->endpoints->argv[i]);
            else
                msg_warn("service %s/%s: %s: %m -- skipped", serv->name, serv->type_name,
                         serv->endpoints->argv[i]);
            master_listen_close(serv);
            return (-1);
        }
        close_on_exec(serv->listen_fds[i], 1);
    }
    return (0);
}

/* master_listen_close - close every open endpoint */
void
master_listen_close(MASTER_SERV *serv)
{
    int i;

    for (i = 0; i < serv->listen_count; i++) {
        if (serv->listen_fds[i] >= 0) {
            event_disable_readwrite(serv->listen_fds[i]);
            (void)close(serv->listen_fds[i]);
            serv->listen_fds[i] = -1;
        }
    }
    serv->listening = 0;
}

/* master_listen_take - move open listeners to a replacement service */
void
master_listen_take(MASTER_SERV *to, MASTER_SERV *from)
{
    int i;

    if (from->listen_fds == 0)
        return;
    for (i = 0; i < from->listen_count; i++)
        if (from->listen_fds[i] >= 0)
            event_disable_readwrite(from->listen_fds[i]);
    from->listening = 0;
    if (to->listen_fds)
        myfree(to->listen_fds);
    to->listen_fds = from->listen_fds;
    to->listen_count = from->listen_count;
    from->listen_fds = 0;
    from->listen_count = 0;
}
