/*
 * bounce_notify - compose a delivery status notification (RFC 3464).
 *
 * Usage:
 *   BOUNCE_NOTICE notice = { ... };
 *   if (bounce_notify_write(cleanup_stream, &notice) < 0) ... write error
 *
 * bounce_notify_write() writes the notification's header and body as
 * content records (one NORM record per line) to dst; the caller wraps them
 * in the envelope records that cleanup expects. The message is a
 * multipart/report (report-type=delivery-status) with three parts:
 *   1. text/plain: an explanation for people, then one "<address>: reason"
 *      paragraph per failed recipient;
 *   2. message/delivery-status: the per-message fields Reporting-MTA,
 *      X-Postern-Queue-ID, X-Postern-Sender, Arrival-Date, then per
 *      recipient Final-Recipient, Original-Recipient (when it differs),
 *      Action, Status, Diagnostic-Code;
 *   3. the original message as message/rfc822 when it is at most
 *      size_limit bytes, otherwise only its header as
 *      text/rfc822-headers. Without a readable queue file this part is
 *      left out and part 1 says so.
 * The notification's header carries From: MAILER-DAEMON@host (Mail
 * Delivery System), To:, Subject: Undelivered Mail Returned to Sender
 * (for a postmaster copy: Postmaster Copy: Undelivered Mail), Date:,
 * Auto-Submitted: auto-replied (RFC 3834: no automatic answer to it),
 * MIME-Version and Content-Type; Content-Transfer-Encoding is 8bit when
 * the returned original has 8-bit bytes, else 7bit. Reasons and
 * addresses are made printable ASCII, since they may come from remote
 * servers.
 *
 * bounce_notify_date() formats an RFC 5322 date in local time
 * ("Mon, 23 Nov 2026 01:00:59 +0100 (CET)"); bounce_notify_boundary()
 * the MIME boundary "QUEUEID.NOW/HOST".
 *
 * Memory ownership: the caller owns the notice, its strings and streams.
 * Diagnostics: a queue file that cannot be parsed is logged as a warning
 * and treated as unavailable; write errors are returned (-1).
 */
#include "sys_defs.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "msg.h"
#include "stringops.h"
#include "vstream.h"
#include "vstring.h"

#include "mail_addr.h"
#include "rec_type.h"
#include "record.h"

#include "bounce.h"

#define BOUNCE_REC_MAX (1024 * 1024) /* longest queue record accepted */

/* What the scan of the original queue file found. */
typedef struct BOUNCE_ORIG {
    off_t content_offset; /* first content record */
    long size;            /* content bytes, newlines counted */
    int eight_bit;        /* any byte with the high bit set */
    int header_eight_bit; /* the same, in the header alone */
} BOUNCE_ORIG;

/* bounce_line - write one formatted line as a NORM record */
static PRINTFLIKE(2, 3) void bounce_line(VSTREAM *dst, const char *fmt, ...)
{
    VSTRING *buf = vstring_alloc(100);
    va_list ap;

    va_start(ap, fmt);
    vstring_vsprintf(buf, fmt, ap);
    va_end(ap);
    (void)rec_put(dst, REC_TYPE_NORM, vstring_str(buf), LEN(buf));
    vstring_free(buf);
}

/* bounce_notify_date - RFC 5322 date-time in local time */
VSTRING *
bounce_notify_date(VSTRING *buf, time_t when)
{
    static const char days[] = "SunMonTueWedThuFriSat";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    struct tm tm;
    long offset;

    if (localtime_r(&when, &tm) == 0)
        memset(&tm, 0, sizeof(tm));
    offset = tm.tm_gmtoff / 60;
    vstring_sprintf(buf, "%.3s, %d %.3s %d %02d:%02d:%02d %c%02ld%02ld",
                    days + 3 * (tm.tm_wday % 7), tm.tm_mday, months + 3 * (tm.tm_mon % 12),
                    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, offset < 0 ? '-' : '+',
                    labs(offset) / 60, labs(offset) % 60);
    if (tm.tm_zone != 0 && *tm.tm_zone != 0)
        vstring_sprintf_append(buf, " (%s)", tm.tm_zone);
    return buf;
}

/* bounce_notify_boundary - the MIME boundary of one notification */
VSTRING *
bounce_notify_boundary(VSTRING *buf, const BOUNCE_NOTICE *notice)
{
    return vstring_sprintf(buf, "%s.%ld/%s", notice->queue_id, (long)notice->now, notice->hostname);
}

/* bounce_printable - a printable external-form copy of an address */
static const char *
bounce_printable_addr(VSTRING *buf, const char *addr)
{
    if (*addr == 0)
        return vstring_str(vstring_strcpy(buf, ""));
    mail_addr_quote(buf, addr);
    return printable(vstring_str(buf), '?');
}

/* bounce_orig_scan - find the content and measure it; -1 if unusable */
static int
bounce_orig_scan(VSTREAM *fp, BOUNCE_ORIG *orig)
{
    VSTRING *rec = vstring_alloc(1000);
    int in_header = 1;
    int at_line_start = 1;
    ssize_t i;
    int type;

    orig->size = 0;
    orig->eight_bit = 0;
    orig->header_eight_bit = 0;
    if (vstream_fseek(fp, (off_t)0, SEEK_SET) < 0) {
        vstring_free(rec);
        return -1;
    }
    while ((type = rec_get(fp, rec, BOUNCE_REC_MAX)) >= 0 && type != REC_TYPE_MESG)
        /* skip the envelope */;
    orig->content_offset = vstream_ftell(fp);
    if (type == REC_TYPE_MESG) {
        while ((type = rec_get(fp, rec, BOUNCE_REC_MAX)) == REC_TYPE_NORM ||
               type == REC_TYPE_CONT) {
            orig->size += LEN(rec) + (type == REC_TYPE_NORM);
            if (in_header && at_line_start && type == REC_TYPE_NORM && LEN(rec) == 0)
                in_header = 0;
            for (i = 0; i < LEN(rec) && !orig->eight_bit; i++)
                if (STR(rec)[i] & 0x80)
                    orig->eight_bit = 1;
            if (in_header && orig->eight_bit)
                orig->header_eight_bit = 1;
            at_line_start = (type == REC_TYPE_NORM);
        }
    }
    vstring_free(rec);
    return (type == REC_TYPE_XTRA || type == REC_TYPE_END) ? 0 : -1;
}

/* bounce_orig_copy - copy the original content (or its header) records */
static void
bounce_orig_copy(VSTREAM *dst, VSTREAM *fp, const BOUNCE_ORIG *orig, int headers_only)
{
    VSTRING *rec = vstring_alloc(1000);
    int at_line_start = 1;
    int type;

    if (vstream_fseek(fp, orig->content_offset, SEEK_SET) < 0) {
        vstring_free(rec);
        return;
    }
    while ((type = rec_get(fp, rec, BOUNCE_REC_MAX)) == REC_TYPE_NORM || type == REC_TYPE_CONT) {
        if (headers_only && at_line_start && type == REC_TYPE_NORM && LEN(rec) == 0)
            break;
        (void)rec_put(dst, type, STR(rec), LEN(rec));
        at_line_start = (type == REC_TYPE_NORM);
    }
    if (!at_line_start)
        (void)rec_put(dst, REC_TYPE_NORM, "", 0);
    vstring_free(rec);
}

/* bounce_notify_header - the notification's own header fields */
static void
bounce_notify_header(VSTREAM *dst, const BOUNCE_NOTICE *notice, const char *boundary, int eight_bit)
{
    VSTRING *buf = vstring_alloc(100);

    bounce_line(dst, "From: MAILER-DAEMON@%s (Mail Delivery System)", notice->hostname);
    bounce_line(dst, "To: %s", bounce_printable_addr(buf, notice->notify_to));
    bounce_line(dst, "Subject: %s",
                notice->postmaster_copy ? "Postmaster Copy: Undelivered Mail"
                                        : "Undelivered Mail Returned to Sender");
    bounce_line(dst, "Date: %s", vstring_str(bounce_notify_date(buf, notice->now)));
    bounce_line(dst, "Auto-Submitted: auto-replied");
    bounce_line(dst, "MIME-Version: 1.0");
    bounce_line(dst, "Content-Type: multipart/report; report-type=delivery-status;");
    bounce_line(dst, "\tboundary=\"%s\"", boundary);
    bounce_line(dst, "Content-Transfer-Encoding: %s", eight_bit ? "8bit" : "7bit");
    bounce_line(dst, "%s", "");
    bounce_line(dst, "This is a MIME-encapsulated message.");
    bounce_line(dst, "%s", "");
    vstring_free(buf);
}

/* bounce_notify_text - part 1: the explanation for people */
static void
bounce_notify_text(VSTREAM *dst, const BOUNCE_NOTICE *notice, const char *boundary,
                   int have_original)
{
    VSTRING *buf = vstring_alloc(100);
    VSTRING *reason = vstring_alloc(100);
    int i;

    bounce_line(dst, "--%s", boundary);
    bounce_line(dst, "Content-Description: Notification");
    bounce_line(dst, "Content-Type: text/plain; charset=us-ascii");
    bounce_line(dst, "%s", "");
    bounce_line(dst, "This report comes from the mail delivery system at %s.", notice->hostname);
    bounce_line(dst, "%s", "");
    if (notice->postmaster_copy) {
        bounce_line(dst, "A message with an empty return address could not be delivered,");
        bounce_line(dst, "so nobody else can be told; this copy goes to the postmaster.");
    } else {
        bounce_line(dst, "Your message could not be delivered to the recipients listed");
        bounce_line(dst, "below, and the system has stopped trying. Sending it again");
        bounce_line(dst, "unchanged will most likely fail the same way.");
    }
    bounce_line(dst, "%s", "");
    bounce_line(dst, "%s",
                have_original
                    ? "The delivery report and the returned message are attached."
                    : "The delivery report is attached; the message itself was not available.");
    bounce_line(dst, "If you need help, forward this report to your postmaster.");
    for (i = 0; i < notice->rcpt_count; i++) {
        vstring_strcpy(reason, notice->rcpt[i].reason);
        bounce_line(dst, "%s", "");
        bounce_line(dst, "<%s>: %s", bounce_printable_addr(buf, notice->rcpt[i].address),
                    printable(vstring_str(reason), '?'));
    }
    bounce_line(dst, "%s", "");
    vstring_free(buf);
    vstring_free(reason);
}

/* bounce_notify_status - part 2: the machine-readable delivery report */
static void
bounce_notify_status(VSTREAM *dst, const BOUNCE_NOTICE *notice, const char *boundary)
{
    VSTRING *buf = vstring_alloc(100);
    VSTRING *reason = vstring_alloc(100);
    const BOUNCE_RCPT *rcpt;
    int i;

    bounce_line(dst, "--%s", boundary);
    bounce_line(dst, "Content-Description: Delivery report");
    bounce_line(dst, "Content-Type: message/delivery-status");
    bounce_line(dst, "%s", "");
    bounce_line(dst, "Reporting-MTA: dns; %s", notice->hostname);
    bounce_line(dst, "X-Postern-Queue-ID: %s", notice->queue_id);
    bounce_line(dst, "X-Postern-Sender: rfc822; %s", bounce_printable_addr(buf, notice->sender));
    bounce_line(dst, "Arrival-Date: %s",
                vstring_str(bounce_notify_date(buf, (time_t)notice->arrival)));
    for (i = 0; i < notice->rcpt_count; i++) {
        rcpt = notice->rcpt + i;
        bounce_line(dst, "%s", "");
        bounce_line(dst, "Final-Recipient: rfc822; %s", bounce_printable_addr(buf, rcpt->address));
        if (*rcpt->orig_address && strcasecmp(rcpt->orig_address, rcpt->address) != 0)
            bounce_line(dst, "Original-Recipient: rfc822; %s",
                        bounce_printable_addr(buf, rcpt->orig_address));
        bounce_line(dst, "Action: %s", *rcpt->action ? rcpt->action : "failed");
        bounce_line(dst, "Status: %s", *rcpt->dsn_status ? rcpt->dsn_status : "5.0.0");
        vstring_strcpy(reason, rcpt->reason);
        bounce_line(dst, "Diagnostic-Code: X-Postern; %s", printable(vstring_str(reason), '?'));
    }
    bounce_line(dst, "%s", "");
    vstring_free(buf);
    vstring_free(reason);
}

/* bounce_notify_write - write the whole notification as content records */
int
bounce_notify_write(VSTREAM *dst, const BOUNCE_NOTICE *notice)
{
    VSTRING *boundary = vstring_alloc(100);
    BOUNCE_ORIG orig;
    int have_original = 0;
    int headers_only;
    int eight_bit;

    if (notice->queue_fp != 0) {
        if (bounce_orig_scan(notice->queue_fp, &orig) == 0)
            have_original = 1;
        else
            msg_warn("%s: cannot read the original message from the queue file", notice->queue_id);
    }
    headers_only = have_original && orig.size > notice->size_limit;
    /* What is returned decides: the header alone may be 7-bit, or not. */
    eight_bit = have_original && (headers_only ? orig.header_eight_bit : orig.eight_bit);
    bounce_notify_boundary(boundary, notice);
    bounce_notify_header(dst, notice, STR(boundary), eight_bit);
    bounce_notify_text(dst, notice, STR(boundary), have_original);
    bounce_notify_status(dst, notice, STR(boundary));
    if (have_original) {
        bounce_line(dst, "--%s", STR(boundary));
        bounce_line(dst, "Content-Description: %s",
                    headers_only ? "Undelivered Message Headers" : "Undelivered Message");
        bounce_line(dst, "Content-Type: %s",
                    headers_only ? "text/rfc822-headers" : "message/rfc822");
        if (eight_bit)
            bounce_line(dst, "Content-Transfer-Encoding: 8bit");
        bounce_line(dst, "%s", "");
        bounce_orig_copy(dst, notice->queue_fp, &orig, headers_only);
        bounce_line(dst, "%s", "");
    }
    bounce_line(dst, "--%s--", STR(boundary));
    vstring_free(boundary);
    return vstream_ferror(dst) ? -1 : 0;
}
