/*
 * local - the postern local delivery agent.
 *
 * SYNOPSIS
 *   local -c CONFIG_DIR -n local -t unix  (started by master)
 *   master.cf:  local  unix  -  n  n  -  -  local
 *
 * DESCRIPTION
 *   local receives delivery requests from qmgr over private/local (the
 *   protocol of deliver_request.h), one connection at a time. For each
 *   recipient it finds the account that the local part names and appends
 *   the message to that user's mailbox: a UNIX mbox file in
 *   mail_spool_directory (the default), an mbox or a Maildir below the
 *   home directory (home_mailbox), then answers qmgr with one result per
 *   recipient: delivered (2.0.0), deferred (4.X.X, qmgr retries later) or
 *   bounced (5.X.X, qmgr sends a notification). A delivery counts as done
 *   only after the mailbox file was fsync()ed. Not implemented yet:
 *   aliases, .forward files, delivery to commands and files,
 *   mailbox_command, mailbox_transport, luser_relay, biff.
 *
 *   The details of each step are in local_recipient.c (recipient -> user
 *   -> mailbox), local_mbox.c (locking and appending), local_maildir.c and
 *   local_copy.c (the written headers and the From_ quoting), and in
 *   docs/local.md.
 *
 * SECURITY
 *   local runs as root (MAIL_SERVER_PRIVILEGED) because it must write into
 *   mailboxes of many users. It takes the recipient's effective uid/gid
 *   (and a one-group supplementary list) for every file operation in the
 *   home directory and for writing a spool mailbox; only creating/opening
 *   the spool mailbox and its dot-lock runs as root, on a path built from
 *   an existing account name, with O_NOFOLLOW, and the opened file must be
 *   a regular file with one link owned by the recipient. local does not
 *   parse the message beyond looking for Delivered-To: headers; its input
 *   comes from qmgr and the queue file, both trusted. Started by a user
 *   other than root (a private instance), it never changes identity and
 *   delivers everything as that user.
 *
 * STANDARDS
 *   RFC 5322 (Return-Path, the header fields it prepends), RFC 3463
 *   (enhanced status codes), the Maildir convention, the mbox "From_"
 *   convention (lines starting with "From " are quoted as ">From ").
 *
 * LOGGING
 *   One line per recipient, built by log_delivery:
 *     ID: to=<u@example.com>, relay=local, delay=0.08,
 *       delays=0.03/0.01/0/0.04, dsn=2.0.0, status=sent (delivered to mailbox)
 *     ID: to=<x@example.com>, relay=local, ..., dsn=5.1.1, status=bounced
 *       (unknown user: "x")
 *   (each on one line). Warnings for foreign-owned mailboxes, lock files
 *   that cannot be made, Maildir permission problems.
 *
 * Memory ownership: the request belongs to the service function and is
 * freed by deliver_request_done().
 */
#include "sys_defs.h"

#include "lock.h"
#include "msg.h"
#include "vstream.h"

#include "deliver_request.h"
#include "log_delivery.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_server.h"

#include "local.h"

/* local_service - serve one delivery request from qmgr */
static void
local_service(VSTREAM *client, const char *service, char **argv)
{
    DELIVER_REQUEST *request;
    int i;

    (void)service;
    (void)argv;
    if ((request = deliver_request_read(client)) == 0)
        return;
    for (i = 0; i < request->rcpt_count; i++) {
        local_deliver_recipient(request, request->rcpt + i);
        log_delivery_recipient(request, request->rcpt + i, "local");
    }
    (void)deliver_request_done(client, request, 0);
}

/* local_pre_init - check the mailbox lock setting while still privileged */
static void
local_pre_init(const char *service, char **argv)
{
    LOCAL_MBOX_CONFIG config;

    (void)service;
    (void)argv;
    local_mbox_config_init(&config); /* fatal on a bad mailbox_delivery_lock */
    dot_lock_stale_time = var_stale_lock_time;
}

/* main - hand the work to the single-connection server skeleton */
int
main(int argc, char **argv)
{
    single_server_main(argc, argv, local_service, MAIL_SERVER_PRE_INIT, local_pre_init,
                       MAIL_SERVER_PRIVILEGED, MAIL_SERVER_END);
}
