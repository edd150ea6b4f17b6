/*
 * cleanup_bounce - return a rejected local submission to its sender.
 *
 * A message that pickup hands over (CLEANUP_FLAG_LOCAL) cannot be refused
 * with a reply code the way an SMTP client would be: the user who ran
 * sendmail is gone. So when such a message fails in its content (too
 * big, too many hops, content rejected, a malformed content record)
 * cleanup still completes its queue file (cleanup_state.c decides,
 * cleanup_out.c keeps writing the envelope) and cleanup_bounce() turns
 * every recipient into a permanent failure: one entry per recipient in
 * bounce/ID (action "failed", the DSN code of the error, the reject reason
 * as the text), then the RCPT record is marked DONE in place. The caller
 * commits the file; qmgr finds every recipient done and a bounce log, and
 * asks bounce for the notification as for any other failure (a message
 * with the null sender goes to the postmaster, per the bounce rules).
 *
 * cleanup_bounce(state) runs after cleanup_finish() on a message with
 * state->bounce set. It returns CLEANUP_STAT_OK, or CLEANUP_STAT_WRITE
 * (with a warning) when the file or the log could not be updated: then
 * any bounce/ID it wrote is removed, and the caller removes the queue file
 * and tells the client to try again later. cleanup_bounce_dsn(bit) gives
 * the DSN status for an error bit: 5.3.4 size, 5.4.6 hops, 5.7.1 content
 * rejected, 5.6.0 malformed content.
 *
 * LOGGING: for each recipient, as Postfix does, "ID: to=<rcpt>,
 * relay=none, delay=D, delays=D/0/0/0, dsn=X.Y.Z, status=bounced (REASON)"
 * (orig_to= when the original address differs).
 */
#include "sys_defs.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"
#include "record.h"
#include "rec_type.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "deliver_request.h"
#include "bounce_log.h"
#include "log_delivery.h"
#include "cleanup_proto.h"
#include "cleanup.h"

#include <errno.h>
#include <string.h>
#include <sys/time.h>

#define CLEANUP_BOUNCE_ACTION "failed"

/* DSN status per error bit, in the order they are looked up. */
static const struct {
    int bit;
    const char *dsn;
} cleanup_bounce_dsns[] = {
    {CLEANUP_STAT_SIZE, "5.3.4"},
    {CLEANUP_STAT_HOPS, "5.4.6"},
    {CLEANUP_STAT_CONT, "5.7.1"},
    {CLEANUP_STAT_BAD, "5.6.0"},
};

/* cleanup_bounce_dsn - the DSN status for a CLEANUP_STAT_* bit */
const char *
cleanup_bounce_dsn(int bit)
{
    size_t i;

    for (i = 0; i < sizeof(cleanup_bounce_dsns) / sizeof(cleanup_bounce_dsns[0]); i++)
        if (bit & cleanup_bounce_dsns[i].bit)
            return (cleanup_bounce_dsns[i].dsn);
    return ("5.0.0");
}

/* cleanup_bounce_log - log the outcome of one recipient as Postfix does */
static void
cleanup_bounce_log(CLEANUP_STATE *state, const RECIPIENT *rcpt)
{
    LOG_DELIVERY info;
    struct timeval now;

    gettimeofday(&now, NULL);
    memset(&info, 0, sizeof(info));
    info.queue_id = state->queue_id;
    info.recipient = rcpt->address;
    info.orig_recipient = rcpt->orig_addr;
    info.relay = "none";
    info.arrival.tv_sec = state->arrival_sec;
    info.arrival.tv_usec = state->arrival_usec;
    info.active = info.agent_start = info.done = now;
    info.dsn = rcpt->dsn_status;
    info.status = "bounced";
    info.reason = rcpt->reason;
    log_delivery(&info);
}

/* cleanup_bounce_one - bounce log entry, then the DONE mark */
static int
cleanup_bounce_one(CLEANUP_STATE *state, const char *orig, const char *addr, off_t offset)
{
    RECIPIENT rcpt;

    memset(&rcpt, 0, sizeof(rcpt));
    rcpt.orig_addr = (char *)(orig ? orig : addr);
    rcpt.address = (char *)addr;
    rcpt.offset = (long)offset;
    rcpt.status = MAIL_STAT_BOUNCE;
    rcpt.dsn_status = (char *)cleanup_bounce_dsn(state->reason_bit);
    rcpt.action = (char *)CLEANUP_BOUNCE_ACTION;
    rcpt.reason = STR(state->reason);
    if (bounce_log_append(MAIL_QUEUE_BOUNCE, state->queue_id, &rcpt) != 0)
        return (-1);
    /* The log entry is durable before its recipient is marked done. */
    if (rec_put_type(state->dst, REC_TYPE_DONE, offset) == REC_TYPE_ERROR)
        return (-1);
    cleanup_bounce_log(state, &rcpt);
    return (0);
}

/* cleanup_bounce_scan - find every RCPT record and bounce it */
static int
cleanup_bounce_scan(CLEANUP_STATE *state)
{
    VSTRING *buf = vstring_alloc(100);
    char *orig = NULL;
    off_t offset;
    int type;
    int ret = -1;

    if (vstream_fseek(state->dst, (off_t)0, SEEK_SET) < 0) {
        msg_warn("%s: seek queue file: %m", state->queue_id);
        vstring_free(buf);
        return (-1);
    }
    for (;;) {
        offset = vstream_ftell(state->dst);
        if ((type = rec_get(state->dst, buf, 0)) < 0 || type == REC_TYPE_END) {
            ret = (type == REC_TYPE_END) ? 0 : -1;
            break;
        }
        if (type == REC_TYPE_MESG && vstream_fseek(state->dst, state->xtra_offset, SEEK_SET) < 0)
            break;
        if (type == REC_TYPE_ORCP) {
            myfree(orig);
            orig = mystrdup(STR(buf));
        } else if (type == REC_TYPE_RCPT) {
            if (cleanup_bounce_one(state, orig, STR(buf), offset) != 0)
                break;
            myfree(orig);
            orig = NULL;
        }
    }
    myfree(orig);
    vstring_free(buf);
    return (ret);
}

/* cleanup_bounce - bounce every recipient of a rejected local submission */
int
cleanup_bounce(CLEANUP_STATE *state)
{
    if (!state->bounce || state->xtra_offset < 0)
        msg_panic("cleanup_bounce: %s: no complete message to bounce", state->queue_id);
    if (cleanup_bounce_scan(state) == 0 && vstream_fflush(state->dst) != VSTREAM_EOF)
        return (CLEANUP_STAT_OK);
    msg_warn("%s: cannot return the message to its sender: queue file or bounce log error",
             state->queue_id);
    if (mail_queue_remove(MAIL_QUEUE_BOUNCE, state->queue_id) < 0 && errno != ENOENT)
        msg_warn("%s: remove %s log: %m", state->queue_id, MAIL_QUEUE_BOUNCE);
    return (CLEANUP_STAT_WRITE);
}
