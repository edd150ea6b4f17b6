/*
 * log_delivery - build and log the per-recipient delivery line.
 *
 * Usage: fill a LOG_DELIVERY (queue ID, addresses, relay, five time stamps,
 * DSN status, status word, reason) and call log_delivery(), or, in a
 * delivery agent that has its request at hand, log_delivery_recipient().
 * See log_delivery.h for the exact line shape.
 *
 * How numbers are printed: an interval is rounded to a unit and printed
 * without trailing zeros. The unit keeps two significant digits: whole
 * seconds from 10 s up, tenths from 1 s to 10 s, and below one second the
 * unit that leaves two significant digits, but never finer than the
 * configured resolution (digits after the point, 0..6). So with the default
 * resolution 2: 0.083 -> "0.08", 0.0004 -> "0", 1.54 -> "1.5",
 * 9.96 -> "10", 30.4 -> "30".
 *
 * Addresses are logged in external (quoted) form; addresses and reason are
 * made printable first, since they may come from the network.
 *
 * Memory ownership: the caller owns the buffer and all input strings.
 * Diagnostics: a resolution outside 0..6 is clamped; nothing else fails.
 */
#include "sys_defs.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "msg.h"
#include "stringops.h"
#include "vstring.h"

#include "log_delivery.h"
#include "mail_addr.h"
#include "mail_params.h"
#include "mail_proto.h"

#define LOG_DELIVERY_MILLION 1000000L
#define LOG_DELIVERY_SIG_DIGITS 2

/* log_delivery_unit - rounding unit in microseconds for one interval */
static long
log_delivery_unit(long sec, long usec, int resolution)
{
    long unit = 1;
    long limit = 1;
    int i;

    for (i = 0; i < LOG_DELIVERY_SIG_DIGITS; i++)
        limit *= 10; /* 100: two significant digits */
    for (i = resolution; i < 6; i++)
        unit *= 10;
    if (resolution == 0)
        return unit;
    if (sec >= 10)
        return LOG_DELIVERY_MILLION;
    if (sec > 0)
        return LOG_DELIVERY_MILLION / 10;
    while (usec >= limit * unit)
        unit *= 10;
    return unit;
}

/* log_delivery_format_time - append one interval, e.g. "0.08" or "30" */
VSTRING *
log_delivery_format_time(VSTRING *buf, long sec, long usec, int resolution)
{
    long unit;
    long frac;
    char digits[24];
    int ndigits;

    if (resolution < 0)
        resolution = 0;
    if (resolution > 6)
        resolution = 6;
    sec += usec / LOG_DELIVERY_MILLION;
    usec %= LOG_DELIVERY_MILLION;
    if (usec < 0) {
        usec += LOG_DELIVERY_MILLION;
        sec -= 1;
    }
    if (sec < 0)
        sec = usec = 0;

    unit = log_delivery_unit(sec, usec, resolution);
    frac = ((usec + unit / 2) / unit) * unit;
    if (frac >= LOG_DELIVERY_MILLION) {
        sec += 1;
        frac -= LOG_DELIVERY_MILLION;
    }
    vstring_sprintf_append(buf, "%ld", sec);
    if (frac > 0) {
        (void)snprintf(digits, sizeof(digits), "%06ld", frac);
        for (ndigits = 6; ndigits > 0 && digits[ndigits - 1] == '0'; ndigits--)
            /* drop trailing zeros */;
        vstring_addch(buf, '.');
        vstring_strncat(buf, digits, ndigits);
    }
    return buf;
}

/* log_delivery_delta - append the interval later - earlier */
static void
log_delivery_delta(VSTRING *buf, const struct timeval *later, const struct timeval *earlier,
                   int resolution)
{
    long sec = (long)later->tv_sec - (long)earlier->tv_sec;
    long usec = (long)later->tv_usec - (long)earlier->tv_usec;

    log_delivery_format_time(buf, sec, usec, resolution);
}

/* log_delivery_address - append an address in printable external form */
static void
log_delivery_address(VSTRING *buf, const char *addr)
{
    VSTRING *quoted = vstring_alloc(100);

    mail_addr_quote(quoted, addr);
    printable(vstring_str(quoted), '?');
    vstring_strcat(buf, vstring_str(quoted));
    vstring_free(quoted);
}

/* log_delivery_format - append the whole delivery line to buf */
VSTRING *
log_delivery_format(VSTRING *buf, const LOG_DELIVERY *info, int resolution)
{
    const struct timeval *conn_done;
    VSTRING *reason;

    vstring_sprintf_append(buf, "%s: to=<", info->queue_id);
    log_delivery_address(buf, info->recipient);
    vstring_strcat(buf, ">");
    if (info->orig_recipient != 0 && *info->orig_recipient != 0 &&
        strcasecmp(info->orig_recipient, info->recipient) != 0) {
        vstring_strcat(buf, ", orig_to=<");
        log_delivery_address(buf, info->orig_recipient);
        vstring_strcat(buf, ">");
    }
    vstring_sprintf_append(buf, ", relay=%s, delay=", info->relay);
    log_delivery_delta(buf, &info->done, &info->arrival, resolution);
    vstring_strcat(buf, ", delays=");
    log_delivery_delta(buf, &info->active, &info->arrival, resolution);
    vstring_addch(buf, '/');
    log_delivery_delta(buf, &info->agent_start, &info->active, resolution);
    vstring_addch(buf, '/');
    conn_done = (info->conn_done.tv_sec == 0 && info->conn_done.tv_usec == 0) ? &info->agent_start
                                                                              : &info->conn_done;
    log_delivery_delta(buf, conn_done, &info->agent_start, resolution);
    vstring_addch(buf, '/');
    log_delivery_delta(buf, &info->done, conn_done, resolution);

    reason = vstring_alloc(100);
    vstring_strcpy(reason, info->reason ? info->reason : "");
    printable(vstring_str(reason), '?');
    vstring_sprintf_append(buf, ", dsn=%s, status=%s (%s)", info->dsn, info->status,
                           vstring_str(reason));
    vstring_free(reason);
    return buf;
}

/* log_delivery - format with the configured resolution and log it */
void
log_delivery(const LOG_DELIVERY *info)
{
    VSTRING *buf = vstring_alloc(200);

    log_delivery_format(buf, info, var_delay_logging_resolution_limit);
    msg_info("%s", vstring_str(buf));
    vstring_free(buf);
}

/* log_delivery_status_name - the status word for a MAIL_STAT_* value */
const char *
log_delivery_status_name(int mail_status)
{
    switch (mail_status) {
    case MAIL_STAT_OK:
        return "sent";
    case MAIL_STAT_BOUNCE:
        return "bounced";
    default:
        return "deferred";
    }
}

/* log_delivery_recipient - log a recipient's result from its request */
void
log_delivery_recipient(const DELIVER_REQUEST *request, const RECIPIENT *rcpt, const char *relay)
{
    LOG_DELIVERY info;

    memset(&info, 0, sizeof(info));
    info.queue_id = request->queue_id;
    info.recipient = rcpt->address;
    info.orig_recipient = rcpt->orig_addr;
    info.relay = relay;
    info.arrival.tv_sec = request->arrival_sec;
    info.arrival.tv_usec = request->arrival_usec;
    info.active.tv_sec = request->active_sec;
    info.active.tv_usec = request->active_usec;
    info.agent_start.tv_sec = request->start_sec;
    info.agent_start.tv_usec = request->start_usec;
    (void)gettimeofday(&info.done, (struct timezone *)0);
    info.dsn = rcpt->dsn_status ? rcpt->dsn_status : "4.0.0";
    info.status = log_delivery_status_name(rcpt->status);
    info.reason = rcpt->reason ? rcpt->reason : "";
    log_delivery(&info);
}
