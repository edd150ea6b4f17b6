/*
 * test_argv - unit tests for NULL-terminated string arrays.
 *
 * Checks splitting (table-driven, with empty input, only delimiters, runs
 * of delimiters and no delimiters), adding many strings to force growth,
 * bounded adds, truncation, and that argv[argc] is NULL after every call.
 * Run: build/tests/test_argv (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argv.h"

/* assert_terminated - argv[argc] must always be NULL */
static void
assert_terminated(ARGV *argvp)
{
    ck_assert_int_le(argvp->argc, argvp->len);
    ck_assert_ptr_null(argvp->argv[argvp->argc]);
}

struct split_case {
    const char *input;
    const char *delim;
    const char *expect[5];
};

static const struct split_case split_cases[] = {
    {"a b c", " ", {"a", "b", "c", NULL}},
    {"  a,, b ,c  ", " ,", {"a", "b", "c", NULL}},
    {"", " ", {NULL}},
    {" , ,", " ,", {NULL}},
    {"single", " ", {"single", NULL}},
    {"tab\tand newline\n", " \t\n", {"tab", "and", "newline", NULL}},
    {"no delimiters at all", "", {"no delimiters at all", NULL}},
};

/* test_split - split table */
START_TEST(test_split)
{
    const struct split_case *tc = &split_cases[_i];
    ARGV *argvp = argv_split(tc->input, tc->delim);
    ssize_t i;

    for (i = 0; tc->expect[i] != NULL; i++) {
        ck_assert_int_gt(argvp->argc, i);
        ck_assert_str_eq(argvp->argv[i], tc->expect[i]);
    }
    ck_assert_int_eq(argvp->argc, i);
    assert_terminated(argvp);
    argv_free(argvp);
}
END_TEST

/* test_add_grow - many additions */
START_TEST(test_add_grow)
{
    ARGV *argvp = argv_alloc(0);
    char buf[20];
    int i;

    for (i = 0; i < 1000; i++) {
        snprintf(buf, sizeof(buf), "arg%d", i);
        argv_add(argvp, buf, (char *)0);
        assert_terminated(argvp);
    }
    argv_add(argvp, "x", "y", "", (char *)0);
    ck_assert_int_eq(argvp->argc, 1003);
    ck_assert_str_eq(argvp->argv[999], "arg999");
    ck_assert_str_eq(argvp->argv[1002], "");
    argv_add(argvp, (char *)0);
    ck_assert_int_eq(argvp->argc, 1003);
    argv_free(argvp);
    argv_free(NULL);
}
END_TEST

/* test_addn - bounded adds */
START_TEST(test_addn)
{
    ARGV *argvp = argv_alloc(1);

    argv_addn(argvp, "abcdef", 3);
    argv_addn(argvp, "ab", 10);
    argv_addn(argvp, "abc", 0);
    ck_assert_str_eq(argvp->argv[0], "abc");
    ck_assert_str_eq(argvp->argv[1], "ab");
    ck_assert_str_eq(argvp->argv[2], "");
    assert_terminated(argvp);
    argv_free(argvp);
}
END_TEST

/* test_truncate - dropping the tail, and no-op truncations */
START_TEST(test_truncate)
{
    ARGV *argvp = argv_split("a b c d", " ");

    argv_truncate(argvp, 10);
    ck_assert_int_eq(argvp->argc, 4);
    argv_truncate(argvp, 2);
    ck_assert_int_eq(argvp->argc, 2);
    assert_terminated(argvp);
    argv_split_append(argvp, "e f", " ");
    ck_assert_int_eq(argvp->argc, 4);
    ck_assert_str_eq(argvp->argv[3], "f");
    argv_truncate(argvp, 0);
    ck_assert_int_eq(argvp->argc, 0);
    assert_terminated(argvp);
    argv_free(argvp);
}
END_TEST

/* test_truncate_negative - a negative length is a bug */
START_TEST(test_truncate_negative)
{
    ARGV *argvp = argv_alloc(1);

    argv_truncate(argvp, -1);
}
END_TEST

/* argv_suite - collect the tests */
static Suite *
argv_suite(void)
{
    Suite *s = suite_create("argv");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_split, 0, (int)(sizeof(split_cases) / sizeof(split_cases[0])));
    tcase_add_test(tc, test_add_grow);
    tcase_add_test(tc, test_addn);
    tcase_add_test(tc, test_truncate);
    tcase_add_test_raise_signal(tc, test_truncate_negative, SIGABRT);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(argv_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
