/*
 * qmgr_control - the glue between the trigger server skeleton and qmgr's
 * modules. See qmgr_control.h. Owns the two queue scanners for the life
 * of the process. Diagnostics: verbose logging of trigger requests.
 */
#include "sys_defs.h"
#include <time.h>

#include "events.h"
#include "msg.h"

#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"

#include "qmgr_active.h"
#include "qmgr_control.h"
#include "qmgr_deliver.h"
#include "qmgr_queue.h"
#include "qmgr_resolve.h"
#include "qmgr_scan.h"

/* Messages taken in per loop iteration, so triggers and agents get a turn. */
#define QMGR_FEED_BATCH 100

static QMGR_SCAN *qmgr_incoming;
static QMGR_SCAN *qmgr_deferred;
static time_t qmgr_deferred_last; /* start of the last deferred scan */
static int qmgr_feed_turn;        /* alternates between the two queues */

/* qmgr_control_deferred_scan - start a deferred scan, re-arm the timer */
static void
qmgr_control_deferred_event(int event, void *context)
{
    (void)event;
    (void)context;
    qmgr_deferred_last = time((time_t *)0);
    qmgr_scan_request(qmgr_deferred, QMGR_SCAN_START);
    event_request_timer(qmgr_control_deferred_event, (void *)0, var_queue_run_delay);
}

/* qmgr_control_init - start-up work after the skeleton's init */
void
qmgr_control_init(void)
{
    QMGR_RESOLVE_CONF conf;

    conf.mydestination = var_mydestination;
    conf.myhostname = var_myhostname;
    conf.local_transport = var_local_transport;
    conf.default_transport = var_default_transport;
    qmgr_resolve_check(&conf);
    qmgr_incoming = qmgr_scan_create(MAIL_QUEUE_INCOMING);
    qmgr_deferred = qmgr_scan_create(MAIL_QUEUE_DEFERRED);
    qmgr_active_recover();
    qmgr_scan_request(qmgr_incoming, QMGR_SCAN_START | QMGR_SCAN_ALL);
    qmgr_control_deferred_event(0, (void *)0);
}

/* qmgr_control_trigger - handle one trigger request */
void
qmgr_control_trigger(const char *buf, ssize_t len)
{
    ssize_t i;

    for (i = 0; i < len; i++) {
        if (msg_verbose)
            msg_info("trigger request '%c'", buf[i]);
        switch (buf[i]) {
        case QMGR_REQ_SCAN_INCOMING:
            qmgr_scan_request(qmgr_incoming, QMGR_SCAN_START | QMGR_SCAN_ALL);
            break;
        case QMGR_REQ_SCAN_DEFERRED:
            qmgr_control_deferred_event(0, (void *)0);
            break;
        case QMGR_REQ_SCAN_ALL:
            qmgr_scan_request(qmgr_deferred, QMGR_SCAN_ALL);
            break;
        case QMGR_REQ_FLUSH_DEAD:
            qmgr_transport_forget_dead();
            break;
        case TRIGGER_REQ_WAKEUP:
            qmgr_scan_request(qmgr_incoming, QMGR_SCAN_START | QMGR_SCAN_ALL);
            if (time((time_t *)0) >= qmgr_deferred_last + var_queue_run_delay)
                qmgr_control_deferred_event(0, (void *)0);
            break;
        default:
            break;
        }
    }
}

/* qmgr_control_next - next queue ID from the scans, alternating queues */
static const char *
qmgr_control_next(const char **queue, time_t now)
{
    QMGR_SCAN *order[2];
    const char *id;
    int i;

    order[0] = (qmgr_feed_turn & 1) ? qmgr_deferred : qmgr_incoming;
    order[1] = (qmgr_feed_turn & 1) ? qmgr_incoming : qmgr_deferred;
    qmgr_feed_turn++;
    for (i = 0; i < 2; i++) {
        if ((id = qmgr_scan_next(order[i], now)) != 0) {
            *queue = order[i]->queue;
            return id;
        }
    }
    return 0;
}

/* qmgr_control_loop - feed the active queue and start deliveries */
int
qmgr_control_loop(void)
{
    time_t now = time((time_t *)0);
    const char *queue;
    const char *id;
    QMGR_ENTRY *entry;
    int fed;

    for (fed = 0; fed < QMGR_FEED_BATCH && qmgr_active_size() < var_qmgr_message_active_limit;
         fed++) {
        if ((id = qmgr_control_next(&queue, now)) == 0)
            break;
        qmgr_active_feed(queue, id);
    }
    while ((entry = qmgr_queue_select(now)) != 0)
        qmgr_deliver(entry);
    if (qmgr_active_size() < var_qmgr_message_active_limit &&
        (qmgr_scan_busy(qmgr_incoming) || qmgr_scan_busy(qmgr_deferred)))
        return 0;
    return -1;
}
