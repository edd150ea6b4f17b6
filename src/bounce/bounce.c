/*
 * bounce - the postern delivery status notification service.
 *
 * SYNOPSIS
 *   bounce -c CONFIG_DIR -n bounce -t unix  (started by master)
 *   master.cf:  bounce  unix  -  -  n  -  0  bounce
 *               defer   unix  -  -  n  -  0  bounce
 *
 * DESCRIPTION
 *   When qmgr has recorded permanent failures of a message's recipients in
 *   bounce/ID (bounce_log.h), it asks this service over private/bounce to
 *   tell the sender: { request=flush, queue_name, queue_id, sender,
 *   arrival_time } (bounce_client.h). bounce reads the log and the queued
 *   original, composes an RFC 3464 multipart/report (an explanation, the
 *   machine-readable delivery-status part, and the original message, or
 *   only its header when it is larger than bounce_size_limit) and hands it
 *   to cleanup as a new message from the null sender. It answers status 0
 *   once cleanup has the new message safely queued; then qmgr may remove
 *   the log and the original. Any failure answers non-zero and qmgr tries
 *   again later, so a notification is never lost, at worst sent twice.
 *
 *   A failed notification (null sender) is reported to
 *   2bounce_notice_recipient (postmaster) from the double-bounce sender;
 *   when that too fails, it is dropped with a log line. The same program
 *   serves private/defer with the same request; delay warnings are not
 *   implemented yet. See docs/bounce.md.
 *
 * SECURITY
 *   bounce runs as mail_owner (the skeleton drops privileges) and may run
 *   chrooted in the queue directory. It reads queue files and bounce logs
 *   written by postern itself; the only outside text it handles is
 *   addresses and remote reasons, which it makes printable ASCII before
 *   putting them into the report, and the original message, which it
 *   copies without interpreting it.
 *
 * STANDARDS
 *   RFC 3461/3464 (delivery status notifications), RFC 3462/6522
 *   (multipart/report), RFC 3463 (enhanced status codes), RFC 3834
 *   (Auto-Submitted), RFC 5322 (message format).
 *
 * LOGGING
 *   ID: sender non-delivery notification: NEWID
 *   ID: postmaster non-delivery notification: NEWID
 *   ID: undeliverable postmaster notification discarded
 *   warning: ID: cannot queue the non-delivery notification: REASON
 *
 * Memory ownership: each request's data is freed before the next one.
 */
#include "sys_defs.h"

#include "vstream.h"

#include "mail_server.h"

#include "bounce.h"

/* bounce_service - serve one connection from qmgr */
static void
bounce_service(VSTREAM *client, const char *service, char **argv)
{
    (void)service;
    (void)argv;
    bounce_service_request(client);
}

/* main - hand the work to the single-connection server skeleton */
int
main(int argc, char **argv)
{
    single_server_main(argc, argv, bounce_service, MAIL_SERVER_END);
}
