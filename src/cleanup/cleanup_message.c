/*
 * cleanup_message - the content of a message: header, then body.
 *
 * cleanup_message_start() runs at MESG: for a local submission
 * (CLEANUP_FLAG_LOCAL) or a notification made by postern itself
 * (CLEANUP_FLAG_BOUNCE) it writes the Received: header first ("from
 * userid UID" when the client sent the uid attribute).
 * cleanup_message_record() takes each NORM or CONT record. In the primary
 * header, physical lines are collected into logical headers (a line that
 * starts with space or tab continues the header before it); each logical
 * header is examined with its folding removed but written with the bytes
 * that came in, unless message_drop_headers names it. A header longer
 * than header_size_limit keeps its first header_size_limit bytes (the
 * excess is discarded, with a warning). The first line that is not a
 * header ends the header: an empty line is kept as the separator; any
 * other line gets an empty line inserted before it, so that the headers
 * that cleanup adds cannot swallow it. Body records are copied unchanged.
 *
 * At the end of the header, for a local submission, a notification, or
 * with always_add_missing_headers, the missing Message-Id:, Date: and From:
 * (Resent- variants when the message has Resent- headers) are appended
 * after the existing headers, each once. With CLEANUP_FLAG_EXTRACT the
 * addresses of To:, Cc: and Bcc: become recipients (only Resent-To:,
 * Resent-Cc: and Resent-Bcc: when a Resent- header is present).
 *
 * Limits: more than hopcount_limit Received: headers fail the message with
 * CLEANUP_STAT_HOPS, more than message_size_limit bytes of content with
 * CLEANUP_STAT_SIZE; the size is checked as the content streams through,
 * nothing is held in memory but the current header. When such a message
 * will be bounced (a local submission), a message too big keeps only its
 * header in the queue file. cleanup_message_end() runs at XTRA.
 *
 * LOGGING: "ID: message-id=VALUE" once per message (the message's own
 * Message-Id:, the one cleanup added, or "<>" when there is none).
 */
#include "sys_defs.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"
#include "stringops.h"
#include "argv.h"
#include "rec_type.h"
#include "mail_params.h"
#include "mail_addr.h"
#include "cleanup_proto.h"
#include "cleanup.h"

#include <string.h>

/* cleanup_size_check - enforce message_size_limit */
static void
cleanup_size_check(CLEANUP_STATE *state)
{
    if (var_message_size_limit > 0 && state->content_length > var_message_size_limit &&
        (state->errs & CLEANUP_STAT_SIZE) == 0) {
        cleanup_state_error(state, CLEANUP_STAT_SIZE, "message file too big");
        /* A message returned for its size goes back with its header only. */
        if (state->bounce)
            cleanup_out_truncate(state);
    }
}

/* cleanup_log_message_id - log the message-id once */
static void
cleanup_log_message_id(CLEANUP_STATE *state, const char *value)
{
    char *copy;

    if (state->message_id_logged)
        return;
    state->message_id_logged = 1;
    copy = mystrdup(value);
    msg_info("%s: message-id=%s", state->queue_id, printable(copy, '?'));
    myfree(copy);
}

/* cleanup_message_start - the start of the content */
void
cleanup_message_start(CLEANUP_STATE *state)
{
    if (state->flags & (CLEANUP_FLAG_LOCAL | CLEANUP_FLAG_BOUNCE)) {
        cleanup_header_received(state->temp, cleanup_hostname(), state->uid, state->queue_id,
                                (time_t)state->arrival_sec);
        vstring_addch(state->temp, '\n');
        cleanup_out_text(state, STR(state->temp), LEN(state->temp));
    }
    state->at_line_start = 1;
}

/* cleanup_extract - collect the addresses of one header */
static void
cleanup_extract(CLEANUP_STATE *state, ARGV *list, const char *value)
{
    VSTRING *why = vstring_alloc(100);
    ARGV *addrs = mail_addr_parse_list(value, why);
    ssize_t i;

    if (addrs == NULL) {
        msg_warn("%s: cannot extract recipients from a header: %s", state->queue_id,
                 printable(STR(why), '?'));
    } else {
        for (i = 0; i < addrs->argc; i++) {
            if (!cleanup_addr_ok(addrs->argv[i]))
                msg_warn("%s: control character in a header address; skipped", state->queue_id);
            else if (*addrs->argv[i])
                argv_add(list, addrs->argv[i], (char *)NULL);
        }
        argv_free(addrs);
    }
    vstring_free(why);
}

/* cleanup_header_note - act on one header by kind */
static void
cleanup_header_note(CLEANUP_STATE *state, CLEANUP_HDR_KIND kind, const char *value)
{
    int extract = (state->flags & CLEANUP_FLAG_EXTRACT) != 0;

    switch (kind) {
    case CLEANUP_KIND_RECEIVED:
        if (++state->hop_count > var_hopcount_limit && (state->errs & CLEANUP_STAT_HOPS) == 0)
            cleanup_state_error(state, CLEANUP_STAT_HOPS, "too many hops");
        break;
    case CLEANUP_KIND_DATE:
        state->headers_seen |= CLEANUP_HDR_DATE;
        break;
    case CLEANUP_KIND_MESSAGE_ID:
        state->headers_seen |= CLEANUP_HDR_MESSAGE_ID;
        cleanup_log_message_id(state, value);
        break;
    case CLEANUP_KIND_FROM:
        state->headers_seen |= CLEANUP_HDR_FROM;
        break;
    case CLEANUP_KIND_TO:
    case CLEANUP_KIND_CC:
    case CLEANUP_KIND_BCC:
        if (extract)
            cleanup_extract(state, state->extract_plain, value);
        break;
    case CLEANUP_KIND_RESENT_DATE:
        state->headers_seen |= CLEANUP_HDR_RESENT_DATE;
        break;
    case CLEANUP_KIND_RESENT_MESSAGE_ID:
        state->headers_seen |= CLEANUP_HDR_RESENT_MESSAGE_ID;
        break;
    case CLEANUP_KIND_RESENT_FROM:
        state->headers_seen |= CLEANUP_HDR_RESENT_FROM;
        break;
    case CLEANUP_KIND_RESENT_TO:
    case CLEANUP_KIND_RESENT_CC:
    case CLEANUP_KIND_RESENT_BCC:
        if (extract)
            cleanup_extract(state, state->extract_resent, value);
        break;
    case CLEANUP_KIND_RESENT_OTHER:
    case CLEANUP_KIND_OTHER:
        break;
    }
    if (kind >= CLEANUP_KIND_RESENT_DATE)
        state->resent = 1;
}

/* cleanup_header_flush - examine and write the collected logical header */
static void
cleanup_header_flush(CLEANUP_STATE *state)
{
    const char *text = STR(state->header);
    ssize_t len = LEN(state->header);
    ssize_t name_len = cleanup_header_name_len(text, len);
    const char *colon = memchr(text, ':', (size_t)len);
    VSTRING *value = vstring_alloc(len + 1);
    const char *cp;

    if (len > 0 && text[len - 1] != '\n')
        vstring_addch(state->header, '\n');
    text = STR(state->header);
    len = LEN(state->header);
    for (cp = colon ? colon + 1 : text + len; cp < text + len; cp++)
        if (*cp != '\n' && *cp != '\r')
            vstring_addch(value, *cp);
    cleanup_header_note(state, cleanup_header_kind(text, name_len),
                        trimblanks(skipblanks(STR(value))));
    if (!cleanup_header_dropped(text, name_len)) {
        cleanup_out_text(state, text, len);
        cleanup_size_check(state);
    }
    vstring_free(value);
    vstring_reset(state->header);
    state->header_truncated = 0;
}

/* cleanup_add_header - append one generated header line */
static void
cleanup_add_header(CLEANUP_STATE *state, const char *prefix, const char *name, const char *value)
{
    VSTRING *line = vstring_alloc(100);

    vstring_sprintf(line, "%s%s%s\n", prefix, name, value);
    cleanup_out_text(state, STR(line), LEN(line));
    vstring_free(line);
}

/* cleanup_header_done - add missing headers, choose extracted recipients */
static void
cleanup_header_done(CLEANUP_STATE *state)
{
    const char *prefix = state->resent ? "Resent-" : "";
    int seen = state->resent ? state->headers_seen >> 3 : state->headers_seen;
    time_t when = (time_t)state->arrival_sec;
    ARGV *list = state->resent ? state->extract_resent : state->extract_plain;
    ssize_t i;

    state->stage = CLEANUP_STAGE_BODY;
    if ((state->flags & (CLEANUP_FLAG_LOCAL | CLEANUP_FLAG_BOUNCE)) ||
        var_always_add_missing_headers) {
        if ((seen & CLEANUP_HDR_MESSAGE_ID) == 0) {
            cleanup_header_message_id(state->temp, when, state->queue_id, cleanup_hostname());
            cleanup_add_header(state, prefix, "Message-Id: ", STR(state->temp));
            if (!state->resent)
                cleanup_log_message_id(state, STR(state->temp));
        }
        if ((seen & CLEANUP_HDR_DATE) == 0)
            cleanup_add_header(state, prefix,
                               "Date: ", STR(cleanup_header_date(state->temp, when)));
        if ((seen & CLEANUP_HDR_FROM) == 0) {
            cleanup_header_from(state->temp, state->fullname, state->sender ? state->sender : "");
            cleanup_add_header(state, prefix, "", STR(state->temp));
        }
    }
    cleanup_log_message_id(state, "<>");
    if (state->flags & CLEANUP_FLAG_EXTRACT)
        for (i = 0; i < list->argc; i++)
            cleanup_addr_extracted(state, list->argv[i]);
    state->body_offset = vstream_ftell(state->dst);
    state->header_length = state->content_length;
    cleanup_size_check(state);
}

/* cleanup_body - copy one body record; a newline inside it ends a line */
static void
cleanup_body(CLEANUP_STATE *state, int type, const char *data, ssize_t len)
{
    const char *nl;

    /*
     * A client may send a record that holds newlines (postdrop copies any
     * bytes). One NORM per line keeps every line start visible to delivery
     * agents: local quotes "From " only at the start of a record.
     */
    while ((nl = memchr(data, '\n', (size_t)len)) != NULL) {
        cleanup_out(state, REC_TYPE_NORM, data, nl - data);
        len -= nl + 1 - data;
        data = nl + 1;
    }
    cleanup_out(state, type, data, len);
    cleanup_size_check(state);
}

/* cleanup_header_append - add a piece of a header line, within limits */
static void
cleanup_header_append(CLEANUP_STATE *state, int type, const char *data, ssize_t len)
{
    ssize_t room = var_header_size_limit - LEN(state->header);

    if (!state->header_truncated) {
        if (len > room) {
            msg_warn("%s: message header longer than header_size_limit %d; excess discarded",
                     state->queue_id, var_header_size_limit);
            state->header_truncated = 1;
            len = room > 0 ? room : 0;
        }
        vstring_memcat(state->header, data, len);
    }
    if (type == REC_TYPE_NORM && (!state->header_truncated || LEN(state->header) == 0 ||
                                  STR(state->header)[LEN(state->header) - 1] != '\n'))
        vstring_addch(state->header, '\n');
}

/* cleanup_message_record - one content record */
void
cleanup_message_record(CLEANUP_STATE *state, int type, const char *data, ssize_t len)
{
    int starts_line = state->at_line_start;

    state->at_line_start = (type == REC_TYPE_NORM);
    if (state->stage == CLEANUP_STAGE_BODY) {
        cleanup_body(state, type, data, len);
        return;
    }
    if (starts_line &&
        !(LEN(state->header) > 0 && len > 0 && (data[0] == ' ' || data[0] == '\t'))) {
        if (LEN(state->header) > 0)
            cleanup_header_flush(state);
        if (cleanup_header_name_len(data, len) == 0) {
            cleanup_header_done(state);
            if (len > 0 || type == REC_TYPE_CONT)
                cleanup_out_text(state, "\n", 1);
            cleanup_body(state, type, data, len);
            return;
        }
    }
    cleanup_header_append(state, type, data, len);
}

/* cleanup_message_end - the end of the content (XTRA) */
void
cleanup_message_end(CLEANUP_STATE *state)
{
    if (state->stage == CLEANUP_STAGE_HEADER) {
        if (LEN(state->header) > 0)
            cleanup_header_flush(state);
        cleanup_header_done(state);
    } else if (!state->at_line_start) {
        cleanup_body(state, REC_TYPE_NORM, "", 0);
    }
}
