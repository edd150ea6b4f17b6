/*
 * showq - list the mail queue for postqueue -p, postqueue -j and mailq.
 *
 * SYNOPSIS
 *   showq -c CONFIG_DIR -n showq -t unix  (started by master)
 *   master.cf:  showq  unix  n  -  n  -  -  showq
 *
 * DESCRIPTION
 *   The queue directories belong to mail_owner and are mode 0700, so an
 *   ordinary user cannot read them. postqueue (set-gid setgid_group) can
 *   reach public/showq, the socket of this service, and asks it instead:
 *   showq announces { protocol=showq }, reads { request=list,
 *   format=text|json }, writes the listing as plain bytes (the text of
 *   postqueue -p, or the JSON lines of postqueue -j; showq_format.h) and
 *   closes the connection. postqueue copies the bytes to its stdout. A
 *   malformed or unknown request gets no listing: the connection is
 *   closed after a warning. See docs/queue.md.
 *
 * SECURITY
 *   showq runs as mail_owner (the skeleton drops privileges; nothing runs
 *   as root before that) and may run chrooted in the queue directory,
 *   though the arrival times are then in the chroot's time zone. It only
 *   reads the queue: queue files and defer logs that postern wrote. The
 *   only client input is one strict, size-limited attribute list; any
 *   local user may send it, and what it reveals (senders, recipients,
 *   sizes, delay reasons) is what Postfix's mailq shows to everyone.
 *
 * STANDARDS
 *   None (Postfix's mailq and postqueue -j output formats).
 *
 * LOGGING
 *   warning: CLIENT: bad request
 *   warning: CLIENT: unknown request "REQUEST" format "FORMAT"
 *   warning: open queue directory PATH: REASON
 *   warning: QUEUE/ID: REASON  (a queue file that cannot be listed)
 *
 * Memory ownership: each request's buffers are freed before the next one.
 */
#include "sys_defs.h"
#include <string.h>

#include "attr.h"
#include "msg.h"
#include "vstream.h"
#include "vstring.h"

#include "mail_proto.h"
#include "showq_format.h"

#include "mail_server.h"

/* showq_request - read the client's request; the format, or -1 */
static int
showq_request(VSTREAM *client)
{
    VSTRING *request = vstring_alloc(10);
    VSTRING *format_name = vstring_alloc(10);
    int format = -1;

    if (attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_STR(MAIL_ATTR_REQ, request),
                  RECV_ATTR_STR(MAIL_ATTR_FORMAT, format_name), ATTR_TYPE_END) != 2) {
        msg_warn("%s: bad request", vstream_name(client));
    } else if (strcmp(STR(request), SHOWQ_REQ_LIST) != 0 ||
               (format = showq_format_code(STR(format_name))) < 0) {
        msg_warn("%s: unknown request \"%.100s\" format \"%.100s\"", vstream_name(client),
                 STR(request), STR(format_name));
        format = -1;
    }
    vstring_free(request);
    vstring_free(format_name);
    return format;
}

/* showq_service - serve one connection from postqueue */
static void
showq_service(VSTREAM *client, const char *service, char **argv)
{
    VSTRING *why;
    int format;

    (void)service;
    (void)argv;
    if (mail_announce(client, MAIL_PROTO_SHOWQ) < 0)
        return;
    if ((format = showq_request(client)) < 0)
        return;
    why = vstring_alloc(100);
    if (showq_format_list(client, format, why) < 0)
        msg_warn("%s", STR(why));
    if (vstream_fflush(client) == VSTREAM_EOF && msg_verbose)
        msg_info("%s: client went away before the end of the listing", vstream_name(client));
    vstring_free(why);
}

/* main - hand the work to the single-connection server skeleton */
int
main(int argc, char **argv)
{
    single_server_main(argc, argv, showq_service, MAIL_SERVER_END);
}
