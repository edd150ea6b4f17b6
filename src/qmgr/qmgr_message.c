/*
 * qmgr_message - in-memory messages of the active queue and the reader of
 * their envelopes.
 *
 * See qmgr_message.h for the contract. The reader is deliberately strict:
 * a queue file that does not have the shape cleanup writes is reported
 * (the caller moves it to corrupt/) rather than half delivered. Every
 * string in a QMGR_MESSAGE is owned by it and freed by qmgr_message_free().
 * The reader logs nothing itself, except what rec_get() reports about
 * unreadable records; the reason for a rejection goes into `why'.
 */
#include "sys_defs.h"
#include <string.h>

#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstream.h"
#include "vstring.h"

#include "rec_type.h"
#include "record.h"

#include "qmgr_message.h"

/* Bookkeeping while reading one queue file. */
typedef struct QMGR_READ {
    int have_size;
    int have_time;
    int have_from;
    char *orcp; /* ORCP waiting for its RCPT/DONE */
} QMGR_READ;

/* qmgr_message_alloc - create an empty message */
QMGR_MESSAGE *
qmgr_message_alloc(const char *queue_name, const char *id)
{
    QMGR_MESSAGE *message = mycalloc(1, sizeof(*message));

    message->queue_id = mystrdup(id);
    message->queue_name = mystrdup(queue_name);
    message->sender = mystrdup("");
    return message;
}

/* qmgr_message_free - release a message and close its queue file */
void
qmgr_message_free(QMGR_MESSAGE *message)
{
    int i;

    if (message->fp && vstream_fclose(message->fp) == VSTREAM_EOF)
        msg_warn("%s: error closing queue file: %s", message->queue_id, strerror(errno));
    for (i = 0; i < message->rcpt_count; i++) {
        myfree(message->rcpt[i].orig_addr);
        myfree(message->rcpt[i].address);
        myfree(message->rcpt[i].dsn_status);
        myfree(message->rcpt[i].reason);
    }
    myfree(message->rcpt);
    myfree(message->queue_id);
    myfree(message->queue_name);
    myfree(message->sender);
    myfree(message);
}

/* qmgr_message_rcpt_defer - remember a recipient's temporary failure */
void
qmgr_message_rcpt_defer(QMGR_RCPT *rcpt, const char *dsn_status, const char *reason)
{
    char *new_dsn = mystrdup(dsn_status ? dsn_status : "4.0.0");
    char *new_reason = mystrdup(reason ? reason : "delivery temporarily suspended");

    myfree(rcpt->dsn_status);
    myfree(rcpt->reason);
    rcpt->dsn_status = new_dsn;
    rcpt->reason = new_reason;
    rcpt->state = QMGR_RCPT_DEFER;
}

/* qmgr_message_count - count the recipients in one state */
int
qmgr_message_count(const QMGR_MESSAGE *message, int state)
{
    int i;
    int count = 0;

    for (i = 0; i < message->rcpt_count; i++)
        if (message->rcpt[i].state == state)
            count++;
    return count;
}

/* qmgr_message_add_rcpt - append one recipient read from the file */
static int
qmgr_message_add_rcpt(QMGR_MESSAGE *message, QMGR_READ *state, int type, const char *addr,
                      long offset, VSTRING *why)
{
    QMGR_RCPT *rcpt;

    if (*addr == 0) {
        vstring_sprintf(why, "empty recipient at offset %ld", offset);
        return -1;
    }
    if (message->rcpt_count >= message->rcpt_alloc) {
        message->rcpt_alloc = message->rcpt_alloc ? 2 * message->rcpt_alloc : 8;
        message->rcpt = myrealloc(message->rcpt, message->rcpt_alloc * sizeof(*rcpt));
    }
    rcpt = message->rcpt + message->rcpt_count++;
    memset(rcpt, 0, sizeof(*rcpt));
    rcpt->address = mystrdup(addr);
    rcpt->orig_addr = state->orcp ? state->orcp : mystrdup(addr);
    state->orcp = 0;
    rcpt->offset = offset;
    rcpt->state = (type == REC_TYPE_DONE) ? QMGR_RCPT_DONE : QMGR_RCPT_TODO;
    return 0;
}

/* qmgr_message_numbers - parse up to `max' blank-separated non-negative longs */
static int
qmgr_message_numbers(const char *data, long *values, int max)
{
    char *copy = mystrdup(data);
    char *cp = copy;
    char *token;
    int count = 0;

    while ((token = mystrtok(&cp, " \t")) != 0) {
        if (count >= max || parse_long(token, values + count) < 0 || values[count] < 0) {
            count = -1;
            break;
        }
        count++;
    }
    myfree(copy);
    return count;
}

/* qmgr_message_parse_size - SIZE: content length, data offset, count, flags */
static int
qmgr_message_parse_size(QMGR_MESSAGE *message, const char *data, VSTRING *why)
{
    long values[4];

    if (qmgr_message_numbers(data, values, 4) != 4) {
        vstring_sprintf(why, "malformed size record");
        return -1;
    }
    message->data_size = values[0];
    message->nrcpt = values[2];
    return 0;
}

/* qmgr_message_parse_time - TIME: seconds [microseconds] */
static int
qmgr_message_parse_time(QMGR_MESSAGE *message, const char *data, VSTRING *why)
{
    long values[2] = {0, 0};
    int count = qmgr_message_numbers(data, values, 2);

    if (count < 1 || values[1] > 999999) {
        vstring_sprintf(why, "malformed time record");
        return -1;
    }
    message->arrival_sec = values[0];
    message->arrival_usec = values[1];
    return 0;
}

/* qmgr_message_header_rec - handle a SIZE, TIME or FROM record once each */
static int
qmgr_message_header_rec(QMGR_MESSAGE *message, QMGR_READ *state, int type, const char *data,
                        VSTRING *why)
{
    int *seen = type == REC_TYPE_SIZE   ? &state->have_size
                : type == REC_TYPE_TIME ? &state->have_time
                                        : &state->have_from;

    if (*seen) {
        vstring_sprintf(why, "duplicate %s record", rec_type_name(type));
        return -1;
    }
    *seen = 1;
    if (type == REC_TYPE_SIZE)
        return qmgr_message_parse_size(message, data, why);
    if (type == REC_TYPE_TIME)
        return qmgr_message_parse_time(message, data, why);
    myfree(message->sender);
    message->sender = mystrdup(data);
    return 0;
}

/* qmgr_message_rcpt_rec - handle ORCP, RCPT and DONE in either segment */
static int
qmgr_message_rcpt_rec(QMGR_MESSAGE *message, QMGR_READ *state, int type, const char *data,
                      long offset, VSTRING *why)
{
    if (type == REC_TYPE_ORCP) {
        if (state->orcp) {
            vstring_sprintf(why, "two original recipients in a row at offset %ld", offset);
            return -1;
        }
        state->orcp = mystrdup(data);
        return 0;
    }
    return qmgr_message_add_rcpt(message, state, type, data, offset, why);
}

/* qmgr_message_get - read one record; turn end of file into an error */
static int
qmgr_message_get(VSTREAM *fp, VSTRING *buf, long *offset, VSTRING *why)
{
    int type;

    *offset = (long)vstream_ftell(fp);
    type = rec_get(fp, buf, QMGR_MESSAGE_REC_MAX);
    if (type == REC_TYPE_EOF)
        vstring_sprintf(why, "premature end of file at offset %ld", *offset);
    else if (type < 0)
        vstring_sprintf(why, "unreadable record at offset %ld", *offset);
    return type < 0 ? -1 : type;
}

/* qmgr_message_envelope - read the envelope segment; return the XTRA offset */
static long
qmgr_message_envelope(QMGR_MESSAGE *message, VSTREAM *fp, VSTRING *buf, QMGR_READ *state,
                      VSTRING *why)
{
    long offset;
    long xtra;
    int type;

    for (;;) {
        if ((type = qmgr_message_get(fp, buf, &offset, why)) < 0)
            return -1;
        if (offset == 0 && type != REC_TYPE_SIZE) {
            vstring_sprintf(why, "first record is not a size record");
            return -1;
        }
        switch (type) {
        case REC_TYPE_SIZE:
        case REC_TYPE_TIME:
        case REC_TYPE_FROM:
            if (qmgr_message_header_rec(message, state, type, STR(buf), why) < 0)
                return -1;
            break;
        case REC_TYPE_ORCP:
        case REC_TYPE_RCPT:
        case REC_TYPE_DONE:
            if (qmgr_message_rcpt_rec(message, state, type, STR(buf), offset, why) < 0)
                return -1;
            break;
        case REC_TYPE_FULL:
        case REC_TYPE_FLGS:
        case REC_TYPE_ATTR:
        case REC_TYPE_WARN:
            break;
        case REC_TYPE_MESG:
            message->data_offset = (long)vstream_ftell(fp);
            if (parse_long(skipblanks(STR(buf)), &xtra) < 0 || xtra < message->data_offset) {
                vstring_sprintf(why, "malformed content start record");
                return -1;
            }
            return xtra;
        default:
            vstring_sprintf(why, "unexpected %s record in envelope at offset %ld",
                            rec_type_name(type), offset);
            return -1;
        }
    }
}

/* qmgr_message_extracted - read the segment that XTRA starts, up to END */
static int
qmgr_message_extracted(QMGR_MESSAGE *message, VSTREAM *fp, VSTRING *buf, QMGR_READ *state,
                       long xtra, VSTRING *why)
{
    long offset;
    int type;

    if (vstream_fseek(fp, (off_t)xtra, SEEK_SET) < 0) {
        vstring_sprintf(why, "cannot seek to offset %ld: %s", xtra, strerror(errno));
        return -1;
    }
    if ((type = qmgr_message_get(fp, buf, &offset, why)) < 0)
        return -1;
    if (type != REC_TYPE_XTRA) {
        vstring_sprintf(why, "no extracted segment at offset %ld", xtra);
        return -1;
    }
    for (;;) {
        if ((type = qmgr_message_get(fp, buf, &offset, why)) < 0)
            return -1;
        if (type == REC_TYPE_END)
            return 0;
        if (type != REC_TYPE_ORCP && type != REC_TYPE_RCPT && type != REC_TYPE_DONE) {
            vstring_sprintf(why, "unexpected %s record in extracted segment at offset %ld",
                            rec_type_name(type), offset);
            return -1;
        }
        if (qmgr_message_rcpt_rec(message, state, type, STR(buf), offset, why) < 0)
            return -1;
    }
}

/* qmgr_message_check - final consistency checks after reading */
static int
qmgr_message_check(const QMGR_MESSAGE *message, const QMGR_READ *state, VSTRING *why)
{
    if (!state->have_time || !state->have_from) {
        vstring_sprintf(why, "missing %s record", state->have_time ? "sender" : "time");
        return -1;
    }
    if (state->orcp) {
        vstring_sprintf(why, "original recipient without recipient");
        return -1;
    }
    if (message->rcpt_count == 0) {
        vstring_sprintf(why, "no recipients");
        return -1;
    }
    return 0;
}

/* qmgr_message_read - read a queue file's envelope into the message */
int
qmgr_message_read(QMGR_MESSAGE *message, VSTREAM *fp, VSTRING *why)
{
    VSTRING *buf = vstring_alloc(100);
    QMGR_READ state;
    long xtra;
    int ret = -1;

    memset(&state, 0, sizeof(state));
    vstring_reset(why);
    if ((xtra = qmgr_message_envelope(message, fp, buf, &state, why)) >= 0 &&
        qmgr_message_extracted(message, fp, buf, &state, xtra, why) == 0)
        ret = qmgr_message_check(message, &state, why);
    myfree(state.orcp);
    vstring_free(buf);
    return ret;
}
