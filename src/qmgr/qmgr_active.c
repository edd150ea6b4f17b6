/*
 * qmgr_active - active queue management: intake, and the end of each
 * delivery attempt.
 *
 * See qmgr_active.h. The order of the file operations keeps every message
 * in some queue at every instant: a message leaves active/ only by rename
 * (to deferred/ or corrupt/) or by removal after all its recipients are
 * done and any bounce log was handed over. DONE marks are fsync'ed before
 * a message changes queues. Messages are owned by this module from feed to
 * done. Diagnostics: warnings for file operations that fail; the message
 * then stays where it is and is found again by a later scan or at restart.
 */
#include "sys_defs.h"
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"

#include "bounce_client.h"
#include "mail_params.h"
#include "mail_queue.h"

#include "qmgr_active.h"
#include "qmgr_backoff.h"
#include "qmgr_log.h"
#include "qmgr_queue.h"
#include "qmgr_resolve.h"
#include "qmgr_result.h"

#define QMGR_DSN_UNAVAILABLE "4.3.0"
#define QMGR_WHY_UNAVAILABLE "mail transport unavailable"
#define QMGR_WHY_EXPIRED "message expired"

static int qmgr_active_count;

/* qmgr_active_size - messages in memory */
int
qmgr_active_size(void)
{
    return qmgr_active_count;
}

/* qmgr_active_recover - move active/ back to incoming/ */
void
qmgr_active_recover(void)
{
    DIR *dir;
    struct dirent *dp;

    if ((dir = opendir(MAIL_QUEUE_ACTIVE)) == 0) {
        msg_warn("open queue directory %s: %s", MAIL_QUEUE_ACTIVE, strerror(errno));
        return;
    }
    while ((dp = readdir(dir)) != 0) {
        if (!mail_queue_id_ok(dp->d_name))
            continue;
        if (mail_queue_rename(dp->d_name, MAIL_QUEUE_ACTIVE, MAIL_QUEUE_INCOMING) < 0)
            msg_warn("%s: move from %s to %s: %s", dp->d_name, MAIL_QUEUE_ACTIVE,
                     MAIL_QUEUE_INCOMING, strerror(errno));
        else if (msg_verbose)
            msg_info("%s: recovered from %s", dp->d_name, MAIL_QUEUE_ACTIVE);
    }
    closedir(dir);
}

/* qmgr_active_corrupt - move an unreadable file to corrupt/ */
static void
qmgr_active_corrupt(QMGR_MESSAGE *message, const char *why)
{
    msg_warn("%s: malformed queue file: %s", message->queue_id, why);
    if (message->fp) {
        (void)vstream_fclose(message->fp);
        message->fp = 0;
    }
    if (mail_queue_rename(message->queue_id, MAIL_QUEUE_ACTIVE, MAIL_QUEUE_CORRUPT) < 0)
        msg_warn("%s: move from %s to %s: %s", message->queue_id, MAIL_QUEUE_ACTIVE,
                 MAIL_QUEUE_CORRUPT, strerror(errno));
    else
        msg_warn("saving corrupt file \"%s\" from queue \"%s\" to queue \"%s\"", message->queue_id,
                 MAIL_QUEUE_ACTIVE, MAIL_QUEUE_CORRUPT);
    qmgr_message_free(message);
}

/* qmgr_active_resolve_one - route one recipient, or defer it at once */
static void
qmgr_active_resolve_one(QMGR_MESSAGE *message, int index, const QMGR_RESOLVE_CONF *conf,
                        VSTRING *transport, VSTRING *nexthop, time_t now)
{
    QMGR_TRANSPORT *tp;

    if (qmgr_resolve_addr(message->rcpt[index].address, conf, transport, nexthop) ==
            QMGR_RESOLVE_ERROR ||
        !qmgr_transport_endpoint_ok(STR(transport))) {
        qmgr_result_defer(message, index, QMGR_DSN_UNAVAILABLE, QMGR_WHY_UNAVAILABLE,
                          QMGR_RESULT_LOG);
        return;
    }
    tp = qmgr_transport_lookup(STR(transport));
    if (tp->dead_until > now) {
        qmgr_result_defer(message, index, QMGR_DSN_UNAVAILABLE, QMGR_WHY_UNAVAILABLE,
                          QMGR_RESULT_LOG);
        return;
    }
    qmgr_queue_add(tp, message, index, STR(nexthop));
}

/* qmgr_active_resolve - route every recipient that is still to do */
static void
qmgr_active_resolve(QMGR_MESSAGE *message)
{
    QMGR_RESOLVE_CONF conf;
    VSTRING *transport = vstring_alloc(20);
    VSTRING *nexthop = vstring_alloc(100);
    time_t now = time((time_t *)0);
    int i;

    conf.mydestination = var_mydestination;
    conf.myhostname = var_myhostname;
    conf.local_transport = var_local_transport;
    conf.default_transport = var_default_transport;
    for (i = 0; i < message->rcpt_count; i++)
        if (message->rcpt[i].state == QMGR_RCPT_TODO)
            qmgr_active_resolve_one(message, i, &conf, transport, nexthop, now);
    vstring_free(transport);
    vstring_free(nexthop);
}

/* qmgr_active_remove_log - remove a per-message log, if there is one */
static void
qmgr_active_remove_log(const char *queue, const char *id)
{
    if (mail_queue_remove(queue, id) < 0 && errno != ENOENT)
        msg_warn("%s: remove %s log: %s", id, queue, strerror(errno));
}

/* qmgr_active_open - take QUEUE/ID into active/ and open it */
static VSTREAM *
qmgr_active_open(const char *queue, const char *id)
{
    VSTREAM *fp;

    if (mail_queue_move(id, queue, MAIL_QUEUE_ACTIVE) < 0) {
        if (errno != ENOENT)
            msg_warn("%s: move from %s to %s: %s", id, queue, MAIL_QUEUE_ACTIVE, strerror(errno));
        return 0;
    }
    if ((fp = mail_queue_open(MAIL_QUEUE_ACTIVE, id, O_RDWR, 0)) == 0) {
        msg_warn("%s: open %s file: %s", id, MAIL_QUEUE_ACTIVE, strerror(errno));
        if (mail_queue_move(id, MAIL_QUEUE_ACTIVE, queue) < 0)
            msg_warn("%s: move back to %s: %s", id, queue, strerror(errno));
    }
    return fp;
}

/* qmgr_active_feed - take one message into the active queue */
void
qmgr_active_feed(const char *queue, const char *id)
{
    QMGR_MESSAGE *message;
    VSTRING *why;
    VSTREAM *fp;
    struct timeval now;

    if ((fp = qmgr_active_open(queue, id)) == 0)
        return;
    message = qmgr_message_alloc(queue, id);
    message->fp = fp;
    gettimeofday(&now, (struct timezone *)0);
    message->active_sec = now.tv_sec;
    message->active_usec = now.tv_usec;
    why = vstring_alloc(100);
    if (qmgr_message_read(message, fp, why) < 0) {
        qmgr_active_corrupt(message, STR(why));
        vstring_free(why);
        return;
    }
    vstring_free(why);
    qmgr_active_count++;
    qmgr_active_remove_log(MAIL_QUEUE_DEFER, id);
    qmgr_log_active(message);
    message->refcount++; /* hold the message while routing */
    qmgr_active_resolve(message);
    message->refcount--;
    if (message->refcount == 0)
        qmgr_active_done(message);
}

/* qmgr_active_pending - recipients that still need an attempt */
static int
qmgr_active_pending(const QMGR_MESSAGE *message)
{
    return message->rcpt_count - qmgr_message_count(message, QMGR_RCPT_DONE);
}

/* qmgr_active_expire - turn every deferred recipient into a bounce */
static void
qmgr_active_expire(QMGR_MESSAGE *message)
{
    QMGR_RCPT *rcpt;
    int i;

    qmgr_log_expired(message);
    for (i = 0; i < message->rcpt_count; i++) {
        rcpt = message->rcpt + i;
        if (rcpt->state == QMGR_RCPT_DONE)
            continue;
        qmgr_result_bounce(message, i, rcpt->dsn_status ? rcpt->dsn_status : "4.0.0",
                           rcpt->reason ? rcpt->reason : QMGR_WHY_EXPIRED);
    }
}

/* qmgr_active_flush - hand the bounce log to the bounce service */
static int
qmgr_active_flush(QMGR_MESSAGE *message)
{
    VSTRING *path = vstring_alloc(100);
    struct stat st;
    int have_log;
    int status;

    have_log = stat(mail_queue_path(path, MAIL_QUEUE_BOUNCE, message->queue_id), &st) == 0;
    if (!have_log && errno != ENOENT) {
        /* Unknown: keep the message rather than drop a notification. */
        msg_warn("%s: %s: %s; will try again later", message->queue_id, STR(path), strerror(errno));
        vstring_free(path);
        return -1;
    }
    vstring_free(path);
    if (!have_log)
        return 0;
    if (message->fp && vstream_fflush(message->fp) == VSTREAM_EOF)
        msg_warn("%s: flush queue file: %s", message->queue_id, strerror(errno));
    status =
        bounce_flush(MAIL_QUEUE_ACTIVE, message->queue_id, message->sender, message->arrival_sec);
    if (status != 0) {
        msg_warn("%s: bounce service failed (status %d); will try again later", message->queue_id,
                 status);
        return -1;
    }
    qmgr_active_remove_log(MAIL_QUEUE_BOUNCE, message->queue_id);
    return 0;
}

/*
 * qmgr_active_close - close the queue file, with its DONE marks durable
 * when the message stays queued. A file about to be removed needs no
 * fsync: if a crash undoes the removal, the lost marks only mean a second
 * delivery (at least once), and a bounce log entry is always fsync'ed
 * before its recipient is marked.
 */
static void
qmgr_active_close(QMGR_MESSAGE *message, int durable)
{
    if (message->fp == 0)
        return;
    if (durable && vstream_fsync(message->fp) == VSTREAM_EOF)
        msg_warn("%s: sync queue file: %s", message->queue_id, strerror(errno));
    if (vstream_fclose(message->fp) == VSTREAM_EOF)
        msg_warn("%s: close queue file: %s", message->queue_id, strerror(errno));
    message->fp = 0;
}

/* qmgr_active_remove - all done: remove the message and its logs */
static void
qmgr_active_remove(QMGR_MESSAGE *message)
{
    qmgr_active_close(message, 0);
    qmgr_active_remove_log(MAIL_QUEUE_DEFER, message->queue_id);
    if (mail_queue_remove(MAIL_QUEUE_ACTIVE, message->queue_id) < 0) {
        msg_warn("%s: remove %s file: %s", message->queue_id, MAIL_QUEUE_ACTIVE, strerror(errno));
        return;
    }
    qmgr_log_removed(message);
}

/* qmgr_active_defer - move the message to deferred/ until its next attempt */
static void
qmgr_active_defer(QMGR_MESSAGE *message, time_t now)
{
    VSTRING *path = vstring_alloc(100);
    struct timeval times[2];
    int delay;

    qmgr_active_close(message, 1);
    delay = qmgr_backoff_delay(now, (time_t)message->arrival_sec, var_minimal_backoff_time,
                               var_maximal_backoff_time);
    times[0].tv_sec = times[1].tv_sec = now + delay;
    times[0].tv_usec = times[1].tv_usec = 0;
    if (utimes(mail_queue_path(path, MAIL_QUEUE_ACTIVE, message->queue_id), times) < 0)
        msg_warn("%s: set next attempt time: %s", message->queue_id, strerror(errno));
    if (mail_queue_rename(message->queue_id, MAIL_QUEUE_ACTIVE, MAIL_QUEUE_DEFERRED) < 0)
        msg_warn("%s: move from %s to %s: %s", message->queue_id, MAIL_QUEUE_ACTIVE,
                 MAIL_QUEUE_DEFERRED, strerror(errno));
    else if (msg_verbose)
        msg_info("%s: deferred for %ds", message->queue_id, delay);
    vstring_free(path);
}

/* qmgr_active_done - the end of a message's delivery attempt */
void
qmgr_active_done(QMGR_MESSAGE *message)
{
    time_t now = time((time_t *)0);
    int lifetime;
    int flushed;

    if (message->refcount != 0)
        msg_panic("qmgr_active_done: %s still has %d entries", message->queue_id,
                  message->refcount);
    lifetime = qmgr_backoff_lifetime(message->sender, var_maximal_queue_lifetime,
                                     var_bounce_queue_lifetime);
    if (qmgr_active_pending(message) > 0 &&
        qmgr_backoff_expired(now, (time_t)message->arrival_sec, lifetime))
        qmgr_active_expire(message);
    flushed = qmgr_active_flush(message);
    if (flushed == 0 && qmgr_active_pending(message) == 0)
        qmgr_active_remove(message);
    else
        qmgr_active_defer(message, now);
    qmgr_active_count--;
    qmgr_message_free(message);
}
