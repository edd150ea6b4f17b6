/*
 * lock - file locking for mailboxes and queue files.
 *
 * myflock() takes or releases an fcntl (POSIX record) or flock(2) lock on
 * a whole descriptor, shared or exclusive, optionally without waiting
 * (MYFLOCK_OP_NOWAIT); it returns 0, or -1 with errno (EAGAIN when the lock
 * is held elsewhere). dot_lock() creates "path.lock" exclusively (stale
 * locks older than dot_lock_stale_time seconds, default DOT_LOCK_STALE,
 * are removed); dot_unlock()
 * removes it. On failure they fill why with the reason.
 */
#ifndef LOCK_H
#define LOCK_H

#include "sys_defs.h"
#include "vstring.h"

#define MYFLOCK_STYLE_FLOCK 1
#define MYFLOCK_STYLE_FCNTL 2

#define MYFLOCK_OP_NONE 0
#define MYFLOCK_OP_SHARED 1
#define MYFLOCK_OP_EXCLUSIVE 2
#define MYFLOCK_OP_NOWAIT 4

#define DOT_LOCK_STALE 500

extern int dot_lock_stale_time;

extern int myflock(int fd, int style, int operation);
extern int dot_lock(const char *path, VSTRING *why);
extern void dot_unlock(const char *path);
/* The pid that holds an fcntl write lock on the file (a pid file), or 0. */
extern pid_t lock_holder(const char *path);

#endif
