/*
 * qmgr_queue - transports, per-destination queues and delivery entries:
 * the scheduler's bookkeeping.
 *
 * A QMGR_TRANSPORT (one per master.cf transport name: local, smtp...) holds
 * its limits and the per-destination queues that have work. A QMGR_QUEUE
 * is one destination of one transport: the next hop, or the recipient
 * itself when the transport takes one recipient per delivery (as Postfix
 * does, so that different local users are delivered in parallel). Its
 * `todo' list holds QMGR_ENTRYs: batches of at most recipient_limit
 * recipients of one message.
 *
 * qmgr_transport_create(name, dest_limit, rcpt_limit, proc_limit) makes a
 * transport with explicit limits; qmgr_transport_lookup(name) finds one or
 * creates it with the limits from main.cf: NAME_destination_concurrency_limit
 * (default $default_destination_concurrency_limit, local: 2),
 * NAME_destination_recipient_limit (default
 * $default_destination_recipient_limit, local: 1), and $default_process_limit
 * deliveries in flight. qmgr_transport_find() only finds.
 * qmgr_transport_endpoint_ok(name) is true when private/NAME exists.
 * A transport whose agent could not be reached is dead until dead_until;
 * qmgr_transport_forget_dead() revives all (trigger 'F').
 * qmgr_transport_free_all() frees every transport (the queues must be
 * empty; unit tests).
 *
 * qmgr_queue_add(transport, message, index, nexthop) puts recipient
 * message->rcpt[index] on its destination queue, in the newest entry of
 * that message when it has room, else in a new entry (which holds a
 * reference to the message: message->refcount). The recipient becomes
 * QMGR_RCPT_BUSY. qmgr_queue_key() computes the destination name.
 *
 * qmgr_queue_select() returns the next entry that may start: its queue and
 * its transport are below their concurrency limits and the transport is not
 * dead; queues of a transport, and transports, take turns (round robin).
 * The entry is off the todo list and counted busy. NULL when nothing may
 * start. qmgr_transport_pop_todo(transport) takes any waiting entry of the
 * transport the same way (to defer them when it died).
 * qmgr_entry_done(entry) uncounts and frees a selected entry, drops the
 * message reference, and frees a queue that has become empty; it does not
 * free the message. qmgr_queue_busy_total() counts entries in flight.
 */
#ifndef QMGR_QUEUE_H
#define QMGR_QUEUE_H

#include "sys_defs.h"
#include <time.h>

#include "htable.h"
#include "vstream.h"
#include "vstring.h"

#include "deliver_request.h"

#include "qmgr_message.h"

typedef struct QMGR_TRANSPORT QMGR_TRANSPORT;
typedef struct QMGR_QUEUE QMGR_QUEUE;
typedef struct QMGR_ENTRY QMGR_ENTRY;

struct QMGR_TRANSPORT {
    char *name;
    int dest_concurrency_limit;
    int recipient_limit;
    int process_limit;
    int busy;               /* entries in flight */
    time_t dead_until;      /* agent unreachable: defer until then */
    HTABLE *queue_table;    /* destination name -> QMGR_QUEUE */
    QMGR_QUEUE *queue_head; /* round-robin order */
    QMGR_QUEUE *queue_tail;
    QMGR_TRANSPORT *next;
};

struct QMGR_QUEUE {
    char *name;    /* destination: next hop or recipient */
    char *nexthop; /* what the agent is told */
    QMGR_TRANSPORT *transport;
    int busy; /* entries in flight */
    QMGR_ENTRY *todo_head;
    QMGR_ENTRY *todo_tail;
    QMGR_QUEUE *next;
};

struct QMGR_ENTRY {
    QMGR_MESSAGE *message;
    QMGR_QUEUE *queue;
    int *rcpt_index; /* indexes into message->rcpt */
    int rcpt_count;
    VSTREAM *agent;           /* in flight: the delivery agent */
    DELIVER_REQUEST *request; /* in flight: what was sent */
    QMGR_ENTRY *next;
};

extern QMGR_TRANSPORT *qmgr_transport_create(const char *name, int dest_limit, int rcpt_limit,
                                             int proc_limit);
extern QMGR_TRANSPORT *qmgr_transport_lookup(const char *name);
extern QMGR_TRANSPORT *qmgr_transport_find(const char *name);
extern int qmgr_transport_endpoint_ok(const char *name);
extern void qmgr_transport_forget_dead(void);
extern void qmgr_transport_free_all(void);
extern QMGR_ENTRY *qmgr_transport_pop_todo(QMGR_TRANSPORT *transport);

extern const char *qmgr_queue_key(VSTRING *key, const QMGR_TRANSPORT *transport,
                                  const char *nexthop, const char *address);
extern QMGR_ENTRY *qmgr_queue_add(QMGR_TRANSPORT *transport, QMGR_MESSAGE *message, int index,
                                  const char *nexthop);
extern QMGR_ENTRY *qmgr_queue_select(time_t now);
extern void qmgr_entry_done(QMGR_ENTRY *entry);
extern int qmgr_queue_busy_total(void);

#endif
