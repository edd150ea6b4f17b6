/*
 * test_showq_format - Check tests for the queue listing that the showq
 * daemon and postqueue share (src/global/showq_format.c).
 *
 * Each test runs in a scratch queue directory (TZ=UTC) holding queue files
 * written here with the record functions and defer logs written with
 * bounce_log_append(), lists it into a scratch file and compares the bytes:
 * an empty (or missing) queue, a deferred message with its reason in the
 * text and the JSON form, the '*' and '!' markers of active and held
 * messages and the footer, JSON escaping of quotes and backslashes, a
 * queue "directory" that cannot be opened (-1 with the reason), and the
 * protocol names of the formats.
 */
#include "sys_defs.h"

#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"

#include "bounce_log.h"
#include "deliver_request.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "rec_type.h"
#include "record.h"
#include "showq_format.h"

#include "support.h"

#define ID1 "5BMjhZ1s7yz1bYVl"
#define ID2 "5BMjhZ1s8yz1bYVm"
#define HEADER "----Queue ID----- --Size-- ---Arrival Time---- --Sender/Recipient------\n"

static char tmpdir[] = "/tmp/test_showq_format.XXXXXX";
static char *saved_cwd;

/* setup - an empty scratch queue directory */
static void
setup(void)
{
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    saved_cwd = getcwd((char *)0, 0);
    ck_assert_int_eq(chdir(tmpdir), 0);
    setenv("TZ", "UTC", 1);
    var_queue_directory = tmpdir;
    var_empty_address_recipient = "MAILER-DAEMON";
}

/* teardown - back to where we were, remove the scratch tree */
static void
teardown(void)
{
    ck_assert_int_eq(chdir(saved_cwd), 0);
    free(saved_cwd);
    support_remove_tree(tmpdir);
    memcpy(tmpdir + strlen(tmpdir) - 6, "XXXXXX", 6);
}

/* make_queue - create one queue directory */
static void
make_queue(const char *queue)
{
    ck_assert_int_eq(mkdir(queue, 0700), 0);
}

/* write_message - a queue file: size, arrival time, sender, recipients */
static void
write_message(const char *queue, const char *id, long size, const char *sender,
              const char *const *rcpts)
{
    VSTRING *path = vstring_alloc(100);
    VSTREAM *fp;

    vstring_sprintf(path, "%s/%s", queue, id);
    fp = vstream_fopen(STR(path), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_ptr_nonnull(fp);
    rec_fprintf(fp, REC_TYPE_SIZE, REC_SIZE_FORMAT, size, 0L, 1L, 0L);
    rec_fputs(fp, REC_TYPE_TIME, "1000000000 0");
    rec_fputs(fp, REC_TYPE_FROM, sender);
    for (; *rcpts; rcpts++)
        rec_fputs(fp, REC_TYPE_RCPT, *rcpts);
    rec_fprintf(fp, REC_TYPE_MESG, REC_MESG_FORMAT, 0L);
    rec_fputs(fp, REC_TYPE_NORM, "Subject: test");
    rec_fputs(fp, REC_TYPE_XTRA, "");
    rec_fputs(fp, REC_TYPE_END, "");
    ck_assert_int_eq(vstream_fclose(fp), 0);
    vstring_free(path);
}

/* write_reason - a defer log entry for one recipient */
static void
write_reason(const char *id, const char *address, const char *reason)
{
    RECIPIENT rcpt;

    memset(&rcpt, 0, sizeof(rcpt));
    rcpt.orig_addr = rcpt.address = (char *)address;
    rcpt.status = 1;
    rcpt.dsn_status = "4.2.0";
    rcpt.action = "delayed";
    rcpt.reason = (char *)reason;
    ck_assert_int_eq(bounce_log_append(MAIL_QUEUE_DEFER, id, &rcpt), 0);
}

/* listing - run showq_format_list into a file; the bytes and the result */
static char *
listing(int format, int *result, VSTRING *why)
{
    VSTREAM *out = vstream_fopen("listing.out", O_RDWR | O_CREAT | O_TRUNC, 0600);
    VSTRING *text = vstring_alloc(1000);
    char buf[4096];
    ssize_t len;

    ck_assert_ptr_nonnull(out);
    *result = showq_format_list(out, format, why);
    ck_assert_int_eq(vstream_fflush(out), 0);
    ck_assert_int_eq(vstream_fseek(out, 0, SEEK_SET), 0);
    while ((len = vstream_fread(out, buf, sizeof(buf))) > 0)
        vstring_memcat(text, buf, (size_t)len);
    ck_assert_int_eq(vstream_fclose(out), 0);
    (void)unlink("listing.out");
    return vstring_export(text);
}

/* expect_listing - the listing must succeed and equal want */
static void
expect_listing(int format, const char *want)
{
    VSTRING *why = vstring_alloc(100);
    int result;
    char *got = listing(format, &result, why);

    ck_assert_int_eq(result, 0);
    ck_assert_str_eq(got, want);
    myfree(got);
    vstring_free(why);
}

START_TEST(test_empty_queue)
{
    expect_listing(SHOWQ_FORMAT_TEXT, "Mail queue is empty\n");
    expect_listing(SHOWQ_FORMAT_JSON, "");
    make_queue(MAIL_QUEUE_DEFERRED);
    make_queue(MAIL_QUEUE_MAILDROP);
    expect_listing(SHOWQ_FORMAT_TEXT, "Mail queue is empty\n");
}
END_TEST

START_TEST(test_deferred_with_reason)
{
    static const char *const rcpts[] = {"bob@example.com", "carol@example.com", 0};

    make_queue(MAIL_QUEUE_DEFERRED);
    make_queue(MAIL_QUEUE_DEFER);
    write_message(MAIL_QUEUE_DEFERRED, ID1, 2100, "alice@example.org", rcpts);
    write_reason(ID1, "carol@example.com", "mailbox is locked");
    expect_listing(SHOWQ_FORMAT_TEXT,
                   HEADER ID1 "      2100 Sun Sep  9 01:46:40 alice@example.org\n"
                              "                                                           "
                              "(mailbox is locked)\n"
                              "                                               carol@example.com\n"
                              "                                                          "
                              "(reason unavailable)\n"
                              "                                               bob@example.com\n"
                              "\n-- 2 Kbytes in 1 Request.\n");
    expect_listing(SHOWQ_FORMAT_JSON,
                   "{\"queue_name\": \"deferred\", \"queue_id\": \"" ID1 "\", "
                   "\"arrival_time\": 1000000000, \"message_size\": 2100, "
                   "\"forced_expire\": false, \"sender\": \"alice@example.org\", "
                   "\"recipients\": [{\"address\": \"carol@example.com\", "
                   "\"delay_reason\": \"mailbox is locked\"}, "
                   "{\"address\": \"bob@example.com\"}]}\n");
}
END_TEST

START_TEST(test_markers_and_footer)
{
    static const char *const one[] = {"bob@example.com", 0};

    make_queue(MAIL_QUEUE_ACTIVE);
    make_queue(MAIL_QUEUE_HOLD);
    write_message(MAIL_QUEUE_ACTIVE, ID1, 10, "", one);
    write_message(MAIL_QUEUE_HOLD, ID2, 20, "alice@example.org", one);
    expect_listing(SHOWQ_FORMAT_TEXT,
                   HEADER ID1 "*       10 Sun Sep  9 01:46:40 MAILER-DAEMON\n"
                              "                                               bob@example.com\n"
                              "\n" ID2 "!       20 Sun Sep  9 01:46:40 alice@example.org\n"
                              "                                               bob@example.com\n"
                              "\n-- 0 Kbytes in 2 Requests.\n");
}
END_TEST

START_TEST(test_json_escapes)
{
    static const char *const one[] = {"bob@example.com", 0};

    make_queue(MAIL_QUEUE_DEFERRED);
    make_queue(MAIL_QUEUE_DEFER);
    write_message(MAIL_QUEUE_DEFERRED, ID1, 5, "alice@example.org", one);
    write_reason(ID1, "bob@example.com", "say \"hi\" \\ now");
    expect_listing(SHOWQ_FORMAT_JSON,
                   "{\"queue_name\": \"deferred\", \"queue_id\": \"" ID1 "\", "
                   "\"arrival_time\": 1000000000, \"message_size\": 5, "
                   "\"forced_expire\": false, \"sender\": \"alice@example.org\", "
                   "\"recipients\": [{\"address\": \"bob@example.com\", "
                   "\"delay_reason\": \"say \\\"hi\\\" \\\\ now\"}]}\n");
}
END_TEST

START_TEST(test_unreadable_queue)
{
    VSTRING *why = vstring_alloc(100);
    VSTRING *want = vstring_alloc(100);
    VSTREAM *fp;
    int result;
    char *got;

    /* A plain file where a queue directory belongs cannot be opened. */
    fp = vstream_fopen(MAIL_QUEUE_ACTIVE, O_WRONLY | O_CREAT, 0600);
    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(vstream_fclose(fp), 0);
    got = listing(SHOWQ_FORMAT_TEXT, &result, why);
    ck_assert_int_eq(result, -1);
    ck_assert_str_eq(got, "");
    vstring_sprintf(want, "open queue directory %s/active: Not a directory", tmpdir);
    ck_assert_str_eq(STR(why), STR(want));
    myfree(got);
    vstring_free(why);
    vstring_free(want);
}
END_TEST

START_TEST(test_format_names)
{
    ck_assert_int_eq(showq_format_code("text"), SHOWQ_FORMAT_TEXT);
    ck_assert_int_eq(showq_format_code("json"), SHOWQ_FORMAT_JSON);
    ck_assert_int_eq(showq_format_code("JSON"), -1);
    ck_assert_int_eq(showq_format_code(""), -1);
    ck_assert_str_eq(showq_format_name(SHOWQ_FORMAT_TEXT), "text");
    ck_assert_str_eq(showq_format_name(SHOWQ_FORMAT_JSON), "json");
}
END_TEST

/* showq_format_suite - every test above */
static Suite *
showq_format_suite(void)
{
    Suite *s = suite_create("showq_format");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_empty_queue);
    tcase_add_test(tc, test_deferred_with_reason);
    tcase_add_test(tc, test_markers_and_footer);
    tcase_add_test(tc, test_json_escapes);
    tcase_add_test(tc, test_unreadable_queue);
    tcase_add_test(tc, test_format_names);
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite */
int
main(void)
{
    SRunner *sr = srunner_create(showq_format_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
