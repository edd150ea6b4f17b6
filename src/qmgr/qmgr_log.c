/*
 * qmgr_log - formatter of qmgr's own mail log lines.
 *
 * See qmgr_log.h for the exact shapes. Temporary copies are freed before
 * returning; untrusted text (addresses) is made printable with '?' for
 * unsafe bytes (log_delivery does the same for its fields).
 */
#include "sys_defs.h"
#include <string.h>
#include <sys/time.h>

#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "log_delivery.h"
#include "mail_queue.h"

#include "qmgr_log.h"

/* qmgr_log_printable - a printable copy of untrusted text (caller frees) */
static char *
qmgr_log_printable(const char *text)
{
    return printable(mystrdup(text ? text : ""), '?');
}

/* qmgr_log_active - "from=<>, size=, nrcpt= (queue active)" */
void
qmgr_log_active(const QMGR_MESSAGE *message)
{
    char *sender = qmgr_log_printable(message->sender);

    msg_info("%s: from=<%s>, size=%ld, nrcpt=%ld (queue %s)", message->queue_id, sender,
             message->data_size, message->nrcpt ? message->nrcpt : (long)message->rcpt_count,
             MAIL_QUEUE_ACTIVE);
    myfree(sender);
}

/* qmgr_log_deferred - a recipient that qmgr itself deferred */
void
qmgr_log_deferred(const QMGR_MESSAGE *message, const QMGR_RCPT *rcpt, const char *dsn_status,
                  const char *reason)
{
    LOG_DELIVERY info;
    struct timeval now;

    gettimeofday(&now, (struct timezone *)0);
    memset(&info, 0, sizeof(info));
    info.queue_id = message->queue_id;
    info.recipient = rcpt->address;
    info.orig_recipient = rcpt->orig_addr;
    info.relay = "none";
    info.arrival.tv_sec = message->arrival_sec;
    info.arrival.tv_usec = message->arrival_usec;
    info.active.tv_sec = message->active_sec;
    info.active.tv_usec = message->active_usec;
    info.agent_start = now;
    info.done = now;
    info.dsn = dsn_status;
    info.status = "deferred";
    info.reason = reason;
    log_delivery(&info);
}

/* qmgr_log_expired - the message is returned to its sender */
void
qmgr_log_expired(const QMGR_MESSAGE *message)
{
    char *sender = qmgr_log_printable(message->sender);

    msg_info("%s: from=<%s>, status=expired, returned to sender", message->queue_id, sender);
    myfree(sender);
}

/* qmgr_log_removed - the queue file is gone */
void
qmgr_log_removed(const QMGR_MESSAGE *message)
{
    msg_info("%s: removed", message->queue_id);
}
