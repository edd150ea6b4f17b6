/*
 * cleanup_envelope - record dispatch and the envelope of a message.
 *
 * cleanup_record(state, type, data, len) takes the next record from the
 * client and hands it to the code for the current stage: the envelope
 * (TIME FULL ATTR FROM ORCP RCPT, until MESG), the content (NORM and CONT
 * records until XTRA, cleanup_message.c), the extracted segment (ORCP
 * RCPT, until END). A record that does not belong where it appears is a
 * protocol error (CLEANUP_STAT_BAD); records after an error are still
 * parsed, but nothing more is written.
 *
 * The first record written is always SIZE (a placeholder), then TIME (the
 * client's, or the current time when the client sends none or one that is
 * malformed or after year 9999). FLGS, SIZE,
 * DONE and WARN records from the client are ignored: the flags came in the
 * handshake, and pickup drops finished recipients. The "uid" attribute
 * (decimal) names the submitting user for the Received: header.
 *
 * cleanup_finish() runs after END: it writes the recipients extracted from
 * the header, always_bcc, and the trailer; a message without recipients
 * fails with CLEANUP_STAT_RCPT. It returns the error bits. A message that
 * will be bounced (state->bounce) gets its extracted recipients and
 * trailer too (no always_bcc), so that its file is complete; a missing
 * XTRA is then supplied.
 */
#include "sys_defs.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"
#include "stringops.h"
#include "rec_type.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "cleanup_proto.h"
#include "cleanup.h"

#include <string.h>

#define BAD_PROTOCOL_TEXT "internal protocol error"

/* Latest TIME accepted from a client (9999-12-31): localtime() must work. */
#define CLEANUP_TIME_MAX 253402300799L

/* cleanup_bad_record - report a record that does not belong here */
static void
cleanup_bad_record(CLEANUP_STATE *state, int type, const char *where)
{
    msg_warn("%s: unexpected record type %s in the %s", state->queue_id, rec_type_name(type),
             where);
    cleanup_state_error(state, CLEANUP_STAT_BAD, BAD_PROTOCOL_TEXT);
}

/* cleanup_text_ok - a text record must not hold NUL bytes */
static int
cleanup_text_ok(CLEANUP_STATE *state, int type, const char *data, ssize_t len)
{
    if (memchr(data, 0, (size_t)len) == NULL)
        return (1);
    msg_warn("%s: NUL byte in %s record", state->queue_id, rec_type_name(type));
    cleanup_state_error(state, CLEANUP_STAT_BAD, BAD_PROTOCOL_TEXT);
    return (0);
}

/* cleanup_addr_text_ok - an address record must not hold control characters */
static int
cleanup_addr_text_ok(CLEANUP_STATE *state, int type, const char *data)
{
    if ((type != REC_TYPE_FROM && type != REC_TYPE_RCPT && type != REC_TYPE_ORCP) ||
        cleanup_addr_ok(data))
        return (1);
    msg_warn("%s: control character in %s record", state->queue_id, rec_type_name(type));
    cleanup_state_error(state, CLEANUP_STAT_BAD, BAD_PROTOCOL_TEXT);
    return (0);
}

/* cleanup_time - start the file with SIZE and TIME */
static void
cleanup_time(CLEANUP_STATE *state, int type, const char *data)
{
    char *copy;
    char *cp;
    char *sec;
    char *usec;
    long s;
    long u = 0;

    cleanup_out_start(state);
    state->time_seen = 1;
    if (type == REC_TYPE_TIME) {
        cp = copy = mystrdup(data);
        sec = mystrtok(&cp, " ");
        usec = mystrtok(&cp, " ");
        if (sec != NULL && parse_long(sec, &s) == 0 && s > 0 && s <= CLEANUP_TIME_MAX &&
            (usec == NULL || (parse_long(usec, &u) == 0 && u >= 0 && u < 1000000))) {
            state->arrival_sec = s;
            state->arrival_usec = u;
        }
        myfree(copy);
    }
    vstring_sprintf(state->temp, "%ld %ld", state->arrival_sec, state->arrival_usec);
    cleanup_out(state, REC_TYPE_TIME, STR(state->temp), LEN(state->temp));
}

/* cleanup_attr - one named attribute of the envelope */
static void
cleanup_attr(CLEANUP_STATE *state, const char *data)
{
    const char *eq = strchr(data, '=');

    if (eq == NULL || eq == data) {
        msg_warn("%s: malformed attribute record: no name=value", state->queue_id);
        cleanup_state_error(state, CLEANUP_STAT_BAD, BAD_PROTOCOL_TEXT);
        return;
    }
    if ((size_t)(eq - data) == strlen(MAIL_ATTR_UID) &&
        strncmp(data, MAIL_ATTR_UID, eq - data) == 0) {
        if (!alldig(eq + 1))
            return;
        myfree(state->uid);
        state->uid = mystrdup(eq + 1);
    }
    cleanup_out_string(state, REC_TYPE_ATTR, data);
}

/* cleanup_envelope - one record of the envelope segment */
static void
cleanup_envelope(CLEANUP_STATE *state, int type, const char *data, ssize_t len)
{
    if (!cleanup_text_ok(state, type, data, len) || !cleanup_addr_text_ok(state, type, data))
        return;
    if (!state->time_seen)
        cleanup_time(state, type, data);
    switch (type) {
    case REC_TYPE_TIME:
    case REC_TYPE_FLGS:
    case REC_TYPE_SIZE:
    case REC_TYPE_WARN:
    case REC_TYPE_DONE:
        break;
    case REC_TYPE_FULL:
        myfree(state->fullname);
        state->fullname = mystrdup(data);
        cleanup_out_string(state, REC_TYPE_FULL, data);
        break;
    case REC_TYPE_ATTR:
        cleanup_attr(state, data);
        break;
    case REC_TYPE_FROM:
        if (state->sender != NULL)
            cleanup_bad_record(state, type, "envelope (second sender)");
        else
            cleanup_addr_sender(state, data);
        break;
    case REC_TYPE_ORCP:
        myfree(state->orig_rcpt);
        state->orig_rcpt = mystrdup(data);
        break;
    case REC_TYPE_RCPT:
        if (state->sender == NULL) {
            cleanup_bad_record(state, type, "envelope (recipient before sender)");
            break;
        }
        cleanup_addr_recipient(state, state->orig_rcpt, data);
        myfree(state->orig_rcpt);
        state->orig_rcpt = NULL;
        break;
    case REC_TYPE_MESG:
        if (state->sender == NULL) {
            cleanup_bad_record(state, type, "envelope (no sender)");
            break;
        }
        cleanup_out_mesg(state);
        state->stage = CLEANUP_STAGE_HEADER;
        cleanup_message_start(state);
        break;
    default:
        cleanup_bad_record(state, type, "envelope");
        break;
    }
}

/* cleanup_extracted - one record after XTRA */
static void
cleanup_extracted(CLEANUP_STATE *state, int type, const char *data, ssize_t len)
{
    if (type == REC_TYPE_END) {
        state->stage = CLEANUP_STAGE_DONE;
        return;
    }
    if (!cleanup_text_ok(state, type, data, len) || !cleanup_addr_text_ok(state, type, data))
        return;
    if (type == REC_TYPE_ORCP) {
        myfree(state->orig_rcpt);
        state->orig_rcpt = mystrdup(data);
    } else if (type == REC_TYPE_RCPT) {
        cleanup_addr_recipient(state, state->orig_rcpt, data);
        myfree(state->orig_rcpt);
        state->orig_rcpt = NULL;
    } else if (type != REC_TYPE_DONE && type != REC_TYPE_WARN) {
        cleanup_bad_record(state, type, "extracted segment");
    }
}

/* cleanup_record - take one record from the client */
void
cleanup_record(CLEANUP_STATE *state, int type, const char *data, ssize_t len)
{
    switch (state->stage) {
    case CLEANUP_STAGE_ENVELOPE:
        cleanup_envelope(state, type, data, len);
        break;
    case CLEANUP_STAGE_HEADER:
    case CLEANUP_STAGE_BODY:
        if (type == REC_TYPE_NORM || type == REC_TYPE_CONT) {
            cleanup_message_record(state, type, data, len);
        } else if (type == REC_TYPE_XTRA) {
            cleanup_message_end(state);
            cleanup_out_xtra(state);
            state->stage = CLEANUP_STAGE_EXTRACTED;
        } else {
            cleanup_bad_record(state, type, "message content");
        }
        break;
    case CLEANUP_STAGE_EXTRACTED:
        cleanup_extracted(state, type, data, len);
        break;
    case CLEANUP_STAGE_DONE:
        cleanup_bad_record(state, type, "end of the message");
        break;
    }
}

/* cleanup_finish - write the trailer after END; return the error bits */
int
cleanup_finish(CLEANUP_STATE *state)
{
    ssize_t i;

    if (state->stage != CLEANUP_STAGE_DONE) {
        msg_warn("%s: message ended before its END record", state->queue_id);
        cleanup_state_error(state, CLEANUP_STAT_BAD, BAD_PROTOCOL_TEXT);
        if (!state->bounce)
            return (state->errs);
        /* A message to be bounced still gets a well-formed queue file. */
        cleanup_message_end(state);
        cleanup_out_xtra(state);
        state->stage = CLEANUP_STAGE_DONE;
    }
    if (!CLEANUP_OUT_OK(state))
        return (state->errs);
    for (i = 0; i < state->extracted->argc; i++)
        cleanup_addr_recipient(state, state->extracted->argv[i], state->extracted->argv[i]);
    if (state->rcpt_count == 0) {
        cleanup_state_error(state, CLEANUP_STAT_RCPT, "no recipients specified");
        return (state->errs);
    }
    if (state->errs == CLEANUP_STAT_OK && var_always_bcc != NULL && *var_always_bcc)
        cleanup_addr_recipient(state, NULL, var_always_bcc);
    cleanup_out_end(state);
    return (state->errs);
}
