/*
 * msg - diagnostics with pluggable output channels.
 *
 * Usage: a program names itself with msg_set_progname(), enables one or more
 * built-in channels (msg_stderr_init, msg_syslog_init, msg_logfile_init) and
 * then reports with msg_info/msg_warn/msg_error/msg_fatal/msg_panic. Extra
 * channels (test capture hooks) are added with msg_output() and removed with
 * msg_output_reset(); the built-in channels stay. When no channel at all is
 * enabled, text goes to stderr so that nothing is silently lost.
 *
 * Formatting never allocates: the text is built with vsnprintf into static
 * buffers and cut at MSG_TEXT_MAX bytes. This matters because mymalloc()
 * reports exhaustion through this module. If a channel itself calls a msg_*
 * function, the nested text bypasses all channels and goes straight to file
 * descriptor 2; deeper nesting is dropped. The fatal and panic semantics
 * (exit, abort) apply at every depth. errno is preserved across calls, and
 * "%m" works in formats.
 *
 * Channel formats: stderr "progname: warning: text\n"; syslog(3) with the
 * level's priority and the prefix; the log file gets the classic syslog
 * line "Mmm dd hh:mm:ss host progname[pid]: warning: text\n" in one
 * write(2) on an O_APPEND descriptor, so processes can share the file.
 *
 * Memory ownership: the module copies the program name and host name into
 * static storage; callers keep ownership of their strings.
 *
 * Diagnostics: msg_logfile_init() returns -1 with errno set when the file
 * cannot be opened; failed writes on any channel are ignored (there is no
 * better place left to report them).
 */
#include "sys_defs.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "vstream.h"

#define MSG_TEXT_MAX 10000                /* longer text is truncated */
#define MSG_LINE_MAX (MSG_TEXT_MAX + 512) /* room for the line decoration */
#define MSG_MAX_CHANNELS 8                /* custom channels */
#define MSG_NAME_MAX 256

int msg_verbose = 0;

static char msg_progname[MSG_NAME_MAX];
static char msg_syslog_ident[MSG_NAME_MAX];
static char msg_hostname[MSG_NAME_MAX];

static MSG_OUTPUT_FN msg_channels[MSG_MAX_CHANNELS];
static int msg_channel_count;
static int msg_use_stderr;
static char msg_stderr_label[MSG_NAME_MAX];
static int msg_use_syslog;
static int msg_syslog_facility = LOG_MAIL;
static int msg_logfile_fd = -1;

static int msg_errors;
static int msg_depth;
static int msg_exiting;
static MSG_CLEANUP_FN msg_cleanup_fn;

static char msg_text_buf[MSG_TEXT_MAX + 1];
static char msg_line_buf[MSG_LINE_MAX];

/* msg_level_prefix - the text a channel puts before a message */
const char *
msg_level_prefix(int level)
{
    static const char *const prefixes[] = {
        "", "warning: ", "error: ", "fatal: ", "panic: ",
    };

    if (level < MSG_INFO || level > MSG_PANIC)
        return ("");
    return (prefixes[level]);
}

/* msg_set_progname - set the name that channels print */
void
msg_set_progname(const char *name)
{
    snprintf(msg_progname, sizeof(msg_progname), "%s", name ? name : "");
    if (msg_use_syslog) {
        snprintf(msg_syslog_ident, sizeof(msg_syslog_ident), "%s", msg_progname);
        openlog(msg_syslog_ident, LOG_PID | LOG_NDELAY, msg_syslog_facility);
    }
}

/* msg_get_progname - the current program name, with a sensible default */
const char *
msg_get_progname(void)
{
    if (msg_progname[0] == 0)
        return (program_invocation_short_name ? program_invocation_short_name : "postern");
    return (msg_progname);
}

/* msg_output - add a custom output channel */
void
msg_output(MSG_OUTPUT_FN fn)
{
    if (msg_channel_count >= MSG_MAX_CHANNELS)
        msg_panic("msg_output: too many output channels");
    msg_channels[msg_channel_count++] = fn;
}

/* msg_output_reset - remove all custom output channels */
void
msg_output_reset(void)
{
    msg_channel_count = 0;
}

/* msg_cleanup - set the hook that msg_fatal runs; returns the old one */
MSG_CLEANUP_FN
msg_cleanup(MSG_CLEANUP_FN fn)
{
    MSG_CLEANUP_FN old = msg_cleanup_fn;

    msg_cleanup_fn = fn;
    return (old);
}

/* msg_error_count - number of msg_error calls so far */
int
msg_error_count(void)
{
    return (msg_errors);
}

/* msg_write_all - write a buffer to a descriptor, ignoring failure */
static void
msg_write_all(int fd, const char *buf, size_t len)
{
    ssize_t count;

    while (len > 0) {
        count = write(fd, buf, len);
        if (count < 0 && errno == EINTR)
            continue;
        if (count <= 0)
            return;
        buf += count;
        len -= (size_t)count;
    }
}

/* msg_line_len - clamp an snprintf result to the buffer size */
static size_t
msg_line_len(int ret, size_t size)
{
    if (ret < 0)
        return (0);
    if ((size_t)ret >= size)
        return (size - 1);
    return ((size_t)ret);
}

/* msg_stderr_emit - write "progname: prefixtext\n" to descriptor 2 */
static void
msg_stderr_emit(int level, const char *text, char *buf, size_t size)
{
    size_t len;

    /* A command's output and its diagnostics keep the order they were made. */
    if (msg_stderr_label[0])
        (void)vstream_fflush(vstream_out);
    len = msg_line_len(snprintf(buf, size - 1, "%s: %s%s",
                                msg_stderr_label[0] ? msg_stderr_label : msg_get_progname(),
                                msg_level_prefix(level), text),
                       size - 1);
    buf[len++] = '\n';
    msg_write_all(2, buf, len);
}

/* msg_stderr_init - enable the stderr channel */
void
msg_stderr_init(void)
{
    msg_use_stderr = 1;
}

/* msg_stderr_name - the name stderr lines start with, when not progname */
void
msg_stderr_name(const char *name)
{
    snprintf(msg_stderr_label, sizeof(msg_stderr_label), "%s", name ? name : "");
}

/* msg_syslog_priority - map a level to a syslog priority */
static int
msg_syslog_priority(int level)
{
    switch (level) {
    case MSG_INFO:
        return (LOG_INFO);
    case MSG_WARN:
        return (LOG_WARNING);
    case MSG_ERROR:
        return (LOG_ERR);
    default:
        return (LOG_CRIT);
    }
}

/* msg_syslog_init - enable the syslog channel with the given facility */
void
msg_syslog_init(int facility)
{
    msg_syslog_facility = facility;
    snprintf(msg_syslog_ident, sizeof(msg_syslog_ident), "%s", msg_get_progname());
    openlog(msg_syslog_ident, LOG_PID | LOG_NDELAY, facility);
    msg_use_syslog = 1;
}

/* msg_logfile_init - enable appending to a shared log file */
int
msg_logfile_init(const char *path, const char *hostname)
{
    int fd;
    char *dot;

    if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) < 0)
        return (-1);
    if (msg_logfile_fd >= 0)
        (void)close(msg_logfile_fd);
    msg_logfile_fd = fd;
    if (hostname && *hostname) {
        snprintf(msg_hostname, sizeof(msg_hostname), "%s", hostname);
    } else {
        if (gethostname(msg_hostname, sizeof(msg_hostname) - 1) < 0)
            snprintf(msg_hostname, sizeof(msg_hostname), "localhost");
        msg_hostname[sizeof(msg_hostname) - 1] = 0;
        if ((dot = strchr(msg_hostname, '.')) != NULL && dot != msg_hostname)
            *dot = 0;
    }
    tzset();
    return (0);
}

/* msg_logfile_close - stop writing to the log file */
void
msg_logfile_close(void)
{
    if (msg_logfile_fd >= 0) {
        (void)close(msg_logfile_fd);
        msg_logfile_fd = -1;
    }
}

/* msg_syslog_close - disable the syslog channel */
void
msg_syslog_close(void)
{
    if (msg_use_syslog) {
        closelog();
        msg_use_syslog = 0;
    }
}

/* msg_logfile_format - build one syslog-style line; returns its length */
static size_t
msg_logfile_format(char *buf, size_t size, int level, const char *text)
{
    static const char months[12][4] = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    };
    time_t now = time((time_t *)0);
    struct tm tm;
    size_t len;
    size_t i;

    if (localtime_r(&now, &tm) == NULL)
        memset(&tm, 0, sizeof(tm));
    len = msg_line_len(snprintf(buf, size - 1, "%s %2d %02d:%02d:%02d %s %s[%ld]: %s%s",
                                months[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min,
                                tm.tm_sec, msg_hostname, msg_get_progname(), (long)getpid(),
                                msg_level_prefix(level), text),
                       size - 1);
    /* One record per line, whatever the text contains. */
    for (i = 0; i < len; i++)
        if (buf[i] == '\n' || buf[i] == '\r')
            buf[i] = ' ';
    buf[len++] = '\n';
    return (len);
}

/* msg_emit - send finished text to every enabled channel */
static void
msg_emit(int level, const char *text)
{
    size_t len;
    int i;

    if (msg_use_stderr || (!msg_use_syslog && msg_logfile_fd < 0 && msg_channel_count == 0))
        msg_stderr_emit(level, text, msg_line_buf, sizeof(msg_line_buf));
    if (msg_use_syslog)
        syslog(msg_syslog_priority(level), "%s%s", msg_level_prefix(level), text);
    if (msg_logfile_fd >= 0) {
        len = msg_logfile_format(msg_line_buf, sizeof(msg_line_buf), level, text);
        msg_write_all(msg_logfile_fd, msg_line_buf, len);
    }
    for (i = 0; i < msg_channel_count; i++)
        msg_channels[i](level, text);
}

/* msg_vprintf - format and output text at a level (no counting, no exit) */
void
msg_vprintf(int level, const char *fmt, va_list ap)
{
    int saved_errno = errno;
    char nested_text[1024];
    char nested_line[1200];

    if (msg_depth == 0) {
        msg_depth++;
        vsnprintf(msg_text_buf, sizeof(msg_text_buf), fmt, ap);
        msg_emit(level, msg_text_buf);
        msg_depth--;
    } else if (msg_depth == 1) {
        /* A channel reported trouble: bypass the channels entirely. */
        msg_depth++;
        vsnprintf(nested_text, sizeof(nested_text), fmt, ap);
        msg_stderr_emit(level, nested_text, nested_line, sizeof(nested_line));
        msg_depth--;
    }
    errno = saved_errno;
}

/* msg_info - informational message */
void
msg_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(MSG_INFO, fmt, ap);
    va_end(ap);
}

/* msg_warn - warning message */
void
msg_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(MSG_WARN, fmt, ap);
    va_end(ap);
}

/* msg_error - counted error; too many of them become fatal */
void
msg_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(MSG_ERROR, fmt, ap);
    va_end(ap);
    if (++msg_errors >= MSG_ERROR_LIMIT)
        msg_fatal("too many errors - program terminated");
}

/* msg_fatal_exit - run the cleanup hook once, then exit */
static NORETURN
msg_fatal_exit(int status)
{
    MSG_CLEANUP_FN fn;

    /* A fatal error during cleanup or exit handlers must not loop. */
    if (msg_exiting++)
        _exit(status);
    if ((fn = msg_cleanup_fn) != NULL) {
        msg_cleanup_fn = NULL;
        fn();
    }
    exit(status);
}

/* msg_fatal - log and exit with status 1 */
NORETURN
msg_fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(MSG_FATAL, fmt, ap);
    va_end(ap);
    msg_fatal_exit(1);
}

/* msg_fatal_status - log and exit with the given status */
NORETURN
msg_fatal_status(int status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(MSG_FATAL, fmt, ap);
    va_end(ap);
    msg_fatal_exit(status);
}

/* msg_panic - log and dump core */
NORETURN
msg_panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(MSG_PANIC, fmt, ap);
    va_end(ap);
    abort();
}
