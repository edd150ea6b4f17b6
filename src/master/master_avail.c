/*
 * master_avail - decide when master watches a service's listeners.
 *
 * master watches the listeners of a service only while a new process would
 * help: no child of the service is idle, the process limit allows one
 * more, and the service is not throttled. When a listener becomes readable
 * under those conditions, master starts a child; the new child counts as
 * idle, so master stops watching until every child is busy again. This is
 * what keeps master from spinning on a connection that nobody has accepted
 * yet.
 *
 * master_avail_update() applies the rule after any change of state;
 * master_avail_stop() stops watching (throttle, reload, stop).
 */
#include "sys_defs.h"

#include "events.h"
#include "msg.h"

#include "master.h"

/* master_avail_event - a listener is readable: start a child */
static void
master_avail_event(int event, void *context)
{
    MASTER_SERV *serv = context;

    (void)event;
    if (msg_verbose)
        msg_info("service %s/%s: connection pending, %d of %d busy", serv->name, serv->type_name,
                 serv->total_proc - serv->avail_proc, serv->max_proc);
    master_spawn(serv);
}

/* master_avail_want - true when a pending connection should start a child */
static int
master_avail_want(MASTER_SERV *serv)
{
    return (!serv->throttled && serv->avail_proc == 0 && serv->listen_fds != 0 &&
            (serv->max_proc == 0 || serv->total_proc < serv->max_proc));
}

/* master_avail_update - watch or ignore the listeners as the rule says */
void
master_avail_update(MASTER_SERV *serv)
{
    int want = master_avail_want(serv);
    int i;

    if (want == serv->listening)
        return;
    for (i = 0; i < serv->listen_count; i++) {
        if (serv->listen_fds[i] < 0)
            continue;
        if (want)
            event_enable_read(serv->listen_fds[i], master_avail_event, serv);
        else
            event_disable_readwrite(serv->listen_fds[i]);
    }
    serv->listening = want;
}

/* master_avail_stop - stop watching the listeners */
void
master_avail_stop(MASTER_SERV *serv)
{
    int i;

    for (i = 0; i < serv->listen_count; i++)
        if (serv->listen_fds && serv->listen_fds[i] >= 0)
            event_disable_readwrite(serv->listen_fds[i]);
    serv->listening = 0;
}
