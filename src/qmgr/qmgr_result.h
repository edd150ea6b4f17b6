/*
 * qmgr_result - record the outcome of one recipient of an active message.
 *
 * qmgr_result_done(message, index) marks the recipient's record DONE in the
 * queue file (in place) and in memory. qmgr_result_bounce(message, index,
 * dsn_status, reason) appends the recipient to bounce/ID, then marks it
 * done; if the bounce log cannot be written the recipient is deferred
 * instead, so it is never lost. qmgr_result_defer(message, index,
 * dsn_status, reason, log) appends it to defer/ID (the reason mailq shows)
 * and keeps it for the next attempt; with log set it also writes the
 * "status=deferred" log line (for deferrals that qmgr decides itself, not
 * for those that a delivery agent has logged). qmgr_result_agent(message,
 * index, rcpt) applies a delivery agent's answer (MAIL_STAT_OK, _BOUNCE,
 * _DEFER; anything else counts as a deferral).
 *
 * Diagnostics: warnings when a log or the queue file cannot be updated.
 */
#ifndef QMGR_RESULT_H
#define QMGR_RESULT_H

#include "sys_defs.h"

#include "deliver_request.h"

#include "qmgr_message.h"

#define QMGR_RESULT_NOLOG 0
#define QMGR_RESULT_LOG 1

extern void qmgr_result_done(QMGR_MESSAGE *message, int index);
extern void qmgr_result_bounce(QMGR_MESSAGE *message, int index, const char *dsn_status,
                               const char *reason);
extern void qmgr_result_defer(QMGR_MESSAGE *message, int index, const char *dsn_status,
                              const char *reason, int log);
extern void qmgr_result_agent(QMGR_MESSAGE *message, int index, const RECIPIENT *result);

#endif
