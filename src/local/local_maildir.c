/*
 * local_maildir - deliver to a qmail-style Maildir.
 *
 * Usage (with the recipient's rights already taken):
 *   local_maildir_deliver("/home/u/Maildir/", &msg, size_limit, result);
 *
 * The Maildir and its tmp, new and cur folders are created (mode 0700)
 * when missing. The message goes into tmp/NAME (O_EXCL, mode 0600; no
 * From_ line, no quoting), is fsync()ed, renamed to new/NAME, and the new
 * folder is fsync()ed; only then does the delivery count as done. NAME is
 * local_maildir_unique(): "SECONDS.P<pid>Q<count>.HOST", with '/' and ':'
 * in the host name written as \057 and \072 as the Maildir convention
 * asks; the per-process counter keeps two deliveries in one second apart.
 * size_limit > 0 (mailbox_size_limit) caps the size of each file.
 *
 * Results, following Postfix: 2.0.0 "delivered to maildir". A folder or
 * file that cannot be created bounces (5.2.0, e.g. "create maildir file
 * ...: Permission denied"), except a full disk (4.3.0) or a try-again
 * error (4.2.0). A write or rename error defers (4.3.0), a file over the
 * size limit bounces (5.2.2). A temporary file is removed on any error.
 *
 * Memory ownership: the caller owns the arguments; nothing is kept.
 * Diagnostics: a permission problem is also logged as a warning, since it
 * usually means the administrator must create the Maildirs in advance.
 */
#include "sys_defs.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "iostuff.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstream.h"
#include "vstring.h"

#include "mail_proto.h"

#include "local.h"

static unsigned long local_maildir_count;

/* local_maildir_unique - a file name that no other delivery uses */
const char *
local_maildir_unique(VSTRING *buf, time_t when, const char *host)
{
    const char *cp;

    vstring_sprintf(buf, "%ld.P%ldQ%lu.", (long)when, (long)getpid(), ++local_maildir_count);
    for (cp = host; *cp; cp++) {
        if (*cp == '/')
            vstring_strcat(buf, "\\057");
        else if (*cp == ':')
            vstring_strcat(buf, "\\072");
        else
            vstring_addch(buf, *cp);
    }
    return vstring_str(buf);
}

/* local_maildir_mkdirs - create a folder and its missing parents */
static int
local_maildir_mkdirs(const char *path, mode_t mode)
{
    char *copy = mystrdup(path);
    char *cp;
    int status = 0;

    for (cp = copy + 1; status == 0; cp++) {
        if (*cp != '/' && *cp != 0)
            continue;
        int last = (*cp == 0);
        *cp = 0;
        if (mkdir(copy, mode) < 0 && errno != EEXIST)
            status = -1;
        if (last)
            break;
        *cp = '/';
    }
    myfree(copy);
    return status;
}

/* local_maildir_create_error - report a folder or file we cannot create */
static void
local_maildir_create_error(LOCAL_RESULT *result, const char *what, const char *path)
{
    int err = errno;

    if (err == EACCES || err == EPERM)
        msg_warn("maildir access problem for uid %ld: cannot create %s; "
                 "the administrator may have to create the Maildirs in advance",
                 (long)geteuid(), path);
    errno = err;
    local_result_set(result, local_errno_dsn(err, "5.2.0"), "create maildir %s %s: %m", what, path);
}

/* local_maildir_write - write tmp/NAME and move it to new/NAME */
static void
local_maildir_write(const char *tmp_path, const char *new_path, const char *new_dir,
                    const LOCAL_MESSAGE *msg, long size_limit, LOCAL_RESULT *result)
{
    VSTRING *why = vstring_alloc(100);
    VSTREAM *dst;
    int fd;
    int status;

    if ((fd = open(tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
        local_maildir_create_error(result, "file", tmp_path);
        vstring_free(why);
        return;
    }
    dst = vstream_fdopen(fd, O_WRONLY);
    status = local_copy(dst, msg, 0, size_limit > 0 ? size_limit : 0, why);
    if (vstream_fclose(dst) != 0 && status == LOCAL_COPY_OK) {
        status = LOCAL_COPY_WRITE;
        vstring_sprintf(why, "error writing message: %m");
    }
    if (status == LOCAL_COPY_CORRUPT)
        local_result_set(result, "4.3.0", "%s", vstring_str(why));
    else if (status == LOCAL_COPY_WRITE)
        local_result_set(result, local_errno_dsn(errno, "4.3.0"), "%s", vstring_str(why));
    else if (rename(tmp_path, new_path) < 0)
        local_result_set(result, local_errno_dsn(errno, "4.3.0"), "rename %s to %s: %m", tmp_path,
                         new_path);
    else if (fsync_dir(new_dir) < 0)
        local_result_set(result, local_errno_dsn(errno, "4.3.0"), "fsync %s: %m", new_dir);
    else
        local_result_set(result, "2.0.0", "delivered to maildir");
    if (result->status != MAIL_STAT_OK)
        (void)unlink(tmp_path);
    vstring_free(why);
}

/* local_maildir_deliver - deliver one message into a Maildir */
void
local_maildir_deliver(const char *path, const LOCAL_MESSAGE *msg, long size_limit,
                      LOCAL_RESULT *result)
{
    static const char *subdirs[] = {"tmp", "new", "cur"};
    char *dirs[3];
    char host[256];
    VSTRING *name = vstring_alloc(100);
    char *tmp_path;
    char *new_path;
    size_t i;
    int ok = 1;

    for (i = 0; i < 3; i++)
        dirs[i] = concatenate(path, subdirs[i], (char *)0);
    for (i = 0; ok && i < 3; i++) {
        if (local_maildir_mkdirs(dirs[i], 0700) < 0) {
            local_maildir_create_error(result, "folder", dirs[i]);
            ok = 0;
        }
    }
    if (ok) {
        if (gethostname(host, sizeof(host) - 1) < 0 || host[0] == 0)
            (void)snprintf(host, sizeof(host), "localhost");
        host[sizeof(host) - 1] = 0;
        local_maildir_unique(name, time((time_t *)0), host);
        tmp_path = concatenate(dirs[0], "/", vstring_str(name), (char *)0);
        new_path = concatenate(dirs[1], "/", vstring_str(name), (char *)0);
        local_maildir_write(tmp_path, new_path, dirs[1], msg, size_limit, result);
        myfree(tmp_path);
        myfree(new_path);
    }
    for (i = 0; i < 3; i++)
        myfree(dirs[i]);
    vstring_free(name);
}
