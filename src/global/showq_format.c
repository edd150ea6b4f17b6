/*
 * showq_format - list the mail queue like Postfix's showq + postqueue
 * (see showq_format.h). Used by the showq daemon and, when the mail
 * system is down, by postqueue itself.
 *
 * For each queue file: the arrival time comes from the TIME record (else
 * the file's mtime), the size from the SIZE record (else the file size,
 * as for maildrop files), the sender in quoted external form with the
 * null sender shown as $empty_address_recipient ("MAILER-DAEMON"). Only
 * RCPT recipients (not yet done) are listed. A recipient's delay reason is
 * the last defer/ID entry for it (matched by record offset, else by
 * address); recipients with a reason come first, in the order of their
 * entries, which keeps the recipients of one delivery attempt together,
 * then the others in file order. Text is made printable ('?').
 *
 * Text format (postqueue -p): Postfix's long-ID columns "%-17s %8s
 * %-19s %s", '*' after the ID in active, '!' in hold, a "(reason)" line
 * right-aligned to column 78 whenever the reason changes from the
 * previous recipient ("(reason unavailable)" when a recipient after one
 * with a reason has none), a blank line between messages, and the footer
 * "-- N Kbytes in M Request(s)." or "Mail queue is empty". The arrival
 * time is local time of the process that formats (the showq daemon).
 * JSON format (postqueue -j): {"queue_name": ..., "queue_id": ...,
 * "arrival_time": N, "message_size": N, "forced_expire": false,
 * "sender": ..., "recipients": [{"address": ..., "delay_reason": ...}]}
 * with delay_reason only when there is one; strings escaped as JSON.
 *
 * Files that vanish during the scan are skipped silently; unreadable or
 * malformed ones with a warning.
 */
#include "sys_defs.h"
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bounce_log.h"
#include "mail_addr.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "msg.h"
#include "mymalloc.h"
#include "queue_envelope.h"
#include "queue_scan.h"
#include "stringops.h"
#include "showq_format.h"

/* One message, ready to print. */
typedef struct SHOWQ_MSG {
    const char *queue;
    const char *id;
    long arrival;
    long size;
    VSTRING *sender; /* external, printable */
    int count;
    char **addr;   /* external, printable, in print order */
    char **reason; /* "" when none */
} SHOWQ_MSG;

/* Per-recipient bookkeeping while reasons are matched. */
typedef struct SHOWQ_RCPT {
    int index;  /* position in the queue file */
    long order; /* sequence number of its latest defer entry, or -1 */
    char *reason;
} SHOWQ_RCPT;

/* showq_external - quoted, printable form of an address */
static char *
showq_external(const char *internal)
{
    VSTRING *ext = vstring_alloc(100);

    mail_addr_quote(ext, *internal ? internal : var_empty_address_recipient);
    printable(STR(ext), '?');
    return vstring_export(ext);
}

/* showq_match - the pending recipient that a defer entry is about, or -1 */
static int
showq_match(const QUEUE_ENV *env, const BOUNCE_LOG_ENTRY *entry)
{
    int i;

    for (i = 0; i < env->rcpt_count; i++)
        if (entry->offset > 0 && env->rcpt[i].offset == entry->offset)
            return i;
    for (i = 0; i < env->rcpt_count; i++)
        if (strcmp(env->rcpt[i].address, STR(entry->recipient)) == 0)
            return i;
    return -1;
}

/* showq_reasons - attach the defer log's reasons to the recipients */
static void
showq_reasons(const char *id, const QUEUE_ENV *env, SHOWQ_RCPT *rcpt)
{
    BOUNCE_LOG_ENTRY *entry;
    VSTREAM *log;
    long seq = 0;
    int i;

    if ((log = bounce_log_open(MAIL_QUEUE_DEFER, id)) == 0)
        return;
    entry = bounce_log_entry_alloc();
    while (bounce_log_read(log, entry) > 0) {
        if ((i = showq_match(env, entry)) < 0)
            continue;
        myfree(rcpt[i].reason);
        rcpt[i].reason = mystrdup(printable(STR(entry->reason), '?'));
        rcpt[i].order = seq++;
    }
    bounce_log_entry_free(entry);
    (void)vstream_fclose(log);
}

/* showq_rcpt_cmp - recipients with a reason first, by entry; then by file */
static int
showq_rcpt_cmp(const void *a, const void *b)
{
    const SHOWQ_RCPT *ra = a;
    const SHOWQ_RCPT *rb = b;
    long ka = ra->order < 0 ? POSTERN_INT_MAX + 1L + ra->index : ra->order;
    long kb = rb->order < 0 ? POSTERN_INT_MAX + 1L + rb->index : rb->order;

    return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/* showq_fill - turn an envelope into a printable message */
static void
showq_fill(SHOWQ_MSG *msg, const char *id, const QUEUE_ENV *env)
{
    SHOWQ_RCPT *rcpt = mycalloc(env->rcpt_count + 1, sizeof(*rcpt));
    char *ext;
    int i;

    for (i = 0; i < env->rcpt_count; i++) {
        rcpt[i].index = i;
        rcpt[i].order = -1;
    }
    showq_reasons(id, env, rcpt);
    qsort(rcpt, env->rcpt_count, sizeof(*rcpt), showq_rcpt_cmp);
    msg->count = env->rcpt_count;
    msg->addr = mycalloc(env->rcpt_count + 1, sizeof(char *));
    msg->reason = mycalloc(env->rcpt_count + 1, sizeof(char *));
    for (i = 0; i < env->rcpt_count; i++) {
        msg->addr[i] = showq_external(env->rcpt[rcpt[i].index].address);
        msg->reason[i] = rcpt[i].reason ? rcpt[i].reason : mystrdup("");
    }
    myfree(rcpt);
    ext = showq_external(STR(env->sender));
    msg->sender = vstring_alloc(100);
    vstring_strcpy(msg->sender, ext);
    myfree(ext);
}

/* showq_free - release a printable message */
static void
showq_free(SHOWQ_MSG *msg)
{
    int i;

    for (i = 0; i < msg->count; i++) {
        myfree(msg->addr[i]);
        myfree(msg->reason[i]);
    }
    myfree(msg->addr);
    myfree(msg->reason);
    vstring_free(msg->sender);
}

/* showq_read - read one queue file; 0 when it can be listed */
static int
showq_read(SHOWQ_MSG *msg, const char *queue, const char *id, QUEUE_ENV *env)
{
    VSTRING *why = vstring_alloc(100);
    VSTREAM *fp;
    struct stat st;
    int ret = -1;

    if ((fp = mail_queue_open(queue, id, O_RDONLY, 0)) == 0) {
        if (errno != ENOENT)
            msg_warn("open %s/%s: %m", queue, id);
    } else if (fstat(vstream_fileno(fp), &st) < 0 || !S_ISREG(st.st_mode)) {
        msg_warn("%s/%s: not a regular file", queue, id);
    } else if (queue_env_read(fp, env, why) < 0 && !env->have_sender) {
        msg_warn("%s/%s: %s", queue, id, STR(why));
    } else {
        msg->queue = queue;
        msg->id = id;
        msg->arrival = env->have_time && env->arrival_sec > 0 ? env->arrival_sec : st.st_mtime;
        msg->size = env->have_size ? env->content_size : (long)st.st_size;
        ret = 0;
    }
    if (fp)
        (void)vstream_fclose(fp);
    vstring_free(why);
    return ret;
}

#define L_STRING_FORMAT "%-17s %8s %-19s %s\n"
#define L_SENDER_FORMAT "%-17s %8ld %19.19s %s\n"

/* showq_compat - print one message in mailq form */
static void
showq_compat(VSTREAM *out, const SHOWQ_MSG *msg, int first)
{
    VSTRING *id_status = vstring_alloc(50);
    const char *saved = "";
    const char *show;
    time_t when = (time_t)msg->arrival;
    int padding;
    int i;

    if (first)
        vstream_fprintf(out, L_STRING_FORMAT, "----Queue ID-----", "--Size--",
                        "---Arrival Time----", "--Sender/Recipient------");
    else
        vstream_fputs("\n", out);
    vstring_sprintf(id_status, "%s%c", msg->id,
                    strcmp(msg->queue, MAIL_QUEUE_ACTIVE) == 0 ? '*'
                    : strcmp(msg->queue, MAIL_QUEUE_HOLD) == 0 ? '!'
                                                               : ' ');
    vstream_fprintf(out, L_SENDER_FORMAT, STR(id_status), msg->size, asctime(localtime(&when)),
                    STR(msg->sender));
    for (i = 0; i < msg->count; i++) {
        if (strcmp(saved, msg->reason[i]) != 0) {
            saved = msg->reason[i];
            show = *saved ? saved : "reason unavailable";
            if ((padding = 76 - (int)strlen(show)) < 0)
                padding = 0;
            vstream_fprintf(out, "%*s(%s)\n", padding, "", show);
        }
        vstream_fprintf(out, L_STRING_FORMAT, "", "", "", msg->addr[i]);
    }
    vstring_free(id_status);
}

/* showq_json_quote - a string as JSON string content */
static const char *
showq_json_quote(VSTRING *buf, const char *text)
{
    const unsigned char *cp;

    vstring_reset(buf);
    for (cp = (const unsigned char *)text; *cp; cp++) {
        switch (*cp) {
        case '\b':
            vstring_strcat(buf, "\\b");
            break;
        case '\f':
            vstring_strcat(buf, "\\f");
            break;
        case '\n':
            vstring_strcat(buf, "\\n");
            break;
        case '\r':
            vstring_strcat(buf, "\\r");
            break;
        case '\t':
            vstring_strcat(buf, "\\t");
            break;
        case '"':
            vstring_strcat(buf, "\\\"");
            break;
        case '\\':
            vstring_strcat(buf, "\\\\");
            break;
        default:
            if (*cp < 0x20 || *cp == 0x7f)
                vstring_sprintf_append(buf, "\\u%04X", *cp);
            else
                vstring_addch(buf, *cp);
        }
    }
    return STR(buf);
}

/* showq_json - print one message as a JSON object on one line */
static void
showq_json(VSTREAM *out, const SHOWQ_MSG *msg)
{
    VSTRING *q = vstring_alloc(100);
    int i;

    vstream_fprintf(out, "{\"queue_name\": \"%s\", ", showq_json_quote(q, msg->queue));
    vstream_fprintf(out, "\"queue_id\": \"%s\", ", showq_json_quote(q, msg->id));
    vstream_fprintf(out, "\"arrival_time\": %ld, ", msg->arrival);
    vstream_fprintf(out, "\"message_size\": %ld, ", msg->size);
    vstream_fprintf(out, "\"forced_expire\": %s, ", "false");
    vstream_fprintf(out, "\"sender\": \"%s\", ", showq_json_quote(q, STR(msg->sender)));
    vstream_fputs("\"recipients\": [", out);
    for (i = 0; i < msg->count; i++) {
        vstream_fprintf(out, "%s{\"address\": \"%s\"", i ? ", " : "",
                        showq_json_quote(q, msg->addr[i]));
        if (*msg->reason[i])
            vstream_fprintf(out, ", \"delay_reason\": \"%s\"", showq_json_quote(q, msg->reason[i]));
        vstream_fputs("}", out);
    }
    vstream_fputs("]}\n", out);
    vstring_free(q);
}

/* showq_queue - list one queue; updates the message count and size */
static int
showq_queue(VSTREAM *out, int format, const char *queue, long *count, long *size)
{
    QUEUE_ENV *env;
    SHOWQ_MSG msg;
    ARGV *ids;
    ssize_t i;

    if ((ids = queue_scan_ids(queue)) == 0)
        return (errno == ENOENT ? 0 : -1);
    env = queue_env_alloc();
    for (i = 0; i < ids->argc && !vstream_ferror(out); i++) {
        memset(&msg, 0, sizeof(msg));
        if (showq_read(&msg, queue, ids->argv[i], env) < 0)
            continue;
        showq_fill(&msg, ids->argv[i], env);
        if (format == SHOWQ_FORMAT_JSON)
            showq_json(out, &msg);
        else
            showq_compat(out, &msg, *count == 0);
        *count += 1;
        *size += msg.size;
        showq_free(&msg);
        vstream_fflush(out);
    }
    argv_free(ids);
    queue_env_free(env);
    return 0;
}

/* showq_format_list - list every queue */
int
showq_format_list(VSTREAM *out, int format, VSTRING *why)
{
    static const char *const queues[] = {MAIL_QUEUE_MAILDROP, MAIL_QUEUE_ACTIVE,
                                         MAIL_QUEUE_INCOMING, MAIL_QUEUE_DEFERRED,
                                         MAIL_QUEUE_HOLD,     0};
    const char *const *qp;
    long count = 0;
    long size = 0;

    for (qp = queues; *qp && !vstream_ferror(out); qp++) {
        if (showq_queue(out, format, *qp, &count, &size) < 0) {
            vstring_sprintf(why, "open queue directory %s/%s: %m", var_queue_directory, *qp);
            vstream_fflush(out);
            return -1;
        }
    }
    if (format == SHOWQ_FORMAT_TEXT) {
        if (count == 0)
            vstream_fputs("Mail queue is empty\n", out);
        else
            vstream_fprintf(out, "\n-- %ld Kbytes in %ld Request%s.\n", size / 1024, count,
                            count == 1 ? "" : "s");
    }
    vstream_fflush(out);
    return 0;
}

/* showq_format_code - the SHOWQ_FORMAT_ value of a protocol name, or -1 */
int
showq_format_code(const char *name)
{
    if (strcmp(name, SHOWQ_FORMAT_NAME_TEXT) == 0)
        return SHOWQ_FORMAT_TEXT;
    if (strcmp(name, SHOWQ_FORMAT_NAME_JSON) == 0)
        return SHOWQ_FORMAT_JSON;
    return -1;
}

/* showq_format_name - the protocol name of a SHOWQ_FORMAT_ value */
const char *
showq_format_name(int format)
{
    return (format == SHOWQ_FORMAT_JSON ? SHOWQ_FORMAT_NAME_JSON : SHOWQ_FORMAT_NAME_TEXT);
}
