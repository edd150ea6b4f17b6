/*
 * test_bounce_client - unit tests for the client half of the bounce flush
 * request (bounce_client.c).
 *
 * In a scratch queue directory, a fake bounce server is forked on a real
 * UNIX socket at private/bounce. It announces itself, reads the flush
 * request strictly, reports what it received over a pipe and answers with
 * the bytes of a table row: the status the server gives (0, non-zero,
 * negative) must come back from bounce_flush() and the request must carry
 * the queue name, ID, sender (empty for the null sender) and arrival time.
 * Malformed replies (a non-numeric status, an empty list, an extra or a
 * different attribute, a reply cut short, garbage, no reply at all) give
 * -1 with "no reply from bounce service"; a wrong protocol and an
 * unreachable service give -1 with the connect warning.
 * Run: build/tests/test_bounce_client (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attr.h"
#include "bounce_client.h"
#include "iostuff.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "msg.h"
#include "sock.h"
#include "vstream.h"
#include "vstring.h"

#include "support.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define TEST_ID "0000000000z1"

static VSTRING *warnings;

/* setup - scratch queue directory, parameters, warning capture */
static void
setup(void)
{
    (void)support_scratch_enter("test_bounce_client");
    ck_assert_int_eq(mkdir(MAIL_CLASS_PRIVATE, 0700), 0);
    var_ipc_timeout = 2;
    signal(SIGPIPE, SIG_IGN);
    support_capture_warnings();
    warnings = support_captured();
}

/* teardown - remove the scratch queue */
static void
teardown(void)
{
    support_capture_stop();
    support_scratch_leave();
}

/*
 * fake_bounce - fork a bounce server for one connection: announce proto,
 * read the request (reported as "request queue id <sender> arrival"), then
 * send the reply bytes (len < 0: close without a reply).
 */
static SUPPORT_SERVER
fake_bounce(const char *proto, const char *reply, ssize_t len)
{
    SUPPORT_SERVER srv = support_server_fork("private/bounce");
    VSTREAM *stream = srv.stream;
    VSTRING *req;
    VSTRING *queue;
    VSTRING *id;
    VSTRING *sender;
    long arrival = -1;

    if (srv.pid == 0) {
        if (mail_announce(stream, proto) < 0)
            _exit(3);
        if (strcmp(proto, MAIL_PROTO_BOUNCE) != 0) {
            while (vstream_getc(stream) != VSTREAM_EOF)
                /* void */;
            _exit(0);
        }
        req = vstring_alloc(10);
        queue = vstring_alloc(10);
        id = vstring_alloc(10);
        sender = vstring_alloc(10);
        if (attr_scan(stream, ATTR_FLAG_STRICT, RECV_ATTR_STR(MAIL_ATTR_REQ, req),
                      RECV_ATTR_STR(MAIL_ATTR_QUEUE, queue), RECV_ATTR_STR(MAIL_ATTR_QUEUEID, id),
                      RECV_ATTR_STR(MAIL_ATTR_SENDER, sender),
                      RECV_ATTR_LONG(MAIL_ATTR_ARRIVAL, &arrival), ATTR_TYPE_END) != 5)
            _exit(4);
        dprintf(srv.report_fd, "%s %s %s <%s> %ld", STR(req), STR(queue), STR(id), STR(sender),
                arrival);
        if (len >= 0)
            vstream_fwrite(stream, reply, (size_t)len);
        _exit(vstream_fclose(stream) == 0 ? 0 : 5);
    }
    return srv;
}

#define Q(s) s, (ssize_t)(sizeof(s) - 1)

static const struct reply_case {
    const char *label;
    const char *sender; /* given to bounce_flush() */
    const char *reply;
    ssize_t len;
    int want;
    const char *want_report;  /* what the server received */
    const char *want_warning; /* "" for none; else the last warning */
} reply_cases[] = {
    {"queued", "alice@example.com",
     Q("status\0"
       "0\0"
       "\0"),
     0, "flush deferred " TEST_ID " <alice@example.com> 1700000000", ""},
    {"null sender", 0,
     Q("status\0"
       "0\0"
       "\0"),
     0, "flush deferred " TEST_ID " <> 1700000000", ""},
    {"empty sender", "",
     Q("status\0"
       "0\0"
       "\0"),
     0, "flush deferred " TEST_ID " <> 1700000000", ""},
    {"not queued", "alice@example.com",
     Q("status\0"
       "1\0"
       "\0"),
     1, "flush deferred " TEST_ID " <alice@example.com> 1700000000", ""},
    {"negative status", "a@x",
     Q("status\0"
       "-2\0"
       "\0"),
     -2, "flush deferred " TEST_ID " <a@x> 1700000000", ""},
    {"other status", "alice@example.com",
     Q("status\0"
       "75\0"
       "\0"),
     75, "flush deferred " TEST_ID " <alice@example.com> 1700000000", ""},
    {"status not numeric", "a@x",
     Q("status\0"
       "ok\0"
       "\0"),
     -1, "flush deferred " TEST_ID " <a@x> 1700000000", TEST_ID ": no reply from bounce service\n"},
    {"empty list", "a@x", Q("\0"), -1, "flush deferred " TEST_ID " <a@x> 1700000000",
     TEST_ID ": no reply from bounce service\n"},
    {"extra attribute", "a@x",
     Q("status\0"
       "0\0"
       "reason\0"
       "x\0"
       "\0"),
     -1, "flush deferred " TEST_ID " <a@x> 1700000000", TEST_ID ": no reply from bounce service\n"},
    {"other attribute", "a@x",
     Q("result\0"
       "0\0"
       "\0"),
     -1, "flush deferred " TEST_ID " <a@x> 1700000000", TEST_ID ": no reply from bounce service\n"},
    {"cut short", "a@x",
     Q("status\0"
       "0"),
     -1, "flush deferred " TEST_ID " <a@x> 1700000000", TEST_ID ": no reply from bounce service\n"},
    {"garbage", "a@x", Q("250 OK\r\n"), -1, "flush deferred " TEST_ID " <a@x> 1700000000",
     TEST_ID ": no reply from bounce service\n"},
    {"no reply", "a@x", 0, -1, -1, "flush deferred " TEST_ID " <a@x> 1700000000",
     TEST_ID ": no reply from bounce service\n"},
};

/* test_reply - one reply from the fake bounce server */
START_TEST(test_reply)
{
    const struct reply_case *tc = reply_cases + _i;
    SUPPORT_SERVER srv = fake_bounce(MAIL_PROTO_BOUNCE, tc->reply, tc->len);
    int status;

    status = bounce_flush("deferred", TEST_ID, tc->sender, 1700000000L);
    ck_assert_msg(status == tc->want, "%s: status %d", tc->label, status);
    ck_assert_str_eq(support_server_finish(srv), tc->want_report);
    if (*tc->want_warning)
        ck_assert_msg(support_ends_with(STR(warnings), tc->want_warning), "%s: warnings \"%s\"",
                      tc->label, STR(warnings));
    else
        ck_assert_msg(LEN(warnings) == 0, "%s: warnings \"%s\"", tc->label, STR(warnings));
}
END_TEST

/* test_wrong_protocol - a server that is not bounce */
START_TEST(test_wrong_protocol)
{
    SUPPORT_SERVER srv = fake_bounce(MAIL_PROTO_CLEANUP, 0, -1);

    ck_assert_int_eq(bounce_flush("active", TEST_ID, "a@x", 1), -1);
    ck_assert_str_eq(STR(warnings),
                     "private/bounce: unexpected protocol \"cleanup\" (expected \"bounce\")\n");
    ck_assert_str_eq(support_server_finish(srv), "");
}
END_TEST

/* test_unreachable - no bounce service, or a dead socket */
START_TEST(test_unreachable)
{
    int fd;

    ck_assert_int_eq(bounce_flush("active", TEST_ID, "a@x", 1), -1);
    ck_assert_str_eq(STR(warnings), "connect to private/bounce: No such file or directory\n");

    vstring_reset(warnings);
    fd = unix_listen("private/bounce", 5, 0666, BLOCKING);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(bounce_flush("active", TEST_ID, "a@x", 1), -1);
    ck_assert_str_eq(STR(warnings), "connect to private/bounce: Connection refused\n");
}
END_TEST

/* bounce_client_suite - all bounce_client tests */
static Suite *
bounce_client_suite(void)
{
    Suite *s = suite_create("bounce_client");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 10);
    tcase_add_loop_test(tc, test_reply, 0, COUNT(reply_cases));
    tcase_add_test(tc, test_wrong_protocol);
    tcase_add_test(tc, test_unreachable);
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(bounce_client_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
