/*
 * support - helpers shared by the Check unit tests (see support.h).
 *
 * Linked into every program built from tests/unit/test_*.c. State (the
 * scratch directory, the saved working directory, the capture buffer) is
 * per process: one scratch directory and one capture at a time.
 */
#include "sys_defs.h"

#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iostuff.h"
#include "msg.h"
#include "rec_type.h"
#include "record.h"
#include "sock.h"
#include "support.h"

static char scratch_dir[256];
static char saved_cwd[1024];
static VSTRING *captured;
static int capture_warnings_only;

/* support_scratch_enter - make /tmp/NAME.XXXXXX the current directory */
const char *
support_scratch_enter(const char *name)
{
    snprintf(scratch_dir, sizeof(scratch_dir), "/tmp/%s.XXXXXX", name);
    ck_assert_ptr_nonnull(mkdtemp(scratch_dir));
    ck_assert_ptr_nonnull(getcwd(saved_cwd, sizeof(saved_cwd)));
    ck_assert_int_eq(chdir(scratch_dir), 0);
    return scratch_dir;
}

/* support_scratch_leave - return to the saved directory, remove the scratch tree */
void
support_scratch_leave(void)
{
    ck_assert_int_eq(chdir(saved_cwd), 0);
    support_remove_tree(scratch_dir);
}

/* remove_one - nftw callback: remove a file or an emptied directory */
static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* support_remove_tree - remove a directory and everything below it */
void
support_remove_tree(const char *dir)
{
    (void)nftw(dir, remove_one, 10, FTW_DEPTH | FTW_PHYS);
}

/* capture - msg_output channel: append the text as one line */
static void
capture(int level, const char *text)
{
    if (!capture_warnings_only || level == MSG_WARN)
        vstring_sprintf_append(captured, "%s\n", text);
}

/* capture_start - install the capture channel over a fresh buffer */
static void
capture_start(int warnings_only)
{
    if (captured == 0)
        captured = vstring_alloc(100);
    vstring_reset(captured);
    capture_warnings_only = warnings_only;
    msg_output(capture);
}

/* support_capture_warnings - collect warnings, one per line */
void
support_capture_warnings(void)
{
    capture_start(1);
}

/* support_capture_all - collect text of every level, one per line */
void
support_capture_all(void)
{
    capture_start(0);
}

/* support_captured - the text collected since the capture started */
VSTRING *
support_captured(void)
{
    return captured;
}

/* support_capture_stop - drop the capture channel and its text */
void
support_capture_stop(void)
{
    msg_output_reset();
    if (captured)
        vstring_free(captured);
    captured = 0;
}

/* discard - msg_output channel that drops everything */
static void
discard(int level, const char *text)
{
    (void)level;
    (void)text;
}

/* support_quiet - keep expected log text out of the test output */
void
support_quiet(void)
{
    msg_output_reset();
    msg_output(discard);
}

/* support_ends_with - does text end with suffix? */
int
support_ends_with(const char *text, const char *suffix)
{
    size_t tlen = strlen(text);
    size_t slen = strlen(suffix);

    return tlen >= slen && strcmp(text + tlen - slen, suffix) == 0;
}

/* support_stream_pair - two connected, named streams with a 5s timeout */
void
support_stream_pair(VSTREAM **a, VSTREAM **b, const char *name_a, const char *name_b)
{
    int sv[2];

    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    *a = vstream_fdopen(sv[0], O_RDWR);
    *b = vstream_fdopen(sv[1], O_RDWR);
    vstream_set_name(*a, name_a);
    vstream_set_name(*b, name_b);
    vstream_set_timeout(*a, 5);
    vstream_set_timeout(*b, 5);
}

/* support_server_fork - listen on path and fork; the child accepts one client */
SUPPORT_SERVER
support_server_fork(const char *path)
{
    SUPPORT_SERVER srv;
    int listen_fd = unix_listen(path, 5, 0666, BLOCKING);
    int pipe_fd[2];
    int fd;

    ck_assert_int_ge(listen_fd, 0);
    ck_assert_int_eq(pipe(pipe_fd), 0);
    srv.stream = 0;
    ck_assert_int_ne(srv.pid = fork(), -1);
    if (srv.pid == 0) {
        alarm(10);
        close(pipe_fd[0]);
        if ((fd = sane_accept(listen_fd)) < 0)
            _exit(2);
        srv.stream = vstream_fdopen(fd, O_RDWR);
        vstream_set_timeout(srv.stream, 5);
        srv.report_fd = pipe_fd[1];
        return srv;
    }
    close(listen_fd);
    close(pipe_fd[1]);
    srv.report_fd = pipe_fd[0];
    return srv;
}

/* support_server_finish - reap the server, check its exit status, return its report */
char *
support_server_finish(SUPPORT_SERVER srv)
{
    static char report[1000];
    size_t len = 0;
    ssize_t n;
    int status;

    while (len < sizeof(report) - 1 &&
           (n = timed_read(srv.report_fd, report + len, sizeof(report) - 1 - len, 5)) > 0)
        len += (size_t)n;
    report[len] = 0;
    close(srv.report_fd);
    ck_assert_int_eq(waitpid(srv.pid, &status, 0), srv.pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "server status 0x%x", status);
    return report;
}

/* support_render_records - append the records, but SIZE and MESG, as "T data" lines */
void
support_render_records(VSTREAM *fp, VSTRING *out)
{
    VSTRING *buf = vstring_alloc(100);
    int type;

    ck_assert_int_eq(vstream_fseek(fp, 0, SEEK_SET), 0);
    while ((type = rec_get(fp, buf, 0)) >= 0) {
        if (type == REC_TYPE_SIZE || type == REC_TYPE_MESG)
            continue;
        vstring_sprintf_append(out, "%c ", type);
        vstring_memcat(out, STR(buf), LEN(buf));
        vstring_addch(out, '\n');
    }
    vstring_free(buf);
}
