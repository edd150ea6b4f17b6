/*
 * queue_envelope - read the envelope of a queue file (or of a maildrop
 * file) into memory, skipping the message content.
 *
 * queue_env_read(fp, env, why) reads from the start of fp: SIZE, TIME,
 * FULL, FLGS, ATTR, FROM, WARN, (ORCP) RCPT/DONE until MESG, jumps over
 * the content to XTRA (with the offset in the MESG record, or by reading
 * through when there is none), then the extracted (ORCP) RCPT/DONE
 * records until END. Recipients still to be delivered (RCPT) are kept
 * with their original address and record offset; DONE ones are counted.
 * It returns 0, or -1 with the reason in why for a malformed or truncated
 * file (only rec_get() logs, for records it cannot read). Fields that the
 * file lacks stay zero/empty and their have_* flag is 0. maildrop files
 * have no SIZE record; their MESG record is empty (or 0): no offset.
 *
 * Memory: queue_env_alloc() and queue_env_free(); the QUEUE_ENV owns
 * its strings. queue_env_read() resets the QUEUE_ENV first.
 */
#ifndef QUEUE_ENVELOPE_H
#define QUEUE_ENVELOPE_H

#include "sys_defs.h"
#include "vstream.h"
#include "vstring.h"

typedef struct QUEUE_ENV_RCPT {
    char *orig_addr; /* ORCP, or the address itself */
    char *address;
    long offset; /* of the RCPT record */
} QUEUE_ENV_RCPT;

typedef struct QUEUE_ENV {
    int have_size;
    long content_size, data_offset, rcpt_total, size_flags; /* SIZE fields */
    int have_time;
    long arrival_sec, arrival_usec;
    int have_sender;
    VSTRING *sender;   /* internal form; empty for the null sender */
    VSTRING *fullname; /* FULL, or empty */
    long warn_time;    /* WARN, or 0 */
    int rcpt_count;    /* pending recipients */
    QUEUE_ENV_RCPT *rcpt;
    int done_count; /* DONE records */
    int complete;   /* the END record was seen */
} QUEUE_ENV;

extern QUEUE_ENV *queue_env_alloc(void);
extern void queue_env_free(QUEUE_ENV *env);
extern int queue_env_read(VSTREAM *fp, QUEUE_ENV *env, VSTRING *why);

#endif
