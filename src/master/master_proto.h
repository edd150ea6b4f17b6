/*
 * master_proto - the status protocol between master and its children.
 *
 * master creates one socketpair per service (a fresh one at every reload)
 * and hands one end to each child of that service as MASTER_STATUS_FD (5).
 * The child writes one short text record per state change:
 *
 *      "B <pid>\n"     busy: it has taken a request
 *      "I <pid>\n"     idle: it is ready for the next one
 *
 * Each record is written with one write(2) of fewer than PIPE_BUF bytes, so
 * records from the children that share one socketpair never interleave.
 * A new child counts as idle until it says otherwise.
 *
 * The other direction carries no data: master closes its end when the
 * service is removed or reloaded, or when master exits. The child sees
 * end-of-file on MASTER_STATUS_FD and exits after its current request.
 * A child whose status write fails assumes that master has gone, and exits.
 */
#ifndef MASTER_PROTO_H
#define MASTER_PROTO_H

#define MASTER_STAT_BUSY 'B'
#define MASTER_STAT_IDLE 'I'

/* Longest record, newline included. */
#define MASTER_STAT_RECORD_MAX 32

/* Highest listener count that master passes with -s (fds 6, 7, ...). */
#define MASTER_LISTEN_MAX 64

#endif
