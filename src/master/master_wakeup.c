/*
 * master_wakeup - periodic wakeups for services with a wakeup time.
 *
 * Every wakeup_time seconds master sends a 'W' request to the service's
 * own endpoint (unix socket or FIFO) without ever blocking: a full backlog
 * or FIFO just skips one round. A service with a conditional wakeup ("60?")
 * is woken only while it has a process. A service with an unconditional
 * wakeup that has no process gets one at once; this is how pickup and qmgr
 * are started when master starts or reloads (the first wakeup is sent
 * right away, as Postfix does).
 *
 * LOGGING: "warning: service NAME: wakeup ENDPOINT: REASON" only with -v
 * (a missed wakeup is harmless).
 */
#include "sys_defs.h"

#include "events.h"
#include "msg.h"
#include "sock.h"

#include "mail_proto.h"

#include "master.h"

/* master_wakeup_event - time to wake the service up */
static void
master_wakeup_event(int event, void *context)
{
    MASTER_SERV *serv = context;
    static const char req[1] = {TRIGGER_REQ_WAKEUP};

    (void)event;
    if (!serv->wakeup_conditional || serv->total_proc > 0) {
        if (serv->total_proc == 0)
            master_spawn(serv);
        if (trigger_send(serv->endpoints->argv[0], serv->type == MASTER_SERV_FIFO, req, sizeof(req),
                         0) < 0 &&
            msg_verbose)
            msg_warn("service %s: wakeup %s: %m", serv->name, serv->endpoints->argv[0]);
    }
    event_request_timer(master_wakeup_event, serv, serv->wakeup_time);
}

/* master_wakeup_start - send the first wakeup now and schedule the rest */
void
master_wakeup_start(MASTER_SERV *serv)
{
    if (serv->wakeup_time > 0 && serv->type != MASTER_SERV_INET)
        event_request_timer(master_wakeup_event, serv, 0);
}

/* master_wakeup_stop - cancel the wakeups of a service */
void
master_wakeup_stop(MASTER_SERV *serv)
{
    event_cancel_timer(master_wakeup_event, serv);
}
