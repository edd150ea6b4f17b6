/*
 * test_attr - unit tests for the attribute-list codec (attr.c).
 *
 * A round trip over a socket pair (INT, LONG, STR, empty and 8-bit values,
 * ATTR_FLAG_MORE on both ends); a table of byte strings scanned as
 * { a (int), b (string) } with and without ATTR_FLAG_STRICT, holding
 * well-formed, skipped, missing, unexpected, malformed, truncated and
 * over-long attributes, with the count and the warning each must give;
 * attr_scan_table() with good, duplicate and truncated lists; the value
 * size limit on both ends. Warnings are captured with msg_output().
 * Run: build/tests/test_attr (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "attr.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"

#include "support.h"

static char last_warning[1000];

/* capture - remember the last warning */
static void
capture(int level, const char *text)
{
    if (level == MSG_WARN)
        snprintf(last_warning, sizeof(last_warning), "%s", text);
}

/* setup - start each test with no warning */
static void
setup(void)
{
    last_warning[0] = 0;
    msg_output(capture);
}

/* teardown - drop the capture hook */
static void
teardown(void)
{
    msg_output_reset();
}

/* reader_on - a stream that reads the given bytes, then EOF */
static VSTREAM *
reader_on(const char *bytes, ssize_t len)
{
    VSTREAM *w;
    VSTREAM *r;

    support_stream_pair(&w, &r, "peer-a", "peer-b");
    vstream_fwrite(w, bytes, len);
    ck_assert_int_eq(vstream_fclose(w), 0);
    return r;
}

/* test_roundtrip - print and scan lists of every type, with ATTR_FLAG_MORE */
START_TEST(test_roundtrip)
{
    VSTREAM *a;
    VSTREAM *b;
    VSTRING *s1 = vstring_alloc(10);
    VSTRING *s2 = vstring_alloc(10);
    int i1 = 0;
    long l1 = 0;

    support_stream_pair(&a, &b, "peer-a", "peer-b");
    ck_assert_int_eq(attr_print(a, ATTR_FLAG_NONE, SEND_ATTR_INT("count", -42),
                                SEND_ATTR_LONG("size", 12345678901L),
                                SEND_ATTR_STR("text", "h\303\251"), SEND_ATTR_STR("empty", ""),
                                ATTR_TYPE_END),
                     0);
    ck_assert_int_eq(attr_print(a, ATTR_FLAG_MORE, SEND_ATTR_STR("first", "x"), ATTR_TYPE_END), 0);
    ck_assert_int_eq(attr_print(a, ATTR_FLAG_NONE, SEND_ATTR_STR("second", "y"), ATTR_TYPE_END), 0);
    ck_assert_int_eq(vstream_fflush(a), 0);
    ck_assert_int_eq(attr_scan(b, ATTR_FLAG_STRICT, RECV_ATTR_INT("count", &i1),
                               RECV_ATTR_LONG("size", &l1), RECV_ATTR_STR("text", s1),
                               RECV_ATTR_STR("empty", s2), ATTR_TYPE_END),
                     4);
    ck_assert_int_eq(i1, -42);
    ck_assert(l1 == 12345678901L);
    ck_assert_str_eq(STR(s1), "h\303\251");
    ck_assert_int_eq(LEN(s2), 0);
    ck_assert_int_eq(
        attr_scan(b, ATTR_FLAG_STRICT | ATTR_FLAG_MORE, RECV_ATTR_STR("first", s1), ATTR_TYPE_END),
        1);
    ck_assert_int_eq(attr_scan(b, ATTR_FLAG_STRICT, RECV_ATTR_STR("second", s2), ATTR_TYPE_END), 1);
    ck_assert_str_eq(STR(s1), "x");
    ck_assert_str_eq(STR(s2), "y");
    ck_assert_str_eq(last_warning, "");
    vstream_fclose(a);
    vstream_fclose(b);
    vstring_free(s1);
    vstring_free(s2);
}
END_TEST

#define Q(s) s, (sizeof(s) - 1)

/* Input bytes, scan flags, and what scanning { a int, b str } gives. */
static const struct scan_case {
    const char *label;
    const char *bytes;
    ssize_t len;
    int flags;
    int want_count;
    int want_a;
    const char *want_b;
    const char *want_warning;
} scan_cases[] = {
    {"good",
     Q("a\0"
       "7\0"
       "b\0"
       "x y\0"
       "\0"),
     ATTR_FLAG_STRICT, 2, 7, "x y", ""},
    {"clean eof", Q(""), ATTR_FLAG_STRICT, -1, 0, "", ""},
    {"eof after name", Q("a\0"), ATTR_FLAG_STRICT, -1, 0, "", "premature end of input"},
    {"eof in value",
     Q("a\0"
       "7"),
     ATTR_FLAG_NONE, -1, 0, "", "premature end of input"},
    {"no terminator",
     Q("a\0"
       "7\0"
       "b\0"
       "x\0"),
     ATTR_FLAG_NONE, -1, 7, "x", "premature end of input"},
    {"missing b strict",
     Q("a\0"
       "7\0"
       "\0"),
     ATTR_FLAG_STRICT, -1, 7, "", "missing attribute b"},
    {"missing b lax",
     Q("a\0"
       "7\0"
       "\0"),
     ATTR_FLAG_NONE, 1, 7, "", ""},
    {"unexpected strict",
     Q("z\0"
       "1\0"
       "a\0"
       "7\0"
       "\0"),
     ATTR_FLAG_STRICT, -1, 0, "", "unexpected attribute z (expected a)"},
    {"unexpected lax",
     Q("z\0"
       "1\0"
       "a\0"
       "7\0"
       "b\0"
       "q\0"
       "\0"),
     ATTR_FLAG_NONE, 2, 7, "q", ""},
    {"extra strict",
     Q("a\0"
       "7\0"
       "b\0"
       "q\0"
       "c\0"
       "1\0"
       "\0"),
     ATTR_FLAG_STRICT, -1, 7, "q", "unexpected attribute c at the end"},
    {"extra lax",
     Q("a\0"
       "7\0"
       "b\0"
       "q\0"
       "c\0"
       "1\0"
       "\0"),
     ATTR_FLAG_NONE, 2, 7, "q", ""},
    {"upper-case name",
     Q("A\0"
       "7\0"
       "\0"),
     ATTR_FLAG_NONE, -1, 0, "", "malformed attribute name \"A\""},
    {"name with dash",
     Q("a-b\0"
       "7\0"
       "\0"),
     ATTR_FLAG_NONE, -1, 0, "", "malformed attribute name"},
    {"bad number",
     Q("a\0"
       "7x\0"
       "\0"),
     ATTR_FLAG_STRICT, -1, 0, "", "bad numerical value \"7x\""},
    {"empty number",
     Q("a\0"
       "\0"
       "\0"),
     ATTR_FLAG_STRICT, -1, 0, "", "bad numerical value"},
    {"int overflow",
     Q("a\0"
       "2147483648\0"
       "\0"),
     ATTR_FLAG_STRICT, -1, 0, "", "bad numerical value"},
    {"int minimum",
     Q("a\0"
       "-2147483648\0"
       "b\0"
       "\0"
       "\0"),
     ATTR_FLAG_STRICT, 2, -2147483647 - 1, "", ""},
};

/* test_scan_cases - scan one byte string as { a int, b str } */
START_TEST(test_scan_cases)
{
    const struct scan_case *tc = scan_cases + _i;
    VSTREAM *r = reader_on(tc->bytes, tc->len);
    VSTRING *b = vstring_alloc(10);
    int a = 0;
    int count;

    count = attr_scan(r, tc->flags, RECV_ATTR_INT("a", &a), RECV_ATTR_STR("b", b), ATTR_TYPE_END);
    ck_assert_msg(count == tc->want_count, "%s: count %d", tc->label, count);
    ck_assert_msg(a == tc->want_a, "%s: a=%d", tc->label, a);
    ck_assert_msg(strcmp(STR(b), tc->want_b) == 0, "%s: b=%s", tc->label, STR(b));
    if (*tc->want_warning)
        ck_assert_msg(strstr(last_warning, tc->want_warning) != 0 &&
                          strncmp(last_warning, "peer-b:", 7) == 0,
                      "%s: warning \"%s\"", tc->label, last_warning);
    else
        ck_assert_msg(last_warning[0] == 0, "%s: warning \"%s\"", tc->label, last_warning);
    vstream_fclose(r);
    vstring_free(b);
}
END_TEST

/* test_long_name - a name longer than ATTR_NAME_MAX is refused */
START_TEST(test_long_name)
{
    VSTRING *bytes = vstring_alloc(200);
    VSTREAM *r;
    int a;
    int i;

    for (i = 0; i <= ATTR_NAME_MAX; i++)
        vstring_addch(bytes, 'n');
    vstring_memcat(bytes,
                   "\0"
                   "1\0"
                   "\0",
                   4);
    r = reader_on(STR(bytes), LEN(bytes));
    ck_assert_int_eq(attr_scan(r, ATTR_FLAG_NONE, RECV_ATTR_INT("a", &a), ATTR_TYPE_END), -1);
    ck_assert(strstr(last_warning, "exceeds the limit") != 0);
    vstream_fclose(r);
    vstring_free(bytes);
}
END_TEST

/* test_value_limit - a value longer than ATTR_VALUE_MAX is refused on both ends */
START_TEST(test_value_limit)
{
    char *big = mymalloc(ATTR_VALUE_MAX + 2);
    VSTRING *bytes = vstring_alloc(ATTR_VALUE_MAX + 100);
    VSTRING *v = vstring_alloc(10);
    VSTREAM *r;
    VSTREAM *w;

    memset(big, 'x', ATTR_VALUE_MAX + 1);
    big[ATTR_VALUE_MAX + 1] = 0;
    support_stream_pair(&w, &r, "peer-a", "peer-b");
    ck_assert_int_eq(attr_print(w, ATTR_FLAG_NONE, SEND_ATTR_STR("v", big), ATTR_TYPE_END), -1);
    ck_assert(strstr(last_warning, "exceeds the limit") != 0);
    vstream_fclose(w);
    vstream_fclose(r);
    last_warning[0] = 0;
    vstring_memcpy(bytes, "v\0", 2);
    vstring_memcat(bytes, big, ATTR_VALUE_MAX + 2);
    vstring_addch(bytes, 0);
    /* A file, because the socket buffer would not hold a megabyte. */
    w = vstream_fopen("/tmp/test_attr.big", O_RDWR | O_CREAT | O_TRUNC, 0600);
    ck_assert_ptr_nonnull(w);
    unlink("/tmp/test_attr.big");
    vstream_fwrite(w, STR(bytes), LEN(bytes));
    vstream_fflush(w);
    vstream_fseek(w, 0, SEEK_SET);
    vstream_set_name(w, "bigfile");
    ck_assert_int_eq(attr_scan(w, ATTR_FLAG_STRICT, RECV_ATTR_STR("v", v), ATTR_TYPE_END), -1);
    ck_assert(strstr(last_warning, "bigfile: attribute v exceeds the limit") != 0);
    vstream_fclose(w);
    vstring_free(bytes);
    vstring_free(v);
    myfree(big);
}
END_TEST

/* test_scan_table - read whole lists into a hash table */
START_TEST(test_scan_table)
{
    VSTREAM *r = reader_on(Q("x\0"
                             "1\0"
                             "y\0"
                             "two\0"
                             "\0"));
    HTABLE *table = attr_scan_table(r, ATTR_FLAG_NONE);

    ck_assert_ptr_nonnull(table);
    ck_assert_int_eq(table->used, 2);
    ck_assert_str_eq((char *)htable_find(table, "y"), "two");
    htable_free(table, myfree);
    vstream_fclose(r);

    r = reader_on(Q("x\0"
                    "1\0"
                    "x\0"
                    "2\0"
                    "\0"));
    ck_assert_ptr_null(attr_scan_table(r, ATTR_FLAG_NONE));
    ck_assert(strstr(last_warning, "duplicate attribute x") != 0);
    vstream_fclose(r);

    r = reader_on(Q("x\0"
                    "1\0"));
    ck_assert_ptr_null(attr_scan_table(r, ATTR_FLAG_NONE));
    vstream_fclose(r);

    r = reader_on(Q("\0"));
    table = attr_scan_table(r, ATTR_FLAG_NONE);
    ck_assert_ptr_nonnull(table);
    ck_assert_int_eq(table->used, 0);
    htable_free(table, myfree);
    vstream_fclose(r);
}
END_TEST

/* attr_suite - all attr tests */
static Suite *
attr_suite(void)
{
    Suite *s = suite_create("attr");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_roundtrip);
    tcase_add_loop_test(tc, test_scan_cases, 0, sizeof(scan_cases) / sizeof(scan_cases[0]));
    tcase_add_test(tc, test_long_name);
    tcase_add_test(tc, test_value_limit);
    tcase_add_test(tc, test_scan_table);
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(attr_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
