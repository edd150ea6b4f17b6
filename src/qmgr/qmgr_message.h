/*
 * qmgr_message - one message in the active queue: its envelope, its
 * recipients and their state during one delivery attempt.
 *
 * qmgr_message_alloc(queue_name, id) returns an empty message (the strings
 * are copied); qmgr_message_free() closes its queue file, if open, and
 * releases everything, the recipients included.
 *
 * qmgr_message_read(message, fp, why) reads the envelope of the queue file
 * open on fp (positioned at the start): SIZE, TIME, FROM and the
 * ORCP/RCPT/DONE records up to MESG, then the extracted segment that the
 * MESG record points to (XTRA, ORCP/RCPT/DONE, END). FULL, FLGS, ATTR and
 * WARN records are skipped. It returns 0, or -1 with the reason in why
 * for a malformed file (missing or duplicate SIZE/TIME/FROM/MESG, bad
 * numbers, a dangling ORCP, an empty recipient, no recipients at all, a
 * bad XTRA offset, an unexpected record, a truncated file, an I/O error).
 * fp stays owned by the caller: the message does not take it (the caller
 * stores it in message->fp when it wants qmgr_message_free to close it).
 * Recipients read as DONE get state QMGR_RCPT_DONE, the others
 * QMGR_RCPT_TODO.
 *
 * qmgr_message_rcpt_defer() records a recipient's temporary failure (the
 * last reason and DSN status are kept for expiry bounces);
 * qmgr_message_count(message, state) counts recipients in a state.
 */
#ifndef QMGR_MESSAGE_H
#define QMGR_MESSAGE_H

#include "sys_defs.h"
#include "vstream.h"
#include "vstring.h"

/* Recipient state within one delivery attempt. */
#define QMGR_RCPT_TODO 0  /* not yet handed to an agent */
#define QMGR_RCPT_BUSY 1  /* in a delivery entry (queued or in flight) */
#define QMGR_RCPT_DEFER 2 /* temporary failure this attempt */
#define QMGR_RCPT_DONE 3  /* delivered or bounced; DONE on disk */

typedef struct QMGR_RCPT {
    char *orig_addr;  /* original recipient (ORCP), or the address */
    char *address;    /* recipient address */
    long offset;      /* of its RCPT/DONE record */
    int state;        /* QMGR_RCPT_* */
    char *dsn_status; /* last deferral, or NULL */
    char *reason;     /* last deferral, or NULL */
} QMGR_RCPT;

/* Message flags. */
#define QMGR_MSG_FLAG_BOUNCED (1 << 0) /* a bounce log entry was written */

typedef struct QMGR_MESSAGE {
    char *queue_id;
    char *queue_name; /* queue the message was taken from */
    VSTREAM *fp;      /* active/ID, O_RDWR, or NULL */
    char *sender;     /* envelope sender; "" for the null sender */
    long arrival_sec, arrival_usec;
    long active_sec, active_usec;
    long data_offset; /* first content record (after MESG) */
    long data_size;   /* content size from SIZE */
    long nrcpt;       /* recipient count from SIZE */
    int rcpt_count;
    int rcpt_alloc;
    QMGR_RCPT *rcpt;
    int refcount; /* delivery entries holding recipients */
    int flags;    /* QMGR_MSG_FLAG_* */
} QMGR_MESSAGE;

/* Longest envelope record that qmgr accepts. */
#define QMGR_MESSAGE_REC_MAX (64 * 1024)

extern QMGR_MESSAGE *qmgr_message_alloc(const char *queue_name, const char *id);
extern void qmgr_message_free(QMGR_MESSAGE *message);
extern int qmgr_message_read(QMGR_MESSAGE *message, VSTREAM *fp, VSTRING *why);
extern void qmgr_message_rcpt_defer(QMGR_RCPT *rcpt, const char *dsn_status, const char *reason);
extern int qmgr_message_count(const QMGR_MESSAGE *message, int state);

#endif
