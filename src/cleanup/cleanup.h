/*
 * cleanup.h - internal interface of the cleanup daemon's modules.
 *
 * A CLEANUP_STATE holds everything cleanup knows about the one message that
 * it is receiving: the queue file it writes (dst), the client's flags, the
 * envelope so far, the header being collected and the error bits
 * (CLEANUP_STAT_*) found so far. cleanup.c creates one per connection;
 * unit tests create one on a plain temporary file.
 *
 * Use: state = cleanup_state_alloc(dst, queue_id, flags, when); then
 * cleanup_record(state, type, data, len) for every record that the client
 * sends (cleanup_envelope.c dispatches by stage); after END,
 * cleanup_finish(state) writes the trailer (XTRA recipients, END) and
 * rewrites the fixed-width SIZE and MESG records in place, and returns the
 * error bits (0: the file is complete and may be committed). The caller
 * commits or aborts the queue file and frees the state.
 *
 * Modules: cleanup_state.c (alloc/free), cleanup_envelope.c (record
 * dispatch and the envelope), cleanup_message.c (the content: header
 * assembly and processing, body), cleanup_header.c (header names and the
 * headers that cleanup makes), cleanup_addr.c (address canonicalisation,
 * recipients, duplicate filter), cleanup_out.c (queue file records),
 * cleanup_bounce.c (returning a rejected local submission).
 *
 * Memory: the state owns every string in it; cleanup_state_free() releases
 * them but does not close dst. Errors never abort: a bad record or a limit
 * sets a bit in state->errs and later records are read and discarded.
 *
 * Returned submissions: when a local submission fails in its content
 * (CLEANUP_STAT_RETURNABLE, after MESG) state->bounce is set; the envelope
 * and trailer are still written (the content only while the message is
 * whole), cleanup_finish() completes the file, and cleanup_bounce() logs
 * every recipient in bounce/ID and marks it done (cleanup_bounce.c).
 */
#ifndef CLEANUP_H
#define CLEANUP_H

#include "sys_defs.h"
#include "vstream.h"
#include "vstring.h"
#include "argv.h"
#include "htable.h"

#include <time.h>

/* Where a message is, between its first and last record. */
typedef enum CLEANUP_STAGE {
    CLEANUP_STAGE_ENVELOPE,  /* TIME FULL ATTR FROM ORCP RCPT, until MESG */
    CLEANUP_STAGE_HEADER,    /* primary message header */
    CLEANUP_STAGE_BODY,      /* after the header, until XTRA */
    CLEANUP_STAGE_EXTRACTED, /* after XTRA, until END */
    CLEANUP_STAGE_DONE,      /* END seen */
} CLEANUP_STAGE;

/* Bits in headers_seen: the headers whose absence cleanup may repair. */
#define CLEANUP_HDR_DATE (1 << 0)
#define CLEANUP_HDR_MESSAGE_ID (1 << 1)
#define CLEANUP_HDR_FROM (1 << 2)
#define CLEANUP_HDR_RESENT_DATE (1 << 3)
#define CLEANUP_HDR_RESENT_MESSAGE_ID (1 << 4)
#define CLEANUP_HDR_RESENT_FROM (1 << 5)

/* Header kinds that cleanup acts on (cleanup_header_kind). */
typedef enum CLEANUP_HDR_KIND {
    CLEANUP_KIND_OTHER,
    CLEANUP_KIND_RECEIVED,
    CLEANUP_KIND_DATE,
    CLEANUP_KIND_MESSAGE_ID,
    CLEANUP_KIND_FROM,
    CLEANUP_KIND_TO,
    CLEANUP_KIND_CC,
    CLEANUP_KIND_BCC,
    CLEANUP_KIND_RESENT_DATE,
    CLEANUP_KIND_RESENT_MESSAGE_ID,
    CLEANUP_KIND_RESENT_FROM,
    CLEANUP_KIND_RESENT_TO,
    CLEANUP_KIND_RESENT_CC,
    CLEANUP_KIND_RESENT_BCC,
    CLEANUP_KIND_RESENT_OTHER,
} CLEANUP_HDR_KIND;

typedef struct CLEANUP_STATE {
    VSTREAM *dst; /* queue file being written (not owned) */
    char *queue_id;
    int flags;       /* CLEANUP_FLAG_* from the client */
    int errs;        /* CLEANUP_STAT_* bits */
    VSTRING *reason; /* text for the client when errs != 0 */
    CLEANUP_STAGE stage;
    VSTRING *temp; /* scratch */
    /* Envelope. */
    long arrival_sec;
    long arrival_usec;
    int time_seen;
    char *fullname;
    char *sender;     /* canonical, internal form; NULL before FROM */
    char *uid;        /* "uid" attribute: the submitting user */
    char *orig_rcpt;  /* ORCP waiting for its RCPT */
    long rcpt_count;  /* RCPT records written */
    char *first_rcpt; /* for log lines */
    HTABLE *dups;     /* duplicate filter */
    /* Content. */
    VSTRING *header;      /* logical header being collected, lines end in \n */
    int at_line_start;    /* next content record starts a physical line */
    int header_truncated; /* header_size_limit hit for this header */
    int hop_count;
    int headers_seen; /* CLEANUP_HDR_* */
    int resent;       /* a Resent- header was seen */
    int message_id_logged;
    ARGV *extract_plain;  /* from To/Cc/Bcc (sendmail -t) */
    ARGV *extract_resent; /* from Resent-To/Cc/Bcc */
    ARGV *extracted;      /* recipients to write after XTRA */
    long content_length;  /* bytes of content written, newlines included */
    off_t body_offset;    /* file offset where the body starts; -1 before */
    long header_length;   /* content_length at body_offset */
    /* Returning a rejected local submission to its sender (cleanup_bounce.c). */
    int bounce;     /* the queue file is kept, to be bounced */
    int reason_bit; /* the CLEANUP_STAT_* bit that gave the reason */
    /* Fixed-width records rewritten at the end. */
    off_t size_offset;
    off_t mesg_offset;
    off_t data_offset;
    off_t xtra_offset;
} CLEANUP_STATE;

/*
 * Errors for which a local submission (CLEANUP_FLAG_LOCAL) that failed in
 * its content is queued anyway, every recipient bounced: the submitter has
 * no other way to learn about them.
 */
#define CLEANUP_STAT_RETURNABLE                                                                    \
    (CLEANUP_STAT_SIZE | CLEANUP_STAT_HOPS | CLEANUP_STAT_CONT | CLEANUP_STAT_BAD)

/* The queue file is still written: no error, or one that will be bounced. */
#define CLEANUP_OUT_OK(state) ((state)->errs == CLEANUP_STAT_OK || (state)->bounce)

/* cleanup_state.c */
extern CLEANUP_STATE *cleanup_state_alloc(VSTREAM *dst, const char *queue_id, int flags);
extern void cleanup_state_free(CLEANUP_STATE *state);
extern void cleanup_state_error(CLEANUP_STATE *state, int bit, const char *reason);

/* cleanup_envelope.c */
extern void cleanup_record(CLEANUP_STATE *state, int type, const char *data, ssize_t len);
extern int cleanup_finish(CLEANUP_STATE *state);

/* cleanup_message.c */
extern void cleanup_message_start(CLEANUP_STATE *state);
extern void cleanup_message_record(CLEANUP_STATE *state, int type, const char *data, ssize_t len);
extern void cleanup_message_end(CLEANUP_STATE *state);

/* cleanup_header.c */
extern ssize_t cleanup_header_name_len(const char *line, ssize_t len);
extern CLEANUP_HDR_KIND cleanup_header_kind(const char *name, ssize_t len);
extern int cleanup_header_dropped(const char *name, ssize_t len);
extern VSTRING *cleanup_header_date(VSTRING *buf, time_t when);
extern VSTRING *cleanup_header_message_id(VSTRING *buf, time_t when, const char *queue_id,
                                          const char *hostname);
extern VSTRING *cleanup_header_from(VSTRING *buf, const char *fullname, const char *sender);
extern VSTRING *cleanup_header_received(VSTRING *buf, const char *hostname, const char *uid,
                                        const char *queue_id, time_t when);
extern const char *cleanup_hostname(void);

/* cleanup_addr.c */
extern VSTRING *cleanup_addr_canon(VSTRING *result, const char *addr);
extern void cleanup_addr_sender(CLEANUP_STATE *state, const char *addr);
extern void cleanup_addr_recipient(CLEANUP_STATE *state, const char *orig, const char *addr);
extern void cleanup_addr_extracted(CLEANUP_STATE *state, const char *addr);
extern int cleanup_addr_ok(const char *addr);

/* cleanup_out.c */
extern void cleanup_out(CLEANUP_STATE *state, int type, const char *data, ssize_t len);
extern void cleanup_out_string(CLEANUP_STATE *state, int type, const char *str);
extern void cleanup_out_text(CLEANUP_STATE *state, const char *text, ssize_t len);
extern void cleanup_out_start(CLEANUP_STATE *state);
extern void cleanup_out_mesg(CLEANUP_STATE *state);
extern void cleanup_out_xtra(CLEANUP_STATE *state);
extern void cleanup_out_end(CLEANUP_STATE *state);
extern void cleanup_out_truncate(CLEANUP_STATE *state);

/* cleanup_bounce.c */
extern const char *cleanup_bounce_dsn(int bit);
extern int cleanup_bounce(CLEANUP_STATE *state);

#endif
