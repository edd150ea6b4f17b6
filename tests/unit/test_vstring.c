/*
 * test_vstring - unit tests for growable string buffers.
 *
 * Checks that every operation keeps the buffer NUL-terminated, binary data
 * with NUL bytes, growth far beyond the initial size (including formatted
 * output larger than any first guess), bounded copies, erase and truncate
 * with out-of-range arguments, self-appends that force reallocation, and
 * export. Run: build/tests/test_vstring (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mymalloc.h"
#include "vstring.h"

/* assert_terminated - the invariant every operation keeps */
static void
assert_terminated(VSTRING *vp)
{
    ck_assert_int_le(vp->len, vp->size);
    ck_assert_int_eq(vp->data[vp->len], 0);
}

/* test_basic - copy, cat, addch, reset */
START_TEST(test_basic)
{
    VSTRING *vp = vstring_alloc(0);

    assert_terminated(vp);
    ck_assert_str_eq(vstring_str(vstring_strcpy(vp, "hello")), "hello");
    vstring_strcat(vp, ", world");
    vstring_addch(vp, '!');
    ck_assert_str_eq(vstring_str(vp), "hello, world!");
    ck_assert_int_eq(vstring_len(vp), 13);
    assert_terminated(vp);
    vstring_reset(vp);
    ck_assert_int_eq(vstring_len(vp), 0);
    ck_assert_str_eq(vstring_str(vp), "");
    vstring_strcpy(vp, "");
    assert_terminated(vp);
    vstring_free(vp);
    vstring_free(NULL);
}
END_TEST

/* test_binary - NUL bytes are data */
START_TEST(test_binary)
{
    VSTRING *vp = vstring_alloc(2);

    vstring_memcpy(vp, "a\0b", 3);
    vstring_addch(vp, 0);
    vstring_memcat(vp, "\0c", 2);
    ck_assert_int_eq(vstring_len(vp), 6);
    ck_assert_mem_eq(vstring_str(vp), "a\0b\0\0c", 6);
    assert_terminated(vp);
    vstring_memcat(vp, "", 0);
    ck_assert_int_eq(vstring_len(vp), 6);
    vstring_free(vp);
}
END_TEST

/* test_growth - many appends, then a huge one */
START_TEST(test_growth)
{
    VSTRING *vp = vstring_alloc(1);
    char *big = mymalloc(1000001);
    int i;

    for (i = 0; i < 100000; i++)
        vstring_addch(vp, 'a' + i % 26);
    ck_assert_int_eq(vstring_len(vp), 100000);
    ck_assert_int_eq(vstring_str(vp)[99999], 'a' + 99999 % 26);
    memset(big, 'z', 1000000);
    big[1000000] = 0;
    vstring_strcat(vp, big);
    ck_assert_int_eq(vstring_len(vp), 1100000);
    assert_terminated(vp);
    vstring_space(vp, 5000000);
    ck_assert_int_ge(vp->size - vp->len, 5000000);
    myfree(big);
    vstring_free(vp);
}
END_TEST

/* test_self_append - appending a buffer to itself while it grows */
START_TEST(test_self_append)
{
    VSTRING *vp = vstring_alloc(4);
    int i;

    vstring_strcpy(vp, "ab");
    for (i = 0; i < 10; i++)
        vstring_memcat(vp, vstring_str(vp), vstring_len(vp));
    ck_assert_int_eq(vstring_len(vp), 2 << 10);
    for (i = 0; i < 2 << 10; i += 2)
        ck_assert_mem_eq(vstring_str(vp) + i, "ab", 2);
    vstring_free(vp);
}
END_TEST

/* test_sprintf - formatting, appending, outputs larger than the buffer */
START_TEST(test_sprintf)
{
    VSTRING *vp = vstring_alloc(1);
    char *big = mymalloc(20001);

    vstring_sprintf(vp, "%s=%d", "count", 42);
    ck_assert_str_eq(vstring_str(vp), "count=42");
    vstring_sprintf_append(vp, ", %05.1f", 3.14159);
    ck_assert_str_eq(vstring_str(vp), "count=42, 003.1");
    vstring_sprintf(vp, "%s", "");
    ck_assert_str_eq(vstring_str(vp), "");
    ck_assert_int_eq(vstring_len(vp), 0);
    memset(big, 'q', 20000);
    big[20000] = 0;
    vstring_sprintf(vp, "<%s>", big);
    ck_assert_int_eq(vstring_len(vp), 20002);
    ck_assert_int_eq(vstring_str(vp)[20001], '>');
    assert_terminated(vp);
    vstring_sprintf_append(vp, "%c", 'x');
    ck_assert_int_eq(vstring_len(vp), 20003);
    myfree(big);
    vstring_free(vp);
}
END_TEST

struct strn_case {
    const char *src;
    ssize_t len;
    const char *expect;
};

static const struct strn_case strn_cases[] = {
    {"hello", 3, "hel"}, {"hello", 10, "hello"}, {"hello", 0, ""}, {"", 5, ""}, {"hello", -1, ""},
};

/* test_strncpy - bounded copies stop at NUL and at len */
START_TEST(test_strncpy)
{
    const struct strn_case *tc = &strn_cases[_i];
    VSTRING *vp = vstring_alloc(1);

    vstring_strcpy(vp, "old");
    vstring_strncpy(vp, tc->src, tc->len);
    ck_assert_str_eq(vstring_str(vp), tc->expect);
    vstring_strncat(vp, tc->src, tc->len);
    ck_assert_int_eq(vstring_len(vp), 2 * (ssize_t)strlen(tc->expect));
    assert_terminated(vp);
    vstring_free(vp);
}
END_TEST

struct erase_case {
    ssize_t offset;
    ssize_t len;
    const char *expect;
};

static const struct erase_case erase_cases[] = {
    {0, 2, "cdef"},   {2, 2, "abef"},   {4, 100, "abcd"},  {6, 1, "abcdef"}, {100, 1, "abcdef"},
    {-5, 1, "bcdef"}, {1, 0, "abcdef"}, {1, -3, "abcdef"}, {0, 6, ""},
};

/* test_erase - removal with clamped arguments */
START_TEST(test_erase)
{
    const struct erase_case *tc = &erase_cases[_i];
    VSTRING *vp = vstring_alloc(1);

    vstring_strcpy(vp, "abcdef");
    vstring_erase(vp, tc->offset, tc->len);
    ck_assert_str_eq(vstring_str(vp), tc->expect);
    ck_assert_int_eq(vstring_len(vp), (ssize_t)strlen(tc->expect));
    vstring_free(vp);
}
END_TEST

/* test_truncate - shortening, never lengthening */
START_TEST(test_truncate)
{
    VSTRING *vp = vstring_alloc(1);

    vstring_strcpy(vp, "abcdef");
    vstring_truncate(vp, 10);
    ck_assert_str_eq(vstring_str(vp), "abcdef");
    vstring_truncate(vp, 3);
    ck_assert_str_eq(vstring_str(vp), "abc");
    vstring_truncate(vp, -1);
    ck_assert_str_eq(vstring_str(vp), "");
    vstring_free(vp);
}
END_TEST

/* test_export - the caller takes the data */
START_TEST(test_export)
{
    VSTRING *vp = vstring_alloc(1);
    char *data;

    vstring_strcpy(vp, "mine now");
    data = vstring_export(vp);
    ck_assert_str_eq(data, "mine now");
    myfree(data);
}
END_TEST

/* vstring_suite - collect the tests */
static Suite *
vstring_suite(void)
{
    Suite *s = suite_create("vstring");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_basic);
    tcase_add_test(tc, test_binary);
    tcase_add_test(tc, test_growth);
    tcase_add_test(tc, test_self_append);
    tcase_add_test(tc, test_sprintf);
    tcase_add_loop_test(tc, test_strncpy, 0, (int)(sizeof(strn_cases) / sizeof(strn_cases[0])));
    tcase_add_loop_test(tc, test_erase, 0, (int)(sizeof(erase_cases) / sizeof(erase_cases[0])));
    tcase_add_test(tc, test_truncate);
    tcase_add_test(tc, test_export);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(vstring_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
