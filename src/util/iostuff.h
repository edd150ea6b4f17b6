/*
 * iostuff - descriptor-level helpers.
 *
 * non_blocking() and close_on_exec() set or clear the flag and return the
 * old setting. read_wait()/write_wait() wait until the descriptor is ready
 * or timeout seconds pass (-1 with errno ETIMEDOUT); timeout <= 0 waits
 * forever. timed_read()/timed_write() are read(2)/write(2) bounded by a
 * timeout; write_buf() writes the whole buffer or fails. sane_fsync_dir()
 * fsyncs the directory that holds path. doze() sleeps for microseconds.
 */
#ifndef IOSTUFF_H
#define IOSTUFF_H

#include "sys_defs.h"

#define BLOCKING 0
#define NON_BLOCKING 1

extern int non_blocking(int fd, int on);
extern int close_on_exec(int fd, int on);
extern int read_wait(int fd, int timeout);
extern int write_wait(int fd, int timeout);
extern ssize_t timed_read(int fd, void *buf, size_t len, int timeout);
extern ssize_t timed_write(int fd, const void *buf, size_t len, int timeout);
extern ssize_t write_buf(int fd, const void *buf, size_t len, int timeout);
extern int fsync_dir(const char *dir);
extern int fsync_parent_dir(const char *path);
extern void doze(unsigned usec);

#endif
