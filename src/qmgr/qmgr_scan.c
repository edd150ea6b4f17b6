/*
 * qmgr_scan - queue directory scanner of qmgr.
 *
 * The listing of a scan is read at once and sorted, so that messages are
 * taken in the order in which they arrived (queue IDs sort by time). Each
 * file is stat()ed only when its turn comes, so a file that has gone away
 * meanwhile (delivered, moved by postsuper) is skipped silently, and a
 * deferred file's time stamp is as fresh as possible. See qmgr_scan.h.
 */
#include "sys_defs.h"
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "mail_queue.h"

#include "qmgr_scan.h"

/* qmgr_scan_create - make an idle scanner */
QMGR_SCAN *
qmgr_scan_create(const char *queue)
{
    QMGR_SCAN *scan = mycalloc(1, sizeof(*scan));

    scan->queue = mystrdup(queue);
    return scan;
}

/* qmgr_scan_free - release a scanner */
void
qmgr_scan_free(QMGR_SCAN *scan)
{
    if (scan->names)
        argv_free(scan->names);
    myfree(scan->queue);
    myfree(scan);
}

/* qmgr_scan_select - is this directory entry a message to take now? */
int
qmgr_scan_select(const char *name, time_t mtime, time_t now, int flags)
{
    if (!mail_queue_id_ok(name))
        return 0;
    return (flags & QMGR_SCAN_ALL) || mtime <= now;
}

/* qmgr_scan_compare - qsort helper: order names as strings */
static int
qmgr_scan_compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* qmgr_scan_list - read and sort the directory; NULL on error */
static ARGV *
qmgr_scan_list(const char *queue)
{
    DIR *dir;
    struct dirent *dp;
    ARGV *names;

    if ((dir = opendir(queue)) == 0) {
        msg_warn("open queue directory %s: %s", queue, strerror(errno));
        return 0;
    }
    names = argv_alloc(32);
    while ((dp = readdir(dir)) != 0)
        if (mail_queue_id_ok(dp->d_name))
            argv_add(names, dp->d_name, (char *)0);
    closedir(dir);
    qsort(names->argv, names->argc, sizeof(names->argv[0]), qmgr_scan_compare);
    return names;
}

/* qmgr_scan_start - begin a scan with the given flags */
static void
qmgr_scan_start(QMGR_SCAN *scan, int flags)
{
    if (scan->names)
        argv_free(scan->names);
    scan->names = qmgr_scan_list(scan->queue);
    scan->next = 0;
    scan->flags = flags;
    if (msg_verbose)
        msg_info("scan %s: %ld file(s)%s", scan->queue, scan->names ? (long)scan->names->argc : 0L,
                 (flags & QMGR_SCAN_ALL) ? ", ignoring time stamps" : "");
}

/* qmgr_scan_request - start a scan now, or after the current one */
void
qmgr_scan_request(QMGR_SCAN *scan, int flags)
{
    if (scan->names == 0 && (flags & QMGR_SCAN_START)) {
        qmgr_scan_start(scan, flags | scan->next_flags);
        scan->next_flags = 0;
        return;
    }
    scan->next_flags |= flags;
}

/* qmgr_scan_busy - is a scan in progress or pending? */
int
qmgr_scan_busy(const QMGR_SCAN *scan)
{
    return scan->names != 0 || (scan->next_flags & QMGR_SCAN_START);
}

/* qmgr_scan_next - next eligible queue ID, or NULL when done */
const char *
qmgr_scan_next(QMGR_SCAN *scan, time_t now)
{
    VSTRING *path = vstring_alloc(100);
    struct stat st;
    const char *name = 0;

    while (name == 0) {
        if (scan->names == 0 || scan->next >= scan->names->argc) {
            if (scan->names) {
                argv_free(scan->names);
                scan->names = 0;
            }
            if ((scan->next_flags & QMGR_SCAN_START) == 0)
                break;
            qmgr_scan_start(scan, scan->next_flags);
            scan->next_flags = 0;
            continue;
        }
        name = scan->names->argv[scan->next++];
        if (stat(mail_queue_path(path, scan->queue, name), &st) < 0 || !S_ISREG(st.st_mode) ||
            !qmgr_scan_select(name, st.st_mtime, now, scan->flags))
            name = 0;
    }
    vstring_free(path);
    return name;
}
