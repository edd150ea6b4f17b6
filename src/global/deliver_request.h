/*
 * deliver_request - the request that qmgr sends to a delivery agent (local,
 * and later smtp, virtual, pipe), and the agent's per-recipient answers.
 *
 * Wire protocol over private/TRANSPORT (attribute lists, attr.h):
 *   agent -> qmgr: { protocol=delivery }
 *   qmgr -> agent: { flags, queue_name, queue_id, offset, size, nexthop,
 *                    sender, arrival_time, arrival_usec, active_time,
 *                    active_usec, recipient_count } then recipient_count lists
 *                  { original_recipient, recipient, recipient_offset }
 *   agent -> qmgr: recipient_count lists { recipient_offset, status,
 *                  dsn_status, action, reason } then { status }
 * status is MAIL_STAT_OK (delivered), MAIL_STAT_DEFER (try again later)
 * or MAIL_STAT_BOUNCE (permanent failure); dsn_status is "2.0.0",
 * "4.2.0", "5.1.1"...; action is "delivered", "delayed" or "failed";
 * reason is the text that the log line shows in parentheses. The final
 * status is non-zero when the agent could not process the request at all
 * (then qmgr defers every recipient).
 *
 * Agent side: deliver_request_read() sends the { protocol=delivery }
 * announcement itself, reads a request and opens the queue file read-only
 * (positioned at the content: offset); deliver_request_done()
 * sends the answers (the agent fills in each RECIPIENT's result) and frees
 * the request. qmgr side: deliver_request_send() and
 * deliver_request_get_results().
 */
#ifndef DELIVER_REQUEST_H
#define DELIVER_REQUEST_H

#include "sys_defs.h"
#include "vstream.h"
#include "vstring.h"

#define DEL_REQ_FLAG_NONE 0

/* Most recipients in one request. */
#define DELIVER_REQUEST_RCPT_MAX 10000000

typedef struct RECIPIENT {
    char *orig_addr; /* as originally given; may equal address */
    char *address;   /* as resolved */
    long offset;     /* of its RCPT record in the queue file */
    /* Result, filled in by the agent (and read back by qmgr). */
    int status; /* MAIL_STAT_* */
    char *dsn_status;
    char *action;
    char *reason;
} RECIPIENT;

typedef struct DELIVER_REQUEST {
    VSTREAM *fp; /* agent side: queue file at the content */
    int flags;
    char *queue_name;
    char *queue_id;
    long data_offset; /* offset of the first content record */
    long data_size;   /* message size in bytes, as logged by qmgr */
    char *nexthop;
    char *sender;
    long arrival_sec, arrival_usec; /* when cleanup queued it */
    long active_sec, active_usec;   /* when qmgr took it in */
    long start_sec, start_usec;     /* agent side: when the request arrived */
    int rcpt_count;
    RECIPIENT *rcpt;
} DELIVER_REQUEST;

extern DELIVER_REQUEST *deliver_request_read(VSTREAM *client);
extern int deliver_request_done(VSTREAM *client, DELIVER_REQUEST *request, int status);
extern void deliver_request_free(DELIVER_REQUEST *request);
extern void recipient_set_result(RECIPIENT *rcpt, int status, const char *dsn_status,
                                 const char *action, const char *reason);

/* qmgr side: an empty request, and adding a recipient (strings copied). */
extern DELIVER_REQUEST *deliver_request_alloc(void);
extern RECIPIENT *deliver_request_add_rcpt(DELIVER_REQUEST *request, const char *orig_addr,
                                           const char *address, long offset);
extern int deliver_request_send(VSTREAM *agent, const DELIVER_REQUEST *request);
extern int deliver_request_get_results(VSTREAM *agent, DELIVER_REQUEST *request, int *status);

#endif
