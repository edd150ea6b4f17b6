/*
 * mail_queue - queue names, queue IDs, and creating, committing, moving
 * and removing queue files (see mail_queue.h; docs/queue.md has the
 * crash-state table).
 *
 * All paths are relative: every program has done chdir(queue_directory).
 * Queue directories are flat ("incoming/ID", no hashed subdirectories).
 *
 * Queue IDs: QUEUE_ID_TIME_DIGITS base-51 digits of the seconds,
 * QUEUE_ID_USEC_DIGITS of the microseconds, the separator 'z', then the
 * inode number of the queue file in base 51 (at least one digit). The
 * alphabet (digits, upper-case consonants, lower-case consonants but 'z')
 * is in ASCII order, so IDs sort by time like strings. Because a live file
 * owns its inode number, no two queue files on one file system can get the
 * same ID, whatever the clock does.
 *
 * mail_queue_enter() creates the file under a scratch name
 * ("QUEUE/tmp.PID.N.tmp", O_CREAT|O_EXCL), reads its inode number, makes
 * the ID from it and the current time, and links the file to "QUEUE/ID.tmp"
 * (link fails if that name exists; the final name "QUEUE/ID" must not
 * exist either; on a clash it tries again with a fresh time stamp), then
 * removes the scratch name. The stream is open for reading and writing
 * (rec_put_at needs both), its mode is set exactly with fchmod (umask does
 * not apply), and its diagnostic name is "QUEUE/ID". NULL with errno set
 * and a warning on failure.
 *
 * mail_queue_commit() flushes and fsyncs the stream, renames ID.tmp to ID
 * and fsyncs the directory (a second fsync of the file when the directory
 * cannot be opened: see the code); it does not close the stream. It returns 0, or
 * -1 with errno set (the caller then replies with a temporary failure and
 * calls mail_queue_abort). mail_queue_abort() closes the stream (when not
 * null) and removes both ID.tmp and ID: after a failed commit nothing of
 * the message may stay behind, because the client was told to try again.
 *
 * mail_queue_open() opens an existing queue file (diagnostic name
 * "QUEUE/ID"); mail_queue_rename() renames between queues and fsyncs the
 * target directory; mail_queue_remove() unlinks. These three return NULL or
 * -1 with errno set and log nothing: the callers know whether a missing
 * file is an error.
 *
 * mail_queue_path(buf, queue, id) formats "queue/id" into buf, or into a
 * static buffer when buf is null (overwritten by the next such call).
 */
#include "sys_defs.h"
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "iostuff.h"
#include "mail_queue.h"
#include "msg.h"

#define QUEUE_ID_TIME_DIGITS 6
#define QUEUE_ID_USEC_DIGITS 4
#define QUEUE_ID_SEPARATOR 'z'
#define QUEUE_ID_MIN_LEN (QUEUE_ID_TIME_DIGITS + QUEUE_ID_USEC_DIGITS + 2)
#define QUEUE_NAME_MAX 100
#define QUEUE_ENTER_TRIES 20

static const char mail_queue_digits[] = "0123456789"
                                        "BCDFGHJKLMNPQRSTVWXYZ"
                                        "bcdfghjklmnpqrstvwxy";
#define QUEUE_ID_BASE ((int)sizeof(mail_queue_digits) - 1)

/* mail_queue_path - format "queue/id" */
const char *
mail_queue_path(VSTRING *buf, const char *queue, const char *id)
{
    static VSTRING *private_buf;

    if (buf == 0) {
        if (private_buf == 0)
            private_buf = vstring_alloc(100);
        buf = private_buf;
    }
    vstring_sprintf(buf, "%s/%s", queue, id);
    return STR(buf);
}

/* mail_queue_name_ok - is this a plausible queue directory name? */
int
mail_queue_name_ok(const char *queue)
{
    const char *cp;

    if (*queue == 0 || strlen(queue) > QUEUE_NAME_MAX)
        return 0;
    for (cp = queue; *cp; cp++)
        if (!((*cp >= 'a' && *cp <= 'z') || (*cp >= '0' && *cp <= '9') || *cp == '_'))
            return 0;
    return 1;
}

/* mail_queue_digit_value - value of one ID digit, -1 if not a digit */
static int
mail_queue_digit_value(int ch)
{
    const char *cp;

    if (ch == 0 || (cp = strchr(mail_queue_digits, ch)) == 0)
        return -1;
    return (int)(cp - mail_queue_digits);
}

/* mail_queue_id_ok - does the string have the shape of a queue ID? */
int
mail_queue_id_ok(const char *id)
{
    size_t len = strlen(id);
    size_t i;

    if (len < QUEUE_ID_MIN_LEN || len > MAIL_QUEUE_ID_MAX)
        return 0;
    for (i = 0; i < len; i++) {
        if (i == QUEUE_ID_TIME_DIGITS + QUEUE_ID_USEC_DIGITS) {
            if (id[i] != QUEUE_ID_SEPARATOR)
                return 0;
        } else if (mail_queue_digit_value((unsigned char)id[i]) < 0) {
            return 0;
        }
    }
    return 1;
}

/* mail_queue_put_digits - append value in base 51, exactly width digits */
static void
mail_queue_put_digits(VSTRING *id, unsigned long long value, int width)
{
    char digits[64];
    int n = 0;

    do {
        digits[n++] = mail_queue_digits[value % QUEUE_ID_BASE];
        value /= QUEUE_ID_BASE;
    } while ((width > 0 ? n < width : value != 0) && n < (int)sizeof(digits));
    while (n > 0)
        vstring_addch(id, digits[--n]);
}

/* mail_queue_id_make - make a queue ID from an inode number and a time */
void
mail_queue_id_make(VSTRING *id, ino_t inode, const struct timeval *tv)
{
    unsigned long long sec_range = 1;
    int i;

    for (i = 0; i < QUEUE_ID_TIME_DIGITS; i++)
        sec_range *= QUEUE_ID_BASE;
    vstring_reset(id);
    mail_queue_put_digits(id, (unsigned long long)tv->tv_sec % sec_range, QUEUE_ID_TIME_DIGITS);
    mail_queue_put_digits(id, (unsigned long long)tv->tv_usec, QUEUE_ID_USEC_DIGITS);
    vstring_addch(id, QUEUE_ID_SEPARATOR);
    mail_queue_put_digits(id, (unsigned long long)inode, 0);
}

/* mail_queue_id_time - the seconds encoded in a queue ID, or -1 */
long
mail_queue_id_time(const char *id)
{
    long sec = 0;
    int i;

    if (!mail_queue_id_ok(id))
        return -1;
    for (i = 0; i < QUEUE_ID_TIME_DIGITS; i++)
        sec = sec * QUEUE_ID_BASE + mail_queue_digit_value((unsigned char)id[i]);
    return sec;
}

/* mail_queue_scratch - create a uniquely named scratch file in a queue */
static int
mail_queue_scratch(const char *queue, mode_t mode, VSTRING *path)
{
    static unsigned counter;
    int fd;
    int tries;

    for (tries = 0; tries < QUEUE_ENTER_TRIES; tries++) {
        vstring_sprintf(path, "%s/tmp.%ld.%u.tmp", queue, (long)getpid(), counter++);
        if ((fd = open(STR(path), O_RDWR | O_CREAT | O_EXCL, mode)) >= 0)
            return fd;
        if (errno != EEXIST)
            return -1;
    }
    return -1;
}

/* mail_queue_name_file - give the scratch file its "ID.tmp" name */
static int
mail_queue_name_file(const char *queue, const char *scratch, ino_t inode, VSTRING *id,
                     VSTRING *path)
{
    VSTRING *final = vstring_alloc(100);
    struct timeval tv;
    struct stat st;
    int tries;
    int ret = -1;

    for (tries = 0; tries < QUEUE_ENTER_TRIES; tries++) {
        gettimeofday(&tv, 0);
        mail_queue_id_make(id, inode, &tv);
        vstring_sprintf(path, "%s/%s.tmp", queue, STR(id));
        if (lstat(mail_queue_path(final, queue, STR(id)), &st) == 0) {
            doze(10);
            continue;
        }
        if (link(scratch, STR(path)) == 0) {
            ret = 0;
            break;
        }
        if (errno != EEXIST)
            break;
        doze(10);
    }
    if (ret < 0 && tries == QUEUE_ENTER_TRIES)
        errno = EEXIST;
    vstring_free(final);
    return ret;
}

/* mail_queue_enter - create a new queue file under its ID.tmp name */
VSTREAM *
mail_queue_enter(const char *queue, mode_t mode, VSTRING *id)
{
    VSTRING *scratch = vstring_alloc(100);
    VSTRING *path = vstring_alloc(100);
    VSTREAM *stream = 0;
    struct stat st;
    int fd;

    if ((fd = mail_queue_scratch(queue, mode, scratch)) < 0) {
        msg_warn("create file in %s: %m", queue);
    } else if (fchmod(fd, mode) < 0 || fstat(fd, &st) < 0) {
        msg_warn("%s: %m", STR(scratch));
    } else if (mail_queue_name_file(queue, STR(scratch), st.st_ino, id, path) < 0) {
        msg_warn("%s: cannot name queue file: %m", STR(scratch));
    } else {
        stream = vstream_fdopen(fd, O_RDWR);
        vstream_set_name(stream, mail_queue_path(path, queue, STR(id)));
    }
    if (fd >= 0) {
        int saved_errno = errno;

        (void)unlink(STR(scratch));
        if (stream == 0)
            (void)close(fd);
        errno = saved_errno;
    }
    vstring_free(scratch);
    vstring_free(path);
    return stream;
}

/* mail_queue_commit - make a new queue file durable under its final name */
int
mail_queue_commit(VSTREAM *stream, const char *queue, const char *id)
{
    VSTRING *tmp = vstring_alloc(100);
    VSTRING *final = vstring_alloc(100);
    int ret = -1;

    vstring_sprintf(tmp, "%s/%s.tmp", queue, id);
    mail_queue_path(final, queue, id);
    if (vstream_fsync(stream) != 0)
        msg_warn("%s: write queue file: %m", STR(final));
    else if (rename(STR(tmp), STR(final)) < 0)
        msg_warn("rename %s to %s: %m", STR(tmp), STR(final));
    else if (fsync_dir(queue) == 0)
        ret = 0;
    else if (errno != EACCES && errno != EPERM)
        msg_warn("fsync directory %s: %m", queue);
    /*
     * postdrop's user may not open maildrop/ (mode 1730). The rename changed
     * the file's ctime, so syncing the file again makes a journaling file
     * system (ext4, xfs) commit the transaction that holds the rename too.
     */
    else if (vstream_fsync(stream) != 0)
        msg_warn("sync %s: %m", STR(final));
    else
        ret = 0;
    vstring_free(tmp);
    vstring_free(final);
    return ret;
}

/* mail_queue_abort - discard a queue file that was not committed */
void
mail_queue_abort(VSTREAM *stream, const char *queue, const char *id)
{
    VSTRING *path = vstring_alloc(100);

    if (stream != 0)
        (void)vstream_fclose(stream);
    vstring_sprintf(path, "%s/%s.tmp", queue, id);
    if (unlink(STR(path)) < 0 && errno != ENOENT)
        msg_warn("remove %s: %m", STR(path));
    if (unlink(mail_queue_path(path, queue, id)) < 0 && errno != ENOENT)
        msg_warn("remove %s: %m", STR(path));
    vstring_free(path);
}

/* mail_queue_open - open an existing queue file */
VSTREAM *
mail_queue_open(const char *queue, const char *id, int flags, mode_t mode)
{
    VSTRING *path = vstring_alloc(100);
    VSTREAM *stream;

    if ((stream = vstream_fopen(mail_queue_path(path, queue, id), flags, mode)) != 0)
        vstream_set_name(stream, STR(path));
    vstring_free(path);
    return stream;
}

/* mail_queue_move - move a queue file to another queue (no directory fsync) */
int
mail_queue_move(const char *id, const char *old_queue, const char *new_queue)
{
    VSTRING *old_path = vstring_alloc(100);
    VSTRING *new_path = vstring_alloc(100);
    int ret;

    ret =
        rename(mail_queue_path(old_path, old_queue, id), mail_queue_path(new_path, new_queue, id));
    vstring_free(old_path);
    vstring_free(new_path);
    return ret < 0 ? -1 : 0;
}

/* mail_queue_rename - move a queue file to another queue, durably */
int
mail_queue_rename(const char *id, const char *old_queue, const char *new_queue)
{
    VSTRING *old_path = vstring_alloc(100);
    VSTRING *new_path = vstring_alloc(100);
    int ret;

    ret =
        rename(mail_queue_path(old_path, old_queue, id), mail_queue_path(new_path, new_queue, id));
    /* The file has moved; a failed directory sync is worth a warning only. */
    if (ret == 0 && fsync_dir(new_queue) < 0)
        msg_warn("fsync directory %s: %m", new_queue);
    vstring_free(old_path);
    vstring_free(new_path);
    return ret < 0 ? -1 : 0;
}

/* mail_queue_remove - remove a queue file */
int
mail_queue_remove(const char *queue, const char *id)
{
    VSTRING *path = vstring_alloc(100);
    int ret;

    ret = unlink(mail_queue_path(path, queue, id));
    vstring_free(path);
    return ret;
}
