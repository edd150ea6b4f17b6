/*
 * sock - listening and connecting endpoints (UNIX, INET, FIFO).
 *
 * unix_listen() removes a stale socket file, binds, sets the mode and
 * listens; inet_listen() takes "host:port", "[host]:port", or ":port" and
 * sets SO_REUSEADDR; fifo_listen() creates (mode) and opens a FIFO for
 * reading and writing so it never reports EOF. Each returns a descriptor or
 * -1 with errno set (callers report the error). unix_connect() connects with
 * a timeout (seconds, <= 0 means block). sane_accept() retries EINTR and
 * maps transient errors to -1 with errno EAGAIN.
 */
#ifndef SOCK_H
#define SOCK_H

#include "sys_defs.h"

extern int unix_listen(const char *path, int backlog, mode_t mode, int block_mode);
extern int unix_connect(const char *path, int block_mode, int timeout);
extern int inet_listen(const char *addr, int backlog, int block_mode);
extern int fifo_listen(const char *path, mode_t mode, int block_mode);
extern int sane_accept(int listen_fd);
/* Write a one-byte trigger to a unix socket or fifo; 0 on success. */
extern int trigger_send(const char *path, int is_fifo, const char *buf, ssize_t len, int timeout);

#endif
