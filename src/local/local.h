/*
 * local.h - internal interfaces of the local delivery agent.
 *
 * LOCAL_RESULT carries one recipient's outcome (MAIL_STAT_*, DSN status,
 * reason) from the mailbox writers back to the dispatcher, which turns it
 * into recipient_set_result() and a log line. LOCAL_MESSAGE describes
 * what to write: the queue file with its content offset, and the
 * envelope facts that become the From_ line and the Return-Path,
 * X-Original-To and Delivered-To headers. LOCAL_USER is a recipient
 * account: the login name, the home directory and the rights (uid/gid)
 * that its delivery runs with.
 *
 * Modules: local_result.c (results, errno -> DSN), local_copy.c (message
 * copy, Delivered-To loop detection, dates), local_mbox.c (UNIX mailbox:
 * open, lock, append, truncate on error), local_maildir.c (Maildir),
 * local_privs.c (temporary user rights), local_recipient.c (recipient ->
 * user -> mailbox, the per-recipient dispatcher).
 */
#ifndef LOCAL_H
#define LOCAL_H

#include "sys_defs.h"
#include <time.h>

#include "vstream.h"
#include "vstring.h"
#include "deliver_request.h"

/* local_result.c */
typedef struct LOCAL_RESULT {
    int status;      /* MAIL_STAT_OK, _DEFER or _BOUNCE */
    VSTRING *dsn;    /* "2.0.0", "4.2.0", ... */
    VSTRING *reason; /* text for the log line and the bounce */
} LOCAL_RESULT;

extern LOCAL_RESULT *local_result_alloc(void);
extern void local_result_free(LOCAL_RESULT *result);
extern void local_result_set(LOCAL_RESULT *result, const char *dsn, const char *fmt, ...)
    PRINTFLIKE(3, 4);
extern void local_result_prepend(LOCAL_RESULT *result, const char *fmt, ...) PRINTFLIKE(2, 3);
extern const char *local_errno_dsn(int err, const char *def_dsn);
extern const char *local_result_action(const LOCAL_RESULT *result);

/* local_copy.c */
typedef struct LOCAL_MESSAGE {
    VSTREAM *fp;           /* the queue file */
    long data_offset;      /* its first content record */
    const char *sender;    /* envelope sender; "" for the null sender */
    const char *orig_rcpt; /* X-Original-To; NULL or "": none */
    const char *rcpt;      /* Delivered-To */
    time_t now;            /* for the From_ line */
} LOCAL_MESSAGE;

#define LOCAL_COPY_MBOX (1 << 0) /* From_ line, >From quoting, blank line */

#define LOCAL_COPY_OK 0
#define LOCAL_COPY_WRITE 1   /* write error or size limit; errno says which */
#define LOCAL_COPY_CORRUPT 2 /* the queue file could not be read */

extern int local_copy(VSTREAM *dst, const LOCAL_MESSAGE *msg, int flags, off_t limit, VSTRING *why);
extern int local_copy_delivered_to(VSTREAM *fp, long data_offset, const char *rcpt);
extern VSTRING *local_copy_ctime(VSTRING *buf, time_t when);

/* local_privs.c */
extern void local_privs_set(uid_t uid, gid_t gid);
extern void local_privs_restore(void);
extern int local_privs_root(void);

/* local_mbox.c */
typedef struct LOCAL_USER {
    const char *name; /* login name (lowercase local part) */
    const char *home;
    uid_t uid; /* delivery rights */
    gid_t gid;
} LOCAL_USER;

#define LOCAL_LOCK_FCNTL (1 << 0)
#define LOCAL_LOCK_FLOCK (1 << 1)
#define LOCAL_LOCK_DOTLOCK (1 << 2)

#define LOCAL_MBOX_SPOOL (1 << 0) /* in mail_spool_directory: open as root */

typedef struct LOCAL_MBOX_CONFIG {
    int lock_mask;     /* LOCAL_LOCK_* */
    int lock_attempts; /* deliver_lock_attempts */
    int lock_delay;    /* deliver_lock_delay, seconds */
    long size_limit;   /* mailbox_size_limit; 0: none */
    int strict_owner;  /* strict_mailbox_ownership */
} LOCAL_MBOX_CONFIG;

extern int local_lock_mask(const char *text, VSTRING *why);
extern void local_mbox_config_init(LOCAL_MBOX_CONFIG *config);
extern void local_mbox_append(int fd, const LOCAL_MESSAGE *msg, long size_limit,
                              LOCAL_RESULT *result);
extern void local_mbox_deliver(const char *path, const LOCAL_USER *user, int flags,
                               const LOCAL_MBOX_CONFIG *config, const LOCAL_MESSAGE *msg,
                               LOCAL_RESULT *result);

/* local_maildir.c */
extern const char *local_maildir_unique(VSTRING *buf, time_t when, const char *host);
extern void local_maildir_deliver(const char *path, const LOCAL_MESSAGE *msg, long size_limit,
                                  LOCAL_RESULT *result);

/* local_recipient.c */
extern const char *local_recipient_user(VSTRING *user, const char *address, const char *delimiters);
extern void local_deliver_recipient(DELIVER_REQUEST *request, RECIPIENT *rcpt);

#endif
