/*
 * mail_server - the skeletons that every postern daemon is built on.
 *
 * A daemon's main() calls one skeleton with its argc/argv, its service
 * function, and optional (key, value) pairs ended by MAIL_SERVER_END. The
 * skeleton parses the command line that master passes (-c config_dir,
 * -n service_name, -t transport_type, -o name=value, -u unprivileged,
 * -r chroot, -v verbose; also -S for stand-alone tests), reads main.cf
 * (mail_conf_read + overrides + mail_params_init), sets up logging as
 * "$syslog_name/PROGRAM", changes to queue_directory, runs the PRE_INIT hook
 * with privileges, then (when running as root, unless MAIL_SERVER_PRIVILEGED)
 * chroots if asked and drops to mail_owner, runs POST_INIT, and serves.
 * When started by a user other than root, no privilege change happens.
 *
 * single_server_main: accepts one connection at a time on the listening
 * socket that master passed (MASTER_LISTEN_FD), calls service(stream,
 * service_name, argv) with a stream that has an ipc_timeout, closes it, and
 * reports busy/idle to master. It exits after max_use requests or max_idle
 * idle seconds (unless MAIL_SERVER_UNLIMITED).
 *
 * trigger_server_main: the listening endpoint is a FIFO or a UNIX socket
 * that delivers short wakeup requests; each request's bytes are passed to
 * service(buf, len, service_name, argv). It runs on the event loop
 * (events.h), so the service may register its own descriptors and timers;
 * master's periodic wakeups (the wakeup column) arrive the same way.
 *
 * Hooks (each takes a function pointer): MAIL_SERVER_PRE_INIT,
 * MAIL_SERVER_POST_INIT (MAIL_SERVER_INIT_FN), MAIL_SERVER_LOOP
 * (MAIL_SERVER_LOOP_FN: called before each wait, returns the longest wait in
 * seconds, or -1), MAIL_SERVER_EXIT (MAIL_SERVER_EXIT_FN, before a voluntary
 * exit). Flags (no value): MAIL_SERVER_PRIVILEGED (keep root: local),
 * MAIL_SERVER_UNLIMITED (ignore max_use and max_idle: qmgr, pickup).
 *
 * var_procname is the program name, var_servname the service name.
 */
#ifndef MAIL_SERVER_H
#define MAIL_SERVER_H

#include "sys_defs.h"
#include "vstream.h"

/* Descriptors that master passes to every child. */
#define MASTER_STATUS_FD 5
#define MASTER_LISTEN_FD 6

typedef void (*MAIL_SERVER_FN)(VSTREAM *stream, const char *service, char **argv);
typedef void (*TRIGGER_SERVER_FN)(char *buf, ssize_t len, const char *service, char **argv);
typedef void (*MAIL_SERVER_INIT_FN)(const char *service, char **argv);
typedef int (*MAIL_SERVER_LOOP_FN)(const char *service, char **argv);
typedef void (*MAIL_SERVER_EXIT_FN)(const char *service, char **argv);

#define MAIL_SERVER_END 0
#define MAIL_SERVER_PRE_INIT 1
#define MAIL_SERVER_POST_INIT 2
#define MAIL_SERVER_LOOP 3
#define MAIL_SERVER_EXIT 4
#define MAIL_SERVER_PRIVILEGED 5
#define MAIL_SERVER_UNLIMITED 6

extern char *var_procname;
extern char *var_servname;

extern NORETURN single_server_main(int argc, char **argv, MAIL_SERVER_FN service, ...);
extern NORETURN trigger_server_main(int argc, char **argv, TRIGGER_SERVER_FN service, ...);

#endif
