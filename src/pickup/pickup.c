/*
 * pickup - take locally submitted mail from the maildrop queue to cleanup.
 *
 * SYNOPSIS
 *	pickup [generic daemon options]		(started by master)
 *
 * DESCRIPTION
 *	pickup waits for wakeup requests on public/pickup (postdrop sends
 *	one after each submission; master's wakeup timer sends more) and
 *	scans maildrop/ at each one and once at startup. Files are taken in
 *	queue ID order (oldest first); names that are not queue IDs (such
 *	as postdrop's ID.tmp files in progress) are left alone.
 *
 *	For each file pickup checks every record (pickup_maildrop.c), opens
 *	a cleanup connection (CLEANUP_FLAG_LOCAL, plus CLEANUP_FLAG_EXTRACT
 *	when the submitter used sendmail -t), copies the records, adding the
 *	submitting user's uid (the file owner) as the "uid" attribute, and
 *	removes the maildrop file only after cleanup answered that the
 *	message is queued. When cleanup cannot be reached or reports a
 *	write error, the file stays and the scan stops until the next
 *	wakeup. A malformed file, or a message that cleanup rejects for good
 *	(no recipients, a protocol error in the envelope), is moved to
 *	corrupt/ with a warning; nothing is ever discarded silently. A
 *	message that fails in its content (too big, too many hops) is not
 *	rejected: cleanup queues it to be bounced to its sender and answers
 *	"queued", so the file is removed as after any other success.
 *
 *	A complete queue file that an administrator moved into maildrop/
 *	("postsuper -r"), owned by root or by the user pickup runs as, is
 *	resubmitted without the local-submission treatment: its delivered
 *	recipients are left out and the others keep their original address.
 *
 * SECURITY
 *	Runs as mail_owner, unprivileged, optionally chrooted to the queue
 *	directory. Maildrop files were written by ordinary users and are not
 *	trusted: files are opened with O_NOFOLLOW, must be regular files
 *	with one link, every record is checked before anything is sent to
 *	cleanup, and the uid that cleanup puts in the Received: header comes
 *	from the file owner, never from the file's content.
 *
 * STANDARDS
 *	None: the maildrop format is postern's own (rec_type.h).
 *
 * LOGGING
 *	"ID: uid=UID from=<SENDER>" for each message, where ID is the new
 *	queue ID that cleanup gave it. Warnings: "ID: uid=UID: REASON; file
 *	moved to corrupt" for a malformed or rejected file (ID is then the
 *	maildrop file's name), and problems reaching cleanup.
 */
#include "sys_defs.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"
#include "stringops.h"
#include "argv.h"
#include "events.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "mail_server.h"
#include "cleanup_proto.h"
#include "pickup.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PICKUP_DONE 0  /* file handled (or gone); go on */
#define PICKUP_RETRY 1 /* temporary problem; stop this scan */

/* pickup_corrupt - set a bad file aside */
static void
pickup_corrupt(const char *id, uid_t uid, const char *why)
{
    msg_warn("%s: uid=%ld: %s; file moved to %s", id, (long)uid, why, MAIL_QUEUE_CORRUPT);
    if (mail_queue_rename(id, MAIL_QUEUE_MAILDROP, MAIL_QUEUE_CORRUPT) != 0)
        msg_warn("%s: cannot move to %s: %m", id, MAIL_QUEUE_CORRUPT);
}

/* pickup_remove - remove a file that must not be processed */
static void
pickup_remove(const char *id, uid_t uid, const char *why)
{
    msg_warn("%s: uid=%ld: %s; file removed", id, (long)uid, why);
    if (mail_queue_remove(MAIL_QUEUE_MAILDROP, id) != 0 && errno != ENOENT)
        msg_warn("%s: cannot remove: %m", id);
}

/* pickup_send - copy a checked file to cleanup and act on its answer */
static int
pickup_send(const char *id, VSTREAM *src, PICKUP_INFO *info, time_t mtime)
{
    VSTRING *new_id = vstring_alloc(MAIL_QUEUE_ID_MAX);
    VSTRING *why = vstring_alloc(100);
    int flags = info->flags | (info->requeue ? 0 : CLEANUP_FLAG_LOCAL);
    VSTREAM *dst;
    int status;
    int ret = PICKUP_RETRY;

    if ((dst = cleanup_client_open(flags, new_id)) == NULL) {
        msg_warn("%s: cleanup service unavailable; will try again later", id);
    } else if (pickup_maildrop_copy(src, dst, info, mtime) != 0) {
        msg_warn("%s: error copying the file to cleanup; will try again later", id);
        (void)vstream_fclose(dst);
    } else {
        /* The sender is the user's text, not yet checked by cleanup. */
        msg_info("%s: uid=%ld from=<%s>", STR(new_id), (long)info->uid,
                 printable(STR(info->sender), '?'));
        status = cleanup_client_close(dst, why);
        if (status == CLEANUP_STAT_OK) {
            if (mail_queue_remove(MAIL_QUEUE_MAILDROP, id) != 0 && errno != ENOENT)
                msg_warn("%s: cannot remove: %m", id);
            ret = PICKUP_DONE;
        } else if (status & CLEANUP_STAT_WRITE) {
            msg_warn("%s: %s; will try again later", id, STR(why));
        } else {
            vstring_sprintf_append(why, " (message %s rejected by cleanup)", STR(new_id));
            pickup_corrupt(id, info->uid, STR(why));
            ret = PICKUP_DONE;
        }
    }
    vstring_free(new_id);
    vstring_free(why);
    return (ret);
}

/* pickup_file - process one maildrop file */
static int
pickup_file(const char *id)
{
    VSTRING *path = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    PICKUP_INFO info;
    struct stat st;
    VSTREAM *src;
    int fd;
    int ret = PICKUP_DONE;

    fd = open(mail_queue_path(path, MAIL_QUEUE_MAILDROP, id), O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    vstring_free(path);
    if (fd < 0) {
        if (errno == ELOOP)
            pickup_remove(id, (uid_t)-1, "symbolic link");
        else if (errno != ENOENT)
            msg_warn("%s: open: %m", id);
        vstring_free(why);
        return (PICKUP_DONE);
    }
    if (fstat(fd, &st) < 0)
        msg_fatal("%s: fstat: %m", id);
    src = vstream_fdopen(fd, O_RDONLY);
    vstream_set_name(src, id);
    info.uid = st.st_uid;
    info.trusted = (st.st_uid == 0 || st.st_uid == geteuid());
    info.sender = vstring_alloc(100);
    info.arrival = vstring_alloc(40);
    if (!S_ISREG(st.st_mode))
        pickup_remove(id, st.st_uid, "not a regular file");
    else if (st.st_nlink != 1)
        pickup_remove(id, st.st_uid, "file has more than one link");
    else if (pickup_maildrop_check(src, &info, why) != 0)
        pickup_corrupt(id, st.st_uid, STR(why));
    else
        ret = pickup_send(id, src, &info, st.st_mtime);
    (void)vstream_fclose(src);
    vstring_free(info.sender);
    vstring_free(info.arrival);
    vstring_free(why);
    return (ret);
}

/* pickup_compare - order queue IDs, oldest first */
static int
pickup_compare(const void *a, const void *b)
{
    return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* pickup_scan - take every complete file in maildrop */
static void
pickup_scan(void)
{
    ARGV *ids = argv_alloc(10);
    struct dirent *entry;
    DIR *dir;
    ssize_t i;

    if ((dir = opendir(MAIL_QUEUE_MAILDROP)) == NULL) {
        msg_warn("open directory %s: %m", MAIL_QUEUE_MAILDROP);
        argv_free(ids);
        return;
    }
    while ((entry = readdir(dir)) != NULL)
        if (mail_queue_id_ok(entry->d_name))
            argv_add(ids, entry->d_name, (char *)NULL);
    closedir(dir);
    qsort(ids->argv, (size_t)ids->argc, sizeof(ids->argv[0]), pickup_compare);
    for (i = 0; i < ids->argc; i++)
        if (pickup_file(ids->argv[i]) == PICKUP_RETRY)
            break;
    argv_free(ids);
}

/* pickup_service - a wakeup request: scan the maildrop queue */
static void
pickup_service(char *buf, ssize_t len, const char *service, char **argv)
{
    (void)buf;
    (void)len;
    (void)service;
    (void)argv;
    pickup_scan();
}

/* pickup_startup_scan - the scan at startup, from the event loop */
static void
pickup_startup_scan(int event, void *context)
{
    (void)event;
    (void)context;
    pickup_scan();
}

/* pickup_post_init - schedule the first scan */
static void
pickup_post_init(const char *service, char **argv)
{
    (void)service;
    (void)argv;
    event_request_timer(pickup_startup_scan, NULL, 0);
}

/* main - the pickup daemon */
int
main(int argc, char **argv)
{
    trigger_server_main(argc, argv, pickup_service, MAIL_SERVER_POST_INIT, pickup_post_init,
                        MAIL_SERVER_UNLIMITED, MAIL_SERVER_END);
}
