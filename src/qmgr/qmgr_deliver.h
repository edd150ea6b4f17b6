/*
 * qmgr_deliver - hand one entry (a batch of recipients of one message for
 * one destination) to a delivery agent, and take its answers.
 *
 * qmgr_deliver(entry) connects to private/TRANSPORT, sends the delivery
 * request and returns; the answers are read when the agent's socket
 * becomes readable (event loop), so qmgr keeps scheduling while agents
 * work. Each recipient's answer is applied with qmgr_result_agent(). When
 * the agent cannot be reached, the transport is marked dead for
 * $transport_retry_time and every recipient waiting for it is deferred
 * ("4.3.0 mail transport unavailable"); an agent that breaks the protocol
 * gets its recipients deferred with "delivery agent protocol error". Either
 * way nothing is lost. When the last entry of a message is finished,
 * qmgr_active_done() decides the message's fate.
 *
 * qmgr_deliver_abort(entry, dsn_status, reason) defers all recipients of a
 * selected entry (logging each) and finishes it.
 * qmgr_deliver_kill_transport(transport, now) marks a transport dead and
 * defers everything waiting for it.
 */
#ifndef QMGR_DELIVER_H
#define QMGR_DELIVER_H

#include "sys_defs.h"
#include <time.h>

#include "qmgr_queue.h"

extern void qmgr_deliver(QMGR_ENTRY *entry);
extern void qmgr_deliver_abort(QMGR_ENTRY *entry, const char *dsn_status, const char *reason);
extern void qmgr_deliver_kill_transport(QMGR_TRANSPORT *transport, time_t now);

#endif
