/*
 * test_mymalloc - unit tests for the never-NULL allocators.
 *
 * Checks zero-length requests, string and memory duplication (bounded
 * copies stop at an early NUL, binary data with NUL bytes), growth with
 * myrealloc, and that impossible sizes end the process through
 * msg_fatal("out of memory") with exit status 1 (forked exit tests).
 * Run: build/tests/test_mymalloc (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "mymalloc.h"

/* test_zero - zero-length requests give distinct freeable pointers */
START_TEST(test_zero)
{
    void *a = mymalloc(0);
    void *b = mycalloc(0, 10);
    void *c = myrealloc(NULL, 0);

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_ne(a, b);
    myfree(a);
    myfree(b);
    myfree(c);
    myfree(NULL);
}
END_TEST

/* test_calloc - memory is zeroed */
START_TEST(test_calloc)
{
    unsigned char *p = mycalloc(100, 3);
    int i;

    for (i = 0; i < 300; i++)
        ck_assert_int_eq(p[i], 0);
    myfree(p);
}
END_TEST

/* test_realloc - content survives growth */
START_TEST(test_realloc)
{
    char *p = mymalloc(4);

    memcpy(p, "abc", 4);
    p = myrealloc(p, 1 << 20);
    ck_assert_str_eq(p, "abc");
    myfree(p);
}
END_TEST

struct strndup_case {
    const char *in;
    size_t len;
    const char *out;
};

static const struct strndup_case strndup_cases[] = {
    {"hello", 3, "hel"}, {"hello", 5, "hello"}, {"hello", 100, "hello"},
    {"", 0, ""},         {"", 10, ""},          {"hi", 0, ""},
};

/* test_strndup - bounded copies, table-driven */
START_TEST(test_strndup)
{
    const struct strndup_case *tc = &strndup_cases[_i];
    char *copy = mystrndup(tc->in, tc->len);

    ck_assert_str_eq(copy, tc->out);
    myfree(copy);
}
END_TEST

/* test_dup - mystrdup and binary mymemdup */
START_TEST(test_dup)
{
    const char data[] = "a\0b\0c";
    char *s = mystrdup("copy me");
    char *m = mymemdup(data, sizeof(data));
    char *z = mymemdup(data, 0);

    ck_assert_str_eq(s, "copy me");
    ck_assert_mem_eq(m, data, sizeof(data));
    ck_assert_ptr_nonnull(z);
    myfree(s);
    myfree(m);
    myfree(z);
}
END_TEST

/* test_calloc_overflow - count * len overflow is fatal */
START_TEST(test_calloc_overflow)
{
    msg_output_reset();
    (void)mycalloc(SIZE_MAX / 2, 4);
}
END_TEST

/* test_malloc_huge - a request the system cannot satisfy is fatal */
START_TEST(test_malloc_huge)
{
    (void)mymalloc(SIZE_MAX - 16);
}
END_TEST

static void *volatile keep; /* reachable, so leak checkers stay quiet */

/* test_realloc_huge - a resize the system cannot satisfy is fatal */
START_TEST(test_realloc_huge)
{
    keep = mymalloc(10);
    keep = myrealloc(keep, SIZE_MAX - 16);
}
END_TEST

/* mymalloc_suite - collect the tests */
static Suite *
mymalloc_suite(void)
{
    Suite *s = suite_create("mymalloc");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_zero);
    tcase_add_test(tc, test_calloc);
    tcase_add_test(tc, test_realloc);
    tcase_add_loop_test(tc, test_strndup, 0,
                        (int)(sizeof(strndup_cases) / sizeof(strndup_cases[0])));
    tcase_add_test(tc, test_dup);
    tcase_add_exit_test(tc, test_calloc_overflow, 1);
    tcase_add_exit_test(tc, test_malloc_huge, 1);
    tcase_add_exit_test(tc, test_realloc_huge, 1);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(mymalloc_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
