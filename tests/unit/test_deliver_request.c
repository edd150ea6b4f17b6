/*
 * test_deliver_request - unit tests for the qmgr <-> delivery agent
 * protocol (deliver_request.c), both ends in one process over a socket
 * pair (the socket buffers hold each side's output until the other reads).
 *
 * A full exchange: qmgr sends a two-recipient request, the agent reads it
 * (announcing itself, opening active/ID at the content offset), answers
 * one recipient and leaves the other unanswered (reported as deferred),
 * and qmgr reads the results. A missing queue file: the agent answers
 * every recipient with a deferral itself. A table of malformed requests
 * (bad queue name or ID, bad counts and offsets, missing recipients) and
 * of malformed answers (wrong offset, unknown status or action, missing
 * final status) that each side must refuse.
 * Run: build/tests/test_deliver_request (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attr.h"
#include "deliver_request.h"
#include "mail_proto.h"
#include "msg.h"
#include "mymalloc.h"
#include "record.h"
#include "vstream.h"

#include "support.h"

#define TEST_ID "0000000000z1"

static long content_offset;

/* setup - a scratch queue with active/TEST_ID */
static void
setup(void)
{
    VSTREAM *fp;

    (void)support_scratch_enter("test_deliver_request");
    ck_assert_int_eq(mkdir("active", 0700), 0);
    fp = vstream_fopen("active/" TEST_ID, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_ptr_nonnull(fp);
    rec_fputs(fp, REC_TYPE_FROM, "sender@example.com");
    rec_fputs(fp, REC_TYPE_MESG, "");
    vstream_fflush(fp);
    content_offset = (long)vstream_ftell(fp);
    rec_fputs(fp, REC_TYPE_NORM, "Subject: hi");
    ck_assert_int_eq(vstream_fclose(fp), 0);
    support_quiet();
}

/* teardown - remove the scratch queue */
static void
teardown(void)
{
    support_scratch_leave();
    msg_output_reset();
}

/* make_request - qmgr's two-recipient request for TEST_ID */
static DELIVER_REQUEST *
make_request(const char *id)
{
    DELIVER_REQUEST *request = deliver_request_alloc();

    request->queue_name = mystrdup("active");
    request->queue_id = mystrdup(id);
    request->data_offset = content_offset;
    request->data_size = 1234;
    request->nexthop = mystrdup("example.com");
    request->sender = mystrdup("sender@example.com");
    request->arrival_sec = 1700000000;
    request->arrival_usec = 5;
    request->active_sec = 1700000001;
    request->active_usec = 6;
    deliver_request_add_rcpt(request, "orig@example.com", "one@example.com", 100);
    deliver_request_add_rcpt(request, 0, "two@example.com", 200);
    return request;
}

/* read_announcement - qmgr's end reads { protocol=delivery } */
static void
read_announcement(VSTREAM *qmgr)
{
    VSTRING *proto = vstring_alloc(10);

    ck_assert_int_eq(
        attr_scan(qmgr, ATTR_FLAG_STRICT, RECV_ATTR_STR(MAIL_ATTR_PROTO, proto), ATTR_TYPE_END), 1);
    ck_assert_str_eq(STR(proto), MAIL_PROTO_DELIVER);
    vstring_free(proto);
}

/* test_exchange - a full request and answer between qmgr and an agent */
START_TEST(test_exchange)
{
    VSTREAM *qmgr;
    VSTREAM *agent;
    DELIVER_REQUEST *sent = make_request(TEST_ID);
    DELIVER_REQUEST *got;
    VSTRING *buf = vstring_alloc(10);
    int status = -1;

    support_stream_pair(&qmgr, &agent, "qmgr-end", "agent-end");
    ck_assert_int_eq(deliver_request_send(qmgr, sent), 0);
    ck_assert_ptr_nonnull(got = deliver_request_read(agent));
    ck_assert_str_eq(got->queue_name, "active");
    ck_assert_str_eq(got->queue_id, TEST_ID);
    ck_assert_int_eq(got->data_offset, content_offset);
    ck_assert_int_eq(got->data_size, 1234);
    ck_assert_str_eq(got->nexthop, "example.com");
    ck_assert_str_eq(got->sender, "sender@example.com");
    ck_assert_int_eq(got->arrival_sec, 1700000000);
    ck_assert_int_eq(got->arrival_usec, 5);
    ck_assert_int_eq(got->active_sec, 1700000001);
    ck_assert_int_eq(got->active_usec, 6);
    ck_assert(got->start_sec > 0);
    ck_assert_int_eq(got->rcpt_count, 2);
    ck_assert_str_eq(got->rcpt[0].orig_addr, "orig@example.com");
    ck_assert_str_eq(got->rcpt[1].orig_addr, "two@example.com");
    ck_assert_int_eq(got->rcpt[1].offset, 200);
    ck_assert_int_eq(rec_get(got->fp, buf, 0), REC_TYPE_NORM);
    ck_assert_str_eq(STR(buf), "Subject: hi");
    recipient_set_result(got->rcpt, MAIL_STAT_OK, "2.0.0", "delivered", "delivered to mailbox");
    ck_assert_int_eq(deliver_request_done(agent, got, 0), 0);

    read_announcement(qmgr);
    ck_assert_int_eq(deliver_request_get_results(qmgr, sent, &status), 0);
    ck_assert_int_eq(status, 0);
    ck_assert_int_eq(sent->rcpt[0].status, MAIL_STAT_OK);
    ck_assert_str_eq(sent->rcpt[0].dsn_status, "2.0.0");
    ck_assert_str_eq(sent->rcpt[0].reason, "delivered to mailbox");
    ck_assert_int_eq(sent->rcpt[1].status, MAIL_STAT_DEFER);
    ck_assert_str_eq(sent->rcpt[1].action, "delayed");
    deliver_request_free(sent);
    vstream_fclose(qmgr);
    vstream_fclose(agent);
    vstring_free(buf);
}
END_TEST

/* test_missing_file - the agent defers everything when the queue file is gone */
START_TEST(test_missing_file)
{
    VSTREAM *qmgr;
    VSTREAM *agent;
    DELIVER_REQUEST *sent = make_request("0000000000z2");
    int status = 0;

    support_stream_pair(&qmgr, &agent, "qmgr-end", "agent-end");
    ck_assert_int_eq(deliver_request_send(qmgr, sent), 0);
    ck_assert_ptr_null(deliver_request_read(agent));
    read_announcement(qmgr);
    ck_assert_int_eq(deliver_request_get_results(qmgr, sent, &status), 0);
    ck_assert_int_eq(status, 1);
    ck_assert_int_eq(sent->rcpt[0].status, MAIL_STAT_DEFER);
    ck_assert_str_eq(sent->rcpt[0].dsn_status, "4.3.0");
    ck_assert(strstr(sent->rcpt[1].reason, "cannot open queue file active/0000000000z2") != 0);
    deliver_request_free(sent);
    vstream_fclose(qmgr);
    vstream_fclose(agent);
}
END_TEST

/* A request as sent by hand: claimed and real recipient counts. */
static const struct bad_request {
    const char *label;
    const char *queue;
    const char *id;
    long offset;
    int claimed;
    int sent;
    long rcpt_offset;
} bad_requests[] = {
    {"bad queue name", "../etc", TEST_ID, 10, 1, 1, 100},
    {"bad queue id", "active", "passwd", 10, 1, 1, 100},
    {"zero offset", "active", TEST_ID, 0, 1, 1, 100},
    {"too few recipients sent", "active", TEST_ID, 10, 3, 2, 100},
    {"zero recipients", "active", TEST_ID, 10, 0, 0, 100},
    {"negative count", "active", TEST_ID, 10, -1, 0, 100},
    {"bad recipient offset", "active", TEST_ID, 10, 1, 1, -5},
};

/* test_bad_requests - the agent refuses one malformed request */
START_TEST(test_bad_requests)
{
    const struct bad_request *tc = bad_requests + _i;
    VSTREAM *qmgr;
    VSTREAM *agent;
    int i;

    support_stream_pair(&qmgr, &agent, "qmgr-end", "agent-end");
    attr_print(qmgr, ATTR_FLAG_NONE, SEND_ATTR_INT(MAIL_ATTR_FLAGS, 0),
               SEND_ATTR_STR(MAIL_ATTR_QUEUE, tc->queue), SEND_ATTR_STR(MAIL_ATTR_QUEUEID, tc->id),
               SEND_ATTR_LONG(MAIL_ATTR_OFFSET, tc->offset), SEND_ATTR_LONG(MAIL_ATTR_SIZE, 10),
               SEND_ATTR_STR(MAIL_ATTR_NEXTHOP, ""), SEND_ATTR_STR(MAIL_ATTR_SENDER, ""),
               SEND_ATTR_LONG(MAIL_ATTR_ARRIVAL, 1), SEND_ATTR_LONG(MAIL_ATTR_ARRIVAL_USEC, 0),
               SEND_ATTR_LONG(MAIL_ATTR_ACTIVE, 1), SEND_ATTR_LONG(MAIL_ATTR_ACTIVE_USEC, 0),
               SEND_ATTR_INT(MAIL_ATTR_RCPT_COUNT, tc->claimed), ATTR_TYPE_END);
    for (i = 0; i < tc->sent; i++)
        attr_print(qmgr, ATTR_FLAG_NONE, SEND_ATTR_STR(MAIL_ATTR_ORCPT, "a@b"),
                   SEND_ATTR_STR(MAIL_ATTR_RECIP, "a@b"),
                   SEND_ATTR_LONG(MAIL_ATTR_RCPT_OFFSET, tc->rcpt_offset), ATTR_TYPE_END);
    ck_assert_int_eq(vstream_fflush(qmgr), 0);
    shutdown(vstream_fileno(qmgr), SHUT_WR);
    ck_assert_msg(deliver_request_read(agent) == 0, "%s", tc->label);
    vstream_fclose(qmgr);
    vstream_fclose(agent);
}
END_TEST

/* How to spoil an answer: offset, status, dsn, action, final status. */
static const struct bad_answer {
    const char *label;
    long offset;
    int status;
    const char *dsn;
    const char *action;
    int send_final;
} bad_answers[] = {
    {"wrong offset", 999, 0, "2.0.0", "delivered", 1},
    {"unknown status", 100, 7, "2.0.0", "delivered", 1},
    {"bad dsn", 100, 0, "x.0.0", "delivered", 1},
    {"empty dsn", 100, 0, "", "delivered", 1},
    {"bad action", 100, 0, "2.0.0", "exploded", 1},
    {"no final status", 100, 0, "2.0.0", "delivered", 0},
};

/* test_bad_answers - qmgr refuses one malformed answer */
START_TEST(test_bad_answers)
{
    const struct bad_answer *tc = bad_answers + _i;
    VSTREAM *qmgr;
    VSTREAM *agent;
    DELIVER_REQUEST *sent = make_request(TEST_ID);
    int status;

    deliver_request_free(sent);
    sent = deliver_request_alloc();
    sent->queue_id = mystrdup(TEST_ID);
    deliver_request_add_rcpt(sent, 0, "one@example.com", 100);
    support_stream_pair(&qmgr, &agent, "qmgr-end", "agent-end");
    attr_print(agent, ATTR_FLAG_NONE, SEND_ATTR_LONG(MAIL_ATTR_RCPT_OFFSET, tc->offset),
               SEND_ATTR_INT(MAIL_ATTR_STATUS, tc->status),
               SEND_ATTR_STR(MAIL_ATTR_DSN_STATUS, tc->dsn),
               SEND_ATTR_STR(MAIL_ATTR_DSN_ACTION, tc->action), SEND_ATTR_STR(MAIL_ATTR_WHY, "r"),
               ATTR_TYPE_END);
    if (tc->send_final)
        attr_print(agent, ATTR_FLAG_NONE, SEND_ATTR_INT(MAIL_ATTR_STATUS, 0), ATTR_TYPE_END);
    vstream_fflush(agent);
    shutdown(vstream_fileno(agent), SHUT_WR);
    ck_assert_msg(deliver_request_get_results(qmgr, sent, &status) == -1, "%s", tc->label);
    deliver_request_free(sent);
    vstream_fclose(qmgr);
    vstream_fclose(agent);
}
END_TEST

/* deliver_request_suite - all deliver_request tests */
static Suite *
deliver_request_suite(void)
{
    Suite *s = suite_create("deliver_request");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_exchange);
    tcase_add_test(tc, test_missing_file);
    tcase_add_loop_test(tc, test_bad_requests, 0, sizeof(bad_requests) / sizeof(bad_requests[0]));
    tcase_add_loop_test(tc, test_bad_answers, 0, sizeof(bad_answers) / sizeof(bad_answers[0]));
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(deliver_request_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
