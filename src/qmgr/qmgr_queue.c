/*
 * qmgr_queue - the scheduler's transports, destination queues and entries.
 *
 * See qmgr_queue.h for the contract. Transports live for the life of the
 * process (there are few); a destination queue exists while it has
 * entries waiting or in flight. Everything here is owned by this module
 * except the messages, which entries only reference. Diagnostics: a
 * warning for a bad NAME_destination_*_limit value in main.cf (the default
 * is used), panics for broken invariants.
 */
#include "sys_defs.h"
#include <string.h>
#include <sys/stat.h>

#include "htable.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "mail_conf.h"
#include "mail_params.h"
#include "mail_proto.h"

#include "qmgr_queue.h"

static QMGR_TRANSPORT *qmgr_transport_head;
static QMGR_TRANSPORT *qmgr_transport_tail;
static HTABLE *qmgr_transport_table;
static int qmgr_busy_total;

/* qmgr_transport_create - make a transport with explicit limits */
QMGR_TRANSPORT *
qmgr_transport_create(const char *name, int dest_limit, int rcpt_limit, int proc_limit)
{
    QMGR_TRANSPORT *transport = mycalloc(1, sizeof(*transport));

    if (qmgr_transport_table == 0)
        qmgr_transport_table = htable_create(10);
    if (htable_find(qmgr_transport_table, name))
        msg_panic("qmgr_transport_create: duplicate transport %s", name);
    transport->name = mystrdup(name);
    transport->dest_concurrency_limit = dest_limit > 0 ? dest_limit : 1;
    transport->recipient_limit = rcpt_limit > 0 ? rcpt_limit : 1;
    transport->process_limit = proc_limit > 0 ? proc_limit : 1;
    transport->queue_table = htable_create(10);
    htable_enter(qmgr_transport_table, name, transport);
    if (qmgr_transport_tail)
        qmgr_transport_tail->next = transport;
    else
        qmgr_transport_head = transport;
    qmgr_transport_tail = transport;
    return transport;
}

/* qmgr_transport_find - find an existing transport */
QMGR_TRANSPORT *
qmgr_transport_find(const char *name)
{
    return qmgr_transport_table ? htable_find(qmgr_transport_table, name) : 0;
}

/* qmgr_transport_param - TRANSPORT_SUFFIX from main.cf, or the default */
static int
qmgr_transport_param(const char *transport, const char *suffix, int def)
{
    char *name = concatenate(transport, suffix, (char *)0);
    const char *raw = mail_conf_lookup(name);
    char *value;
    long number;
    int result = def;

    if (raw) {
        value = mail_conf_eval(raw);
        if (parse_long(value, &number) < 0 || number < 1 || number > 10000000)
            msg_warn("bad %s value \"%s\"; using %d", name, value, def);
        else
            result = (int)number;
        myfree(value);
    }
    myfree(name);
    return result;
}

/* qmgr_transport_lookup - find a transport, or create it from main.cf */
QMGR_TRANSPORT *
qmgr_transport_lookup(const char *name)
{
    QMGR_TRANSPORT *transport;
    int dest_limit;
    int rcpt_limit;

    if ((transport = qmgr_transport_find(name)) != 0)
        return transport;
    if (strcmp(name, MAIL_SERVICE_LOCAL) == 0) {
        dest_limit = var_local_destination_concurrency_limit;
        rcpt_limit = var_local_destination_recipient_limit;
    } else {
        dest_limit = qmgr_transport_param(name, "_destination_concurrency_limit",
                                          var_default_destination_concurrency_limit);
        rcpt_limit = qmgr_transport_param(name, "_destination_recipient_limit",
                                          var_default_destination_recipient_limit);
    }
    return qmgr_transport_create(name, dest_limit, rcpt_limit, var_default_process_limit);
}

/* qmgr_transport_endpoint_ok - does private/NAME exist? */
int
qmgr_transport_endpoint_ok(const char *name)
{
    char *path;
    struct stat st;
    int ok;

    if (*name == 0 || strchr(name, '/') != 0 || strcmp(name, "..") == 0)
        return 0;
    path = concatenate(MAIL_CLASS_PRIVATE, "/", name, (char *)0);
    ok = stat(path, &st) == 0;
    myfree(path);
    return ok;
}

/* qmgr_transport_forget_dead - revive every dead transport */
void
qmgr_transport_forget_dead(void)
{
    QMGR_TRANSPORT *transport;

    for (transport = qmgr_transport_head; transport; transport = transport->next)
        transport->dead_until = 0;
}

/* qmgr_transport_free_all - free all transports (their queues are empty) */
void
qmgr_transport_free_all(void)
{
    QMGR_TRANSPORT *transport;
    QMGR_TRANSPORT *next;

    for (transport = qmgr_transport_head; transport; transport = next) {
        next = transport->next;
        if (transport->queue_head)
            msg_panic("qmgr_transport_free_all: transport %s has queues", transport->name);
        htable_free(transport->queue_table, (HTABLE_FREE_FN)0);
        myfree(transport->name);
        myfree(transport);
    }
    if (qmgr_transport_table)
        htable_free(qmgr_transport_table, (HTABLE_FREE_FN)0);
    qmgr_transport_table = 0;
    qmgr_transport_head = qmgr_transport_tail = 0;
}

/* qmgr_queue_key - destination name: the recipient or the next hop */
const char *
qmgr_queue_key(VSTRING *key, const QMGR_TRANSPORT *transport, const char *nexthop,
               const char *address)
{
    vstring_strcpy(key, transport->recipient_limit == 1 ? address : nexthop);
    lowercase(STR(key));
    return STR(key);
}

/* qmgr_queue_create - add an empty destination queue to a transport */
static QMGR_QUEUE *
qmgr_queue_create(QMGR_TRANSPORT *transport, const char *name, const char *nexthop)
{
    QMGR_QUEUE *queue = mycalloc(1, sizeof(*queue));

    queue->name = mystrdup(name);
    queue->nexthop = mystrdup(nexthop);
    queue->transport = transport;
    htable_enter(transport->queue_table, name, queue);
    if (transport->queue_tail)
        transport->queue_tail->next = queue;
    else
        transport->queue_head = queue;
    transport->queue_tail = queue;
    return queue;
}

/* qmgr_queue_unlink - take a queue out of its transport's list */
static void
qmgr_queue_unlink(QMGR_QUEUE *queue)
{
    QMGR_TRANSPORT *transport = queue->transport;
    QMGR_QUEUE **qp;
    QMGR_QUEUE *prev = 0;

    for (qp = &transport->queue_head; *qp != queue; qp = &(*qp)->next) {
        if (*qp == 0)
            msg_panic("qmgr_queue_unlink: queue %s not found", queue->name);
        prev = *qp;
    }
    *qp = queue->next;
    if (transport->queue_tail == queue)
        transport->queue_tail = prev;
    queue->next = 0;
}

/* qmgr_queue_free - remove an idle, empty queue */
static void
qmgr_queue_free(QMGR_QUEUE *queue)
{
    if (queue->busy || queue->todo_head)
        msg_panic("qmgr_queue_free: queue %s is in use", queue->name);
    qmgr_queue_unlink(queue);
    htable_delete(queue->transport->queue_table, queue->name, (HTABLE_FREE_FN)0);
    myfree(queue->name);
    myfree(queue->nexthop);
    myfree(queue);
}

/* qmgr_entry_create - append a new entry for a message to a queue */
static QMGR_ENTRY *
qmgr_entry_create(QMGR_QUEUE *queue, QMGR_MESSAGE *message)
{
    QMGR_ENTRY *entry = mycalloc(1, sizeof(*entry));

    entry->message = message;
    entry->queue = queue;
    entry->rcpt_index = mymalloc(sizeof(int) * queue->transport->recipient_limit);
    message->refcount++;
    if (queue->todo_tail)
        queue->todo_tail->next = entry;
    else
        queue->todo_head = entry;
    queue->todo_tail = entry;
    return entry;
}

/* qmgr_queue_add - batch one recipient on its destination queue */
QMGR_ENTRY *
qmgr_queue_add(QMGR_TRANSPORT *transport, QMGR_MESSAGE *message, int index, const char *nexthop)
{
    VSTRING *key = vstring_alloc(100);
    QMGR_QUEUE *queue;
    QMGR_ENTRY *entry;

    if (index < 0 || index >= message->rcpt_count)
        msg_panic("qmgr_queue_add: bad recipient index %d", index);
    qmgr_queue_key(key, transport, nexthop, message->rcpt[index].address);
    if ((queue = htable_find(transport->queue_table, STR(key))) == 0)
        queue = qmgr_queue_create(transport, STR(key), nexthop);
    entry = queue->todo_tail;
    if (entry == 0 || entry->message != message || entry->rcpt_count >= transport->recipient_limit)
        entry = qmgr_entry_create(queue, message);
    entry->rcpt_index[entry->rcpt_count++] = index;
    message->rcpt[index].state = QMGR_RCPT_BUSY;
    vstring_free(key);
    return entry;
}

/* qmgr_queue_take - move the first todo entry of a queue to busy */
static QMGR_ENTRY *
qmgr_queue_take(QMGR_QUEUE *queue)
{
    QMGR_ENTRY *entry = queue->todo_head;

    if ((queue->todo_head = entry->next) == 0)
        queue->todo_tail = 0;
    entry->next = 0;
    queue->busy++;
    queue->transport->busy++;
    qmgr_busy_total++;
    return entry;
}

/* qmgr_transport_rotate - move a transport to the end of the list */
static void
qmgr_transport_rotate(QMGR_TRANSPORT *transport)
{
    QMGR_TRANSPORT **tp;

    if (transport == qmgr_transport_tail)
        return;
    for (tp = &qmgr_transport_head; *tp != transport; tp = &(*tp)->next)
        /* void */;
    *tp = transport->next;
    transport->next = 0;
    qmgr_transport_tail->next = transport;
    qmgr_transport_tail = transport;
}

/* qmgr_queue_select_from - next startable entry of one transport */
static QMGR_ENTRY *
qmgr_queue_select_from(QMGR_TRANSPORT *transport)
{
    QMGR_QUEUE *queue;

    for (queue = transport->queue_head; queue; queue = queue->next) {
        if (queue->todo_head == 0 || queue->busy >= transport->dest_concurrency_limit)
            continue;
        if (queue != transport->queue_tail) {
            qmgr_queue_unlink(queue);
            transport->queue_tail->next = queue;
            transport->queue_tail = queue;
        }
        return qmgr_queue_take(queue);
    }
    return 0;
}

/* qmgr_queue_select - next entry that may start delivery now */
QMGR_ENTRY *
qmgr_queue_select(time_t now)
{
    QMGR_TRANSPORT *transport;
    QMGR_ENTRY *entry;

    for (transport = qmgr_transport_head; transport; transport = transport->next) {
        if (transport->dead_until && transport->dead_until <= now)
            transport->dead_until = 0;
        if (transport->dead_until || transport->busy >= transport->process_limit)
            continue;
        if ((entry = qmgr_queue_select_from(transport)) != 0) {
            qmgr_transport_rotate(transport);
            return entry;
        }
    }
    return 0;
}

/* qmgr_transport_pop_todo - take any waiting entry of a transport */
QMGR_ENTRY *
qmgr_transport_pop_todo(QMGR_TRANSPORT *transport)
{
    QMGR_QUEUE *queue;

    for (queue = transport->queue_head; queue; queue = queue->next)
        if (queue->todo_head)
            return qmgr_queue_take(queue);
    return 0;
}

/* qmgr_entry_done - release a selected entry */
void
qmgr_entry_done(QMGR_ENTRY *entry)
{
    QMGR_QUEUE *queue = entry->queue;

    if (queue->busy <= 0 || queue->transport->busy <= 0 || entry->message->refcount <= 0)
        msg_panic("qmgr_entry_done: entry of %s was not busy", entry->message->queue_id);
    queue->busy--;
    queue->transport->busy--;
    qmgr_busy_total--;
    entry->message->refcount--;
    if (queue->busy == 0 && queue->todo_head == 0)
        qmgr_queue_free(queue);
    myfree(entry->rcpt_index);
    myfree(entry);
}

/* qmgr_queue_busy_total - entries in flight over all transports */
int
qmgr_queue_busy_total(void)
{
    return qmgr_busy_total;
}
