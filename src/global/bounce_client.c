/*
 * bounce_client - ask the bounce service to send a message's delivery
 * status notification (the client half of bounce_client.h).
 *
 * Usage (qmgr, after it wrote bounce/ID and before it removes the message):
 *   if (bounce_flush("active", id, sender, arrival_sec) == 0)
 *       ... the notification is queued (or deliberately discarded and
 *           logged): remove bounce/ID and the queue file ...
 *   else
 *       ... leave everything in place and try again later ...
 *
 * bounce_flush() connects to private/bounce, checks the "bounce" protocol
 * announcement, sends { request=flush, queue_name, queue_id, sender,
 * arrival_time } and reads { status }. It returns that status (0 on
 * success, non-zero when the bounce service could not queue the
 * notification), or -1 when the service could not be reached or the
 * conversation failed.
 *
 * Memory ownership: nothing is kept after the call.
 * Diagnostics: a failed conversation is logged as a warning.
 */
#include "sys_defs.h"

#include "attr.h"
#include "msg.h"
#include "vstream.h"

#include "bounce_client.h"
#include "mail_proto.h"

/* bounce_flush - have bounce/ID turned into a notification to the sender */
int
bounce_flush(const char *queue, const char *id, const char *sender, long arrival)
{
    VSTREAM *stream;
    int status = -1;

    if ((stream = mail_connect(MAIL_CLASS_PRIVATE, MAIL_SERVICE_BOUNCE, MAIL_PROTO_BOUNCE)) == 0)
        return -1;
    if (attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_STR(MAIL_ATTR_REQ, BOUNCE_REQ_FLUSH),
                   SEND_ATTR_STR(MAIL_ATTR_QUEUE, queue), SEND_ATTR_STR(MAIL_ATTR_QUEUEID, id),
                   SEND_ATTR_STR(MAIL_ATTR_SENDER, sender ? sender : ""),
                   SEND_ATTR_LONG(MAIL_ATTR_ARRIVAL, arrival), ATTR_TYPE_END) != 0 ||
        vstream_fflush(stream) != 0) {
        msg_warn("%s: cannot send flush request to %s service", id, MAIL_SERVICE_BOUNCE);
    } else if (attr_scan(stream, ATTR_FLAG_STRICT, RECV_ATTR_INT(MAIL_ATTR_STATUS, &status),
                         ATTR_TYPE_END) != 1) {
        msg_warn("%s: no reply from %s service", id, MAIL_SERVICE_BOUNCE);
        status = -1;
    }
    (void)vstream_fclose(stream);
    return status;
}
