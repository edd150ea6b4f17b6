/*
 * qmgr - the postern queue manager.
 *
 * SYNOPSIS
 *   qmgr [generic daemon options]   (started by master, maxproc 1)
 *
 * DESCRIPTION
 *   qmgr owns every message after cleanup has queued it. It takes messages
 *   from incoming/ (in arrival order) and from deferred/ (those whose next
 *   attempt time, the file's mtime, has come) into active/, at most
 *   $qmgr_message_active_limit at a time; routes each recipient to a
 *   transport and next hop ($mydestination, $myhostname and localhost go
 *   to $local_transport, other domains to $default_transport); and hands
 *   batches of recipients to the delivery agents over private/TRANSPORT,
 *   with at most TRANSPORT_destination_concurrency_limit deliveries per
 *   destination, TRANSPORT_destination_recipient_limit recipients per
 *   delivery, and $default_process_limit deliveries per transport. Each
 *   recipient's outcome is recorded: delivered recipients are marked done
 *   in the queue file, failed ones are written to bounce/ID and reported
 *   by the bounce service, deferred ones to defer/ID (what mailq shows).
 *   A message with recipients left goes to deferred/ with exponential
 *   backoff ($minimal_backoff_time .. $maximal_backoff_time); after
 *   $maximal_queue_lifetime ($bounce_queue_lifetime for bounces) it is
 *   returned to the sender. At start, files left in active/ are moved back
 *   to incoming/, so a crash means at worst a second delivery.
 *
 *   Requests on public/qmgr (one byte each): I scan incoming, D scan
 *   deferred, A the next deferred scan ignores time stamps (postqueue -f
 *   sends "FAD"), F forget unreachable transports, W wakeup (master's
 *   periodic trigger: incoming, and deferred when a run is due). Without
 *   requests, deferred/ is scanned every $queue_run_delay.
 *
 *   Simplifications against Postfix are listed in docs/qmgr.md.
 *
 * SECURITY
 *   Runs as mail_owner (dropped by the skeleton), optionally chrooted to
 *   queue_directory. It reads only queue files that cleanup wrote and
 *   attribute lists from postern's own agents; a malformed queue file is
 *   moved to corrupt/, an agent that breaks the protocol has its
 *   recipients deferred. It never parses mail content.
 *
 * STANDARDS
 *   None directly; DSN status codes follow RFC 3463.
 *
 * LOGGING
 *   postern/qmgr[pid]: ID: from=<sender>, size=N, nrcpt=N (queue active)
 *   postern/qmgr[pid]: ID: to=<rcpt>, relay=none, delay=D, delays=a/b/0/0,
 *       dsn=4.3.0, status=deferred (mail transport unavailable)
 *   postern/qmgr[pid]: ID: from=<sender>, status=expired, returned to sender
 *   postern/qmgr[pid]: ID: removed
 *   Warnings: malformed queue files ("saving corrupt file ..."), agents
 *   that cannot be reached or break the protocol, failed file operations.
 *
 * PARAMETERS
 *   queue_run_delay, minimal_backoff_time, maximal_backoff_time,
 *   maximal_queue_lifetime, bounce_queue_lifetime,
 *   qmgr_message_active_limit, mydestination, myhostname, local_transport,
 *   default_transport, default_destination_concurrency_limit,
 *   default_destination_recipient_limit, local_destination_concurrency_limit,
 *   local_destination_recipient_limit, TRANSPORT_destination_concurrency_limit,
 *   TRANSPORT_destination_recipient_limit, default_process_limit,
 *   transport_retry_time, delay_logging_resolution_limit.
 */
#include "sys_defs.h"

#include "mail_server.h"

#include "qmgr_control.h"

/* qmgr_service - one trigger request from public/qmgr */
static void
qmgr_service(char *buf, ssize_t len, const char *service, char **argv)
{
    (void)service;
    (void)argv;
    qmgr_control_trigger(buf, len);
}

/* qmgr_post_init - start-up work once privileges are dropped */
static void
qmgr_post_init(const char *service, char **argv)
{
    (void)service;
    (void)argv;
    qmgr_control_init();
}

/* qmgr_loop - work to do before each wait of the event loop */
static int
qmgr_loop(const char *service, char **argv)
{
    (void)service;
    (void)argv;
    return qmgr_control_loop();
}

/* main - hand control to the trigger server skeleton */
int
main(int argc, char **argv)
{
    trigger_server_main(argc, argv, qmgr_service, MAIL_SERVER_POST_INIT, qmgr_post_init,
                        MAIL_SERVER_LOOP, qmgr_loop, MAIL_SERVER_UNLIMITED, MAIL_SERVER_END);
}
