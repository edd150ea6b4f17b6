/*
 * cleanup_client - the client half of the cleanup protocol.
 *
 * Used by pickup, bounce (and later smtpd and qmqpd) to hand a message to
 * cleanup (see cleanup_proto.h for the conversation).
 *
 * cleanup_client_open(flags, queue_id) connects to the cleanup service:
 * public/cleanup when that exists (Postfix's stock master.cf makes cleanup
 * a public service: private column "n"), else private/cleanup (the
 * connection checks cleanup's protocol announcement and carries an
 * ipc_timeout), reads the new queue ID into queue_id, checks its shape
 * and sends the flags. The caller then writes the records with rec_put()
 * and friends, ending with END. NULL (after a warning) when cleanup cannot
 * be reached or misbehaves: the caller tries again later.
 *
 * cleanup_client_close(stream, why) flushes the records, reads cleanup's
 * final { status, reason }, closes the stream and returns the status
 * (CLEANUP_STAT_*). On an I/O error or a malformed answer the result is
 * CLEANUP_STAT_WRITE (temporary) and why says what happened. why receives
 * cleanup's reason, or the text of cleanup_strerror() when cleanup gave
 * none.
 *
 * cleanup_strerror(status) names the most important bit of a status, in
 * the words that Postfix users know ("queue file write error", "message
 * file too big", "too many hops", "no recipients specified"...).
 */
#include "sys_defs.h"
#include "msg.h"
#include "vstream.h"
#include "vstring.h"
#include "attr.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "cleanup_proto.h"

#include <sys/stat.h>

/* In order of importance: the first bit that is set names the status. */
static const struct {
    int status;
    const char *text;
} cleanup_stat_text[] = {
    {CLEANUP_STAT_BAD, "internal protocol error"},  {CLEANUP_STAT_WRITE, "queue file write error"},
    {CLEANUP_STAT_SIZE, "message file too big"},    {CLEANUP_STAT_HOPS, "too many hops"},
    {CLEANUP_STAT_RCPT, "no recipients specified"}, {CLEANUP_STAT_CONT, "message content rejected"},
    {CLEANUP_STAT_SYN, "bad address syntax"},
};

/* cleanup_strerror - a short text for a cleanup status */
const char *
cleanup_strerror(int status)
{
    size_t i;

    if (status == CLEANUP_STAT_OK)
        return ("Success");
    for (i = 0; i < sizeof(cleanup_stat_text) / sizeof(cleanup_stat_text[0]); i++)
        if (status & cleanup_stat_text[i].status)
            return (cleanup_stat_text[i].text);
    return ("unknown cleanup error");
}

/* cleanup_client_class - where master put the cleanup endpoint */
static const char *
cleanup_client_class(void)
{
    struct stat st;

    if (stat(MAIL_CLASS_PUBLIC "/" MAIL_SERVICE_CLEANUP, &st) == 0)
        return (MAIL_CLASS_PUBLIC);
    return (MAIL_CLASS_PRIVATE);
}

/* cleanup_client_open - connect to cleanup and obtain a queue ID */
VSTREAM *
cleanup_client_open(int flags, VSTRING *queue_id)
{
    VSTREAM *stream;

    stream = mail_connect(cleanup_client_class(), MAIL_SERVICE_CLEANUP, MAIL_PROTO_CLEANUP);
    if (stream == NULL)
        return (NULL);
    if (attr_scan(stream, ATTR_FLAG_STRICT, RECV_ATTR_STR(MAIL_ATTR_QUEUEID, queue_id),
                  ATTR_TYPE_END) != 1) {
        msg_warn("%s: no queue ID from the cleanup service", vstream_name(stream));
        (void)vstream_fclose(stream);
        return (NULL);
    }
    if (!mail_queue_id_ok(vstring_str(queue_id))) {
        msg_warn("%s: malformed queue ID from the cleanup service", vstream_name(stream));
        (void)vstream_fclose(stream);
        return (NULL);
    }
    attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_INT(MAIL_ATTR_FLAGS, flags & CLEANUP_FLAG_MASK),
               ATTR_TYPE_END);
    return (stream);
}

/* cleanup_client_close - read cleanup's verdict and disconnect */
int
cleanup_client_close(VSTREAM *stream, VSTRING *why)
{
    int status = CLEANUP_STAT_WRITE;

    vstring_reset(why);
    if (vstream_fflush(stream) == VSTREAM_EOF) {
        vstring_strcpy(why, "lost connection with the cleanup service while sending the message");
    } else if (attr_scan(stream, ATTR_FLAG_STRICT, RECV_ATTR_INT(MAIL_ATTR_STATUS, &status),
                         RECV_ATTR_STR(MAIL_ATTR_WHY, why), ATTR_TYPE_END) != 2) {
        status = CLEANUP_STAT_WRITE;
        vstring_strcpy(why, "lost connection with the cleanup service before its answer");
    } else if (status != CLEANUP_STAT_OK && vstring_len(why) == 0) {
        vstring_strcpy(why, cleanup_strerror(status));
    }
    (void)vstream_fclose(stream);
    return (status);
}
