/*
 * test_bounce_notify - Check tests for the delivery status notification
 * composer (bounce_notify.c) and the flush service (bounce_service.c).
 *
 * The composer writes content records into a scratch file; the test reads
 * them back into text and parses it: the top-level header (From, To,
 * Subject, Auto-Submitted, multipart/report with its boundary), the parts
 * between boundaries (text/plain with "<addr>: reason" lines,
 * message/delivery-status with per-message and per-recipient fields, the
 * returned original as message/rfc822 or, over the size limit, its header
 * as text/rfc822-headers), the closing boundary. Rows vary the original
 * (small, large, 8-bit, missing, corrupt), the recipients (with and without
 * a different original recipient, an unprintable reason) and the kind
 * (sender notice or postmaster copy).
 *
 * The service tests run in a scratch queue directory: a double-bounce
 * sender is discarded (status 0), a missing bounce log is status 0, a
 * malformed log and an unreachable cleanup service are non-zero (qmgr
 * retries), and the wire protocol answers a good request and ignores a
 * malformed one.
 */
#include "sys_defs.h"

#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "argv.h"
#include "attr.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstream.h"
#include "vstring.h"

#include "bounce_client.h"
#include "bounce_log.h"
#include "deliver_request.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "rec_type.h"
#include "record.h"

#include "support.h"

#include "bounce.h" /* the Makefile has no -Isrc/bounce */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static char tmpdir[] = "/tmp/test_bounce_notify.XXXXXX";
static char *saved_cwd;

/* setup - scratch queue directory with the folders bounce reads */
static void
setup(void)
{
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    saved_cwd = getcwd((char *)0, 0);
    ck_assert_int_eq(chdir(tmpdir), 0);
    ck_assert_int_eq(mkdir("active", 0700), 0);
    ck_assert_int_eq(mkdir("bounce", 0700), 0);
    ck_assert_int_eq(mkdir("private", 0700), 0);
    setenv("TZ", "UTC", 1);
    var_myhostname = "mx.example.com";
    var_myorigin = "example.com";
    var_double_bounce_sender = "double-bounce";
    var_2bounce_notice_recipient = "postmaster";
    var_bounce_size_limit = 50000;
    var_queue_directory = tmpdir;
    var_ipc_timeout = 10;
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

/* write_original - a queue file whose content is the given lines */
static VSTREAM *
write_original(const char *path, const char *const *lines, int terminate)
{
    VSTREAM *fp = vstream_fopen(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

    ck_assert_ptr_nonnull(fp);
    rec_fprintf(fp, REC_TYPE_SIZE, REC_SIZE_FORMAT, 0L, 0L, 1L, 0L);
    rec_fputs(fp, REC_TYPE_TIME, "1000000000 0");
    rec_fputs(fp, REC_TYPE_FROM, "alice@example.org");
    rec_fputs(fp, REC_TYPE_RCPT, "bob@example.com");
    rec_fprintf(fp, REC_TYPE_MESG, REC_MESG_FORMAT, 0L);
    for (; *lines; lines++) {
        if (strncmp(*lines, "CONT:", 5) == 0)
            rec_fputs(fp, REC_TYPE_CONT, *lines + 5);
        else
            rec_fputs(fp, REC_TYPE_NORM, *lines);
    }
    if (terminate) {
        rec_fputs(fp, REC_TYPE_XTRA, "");
        rec_fputs(fp, REC_TYPE_END, "");
    }
    ck_assert_int_eq(vstream_fflush(fp), 0);
    return fp;
}

/* read_back - the composed records as text (NORM adds a newline) */
static char *
read_back(VSTREAM *fp)
{
    VSTRING *rec = vstring_alloc(100);
    VSTRING *text = vstring_alloc(1000);
    int type;

    vstream_fseek(fp, 0, SEEK_SET);
    while ((type = rec_get(fp, rec, 0)) == REC_TYPE_NORM || type == REC_TYPE_CONT) {
        vstring_memcat(text, STR(rec), LEN(rec));
        if (type == REC_TYPE_NORM)
            vstring_addch(text, '\n');
    }
    ck_assert_int_eq(type, REC_TYPE_EOF);
    vstring_free(rec);
    return vstring_export(text);
}

/* header_value - the value of a header line in a block, or NULL */
static char *
header_value(const char *block, const char *name)
{
    VSTRING *pattern = vstring_alloc(100);
    const char *cp;
    const char *end;
    char *value = 0;

    vstring_sprintf(pattern, "\n%s: ", name);
    if (strncmp(block, STR(pattern) + 1, LEN(pattern) - 1) == 0)
        cp = block + LEN(pattern) - 1;
    else if ((cp = strstr(block, STR(pattern))) != 0)
        cp += LEN(pattern);
    if (cp) {
        end = strchr(cp, '\n');
        value = mystrndup(cp, end ? (size_t)(end - cp) : strlen(cp));
    }
    vstring_free(pattern);
    return value;
}

static const char *const small_message[] = {"Subject: lunch",
                                            "Message-ID: <1@example.org>",
                                            "",
                                            "See you at noon.",
                                            "CONT:long ",
                                            "line",
                                            0};
static const char *const eight_bit_message[] = {"Subject: caf\xc3\xa9", "", "\xc3\xa9t\xc3\xa9", 0};
static const char *const eight_bit_body[] = {"Subject: summer", "", "\xc3\xa9t\xc3\xa9 ", 0};

static BOUNCE_RCPT two_rcpts[] = {
    {"bob@example.com", "bob@example.com", "5.1.1", "failed", "unknown user: \"bob\""},
    {"carol@example.com", "list@example.com", "5.2.2", "failed",
     "cannot update mailbox: File too large\001"},
};

typedef struct NOTIFY_CASE {
    const char *const *lines; /* original content; NULL: no queue file */
    int terminate;            /* 0: a corrupt queue file */
    long size_limit;
    int postmaster_copy;
    const char *part3_type; /* NULL: no third part */
    const char *encoding;
} NOTIFY_CASE;

static const NOTIFY_CASE notify_cases[] = {
    {small_message, 1, 50000, 0, "message/rfc822", "7bit"},
    {small_message, 1, 20, 0, "text/rfc822-headers", "7bit"},
    {eight_bit_message, 1, 50000, 0, "message/rfc822", "8bit"},
    /* headers only: what decides is whether the header itself is 8-bit */
    {eight_bit_message, 1, 5, 0, "text/rfc822-headers", "8bit"},
    {eight_bit_body, 1, 5, 0, "text/rfc822-headers", "7bit"},
    {eight_bit_body, 1, 50000, 0, "message/rfc822", "8bit"},
    {0, 1, 50000, 0, 0, "7bit"},
    {small_message, 0, 50000, 0, 0, "7bit"},
    {small_message, 1, 50000, 1, "message/rfc822", "7bit"},
};

/* check_top - the notification's own header */
static void
check_top(const char *text, const NOTIFY_CASE *tc, VSTRING *boundary)
{
    char *value;

    value = header_value(text, "From");
    ck_assert_str_eq(value, "MAILER-DAEMON@mx.example.com (Mail Delivery System)");
    myfree(value);
    value = header_value(text, "To");
    ck_assert_str_eq(value, tc->postmaster_copy ? "postmaster" : "alice@example.org");
    myfree(value);
    value = header_value(text, "Subject");
    ck_assert_str_eq(value, tc->postmaster_copy ? "Postmaster Copy: Undelivered Mail"
                                                : "Undelivered Mail Returned to Sender");
    myfree(value);
    value = header_value(text, "Auto-Submitted");
    ck_assert_str_eq(value, "auto-replied");
    myfree(value);
    value = header_value(text, "Date");
    ck_assert_str_eq(value, "Sun, 9 Sep 2001 01:46:40 +0000 (UTC)");
    myfree(value);
    value = header_value(text, "Content-Type");
    ck_assert_str_eq(value, "multipart/report; report-type=delivery-status;");
    myfree(value);
    value = header_value(text, "Content-Transfer-Encoding");
    ck_assert_str_eq(value, tc->encoding);
    myfree(value);
    ck_assert_ptr_nonnull(strstr(text, "\n\tboundary=\""
                                       "ABCDEF.1000000000/mx.example.com\"\n"));
    vstring_strcpy(boundary, "ABCDEF.1000000000/mx.example.com");
}

/* split_parts - the bodies between "--boundary" lines */
static ARGV *
split_parts(const char *text, const char *boundary)
{
    VSTRING *delim = vstring_alloc(100);
    VSTRING *close = vstring_alloc(100);
    ARGV *parts = argv_alloc(4);
    const char *cp;
    const char *next;

    vstring_sprintf(delim, "\n--%s\n", boundary);
    vstring_sprintf(close, "\n--%s--\n", boundary);
    ck_assert_ptr_nonnull(strstr(text, STR(close)));
    ck_assert_int_eq(strcmp(strstr(text, STR(close)) + LEN(close), ""), 0);
    for (cp = strstr(text, STR(delim)); cp != 0; cp = next) {
        cp += LEN(delim);
        if ((next = strstr(cp, STR(delim))) == 0)
            next = strstr(cp, STR(close));
        argv_addn(parts, cp, next - cp);
        if (strncmp(next, STR(close), LEN(close)) == 0)
            break;
    }
    vstring_free(delim);
    vstring_free(close);
    return parts;
}

/* check_status_part - the machine-readable report */
static void
check_status_part(const char *part)
{
    const char *per_rcpt;
    char *value;

    value = header_value(part, "Content-Type");
    ck_assert_str_eq(value, "message/delivery-status");
    myfree(value);
    ck_assert_ptr_nonnull(strstr(part, "\n\nReporting-MTA: dns; mx.example.com\n"
                                       "X-Postern-Queue-ID: ABCDEF\n"
                                       "X-Postern-Sender: rfc822; alice@example.org\n"
                                       "Arrival-Date: Sat, 8 Sep 2001 01:46:40 +0000 (UTC)\n\n"));
    per_rcpt = strstr(part, "Final-Recipient: rfc822; bob@example.com\n");
    ck_assert_ptr_nonnull(per_rcpt);
    ck_assert_ptr_nonnull(strstr(per_rcpt, "Final-Recipient: rfc822; bob@example.com\n"
                                           "Action: failed\n"
                                           "Status: 5.1.1\n"
                                           "Diagnostic-Code: X-Postern; unknown user: \"bob\"\n\n"
                                           "Final-Recipient: rfc822; carol@example.com\n"
                                           "Original-Recipient: rfc822; list@example.com\n"
                                           "Action: failed\n"
                                           "Status: 5.2.2\n"
                                           "Diagnostic-Code: X-Postern; cannot update mailbox: "
                                           "File too large?\n"));
}

/* test_notify_table - compose, parse, check */
START_TEST(test_notify_table)
{
    const NOTIFY_CASE *tc = notify_cases + _i;
    VSTREAM *orig = 0;
    VSTREAM *out = vstream_fopen("composed", O_RDWR | O_CREAT | O_TRUNC, 0600);
    VSTRING *boundary = vstring_alloc(100);
    BOUNCE_NOTICE notice;
    ARGV *parts;
    char *text;
    char *value;

    if (tc->lines)
        orig = write_original("original", tc->lines, tc->terminate);
    memset(&notice, 0, sizeof(notice));
    notice.queue_id = "ABCDEF";
    notice.sender = "alice@example.org";
    notice.arrival = 1000000000 - 86400;
    notice.hostname = "mx.example.com";
    notice.postmaster_copy = tc->postmaster_copy;
    notice.notify_to = tc->postmaster_copy ? "postmaster" : "alice@example.org";
    notice.size_limit = tc->size_limit;
    notice.now = 1000000000;
    notice.queue_fp = orig;
    notice.rcpt = two_rcpts;
    notice.rcpt_count = 2;
    ck_assert_int_eq(bounce_notify_write(out, &notice), 0);
    ck_assert_int_eq(vstream_fflush(out), 0);
    text = read_back(out);

    check_top(text, tc, boundary);
    parts = split_parts(text, STR(boundary));
    ck_assert_int_eq(parts->argc, tc->part3_type ? 3 : 2);
    value = header_value(parts->argv[0], "Content-Type");
    ck_assert_str_eq(value, "text/plain; charset=us-ascii");
    myfree(value);
    ck_assert_ptr_nonnull(strstr(parts->argv[0], "\n<bob@example.com>: unknown user: \"bob\"\n"));
    ck_assert_ptr_nonnull(strstr(parts->argv[0], "\n<carol@example.com>: cannot update mailbox"));
    check_status_part(parts->argv[1]);
    if (tc->part3_type) {
        value = header_value(parts->argv[2], "Content-Type");
        ck_assert_str_eq(value, tc->part3_type);
        myfree(value);
        ck_assert_ptr_nonnull(strstr(parts->argv[2], "Subject: "));
        /* a 7bit multipart must not hold a part declared 8bit (RFC 2045 6.4) */
        value = header_value(parts->argv[2], "Content-Transfer-Encoding");
        if (strcmp(tc->encoding, "8bit") == 0)
            ck_assert_str_eq(value ? value : "(none)", "8bit");
        else
            ck_assert_ptr_null(value);
        myfree(value);
        if (strcmp(tc->part3_type, "message/rfc822") == 0 && tc->lines == small_message)
            ck_assert_ptr_nonnull(strstr(parts->argv[2], "\n\nSubject: lunch\nMessage-ID: "
                                                         "<1@example.org>\n\nSee you at noon.\n"
                                                         "long line\n"));
        if (strcmp(tc->part3_type, "text/rfc822-headers") == 0)
            ck_assert_ptr_null(strstr(parts->argv[2], "noon"));
    } else {
        ck_assert_ptr_nonnull(strstr(parts->argv[0], "was not available"));
    }
    argv_free(parts);
    myfree(text);
    vstring_free(boundary);
    if (orig)
        vstream_fclose(orig);
    vstream_fclose(out);
}
END_TEST

/* test_date - RFC 5322 dates with offsets */
START_TEST(test_date)
{
    VSTRING *buf = vstring_alloc(10);

    setenv("TZ", "UTC", 1);
    tzset();
    ck_assert_str_eq(STR(bounce_notify_date(buf, 0)), "Thu, 1 Jan 1970 00:00:00 +0000 (UTC)");
    setenv("TZ", "EST5EDT", 1);
    tzset();
    ck_assert_str_eq(STR(bounce_notify_date(buf, 1000000000)),
                     "Sat, 8 Sep 2001 21:46:40 -0400 (EDT)");
    setenv("TZ", "IST-5:30", 1);
    tzset();
    ck_assert_str_eq(STR(bounce_notify_date(buf, 0)), "Thu, 1 Jan 1970 05:30:00 +0530 (IST)");
    setenv("TZ", "UTC", 1);
    tzset();
    vstring_free(buf);
}
END_TEST

/* queue_id - a well-formed queue ID */
static const char *
queue_id(VSTRING *buf)
{
    struct timeval tv = {1000000000, 123456};

    mail_queue_id_make(buf, (ino_t)4242, &tv);
    return STR(buf);
}

/* test_flush_paths - discard, nothing to do, bad log, cleanup down */
START_TEST(test_flush_paths)
{
    VSTRING *id = vstring_alloc(40);
    RECIPIENT rcpt;
    VSTREAM *fp;
    VSTRING *path = vstring_alloc(100);

    queue_id(id);
    ck_assert_int_eq(bounce_service_flush("active", STR(id), "double-bounce@mx.example.com", 1), 0);
    ck_assert_int_eq(bounce_service_flush("active", STR(id), "Double-Bounce", 1), 0);
    /* No bounce log: nothing failed, nothing to send. */
    ck_assert_int_eq(bounce_service_flush("active", STR(id), "alice@example.org", 1), 0);
    /* A malformed log: try again later. */
    mail_queue_path(path, MAIL_QUEUE_BOUNCE, STR(id));
    fp = vstream_fopen(STR(path), O_WRONLY | O_CREAT, 0600);
    vstream_fputs("this is not an entry\n\n", fp);
    vstream_fclose(fp);
    ck_assert_int_eq(bounce_service_flush("active", STR(id), "alice@example.org", 1), 1);
    unlink(STR(path));
    /* A good log, but no cleanup service to queue the notice with. */
    memset(&rcpt, 0, sizeof(rcpt));
    rcpt.orig_addr = "bob@example.com";
    rcpt.address = "bob@example.com";
    rcpt.status = MAIL_STAT_BOUNCE;
    rcpt.dsn_status = "5.1.1";
    rcpt.action = "failed";
    rcpt.reason = "unknown user: \"bob\"";
    ck_assert_int_eq(bounce_log_append(MAIL_QUEUE_BOUNCE, STR(id), &rcpt), 0);
    ck_assert_int_eq(bounce_service_flush("active", STR(id), "alice@example.org", 1), 1);
    ck_assert_int_eq(bounce_service_flush("active", STR(id), "", 1), 1);
    vstring_free(id);
    vstring_free(path);
}
END_TEST

/* talk - send raw request attributes, serve them, read the answer */
static int
talk(int good, int *status)
{
    int sv[2];
    VSTREAM *client;
    VSTREAM *server;
    VSTRING *id = vstring_alloc(40);
    VSTRING *proto = vstring_alloc(10);
    int got;

    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    client = vstream_fdopen(sv[0], O_RDWR);
    server = vstream_fdopen(sv[1], O_RDWR);
    vstream_set_timeout(client, 5);
    vstream_set_timeout(server, 5);
    if (good)
        attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_STR(MAIL_ATTR_REQ, BOUNCE_REQ_FLUSH),
                   SEND_ATTR_STR(MAIL_ATTR_QUEUE, "active"),
                   SEND_ATTR_STR(MAIL_ATTR_QUEUEID, queue_id(id)),
                   SEND_ATTR_STR(MAIL_ATTR_SENDER, "double-bounce"),
                   SEND_ATTR_LONG(MAIL_ATTR_ARRIVAL, 1000L), ATTR_TYPE_END);
    else
        attr_print(client, ATTR_FLAG_NONE, SEND_ATTR_STR(MAIL_ATTR_REQ, BOUNCE_REQ_FLUSH),
                   SEND_ATTR_STR(MAIL_ATTR_QUEUE, "../etc"), ATTR_TYPE_END);
    vstream_fflush(client);
    bounce_service_request(server);
    vstream_fclose(server);
    ck_assert_int_eq(
        attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_STR(MAIL_ATTR_PROTO, proto), ATTR_TYPE_END),
        1);
    ck_assert_str_eq(STR(proto), MAIL_PROTO_BOUNCE);
    got =
        attr_scan(client, ATTR_FLAG_STRICT, RECV_ATTR_INT(MAIL_ATTR_STATUS, status), ATTR_TYPE_END);
    vstream_fclose(client);
    vstring_free(id);
    vstring_free(proto);
    return got;
}

/* test_protocol - a good request is answered, a bad one is not */
START_TEST(test_protocol)
{
    int status = -5;

    ck_assert_int_eq(talk(1, &status), 1);
    ck_assert_int_eq(status, 0);
    ck_assert_int_ne(talk(0, &status), 1);
}
END_TEST

/* test_client_unreachable - bounce_flush without a bounce service */
START_TEST(test_client_unreachable)
{
    VSTRING *id = vstring_alloc(40);

    ck_assert_int_eq(bounce_flush("active", queue_id(id), "a@b", 1), -1);
    vstring_free(id);
}
END_TEST

/* bounce_notify_suite - the test suite */
static Suite *
bounce_notify_suite(void)
{
    Suite *s = suite_create("bounce_notify");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_notify_table, 0, COUNT(notify_cases));
    tcase_add_test(tc, test_date);
    tcase_add_test(tc, test_flush_paths);
    tcase_add_test(tc, test_protocol);
    tcase_add_test(tc, test_client_unreachable);
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite and report */
int
main(void)
{
    SRunner *sr = srunner_create(bounce_notify_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
