/*
 * test_mail_addr - Check tests for the RFC 5322 address parser.
 *
 * Each table row gives an input and the expected result: for address lists
 * the internal-form addresses joined with "|" ("" for an empty list), or
 * NULL when the input must be rejected (then the why text must be set).
 * Rows cover the RFC 5322 section 3.4 grammar, the section 4.4 obsolete
 * forms we accept, and malformed input that must fail cleanly.
 */
#include "sys_defs.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "mymalloc.h"
#include "vstring.h"
#include "mail_addr.h"

typedef struct LIST_CASE {
    const char *input;
    const char *expect; /* "|"-joined, or NULL for a syntax error */
} LIST_CASE;

static const LIST_CASE list_cases[] = {
    /* Plain addr-specs and lists. */
    {"user@example.com", "user@example.com"},
    {"a@b, c@d", "a@b|c@d"},
    {"  a@b  ,\tc@d  ", "a@b|c@d"},
    {"a.b.c@x.y.z", "a.b.c@x.y.z"},
    {"!#$%&'*+-/=?^_`{|}~@x", "!#$%&'*+-/=?^_`{|}~@x"},
    {"root", "root"},
    {"root, admin", "root|admin"},
    /* Empty input, empty elements. */
    {"", ""},
    {"   ", ""},
    {",,a@b,,", "a@b"},
    {"(just a comment)", ""},
    /* Quoted local parts and escapes. */
    {"\"a b\"@x", "a b@x"},
    {"\"a\\\"b\"@x", "a\"b@x"},
    {"\"a\\\\b\"@x", "a\\b@x"},
    {"\"a@b\"@x", "a@b@x"},
    {"\"\"@x", "@x"},
    {"\"a\".\"b\"@x", "a.b@x"},
    {"\"a,b\"@x, c@d", "a,b@x|c@d"},
    {"\"a\\q\"@x", "aq@x"},
    /* Comments, nested, with escapes and specials inside. */
    {"a@b (Alice)", "a@b"},
    {"a(c1)@(c2)b", "a@b"},
    {"(outer (inner) more)a@b", "a@b"},
    {"a@b (x, y@z), c@d", "a@b|c@d"},
    {"a@b (paren \\) inside)", "a@b"},
    {"a@b ((deep (deeper)) x)", "a@b"},
    {"a@b (\"quote in comment)", "a@b"},
    /* Display names and angle addresses. */
    {"Alice <a@b>", "a@b"},
    {"\"Smith, John\" <js@x>, b@y", "js@x|b@y"},
    {"\"Smith, John\"<js@x>", "js@x"},
    {"John Q. Public <jqp@x>", "jqp@x"},
    {"<a@b>", "a@b"},
    {"< a @ b >", "a@b"},
    {"Alice <a@b>, Bob <c@d>", "a@b|c@d"},
    {"Alice (comment) <a@b> (another)", "a@b"},
    {"=?UTF-8?Q?J=C3=B6rg?= <j@x>", "j@x"},
    {"<>", ""},
    {"a@b, <>, c@d", "a@b|c@d"},
    {"<\"x y\"@z>", "x y@z"},
    /* Obsolete route addresses: the route is dropped. */
    {"<@a,@b:u@d>", "u@d"},
    {"<@a:u@d>", "u@d"},
    {"Name <@a , @b : u@d>", "u@d"},
    {"<@a,,@b:u@d>", "u@d"},
    /* Groups. */
    {"undisclosed-recipients:;", ""},
    {"undisclosed-recipients: ;", ""},
    {"friends: a@b, c@d;", "a@b|c@d"},
    {"friends: a@b, Carl <c@d>;, e@f", "a@b|c@d|e@f"},
    {"friends: a@b; e@f", 0},
    {"g1: a@b;, g2: c@d;", "a@b|c@d"},
    {"\"Quoted group\": a@b;", "a@b"},
    {"g: a@b", "a@b"},
    {"g:", ""},
    {"g: ,a@b,,;", "a@b"},
    /* Domain literals. */
    {"u@[1.2.3.4]", "u@[1.2.3.4]"},
    {"u@[IPv6:::1]", "u@[IPv6:::1]"},
    {"Name <u@[ 1.2.3.4 ]>", "u@[1.2.3.4]"},
    /* Found by fuzzing (tests/fuzz/corpus/mail_addr/crash-*). */
    {"u@[a\"@b]", "u@[a\"@b]"},
    {"x@[1270.1y ,\\[@IPv6]", 0},
    {"\"a eb@\".com", 0},
    {"\"a@b\"", 0},
    /* Folded white space. */
    {"Alice\r\n <a@b>,\r\n\tc@d", "a@b|c@d"},
    {"\"folded\r\n name\"@x", "folded name@x"},
    {"a@b,\n c@d", "a@b|c@d"},
    /* Obsolete local-part forms that we accept. */
    {"a . b@x", "a.b@x"},
    {"a..b@x", "a..b@x"},
    {"a.@x", "a.@x"},
    {"a @ x . y", "a@x.y"},
    /* 8-bit bytes: UTF-8 and raw Latin-1 pass through. */
    {"j\xc3\xb6rg@ex\xc3\xa4mple.com", "j\xc3\xb6rg@ex\xc3\xa4mple.com"},
    {"J\xf6rg <j\xf6rg@x>", "j\xf6rg@x"},
    {"\"\xe9t\xe9\"@x", "\xe9t\xe9@x"},
    /* Malformed input. */
    {"\"unterminated@x", 0},
    {"a@b (unbalanced", 0},
    {"a@b (nested (unbalanced)", 0},
    {"a@b)", 0},
    {"u@[1.2.3.4", 0},
    {"u@1.2.3.4]", 0},
    {"u@[1.[2]", 0},
    {"<a@b", 0},
    {"a@b>", 0},
    {"Alice <a@b", 0},
    {"<a@b>>", 0},
    {"John Smith", 0},
    {"John Smith, a@b", 0},
    {"a@b c@d", 0},
    {"a@b@c", 0},
    {"@x", 0},
    {"a@", 0},
    {"a@.x", 0},
    {"a@x.", 0},
    {"a@x..y", 0},
    {"a@\"quoted\"", 0},
    {"a\\b@x", 0},
    {"\"a\\", 0},
    {"(a\\", 0},
    {"a@b;", 0},
    {"g: h: a@b;;", 0},
    {":a@b;", 0},
    {"<@a u@d>", 0},
    {"<@a,@b u@d>", 0},
    {"<a@b c>", 0},
    {"a\x01@x", 0},
    {"a\x7f@x", 0},
    {"a@b\x1b", 0},
    /* Control characters stay out even when quoted (header injection). */
    {"\"a\\\nX-Injected: 1\"@x", 0},
    {"\"a\\\r\"@x", 0},
    {"\"a\x1b\"@x", 0},
    {"\"a\\\x01\"@x", 0},
    {"u@[1.2\\\n3]", 0},
    {"u@[1.2\x7f]", 0},
    {"\"tab\\\there\"@x", "tab\there@x"},
    {"<>a@b", 0},
    {"Name <>", ""},
};

/* join_argv - join an ARGV with "|" for comparison */
static char *
join_argv(const ARGV *argv)
{
    VSTRING *buf = vstring_alloc(100);
    ssize_t n;

    for (n = 0; n < argv->argc; n++) {
        if (n > 0)
            vstring_addch(buf, '|');
        vstring_strcat(buf, argv->argv[n]);
    }
    return vstring_export(buf);
}

/* test_parse_list_table - every row of list_cases */
START_TEST(test_parse_list_table)
{
    const LIST_CASE *tp = list_cases + _i;
    VSTRING *why = vstring_alloc(100);
    ARGV *argv;
    char *joined;

    argv = mail_addr_parse_list(tp->input, why);
    if (tp->expect == 0) {
        ck_assert_msg(argv == 0, "input <%s>: expected an error", tp->input);
        ck_assert_msg(LEN(why) > 0, "input <%s>: error without reason", tp->input);
    } else {
        ck_assert_msg(argv != 0, "input <%s>: unexpected error: %s", tp->input, STR(why));
        joined = join_argv(argv);
        ck_assert_msg(strcmp(joined, tp->expect) == 0, "input <%s>: got <%s>, want <%s>", tp->input,
                      joined, tp->expect);
        myfree(joined);
        argv_free(argv);
    }
    vstring_free(why);
}
END_TEST

typedef struct ONE_CASE {
    const char *input;
    const char *expect; /* NULL for an error */
} ONE_CASE;

static const ONE_CASE one_cases[] = {
    {"user@example.com", "user@example.com"},
    {"<user@example.com>", "user@example.com"},
    {"<>", ""},
    {"", ""},
    {"  ", ""},
    {"(comment only)", ""},
    {"root", "root"},
    {"\"a b\"@x", "a b@x"},
    {"<@relay:u@d>", "u@d"},
    {"Alice <a@b>", "a@b"},
    {"u@[10.0.0.1]", "u@[10.0.0.1]"},
    {"a@b, c@d", 0},
    {"g: a@b;", 0},
    {"g:;", 0},
    {"<a@b", 0},
    {"\"open@x", 0},
    {"a b@x", 0},
    {"a@b (x", 0},
};

/* test_parse_one_table - every row of one_cases */
START_TEST(test_parse_one_table)
{
    const ONE_CASE *tp = one_cases + _i;
    VSTRING *why = vstring_alloc(100);
    VSTRING *addr = vstring_alloc(100);
    int status;

    vstring_strcpy(addr, "junk");
    status = mail_addr_parse_one(tp->input, addr, why);
    if (tp->expect == 0) {
        ck_assert_msg(status < 0, "input <%s>: expected an error, got <%s>", tp->input, STR(addr));
        ck_assert_msg(LEN(why) > 0, "input <%s>: error without reason", tp->input);
    } else {
        ck_assert_msg(status == 0, "input <%s>: unexpected error: %s", tp->input, STR(why));
        ck_assert_msg(strcmp(STR(addr), tp->expect) == 0, "input <%s>: got <%s>, want <%s>",
                      tp->input, STR(addr), tp->expect);
    }
    vstring_free(why);
    vstring_free(addr);
}
END_TEST

typedef struct QUOTE_CASE {
    const char *internal;
    const char *external;
} QUOTE_CASE;

static const QUOTE_CASE quote_cases[] = {
    {"user@example.com", "user@example.com"},
    {"a.b@x", "a.b@x"},
    {"a b@x", "\"a b\"@x"},
    {"a\"b@x", "\"a\\\"b\"@x"},
    {"a\\b@x", "\"a\\\\b\"@x"},
    {"a@b@x", "\"a@b\"@x"},
    {"a..b@x", "\"a..b\"@x"},
    {".a@x", "\".a\"@x"},
    {"a.@x", "\"a.\"@x"},
    {"@x", "\"\"@x"},
    {"", ""},
    {"root", "root"},
    {"two words", "\"two words\""},
    {"a,b@x", "\"a,b\"@x"},
    {"j\xc3\xb6rg@x", "j\xc3\xb6rg@x"},
    {"u@[1.2.3.4]", "u@[1.2.3.4]"},
    /* A literal may hold '@' and '"': the domain starts before it. */
    {"y@[@x\"q]", "y@[@x\"q]"},
    {"a b@[@x\"@y]", "\"a b\"@[@x\"@y]"},
};

/* test_quote_table - internal to external, and back */
START_TEST(test_quote_table)
{
    const QUOTE_CASE *tp = quote_cases + _i;
    VSTRING *ext = vstring_alloc(10);
    VSTRING *in = vstring_alloc(10);
    VSTRING *why = vstring_alloc(10);

    mail_addr_quote(ext, tp->internal);
    ck_assert_msg(strcmp(STR(ext), tp->external) == 0, "quote <%s>: got <%s>, want <%s>",
                  tp->internal, STR(ext), tp->external);
    mail_addr_unquote(in, STR(ext));
    ck_assert_msg(strcmp(STR(in), tp->internal) == 0, "unquote <%s>: got <%s>, want <%s>", STR(ext),
                  STR(in), tp->internal);
    /* The external form must parse back to the same internal form. */
    if (*tp->internal) {
        ck_assert_msg(mail_addr_parse_one(STR(ext), in, why) == 0, "parse <%s>: %s", STR(ext),
                      STR(why));
        ck_assert_str_eq(STR(in), tp->internal);
    }
    vstring_free(ext);
    vstring_free(in);
    vstring_free(why);
}
END_TEST

/* test_unquote_lenient - unquote never fails on odd input */
START_TEST(test_unquote_lenient)
{
    VSTRING *in = vstring_alloc(10);

    ck_assert_str_eq(STR(mail_addr_unquote(in, "\"a b\"@x")), "a b@x");
    ck_assert_str_eq(STR(mail_addr_unquote(in, "\"unterminated@x")), "unterminated@x");
    ck_assert_str_eq(STR(mail_addr_unquote(in, "trailing\\")), "trailing\\");
    ck_assert_str_eq(STR(mail_addr_unquote(in, "\"x@y\"")), "x@y");
    ck_assert_str_eq(STR(mail_addr_unquote(in, "")), "");
    vstring_free(in);
}
END_TEST

/* test_length_limit - inputs over MAIL_ADDR_MAX are rejected */
START_TEST(test_length_limit)
{
    VSTRING *why = vstring_alloc(10);
    VSTRING *addr = vstring_alloc(10);
    char *big = mymalloc(MAIL_ADDR_MAX + 2);
    ARGV *argv;

    /* Exactly MAIL_ADDR_MAX bytes: accepted. */
    memset(big, 'a', MAIL_ADDR_MAX);
    memcpy(big + MAIL_ADDR_MAX - 2, "@x", 2);
    big[MAIL_ADDR_MAX] = 0;
    argv = mail_addr_parse_list(big, why);
    ck_assert_ptr_nonnull(argv);
    ck_assert_int_eq(argv->argc, 1);
    argv_free(argv);
    /* One byte more: rejected by both entry points. */
    big[MAIL_ADDR_MAX] = 'x';
    big[MAIL_ADDR_MAX + 1] = 0;
    ck_assert_ptr_null(mail_addr_parse_list(big, why));
    ck_assert(strstr(STR(why), "too long") != 0);
    ck_assert_int_eq(mail_addr_parse_one(big, addr, why), -1);
    myfree(big);
    vstring_free(why);
    vstring_free(addr);
}
END_TEST

/* test_deep_nesting - deeply nested comments and many addresses */
START_TEST(test_deep_nesting)
{
    VSTRING *buf = vstring_alloc(100);
    VSTRING *why = vstring_alloc(10);
    ARGV *argv;
    int n;

    for (n = 0; n < 2000; n++)
        vstring_addch(buf, '(');
    for (n = 0; n < 2000; n++)
        vstring_addch(buf, ')');
    vstring_strcat(buf, "a@b");
    argv = mail_addr_parse_list(STR(buf), why);
    ck_assert_ptr_nonnull(argv);
    ck_assert_int_eq(argv->argc, 1);
    argv_free(argv);

    vstring_reset(buf);
    for (n = 0; n < 1000; n++)
        vstring_sprintf_append(buf, "u%d@x,", n);
    argv = mail_addr_parse_list(STR(buf), why);
    ck_assert_ptr_nonnull(argv);
    ck_assert_int_eq(argv->argc, 1000);
    ck_assert_str_eq(argv->argv[999], "u999@x");
    argv_free(argv);
    vstring_free(buf);
    vstring_free(why);
}
END_TEST

/* test_random_input - random soup of specials: no crash, a result or a reason */
START_TEST(test_random_input)
{
    static const char alphabet[] = "ab@.<>,;:\"()[]\\ \t\r\n\x01\xe9";
    VSTRING *text = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    VSTRING *addr = vstring_alloc(100);
    unsigned long seed = 12345;
    ARGV *argv;
    int n, len, k;

    for (n = 0; n < 20000; n++) {
        vstring_reset(text);
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        len = (int)((seed >> 33) % 40);
        for (k = 0; k < len; k++) {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            vstring_addch(text, alphabet[(seed >> 33) % (sizeof(alphabet) - 1)]);
        }
        vstring_reset(why);
        argv = mail_addr_parse_list(STR(text), why);
        if (argv == 0)
            ck_assert_msg(LEN(why) > 0, "input <%s>: error without reason", STR(text));
        else
            argv_free(argv);
        (void)mail_addr_parse_one(STR(text), addr, why);
    }
    vstring_free(text);
    vstring_free(why);
    vstring_free(addr);
}
END_TEST

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* mail_addr_suite - the test suite */
static Suite *
mail_addr_suite(void)
{
    Suite *s = suite_create("mail_addr");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_parse_list_table, 0, COUNT(list_cases));
    tcase_add_loop_test(tc, test_parse_one_table, 0, COUNT(one_cases));
    tcase_add_loop_test(tc, test_quote_table, 0, COUNT(quote_cases));
    tcase_add_test(tc, test_unquote_lenient);
    tcase_add_test(tc, test_length_limit);
    tcase_add_test(tc, test_deep_nesting);
    tcase_add_test(tc, test_random_input);
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite and report */
int
main(void)
{
    SRunner *sr = srunner_create(mail_addr_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
