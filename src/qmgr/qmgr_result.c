/*
 * qmgr_result - per-recipient outcomes: DONE marks, bounce and defer logs.
 *
 * See qmgr_result.h. The queue file is the message's O_RDWR stream; a DONE
 * mark is flushed at once, and made durable (fsync) by qmgr_active before
 * the file changes queues. The bounce and defer logs are written by
 * bounce_log_append(), which fsyncs each entry.
 */
#include "sys_defs.h"
#include <string.h>

#include "msg.h"
#include "vstream.h"

#include "bounce_log.h"
#include "deliver_request.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "rec_type.h"
#include "record.h"

#include "qmgr_log.h"
#include "qmgr_result.h"

#define QMGR_ACTION_DELAYED "delayed"
#define QMGR_ACTION_FAILED "failed"

/* qmgr_result_recipient - fill a RECIPIENT for the bounce log */
static void
qmgr_result_recipient(RECIPIENT *out, QMGR_RCPT *rcpt, int status, const char *dsn_status,
                      const char *action, const char *reason)
{
    memset(out, 0, sizeof(*out));
    out->orig_addr = rcpt->orig_addr;
    out->address = rcpt->address;
    out->offset = rcpt->offset;
    out->status = status;
    out->dsn_status = (char *)dsn_status;
    out->action = (char *)action;
    out->reason = (char *)reason;
}

/* qmgr_result_done - mark a recipient done on disk and in memory */
void
qmgr_result_done(QMGR_MESSAGE *message, int index)
{
    QMGR_RCPT *rcpt = message->rcpt + index;

    if (message->fp == 0 || rec_put_type(message->fp, REC_TYPE_DONE, (off_t)rcpt->offset) < 0 ||
        vstream_fflush(message->fp) == VSTREAM_EOF)
        msg_warn("%s: cannot mark recipient <%s> done in queue file: %s", message->queue_id,
                 rcpt->address, strerror(errno));
    rcpt->state = QMGR_RCPT_DONE;
}

/* qmgr_result_defer - keep a recipient for the next attempt */
void
qmgr_result_defer(QMGR_MESSAGE *message, int index, const char *dsn_status, const char *reason,
                  int log)
{
    QMGR_RCPT *rcpt = message->rcpt + index;
    RECIPIENT entry;

    if (dsn_status == 0 || *dsn_status != '4')
        dsn_status = "4.0.0";
    if (reason == 0 || *reason == 0)
        reason = "delivery temporarily suspended";
    qmgr_result_recipient(&entry, rcpt, MAIL_STAT_DEFER, dsn_status, QMGR_ACTION_DELAYED, reason);
    if (bounce_log_append(MAIL_QUEUE_DEFER, message->queue_id, &entry) < 0)
        msg_warn("%s: cannot update defer log for <%s>", message->queue_id, rcpt->address);
    if (log == QMGR_RESULT_LOG)
        qmgr_log_deferred(message, rcpt, dsn_status, reason);
    qmgr_message_rcpt_defer(rcpt, dsn_status, reason);
}

/* qmgr_result_bounce - log a permanent failure, then mark it done */
void
qmgr_result_bounce(QMGR_MESSAGE *message, int index, const char *dsn_status, const char *reason)
{
    QMGR_RCPT *rcpt = message->rcpt + index;
    RECIPIENT entry;

    if (dsn_status == 0 || (*dsn_status != '5' && *dsn_status != '4'))
        dsn_status = "5.0.0";
    if (reason == 0 || *reason == 0)
        reason = "delivery failed";
    qmgr_result_recipient(&entry, rcpt, MAIL_STAT_BOUNCE, dsn_status, QMGR_ACTION_FAILED, reason);
    if (bounce_log_append(MAIL_QUEUE_BOUNCE, message->queue_id, &entry) < 0) {
        msg_warn("%s: cannot update bounce log for <%s>; deferring", message->queue_id,
                 rcpt->address);
        qmgr_result_defer(message, index, "4.3.0", "cannot update bounce log", QMGR_RESULT_LOG);
        return;
    }
    message->flags |= QMGR_MSG_FLAG_BOUNCED;
    qmgr_result_done(message, index);
}

/* qmgr_result_agent - apply a delivery agent's answer for one recipient */
void
qmgr_result_agent(QMGR_MESSAGE *message, int index, const RECIPIENT *result)
{
    switch (result->status) {
    case MAIL_STAT_OK:
        qmgr_result_done(message, index);
        break;
    case MAIL_STAT_BOUNCE:
        qmgr_result_bounce(message, index, result->dsn_status, result->reason);
        break;
    case MAIL_STAT_DEFER:
        qmgr_result_defer(message, index, result->dsn_status, result->reason, QMGR_RESULT_NOLOG);
        break;
    default:
        msg_warn("%s: bad delivery status %d for <%s>", message->queue_id, result->status,
                 message->rcpt[index].address);
        qmgr_result_defer(message, index, "4.3.0", "delivery agent protocol error",
                          QMGR_RESULT_LOG);
        break;
    }
}
