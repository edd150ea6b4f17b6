/*
 * test_stringops - unit tests for the small string utilities.
 *
 * Table-driven: tokenizing with and without quote/parenthesis awareness
 * (unbalanced quotes and parentheses included), splitting, trimming,
 * printable() on control and 8-bit bytes, alldig/allascii on empty input,
 * and parse_long on empty strings, blanks, signs, garbage and overflow.
 * Run: build/tests/test_stringops (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymalloc.h"
#include "stringops.h"

struct tok_case {
    const char *input;
    const char *delims;
    int quoted;
    const char *expect[6];
};

static const struct tok_case tok_cases[] = {
    {"a b  c", " ", 0, {"a", "b", "c", NULL}},
    {"", " ", 0, {NULL}},
    {"   ", " ", 0, {NULL}},
    {"x,y", ",", 0, {"x", "y", NULL}},
    {"\"a b\" c", " ", 0, {"\"a", "b\"", "c", NULL}},
    {"\"a b\" c", " ", 1, {"\"a b\"", "c", NULL}},
    {"f(a, b) g", " ,", 1, {"f(a, b)", "g", NULL}},
    {"f((a b) c) d", " ", 1, {"f((a b) c)", "d", NULL}},
    {"\"a\\\" b\" c", " ", 1, {"\"a\\\" b\"", "c", NULL}},
    {"\"unterminated x", " ", 1, {"\"unterminated x", NULL}},
    {"(open x", " ", 1, {"(open x", NULL}},
    {") close x", " ", 1, {")", "close", "x", NULL}},
    {"  lead, trail  ", " ,", 1, {"lead", "trail", NULL}},
};

/* test_tokens - mystrtok and mystrtokq against a table */
START_TEST(test_tokens)
{
    const struct tok_case *tc = &tok_cases[_i];
    char *buf = mystrdup(tc->input);
    char *cp = buf;
    char *tok;
    int i;

    for (i = 0; tc->expect[i] != NULL; i++) {
        tok = tc->quoted ? mystrtokq(&cp, tc->delims) : mystrtok(&cp, tc->delims);
        ck_assert_ptr_nonnull(tok);
        ck_assert_str_eq(tok, tc->expect[i]);
    }
    tok = tc->quoted ? mystrtokq(&cp, tc->delims) : mystrtok(&cp, tc->delims);
    ck_assert_ptr_null(tok);
    ck_assert_ptr_null(mystrtok(&cp, tc->delims));
    myfree(buf);
}
END_TEST

struct long_case {
    const char *input;
    int ok;
    long value;
};

static const struct long_case long_cases[] = {
    {"0", 1, 0},
    {"42", 1, 42},
    {"-17", 1, -17},
    {"+5", 1, 5},
    {"007", 1, 7},
    {"9223372036854775807", 1, LONG_MAX},
    {"-9223372036854775808", 1, LONG_MIN},
    {"9223372036854775808", 0, 0},
    {"-9223372036854775809", 0, 0},
    {"99999999999999999999999", 0, 0},
    {"", 0, 0},
    {" 1", 0, 0},
    {"1 ", 0, 0},
    {"12x", 0, 0},
    {"x12", 0, 0},
    {"-", 0, 0},
    {"+", 0, 0},
    {"--1", 0, 0},
    {"+-1", 0, 0},
    {"0x10", 0, 0},
    {"1.5", 0, 0},
    {"\t3", 0, 0},
};

/* test_parse_long - strict decimal conversion */
START_TEST(test_parse_long)
{
    const struct long_case *tc = &long_cases[_i];
    long value = 12345;

    if (tc->ok) {
        ck_assert_msg(parse_long(tc->input, &value) == 0, "rejected \"%s\"", tc->input);
        ck_assert_int_eq(value, tc->value);
    } else {
        ck_assert_msg(parse_long(tc->input, &value) == -1, "accepted \"%s\"", tc->input);
        ck_assert_int_eq(value, 12345);
    }
}
END_TEST

/* test_split_at - cutting at first and last delimiter */
START_TEST(test_split_at)
{
    char buf[] = "user@sub@example.com";
    char buf2[] = "user@sub@example.com";
    char buf3[] = "nothing";
    char *rest;

    rest = split_at(buf, '@');
    ck_assert_str_eq(buf, "user");
    ck_assert_str_eq(rest, "sub@example.com");
    rest = split_at_right(buf2, '@');
    ck_assert_str_eq(buf2, "user@sub");
    ck_assert_str_eq(rest, "example.com");
    ck_assert_ptr_null(split_at(buf3, '@'));
    ck_assert_ptr_null(split_at_right(buf3, '@'));
    ck_assert_ptr_null(split_at(buf3, 0));
    ck_assert_str_eq(buf3, "nothing");
}
END_TEST

/* test_blanks - trimming and skipping white space */
START_TEST(test_blanks)
{
    char a[] = "  text \t\r\n";
    char b[] = "   ";
    char c[] = "";

    ck_assert_str_eq(trimblanks(a), "  text");
    ck_assert_str_eq(skipblanks(a), "text");
    ck_assert_str_eq(trimblanks(b), "");
    ck_assert_str_eq(trimblanks(c), "");
    ck_assert_str_eq(skipblanks(""), "");
    ck_assert_str_eq(skipblanks("\t x "), "x ");
}
END_TEST

/* test_case - ASCII case mapping in place */
START_TEST(test_case)
{
    char a[] = "MiXeD 123 \xc3\xa9";
    char b[] = "MiXeD";

    ck_assert_str_eq(lowercase(a), "mixed 123 \xc3\xa9");
    ck_assert_str_eq(uppercase(b), "MIXED");
    ck_assert_int_eq(strcasecmp_prefix("MAIL FROM:<a>", "mail from:"), 0);
    ck_assert_int_ne(strcasecmp_prefix("MAIL", "mail from:"), 0);
    ck_assert_int_eq(strcasecmp_prefix("anything", ""), 0);
}
END_TEST

/* test_printable - control and 8-bit bytes are replaced */
START_TEST(test_printable)
{
    char a[] = "ok\r\n\x01\x7f\xff end";

    ck_assert_str_eq(printable(a, '?'), "ok????? end");
    ck_assert_str_eq(printable(a, '_'), "ok????? end");
}
END_TEST

/* test_classes - alldig and allascii, empty input included */
START_TEST(test_classes)
{
    ck_assert_int_eq(alldig("0123456789"), 1);
    ck_assert_int_eq(alldig(""), 0);
    ck_assert_int_eq(alldig("12a"), 0);
    ck_assert_int_eq(alldig("-1"), 0);
    ck_assert_int_eq(allascii("plain text\t"), 1);
    ck_assert_int_eq(allascii(""), 0);
    ck_assert_int_eq(allascii("caf\xc3\xa9"), 0);
}
END_TEST

/* test_concatenate - joining any number of strings */
START_TEST(test_concatenate)
{
    char *s = concatenate("a", "", "bc", "/", "d", (char *)0);
    char *e = concatenate("", (char *)0);
    char *o = concatenate("only", (char *)0);

    ck_assert_str_eq(s, "abc/d");
    ck_assert_str_eq(e, "");
    ck_assert_str_eq(o, "only");
    myfree(s);
    myfree(e);
    myfree(o);
}
END_TEST

/* stringops_suite - collect the tests */
static Suite *
stringops_suite(void)
{
    Suite *s = suite_create("stringops");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_tokens, 0, (int)(sizeof(tok_cases) / sizeof(tok_cases[0])));
    tcase_add_loop_test(tc, test_parse_long, 0, (int)(sizeof(long_cases) / sizeof(long_cases[0])));
    tcase_add_test(tc, test_split_at);
    tcase_add_test(tc, test_blanks);
    tcase_add_test(tc, test_case);
    tcase_add_test(tc, test_printable);
    tcase_add_test(tc, test_classes);
    tcase_add_test(tc, test_concatenate);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(stringops_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
