/*
 * test_cleanup_header - header names and the headers that cleanup makes,
 * and address canonicalisation (cleanup_header.c, cleanup_addr.c).
 *
 * Table-driven: which lines start a header (malformed names included),
 * header kinds, message_drop_headers, the Date: format in several time
 * zones, Message-Id, From: quoting (specials, quotes, line breaks that a
 * user put in a full name), Received:, and canonical addresses under
 * append_at_myorigin / append_dot_mydomain settings.
 * Run: build/tests/test_cleanup_header.
 */
#include "sys_defs.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vstream.h"
#include "vstring.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "cleanup.h"

static char test_dir[] = "/tmp/test_cleanup_header_XXXXXX";

/* test_config - write main.cf with extra lines and load it */
static void
test_config(const char *extra)
{
    VSTRING *path = vstring_alloc(100);
    VSTREAM *fp;

    vstring_sprintf(path, "%s/main.cf", test_dir);
    fp = vstream_fopen(STR(path), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_ptr_nonnull(fp);
    vstream_fprintf(fp, "myhostname = host.example.com\nmydomain = example.com\n%s", extra);
    ck_assert_int_eq(vstream_fclose(fp), 0);
    mail_conf_set_dir(test_dir);
    mail_conf_read();
    mail_params_init();
    vstring_free(path);
}

static const struct {
    const char *line;
    ssize_t name_len;
} name_cases[] = {
    {"Subject: x", 7},
    {"Subject:", 7},
    {"Subject : obsolete", 7},
    {"X-Y_z.1:a", 7},
    {": no name", 0},
    {"No colon here", 0},
    {" Leading: space", 0},
    {"", 0},
    {"Sub\x01ject: control", 0},
    {"Sub\x80ject: 8-bit", 0},
    {"From someone Mon Jan 1", 0},
};

/* test_name_len - which lines start a header */
START_TEST(test_name_len)
{
    ck_assert_int_eq(
        cleanup_header_name_len(name_cases[_i].line, (ssize_t)strlen(name_cases[_i].line)),
        name_cases[_i].name_len);
}
END_TEST

static const struct {
    const char *name;
    CLEANUP_HDR_KIND kind;
} kind_cases[] = {
    {"Received", CLEANUP_KIND_RECEIVED},
    {"RECEIVED", CLEANUP_KIND_RECEIVED},
    {"message-id", CLEANUP_KIND_MESSAGE_ID},
    {"Message-ID", CLEANUP_KIND_MESSAGE_ID},
    {"bcc", CLEANUP_KIND_BCC},
    {"Resent-Bcc", CLEANUP_KIND_RESENT_BCC},
    {"Resent-Sender", CLEANUP_KIND_RESENT_OTHER},
    {"Resent-", CLEANUP_KIND_OTHER},
    {"To", CLEANUP_KIND_TO},
    {"Tox", CLEANUP_KIND_OTHER},
    {"Subject", CLEANUP_KIND_OTHER},
    {"Date", CLEANUP_KIND_DATE},
};

/* test_kind - header kinds */
START_TEST(test_kind)
{
    ck_assert_int_eq(cleanup_header_kind(kind_cases[_i].name, (ssize_t)strlen(kind_cases[_i].name)),
                     kind_cases[_i].kind);
}
END_TEST

/* test_dropped - message_drop_headers */
START_TEST(test_dropped)
{
    test_config("");
    ck_assert(cleanup_header_dropped("Bcc", 3));
    ck_assert(cleanup_header_dropped("RETURN-PATH", 11));
    ck_assert(cleanup_header_dropped("Content-Length", 14));
    ck_assert(!cleanup_header_dropped("Bc", 2));
    ck_assert(!cleanup_header_dropped("To", 2));
    test_config("message_drop_headers = x-secret\n");
    ck_assert(cleanup_header_dropped("X-Secret", 8));
    ck_assert(!cleanup_header_dropped("Bcc", 3));
}
END_TEST

static const struct {
    const char *tz;
    long when;
    const char *expect;
} date_cases[] = {
    {"UTC", 1000000000, "Sun,  9 Sep 2001 01:46:40 +0000 (UTC)"},
    {"UTC", 1700000000, "Tue, 14 Nov 2023 22:13:20 +0000 (UTC)"},
    {"EST5EDT", 1000000000, "Sat,  8 Sep 2001 21:46:40 -0400 (EDT)"},
    {"Asia/Kolkata", 1000000000, "Sun,  9 Sep 2001 07:16:40 +0530 (IST)"},
};

/* test_date - RFC 5322 dates with zone comment */
START_TEST(test_date)
{
    VSTRING *buf = vstring_alloc(10);

    setenv("TZ", date_cases[_i].tz, 1);
    tzset();
    cleanup_header_date(buf, (time_t)date_cases[_i].when);
    if (strcmp(date_cases[_i].tz, "Asia/Kolkata") != 0 ||
        access("/usr/share/zoneinfo/Asia/Kolkata", R_OK) == 0)
        ck_assert_str_eq(STR(buf), date_cases[_i].expect);
    vstring_free(buf);
}
END_TEST

/* test_message_id - the Message-Id value, always in UTC */
START_TEST(test_message_id)
{
    VSTRING *buf = vstring_alloc(10);

    setenv("TZ", "EST5EDT", 1);
    tzset();
    cleanup_header_message_id(buf, 1000000000, "4AbCz12", "mx.example.com");
    ck_assert_str_eq(STR(buf), "<20010909014640.4AbCz12@mx.example.com>");
    vstring_free(buf);
}
END_TEST

static const struct {
    const char *fullname;
    const char *sender;
    const char *expect;
} from_cases[] = {
    {"Jo User", "jo@example.com", "From: Jo User <jo@example.com>"},
    {NULL, "jo@example.com", "From: jo@example.com"},
    {"   ", "jo@example.com", "From: jo@example.com"},
    {"J. User", "jo@example.com", "From: \"J. User\" <jo@example.com>"},
    {"Say \"hi\"", "jo@example.com", "From: \"Say \\\"hi\\\"\" <jo@example.com>"},
    {"Evil\nBcc: x@y", "jo@example.com", "From: \"Evil Bcc: x@y\" <jo@example.com>"},
    {"Jo", "", "From: Jo <MAILER-DAEMON>"},
    {"Jo", "a b@example.com", "From: Jo <\"a b\"@example.com>"},
};

/* test_from - the From: header that cleanup adds */
START_TEST(test_from)
{
    VSTRING *buf = vstring_alloc(10);

    cleanup_header_from(buf, from_cases[_i].fullname, from_cases[_i].sender);
    ck_assert_str_eq(STR(buf), from_cases[_i].expect);
    vstring_free(buf);
}
END_TEST

/* test_received - the Received: header of a local submission */
START_TEST(test_received)
{
    VSTRING *buf = vstring_alloc(10);

    test_config("");
    setenv("TZ", "UTC", 1);
    tzset();
    cleanup_header_received(buf, "host.example.com", "1000", "QID", 1000000000);
    ck_assert_str_eq(STR(buf), "Received: by host.example.com (postern, from userid 1000)\n"
                               "\tid QID; Sun,  9 Sep 2001 01:46:40 +0000 (UTC)");
    cleanup_header_received(buf, "h", NULL, "QID", 1000000000);
    ck_assert_str_eq(STR(buf),
                     "Received: by h (postern)\n\tid QID; Sun,  9 Sep 2001 01:46:40 +0000 (UTC)");
    vstring_free(buf);
}
END_TEST

static const struct {
    const char *conf;
    const char *addr;
    const char *expect;
} canon_cases[] = {
    {"", "jo", "jo@host.example.com"},
    {"", "", ""},
    {"", "jo@example.org", "jo@example.org"},
    {"", "jo@example.org.", "jo@example.org"},
    {"", "jo@localhost", "jo@localhost.example.com"},
    {"", "jo@[192.0.2.1]", "jo@[192.0.2.1]"},
    {"", "a@b@example.org", "a@b@example.org"},
    {"append_dot_mydomain = no\n", "jo@localhost", "jo@localhost"},
    {"append_at_myorigin = no\n", "jo", "jo"},
    {"myorigin = example.net\n", "jo", "jo@example.net"},
    {"myorigin = box\n", "jo", "jo@box.example.com"},
    {"compatibility_level = 3.6\n", "jo@localhost", "jo@localhost"},
    {"", "jo@", "jo@"},
};

/* test_canon - canonical envelope addresses */
START_TEST(test_canon)
{
    VSTRING *buf = vstring_alloc(10);

    test_config(canon_cases[_i].conf);
    cleanup_addr_canon(buf, canon_cases[_i].addr);
    ck_assert_str_eq(STR(buf), canon_cases[_i].expect);
    vstring_free(buf);
}
END_TEST

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* cleanup_header_suite - collect the tests */
static Suite *
cleanup_header_suite(void)
{
    Suite *s = suite_create("cleanup_header");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_name_len, 0, COUNT(name_cases));
    tcase_add_loop_test(tc, test_kind, 0, COUNT(kind_cases));
    tcase_add_test(tc, test_dropped);
    tcase_add_loop_test(tc, test_date, 0, COUNT(date_cases));
    tcase_add_test(tc, test_message_id);
    tcase_add_loop_test(tc, test_from, 0, COUNT(from_cases));
    tcase_add_test(tc, test_received);
    tcase_add_loop_test(tc, test_canon, 0, COUNT(canon_cases));
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    VSTRING *path = vstring_alloc(100);
    SRunner *sr;
    int failed;

    if (mkdtemp(test_dir) == NULL) {
        perror("mkdtemp");
        return (EXIT_FAILURE);
    }
    sr = srunner_create(cleanup_header_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    vstring_sprintf(path, "%s/main.cf", test_dir);
    (void)unlink(STR(path));
    (void)rmdir(test_dir);
    vstring_free(path);
    return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
