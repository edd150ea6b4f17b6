/*
 * qmgr_deliver - the qmgr side of the delivery agent protocol.
 *
 * See qmgr_deliver.h. An entry owns its agent stream and the request that
 * was sent on it (with copies of the message's strings, and the result
 * strings that the agent's answers filled in); both are released when the
 * entry finishes.
 * Diagnostics: a warning for each agent that breaks the protocol;
 * mail_connect() warns about agents that cannot be reached.
 */
#include "sys_defs.h"
#include <string.h>
#include <sys/time.h>

#include "events.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"

#include "deliver_request.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"

#include "qmgr_active.h"
#include "qmgr_deliver.h"
#include "qmgr_result.h"

#define QMGR_DSN_UNAVAILABLE "4.3.0"
#define QMGR_WHY_UNAVAILABLE "mail transport unavailable"
#define QMGR_WHY_PROTOCOL "delivery agent protocol error"
#define QMGR_WHY_AGENT "unknown mail transport error"

/* qmgr_deliver_request - build the request for an entry */
static DELIVER_REQUEST *
qmgr_deliver_request(QMGR_ENTRY *entry)
{
    QMGR_MESSAGE *message = entry->message;
    DELIVER_REQUEST *request = deliver_request_alloc();
    QMGR_RCPT *rcpt;
    int i;

    request->queue_name = mystrdup(MAIL_QUEUE_ACTIVE);
    request->queue_id = mystrdup(message->queue_id);
    request->data_offset = message->data_offset;
    request->data_size = message->data_size;
    request->nexthop = mystrdup(entry->queue->nexthop);
    request->sender = mystrdup(message->sender);
    request->arrival_sec = message->arrival_sec;
    request->arrival_usec = message->arrival_usec;
    request->active_sec = message->active_sec;
    request->active_usec = message->active_usec;
    for (i = 0; i < entry->rcpt_count; i++) {
        rcpt = message->rcpt + entry->rcpt_index[i];
        deliver_request_add_rcpt(request, rcpt->orig_addr, rcpt->address, rcpt->offset);
    }
    return request;
}

/* qmgr_deliver_finish - release an entry; finish its message if last */
static void
qmgr_deliver_finish(QMGR_ENTRY *entry)
{
    QMGR_MESSAGE *message = entry->message;

    if (entry->agent) {
        event_disable_readwrite(vstream_fileno(entry->agent));
        (void)vstream_fclose(entry->agent);
        entry->agent = 0;
    }
    if (entry->request) {
        deliver_request_free(entry->request);
        entry->request = 0;
    }
    qmgr_entry_done(entry);
    if (message->refcount == 0)
        qmgr_active_done(message);
}

/* qmgr_deliver_abort - defer every recipient of an entry, then finish it */
void
qmgr_deliver_abort(QMGR_ENTRY *entry, const char *dsn_status, const char *reason)
{
    int i;

    for (i = 0; i < entry->rcpt_count; i++)
        qmgr_result_defer(entry->message, entry->rcpt_index[i], dsn_status, reason,
                          QMGR_RESULT_LOG);
    qmgr_deliver_finish(entry);
}

/* qmgr_deliver_kill_transport - mark dead; defer all its waiting entries */
void
qmgr_deliver_kill_transport(QMGR_TRANSPORT *transport, time_t now)
{
    QMGR_ENTRY *entry;

    transport->dead_until = now + var_transport_retry_time;
    while ((entry = qmgr_transport_pop_todo(transport)) != 0)
        qmgr_deliver_abort(entry, QMGR_DSN_UNAVAILABLE, QMGR_WHY_UNAVAILABLE);
}

/* qmgr_deliver_agent_failed - the agent answered, but not for anyone */
static void
qmgr_deliver_agent_failed(QMGR_ENTRY *entry)
{
    RECIPIENT *result;
    int i;

    for (i = 0; i < entry->rcpt_count; i++) {
        result = entry->request->rcpt + i;
        qmgr_result_defer(entry->message, entry->rcpt_index[i], QMGR_DSN_UNAVAILABLE,
                          result->reason && *result->reason ? result->reason : QMGR_WHY_AGENT,
                          QMGR_RESULT_LOG);
    }
    qmgr_deliver_finish(entry);
}

/* qmgr_deliver_update - read the agent's answers */
static void
qmgr_deliver_update(int event, void *context)
{
    QMGR_ENTRY *entry = context;
    QMGR_MESSAGE *message = entry->message;
    int status = 0;
    int i;

    (void)event;
    event_disable_readwrite(vstream_fileno(entry->agent));
    if (deliver_request_get_results(entry->agent, entry->request, &status) < 0) {
        msg_warn("%s: transport %s: %s", message->queue_id, entry->queue->transport->name,
                 QMGR_WHY_PROTOCOL);
        qmgr_deliver_abort(entry, QMGR_DSN_UNAVAILABLE, QMGR_WHY_PROTOCOL);
        return;
    }
    if (status != 0) {
        qmgr_deliver_agent_failed(entry);
        return;
    }
    for (i = 0; i < entry->rcpt_count; i++)
        qmgr_result_agent(message, entry->rcpt_index[i], entry->request->rcpt + i);
    qmgr_deliver_finish(entry);
}

/* qmgr_deliver - start delivery of one selected entry */
void
qmgr_deliver(QMGR_ENTRY *entry)
{
    QMGR_TRANSPORT *transport = entry->queue->transport;

    entry->agent = mail_connect(MAIL_CLASS_PRIVATE, transport->name, MAIL_PROTO_DELIVER);
    if (entry->agent == 0) {
        msg_warn("transport %s: %s; deferring its mail for %ds", transport->name,
                 QMGR_WHY_UNAVAILABLE, var_transport_retry_time);
        qmgr_deliver_abort(entry, QMGR_DSN_UNAVAILABLE, QMGR_WHY_UNAVAILABLE);
        qmgr_deliver_kill_transport(transport, time((time_t *)0));
        return;
    }
    entry->request = qmgr_deliver_request(entry);
    if (deliver_request_send(entry->agent, entry->request) < 0) {
        qmgr_deliver_abort(entry, QMGR_DSN_UNAVAILABLE, QMGR_WHY_UNAVAILABLE);
        return;
    }
    event_enable_read(vstream_fileno(entry->agent), qmgr_deliver_update, entry);
}
