/*
 * msg - diagnostics: info, warning, error, fatal, panic.
 *
 * Every message goes to each registered output channel. A channel receives
 * the level and the finished text (without the "warning: " style prefix
 * that the channel adds itself, and without a newline). The program name
 * that channels print is set with msg_set_progname() (e.g. "postern/local").
 *
 * msg_info/msg_warn/msg_error return; msg_error counts, and after
 * MSG_ERROR_LIMIT errors the process gives up with msg_fatal. msg_fatal logs
 * and exits with status 1 (msg_fatal_status picks the status), after running
 * the cleanup hook set by msg_cleanup(). msg_panic logs and calls abort()
 * (for broken invariants only). Anything a remote peer caused must become a
 * reply code, never a fatal error.
 *
 * Channels: msg_stderr_init() (stderr, "progname: text"), msg_syslog_init()
 * (syslog(3) facility LOG_MAIL), msg_logfile_init() (append to a file in the
 * "Mmm dd hh:mm:ss host progname[pid]: text" form that log parsers read;
 * one write(2) per line, O_APPEND, so many processes can share one file).
 * msg_output() adds a custom channel (tests use it to capture text).
 */
#ifndef MSG_H
#define MSG_H

#include "sys_defs.h"

#define MSG_INFO 0
#define MSG_WARN 1
#define MSG_ERROR 2
#define MSG_FATAL 3
#define MSG_PANIC 4

#define MSG_ERROR_LIMIT 13

typedef void (*MSG_OUTPUT_FN)(int level, const char *text);
typedef void (*MSG_CLEANUP_FN)(void);

extern int msg_verbose;

extern void msg_info(const char *fmt, ...) PRINTFLIKE(1, 2);
extern void msg_warn(const char *fmt, ...) PRINTFLIKE(1, 2);
extern void msg_error(const char *fmt, ...) PRINTFLIKE(1, 2);
extern NORETURN msg_fatal(const char *fmt, ...) PRINTFLIKE(1, 2);
extern NORETURN msg_fatal_status(int status, const char *fmt, ...) PRINTFLIKE(2, 3);
extern NORETURN msg_panic(const char *fmt, ...) PRINTFLIKE(1, 2);
extern void msg_vprintf(int level, const char *fmt, va_list ap);

extern void msg_set_progname(const char *name);
extern const char *msg_get_progname(void);
extern void msg_output(MSG_OUTPUT_FN fn);
extern void msg_output_reset(void);
extern MSG_CLEANUP_FN msg_cleanup(MSG_CLEANUP_FN fn);
extern int msg_error_count(void);

extern void msg_stderr_init(void);
/*
 * Commands: stderr says "postqueue: ..." while the log says
 * "postern/postqueue"; pending vstream_out output is flushed first.
 */
extern void msg_stderr_name(const char *name);
extern void msg_syslog_init(int facility);
extern void msg_syslog_close(void);
extern int msg_logfile_init(const char *path, const char *hostname);
extern void msg_logfile_close(void);

/* Prefix that a channel puts before text of the given level ("" for info). */
extern const char *msg_level_prefix(int level);

#endif
