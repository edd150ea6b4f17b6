/*
 * bounce_log - per-message logs of failed recipients ("defer/ID" for
 * temporary failures, "bounce/ID" for permanent ones); see bounce_log.h.
 *
 * File format: one entry per recipient result, one "name=value" line per
 * attribute, in this order: recipient, original_recipient,
 * recipient_offset, dsn_status, action, reason, time; an empty line ends
 * the entry. Values are made single-line on the way in (CR and LF become
 * spaces), so a line never holds more than one attribute.
 *
 * Writing: bounce_log_append(queue, id, rcpt) opens QUEUE/ID with
 * O_APPEND|O_CREAT (mode 0600), writes one entry for the recipient (time
 * is now), fsyncs and closes. 0 on success, -1 with a warning. qmgr
 * writes these logs (cleanup too, for a returned local submission).
 *
 * Reading: bounce_log_open() returns a stream or NULL with errno set (a
 * missing log, ENOENT, is normal: no recipient failed), no warning.
 * bounce_log_read(log, entry) fills a BOUNCE_LOG_ENTRY (from
 * bounce_log_entry_alloc; the caller frees it with bounce_log_entry_free)
 * and returns 1, 0 at the end of the log, or -1 with a warning for a
 * malformed entry: a line without '=', a bad number, an over-long line, an
 * entry without recipient, or a log that ends inside an entry (a crash
 * during an append). Unknown names are skipped, for logs written by a
 * newer version. Close the log with vstream_fclose().
 */
#include "sys_defs.h"
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bounce_log.h"
#include "mail_queue.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

#define BOUNCE_LOG_LINE_MAX (1024 * 1024)

#define BL_RECIPIENT "recipient"
#define BL_ORIG_RECIPIENT "original_recipient"
#define BL_OFFSET "recipient_offset"
#define BL_DSN_STATUS "dsn_status"
#define BL_ACTION "action"
#define BL_REASON "reason"
#define BL_TIME "time"

/* bounce_log_add - append one "name=value" line, made single-line */
static void
bounce_log_add(VSTRING *buf, const char *name, const char *value)
{
    const char *cp;

    vstring_sprintf_append(buf, "%s=", name);
    for (cp = value ? value : ""; *cp; cp++)
        vstring_addch(buf, (*cp == '\n' || *cp == '\r') ? ' ' : *cp);
    vstring_addch(buf, '\n');
}

/* bounce_log_append - append one recipient's result to a log */
int
bounce_log_append(const char *queue, const char *id, const RECIPIENT *rcpt)
{
    VSTRING *path = vstring_alloc(100);
    VSTRING *buf = vstring_alloc(200);
    VSTREAM *log;
    struct stat st;
    int ret = -1;

    bounce_log_add(buf, BL_RECIPIENT, rcpt->address);
    bounce_log_add(buf, BL_ORIG_RECIPIENT, rcpt->orig_addr ? rcpt->orig_addr : rcpt->address);
    vstring_sprintf_append(buf, "%s=%ld\n", BL_OFFSET, rcpt->offset);
    bounce_log_add(buf, BL_DSN_STATUS, rcpt->dsn_status);
    bounce_log_add(buf, BL_ACTION, rcpt->action);
    bounce_log_add(buf, BL_REASON, rcpt->reason);
    vstring_sprintf_append(buf, "%s=%ld\n\n", BL_TIME, (long)time((time_t *)0));
    mail_queue_path(path, queue, id);
    if ((log = vstream_fopen(STR(path), O_WRONLY | O_APPEND | O_CREAT, 0600)) == 0) {
        msg_warn("open %s: %m", STR(path));
    } else if (fstat(vstream_fileno(log), &st) < 0) {
        msg_warn("fstat %s: %m", STR(path));
        (void)vstream_fclose(log);
    } else {
        vstream_fwrite(log, STR(buf), LEN(buf));
        if (vstream_fsync(log) != 0)
            msg_warn("write %s: %m", STR(path));
        else
            ret = 0;
        /* A half-written entry would make the whole log unreadable. */
        if (ret < 0 && ftruncate(vstream_fileno(log), st.st_size) < 0)
            msg_warn("truncate %s back to %ld bytes: %m", STR(path), (long)st.st_size);
        if (vstream_fclose(log) != 0 && ret == 0) {
            msg_warn("close %s: %m", STR(path));
            ret = -1;
        }
    }
    vstring_free(path);
    vstring_free(buf);
    return ret;
}

/* bounce_log_open - open a log for reading */
VSTREAM *
bounce_log_open(const char *queue, const char *id)
{
    VSTRING *path = vstring_alloc(100);
    VSTREAM *log;

    if ((log = vstream_fopen(mail_queue_path(path, queue, id), O_RDONLY, 0)) != 0)
        vstream_set_name(log, STR(path));
    vstring_free(path);
    return log;
}

/* bounce_log_entry_alloc - an empty entry */
BOUNCE_LOG_ENTRY *
bounce_log_entry_alloc(void)
{
    BOUNCE_LOG_ENTRY *entry = (BOUNCE_LOG_ENTRY *)mymalloc(sizeof(*entry));

    entry->recipient = vstring_alloc(100);
    entry->orig_recipient = vstring_alloc(100);
    entry->dsn_status = vstring_alloc(10);
    entry->action = vstring_alloc(10);
    entry->reason = vstring_alloc(100);
    entry->offset = 0;
    entry->time = 0;
    return entry;
}

/* bounce_log_entry_free - release an entry */
void
bounce_log_entry_free(BOUNCE_LOG_ENTRY *entry)
{
    vstring_free(entry->recipient);
    vstring_free(entry->orig_recipient);
    vstring_free(entry->dsn_status);
    vstring_free(entry->action);
    vstring_free(entry->reason);
    myfree(entry);
}

/* bounce_log_reset - clear an entry before reading into it */
static void
bounce_log_reset(BOUNCE_LOG_ENTRY *entry)
{
    vstring_reset(entry->recipient);
    vstring_reset(entry->orig_recipient);
    vstring_reset(entry->dsn_status);
    vstring_reset(entry->action);
    vstring_reset(entry->reason);
    entry->offset = 0;
    entry->time = 0;
}

/* bounce_log_store - store one name=value line in an entry */
static int
bounce_log_store(BOUNCE_LOG_ENTRY *entry, const char *name, const char *value)
{
    if (strcmp(name, BL_RECIPIENT) == 0)
        vstring_strcpy(entry->recipient, value);
    else if (strcmp(name, BL_ORIG_RECIPIENT) == 0)
        vstring_strcpy(entry->orig_recipient, value);
    else if (strcmp(name, BL_DSN_STATUS) == 0)
        vstring_strcpy(entry->dsn_status, value);
    else if (strcmp(name, BL_ACTION) == 0)
        vstring_strcpy(entry->action, value);
    else if (strcmp(name, BL_REASON) == 0)
        vstring_strcpy(entry->reason, value);
    else if (strcmp(name, BL_OFFSET) == 0)
        return parse_long(value, &entry->offset);
    else if (strcmp(name, BL_TIME) == 0)
        return parse_long(value, &entry->time);
    return 0;
}

/* bounce_log_line - read one line without its newline; -1 at EOF or error */
static int
bounce_log_line(VSTREAM *log, VSTRING *line, int *complete)
{
    int last;

    if ((last = vstream_get_line(log, line, BOUNCE_LOG_LINE_MAX)) == VSTREAM_EOF)
        return -1;
    *complete = (last == '\n');
    if (*complete)
        vstring_truncate(line, LEN(line) - 1);
    return 0;
}

/* bounce_log_end - decide what the end of input means */
static int
bounce_log_end(VSTREAM *log, int lines)
{
    if (vstream_ferror(log)) {
        msg_warn("%s: read error: %m", vstream_name(log));
        return -1;
    }
    if (lines == 0)
        return 0;
    msg_warn("%s: log ends inside an entry", vstream_name(log));
    return -1;
}

/* bounce_log_read - read the next entry */
int
bounce_log_read(VSTREAM *log, BOUNCE_LOG_ENTRY *entry)
{
    VSTRING *line = vstring_alloc(200);
    int lines = 0;
    int complete;
    int ret;
    char *value;

    bounce_log_reset(entry);
    for (;;) {
        if (bounce_log_line(log, line, &complete) < 0) {
            ret = bounce_log_end(log, lines);
            break;
        }
        if (!complete) {
            msg_warn("%s: truncated or over-long line", vstream_name(log));
            ret = -1;
            break;
        }
        if (LEN(line) == 0) {
            if (lines == 0)
                continue;
            if ((ret = LEN(entry->recipient) > 0 ? 1 : -1) < 0)
                msg_warn("%s: entry without recipient", vstream_name(log));
            break;
        }
        lines++;
        if ((value = split_at(STR(line), '=')) == 0 ||
            bounce_log_store(entry, STR(line), value) < 0) {
            printable(STR(line), '?');
            msg_warn("%s: malformed line: %.100s", vstream_name(log), STR(line));
            ret = -1;
            break;
        }
    }
    vstring_free(line);
    return ret;
}
