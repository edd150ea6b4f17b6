/*
 * test_qmgr_backoff - unit tests for qmgr's retry timing rules.
 *
 * Table-driven: the next-attempt delay for messages of various ages (new,
 * older than the maximum, clock gone backwards, min > max), whether a
 * message has outlived its queue lifetime (0 means try once), and which
 * lifetime applies to normal mail and to bounces (null sender).
 * Run: build/tests/test_qmgr_backoff (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <stdlib.h>

#include "qmgr_backoff.h" /* the Makefile has no -Isrc/qmgr */

struct delay_case {
    long now, arrival;
    int min, max;
    int expect;
};

static const struct delay_case delay_cases[] = {
    {1000, 1000, 300, 4000, 300}, /* first failure: minimum */
    {1000, 900, 300, 4000, 300},  /* younger than the minimum */
    {1300, 1000, 300, 4000, 300}, /* exactly the minimum */
    {1600, 1000, 300, 4000, 600}, /* second attempt: doubles */
    {2200, 1000, 300, 4000, 1200},   {3400, 1000, 300, 4000, 2400},
    {5800, 1000, 300, 4000, 4000},                                 /* clamped to the maximum */
    {900000, 1000, 300, 4000, 4000}, {1000, 5000, 300, 4000, 300}, /* arrival in the future */
    {9000, 1000, 500, 100, 500},                                   /* min > max: min wins */
    {1000, 0, 1, 864000, 1000},
};

/* test_delay - the next-attempt delay table */
START_TEST(test_delay)
{
    const struct delay_case *tc = &delay_cases[_i];

    ck_assert_int_eq(qmgr_backoff_delay(tc->now, tc->arrival, tc->min, tc->max), tc->expect);
}
END_TEST

struct expire_case {
    long now, arrival;
    int lifetime;
    int expect;
};

static const struct expire_case expire_cases[] = {
    {1000, 1000, 0, 1},                                   /* lifetime 0: try once */
    {1000, 1000, 432000, 0},   {433000, 1000, 432000, 0}, /* exactly the lifetime: not yet */
    {433001, 1000, 432000, 1}, {500, 1000, 60, 0},        /* clock gone backwards */
    {1000, 1000, -5, 1},                                  /* nonsense lifetime counts as 0 */
};

/* test_expired - the queue lifetime table */
START_TEST(test_expired)
{
    const struct expire_case *tc = &expire_cases[_i];

    ck_assert_int_eq(qmgr_backoff_expired(tc->now, tc->arrival, tc->lifetime), tc->expect);
}
END_TEST

/* test_lifetime - bounces use bounce_queue_lifetime */
START_TEST(test_lifetime)
{
    ck_assert_int_eq(qmgr_backoff_lifetime("user@example.com", 500, 100), 500);
    ck_assert_int_eq(qmgr_backoff_lifetime("", 500, 100), 100);
    ck_assert_int_eq(qmgr_backoff_lifetime(NULL, 500, 100), 100);
}
END_TEST

/* backoff_suite - collect the tests */
static Suite *
backoff_suite(void)
{
    Suite *s = suite_create("qmgr_backoff");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_delay, 0, (int)(sizeof(delay_cases) / sizeof(delay_cases[0])));
    tcase_add_loop_test(tc, test_expired, 0, (int)(sizeof(expire_cases) / sizeof(expire_cases[0])));
    tcase_add_test(tc, test_lifetime);
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(backoff_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
