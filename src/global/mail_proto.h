/*
 * mail_proto - names of the internal services and of the attributes that
 * postern's processes exchange (see attr.h for the wire format).
 *
 * Every server announces its protocol first: one attribute list holding
 * MAIL_ATTR_PROTO (e.g. "cleanup"). mail_connect() opens
 * $queue_directory/CLASS/SERVICE, reads and checks that announcement, and
 * returns a stream with an ipc_timeout; NULL (with a warning) on failure.
 * mail_connect_quiet() says nothing when the service is not running
 * (postqueue tells the user itself).
 * mail_trigger() sends a one-byte wakeup request to a trigger service.
 */
#ifndef MAIL_PROTO_H
#define MAIL_PROTO_H

#include "sys_defs.h"
#include "vstream.h"
#include "attr.h"

#define MAIL_CLASS_PUBLIC "public"
#define MAIL_CLASS_PRIVATE "private"

#define MAIL_SERVICE_CLEANUP "cleanup"
#define MAIL_SERVICE_PICKUP "pickup"
#define MAIL_SERVICE_QUEUE "qmgr"
#define MAIL_SERVICE_LOCAL "local"
#define MAIL_SERVICE_BOUNCE "bounce"
#define MAIL_SERVICE_DEFER "defer"
#define MAIL_SERVICE_SHOWQ "showq"

/* Protocol announcements. */
#define MAIL_PROTO_CLEANUP "cleanup"
#define MAIL_PROTO_DELIVER "delivery"
#define MAIL_PROTO_BOUNCE "bounce"
#define MAIL_PROTO_SHOWQ "showq"

/* showq requests: { request=list, format=text|json } (showq_format.h). */
#define SHOWQ_REQ_LIST "list"

/* qmgr and pickup trigger requests (one byte each). */
#define TRIGGER_REQ_WAKEUP 'W'
#define QMGR_REQ_SCAN_INCOMING 'I'
#define QMGR_REQ_SCAN_DEFERRED 'D'
#define QMGR_REQ_SCAN_ALL 'A'
#define QMGR_REQ_FLUSH_DEAD 'F'

/* Attribute names. */
#define MAIL_ATTR_PROTO "protocol"
#define MAIL_ATTR_REQ "request"
#define MAIL_ATTR_FLAGS "flags"
#define MAIL_ATTR_STATUS "status"
#define MAIL_ATTR_WHY "reason"
#define MAIL_ATTR_QUEUE "queue_name"
#define MAIL_ATTR_QUEUEID "queue_id"
#define MAIL_ATTR_OFFSET "offset"
#define MAIL_ATTR_SIZE "size"
#define MAIL_ATTR_SENDER "sender"
#define MAIL_ATTR_RCPT_COUNT "recipient_count"
#define MAIL_ATTR_RECIP "recipient"
#define MAIL_ATTR_ORCPT "original_recipient"
#define MAIL_ATTR_RCPT_OFFSET "recipient_offset"
#define MAIL_ATTR_NEXTHOP "nexthop"
#define MAIL_ATTR_ARRIVAL "arrival_time"
#define MAIL_ATTR_ARRIVAL_USEC "arrival_usec"
#define MAIL_ATTR_ACTIVE "active_time"
#define MAIL_ATTR_ACTIVE_USEC "active_usec"
#define MAIL_ATTR_DSN_STATUS "dsn_status"
#define MAIL_ATTR_DSN_ACTION "action"
#define MAIL_ATTR_LOG_IDENT "log_ident"
#define MAIL_ATTR_TIME "time"
#define MAIL_ATTR_UID "uid"
#define MAIL_ATTR_FORMAT "format"

/* Status codes in replies. */
#define MAIL_STAT_OK 0
#define MAIL_STAT_DEFER 1
#define MAIL_STAT_BOUNCE 2

extern VSTREAM *mail_connect(const char *class, const char *service, const char *proto);
/* The same, but a failed connect is no warning (errno says why). */
extern VSTREAM *mail_connect_quiet(const char *class, const char *service, const char *proto);
extern int mail_announce(VSTREAM *stream, const char *proto);
extern int mail_trigger(const char *class, const char *service, int request);
/* Several request bytes in one write (len < 0: strlen(buf)); 0 or -1. */
extern int mail_trigger_buf(const char *class, const char *service, const char *buf, ssize_t len);

#endif
