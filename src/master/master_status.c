/*
 * master_status - the busy/idle channel between master and the children of
 * one service (protocol: master_proto.h).
 *
 * master_status_open() creates the socketpair and watches master's end;
 * each record updates the child's state and the service's idle count, then
 * master_avail_update() decides whether master should watch the listener.
 * master_status_close() closes both ends: the children see end-of-file and
 * exit after their current request (reload, service removal, stop).
 *
 * LOGGING: "warning: service NAME: bad status record from child: TEXT";
 * "warning: service NAME: status from unknown process PID" (verbose only:
 * a retired child may still report).
 */
#include "sys_defs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "events.h"
#include "iostuff.h"
#include "msg.h"
#include "stringops.h"
#include "vstring.h"

#include "master.h"
#include "master_proto.h"

/* master_status_record - act on one complete record */
static void
master_status_record(MASTER_SERV *serv, char *rec)
{
    MASTER_PROC *proc;
    long pid;

    if ((rec[0] != MASTER_STAT_BUSY && rec[0] != MASTER_STAT_IDLE) || rec[1] != ' ' ||
        parse_long(rec + 2, &pid) < 0 || pid <= 0) {
        msg_warn("service %s: bad status record from child: %.40s", serv->name,
                 printable(rec, '?'));
        return;
    }
    if ((proc = master_proc_find((pid_t)pid)) == 0 || proc->serv != serv) {
        if (msg_verbose)
            msg_info("service %s: status from unknown process %ld", serv->name, pid);
        return;
    }
    if (rec[0] == MASTER_STAT_BUSY && proc->avail) {
        proc->avail = 0;
        proc->use_count++;
        serv->avail_proc--;
    } else if (rec[0] == MASTER_STAT_IDLE && !proc->avail) {
        proc->avail = 1;
        serv->avail_proc++;
    }
}

/* master_status_event - read what the children wrote */
static void
master_status_event(int event, void *context)
{
    MASTER_SERV *serv = context;
    char buf[4 * MASTER_STAT_RECORD_MAX];
    char *start;
    char *nl;
    ssize_t n;

    (void)event;
    if ((n = read(serv->status_fd[0], buf, sizeof(buf))) <= 0)
        return; /* we hold the other end */
    vstring_memcat(serv->status_buf, buf, n);
    start = STR(serv->status_buf);
    while ((nl = memchr(start, '\n', (size_t)(vstring_end(serv->status_buf) - start))) != 0) {
        *nl = 0;
        master_status_record(serv, start);
        start = nl + 1;
    }
    vstring_erase(serv->status_buf, 0, start - STR(serv->status_buf));
    if (LEN(serv->status_buf) > MASTER_STAT_RECORD_MAX) {
        msg_warn("service %s: status record too long -- discarded", serv->name);
        vstring_reset(serv->status_buf);
    }
    master_avail_update(serv);
}

/* master_status_open - create the status channel of a service */
void
master_status_open(MASTER_SERV *serv)
{
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, serv->status_fd) < 0)
        msg_fatal("socketpair: %m");
    non_blocking(serv->status_fd[0], NON_BLOCKING);
    if (serv->status_buf == 0)
        serv->status_buf = vstring_alloc(MASTER_STAT_RECORD_MAX);
    vstring_reset(serv->status_buf);
    event_enable_read(serv->status_fd[0], master_status_event, serv);
}

/* master_status_close - close the status channel of a service */
void
master_status_close(MASTER_SERV *serv)
{
    int i;

    for (i = 0; i < 2; i++) {
        if (serv->status_fd[i] >= 0) {
            if (i == 0)
                event_disable_readwrite(serv->status_fd[i]);
            (void)close(serv->status_fd[i]);
            serv->status_fd[i] = -1;
        }
    }
}
