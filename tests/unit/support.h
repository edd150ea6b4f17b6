/*
 * support - helpers shared by the Check unit tests in tests/unit.
 *
 * Scratch directories: support_scratch_enter() makes /tmp/NAME.XXXXXX and
 * makes it the current directory; support_scratch_leave() goes back and
 * removes the whole tree. support_remove_tree() removes any directory tree.
 * Log capture: support_capture_warnings() and support_capture_all() collect
 * msg_output() text, one line per message, into the VSTRING that
 * support_captured() returns; support_quiet() drops all text;
 * support_capture_stop() removes the channel and frees the text.
 * Fake servers: support_server_fork() listens on a UNIX socket and forks;
 * the child (pid 0) gets the accepted connection and the write end of a
 * report pipe, and must _exit(). support_server_finish() reaps the child,
 * asserts that it exited with status 0 and returns its report (a static
 * buffer, overwritten by the next call).
 * Records: support_render_records() appends a queue file's records, but
 * SIZE and MESG, as "T data" lines.
 * Failures are Check assertions; nothing here returns an error.
 */
#ifndef SUPPORT_H
#define SUPPORT_H

#include <sys/types.h>

#include "vstream.h"
#include "vstring.h"

typedef struct SUPPORT_SERVER {
    pid_t pid;       /* 0 in the child */
    int report_fd;   /* parent: the read end; child: the write end */
    VSTREAM *stream; /* child: the accepted connection, 5s timeout */
} SUPPORT_SERVER;

extern const char *support_scratch_enter(const char *name);
extern void support_scratch_leave(void);
extern void support_remove_tree(const char *dir);

extern void support_capture_warnings(void);
extern void support_capture_all(void);
extern VSTRING *support_captured(void);
extern void support_capture_stop(void);
extern void support_quiet(void);

extern int support_ends_with(const char *text, const char *suffix);
extern void support_stream_pair(VSTREAM **a, VSTREAM **b, const char *name_a, const char *name_b);

extern SUPPORT_SERVER support_server_fork(const char *path);
extern char *support_server_finish(SUPPORT_SERVER srv);

extern void support_render_records(VSTREAM *fp, VSTRING *out);

#endif
