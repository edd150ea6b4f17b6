/*
 * test_bounce_log - unit tests for the defer/bounce logs (bounce_log.c).
 *
 * Append two entries (one reason with embedded newlines) and read them
 * back; then a table of hand-written log files, good and malformed
 * (missing '=', bad numbers, no recipient, a log cut inside an entry or
 * inside a line, unknown names, blank lines), each with the sequence of
 * bounce_log_read() results it must give.
 * Run: build/tests/test_bounce_log (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bounce_log.h"
#include "mail_proto.h"
#include "msg.h"
#include "vstream.h"

#include "support.h"

#define TEST_ID "0000000000z1"

/* setup - scratch queue directory with a defer/ queue */
static void
setup(void)
{
    (void)support_scratch_enter("test_bounce_log");
    ck_assert_int_eq(mkdir("defer", 0700), 0);
    support_quiet();
}

/* teardown - remove the scratch directory */
static void
teardown(void)
{
    support_scratch_leave();
    msg_output_reset();
}

/* test_append_read - append two entries and read them back */
START_TEST(test_append_read)
{
    RECIPIENT rcpt;
    BOUNCE_LOG_ENTRY *entry = bounce_log_entry_alloc();
    VSTREAM *log;
    struct stat st;

    memset(&rcpt, 0, sizeof(rcpt));
    rcpt.address = "user@example.com";
    rcpt.orig_addr = "alias@example.com";
    rcpt.offset = 123;
    rcpt.dsn_status = "4.4.1";
    rcpt.action = "delayed";
    rcpt.reason = "connect to mx[1.2.3.4]:25:\r\nConnection refused";
    ck_assert_int_eq(bounce_log_append("defer", TEST_ID, &rcpt), 0);
    rcpt.address = "two@example.com";
    rcpt.orig_addr = 0;
    rcpt.offset = 456;
    rcpt.reason = "";
    ck_assert_int_eq(bounce_log_append("defer", TEST_ID, &rcpt), 0);
    ck_assert_int_eq(stat("defer/" TEST_ID, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);

    ck_assert_ptr_nonnull(log = bounce_log_open("defer", TEST_ID));
    ck_assert_int_eq(bounce_log_read(log, entry), 1);
    ck_assert_str_eq(STR(entry->recipient), "user@example.com");
    ck_assert_str_eq(STR(entry->orig_recipient), "alias@example.com");
    ck_assert_int_eq(entry->offset, 123);
    ck_assert_str_eq(STR(entry->dsn_status), "4.4.1");
    ck_assert_str_eq(STR(entry->action), "delayed");
    ck_assert_str_eq(STR(entry->reason), "connect to mx[1.2.3.4]:25:  Connection refused");
    ck_assert(entry->time > 1000000000L);
    ck_assert_int_eq(bounce_log_read(log, entry), 1);
    ck_assert_str_eq(STR(entry->recipient), "two@example.com");
    ck_assert_str_eq(STR(entry->orig_recipient), "two@example.com");
    ck_assert_int_eq(entry->offset, 456);
    ck_assert_str_eq(STR(entry->reason), "");
    ck_assert_int_eq(bounce_log_read(log, entry), 0);
    vstream_fclose(log);
    ck_assert_ptr_null(bounce_log_open("defer", "0000000000z2"));
    ck_assert_int_eq(errno, ENOENT);
    bounce_log_entry_free(entry);
}
END_TEST

/* A log file's text and the results of successive reads (ended by 9). */
static const struct read_case {
    const char *label;
    const char *text;
    int results[4];
} read_cases[] = {
    {"empty", "", {0, 9}},
    {"one", "recipient=a@b\nreason=x\n\n", {1, 0, 9}},
    {"blank lines between", "\n\nrecipient=a@b\n\n\nrecipient=c@d\n\n", {1, 1, 0, 9}},
    {"unknown name", "recipient=a@b\nfuture=1\n\n", {1, 0, 9}},
    {"value with =", "recipient=a@b\nreason=x=y\n\n", {1, 0, 9}},
    {"no equals", "recipient=a@b\nbogus\n\n", {-1, 9}},
    {"bad offset", "recipient=a@b\nrecipient_offset=12x\n\n", {-1, 9}},
    {"bad time", "recipient=a@b\ntime=\n\n", {-1, 9}},
    {"no recipient", "reason=x\n\n", {-1, 9}},
    {"cut after entry line", "recipient=a@b\n", {-1, 9}},
    {"cut inside line", "recipient=a@b\nreas", {-1, 9}},
    {"good then cut", "recipient=a@b\n\nrecipient=c", {1, -1, 9}},
};

/* test_read_cases - read one hand-written log, good or malformed */
/*
 * test_append_partial - a write that fails half-way (here: over the file
 * size limit, as on a full disk) must leave no partial entry behind: the
 * log stays readable, else its message could never be flushed.
 */
START_TEST(test_append_partial)
{
    RECIPIENT rcpt;
    BOUNCE_LOG_ENTRY *entry = bounce_log_entry_alloc();
    char reason[2000];
    struct rlimit rl;
    struct stat st;
    VSTREAM *log;
    off_t good_size;

    memset(&rcpt, 0, sizeof(rcpt));
    rcpt.address = "user@example.com";
    rcpt.offset = 123;
    rcpt.dsn_status = "5.1.1";
    rcpt.action = "failed";
    rcpt.reason = "unknown user";
    ck_assert_int_eq(bounce_log_append("defer", TEST_ID, &rcpt), 0);
    ck_assert_int_eq(stat("defer/" TEST_ID, &st), 0);
    good_size = st.st_size;

    memset(reason, 'x', sizeof(reason) - 1);
    reason[sizeof(reason) - 1] = 0;
    rcpt.reason = reason;
    signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
    rl.rlim_cur = good_size + 100;
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
    ck_assert_int_eq(bounce_log_append("defer", TEST_ID, &rcpt), -1);
    rl.rlim_cur = rl.rlim_max;
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);

    ck_assert_int_eq(stat("defer/" TEST_ID, &st), 0);
    ck_assert_int_eq(st.st_size, good_size);
    log = bounce_log_open("defer", TEST_ID);
    ck_assert_ptr_nonnull(log);
    ck_assert_int_eq(bounce_log_read(log, entry), 1);
    ck_assert_str_eq(vstring_str(entry->reason), "unknown user");
    ck_assert_int_eq(bounce_log_read(log, entry), 0);
    vstream_fclose(log);
    bounce_log_entry_free(entry);
}
END_TEST

START_TEST(test_read_cases)
{
    const struct read_case *tc = read_cases + _i;
    BOUNCE_LOG_ENTRY *entry = bounce_log_entry_alloc();
    VSTREAM *log;
    int i;
    int got;

    log = vstream_fopen("defer/" TEST_ID, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_ptr_nonnull(log);
    vstream_fputs(tc->text, log);
    ck_assert_int_eq(vstream_fclose(log), 0);
    ck_assert_ptr_nonnull(log = bounce_log_open("defer", TEST_ID));
    for (i = 0; tc->results[i] != 9; i++) {
        got = bounce_log_read(log, entry);
        ck_assert_msg(got == tc->results[i], "%s: read %d gave %d", tc->label, i, got);
        if (got == 1)
            ck_assert_ptr_nonnull(strchr("ac", STR(entry->recipient)[0]));
    }
    vstream_fclose(log);
    bounce_log_entry_free(entry);
}
END_TEST

/* bounce_log_suite - all bounce_log tests */
static Suite *
bounce_log_suite(void)
{
    Suite *s = suite_create("bounce_log");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_append_read);
    tcase_add_test(tc, test_append_partial);
    tcase_add_loop_test(tc, test_read_cases, 0, sizeof(read_cases) / sizeof(read_cases[0]));
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(bounce_log_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
