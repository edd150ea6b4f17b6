/*
 * test_master_conf - unit tests for the master.cf reader.
 *
 * A master.cf in the shape of Debian's stock file (services, commented-out
 * entries, continuation lines with -o and pipe arguments, unix-dgram, a
 * conditional wakeup) must load without errors; table-driven cases check
 * single entries and malformed lines (each error names file and line and
 * the rest of the file still loads). The fatal flag is an exit test.
 */
#include "sys_defs.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "msg.h"
#include "vstream.h"
#include "vstring.h"
#include "master_conf.h"

static char test_path[256];

/* write_file - put text into a temporary master.cf */
static const char *
write_file(const char *text)
{
    VSTREAM *fp;
    int fd;

    snprintf(test_path, sizeof(test_path), "/tmp/test_master_conf.XXXXXX");
    fd = mkstemp(test_path);
    ck_assert_int_ge(fd, 0);
    fp = vstream_fdopen(fd, O_WRONLY);
    vstream_fputs(text, fp);
    ck_assert_int_eq(vstream_fclose(fp), 0);
    return (test_path);
}

/* parse - read text as a master.cf file and remove the file */
static MASTER_CONF *
parse(const char *text, int flags)
{
    MASTER_CONF *conf = master_conf_read(write_file(text), flags);

    (void)unlink(test_path);
    return (conf);
}

/* A file shaped like Debian's stock master.cf (our own text). */
static const char stock_shape[] =
    "#\n# service table\n#\n"
    "# service type  private unpriv  chroot  wakeup  maxproc command + args\n"
    "#               (yes)   (yes)   (no)    (never) (100)\n"
    "smtp      inet  n       -       y       -       -       smtpd\n"
    "#submission inet n       -       y       -       -       smtpd\n"
    "#  -o syslog_name=postfix/submission\n"
    "pickup    unix  n       -       y       60      1       pickup\n"
    "cleanup   unix  n       -       y       -       0       cleanup\n"
    "qmgr      unix  n       -       n       300     1       qmgr\n"
    "tlsmgr    unix  -       -       y       1000?   1       tlsmgr\n"
    "rewrite   unix  -       -       y       -       -       trivial-rewrite\n"
    "smtp      unix  -       -       y       -       -       smtp\n"
    "relay     unix  -       -       y       -       -       smtp\n"
    "        -o syslog_name=postfix/$service_name\n"
    "#       -o smtp_helo_timeout=5\n"
    "local     unix  -       n       n       -       -       local\n"
    "postlog   unix-dgram n  -       n       -       1       postlogd\n"
    "maildrop  unix  -       n       n       -       -       pipe\n"
    "  flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient}\n"
    "scalemail-backend unix -       n       n       -       2       pipe\n"
    "  flags=R user=scalemail argv=/usr/lib/x/store ${nexthop} ${user}\n";

START_TEST(test_stock_shape)
{
    MASTER_CONF *conf = parse(stock_shape, MASTER_CONF_FLAG_NONE);
    MASTER_ENT *ent;

    ck_assert_int_eq(conf->errors->argc, 0);
    ck_assert_int_eq(conf->count, 12);
    ent = master_conf_find(conf, "smtp", "inet");
    ck_assert_ptr_nonnull(ent);
    ck_assert_int_eq(ent->private_flag, 0);
    ck_assert_int_eq(ent->unpriv, 1);
    ck_assert_int_eq(ent->chroot, 1);
    ck_assert_int_eq(ent->wakeup, 0);
    ck_assert_int_eq(ent->maxproc_default, 1);
    ck_assert_ptr_null(ent->host);
    ck_assert_str_eq(ent->port, "smtp");
    ck_assert_int_eq(ent->line, 6);
    ent = master_conf_find(conf, "tlsmgr", "unix");
    ck_assert_int_eq(ent->wakeup, 1000);
    ck_assert_int_eq(ent->wakeup_conditional, 1);
    ent = master_conf_find(conf, "relay", NULL);
    ck_assert_int_eq(ent->args->argc, 2);
    ck_assert_str_eq(ent->args->argv[0], "-o");
    ck_assert_str_eq(ent->args->argv[1], "syslog_name=postfix/$service_name");
    ent = master_conf_find(conf, "postlog", "unix-dgram");
    ck_assert_str_eq(ent->command, "postlogd");
    ent = master_conf_find(conf, "maildrop", "unix");
    ck_assert_int_eq(ent->args->argc, 5);
    ck_assert_str_eq(ent->args->argv[4], "${recipient}");
    ck_assert_int_eq(master_conf_find(conf, "cleanup", "unix")->maxproc, 0);
    master_conf_free(conf);
}
END_TEST

/* Single good entries. */
static const struct {
    const char *line;
    const char *host; /* NULL: none */
    const char *port; /* NULL: not inet */
    int private_flag, unpriv, chroot, wakeup, conditional, maxproc;
    int argc;
    const char *last_arg;
} good_cases[] = {
    {"127.0.0.1:2525 inet n - n - - smtpd\n", "127.0.0.1", "2525", 0, 1, 0, 0, 0, 100, 0, NULL},
    {"[::1]:smtp inet n y n - 5 smtpd\n", "::1", "smtp", 0, 1, 0, 0, 0, 5, 0, NULL},
    {"submission inet n - y 10? 3 smtpd -v\n", NULL, "submission", 0, 1, 1, 10, 1, 3, 1, "-v"},
    {"x unix - - - - - prog\n  -o { smtpd_banner = hello world }\n", NULL, NULL, 1, 1, 0, 0, 0, 100,
     2, "smtpd_banner=hello world"},
    {"x unix y y y 0 0 prog {braced  arg } last\n", NULL, NULL, 1, 1, 1, 0, 0, 0, 2, "last"},
    {"x fifo n n n 60 1 prog\n", NULL, NULL, 0, 0, 0, 60, 0, 1, 0, NULL},
    {"x pass - - - - - prog -o a=b\n\n# comment in between\n  -o c=d\n", NULL, NULL, 1, 1, 0, 0, 0,
     100, 4, "c=d"},
};

START_TEST(test_good)
{
    MASTER_CONF *conf = parse(good_cases[_i].line, MASTER_CONF_FLAG_NONE);
    MASTER_ENT *ent;

    ck_assert_int_eq(conf->errors->argc, 0);
    ck_assert_int_eq(conf->count, 1);
    ent = conf->entries[0];
    ck_assert_ptr_null(conf->entries[1]);
    if (good_cases[_i].port) {
        ck_assert_str_eq(ent->port, good_cases[_i].port);
        if (good_cases[_i].host)
            ck_assert_str_eq(ent->host, good_cases[_i].host);
        else
            ck_assert_ptr_null(ent->host);
    }
    ck_assert_int_eq(ent->private_flag, good_cases[_i].private_flag);
    ck_assert_int_eq(ent->unpriv, good_cases[_i].unpriv);
    ck_assert_int_eq(ent->chroot, good_cases[_i].chroot);
    ck_assert_int_eq(ent->wakeup, good_cases[_i].wakeup);
    ck_assert_int_eq(ent->wakeup_conditional, good_cases[_i].conditional);
    ck_assert_int_eq(ent->maxproc, good_cases[_i].maxproc);
    ck_assert_int_eq(ent->args->argc, good_cases[_i].argc);
    if (good_cases[_i].last_arg)
        ck_assert_str_eq(ent->args->argv[ent->args->argc - 1], good_cases[_i].last_arg);
    master_conf_free(conf);
}
END_TEST

/* Malformed lines: the error names line 2; line 1 still loads. */
static const struct {
    const char *line;
    const char *words;
} bad_cases[] = {
    {"bad unix - - - - -\n", "line 2: missing command field"},
    {"bad unix - -\n", "line 2: too few fields"},
    {"bad tcp - - - - - prog\n", "line 2: unknown service type: \"tcp\""},
    {"bad unix x - - - - prog\n", "line 2: bad private field: \"x\""},
    {"bad unix - maybe - - - prog\n", "line 2: bad unpriv field"},
    {"bad unix - - yes - - prog\n", "line 2: bad chroot field"},
    {"bad unix - - - 5m - prog\n", "line 2: bad wakeup field: \"5m\""},
    {"bad unix - - - ? - prog\n", "line 2: bad wakeup field"},
    {"bad unix - - - - -1 prog\n", "line 2: bad maxproc field: \"-1\""},
    {"bad unix - - - - 99999999999 prog\n", "line 2: bad maxproc field"},
    {"host: inet n - - - - smtpd\n", "line 2: bad inet service"},
    {":25 inet n - - - - smtpd\n", "line 2: bad inet service"},
    {"[::1 inet n - - - - smtpd\n", "line 2: bad inet service"},
    {"bad unix - - - - - prog { unclosed\n", "line 2: missing '}'"},
    {"ok unix - - - - - other\n", "line 2: duplicate service: ok/unix"},
};

START_TEST(test_bad)
{
    VSTRING *text = vstring_alloc(100);
    MASTER_CONF *conf;

    vstring_sprintf(text, "ok unix - - - - - prog\n%s", bad_cases[_i].line);
    conf = parse(STR(text), MASTER_CONF_FLAG_NONE);
    ck_assert_int_eq(conf->count, 1);
    ck_assert_int_eq(conf->errors->argc, 1);
    ck_assert_msg(strstr(conf->errors->argv[0], bad_cases[_i].words) != NULL, "error: %s",
                  conf->errors->argv[0]);
    ck_assert_msg(strncmp(conf->errors->argv[0], test_path, strlen(test_path)) == 0,
                  "error lacks the file name: %s", conf->errors->argv[0]);
    master_conf_free(conf);
    vstring_free(text);
}
END_TEST

START_TEST(test_leading_continuation)
{
    MASTER_CONF *conf = parse("  -o orphan=1\nok unix - - - - - prog\n", MASTER_CONF_FLAG_NONE);

    ck_assert_int_eq(conf->count, 1);
    ck_assert_int_eq(conf->errors->argc, 1);
    ck_assert_ptr_nonnull(
        strstr(conf->errors->argv[0], "line 1: continuation line without an entry"));
    master_conf_free(conf);
}
END_TEST

START_TEST(test_missing_file)
{
    MASTER_CONF *conf = master_conf_read("/nonexistent-postern/master.cf", MASTER_CONF_FLAG_NONE);

    ck_assert_int_eq(conf->count, 0);
    ck_assert_ptr_null(conf->entries[0]);
    ck_assert_int_eq(conf->errors->argc, 1);
    ck_assert_str_eq(conf->errors->argv[0],
                     "open /nonexistent-postern/master.cf: No such file or directory");
    master_conf_free(conf);
}
END_TEST

START_TEST(test_fatal_flag)
{
    (void)parse("bad unix - - - - -\n", MASTER_CONF_FLAG_FATAL);
}
END_TEST

/* master_conf_suite - all cases */
static Suite *
master_conf_suite(void)
{
    Suite *s = suite_create("master_conf");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_stock_shape);
    tcase_add_loop_test(tc, test_good, 0, sizeof(good_cases) / sizeof(good_cases[0]));
    tcase_add_loop_test(tc, test_bad, 0, sizeof(bad_cases) / sizeof(bad_cases[0]));
    tcase_add_test(tc, test_leading_continuation);
    tcase_add_test(tc, test_missing_file);
    tcase_add_exit_test(tc, test_fatal_flag, 1);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite */
int
main(void)
{
    SRunner *sr = srunner_create(master_conf_suite());
    int failed;

    msg_set_progname("test_master_conf");
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed ? 1 : 0);
}
