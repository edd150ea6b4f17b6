/*
 * fuzz_cleanup_header - libFuzzer harness for cleanup's header analysis.
 *
 * cleanup runs on a CLEANUP_STATE that writes a memfd instead of a queue
 * file (no queue directory is needed). The last input byte is a control
 * byte: bits 0-2 are the client's CLEANUP_FLAG_* bits; bit 3 says what
 * the rest of the input is:
 *
 *   0  message text: each line becomes a NORM record (long lines are sent
 *      as CONT pieces first, as pickup does), inside a fixed envelope
 *      (TIME, uid attribute, FULL, FROM, RCPT, MESG ... XTRA, END). This
 *      reaches header collection, folding, header_size_limit, the kinds
 *      that cleanup acts on, recipient extraction and the added headers.
 *   1  a record stream, read with rec_get() and given to cleanup_record()
 *      as it comes: the protocol as a hostile client would speak it.
 *
 * The first line also goes to the header helpers directly
 * (cleanup_header_name_len, _kind, _dropped, and cleanup_header_from as
 * the full name). When cleanup_finish() reports success, the file it wrote
 * must read back with queue_env_read() as a complete queue file; anything
 * else is a msg_panic, which libFuzzer reports as a crash.
 *
 * The limits are set low (see FUZZ_CLEANUP_CONF) so that inputs of a few
 * kilobytes reach them.
 */
#include "sys_defs.h"

#include <string.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"
#include "record.h"
#include "rec_type.h"
#include "queue_envelope.h"
#include "cleanup_proto.h"
#include "cleanup.h"
#include "fuzz_util.h"

#define FUZZ_CLEANUP_CONF                                                                          \
    "myhostname = host.example.com\n"                                                              \
    "mydomain = example.com\n"                                                                     \
    "header_size_limit = 600\n"                                                                    \
    "line_length_limit = 256\n"                                                                    \
    "hopcount_limit = 4\n"                                                                         \
    "message_size_limit = 8000\n"                                                                  \
    "duplicate_filter_limit = 8\n"

/* Content records are cut at this length, as pickup and sendmail do. */
#define FUZZ_CLEANUP_PIECE 300

/* fuzz_cleanup_text - a fixed envelope around the input as message text */
static void
fuzz_cleanup_text(CLEANUP_STATE *state, const char *text, size_t len)
{
    const char *end = text + len;
    const char *nl;
    size_t line_len;

    cleanup_record(state, REC_TYPE_TIME, "1000000000 0", 12);
    cleanup_record(state, REC_TYPE_ATTR, "uid=1000", 8);
    cleanup_record(state, REC_TYPE_FULL, "Jo User", 7);
    cleanup_record(state, REC_TYPE_FROM, "jo", 2);
    cleanup_record(state, REC_TYPE_RCPT, "bob@example.org", 15);
    cleanup_record(state, REC_TYPE_MESG, "", 0);
    while (text < end) {
        if ((nl = memchr(text, '\n', end - text)) == NULL)
            nl = end;
        for (line_len = nl - text; line_len > FUZZ_CLEANUP_PIECE; line_len -= FUZZ_CLEANUP_PIECE) {
            cleanup_record(state, REC_TYPE_CONT, text, FUZZ_CLEANUP_PIECE);
            text += FUZZ_CLEANUP_PIECE;
        }
        cleanup_record(state, REC_TYPE_NORM, text, line_len);
        text = nl + 1;
    }
    cleanup_record(state, REC_TYPE_XTRA, "", 0);
    cleanup_record(state, REC_TYPE_END, "", 0);
}

/* fuzz_cleanup_records - the input as the client's record stream */
static void
fuzz_cleanup_records(CLEANUP_STATE *state, const uint8_t *data, size_t size, VSTRING *buf)
{
    VSTREAM *src = fuzz_stream_open(data, size);
    int type;

    while ((type = rec_get(src, buf, 0)) >= 0)
        cleanup_record(state, type, STR(buf), LEN(buf));
    fuzz_stream_close(src);
}

/* fuzz_cleanup_helpers - the header helpers on the first line */
static void
fuzz_cleanup_helpers(const char *text, size_t len, VSTRING *buf)
{
    const char *nl = memchr(text, '\n', len);
    ssize_t line_len = nl ? nl - text : (ssize_t)len;
    ssize_t name_len;
    char *line;

    if ((name_len = cleanup_header_name_len(text, line_len)) > 0) {
        if (name_len >= line_len || text[name_len] == '\n')
            msg_panic("header name of %ld bytes in a line of %ld", (long)name_len, (long)line_len);
        (void)cleanup_header_kind(text, name_len);
        (void)cleanup_header_dropped(text, name_len);
    }
    line = mystrndup(text, line_len);
    cleanup_header_from(buf, line, "jo@host.example.com");
    if (memchr(STR(buf), '\n', LEN(buf)) != NULL || memchr(STR(buf), '\r', LEN(buf)) != NULL)
        msg_panic("From: header with a line break: \"%s\"", STR(buf));
    myfree(line);
}

/* fuzz_cleanup_check - a successful cleanup leaves a complete queue file */
static void
fuzz_cleanup_check(VSTREAM *dst, VSTRING *why)
{
    QUEUE_ENV *env = queue_env_alloc();

    if (vstream_fflush(dst) != 0 || vstream_fseek(dst, 0, SEEK_SET) != 0)
        msg_panic("rewind queue file: %m");
    if (queue_env_read(dst, env, why) < 0)
        msg_panic("cleanup succeeded but queue_env_read fails: %s", STR(why));
    if (!env->complete || env->rcpt_count < 1)
        msg_panic("cleanup succeeded but the queue file is %s, %d recipients",
                  env->complete ? "complete" : "incomplete", env->rcpt_count);
    queue_env_free(env);
}

/* LLVMFuzzerTestOneInput - one input */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static VSTRING *buf, *why;
    CLEANUP_STATE *state;
    VSTREAM *dst;
    int control;
    char *text;

    if (size < 1 || size > FUZZ_MAX_INPUT)
        return (0);
    fuzz_quiet();
    if (buf == NULL) {
        fuzz_config(FUZZ_CLEANUP_CONF);
        buf = vstring_alloc(100);
        why = vstring_alloc(100);
    }
    control = data[--size];
    text = fuzz_text(data, size);
    fuzz_cleanup_helpers(text, size, buf);

    dst = fuzz_scratch_open();
    state = cleanup_state_alloc(dst, "QID", control & CLEANUP_FLAG_MASK);
    state->arrival_sec = 1000000000;
    state->arrival_usec = 0;
    if (control & 8)
        fuzz_cleanup_records(state, data, size, buf);
    else
        fuzz_cleanup_text(state, text, size);
    if (cleanup_finish(state) == CLEANUP_STAT_OK)
        fuzz_cleanup_check(dst, why);
    cleanup_state_free(state);
    fuzz_stream_close(dst);
    myfree(text);
    return (0);
}
