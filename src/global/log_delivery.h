/*
 * log_delivery - the one formatter of per-recipient delivery log lines.
 *
 * Every delivery agent (local now, smtp, virtual, pipe later) and qmgr
 * (when it bounces or defers a recipient itself) logs the outcome of each
 * recipient in the shape that Postfix log parsers read:
 *
 *   ID: to=<rcpt>, orig_to=<orig>, relay=R, delay=D, delays=a/b/c/d,
 *       dsn=X.Y.Z, status=sent (reason)
 *
 * (one line; orig_to only when it differs from the recipient). delay is the
 * time from arrival to now; a = arrival to qmgr (active), b = qmgr to the
 * agent's start, c = connection setup (agent start to conn_done; 0 when
 * conn_done is zero), d = the rest. Each number is printed with two
 * significant digits and at most `resolution` digits after the point
 * (delay_logging_resolution_limit), trailing zeros dropped; numbers of ten
 * seconds or more are whole seconds ("delay=0.08", "delay=1.5",
 * "delay=30"). Negative intervals (clock steps) print as 0.
 *
 * log_delivery_format() appends the line (without a newline) to buf and
 * returns buf; untrusted text (addresses, reason) is made printable.
 * log_delivery() formats with var_delay_logging_resolution_limit and logs
 * it with msg_info(). log_delivery_recipient() fills the fields from a
 * delivery request and a recipient whose result is set (status from
 * rcpt->status: sent, deferred or bounced) with done = now.
 * log_delivery_format_time() formats one interval (exposed for tests).
 *
 * Memory ownership: the caller owns buf and every string in the struct.
 */
#ifndef LOG_DELIVERY_H
#define LOG_DELIVERY_H

#include "sys_defs.h"
#include <sys/time.h>

#include "vstring.h"
#include "deliver_request.h"

typedef struct LOG_DELIVERY {
    const char *queue_id;
    const char *recipient;
    const char *orig_recipient; /* NULL, "" or equal: not shown */
    const char *relay;          /* "local", "host[addr]:port", "none" */
    struct timeval arrival;     /* cleanup queued it */
    struct timeval active;      /* qmgr took it in */
    struct timeval agent_start; /* the agent got the request */
    struct timeval conn_done;   /* connection ready; zero: none */
    struct timeval done;        /* outcome known */
    const char *dsn;
    const char *status; /* "sent", "deferred", "bounced" */
    const char *reason;
} LOG_DELIVERY;

extern VSTRING *log_delivery_format(VSTRING *buf, const LOG_DELIVERY *info, int resolution);
extern VSTRING *log_delivery_format_time(VSTRING *buf, long sec, long usec, int resolution);
extern void log_delivery(const LOG_DELIVERY *info);
extern void log_delivery_recipient(const DELIVER_REQUEST *request, const RECIPIENT *rcpt,
                                   const char *relay);
extern const char *log_delivery_status_name(int mail_status);

#endif
