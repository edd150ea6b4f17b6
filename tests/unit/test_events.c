/*
 * test_events - unit tests for the event loop (events.c): timer order,
 * timer replacement and cancellation, descriptor callbacks, and changes
 * to the registrations from inside a callback.
 *
 * Run: build/tests/test_events (exit status 0 when every test passes).
 */
#include "sys_defs.h"

#include <check.h>
#include <signal.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "events.h"

static char trace[64];
static int trace_len;

/* record - append the context's character to the trace */
static void
record(int event, void *context)
{
    (void)event;
    if (trace_len < (int)sizeof(trace) - 1)
        trace[trace_len++] = *(const char *)context;
    trace[trace_len] = 0;
}

/* reset_trace - start a new trace */
static void
reset_trace(void)
{
    trace_len = 0;
    trace[0] = 0;
}

/* Timers with delays: expected firing order after enough rounds. */
static const struct {
    const char *names;
    int delays[4];
    const char *expect;
} timer_cases[] = {
    {"abc", {0, 0, 0}, "abc"},
    {"abc", {1, 0, 1}, "bac"},
    {"ab", {2, 1}, "ba"},
};

START_TEST(test_timer_order)
{
    const char *names = timer_cases[_i].names;
    int n = (int)strlen(names);
    int i;

    reset_trace();
    for (i = 0; i < n; i++)
        event_request_timer(record, (void *)(names + i), timer_cases[_i].delays[i]);
    for (i = 0; i < 5 && trace_len < n; i++)
        event_loop(3);
    ck_assert_str_eq(trace, timer_cases[_i].expect);
}
END_TEST

START_TEST(test_timer_replace_cancel)
{
    static const char a = 'a';
    static const char b = 'b';

    reset_trace();
    event_request_timer(record, (void *)&a, 5);
    event_request_timer(record, (void *)&a, 0); /* replaces, not adds */
    event_request_timer(record, (void *)&b, 0);
    ck_assert_int_eq(event_cancel_timer(record, (void *)&b), 1);
    ck_assert_int_eq(event_cancel_timer(record, (void *)&b), 0);
    event_loop(0);
    event_loop(0);
    ck_assert_str_eq(trace, "a");
    ck_assert_int_eq(event_cancel_timer(record, (void *)&a), 0);
}
END_TEST

static int read_fd = -1;

/* read_once - consume the data and unregister itself */
static void
read_once(int event, void *context)
{
    char buf[16];

    ck_assert_int_eq(event, EVENT_READ);
    ck_assert_int_gt(read(read_fd, buf, sizeof(buf)), 0);
    event_disable_readwrite(read_fd);
    record(event, context);
}

START_TEST(test_fd_read_and_remove)
{
    static const char r = 'r';
    int fds[2];

    reset_trace();
    ck_assert_int_eq(pipe(fds), 0);
    read_fd = fds[0];
    event_enable_read(fds[0], read_once, (void *)&r);
    event_loop(0);
    ck_assert_str_eq(trace, ""); /* nothing to read yet */
    ck_assert_int_eq(write(fds[1], "xx", 2), 2);
    event_loop(1);
    ck_assert_str_eq(trace, "r");
    ck_assert_int_eq(write(fds[1], "yy", 2), 2);
    event_loop(0); /* unregistered: no call */
    ck_assert_str_eq(trace, "r");
    close(fds[0]);
    close(fds[1]);
}
END_TEST

static int victim_fd = -1;

/* kill_other - remove another descriptor's callback during the round */
static void
kill_other(int event, void *context)
{
    event_disable_readwrite(victim_fd);
    event_disable_readwrite(*(int *)context);
    record(event, (void *)"k");
}

START_TEST(test_remove_other_during_round)
{
    static const char v = 'v';
    int p1[2];
    int p2[2];

    reset_trace();
    ck_assert_int_eq(pipe(p1), 0);
    ck_assert_int_eq(pipe(p2), 0);
    /* Lower descriptor is dispatched first; it removes the higher one. */
    victim_fd = p2[0];
    event_enable_read(p1[0], kill_other, &p1[0]);
    event_enable_read(p2[0], record, (void *)&v);
    ck_assert_int_eq(write(p1[1], "a", 1), 1);
    ck_assert_int_eq(write(p2[1], "b", 1), 1);
    event_loop(1);
    ck_assert_str_eq(trace, "k");
    close(p1[0]);
    close(p1[1]);
    close(p2[0]);
    close(p2[1]);
}
END_TEST

/* write_ready - a writable pipe calls back once, then unregisters */
static void
write_ready(int event, void *context)
{
    ck_assert_int_eq(event, EVENT_WRITE);
    event_disable_readwrite(*(int *)context);
    record(event, (void *)"w");
}

START_TEST(test_fd_write_and_bad_fd)
{
    int fds[2];

    reset_trace();
    ck_assert_int_eq(pipe(fds), 0);
    event_enable_write(fds[1], write_ready, &fds[1]);
    event_loop(1);
    ck_assert_str_eq(trace, "w");
    /* Removing a descriptor that was never registered is harmless. */
    event_disable_readwrite(1000);
    close(fds[0]);
    close(fds[1]);
}
END_TEST

START_TEST(test_negative_fd_panics)
{
    event_enable_read(-1, record, (void *)"x");
}
END_TEST

START_TEST(test_loop_timeout)
{
    time_t start = time((time_t *)0);

    reset_trace();
    event_loop(1); /* nothing registered */
    ck_assert_int_le(time((time_t *)0) - start, 2);
    ck_assert_int_ge(event_time(), start);
}
END_TEST

/* events_suite - all event loop tests */
static Suite *
events_suite(void)
{
    Suite *s = suite_create("events");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 20);
    tcase_add_loop_test(tc, test_timer_order, 0, sizeof(timer_cases) / sizeof(timer_cases[0]));
    tcase_add_test(tc, test_timer_replace_cancel);
    tcase_add_test(tc, test_fd_read_and_remove);
    tcase_add_test(tc, test_remove_other_during_round);
    tcase_add_test(tc, test_fd_write_and_bad_fd);
    tcase_add_test_raise_signal(tc, test_negative_fd_panics, SIGABRT);
    tcase_add_test(tc, test_loop_timeout);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite */
int
main(void)
{
    SRunner *sr = srunner_create(events_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed == 0 ? 0 : 1);
}
