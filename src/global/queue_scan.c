/*
 * queue_scan - list the queue files of one queue directory, oldest first
 * (see queue_scan.h).
 *
 * Reads the whole directory with opendir/readdir, keeps the names that
 * mail_queue_id_ok() accepts and sorts them with strcmp, which orders
 * queue IDs by time. The ARGV belongs to the caller. No logging; NULL
 * with errno set on failure.
 */
#include "sys_defs.h"
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "mail_queue.h"
#include "queue_scan.h"

/* queue_scan_cmp - qsort comparison of two string pointers */
static int
queue_scan_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* queue_scan_ids - the sorted queue IDs in one queue directory */
ARGV *
queue_scan_ids(const char *queue)
{
    DIR *dir;
    struct dirent *dp;
    ARGV *ids;
    int saved_errno;

    if ((dir = opendir(queue)) == 0)
        return 0;
    ids = argv_alloc(10);
    errno = 0;
    while ((dp = readdir(dir)) != 0) {
        if (mail_queue_id_ok(dp->d_name))
            argv_add(ids, dp->d_name, (char *)0);
        errno = 0;
    }
    saved_errno = errno;
    closedir(dir);
    if (saved_errno != 0) {
        argv_free(ids);
        errno = saved_errno;
        return 0;
    }
    if (ids->argc > 1)
        qsort(ids->argv, ids->argc, sizeof(ids->argv[0]), queue_scan_cmp);
    return ids;
}
