/*
 * test_msg - unit tests for diagnostics.
 *
 * Captures text through a custom channel, checks the stderr and log file
 * line formats byte by byte (the log file with a POSIX regular expression
 * that mirrors what pflogsumm expects), truncation of long text, recursion
 * from inside a channel, errno preservation, and the exit behaviour of
 * msg_fatal (cleanup hook once, exit status), msg_error's limit and
 * msg_panic (SIGABRT) in forked Check tests.
 * Run: build/tests/test_msg (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/wait.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

static VSTRING *captured;
static int captured_level;
static int captured_calls;

/* capture - test channel: remember the last text and level */
static void
capture(int level, const char *text)
{
    vstring_strcpy(captured, text);
    captured_level = level;
    captured_calls++;
}

/* reentrant_channel - a channel that logs from inside itself */
static void
reentrant_channel(int level, const char *text)
{
    (void)level;
    (void)text;
    msg_warn("nested report");
}

/* setup - fresh capture state, only the capture channel */
static void
setup(void)
{
    captured = vstring_alloc(100);
    captured_level = -1;
    captured_calls = 0;
    msg_output_reset();
    msg_output(capture);
    msg_set_progname("postern/test");
}

/* teardown - drop the capture channel */
static void
teardown(void)
{
    msg_output_reset();
    msg_logfile_close();
    vstring_free(captured);
}

/* slurp - the content of a descriptor from offset 0 */
static VSTRING *
slurp(int fd)
{
    VSTRING *vp = vstring_alloc(100);
    char buf[4096];
    ssize_t n;

    lseek(fd, 0, SEEK_SET);
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        vstring_memcat(vp, buf, n);
    return (vp);
}

struct level_case {
    int level;
    const char *prefix;
};

static const struct level_case level_cases[] = {
    {MSG_INFO, ""},
    {MSG_WARN, "warning: "},
    {MSG_ERROR, "error: "},
    {MSG_FATAL, "fatal: "},
    {MSG_PANIC, "panic: "},
    {-1, ""},
    {99, ""},
};

/* test_prefix - level prefixes, out-of-range levels included */
START_TEST(test_prefix)
{
    ck_assert_str_eq(msg_level_prefix(level_cases[_i].level), level_cases[_i].prefix);
}
END_TEST

/* test_capture - custom channel sees level and text without prefix */
START_TEST(test_capture)
{
    msg_info("hello %s %d", "world", 42);
    ck_assert_str_eq(vstring_str(captured), "hello world 42");
    ck_assert_int_eq(captured_level, MSG_INFO);
    msg_warn("careful");
    ck_assert_int_eq(captured_level, MSG_WARN);
    ck_assert_str_eq(vstring_str(captured), "careful");
    msg_warn("%s", "");
    ck_assert_str_eq(vstring_str(captured), "");
    ck_assert_str_eq(msg_get_progname(), "postern/test");
}
END_TEST

/* test_error_count - msg_error counts */
START_TEST(test_error_count)
{
    int before = msg_error_count();

    msg_error("one");
    msg_error("two");
    ck_assert_int_eq(captured_level, MSG_ERROR);
    ck_assert_int_eq(msg_error_count(), before + 2);
}
END_TEST

/* test_errno - errno survives logging and %m works */
START_TEST(test_errno)
{
    errno = ENOENT;
    msg_warn("open: %m");
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_str_eq(vstring_str(captured), "open: No such file or directory");
}
END_TEST

/* test_truncate - very long text is cut, not lost */
START_TEST(test_truncate)
{
    char *big = mymalloc(50001);

    memset(big, 'a', 50000);
    big[50000] = 0;
    msg_info("%s", big);
    ck_assert_int_eq(vstring_len(captured), 10000);
    myfree(big);
}
END_TEST

/* test_recursion - a channel that logs does not loop */
START_TEST(test_recursion)
{
    msg_output(reentrant_channel);
    msg_info("outer");
    msg_info("outer again");
    ck_assert_int_eq(captured_calls, 2);
    ck_assert_str_eq(vstring_str(captured), "outer again");
}
END_TEST

/* test_stderr_format - "progname: warning: text\n" on descriptor 2 */
START_TEST(test_stderr_format)
{
    char path[] = "/tmp/test_msg_stderr.XXXXXX";
    int fd = mkstemp(path);
    int saved = dup(2);
    VSTRING *vp;

    ck_assert_int_ge(fd, 0);
    dup2(fd, 2);
    msg_stderr_init();
    msg_warn("disk %s", "full");
    msg_info("plain");
    dup2(saved, 2);
    vp = slurp(fd);
    ck_assert_str_eq(vstring_str(vp), "postern/test: warning: disk full\npostern/test: plain\n");
    vstring_free(vp);
    close(fd);
    close(saved);
    unlink(path);
}
END_TEST

/* test_logfile_format - syslog-style lines that log parsers understand */
START_TEST(test_logfile_format)
{
    char path[] = "/tmp/test_msg_log.XXXXXX";
    int fd = mkstemp(path);
    regex_t re;
    VSTRING *vp;
    char *line;
    char *next;
    char expect[100];
    int lines = 0;

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(msg_logfile_init(path, "mx1"), 0);
    msg_info("4XyzAbc: client=host[1.2.3.4]");
    msg_warn("two\nlines");
    msg_logfile_close();
    ck_assert_int_eq(regcomp(&re,
                             "^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                             "[ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] mx1 "
                             "postern/test\\[[0-9]+\\]: ",
                             REG_EXTENDED | REG_NOSUB),
                     0);
    vp = slurp(fd);
    ck_assert_ptr_nonnull(strstr(vstring_str(vp), ": 4XyzAbc: client=host[1.2.3.4]\n"));
    ck_assert_ptr_nonnull(strstr(vstring_str(vp), ": warning: two lines\n"));
    snprintf(expect, sizeof(expect), "[%ld]: ", (long)getpid());
    for (line = vstring_str(vp); (next = strchr(line, '\n')) != NULL; line = next + 1) {
        *next = 0;
        ck_assert_msg(regexec(&re, line, 0, NULL, 0) == 0, "bad line: %s", line);
        ck_assert_ptr_nonnull(strstr(line, expect));
        lines++;
    }
    ck_assert_int_eq(lines, 2);
    ck_assert_str_eq(line, "");
    regfree(&re);
    vstring_free(vp);
    close(fd);
    unlink(path);
}
END_TEST

/* test_logfile_shared - two processes append whole lines to one file */
START_TEST(test_logfile_shared)
{
    char path[] = "/tmp/test_msg_shared.XXXXXX";
    int fd = mkstemp(path);
    VSTRING *vp;
    pid_t pid;
    char *line;
    char *next;
    int status;
    int lines = 0;
    int i;

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(msg_logfile_init(path, "mx1"), 0);
    msg_output_reset();
    if ((pid = fork()) == 0) {
        for (i = 0; i < 300; i++)
            msg_info("child line %d with some padding text to make it longer", i);
        _exit(0);
    }
    for (i = 0; i < 300; i++)
        msg_info("parent line %d with some padding text to make it longer", i);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(status, 0);
    vp = slurp(fd);
    for (line = vstring_str(vp); (next = strchr(line, '\n')) != NULL; line = next + 1) {
        *next = 0;
        ck_assert_ptr_nonnull(strstr(line, " line "));
        ck_assert_ptr_nonnull(strstr(line, " to make it longer"));
        ck_assert_ptr_nonnull(strstr(line, " mx1 "));
        ck_assert_ptr_null(strstr(strstr(line, " mx1 ") + 1, " mx1 "));
        lines++;
    }
    ck_assert_int_eq(lines, 600);
    vstring_free(vp);
    close(fd);
    unlink(path);
}
END_TEST

/* test_logfile_bad - an unwritable log file path is reported */
START_TEST(test_logfile_bad)
{
    errno = 0;
    ck_assert_int_eq(msg_logfile_init("/nonexistent/dir/log", NULL), -1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* test_syslog - the syslog channel accepts messages without failing */
START_TEST(test_syslog)
{
    msg_syslog_init(LOG_LOCAL7);
    msg_info("syslog smoke test");
    ck_assert_str_eq(vstring_str(captured), "syslog smoke test");
}
END_TEST

static int cleanup_runs;

/* cleanup_hook - count runs; exit status tells the parent */
static void
cleanup_hook(void)
{
    cleanup_runs++;
    if (cleanup_runs > 1)
        _exit(99);
    /* A fatal error inside the hook must not run it again. */
    msg_fatal_status(7, "inside cleanup");
}

/* test_fatal_cleanup - the hook runs once, even if it fails */
START_TEST(test_fatal_cleanup)
{
    ck_assert_ptr_null(msg_cleanup(cleanup_hook));
    msg_fatal("going down");
}
END_TEST

/* test_fatal_status - msg_fatal_status exits with the given status */
START_TEST(test_fatal_status)
{
    msg_fatal_status(3, "status three");
}
END_TEST

/* test_error_limit - too many errors become fatal */
START_TEST(test_error_limit)
{
    int i;

    for (i = 0; i < MSG_ERROR_LIMIT - 1; i++)
        msg_error("error %d", i);
    ck_assert_int_eq(msg_error_count(), MSG_ERROR_LIMIT - 1);
    msg_error("the last straw");
    ck_abort_msg("not reached");
}
END_TEST

/* test_panic - msg_panic aborts */
START_TEST(test_panic)
{
    msg_panic("broken invariant");
}
END_TEST

/* msg_suite - collect the tests */
static Suite *
msg_suite(void)
{
    Suite *s = suite_create("msg");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_prefix, 0, (int)(sizeof(level_cases) / sizeof(level_cases[0])));
    tcase_add_test(tc, test_capture);
    tcase_add_test(tc, test_error_count);
    tcase_add_test(tc, test_errno);
    tcase_add_test(tc, test_truncate);
    tcase_add_test(tc, test_recursion);
    tcase_add_test(tc, test_stderr_format);
    tcase_add_test(tc, test_logfile_format);
    tcase_add_test(tc, test_logfile_shared);
    tcase_add_test(tc, test_logfile_bad);
    tcase_add_test(tc, test_syslog);
    tcase_add_exit_test(tc, test_fatal_cleanup, 7);
    tcase_add_exit_test(tc, test_fatal_status, 3);
    tcase_add_exit_test(tc, test_error_limit, 1);
    tcase_add_test_raise_signal(tc, test_panic, SIGABRT);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(msg_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
