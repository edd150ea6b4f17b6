/*
 * bounce_service - answer qmgr's "flush" request: turn bounce/ID into a
 * delivery status notification and queue it through cleanup.
 *
 * Usage:
 *   bounce_service_request(client);           one request on a connection
 *   status = bounce_service_flush(queue, id, sender, arrival);
 *
 * bounce_service_request() announces { protocol=bounce }, reads { request=
 * flush, queue_name, queue_id, sender, arrival_time } strictly, calls
 * bounce_service_flush() and answers { status }. A malformed request gets
 * no answer (the connection closes; qmgr retries later).
 *
 * bounce_service_flush() reads the failed recipients from bounce/ID and
 * the original message from QUEUE/ID, and picks the notification's
 * recipient, as Postfix does:
 *  - an ordinary sender gets the notification ("ID: sender non-delivery
 *    notification: NEWID"), from the null sender;
 *  - for the null sender (the failed message was itself a notification)
 *    a copy goes to 2bounce_notice_recipient from the double-bounce
 *    sender ("ID: postmaster non-delivery notification: NEWID");
 *  - when the sender is the double-bounce address (that copy failed too)
 *    nothing is sent, to end the loop: "ID: undeliverable postmaster
 *    notification discarded", status 0.
 * A missing bounce log (nothing failed) is status 0 without a message.
 * It returns 0 when qmgr may remove the bounce log, non-zero when the
 * notification could not be queued (cleanup unreachable or refusing) or
 * the log could not be read: qmgr then tries again later.
 *
 * Memory ownership: everything read is released before returning.
 * Diagnostics: the log lines above; warnings for unreadable logs, queue
 * files and cleanup failures.
 */
#include "sys_defs.h"

#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#include "attr.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstream.h"
#include "vstring.h"

#include "bounce_client.h"
#include "bounce_log.h"
#include "cleanup_proto.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "rec_type.h"
#include "record.h"

#include "bounce.h"

#define BOUNCE_RCPT_MAX 100000 /* recipients listed in one notification */

/* bounce_rcpt_free - release recipients read from a bounce log */
void
bounce_rcpt_free(BOUNCE_RCPT *rcpt, int count)
{
    int i;

    for (i = 0; i < count; i++) {
        myfree(rcpt[i].address);
        myfree(rcpt[i].orig_address);
        myfree(rcpt[i].dsn_status);
        myfree(rcpt[i].action);
        myfree(rcpt[i].reason);
    }
    myfree(rcpt);
}

/* bounce_service_read_log - all entries of bounce/ID; -1 on error */
static int
bounce_service_read_log(const char *id, BOUNCE_RCPT **rcptp, int *countp)
{
    VSTREAM *log;
    BOUNCE_LOG_ENTRY *entry;
    BOUNCE_RCPT *rcpt = 0;
    int count = 0;
    int status;

    *rcptp = 0;
    *countp = 0;
    if ((log = bounce_log_open(MAIL_QUEUE_BOUNCE, id)) == 0)
        return errno == ENOENT ? 0 : -1;
    entry = bounce_log_entry_alloc();
    while ((status = bounce_log_read(log, entry)) > 0 && count < BOUNCE_RCPT_MAX) {
        rcpt = (BOUNCE_RCPT *)myrealloc(rcpt, sizeof(*rcpt) * (size_t)(count + 1));
        rcpt[count].address = mystrdup(vstring_str(entry->recipient));
        rcpt[count].orig_address = mystrdup(vstring_str(entry->orig_recipient));
        rcpt[count].dsn_status = mystrdup(vstring_str(entry->dsn_status));
        rcpt[count].action = mystrdup(vstring_str(entry->action));
        rcpt[count].reason = mystrdup(vstring_str(entry->reason));
        count++;
    }
    bounce_log_entry_free(entry);
    (void)vstream_fclose(log);
    if (status < 0) {
        bounce_rcpt_free(rcpt, count);
        return -1;
    }
    *rcptp = rcpt;
    *countp = count;
    return 0;
}

/* bounce_service_is_double_bounce - is this the double-bounce address? */
static int
bounce_service_is_double_bounce(const char *sender)
{
    const char *at = strrchr(sender, '@');
    size_t len = at ? (size_t)(at - sender) : strlen(sender);

    return len == strlen(var_double_bounce_sender) &&
           strncasecmp(sender, var_double_bounce_sender, len) == 0 &&
           (at == 0 || strcasecmp(at + 1, var_myhostname) == 0 ||
            strcasecmp(at + 1, var_myorigin) == 0);
}

/* bounce_service_submit - queue the notification; 0 or a cleanup status */
static int
bounce_service_submit(const char *env_sender, BOUNCE_NOTICE *notice, VSTRING *new_id, VSTRING *why)
{
    VSTREAM *cleanup;
    struct timeval tv;
    int status;

    if ((cleanup = cleanup_client_open(CLEANUP_FLAG_BOUNCE, new_id)) == 0) {
        vstring_strcpy(why, "cleanup service unavailable");
        return CLEANUP_STAT_WRITE;
    }
    (void)gettimeofday(&tv, (struct timezone *)0);
    (void)rec_fprintf(cleanup, REC_TYPE_TIME, "%ld %ld", (long)tv.tv_sec, (long)tv.tv_usec);
    (void)rec_fputs(cleanup, REC_TYPE_FROM, env_sender);
    (void)rec_fputs(cleanup, REC_TYPE_RCPT, notice->notify_to);
    (void)rec_fprintf(cleanup, REC_TYPE_MESG, REC_MESG_FORMAT, 0L);
    (void)bounce_notify_write(cleanup, notice);
    (void)rec_fputs(cleanup, REC_TYPE_XTRA, "");
    (void)rec_fputs(cleanup, REC_TYPE_END, "");
    status = cleanup_client_close(cleanup, why);
    return status;
}

/* bounce_service_notice - compose and submit one notification */
static int
bounce_service_notice(const char *queue, const char *id, const char *sender, long arrival,
                      BOUNCE_RCPT *rcpt, int count)
{
    BOUNCE_NOTICE notice;
    VSTRING *new_id = vstring_alloc(40);
    VSTRING *why = vstring_alloc(100);
    char *env_sender;
    int status;

    memset(&notice, 0, sizeof(notice));
    notice.queue_id = id;
    notice.sender = sender;
    notice.arrival = arrival;
    notice.hostname = var_myhostname;
    notice.postmaster_copy = (*sender == 0);
    notice.notify_to = notice.postmaster_copy ? var_2bounce_notice_recipient : sender;
    notice.size_limit = var_bounce_size_limit;
    notice.now = time((time_t *)0);
    notice.rcpt = rcpt;
    notice.rcpt_count = count;
    if ((notice.queue_fp = mail_queue_open(queue, id, O_RDONLY, 0)) == 0)
        msg_warn("%s: cannot open queue file %s/%s: %m; returning the report only", id, queue, id);
    env_sender = notice.postmaster_copy
                     ? concatenate(var_double_bounce_sender, "@", var_myhostname, (char *)0)
                     : mystrdup("");

    status = bounce_service_submit(env_sender, &notice, new_id, why);
    if (status == CLEANUP_STAT_OK)
        msg_info("%s: %s non-delivery notification: %s", id,
                 notice.postmaster_copy ? "postmaster" : "sender", vstring_str(new_id));
    else
        msg_warn("%s: cannot queue the non-delivery notification: %s", id, vstring_str(why));
    if (notice.queue_fp != 0)
        (void)vstream_fclose(notice.queue_fp);
    myfree(env_sender);
    vstring_free(new_id);
    vstring_free(why);
    return status == CLEANUP_STAT_OK ? 0 : 1;
}

/* bounce_service_flush - notify about every recipient in bounce/ID */
int
bounce_service_flush(const char *queue, const char *id, const char *sender, long arrival)
{
    BOUNCE_RCPT *rcpt;
    int count;
    int status;

    if (*sender != 0 && bounce_service_is_double_bounce(sender)) {
        msg_info("%s: undeliverable postmaster notification discarded", id);
        return 0;
    }
    if (bounce_service_read_log(id, &rcpt, &count) < 0) {
        msg_warn("%s: cannot read bounce log %s/%s", id, MAIL_QUEUE_BOUNCE, id);
        return 1;
    }
    if (count == 0) {
        msg_warn("%s: no failed recipients in %s/%s; no notification sent", id, MAIL_QUEUE_BOUNCE,
                 id);
        return 0;
    }
    status = bounce_service_notice(queue, id, sender, arrival, rcpt, count);
    bounce_rcpt_free(rcpt, count);
    return status;
}

/* bounce_service_request - read one request and answer it */
void
bounce_service_request(VSTREAM *client)
{
    VSTRING *request = vstring_alloc(10);
    VSTRING *queue = vstring_alloc(10);
    VSTRING *id = vstring_alloc(40);
    VSTRING *sender = vstring_alloc(100);
    long arrival = 0;
    int status;

    if (mail_announce(client, MAIL_PROTO_BOUNCE) < 0) {
        msg_warn("cannot announce the %s protocol", MAIL_PROTO_BOUNCE);
    } else if (attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_STR(MAIL_ATTR_REQ, request),
                         RECV_ATTR_STR(MAIL_ATTR_QUEUE, queue),
                         RECV_ATTR_STR(MAIL_ATTR_QUEUEID, id),
                         RECV_ATTR_STR(MAIL_ATTR_SENDER, sender),
                         RECV_ATTR_LONG(MAIL_ATTR_ARRIVAL, &arrival), ATTR_TYPE_END) != 5) {
        msg_warn("malformed request from %s", vstream_name(client));
    } else if (strcmp(vstring_str(request), BOUNCE_REQ_FLUSH) != 0) {
        msg_warn("unknown request \"%s\"", printable(vstring_str(request), '?'));
    } else if (!mail_queue_name_ok(vstring_str(queue)) || !mail_queue_id_ok(vstring_str(id))) {
        msg_warn("bad queue name or queue ID in request: %s/%s", printable(vstring_str(queue), '?'),
                 printable(vstring_str(id), '?'));
    } else {
        status =
            bounce_service_flush(vstring_str(queue), vstring_str(id), vstring_str(sender), arrival);
        (void)attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_INT(MAIL_ATTR_STATUS, status),
                         ATTR_TYPE_END);
        if (vstream_fflush(client) != 0)
            msg_warn("%s: cannot send the reply to %s", vstring_str(id), vstream_name(client));
    }
    vstring_free(request);
    vstring_free(queue);
    vstring_free(id);
    vstring_free(sender);
}
