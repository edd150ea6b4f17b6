/*
 * deliver_request - both ends of the qmgr -> delivery agent protocol (the
 * wire format is in deliver_request.h).
 *
 * Agent side. deliver_request_read(client) first announces
 * { protocol=delivery } itself (the agent must not), then reads the
 * request strictly, checks it (queue name and ID shape, offsets, a
 * recipient count between 1 and DELIVER_REQUEST_RCPT_MAX), opens the queue
 * file read-only and positions it at the content (request->fp), and notes
 * the time in start_sec/start_usec. On a protocol error it returns NULL
 * after a warning (qmgr sees the connection close and defers). When the
 * request is good but the queue file cannot be opened, it answers every
 * recipient itself (status MAIL_STAT_DEFER, 4.3.0, "delayed") with final
 * status 1, and returns NULL: the agent then just closes the connection.
 * The agent fills in each recipient's result with recipient_set_result();
 * deliver_request_done() sends the answers and the final status, then
 * frees the request (closing fp). A recipient left without a result is
 * reported as deferred, so that no recipient is ever lost.
 *
 * qmgr side. Build a request with deliver_request_alloc() and
 * deliver_request_add_rcpt() (or by hand, with mymalloc/mystrdup memory:
 * deliver_request_free() releases everything with myfree).
 * deliver_request_send() writes and flushes the request on a stream that
 * mail_connect(MAIL_CLASS_PRIVATE, transport, MAIL_PROTO_DELIVER) opened
 * (that call has already read the announcement). deliver_request_get_results()
 * reads one answer per recipient, in request order, checks that each
 * answer's recipient_offset matches, its status is a MAIL_STAT_* code and
 * its action one of delivered/delayed/failed, stores the results in the
 * RECIPIENTs, and reads the final status. It returns 0, or -1 after a
 * warning (then the caller defers every recipient that has no result).
 *
 * Memory: the request owns all its strings and the recipient array.
 */
#include "sys_defs.h"
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "attr.h"
#include "deliver_request.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "msg.h"
#include "mymalloc.h"

#define STR_OR_EMPTY(s) ((s) ? (s) : "")

/* deliver_request_alloc - an empty request */
DELIVER_REQUEST *
deliver_request_alloc(void)
{
    DELIVER_REQUEST *request = (DELIVER_REQUEST *)mycalloc(1, sizeof(*request));

    request->flags = DEL_REQ_FLAG_NONE;
    return request;
}

/* deliver_request_add_rcpt - append a recipient (strings are copied) */
RECIPIENT *
deliver_request_add_rcpt(DELIVER_REQUEST *request, const char *orig_addr, const char *address,
                         long offset)
{
    RECIPIENT *rcpt;

    request->rcpt =
        (RECIPIENT *)myrealloc(request->rcpt, (request->rcpt_count + 1) * sizeof(RECIPIENT));
    rcpt = request->rcpt + request->rcpt_count++;
    memset(rcpt, 0, sizeof(*rcpt));
    rcpt->orig_addr = mystrdup(orig_addr ? orig_addr : address);
    rcpt->address = mystrdup(address);
    rcpt->offset = offset;
    rcpt->status = MAIL_STAT_DEFER;
    return rcpt;
}

/* recipient_set_result - record the outcome for one recipient */
void
recipient_set_result(RECIPIENT *rcpt, int status, const char *dsn_status, const char *action,
                     const char *reason)
{
    myfree(rcpt->dsn_status);
    myfree(rcpt->action);
    myfree(rcpt->reason);
    rcpt->status = status;
    rcpt->dsn_status = mystrdup(STR_OR_EMPTY(dsn_status));
    rcpt->action = mystrdup(STR_OR_EMPTY(action));
    rcpt->reason = mystrdup(STR_OR_EMPTY(reason));
}

/* deliver_request_free - release a request and close its queue file */
void
deliver_request_free(DELIVER_REQUEST *request)
{
    int i;

    if (request == 0)
        return;
    if (request->fp)
        (void)vstream_fclose(request->fp);
    for (i = 0; i < request->rcpt_count; i++) {
        myfree(request->rcpt[i].orig_addr);
        myfree(request->rcpt[i].address);
        myfree(request->rcpt[i].dsn_status);
        myfree(request->rcpt[i].action);
        myfree(request->rcpt[i].reason);
    }
    myfree(request->rcpt);
    myfree(request->queue_name);
    myfree(request->queue_id);
    myfree(request->nexthop);
    myfree(request->sender);
    myfree(request);
}

/* deliver_request_get_header - read and check the first list of a request */
static int
deliver_request_get_header(VSTREAM *client, DELIVER_REQUEST *request, int *count)
{
    VSTRING *queue = vstring_alloc(32);
    VSTRING *id = vstring_alloc(32);
    VSTRING *nexthop = vstring_alloc(100);
    VSTRING *sender = vstring_alloc(100);
    int ret = -1;

    if (attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_INT(MAIL_ATTR_FLAGS, &request->flags),
                  RECV_ATTR_STR(MAIL_ATTR_QUEUE, queue), RECV_ATTR_STR(MAIL_ATTR_QUEUEID, id),
                  RECV_ATTR_LONG(MAIL_ATTR_OFFSET, &request->data_offset),
                  RECV_ATTR_LONG(MAIL_ATTR_SIZE, &request->data_size),
                  RECV_ATTR_STR(MAIL_ATTR_NEXTHOP, nexthop),
                  RECV_ATTR_STR(MAIL_ATTR_SENDER, sender),
                  RECV_ATTR_LONG(MAIL_ATTR_ARRIVAL, &request->arrival_sec),
                  RECV_ATTR_LONG(MAIL_ATTR_ARRIVAL_USEC, &request->arrival_usec),
                  RECV_ATTR_LONG(MAIL_ATTR_ACTIVE, &request->active_sec),
                  RECV_ATTR_LONG(MAIL_ATTR_ACTIVE_USEC, &request->active_usec),
                  RECV_ATTR_INT(MAIL_ATTR_RCPT_COUNT, count), ATTR_TYPE_END) != 12) {
        /* attr_scan said why, unless the peer just hung up */
    } else if (!mail_queue_name_ok(STR(queue)) || !mail_queue_id_ok(STR(id))) {
        msg_warn("%s: bad queue file name in request: %.100s/%.100s", vstream_name(client),
                 STR(queue), STR(id));
    } else if (request->data_offset <= 0 || request->data_size < 0) {
        msg_warn("%s: bad offset %ld or size %ld in request", vstream_name(client),
                 request->data_offset, request->data_size);
    } else if (*count < 1 || *count > DELIVER_REQUEST_RCPT_MAX) {
        msg_warn("%s: bad recipient count %d in request", vstream_name(client), *count);
    } else {
        ret = 0;
    }
    request->queue_name = vstring_export(queue);
    request->queue_id = vstring_export(id);
    request->nexthop = vstring_export(nexthop);
    request->sender = vstring_export(sender);
    return ret;
}

/* deliver_request_get_rcpts - read the recipient lists of a request */
static int
deliver_request_get_rcpts(VSTREAM *client, DELIVER_REQUEST *request, int count)
{
    VSTRING *orig = vstring_alloc(100);
    VSTRING *addr = vstring_alloc(100);
    long offset;
    int ret = 0;
    int i;

    for (i = 0; i < count; i++) {
        if (attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_STR(MAIL_ATTR_ORCPT, orig),
                      RECV_ATTR_STR(MAIL_ATTR_RECIP, addr),
                      RECV_ATTR_LONG(MAIL_ATTR_RCPT_OFFSET, &offset), ATTR_TYPE_END) != 3) {
            ret = -1;
            break;
        }
        if (offset <= 0) {
            msg_warn("%s: bad recipient offset %ld", vstream_name(client), offset);
            ret = -1;
            break;
        }
        deliver_request_add_rcpt(request, STR(orig), STR(addr), offset);
    }
    vstring_free(orig);
    vstring_free(addr);
    return ret;
}

/* deliver_request_open_file - open the queue file at the content */
static int
deliver_request_open_file(DELIVER_REQUEST *request, VSTRING *why)
{
    request->fp = mail_queue_open(request->queue_name, request->queue_id, O_RDONLY, 0);
    if (request->fp == 0) {
        vstring_sprintf(why, "cannot open queue file %s/%s: %m", request->queue_name,
                        request->queue_id);
        return -1;
    }
    if (vstream_fseek(request->fp, request->data_offset, SEEK_SET) < 0) {
        vstring_sprintf(why, "cannot seek queue file %s/%s: %m", request->queue_name,
                        request->queue_id);
        return -1;
    }
    return 0;
}

/* deliver_request_read - agent side: announce, read a request, open the file */
DELIVER_REQUEST *
deliver_request_read(VSTREAM *client)
{
    DELIVER_REQUEST *request;
    VSTRING *why;
    struct timeval tv;
    int count = 0;
    int i;

    if (mail_announce(client, MAIL_PROTO_DELIVER) < 0) {
        msg_warn("%s: cannot send the protocol announcement: %m", vstream_name(client));
        return 0;
    }
    request = deliver_request_alloc();
    gettimeofday(&tv, 0);
    request->start_sec = tv.tv_sec;
    request->start_usec = tv.tv_usec;
    if (deliver_request_get_header(client, request, &count) < 0 ||
        deliver_request_get_rcpts(client, request, count) < 0) {
        deliver_request_free(request);
        return 0;
    }
    why = vstring_alloc(100);
    if (deliver_request_open_file(request, why) < 0) {
        msg_warn("%s: %s", request->queue_id, STR(why));
        for (i = 0; i < request->rcpt_count; i++)
            recipient_set_result(request->rcpt + i, MAIL_STAT_DEFER, "4.3.0", "delayed", STR(why));
        (void)deliver_request_done(client, request, 1);
        request = 0;
    }
    vstring_free(why);
    return request;
}

/* deliver_request_done - agent side: send the results, free the request */
int
deliver_request_done(VSTREAM *client, DELIVER_REQUEST *request, int status)
{
    RECIPIENT *rcpt;
    int ret = 0;
    int i;

    for (i = 0; i < request->rcpt_count; i++) {
        rcpt = request->rcpt + i;
        if (rcpt->dsn_status == 0 || rcpt->action == 0)
            recipient_set_result(rcpt, MAIL_STAT_DEFER, "4.3.0", "delayed",
                                 "delivery agent reported no result for this recipient");
        ret |=
            attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_LONG(MAIL_ATTR_RCPT_OFFSET, rcpt->offset),
                       SEND_ATTR_INT(MAIL_ATTR_STATUS, rcpt->status),
                       SEND_ATTR_STR(MAIL_ATTR_DSN_STATUS, rcpt->dsn_status),
                       SEND_ATTR_STR(MAIL_ATTR_DSN_ACTION, rcpt->action),
                       SEND_ATTR_STR(MAIL_ATTR_WHY, STR_OR_EMPTY(rcpt->reason)), ATTR_TYPE_END);
    }
    ret |=
        attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_INT(MAIL_ATTR_STATUS, status), ATTR_TYPE_END);
    if (vstream_fflush(client) == VSTREAM_EOF)
        ret = -1;
    if (ret != 0)
        msg_warn("%s: cannot send delivery results to %s: %m", request->queue_id,
                 vstream_name(client));
    deliver_request_free(request);
    return ret != 0 ? -1 : 0;
}

/* deliver_request_send - qmgr side: send a request to a delivery agent */
int
deliver_request_send(VSTREAM *agent, const DELIVER_REQUEST *request)
{
    const RECIPIENT *rcpt;
    int ret;
    int i;

    ret = attr_print(agent, ATTR_FLAG_NONE, SEND_ATTR_INT(MAIL_ATTR_FLAGS, request->flags),
                     SEND_ATTR_STR(MAIL_ATTR_QUEUE, request->queue_name),
                     SEND_ATTR_STR(MAIL_ATTR_QUEUEID, request->queue_id),
                     SEND_ATTR_LONG(MAIL_ATTR_OFFSET, request->data_offset),
                     SEND_ATTR_LONG(MAIL_ATTR_SIZE, request->data_size),
                     SEND_ATTR_STR(MAIL_ATTR_NEXTHOP, STR_OR_EMPTY(request->nexthop)),
                     SEND_ATTR_STR(MAIL_ATTR_SENDER, STR_OR_EMPTY(request->sender)),
                     SEND_ATTR_LONG(MAIL_ATTR_ARRIVAL, request->arrival_sec),
                     SEND_ATTR_LONG(MAIL_ATTR_ARRIVAL_USEC, request->arrival_usec),
                     SEND_ATTR_LONG(MAIL_ATTR_ACTIVE, request->active_sec),
                     SEND_ATTR_LONG(MAIL_ATTR_ACTIVE_USEC, request->active_usec),
                     SEND_ATTR_INT(MAIL_ATTR_RCPT_COUNT, request->rcpt_count), ATTR_TYPE_END);
    for (i = 0; i < request->rcpt_count; i++) {
        rcpt = request->rcpt + i;
        ret |= attr_print(agent, ATTR_FLAG_NONE,
                          SEND_ATTR_STR(MAIL_ATTR_ORCPT, STR_OR_EMPTY(rcpt->orig_addr)),
                          SEND_ATTR_STR(MAIL_ATTR_RECIP, rcpt->address),
                          SEND_ATTR_LONG(MAIL_ATTR_RCPT_OFFSET, rcpt->offset), ATTR_TYPE_END);
    }
    if (vstream_fflush(agent) == VSTREAM_EOF)
        ret = -1;
    if (ret != 0)
        msg_warn("%s: cannot send delivery request to %s: %m", request->queue_id,
                 vstream_name(agent));
    return ret != 0 ? -1 : 0;
}

/* deliver_result_ok - are a received status and action plausible? */
static int
deliver_result_ok(int status, const char *dsn_status, const char *action)
{
    if (status != MAIL_STAT_OK && status != MAIL_STAT_DEFER && status != MAIL_STAT_BOUNCE)
        return 0;
    if (strchr("245", dsn_status[0]) == 0 || dsn_status[0] == 0 || dsn_status[1] != '.')
        return 0;
    return strcmp(action, "delivered") == 0 || strcmp(action, "delayed") == 0 ||
           strcmp(action, "failed") == 0 || strcmp(action, "relayed") == 0 ||
           strcmp(action, "expanded") == 0;
}

/* deliver_request_get_results - qmgr side: read an agent's answers */
int
deliver_request_get_results(VSTREAM *agent, DELIVER_REQUEST *request, int *status)
{
    VSTRING *dsn = vstring_alloc(10);
    VSTRING *action = vstring_alloc(10);
    VSTRING *why = vstring_alloc(100);
    long offset;
    int rstat;
    int ret = 0;
    int i;

    for (i = 0; ret == 0 && i < request->rcpt_count; i++) {
        if (attr_scan(agent, ATTR_FLAG_STRICT, RECV_ATTR_LONG(MAIL_ATTR_RCPT_OFFSET, &offset),
                      RECV_ATTR_INT(MAIL_ATTR_STATUS, &rstat),
                      RECV_ATTR_STR(MAIL_ATTR_DSN_STATUS, dsn),
                      RECV_ATTR_STR(MAIL_ATTR_DSN_ACTION, action),
                      RECV_ATTR_STR(MAIL_ATTR_WHY, why), ATTR_TYPE_END) != 5) {
            msg_warn("%s: bad or missing delivery result from %s", request->queue_id,
                     vstream_name(agent));
            ret = -1;
        } else if (offset != request->rcpt[i].offset ||
                   !deliver_result_ok(rstat, STR(dsn), STR(action))) {
            msg_warn("%s: malformed delivery result from %s for offset %ld", request->queue_id,
                     vstream_name(agent), offset);
            ret = -1;
        } else {
            recipient_set_result(request->rcpt + i, rstat, STR(dsn), STR(action), STR(why));
        }
    }
    if (ret == 0 && attr_scan(agent, ATTR_FLAG_STRICT, RECV_ATTR_INT(MAIL_ATTR_STATUS, status),
                              ATTR_TYPE_END) != 1) {
        msg_warn("%s: missing final status from %s", request->queue_id, vstream_name(agent));
        ret = -1;
    }
    vstring_free(dsn);
    vstring_free(action);
    vstring_free(why);
    return ret;
}
