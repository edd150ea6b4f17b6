/*
 * bounce_client - qmgr asks the bounce service to send the delivery status
 * notification for one message.
 *
 * Over private/bounce: bounce -> client { protocol=bounce }; client ->
 * bounce { request=flush, queue_name, queue_id, sender, arrival_time };
 * bounce -> client { status } (0: the notification is queued, or was
 * deliberately discarded and logged; then the caller removes the bounce
 * log). bounce_flush() returns that status, or -1 when the service could
 * not be reached (try again later).
 */
#ifndef BOUNCE_CLIENT_H
#define BOUNCE_CLIENT_H

#include "sys_defs.h"

#define BOUNCE_REQ_FLUSH "flush"

extern int bounce_flush(const char *queue, const char *id, const char *sender, long arrival);

#endif
