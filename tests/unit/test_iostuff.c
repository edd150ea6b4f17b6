/*
 * test_iostuff - unit tests for iostuff.c: blocking and close-on-exec
 * flags, bounded waits that expire, bounded reads and writes, write_buf
 * on a full pipe, directory fsync with good and bad paths.
 *
 * Run: build/tests/test_iostuff (exit status 0 when every test passes).
 */
#include "sys_defs.h"

#include <check.h>
#include <signal.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "iostuff.h"

START_TEST(test_flags)
{
    int fds[2];

    ck_assert_int_eq(pipe(fds), 0);
    ck_assert_int_eq(non_blocking(fds[0], NON_BLOCKING), 0);
    ck_assert_int_eq(non_blocking(fds[0], BLOCKING), 1);
    ck_assert_int_eq(non_blocking(fds[0], BLOCKING), 0);
    ck_assert_int_eq(close_on_exec(fds[1], 1), 0);
    ck_assert_int_eq(close_on_exec(fds[1], 0), 1);
    ck_assert_int_eq(fcntl(fds[1], F_GETFD) & FD_CLOEXEC, 0);
    close(fds[0]);
    close(fds[1]);
}
END_TEST

START_TEST(test_wait_timeout)
{
    int fds[2];
    time_t start;
    char buf[4];

    ck_assert_int_eq(pipe(fds), 0);
    start = time((time_t *)0);
    ck_assert_int_eq(read_wait(fds[0], 1), -1);
    ck_assert_int_eq(errno, ETIMEDOUT);
    ck_assert_int_le(time((time_t *)0) - start, 3);
    ck_assert_int_eq(timed_read(fds[0], buf, sizeof(buf), 1), -1);
    ck_assert_int_eq(errno, ETIMEDOUT);
    ck_assert_int_eq(write_wait(fds[1], 1), 0);
    ck_assert_int_eq(timed_write(fds[1], "ab", 2, 1), 2);
    ck_assert_int_eq(read_wait(fds[0], 1), 0);
    ck_assert_int_eq(timed_read(fds[0], buf, sizeof(buf), 1), 2);
    ck_assert_int_eq(memcmp(buf, "ab", 2), 0);
    close(fds[1]);
    ck_assert_int_eq(timed_read(fds[0], buf, sizeof(buf), 1), 0); /* EOF */
    close(fds[0]);
    ck_assert_int_eq(read_wait(fds[0], 1), -1); /* closed fd */
}
END_TEST

START_TEST(test_write_buf_full)
{
    static char big[1 << 20];
    int fds[2];

    ck_assert_int_eq(pipe(fds), 0);
    non_blocking(fds[1], NON_BLOCKING);
    /* Nobody reads: the pipe fills and the write times out. */
    ck_assert_int_eq(write_buf(fds[1], big, sizeof(big), 1), -1);
    ck_assert_int_eq(errno, ETIMEDOUT);
    close(fds[0]);
    /* Reader gone: EPIPE, not a hang (SIGPIPE ignored by the test). */
    ck_assert_int_eq(write_buf(fds[1], "x", 1, 1), -1);
    ck_assert_int_eq(errno, EPIPE);
    close(fds[1]);
}
END_TEST

static const struct {
    const char *path;
    int ok;
} fsync_cases[] = {
    {"/tmp", 1}, {"/tmp/whatever-file", 1},         {"relative-name", 1},
    {"/", 1},    {"/nonexistent-dir-postern/x", 0},
};

START_TEST(test_fsync_parent_dir)
{
    int ret = fsync_parent_dir(fsync_cases[_i].path);

    ck_assert_int_eq(ret == 0, fsync_cases[_i].ok);
}
END_TEST

START_TEST(test_fsync_dir_bad)
{
    ck_assert_int_eq(fsync_dir("/nonexistent-dir-postern"), -1);
    ck_assert_int_eq(fsync_dir("/etc/passwd"), -1); /* not a directory */
    ck_assert_int_eq(fsync_dir("/tmp"), 0);
}
END_TEST

START_TEST(test_doze)
{
    struct timespec a;
    struct timespec b;
    long ms;

    clock_gettime(CLOCK_MONOTONIC, &a);
    doze(50000);
    clock_gettime(CLOCK_MONOTONIC, &b);
    ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    ck_assert_int_ge(ms, 49);
    ck_assert_int_lt(ms, 2000);
}
END_TEST

/* iostuff_suite - all iostuff tests */
static Suite *
iostuff_suite(void)
{
    Suite *s = suite_create("iostuff");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, test_flags);
    tcase_add_test(tc, test_wait_timeout);
    tcase_add_test(tc, test_write_buf_full);
    tcase_add_loop_test(tc, test_fsync_parent_dir, 0, sizeof(fsync_cases) / sizeof(fsync_cases[0]));
    tcase_add_test(tc, test_fsync_dir_bad);
    tcase_add_test(tc, test_doze);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite */
int
main(void)
{
    SRunner *sr;
    int failed;

    signal(SIGPIPE, SIG_IGN);
    sr = srunner_create(iostuff_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed == 0 ? 0 : 1);
}
