/*
 * qmgr_scan - walk a queue directory (incoming/ or deferred/) one message
 * at a time, in queue ID (time) order.
 *
 * qmgr_scan_create(queue) makes an idle scanner for a queue directory
 * (relative to queue_directory). qmgr_scan_request(scan, flags) starts a
 * scan, or, when one is in progress, asks for another one after it (the
 * directory may have changed behind the listing); QMGR_SCAN_ALL ignores
 * the files' time stamps for that scan (postqueue -f). qmgr_scan_next(scan,
 * now) returns the next queue ID that is eligible, or NULL when the scan
 * (and any rescan) is finished; the string stays valid until the next call.
 * qmgr_scan_busy() says whether a scan is in progress or pending.
 * qmgr_scan_free() releases the scanner.
 *
 * qmgr_scan_select(name, mtime, now, flags) is the pure filter: the name
 * must be a well-formed queue ID (so "ID.tmp", "." and other files are
 * skipped) and, unless QMGR_SCAN_ALL, the file's mtime (the time of its
 * next delivery attempt) must not be in the future.
 *
 * A directory that cannot be read is reported with a warning; the scan
 * then finishes empty.
 */
#ifndef QMGR_SCAN_H
#define QMGR_SCAN_H

#include "sys_defs.h"
#include <time.h>

#include "argv.h"

#define QMGR_SCAN_START (1 << 0) /* start a scan */
#define QMGR_SCAN_ALL (1 << 1)   /* ignore time stamps */

typedef struct QMGR_SCAN {
    char *queue;
    ARGV *names;    /* sorted listing of the current scan, or NULL */
    ssize_t next;   /* index of the next name */
    int flags;      /* flags of the current scan */
    int next_flags; /* pending rescan (QMGR_SCAN_START set) */
} QMGR_SCAN;

extern QMGR_SCAN *qmgr_scan_create(const char *queue);
extern void qmgr_scan_free(QMGR_SCAN *scan);
extern void qmgr_scan_request(QMGR_SCAN *scan, int flags);
extern const char *qmgr_scan_next(QMGR_SCAN *scan, time_t now);
extern int qmgr_scan_busy(const QMGR_SCAN *scan);
extern int qmgr_scan_select(const char *name, time_t mtime, time_t now, int flags);

#endif
