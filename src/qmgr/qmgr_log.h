/*
 * qmgr_log - the mail log lines that qmgr itself writes, in Postfix's
 * shapes (all through msg_info, so they carry "postern/qmgr[pid]: "):
 *
 *   ID: from=<sender>, size=N, nrcpt=N (queue active)
 *   ID: to=<rcpt>, [orig_to=<orig>, ]relay=none, delay=D, delays=a/b/0/0,
 *       dsn=4.x.x, status=deferred (reason)
 *   ID: from=<sender>, status=expired, returned to sender
 *   ID: removed
 *
 * (one line each). Addresses are made printable first. The deferral line
 * is built by the shared formatter (log_delivery.h): delay is the time
 * since arrival; a is arrival -> active, b active -> now, c and d are 0
 * because no agent was involved.
 */
#ifndef QMGR_LOG_H
#define QMGR_LOG_H

#include "sys_defs.h"
#include <sys/time.h>

#include "vstring.h"

#include "qmgr_message.h"

extern void qmgr_log_active(const QMGR_MESSAGE *message);
extern void qmgr_log_deferred(const QMGR_MESSAGE *message, const QMGR_RCPT *rcpt,
                              const char *dsn_status, const char *reason);
extern void qmgr_log_expired(const QMGR_MESSAGE *message);
extern void qmgr_log_removed(const QMGR_MESSAGE *message);

#endif
