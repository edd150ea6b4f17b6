/*
 * test_maillog - unit tests for log channel selection.
 *
 * Table-driven checks of the maillog_file prefix rule and of facility
 * names; exit tests for a maillog_file outside the allowed prefixes and an
 * unknown syslog_facility (a msg_cleanup() hook turns a wrong fatal text
 * into exit status 99); and a run that logs into a temporary file that the
 * prefixes allow, checking the "postern/prog[pid]: text" line shape.
 */
#include "sys_defs.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "msg.h"
#include "vstream.h"
#include "vstring.h"
#include "mail_params.h"
#include "maillog.h"

static char last_text[2048];
static const char *expected_fatal;

/* capture - remember the last message */
static void
capture(int level, const char *text)
{
    (void)level;
    snprintf(last_text, sizeof(last_text), "%s", text);
}

/* check_fatal_text - wrong fatal wording exits with 99 */
static void
check_fatal_text(void)
{
    if (expected_fatal && strstr(last_text, expected_fatal) == NULL)
        _exit(99);
}

static const struct {
    const char *path;
    const char *prefixes;
    int allowed;
} prefix_cases[] = {
    {"/var/log/postern.log", "/var, /dev/stdout", 1},
    {"/dev/stdout", "/var, /dev/stdout", 1},
    {"/tmp/log", "/var, /dev/stdout", 0},
    {"/tmp/log", "/var,/tmp", 1},
    {"/tmp/log", "/var\t/tmp", 1},
    {"/etc/passwd", "", 0},
    {"", "/var", 0},
    {"var/log", "/var", 0},
};

START_TEST(test_prefix)
{
    ck_assert_int_eq(maillog_file_allowed(prefix_cases[_i].path, prefix_cases[_i].prefixes),
                     prefix_cases[_i].allowed);
}
END_TEST

static const struct {
    const char *name;
    int value;
} facility_cases[] = {
    {"mail", LOG_MAIL},     {"MAIL", LOG_MAIL}, {"local0", LOG_LOCAL0}, {"local7", LOG_LOCAL7},
    {"daemon", LOG_DAEMON}, {"user", LOG_USER}, {"local8", -1},         {"", -1},
    {"mailx", -1},
};

START_TEST(test_facility)
{
    ck_assert_int_eq(maillog_facility(facility_cases[_i].name), facility_cases[_i].value);
}
END_TEST

/* set_params - the parameters maillog_init reads */
static void
set_params(char *file, char *prefixes, char *facility)
{
    var_syslog_name = "postern";
    var_maillog_file = file;
    var_maillog_file_prefixes = prefixes;
    var_syslog_facility = facility;
    msg_output(capture);
    msg_cleanup(check_fatal_text);
}

START_TEST(test_bad_prefix)
{
    set_params("/tmp/elsewhere.log", "/var, /dev/stdout", "mail");
    expected_fatal = "maillog_file: /tmp/elsewhere.log does not start with any of "
                     "maillog_file_prefixes: /var, /dev/stdout";
    maillog_init("smtpd", MAILLOG_FLAG_NONE);
}
END_TEST

START_TEST(test_bad_facility)
{
    set_params("", "/var", "nosuch");
    expected_fatal = "syslog_facility: unknown facility: nosuch";
    maillog_init("smtpd", MAILLOG_FLAG_NONE);
}
END_TEST

START_TEST(test_logfile)
{
    char path[] = "/tmp/test_maillog.XXXXXX";
    VSTRING *buf = vstring_alloc(100);
    VSTREAM *fp;
    int fd = mkstemp(path);

    ck_assert_int_ge(fd, 0);
    (void)close(fd);
    set_params(path, "/var, /tmp", "mail");
    maillog_init("qmgr", MAILLOG_FLAG_NONE);
    ck_assert_str_eq(msg_get_progname(), "postern/qmgr");
    msg_info("hello from the test");
    msg_logfile_close();
    fp = vstream_fopen(path, O_RDONLY, 0);
    ck_assert_ptr_nonnull(fp);
    ck_assert_int_ne(vstream_get_line(fp, buf, 0), VSTREAM_EOF);
    ck_assert_msg(strstr(STR(buf), " postern/qmgr[") != NULL, "line: %s", STR(buf));
    ck_assert_msg(strstr(STR(buf), "]: hello from the test\n") != NULL, "line: %s", STR(buf));
    (void)vstream_fclose(fp);
    (void)unlink(path);
    vstring_free(buf);
}
END_TEST

/* maillog_suite - all cases */
static Suite *
maillog_suite(void)
{
    Suite *s = suite_create("maillog");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_prefix, 0, sizeof(prefix_cases) / sizeof(prefix_cases[0]));
    tcase_add_loop_test(tc, test_facility, 0, sizeof(facility_cases) / sizeof(facility_cases[0]));
    tcase_add_exit_test(tc, test_bad_prefix, 1);
    tcase_add_exit_test(tc, test_bad_facility, 1);
    tcase_add_test(tc, test_logfile);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite */
int
main(void)
{
    SRunner *sr = srunner_create(maillog_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed ? 1 : 0);
}
