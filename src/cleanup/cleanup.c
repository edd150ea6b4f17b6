/*
 * cleanup - canonicalise a message and put it into the incoming queue.
 *
 * SYNOPSIS
 *	cleanup [generic daemon options]	(started by master)
 *
 * DESCRIPTION
 *	cleanup is the single door into the queue. pickup (local
 *	submissions), bounce (notifications) and later smtpd and qmqpd
 *	connect to private/cleanup and speak the protocol of cleanup_proto.h:
 *	cleanup announces itself, creates incoming/ID.tmp and sends the queue
 *	ID, reads the client's flags, then the message as records (envelope,
 *	content, extracted recipients, END). It writes the queue file as it
 *	reads: SIZE, TIME, FULL, ATTR, FROM, ORCP/RCPT, MESG, the content,
 *	XTRA, recipients found in the header, END, then rewrites SIZE and
 *	MESG in place. Only when the file is complete, fsync'ed and renamed
 *	to incoming/ID does it answer status 0; any error removes the file
 *	and answers the CLEANUP_STAT_* bits with a reason. After a success
 *	it wakes up qmgr (public/qmgr, 'I').
 *
 *	A local submission (pickup, CLEANUP_FLAG_LOCAL) that fails in its
 *	content (too big, too many hops, a malformed content record) is
 *	not refused: its submitter is gone. cleanup queues it anyway, with
 *	every recipient done and bounced in bounce/ID (cleanup_bounce.c;
 *	a message too big keeps only its header), and answers status 0;
 *	qmgr then has bounce return it to the sender.
 *
 *	Transformations: envelope addresses get @$myorigin and .$mydomain
 *	(cleanup_addr.c); duplicate recipients are dropped; headers named
 *	in message_drop_headers are removed; a local submission (and a
 *	notification from bounce) gets a Received: header and the missing
 *	Message-Id:, Date: and From:
 *	(cleanup_message.c); with sendmail -t the recipients come from
 *	To:, Cc: and Bcc:; always_bcc gets a copy of every message.
 *
 * SECURITY
 *	Runs as mail_owner, unprivileged, optionally chrooted to the queue
 *	directory. The record stream comes from trusted local clients over
 *	a private socket, but the message content is untrusted: every
 *	record is bounded (line_length_limit plus slack), the header by
 *	header_size_limit, the message by message_size_limit, and header
 *	text is made printable before it is logged.
 *
 * STANDARDS
 *	RFC 5322 (message format: header fields, folding, Date, Message-Id,
 *	Resent- fields).
 *
 * LOGGING
 *	"ID: message-id=<VALUE>" once per message;
 *	"ID: reject: REASON; from=<SENDER> to=<RECIPIENT>" when a message
 *	is not queued for a reason of its own (size, hops, recipients), or
 *	is queued only to be returned to its sender; for the latter, per
 *	recipient, "ID: to=<RCPT>, relay=none, delay=D, delays=D/0/0/0,
 *	dsn=5.X.Y, status=bounced (REASON)";
 *	warnings name the queue ID and the problem (protocol errors, write
 *	errors, over-long headers).
 *
 * DIAGNOSTICS
 *	Problems with the queue directory are warnings, and the client is
 *	told CLEANUP_STAT_WRITE (try again later).
 */
#include "sys_defs.h"
#include "msg.h"
#include "vstream.h"
#include "vstring.h"
#include "attr.h"
#include "record.h"
#include "rec_type.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "mail_addr.h"
#include "mail_server.h"
#include "cleanup_proto.h"
#include "cleanup.h"

#include <errno.h>

/* cleanup_record_limit - the longest record that a client may send */
static ssize_t
cleanup_record_limit(void)
{
    return ((ssize_t)var_line_length_limit + 2 * MAIL_ADDR_MAX);
}

/* cleanup_read_message - read records until END or an I/O error */
static int
cleanup_read_message(VSTREAM *client, CLEANUP_STATE *state)
{
    VSTRING *buf = vstring_alloc(1000);
    int type;

    do {
        type = rec_get(client, buf, cleanup_record_limit());
        if (type < 0)
            break;
        cleanup_record(state, type, STR(buf), LEN(buf));
    } while (type != REC_TYPE_END);
    vstring_free(buf);
    return (type == REC_TYPE_END ? 0 : -1);
}

/* cleanup_log_reject - log why a message was not queued (or is bounced) */
static void
cleanup_log_reject(CLEANUP_STATE *state, int status)
{
    if ((status & (CLEANUP_STAT_WRITE | CLEANUP_STAT_BAD)) && !state->bounce)
        return;
    msg_info("%s: reject: %s; from=<%s> to=<%s>", state->queue_id, STR(state->reason),
             state->sender ? state->sender : "", state->first_rcpt ? state->first_rcpt : "");
}

/* cleanup_reply - tell the client what became of the message */
static void
cleanup_reply(VSTREAM *client, int status, const char *reason)
{
    attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_INT(MAIL_ATTR_STATUS, status),
               SEND_ATTR_STR(MAIL_ATTR_WHY, reason), ATTR_TYPE_END);
    if (vstream_fflush(client) == VSTREAM_EOF)
        msg_warn("cannot send the status to the client: %m");
}

/* cleanup_handshake - announce, create the queue file, exchange ID and flags */
static VSTREAM *
cleanup_handshake(VSTREAM *client, VSTRING *id, int *flags)
{
    VSTREAM *dst;

    if (mail_announce(client, MAIL_PROTO_CLEANUP) != 0)
        return (NULL);
    if ((dst = mail_queue_enter(MAIL_QUEUE_INCOMING, MAIL_QUEUE_FILE_MODE, id)) == NULL)
        return (NULL);
    attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_STR(MAIL_ATTR_QUEUEID, STR(id)), ATTR_TYPE_END);
    if (vstream_fflush(client) == VSTREAM_EOF ||
        attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_INT(MAIL_ATTR_FLAGS, flags), ATTR_TYPE_END) !=
            1) {
        msg_warn("%s: lost connection with the client before the message", STR(id));
        mail_queue_abort(dst, MAIL_QUEUE_INCOMING, STR(id));
        return (NULL);
    }
    return (dst);
}

/* cleanup_write_error - the queue file cannot be kept: tell the client to retry */
static int
cleanup_write_error(CLEANUP_STATE *state)
{
    state->errs |= CLEANUP_STAT_WRITE;
    vstring_strcpy(state->reason, "queue file write error");
    mail_queue_abort(state->dst, MAIL_QUEUE_INCOMING, state->queue_id);
    return (CLEANUP_STAT_WRITE);
}

/* cleanup_dispose - commit, bounce or remove the queue file; the client's status */
static int
cleanup_dispose(CLEANUP_STATE *state)
{
    int status = cleanup_finish(state);

    if (status != CLEANUP_STAT_OK && !state->bounce) {
        mail_queue_abort(state->dst, MAIL_QUEUE_INCOMING, state->queue_id);
        cleanup_log_reject(state, status);
        return (status);
    }
    if (status != CLEANUP_STAT_OK) {
        /* A local submission: the queue returns it, the client is done. */
        cleanup_log_reject(state, status);
        if (cleanup_bounce(state) != CLEANUP_STAT_OK)
            return (cleanup_write_error(state));
    }
    if (mail_queue_commit(state->dst, MAIL_QUEUE_INCOMING, state->queue_id) != 0) {
        if (state->bounce && mail_queue_remove(MAIL_QUEUE_BOUNCE, state->queue_id) < 0 &&
            errno != ENOENT)
            msg_warn("%s: remove %s log: %m", state->queue_id, MAIL_QUEUE_BOUNCE);
        return (cleanup_write_error(state));
    }
    (void)vstream_fclose(state->dst);
    return (CLEANUP_STAT_OK);
}

/* cleanup_service - receive one message */
static void
cleanup_service(VSTREAM *client, const char *service, char **argv)
{
    VSTRING *id = vstring_alloc(MAIL_QUEUE_ID_MAX);
    CLEANUP_STATE *state;
    VSTREAM *dst;
    int flags = 0;
    int status;

    (void)service;
    (void)argv;
    if ((dst = cleanup_handshake(client, id, &flags)) == NULL) {
        vstring_free(id);
        return;
    }
    state = cleanup_state_alloc(dst, STR(id), flags);
    if (cleanup_read_message(client, state) != 0) {
        msg_warn("%s: lost connection with the client; message not queued", STR(id));
        mail_queue_abort(dst, MAIL_QUEUE_INCOMING, STR(id));
        cleanup_state_free(state);
        vstring_free(id);
        return;
    }
    status = cleanup_dispose(state);
    /* Wake qmgr before the reply: after it the client may forget the mail. */
    if (status == CLEANUP_STAT_OK)
        (void)mail_trigger(MAIL_CLASS_PUBLIC, MAIL_SERVICE_QUEUE, QMGR_REQ_SCAN_INCOMING);
    cleanup_reply(client, status, status ? STR(state->reason) : "");
    cleanup_state_free(state);
    vstring_free(id);
}

/* main - the cleanup daemon */
int
main(int argc, char **argv)
{
    single_server_main(argc, argv, cleanup_service, MAIL_SERVER_END);
}
