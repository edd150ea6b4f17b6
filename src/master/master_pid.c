/*
 * master_pid - the pid file that says "master is running".
 *
 * master_pid_lock(path) creates $queue_directory/pid/master.pid, takes an
 * exclusive fcntl lock on it (held for the life of master; it is not
 * inherited by children), and writes the process ID. A lock held by
 * another process is fatal: "the postern mail system is already running".
 * lock_holder(path) (lock.h) returns the pid of the process that holds the
 * lock, or 0 when nobody does (the file content is not trusted for this).
 * master_pid_remove() unlinks the file at exit.
 */
#include "sys_defs.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"

#include "mail_params.h"

#include "master.h"

static char *master_pid_path;
static int master_pid_fd = -1;

/* master_pid_lock - create, lock and fill the pid file */
void
master_pid_lock(const char *path)
{
    struct flock lock;
    char buf[32];
    int len;

    struct stat fd_st;
    struct stat path_st;
    int tries;

    for (tries = 0; /* void */; tries++) {
        if ((master_pid_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
            msg_fatal("open lock file %s: %m", path);
        memset(&lock, 0, sizeof(lock));
        lock.l_type = F_WRLCK;
        lock.l_whence = SEEK_SET;
        if (fcntl(master_pid_fd, F_SETLK, &lock) < 0) {
            if (errno == EAGAIN || errno == EACCES)
                msg_fatal("the %s mail system is already running", MAIL_NAME);
            msg_fatal("lock %s: %m", path);
        }
        /*
         * A master that was stopping may have removed the file between our
         * open and our lock: that lock would be on a file nobody else sees.
         */
        if (fstat(master_pid_fd, &fd_st) < 0)
            msg_fatal("fstat %s: %m", path);
        if (stat(path, &path_st) == 0 && path_st.st_dev == fd_st.st_dev &&
            path_st.st_ino == fd_st.st_ino)
            break;
        (void)close(master_pid_fd);
        if (tries >= 10)
            msg_fatal("lock %s: the file keeps being replaced", path);
    }
    len = snprintf(buf, sizeof(buf), "%10ld\n", (long)getpid());
    if (ftruncate(master_pid_fd, 0) < 0 || pwrite(master_pid_fd, buf, (size_t)len, 0) != len)
        msg_fatal("write %s: %m", path);
    master_pid_path = mystrdup(path);
}

/* master_pid_remove - remove the pid file (lock still held) */
void
master_pid_remove(void)
{
    if (master_pid_path != 0 && unlink(master_pid_path) < 0 && errno != ENOENT)
        msg_warn("remove %s: %m", master_pid_path);
}
