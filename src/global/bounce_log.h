/*
 * bounce_log - per-message logs of failed recipients, kept in the queue's
 * "bounce" (permanent failures) and "defer" (temporary failures) folders.
 *
 * qmgr writes them (it owns the queue file), and cleanup writes a bounce
 * log for a local submission that it returns to its sender before any
 * other process sees the file; bounce reads the bounce
 * log to build the delivery status notification, and postqueue/mailq read
 * the defer log for the reason a message waits. Each entry is one attribute
 * list in text form, one "name=value" per line, ended by an empty line:
 * recipient, original_recipient, recipient_offset, dsn_status, action,
 * reason, time. Values are made single-line (newlines become spaces).
 * bounce_log_append() appends and fsyncs; bounce_log_read() returns the
 * next entry (1), or 0 at the end, -1 on a malformed entry.
 */
#ifndef BOUNCE_LOG_H
#define BOUNCE_LOG_H

#include "sys_defs.h"
#include "vstream.h"
#include "deliver_request.h"

typedef struct BOUNCE_LOG_ENTRY {
    VSTRING *recipient;
    VSTRING *orig_recipient;
    long offset;
    VSTRING *dsn_status;
    VSTRING *action;
    VSTRING *reason;
    long time;
} BOUNCE_LOG_ENTRY;

extern int bounce_log_append(const char *queue, const char *id, const RECIPIENT *rcpt);
extern VSTREAM *bounce_log_open(const char *queue, const char *id);
extern BOUNCE_LOG_ENTRY *bounce_log_entry_alloc(void);
extern void bounce_log_entry_free(BOUNCE_LOG_ENTRY *entry);
extern int bounce_log_read(VSTREAM *log, BOUNCE_LOG_ENTRY *entry);

#endif
