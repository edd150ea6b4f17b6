/*
 * cleanup_out - the records of the queue file that cleanup writes.
 *
 * cleanup_out() writes one record (counting the content length of NORM
 * and CONT records); cleanup_out_string() one text record. After the first
 * error of any kind nothing more is written (the file will be removed),
 * except for a message that will be bounced (state->bounce): its
 * envelope and trailer records are still written, and its content too
 * while the only error is too many hops. A write error sets
 * CLEANUP_STAT_WRITE. cleanup_out_text() writes text made of lines ending
 * in newline as content records: one NORM per line, a line longer than
 * line_length_limit as CONT pieces ended by a NORM, so that the bytes come
 * back exactly when the pieces are joined.
 *
 * cleanup_out_start() writes the SIZE placeholder, cleanup_out_mesg() the
 * MESG record (start of content), cleanup_out_xtra() the XTRA record, and
 * cleanup_out_end() the END record, then rewrites SIZE (content length,
 * data offset, recipient count, flags 0) and MESG (offset of XTRA) in
 * place and flushes the stream. The caller commits the file.
 * cleanup_out_truncate() cuts the body of a message being bounced off
 * the file (from state->body_offset), leaving its header.
 */
#include "sys_defs.h"
#include "msg.h"
#include "vstream.h"
#include "vstring.h"
#include "record.h"
#include "rec_type.h"
#include "mail_params.h"
#include "cleanup_proto.h"
#include "cleanup.h"

#include <string.h>
#include <unistd.h>

#define WRITE_ERROR_TEXT "queue file write error"

/* cleanup_out_allowed - may this record still go into the queue file */
static int
cleanup_out_allowed(CLEANUP_STATE *state, int type)
{
    if (state->errs == CLEANUP_STAT_OK)
        return (1);
    if (!state->bounce)
        return (0);
    if (type != REC_TYPE_NORM && type != REC_TYPE_CONT)
        return (1);
    /* Too many hops leaves the message whole; other errors end the content. */
    return ((state->errs & ~CLEANUP_STAT_HOPS) == 0);
}

/* cleanup_out - write one record unless the message already failed */
void
cleanup_out(CLEANUP_STATE *state, int type, const char *data, ssize_t len)
{
    if (!cleanup_out_allowed(state, type))
        return;
    if (rec_put(state->dst, type, data, len) == REC_TYPE_ERROR) {
        msg_warn("%s: write queue file: %m", state->queue_id);
        cleanup_state_error(state, CLEANUP_STAT_WRITE, WRITE_ERROR_TEXT);
    } else if (type == REC_TYPE_NORM || type == REC_TYPE_CONT) {
        state->content_length += len + (type == REC_TYPE_NORM);
    }
}

/* cleanup_out_string - write one record from a C string */
void
cleanup_out_string(CLEANUP_STATE *state, int type, const char *str)
{
    cleanup_out(state, type, str, (ssize_t)strlen(str));
}

/* cleanup_out_line - write one line of content as NORM or CONT pieces */
static void
cleanup_out_line(CLEANUP_STATE *state, const char *line, ssize_t len)
{
    ssize_t limit = var_line_length_limit;

    while (len > limit) {
        cleanup_out(state, REC_TYPE_CONT, line, limit);
        line += limit;
        len -= limit;
    }
    cleanup_out(state, REC_TYPE_NORM, line, len);
}

/* cleanup_out_text - write newline-separated text as content records */
void
cleanup_out_text(CLEANUP_STATE *state, const char *text, ssize_t len)
{
    const char *end = text + len;
    const char *nl;

    while (text < end) {
        nl = memchr(text, '\n', (size_t)(end - text));
        if (nl == NULL) {
            cleanup_out_line(state, text, end - text);
            break;
        }
        cleanup_out_line(state, text, nl - text);
        text = nl + 1;
    }
}

/* cleanup_out_start - write the SIZE placeholder at the top of the file */
void
cleanup_out_start(CLEANUP_STATE *state)
{
    state->size_offset = vstream_ftell(state->dst);
    vstring_sprintf(state->temp, REC_SIZE_FORMAT, 0L, 0L, 0L, 0L);
    cleanup_out(state, REC_TYPE_SIZE, STR(state->temp), LEN(state->temp));
}

/* cleanup_out_mesg - write the MESG record that starts the content */
void
cleanup_out_mesg(CLEANUP_STATE *state)
{
    state->mesg_offset = vstream_ftell(state->dst);
    vstring_sprintf(state->temp, REC_MESG_FORMAT, 0L);
    cleanup_out(state, REC_TYPE_MESG, STR(state->temp), LEN(state->temp));
    state->data_offset = vstream_ftell(state->dst);
}

/* cleanup_out_xtra - write the XTRA record that ends the content */
void
cleanup_out_xtra(CLEANUP_STATE *state)
{
    state->xtra_offset = vstream_ftell(state->dst);
    cleanup_out(state, REC_TYPE_XTRA, "", 0);
}

/* cleanup_out_end - write END and fill in the fixed-width records */
void
cleanup_out_end(CLEANUP_STATE *state)
{
    cleanup_out(state, REC_TYPE_END, "", 0);
    if (!CLEANUP_OUT_OK(state))
        return;
    if (state->size_offset < 0 || state->mesg_offset < 0 || state->xtra_offset < 0)
        msg_panic("cleanup_out_end: %s: missing SIZE, MESG or XTRA", state->queue_id);
    vstring_sprintf(state->temp, REC_SIZE_FORMAT, state->content_length, (long)state->data_offset,
                    state->rcpt_count, 0L);
    if (rec_put_at(state->dst, state->size_offset, REC_TYPE_SIZE, STR(state->temp),
                   LEN(state->temp)) == REC_TYPE_ERROR)
        cleanup_state_error(state, CLEANUP_STAT_WRITE, WRITE_ERROR_TEXT);
    vstring_sprintf(state->temp, REC_MESG_FORMAT, (long)state->xtra_offset);
    if (CLEANUP_OUT_OK(state) && rec_put_at(state->dst, state->mesg_offset, REC_TYPE_MESG,
                                            STR(state->temp), LEN(state->temp)) == REC_TYPE_ERROR)
        cleanup_state_error(state, CLEANUP_STAT_WRITE, WRITE_ERROR_TEXT);
    if (CLEANUP_OUT_OK(state) && vstream_fflush(state->dst) == VSTREAM_EOF) {
        msg_warn("%s: write queue file: %m", state->queue_id);
        cleanup_state_error(state, CLEANUP_STAT_WRITE, WRITE_ERROR_TEXT);
    }
}

/* cleanup_out_truncate - drop the body written so far, keep the header */
void
cleanup_out_truncate(CLEANUP_STATE *state)
{
    if (!CLEANUP_OUT_OK(state) || state->body_offset < 0 ||
        vstream_ftell(state->dst) <= state->body_offset)
        return;
    if (vstream_fseek(state->dst, state->body_offset, SEEK_SET) < 0 ||
        ftruncate(vstream_fileno(state->dst), state->body_offset) < 0) {
        msg_warn("%s: truncate queue file: %m", state->queue_id);
        cleanup_state_error(state, CLEANUP_STAT_WRITE, WRITE_ERROR_TEXT);
        return;
    }
    state->content_length = state->header_length;
}
