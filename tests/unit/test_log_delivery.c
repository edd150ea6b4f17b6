/*
 * test_log_delivery - Check tests for the delivery log line formatter.
 *
 * Table 1 checks single intervals against the numbers that Postfix prints
 * (two significant digits, at most N digits after the point, trailing
 * zeros dropped, whole seconds from 10 s up), including clock steps
 * (negative intervals) and unnormalised microseconds. Table 2 checks whole
 * lines byte for byte: orig_to shown only when it differs, quoting of
 * addresses, unprintable bytes in the reason, connection setup time.
 */
#include "sys_defs.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "vstring.h"

#include "log_delivery.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct TIME_CASE {
    long sec;
    long usec;
    int resolution;
    const char *expect;
} TIME_CASE;

static const TIME_CASE time_cases[] = {
    {0, 0, 2, "0"},         {0, 80000, 2, "0.08"},  {0, 83000, 2, "0.08"},  {0, 85000, 2, "0.09"},
    {0, 400, 2, "0"},       {0, 5000, 2, "0.01"},   {0, 100000, 2, "0.1"},  {0, 999999, 2, "1"},
    {1, 500000, 2, "1.5"},  {1, 540000, 2, "1.5"},  {1, 960000, 2, "2"},    {9, 960000, 2, "10"},
    {30, 0, 2, "30"},       {30, 400000, 2, "30"},  {30, 500000, 2, "31"},  {123, 456789, 2, "123"},
    {86400, 0, 2, "86400"}, {0, 12345, 3, "0.012"}, {0, 123456, 3, "0.12"}, {0, 7, 6, "0.000007"},
    {0, 1234, 6, "0.0012"}, {0, 600000, 0, "1"},    {0, 400000, 0, "0"},    {2, 300000, 0, "2"},
    {1, 250000, 1, "1.3"},  {0, 40000, 1, "0"},     {0, 50000, 1, "0.1"},   {-1, 0, 2, "0"},
    {0, -5, 2, "0"},        {1, 1500000, 2, "2.5"}, {0, 80000, 9, "0.08"}, /* resolution clamped to
                                                                              6 */
    {0, 80000, -3, "0"}, /* resolution clamped to 0 */
};

/* test_time_table - one interval per row */
START_TEST(test_time_table)
{
    const TIME_CASE *tc = time_cases + _i;
    VSTRING *buf = vstring_alloc(10);

    log_delivery_format_time(buf, tc->sec, tc->usec, tc->resolution);
    ck_assert_msg(strcmp(vstring_str(buf), tc->expect) == 0,
                  "%ld.%06ld/%d: got \"%s\", want \"%s\"", tc->sec, tc->usec, tc->resolution,
                  vstring_str(buf), tc->expect);
    vstring_free(buf);
}
END_TEST

typedef struct LINE_CASE {
    const char *rcpt;
    const char *orig;
    const char *relay;
    long times[10]; /* arrival, active, start, conn_done, done: sec, usec */
    const char *dsn;
    const char *status;
    const char *reason;
    const char *expect;
} LINE_CASE;

static const LINE_CASE line_cases[] = {
    {"u@example.com",
     "u@example.com",
     "local",
     {1000, 0, 1000, 30000, 1000, 40000, 0, 0, 1000, 80000},
     "2.0.0",
     "sent",
     "delivered to mailbox",
     "ABC: to=<u@example.com>, relay=local, delay=0.08, delays=0.03/0.01/0/0.04, "
     "dsn=2.0.0, status=sent (delivered to mailbox)"},
    {"u@example.com",
     "alias@example.com",
     "local",
     {1000, 0, 1001, 0, 1001, 0, 0, 0, 1001, 500000},
     "2.0.0",
     "sent",
     "delivered to maildir",
     "ABC: to=<u@example.com>, orig_to=<alias@example.com>, relay=local, delay=1.5, "
     "delays=1/0/0/0.5, dsn=2.0.0, status=sent (delivered to maildir)"},
    {"u@example.com",
     "U@Example.COM",
     "local",
     {1000, 0, 1010, 0, 1020, 0, 0, 0, 1030, 0},
     "5.1.1",
     "bounced",
     "unknown user: \"u\"",
     "ABC: to=<u@example.com>, relay=local, delay=30, delays=10/10/0/10, "
     "dsn=5.1.1, status=bounced (unknown user: \"u\")"},
    {"x@example.com",
     (const char *)0,
     "mx.example.com[192.0.2.1]:25",
     {1000, 0, 1000, 10000, 1000, 20000, 1000, 270000, 1001, 0},
     "4.4.1",
     "deferred",
     "connect timed out",
     "ABC: to=<x@example.com>, relay=mx.example.com[192.0.2.1]:25, delay=1, "
     "delays=0.01/0.01/0.25/0.73, dsn=4.4.1, status=deferred (connect timed out)"},
    {"a b@example.com",
     "",
     "local",
     {1000, 0, 1000, 0, 1000, 0, 0, 0, 1000, 0},
     "4.2.0",
     "deferred",
     "bad\ttext\n",
     "ABC: to=<\"a b\"@example.com>, relay=local, delay=0, delays=0/0/0/0, "
     "dsn=4.2.0, status=deferred (bad?text?)"},
    /* A clock step backwards must not print negative numbers. */
    {"u@example.com",
     0,
     "local",
     {1000, 0, 999, 0, 998, 0, 0, 0, 997, 500000},
     "2.0.0",
     "sent",
     "ok",
     "ABC: to=<u@example.com>, relay=local, delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (ok)"},
};

/* test_line_table - one complete log line per row */
START_TEST(test_line_table)
{
    const LINE_CASE *tc = line_cases + _i;
    VSTRING *buf = vstring_alloc(10);
    LOG_DELIVERY info;

    memset(&info, 0, sizeof(info));
    info.queue_id = "ABC";
    info.recipient = tc->rcpt;
    info.orig_recipient = tc->orig;
    info.relay = tc->relay;
    info.arrival.tv_sec = tc->times[0];
    info.arrival.tv_usec = tc->times[1];
    info.active.tv_sec = tc->times[2];
    info.active.tv_usec = tc->times[3];
    info.agent_start.tv_sec = tc->times[4];
    info.agent_start.tv_usec = tc->times[5];
    info.conn_done.tv_sec = tc->times[6];
    info.conn_done.tv_usec = tc->times[7];
    info.done.tv_sec = tc->times[8];
    info.done.tv_usec = tc->times[9];
    info.dsn = tc->dsn;
    info.status = tc->status;
    info.reason = tc->reason;
    log_delivery_format(buf, &info, 2);
    ck_assert_str_eq(vstring_str(buf), tc->expect);
    vstring_free(buf);
}
END_TEST

/* test_status_names - MAIL_STAT_* to the status word */
START_TEST(test_status_names)
{
    ck_assert_str_eq(log_delivery_status_name(0), "sent");
    ck_assert_str_eq(log_delivery_status_name(1), "deferred");
    ck_assert_str_eq(log_delivery_status_name(2), "bounced");
    ck_assert_str_eq(log_delivery_status_name(42), "deferred");
}
END_TEST

/* log_delivery_suite - the test suite */
static Suite *
log_delivery_suite(void)
{
    Suite *s = suite_create("log_delivery");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_time_table, 0, COUNT(time_cases));
    tcase_add_loop_test(tc, test_line_table, 0, COUNT(line_cases));
    tcase_add_test(tc, test_status_names);
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite and report */
int
main(void)
{
    SRunner *sr = srunner_create(log_delivery_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
