/*
 * cleanup_header - header names, and the headers that cleanup adds.
 *
 * cleanup_header_name_len(line, len) returns the length of the field name
 * when the line starts a header ("Name:" or the obsolete "Name :"; a name
 * is printable ASCII without colon or space), else 0.
 * cleanup_header_kind(name, len) classifies a name, case-insensitively,
 * as one that cleanup acts on (Received, (Resent-)Date, Message-Id, From,
 * To, Cc, Bcc, other Resent- headers) or CLEANUP_KIND_OTHER.
 * cleanup_header_dropped(name, len) is true when the name is listed in
 * message_drop_headers.
 *
 * The formatters fill the caller's VSTRING with a complete header, lines
 * separated by newline, without the final newline:
 * cleanup_header_date() "Tue,  5 Mar 2019 10:00:00 +0100 (CET)" (the
 * value only, local time, as RFC 5322 with a zone comment);
 * cleanup_header_message_id() "<YYYYMMDDhhmmss.QUEUEID@HOST>" (UTC);
 * cleanup_header_from() "From: Full Name <sender>" (the name quoted when
 * it holds specials; line breaks in it become spaces);
 * cleanup_header_received() "Received: by HOST (MAIL_NAME, from userid
 * UID)\n\tid QUEUEID; DATE". cleanup_hostname() is myhostname, or
 * "localhost" when that is empty.
 */
#include "sys_defs.h"
#include "msg.h"
#include "vstring.h"
#include "stringops.h"
#include "mymalloc.h"
#include "argv.h"
#include "mail_params.h"
#include "mail_addr.h"
#include "cleanup.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The headers that cleanup looks at. */
static const struct {
    const char *name;
    CLEANUP_HDR_KIND kind;
} cleanup_header_table[] = {
    {"received", CLEANUP_KIND_RECEIVED},
    {"date", CLEANUP_KIND_DATE},
    {"message-id", CLEANUP_KIND_MESSAGE_ID},
    {"from", CLEANUP_KIND_FROM},
    {"to", CLEANUP_KIND_TO},
    {"cc", CLEANUP_KIND_CC},
    {"bcc", CLEANUP_KIND_BCC},
    {"resent-date", CLEANUP_KIND_RESENT_DATE},
    {"resent-message-id", CLEANUP_KIND_RESENT_MESSAGE_ID},
    {"resent-from", CLEANUP_KIND_RESENT_FROM},
    {"resent-to", CLEANUP_KIND_RESENT_TO},
    {"resent-cc", CLEANUP_KIND_RESENT_CC},
    {"resent-bcc", CLEANUP_KIND_RESENT_BCC},
};

#define RESENT_PREFIX "resent-"
#define RESENT_PREFIX_LEN (sizeof(RESENT_PREFIX) - 1)

/* cleanup_header_name_len - length of the field name that starts a header */
ssize_t
cleanup_header_name_len(const char *line, ssize_t len)
{
    ssize_t n = 0;
    ssize_t i;
    unsigned char ch;

    while (n < len) {
        ch = (unsigned char)line[n];
        if (ch == ':' || ch <= ' ' || ch >= 127)
            break;
        n++;
    }
    if (n == 0)
        return (0);
    for (i = n; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
        /* obsolete syntax: white space before the colon */;
    return (i < len && line[i] == ':' ? n : 0);
}

/* cleanup_header_kind - classify a header name */
CLEANUP_HDR_KIND
cleanup_header_kind(const char *name, ssize_t len)
{
    size_t i;

    for (i = 0; i < sizeof(cleanup_header_table) / sizeof(cleanup_header_table[0]); i++) {
        if ((ssize_t)strlen(cleanup_header_table[i].name) == len &&
            strncasecmp(cleanup_header_table[i].name, name, (size_t)len) == 0)
            return (cleanup_header_table[i].kind);
    }
    if (len > (ssize_t)RESENT_PREFIX_LEN &&
        strncasecmp(name, RESENT_PREFIX, RESENT_PREFIX_LEN) == 0)
        return (CLEANUP_KIND_RESENT_OTHER);
    return (CLEANUP_KIND_OTHER);
}

/* cleanup_header_dropped - is this header listed in message_drop_headers */
int
cleanup_header_dropped(const char *name, ssize_t len)
{
    char *saved = mystrdup(var_message_drop_headers);
    char *cp = saved;
    char *item;
    int found = 0;

    while (!found && (item = mystrtok(&cp, ", \t\r\n")) != NULL)
        found = ((ssize_t)strlen(item) == len && strncasecmp(item, name, (size_t)len) == 0);
    myfree(saved);
    return (found);
}

/* cleanup_hostname - the host name that cleanup puts in headers */
const char *
cleanup_hostname(void)
{
    return (var_myhostname != NULL && *var_myhostname ? var_myhostname : "localhost");
}

/* cleanup_header_date - RFC 5322 date-time in local time, with zone comment */
VSTRING *
cleanup_header_date(VSTRING *buf, time_t when)
{
    struct tm *tm = localtime(&when);
    char text[100];
    long offset;
    int sign = '+';

    if (tm == NULL)
        msg_panic("cleanup_header_date: bad time %ld", (long)when);
    if (strftime(text, sizeof(text), "%a, %e %b %Y %H:%M:%S", tm) == 0)
        msg_panic("cleanup_header_date: strftime failed");
    offset = tm->tm_gmtoff / 60;
    if (offset < 0) {
        sign = '-';
        offset = -offset;
    }
    vstring_sprintf(buf, "%s %c%02ld%02ld", text, sign, offset / 60, offset % 60);
    if (strftime(text, sizeof(text), "%Z", tm) > 0 && *text)
        vstring_sprintf_append(buf, " (%s)", text);
    return (buf);
}

/* cleanup_header_message_id - the Message-Id value that cleanup makes */
VSTRING *
cleanup_header_message_id(VSTRING *buf, time_t when, const char *queue_id, const char *hostname)
{
    struct tm *tm = gmtime(&when);
    char text[40];

    if (tm == NULL || strftime(text, sizeof(text), "%Y%m%d%H%M%S", tm) == 0)
        msg_panic("cleanup_header_message_id: bad time %ld", (long)when);
    return (vstring_sprintf(buf, "<%s.%s@%s>", text, queue_id, hostname));
}

/* cleanup_header_phrase - append a display name, quoted when needed */
static void
cleanup_header_phrase(VSTRING *buf, const char *name)
{
    static const char specials[] = "()<>[]:;@\\,.\"";
    const char *cp;
    int quote = 0;

    for (cp = name; *cp; cp++)
        if (strchr(specials, *cp) != NULL || (unsigned char)*cp < ' ')
            quote = 1;
    if (!quote) {
        for (cp = name; *cp; cp++)
            vstring_addch(buf, *cp == '\t' ? ' ' : *cp);
        return;
    }
    vstring_addch(buf, '"');
    for (cp = name; *cp; cp++) {
        if (*cp == '"' || *cp == '\\')
            vstring_addch(buf, '\\');
        vstring_addch(buf, (unsigned char)*cp < ' ' ? ' ' : *cp);
    }
    vstring_addch(buf, '"');
}

/* cleanup_header_from - the From: header that cleanup adds */
VSTRING *
cleanup_header_from(VSTRING *buf, const char *fullname, const char *sender)
{
    VSTRING *external = vstring_alloc(100);
    const char *cp;
    int has_name = 0;

    if (*sender == 0)
        sender = "MAILER-DAEMON";
    mail_addr_quote(external, sender);
    for (cp = fullname ? fullname : ""; *cp; cp++)
        if (!isspace((unsigned char)*cp))
            has_name = 1;
    vstring_strcpy(buf, "From: ");
    if (has_name) {
        cleanup_header_phrase(buf, fullname);
        vstring_sprintf_append(buf, " <%s>", STR(external));
    } else {
        vstring_strcat(buf, STR(external));
    }
    vstring_free(external);
    return (buf);
}

/* cleanup_header_received - the Received: header of a local submission */
VSTRING *
cleanup_header_received(VSTRING *buf, const char *hostname, const char *uid, const char *queue_id,
                        time_t when)
{
    VSTRING *date = cleanup_header_date(vstring_alloc(60), when);

    if (uid != NULL)
        vstring_sprintf(buf, "Received: by %s (%s, from userid %s)\n\tid %s; %s", hostname,
                        var_mail_name, uid, queue_id, STR(date));
    else
        vstring_sprintf(buf, "Received: by %s (%s)\n\tid %s; %s", hostname, var_mail_name, queue_id,
                        STR(date));
    vstring_free(date);
    return (buf);
}
