/*
 * lock - whole-file locks (fcntl or flock) and dot-lock files.
 *
 * Usage:
 *   myflock(fd, MYFLOCK_STYLE_FCNTL, MYFLOCK_OP_EXCLUSIVE | MYFLOCK_OP_NOWAIT)
 *       takes an exclusive lock on the whole file or fails at once with
 *       EAGAIN when another process holds a conflicting lock. Without
 *       MYFLOCK_OP_NOWAIT the call waits (interrupted waits are resumed).
 *       MYFLOCK_OP_NONE releases the lock. Returns 0 or -1 with errno.
 *   dot_lock(path, why) creates "path.lock" with O_EXCL. A lock file whose
 *       modification time is more than dot_lock_stale_time seconds old is taken
 *       to be left over by a crashed program: it is removed and the
 *       creation is tried once more. On failure it returns -1 with errno
 *       (EEXIST: somebody else holds the lock) and the reason in why (when
 *       why is not NULL). dot_unlock(path) removes "path.lock".
 *
 * Note that fcntl locks belong to a process: two descriptors of one
 * process never conflict, and closing any descriptor of the file drops the
 * lock. flock locks belong to the open file description.
 *
 * Memory ownership: nothing is allocated that outlives a call.
 *
 * Diagnostics: none here; callers decide whether a failure is a deferral
 * or worse. Bad arguments (unknown style or operation) are a panic.
 */
#include "sys_defs.h"

#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

/* lock_flock - take or release a flock(2) lock */
static int
lock_flock(int fd, int op, int nowait)
{
    int how;

    switch (op) {
    case MYFLOCK_OP_NONE:
        how = LOCK_UN;
        break;
    case MYFLOCK_OP_SHARED:
        how = LOCK_SH;
        break;
    case MYFLOCK_OP_EXCLUSIVE:
        how = LOCK_EX;
        break;
    default:
        msg_panic("myflock: bad operation %d", op);
    }
    if (nowait)
        how |= LOCK_NB;
    for (;;) {
        if (flock(fd, how) == 0)
            return 0;
        if (errno == EWOULDBLOCK)
            errno = EAGAIN;
        if (errno != EINTR || nowait)
            return -1;
    }
}

/* lock_fcntl - take or release a POSIX record lock on the whole file */
static int
lock_fcntl(int fd, int op, int nowait)
{
    struct flock lock;

    memset(&lock, 0, sizeof(lock));
    switch (op) {
    case MYFLOCK_OP_NONE:
        lock.l_type = F_UNLCK;
        break;
    case MYFLOCK_OP_SHARED:
        lock.l_type = F_RDLCK;
        break;
    case MYFLOCK_OP_EXCLUSIVE:
        lock.l_type = F_WRLCK;
        break;
    default:
        msg_panic("myflock: bad operation %d", op);
    }
    lock.l_whence = SEEK_SET;
    lock.l_start = 0;
    lock.l_len = 0; /* to the end of the file, however it grows */
    for (;;) {
        if (fcntl(fd, nowait ? F_SETLK : F_SETLKW, &lock) == 0)
            return 0;
        /* Some systems say EACCES where they mean "held elsewhere". */
        if (errno == EACCES)
            errno = EAGAIN;
        if (errno != EINTR || nowait)
            return -1;
    }
}

/* myflock - lock or unlock a whole file in the given style */
int
myflock(int fd, int style, int operation)
{
    int nowait = (operation & MYFLOCK_OP_NOWAIT) != 0;
    int op = operation & ~MYFLOCK_OP_NOWAIT;

    switch (style) {
    case MYFLOCK_STYLE_FLOCK:
        return lock_flock(fd, op, nowait);
    case MYFLOCK_STYLE_FCNTL:
        return lock_fcntl(fd, op, nowait);
    default:
        msg_panic("myflock: bad lock style %d", style);
    }
}

/* dot_lock_try - one exclusive creation of the lock file */
static int
dot_lock_try(const char *lock_path)
{
    int fd;

    if ((fd = open(lock_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
        return -1;
    (void)close(fd);
    return 0;
}

int dot_lock_stale_time = DOT_LOCK_STALE;

/* dot_lock_is_stale - remove a lock file that is older than dot_lock_stale_time */
static int
dot_lock_is_stale(const char *lock_path)
{
    struct stat st;

    if (lstat(lock_path, &st) < 0)
        return errno == ENOENT; /* went away meanwhile: try again */
    if (time((time_t *)0) <= st.st_mtime + dot_lock_stale_time)
        return 0;
    return unlink(lock_path) == 0 || errno == ENOENT;
}

/* dot_lock - create path.lock exclusively, removing a stale one */
int
dot_lock(const char *path, VSTRING *why)
{
    char *lock_path = concatenate(path, ".lock", (char *)0);
    int status;
    int saved_errno;

    if ((status = dot_lock_try(lock_path)) < 0 && errno == EEXIST && dot_lock_is_stale(lock_path))
        status = dot_lock_try(lock_path);
    saved_errno = errno;
    if (status < 0 && why != 0) {
        if (saved_errno == EEXIST)
            vstring_sprintf(why, "lock file %s exists", lock_path);
        else
            vstring_sprintf(why, "cannot create lock file %s: %s", lock_path,
                            strerror(saved_errno));
    }
    myfree(lock_path);
    errno = saved_errno;
    return status;
}

/* dot_unlock - remove path.lock */
void
dot_unlock(const char *path)
{
    char *lock_path = concatenate(path, ".lock", (char *)0);
    int saved_errno = errno;

    (void)unlink(lock_path);
    myfree(lock_path);
    errno = saved_errno;
}

/* lock_holder - pid of the process that holds a write lock on path, or 0 */
pid_t
lock_holder(const char *path)
{
    struct flock lock;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return (0);
    memset(&lock, 0, sizeof(lock));
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    if (fcntl(fd, F_GETLK, &lock) < 0)
        lock.l_type = F_UNLCK;
    (void)close(fd);
    return (lock.l_type == F_UNLCK ? 0 : lock.l_pid);
}
