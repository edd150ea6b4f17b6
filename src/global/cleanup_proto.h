/*
 * cleanup_proto - how pickup, bounce (and later smtpd, qmqpd) hand a
 * message to cleanup, the single door into the queue.
 *
 * Over public/cleanup (private/cleanup when master.cf marks the service
 * private; attribute lists, then records):
 *   cleanup -> client: { protocol=cleanup } then { queue_id=ID }
 *   client -> cleanup: { flags=CLEANUP_FLAG_* }
 *   client -> cleanup: records TIME? FULL? ATTR* FROM RCPT* MESG (NORM|CONT)*
 *                      XTRA [RCPT...] END
 *   cleanup -> client: { status=CLEANUP_STAT_*, reason=text }
 * status 0 means the message is in incoming/ and durable (fsync'ed and
 * renamed); only then may the client acknowledge it to its own peer or
 * remove its own copy. Any other status means nothing was queued; the
 * client reports the reason: CLEANUP_STAT_WRITE (and _PROXY) are
 * temporary (4xx, try later), the others permanent (5xx).
 *
 * cleanup_client_open() connects and reads the queue ID (NULL on failure,
 * with a warning); cleanup_client_close() reads the final status, closes the
 * stream and returns the status (CLEANUP_STAT_WRITE on an I/O error), with
 * the reason in why.
 */
#ifndef CLEANUP_PROTO_H
#define CLEANUP_PROTO_H

#include "sys_defs.h"
#include "vstream.h"
#include "vstring.h"

/* Client flags. */
#define CLEANUP_FLAG_NONE 0
#define CLEANUP_FLAG_EXTRACT (1 << 0) /* take recipients from To/Cc/Bcc (sendmail -t) */
#define CLEANUP_FLAG_BOUNCE (1 << 1)  /* a notification made by postern itself */
#define CLEANUP_FLAG_LOCAL (1 << 2)   /* local submission: add Received "from userid" */
#define CLEANUP_FLAG_MASK 0x7

/* Status bits. */
#define CLEANUP_STAT_OK 0
#define CLEANUP_STAT_BAD (1 << 0)   /* internal protocol error */
#define CLEANUP_STAT_WRITE (1 << 1) /* error writing the queue file (temporary) */
#define CLEANUP_STAT_SIZE (1 << 2)  /* message too large */
#define CLEANUP_STAT_CONT (1 << 3)  /* content rejected */
#define CLEANUP_STAT_HOPS (1 << 4)  /* too many Received: headers */
#define CLEANUP_STAT_RCPT (1 << 5)  /* no recipients */
#define CLEANUP_STAT_SYN (1 << 6)   /* bad address syntax */

extern VSTREAM *cleanup_client_open(int flags, VSTRING *queue_id);
extern int cleanup_client_close(VSTREAM *stream, VSTRING *why);
extern const char *cleanup_strerror(int status);

#endif
