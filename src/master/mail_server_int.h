/*
 * mail_server_int - what the skeletons (single_server.c, trigger_server.c)
 * share with mail_server.c. Not for daemons: they use mail_server.h.
 *
 * mail_server_start() parses the command line, loads main.cf, sets up
 * logging, runs the init hooks around the privilege drop, and fills in a
 * MAIL_SERVER_CTX; the skeleton then serves. mail_server_notify() reports
 * busy/idle to master (and exits when master has gone);
 * mail_server_watch_master() arranges for a clean exit when master closes
 * the status channel; mail_server_exit() runs the exit hook and exits 0.
 */
#ifndef MAIL_SERVER_INT_H
#define MAIL_SERVER_INT_H

#include "sys_defs.h"
#include "mail_server.h"
#include "master_proto.h"

typedef struct MAIL_SERVER_CTX {
    /* Hooks and flags from the daemon's main(). */
    MAIL_SERVER_INIT_FN pre_init;
    MAIL_SERVER_INIT_FN post_init;
    MAIL_SERVER_LOOP_FN loop;
    MAIL_SERVER_EXIT_FN exit_fn;
    int privileged;
    int unlimited;
    /* From the command line. */
    char **argv;           /* service arguments after the options */
    const char *transport; /* -t: unix, inet, fifo, ... */
    int stand_alone;       /* -S: no master */
    int listen_count;      /* -s: listeners at fds 6, 7, ... */
    int status_fd;         /* MASTER_STATUS_FD, or -1 */
    int use_count;         /* requests served so far */
} MAIL_SERVER_CTX;

extern void mail_server_start(MAIL_SERVER_CTX *ctx, int argc, char **argv, va_list ap);
extern void mail_server_notify(MAIL_SERVER_CTX *ctx, int status);
extern void mail_server_watch_master(MAIL_SERVER_CTX *ctx);
extern NORETURN mail_server_exit(MAIL_SERVER_CTX *ctx);
extern int mail_server_wait_time(MAIL_SERVER_CTX *ctx);
extern int mail_server_done(MAIL_SERVER_CTX *ctx);
extern void mail_server_arm_idle(MAIL_SERVER_CTX *ctx);
extern void mail_server_disarm_idle(MAIL_SERVER_CTX *ctx);
extern void mail_server_request_begin(MAIL_SERVER_CTX *ctx);
extern void mail_server_request_end(MAIL_SERVER_CTX *ctx);

#endif
