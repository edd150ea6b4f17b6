/*
 * test_mail_conf - unit tests for main.cf loading, expansion and checks.
 *
 * Each case writes a main.cf into a fresh temporary directory, points
 * mail_conf_set_dir() at it and loads it. Messages are captured with a
 * msg_output() channel; fatal cases run as Check exit tests, and a
 * msg_cleanup() hook makes the child exit with status 99 instead of 1
 * when the fatal text lacks the expected words, so the wording is
 * asserted too.
 */
#include "sys_defs.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"
#include "mail_conf.h"
#include "mail_params.h"

static char test_dir[256];
static char last_text[2048];
static const char *expected_fatal;

/* capture - msg channel that remembers the last text */
static void
capture(int level, const char *text)
{
    (void)level;
    snprintf(last_text, sizeof(last_text), "%s", text);
}

/* remove_dir - delete the temporary config directory */
static void
remove_dir(void)
{
    VSTRING *path = vstring_alloc(100);

    if (test_dir[0]) {
        vstring_sprintf(path, "%s/main.cf", test_dir);
        (void)unlink(STR(path));
        (void)rmdir(test_dir);
        test_dir[0] = 0;
    }
    vstring_free(path);
}

/* check_fatal_text - cleanup hook: wrong fatal wording exits with 99 */
static void
check_fatal_text(void)
{
    remove_dir();
    if (expected_fatal && strstr(last_text, expected_fatal) == NULL) {
        fprintf(stderr, "fatal text \"%s\" lacks \"%s\"\n", last_text, expected_fatal);
        _exit(99);
    }
}

/* write_main_cf - create a temporary config directory with this main.cf */
static void
write_main_cf(const char *text)
{
    VSTRING *path = vstring_alloc(100);
    VSTREAM *fp;

    remove_dir();
    snprintf(test_dir, sizeof(test_dir), "/tmp/test_mail_conf.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(test_dir));
    vstring_sprintf(path, "%s/main.cf", test_dir);
    fp = vstream_fopen(STR(path), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_ptr_nonnull(fp);
    vstream_fputs(text, fp);
    ck_assert_int_eq(vstream_fclose(fp), 0);
    vstring_free(path);
    mail_conf_set_dir(test_dir);
}

/* load - write main.cf and read it */
static void
load(const char *text)
{
    write_main_cf(text);
    mail_conf_read();
}

/* setup - per-test capture channel */
static void
setup(void)
{
    last_text[0] = 0;
    expected_fatal = NULL;
    msg_output(capture);
    msg_cleanup(check_fatal_text);
}

/* teardown - drop the capture channel */
static void
teardown(void)
{
    remove_dir();
    msg_output_reset();
}

/* Syntax: raw values as stored after reading. */
static const struct {
    const char *text;
    const char *name;
    const char *value;
    int line;
} parse_cases[] = {
    {"myorigin = example.com\n", "myorigin", "example.com", 1},
    {"myorigin=example.com   \n", "myorigin", "example.com", 1},
    {"# comment\n\n   \nmyorigin\t=\t a b \n", "myorigin", "a b", 4},
    {"myorigin = a\n\tb   \n    c # not a comment\n", "myorigin", "a b c # not a comment", 1},
    {"myorigin = a\n  # skipped comment\n  b\n", "myorigin", "a b", 1},
    {"myorigin\n  = split\n", "myorigin", "split", 1},
    {"myorigin = one\nmyorigin = two\n", "myorigin", "two", 2},
    {"mydomain =\n", "mydomain", "", 1},
    {"myorigin = no newline at end", "myorigin", "no newline at end", 1},
    {"  leading = ignored\nmyorigin = x\n", "myorigin", "x", 2},
};

START_TEST(test_parse)
{
    load(parse_cases[_i].text);
    ck_assert_ptr_nonnull(mail_conf_lookup(parse_cases[_i].name));
    ck_assert_str_eq(mail_conf_lookup(parse_cases[_i].name), parse_cases[_i].value);
    ck_assert_int_eq(mail_conf_line(parse_cases[_i].name), parse_cases[_i].line);
}
END_TEST

START_TEST(test_leading_whitespace_warning)
{
    load("  leading = ignored\n");
    ck_assert_ptr_nonnull(
        strstr(last_text, "line 1: logical line must not start with white space"));
    ck_assert_ptr_null(mail_conf_lookup("leading"));
}
END_TEST

/* Expansion: value -> result, with a = 1, empty = "", h = host.example. */
static const struct {
    const char *value;
    const char *result;
} expand_cases[] = {
    {"plain", "plain"},
    {"$a", "1"},
    {"${a}x$(a)", "1x1"},
    {"$$a", "$a"},
    {"$undefined.", "."},
    {"${a?yes}", "yes"},
    {"${empty?yes}", ""},
    {"${a:no}", ""},
    {"${empty:no}", "no"},
    {"${undefined:no}", "no"},
    {"${a?{set}:{unset}}", "set"},
    {"${empty?{set}:{unset}}", "unset"},
    {"${a?$h}", "host.example"},
    {"$ref", "1 host.example"},
    {"${{$compatibility_level} <level {1} ? {yes} : {no}}", "yes"},
    {"${{3.6} <level {1} ? {yes} : {no}}", "no"},
    {"${{3.6} <level {3.10} ? {y} : {n}}", "y"},
    {"${{3.6.1} >=level {3.6} ? {y} : {n}}", "y"},
    {"${{2} ==level {2.0.0} ? {y} : {n}}", "y"},
    {"${{10} < {9} ? {lt} : {ge}}", "ge"},
    {"${{a} < {b} ? {lt} : {ge}}", "lt"},
    {"${{x} != {y} ? {ne}}", "ne"},
    {"${{x} == {y} ? {eq}}", ""},
    {"${{ x } == {x} ? {eq} : {ne}}", "ne"},
    {"${{$a}=={1}?{one}:{other}}", "one"},
    {"${{a} == {a} ? y : n}", "y : n"},
    {"${{a} <= {a}}", "true"},
    {"${{a} > {a}}", ""},
};

START_TEST(test_expand)
{
    char *result;

    load("a = 1\nempty =\nh = host.example\nref = $a $h\n");
    result = mail_conf_eval(expand_cases[_i].value);
    ck_assert_str_eq(result, expand_cases[_i].result);
    myfree(result);
}
END_TEST

/* Malformed expressions: mail_conf_expand reports them. */
static const struct {
    const char *value;
    const char *why;
} expand_errors[] = {
    {"${a", "truncated macro reference"},
    {"trailing $", "empty macro name"},
    {"$ space", "empty macro name"},
    {"${a b}", "bad macro name syntax"},
    {"${{a} foo {b} ? {x}}", "expected at"},
    {"${{x}}", "expected at"},
    {"${{1.x} <level {3} ? {y}}", "malformed compatibility level syntax: \"1.x\""},
    {"${{1} == b ? {y}}", "braced operand expected"},
    {"${{1} == {1} {y}}", "\"?\" expected"},
    {"$loop", "unreasonable macro call nesting"},
};

/* lookup_table - expansion lookup over a fixed list */
static const char *
lookup_table(const char *name, void *context)
{
    (void)context;
    if (strcmp(name, "a") == 0)
        return ("1");
    if (strcmp(name, "loop") == 0)
        return ("x$loop");
    return (NULL);
}

START_TEST(test_expand_errors)
{
    VSTRING *result = vstring_alloc(10);
    VSTRING *why = vstring_alloc(10);

    ck_assert_int_eq(mail_conf_expand(result, expand_errors[_i].value, lookup_table, NULL, why),
                     -1);
    ck_assert_msg(strstr(STR(why), expand_errors[_i].why) != NULL, "why: %s", STR(why));
    vstring_free(result);
    vstring_free(why);
}
END_TEST

START_TEST(test_typed_values)
{
    load("minimal_backoff_time = 5m\nmaximal_queue_lifetime = 2\nappend_at_myorigin = NO\n"
         "default_process_limit = $max_use\nmax_use = 7\ncompatibility_level = 3.6\n"
         "mailbox_size_limit = 9000000000\nmyhostname = a.b.example\n");
    mail_params_init();
    ck_assert_int_eq(var_minimal_backoff_time, 300);
    ck_assert_int_eq(var_maximal_queue_lifetime, 2 * 86400);
    ck_assert_int_eq(var_append_at_myorigin, 0);
    ck_assert_int_eq(var_default_process_limit, 7);
    ck_assert_int_eq(var_max_idle, 100);
    ck_assert_str_eq(var_append_dot_mydomain, "no");
    ck_assert(var_mailbox_size_limit == 9000000000L);
    ck_assert_str_eq(var_mydomain, "b.example");
    ck_assert_str_eq(var_mydestination, "a.b.example, localhost.b.example, localhost");
    ck_assert_str_eq(var_config_directory, test_dir);
    ck_assert_str_eq(var_meta_directory, test_dir);
}
END_TEST

START_TEST(test_defaults)
{
    load("# empty\n");
    mail_params_init();
    ck_assert_str_eq(var_append_dot_mydomain, "yes");
    ck_assert_ptr_nonnull(strchr(var_myhostname, '.'));
    ck_assert_str_eq(var_mydomain, strchr(var_myhostname, '.') + 1);
    ck_assert_int_eq(var_append_at_myorigin, 1);
    load("mydomain = example.org\n");
    mail_params_init();
    ck_assert_str_eq(var_mydomain, "example.org");
    ck_assert_ptr_nonnull(strchr(var_myhostname, '.'));
}
END_TEST

START_TEST(test_override)
{
    load("myorigin = file\n");
    mail_conf_update("myorigin", "override");
    mail_params_init();
    ck_assert_str_eq(var_myorigin, "override");
    ck_assert_int_eq(mail_conf_line("myorigin"), 0);
}
END_TEST

START_TEST(test_mail_config_env)
{
    mail_conf_set_dir(NULL);
    setenv("MAIL_CONFIG", "/some/where", 1);
    ck_assert_str_eq(mail_conf_dir(), "/some/where");
    ck_assert_str_eq(mail_conf_path(), "/some/where/main.cf");
    mail_conf_set_dir("/else");
    ck_assert_str_eq(mail_conf_dir(), "/else");
    unsetenv("MAIL_CONFIG");
}
END_TEST

START_TEST(test_unused)
{
    VSTRING *want = vstring_alloc(100);

    load("myorigin = $custom\ncustom = x\nfoo = bar\n");
    ck_assert_int_eq(mail_conf_check_unused(), 1);
    vstring_sprintf(want, "%s/main.cf, line 3: unused parameter: foo=bar", test_dir);
    ck_assert_str_eq(last_text, STR(want));
    mail_params_init();
    ck_assert_str_eq(var_myorigin, "x");
    vstring_free(want);
}
END_TEST

START_TEST(test_not_implemented)
{
    VSTRING *want = vstring_alloc(100);

    /* Known but not built: warned about; implemented ones are silent. */
    load("minimal_backoff_time = 10s\ndelay_warning_time = 4h\n");
    ck_assert_int_eq(mail_conf_check_unused(), 1);
    vstring_sprintf(want,
                    "%s/main.cf, line 2: parameter delay_warning_time is not "
                    "implemented yet; the setting has no effect",
                    test_dir);
    ck_assert_str_eq(last_text, STR(want));
    ck_assert_int_eq(mail_conf_implemented("delay_warning_time"), 0);
    ck_assert_int_eq(mail_conf_implemented("minimal_backoff_time"), 1);
    vstring_free(want);
}
END_TEST

START_TEST(test_table)
{
    const MAIL_CONF_ENT *table, *ent;
    ssize_t count, i;

    table = mail_conf_table(&count);
    ck_assert_int_gt(count, 40);
    for (i = 1; i < count; i++)
        ck_assert_int_lt(strcmp(table[i - 1].name, table[i].name), 0);
    ent = mail_conf_find("maximal_queue_lifetime");
    ck_assert_ptr_nonnull(ent);
    ck_assert_int_eq(ent->type, MAIL_CONF_TIME);
    ck_assert_int_eq(ent->unit, 'd');
    ck_assert_ptr_null(mail_conf_find("no_such_parameter"));
    ck_assert_str_eq(mail_conf_default("myorigin"), "$myhostname");
}
END_TEST

/* Fatal cases: main.cf text, expected words (after the directory name). */
static const struct {
    const char *text;
    const char *words;
} fatal_cases[] = {
    {"# x\n\nminimal_backoff_time = 5x\n",
     "main.cf, line 3: parameter minimal_backoff_time: bad time value: 5x"},
    {"minimal_backoff_time = 5 m\n", "line 1: parameter minimal_backoff_time: bad time value: 5 m"},
    {"minimal_backoff_time = 0\n",
     "line 1: parameter minimal_backoff_time: value 0 is out of range"},
    {"append_at_myorigin = maybe\n",
     "line 1: parameter append_at_myorigin: bad boolean value: maybe"},
    {"default_process_limit = 12abc\n",
     "parameter default_process_limit: bad numerical value: 12abc"},
    {"default_process_limit = 0\n",
     "parameter default_process_limit: value 0 is out of range (1..100000)"},
    {"myorigin = x\nfoo bar\n", "main.cf, line 2: missing '=' after parameter name: \"foo bar\""},
    {"= value\n", "line 1: missing parameter name"},
    {"a = $b\nb = $a\nmyorigin = $a\n",
     "line 3: parameter myorigin: unreasonable macro call nesting"},
    {"myorigin = ${oops\n", "line 1: parameter myorigin: truncated macro reference"},
};

START_TEST(test_fatal)
{
    expected_fatal = fatal_cases[_i].words;
    load(fatal_cases[_i].text);
    mail_params_init();
}
END_TEST

START_TEST(test_missing_main_cf)
{
    expected_fatal = "/nonexistent-postern-dir/main.cf: No such file or directory";
    mail_conf_set_dir("/nonexistent-postern-dir");
    mail_conf_read();
}
END_TEST

/* mail_conf_suite - all cases */
static Suite *
mail_conf_suite(void)
{
    Suite *s = suite_create("mail_conf");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_parse, 0, sizeof(parse_cases) / sizeof(parse_cases[0]));
    tcase_add_test(tc, test_leading_whitespace_warning);
    tcase_add_loop_test(tc, test_expand, 0, sizeof(expand_cases) / sizeof(expand_cases[0]));
    tcase_add_loop_test(tc, test_expand_errors, 0,
                        sizeof(expand_errors) / sizeof(expand_errors[0]));
    tcase_add_test(tc, test_typed_values);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_override);
    tcase_add_test(tc, test_mail_config_env);
    tcase_add_test(tc, test_unused);
    tcase_add_test(tc, test_not_implemented);
    tcase_add_test(tc, test_table);
    tcase_add_loop_exit_test(tc, test_fatal, 1, 0, sizeof(fatal_cases) / sizeof(fatal_cases[0]));
    tcase_add_exit_test(tc, test_missing_main_cf, 1);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite */
int
main(void)
{
    SRunner *sr = srunner_create(mail_conf_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed ? 1 : 0);
}
