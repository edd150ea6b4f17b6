/*
 * bounce.h - internal interfaces of the bounce daemon.
 *
 * BOUNCE_NOTICE describes one notification: the message it reports on
 * (queue ID, original sender, arrival time, the queue file), the failed
 * recipients read from bounce/ID, and the reporting host. The composer
 * (bounce_notify.c) turns it into the content records of an RFC 3464
 * multipart/report; the service (bounce_service.c) reads the request,
 * gathers the facts, picks who gets the notice, submits it through
 * cleanup and answers qmgr.
 */
#ifndef BOUNCE_H
#define BOUNCE_H

#include "sys_defs.h"
#include <time.h>

#include "vstream.h"
#include "vstring.h"

typedef struct BOUNCE_RCPT {
    char *address;
    char *orig_address; /* may be empty */
    char *dsn_status;   /* "5.1.1" */
    char *action;       /* "failed" */
    char *reason;
} BOUNCE_RCPT;

typedef struct BOUNCE_NOTICE {
    const char *queue_id;  /* of the message reported on */
    const char *sender;    /* its envelope sender */
    long arrival;          /* its arrival time */
    const char *hostname;  /* Reporting-MTA, From: domain */
    const char *notify_to; /* To: of the notification */
    int postmaster_copy;   /* to the postmaster, not the sender */
    long size_limit;       /* bounce_size_limit */
    time_t now;
    VSTREAM *queue_fp; /* the queue file, or NULL when unavailable */
    BOUNCE_RCPT *rcpt;
    int rcpt_count;
} BOUNCE_NOTICE;

/* bounce_notify.c */
extern int bounce_notify_write(VSTREAM *dst, const BOUNCE_NOTICE *notice);
extern VSTRING *bounce_notify_date(VSTRING *buf, time_t when);
extern VSTRING *bounce_notify_boundary(VSTRING *buf, const BOUNCE_NOTICE *notice);

/* bounce_service.c */
extern void bounce_service_request(VSTREAM *client);
extern int bounce_service_flush(const char *queue, const char *id, const char *sender,
                                long arrival);
extern void bounce_rcpt_free(BOUNCE_RCPT *rcpt, int count);

#endif
