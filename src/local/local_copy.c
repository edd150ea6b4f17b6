/*
 * local_copy - copy a queued message into a mailbox file.
 *
 * Usage:
 *   status = local_copy(dst, &msg, LOCAL_COPY_MBOX, limit, why);
 *       writes, in this order: (mbox only) "From SENDER  DATE"; then
 *       "Return-Path: <sender>", "X-Original-To: orig" (when known),
 *       "Delivered-To: rcpt" (lower case); then the content records of
 *       msg.fp from msg.data_offset (NORM: text + newline; CONT: text; a
 *       message whose last line lacks a newline gets one); (mbox only)
 *       every line that starts with "From " is written as ">From ", and
 *       one empty line ends the message. The sender of the From_ line is
 *       MAILER-DAEMON for the null sender; the date is local time in
 *       ctime(3) form. dst is flushed and fsync()ed. limit > 0 caps the
 *       bytes written: going over fails with errno EFBIG.
 *       Returns LOCAL_COPY_OK, LOCAL_COPY_WRITE (errno is the cause; why
 *       says "error writing message: ...") or LOCAL_COPY_CORRUPT (the queue
 *       file could not be read; why says so).
 *   found = local_copy_delivered_to(fp, offset, rcpt);
 *       1 when the message header already has "Delivered-To: rcpt"
 *       (case-insensitive), 0 when not, -1 when the queue file is unreadable.
 *   local_copy_ctime(buf, when) formats "Mon Nov 23 01:00:59 2026".
 *
 * Memory ownership: the caller owns the streams and buffers.
 * Diagnostics: queue file read errors are logged by the record reader;
 * the functions report them through their result.
 */
#include "sys_defs.h"

#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "stringops.h"
#include "vstream.h"
#include "vstring.h"

#include "mail_addr.h"
#include "rec_type.h"
#include "record.h"

#include "local.h"

#define LOCAL_COPY_REC_MAX (1024 * 1024) /* longest queue record we accept */
#define LOCAL_COPY_HDR_MAX 10000         /* longest header line we inspect */

/* A writer that counts bytes and stops at the limit. */
typedef struct LOCAL_WRITER {
    VSTREAM *dst;
    off_t written;
    off_t limit; /* 0: none */
    int too_big;
} LOCAL_WRITER;

/* local_put - write bytes unless the size limit was reached */
static void
local_put(LOCAL_WRITER *w, const char *data, ssize_t len)
{
    if (w->too_big)
        return;
    if (w->limit > 0 && w->written + len > w->limit) {
        w->too_big = 1;
        return;
    }
    if (len > 0)
        (void)vstream_fwrite(w->dst, data, (size_t)len);
    w->written += len;
}

/* local_puts - write a C string */
static void
local_puts(LOCAL_WRITER *w, const char *str)
{
    local_put(w, str, (ssize_t)strlen(str));
}

/* local_copy_ctime - format a time as ctime(3) does, without the newline */
VSTRING *
local_copy_ctime(VSTRING *buf, time_t when)
{
    static const char days[] = "SunMonTueWedThuFriSat";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    struct tm tm;

    if (localtime_r(&when, &tm) == 0)
        memset(&tm, 0, sizeof(tm));
    vstring_sprintf(buf, "%.3s %.3s %2d %02d:%02d:%02d %d", days + 3 * (tm.tm_wday % 7),
                    months + 3 * (tm.tm_mon % 12), tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                    tm.tm_year + 1900);
    return buf;
}

/* local_copy_envelope - the From_ line and the delivery headers */
static void
local_copy_envelope(LOCAL_WRITER *w, const LOCAL_MESSAGE *msg, int flags)
{
    VSTRING *buf = vstring_alloc(100);
    VSTRING *date = vstring_alloc(30);

    if (*msg->sender)
        mail_addr_quote(buf, msg->sender);
    if (flags & LOCAL_COPY_MBOX) {
        local_puts(w, "From ");
        local_puts(w, *msg->sender ? vstring_str(buf) : "MAILER-DAEMON");
        local_puts(w, "  ");
        local_puts(w, vstring_str(local_copy_ctime(date, msg->now)));
        local_puts(w, "\n");
    }
    local_puts(w, "Return-Path: <");
    local_puts(w, *msg->sender ? vstring_str(buf) : "");
    local_puts(w, ">\n");
    if (msg->orig_rcpt != 0 && *msg->orig_rcpt != 0) {
        mail_addr_quote(buf, msg->orig_rcpt);
        local_puts(w, "X-Original-To: ");
        local_puts(w, vstring_str(buf));
        local_puts(w, "\n");
    }
    mail_addr_quote(buf, msg->rcpt);
    local_puts(w, "Delivered-To: ");
    local_puts(w, lowercase(vstring_str(buf)));
    local_puts(w, "\n");
    vstring_free(buf);
    vstring_free(date);
}

/* local_copy_body - the content records, quoted for mbox when asked */
static int
local_copy_body(LOCAL_WRITER *w, const LOCAL_MESSAGE *msg, int flags)
{
    VSTRING *rec = vstring_alloc(1000);
    int at_line_start = 1;
    int type;

    if (vstream_fseek(msg->fp, (off_t)msg->data_offset, SEEK_SET) < 0) {
        vstring_free(rec);
        return -1;
    }
    while ((type = rec_get(msg->fp, rec, LOCAL_COPY_REC_MAX)) == REC_TYPE_NORM ||
           type == REC_TYPE_CONT) {
        if ((flags & LOCAL_COPY_MBOX) && at_line_start && LEN(rec) >= 5 &&
            strncmp(STR(rec), "From ", 5) == 0)
            local_put(w, ">", 1);
        local_put(w, STR(rec), LEN(rec));
        if (type == REC_TYPE_NORM)
            local_put(w, "\n", 1);
        at_line_start = (type == REC_TYPE_NORM);
        if (w->too_big)
            break;
    }
    vstring_free(rec);
    if (w->too_big)
        return 0;
    if (type != REC_TYPE_XTRA && type != REC_TYPE_END)
        return -1;
    if (!at_line_start)
        local_put(w, "\n", 1);
    if (flags & LOCAL_COPY_MBOX)
        local_put(w, "\n", 1);
    return 0;
}

/* local_copy - write the whole message to dst; see above */
int
local_copy(VSTREAM *dst, const LOCAL_MESSAGE *msg, int flags, off_t limit, VSTRING *why)
{
    LOCAL_WRITER w;
    int saved_errno;

    w.dst = dst;
    w.written = 0;
    w.limit = limit;
    w.too_big = 0;
    local_copy_envelope(&w, msg, flags);
    if (local_copy_body(&w, msg, flags) < 0) {
        (void)vstream_fflush(dst); /* nothing stays buffered after we return */
        vstring_strcpy(why, "error reading queue file");
        return LOCAL_COPY_CORRUPT;
    }
    if (w.too_big) {
        (void)vstream_fflush(dst);
        errno = EFBIG;
        vstring_sprintf(why, "error writing message: %s", strerror(EFBIG));
        return LOCAL_COPY_WRITE;
    }
    errno = 0;
    if (vstream_fflush(dst) != 0 || fsync(vstream_fileno(dst)) < 0) {
        saved_errno = errno ? errno : EIO;
        vstring_sprintf(why, "error writing message: %s", strerror(saved_errno));
        errno = saved_errno;
        return LOCAL_COPY_WRITE;
    }
    return LOCAL_COPY_OK;
}

/* local_copy_header_match - does one header line say Delivered-To: rcpt? */
static int
local_copy_header_match(char *line, const char *rcpt)
{
    char *value;

    if (strcasecmp_prefix(line, "Delivered-To:") != 0)
        return 0;
    value = skipblanks(line + sizeof("Delivered-To:") - 1);
    trimblanks(value);
    return strcasecmp(value, rcpt) == 0;
}

/* local_copy_delivered_to - look for our own Delivered-To: header */
int
local_copy_delivered_to(VSTREAM *fp, long data_offset, const char *rcpt)
{
    VSTRING *rec = vstring_alloc(1000);
    VSTRING *line = vstring_alloc(100);
    int found = 0;
    int type;

    if (vstream_fseek(fp, (off_t)data_offset, SEEK_SET) < 0) {
        found = -1;
    } else {
        while ((type = rec_get(fp, rec, LOCAL_COPY_REC_MAX)) == REC_TYPE_NORM ||
               type == REC_TYPE_CONT) {
            if (LEN(line) < LOCAL_COPY_HDR_MAX)
                vstring_memcat(line, STR(rec), LEN(rec));
            if (type == REC_TYPE_CONT)
                continue;
            if (LEN(line) == 0)
                break; /* end of the header */
            if (local_copy_header_match(STR(line), rcpt)) {
                found = 1;
                break;
            }
            vstring_reset(line);
        }
        if (type != REC_TYPE_NORM && type != REC_TYPE_CONT && type != REC_TYPE_XTRA &&
            type != REC_TYPE_END)
            found = -1;
    }
    vstring_free(rec);
    vstring_free(line);
    return found;
}
