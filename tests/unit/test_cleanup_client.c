/*
 * test_cleanup_client - unit tests for the client half of the cleanup
 * protocol (cleanup_client.c).
 *
 * In a scratch queue directory, a fake cleanup server is forked on a real
 * UNIX socket at public/cleanup or private/cleanup. It announces itself,
 * sends a queue ID, reads the flags and the records up to END, reports
 * what it received over a pipe and answers with a table's status and
 * reason: the client must get the queue ID, send only the known flag bits,
 * pass every record, and return the status with cleanup's reason (or
 * cleanup_strerror() when there is none). public/cleanup is preferred to
 * private/cleanup; with neither, open fails with a warning. Misbehaving
 * servers: no or a malformed queue ID, a wrong protocol (open fails); a
 * server that dies before its answer, a malformed answer, and a server
 * that dies while a large message is still being sent (close returns
 * CLEANUP_STAT_WRITE with the reason). A table for cleanup_strerror():
 * each bit, the order of importance, unknown bits.
 * Run: build/tests/test_cleanup_client (non-zero exit status on failure).
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
#include "cleanup_proto.h"
#include "iostuff.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "msg.h"
#include "mymalloc.h"
#include "record.h"
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
    (void)support_scratch_enter("test_cleanup_client");
    ck_assert_int_eq(mkdir(MAIL_CLASS_PUBLIC, 0755), 0);
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

/* What the fake server does. */
enum script {
    SERVE,             /* the whole conversation, then the status and reason */
    WRONG_PROTO,       /* announce "showq" */
    NO_ID,             /* announce, then an empty list instead of the queue ID */
    BAD_ID,            /* announce, then a malformed queue ID */
    DIE_BEFORE_ANSWER, /* read everything, exit without an answer */
    BAD_ANSWER,        /* read everything, answer { status=abc } */
    DIE_AT_ONCE,       /* exit right after sending the queue ID */
};

/*
 * fake_cleanup - fork a cleanup server on path for one connection. The
 * report says "flags=N records=TYPES last=DATA" (record types as letters,
 * the data of the last RCPT record).
 */
static SUPPORT_SERVER
fake_cleanup(const char *path, enum script script, const char *queue_id, int status,
             const char *reason)
{
    SUPPORT_SERVER srv = support_server_fork(path);
    VSTREAM *stream = srv.stream;
    VSTRING *buf;
    VSTRING *types;
    VSTRING *rcpt;
    int flags = -1;
    int type;

    if (srv.pid == 0) {
        if (mail_announce(stream, script == WRONG_PROTO ? MAIL_PROTO_SHOWQ : MAIL_PROTO_CLEANUP) <
            0)
            _exit(3);
        if (script == WRONG_PROTO)
            _exit(0);
        if (script == NO_ID)
            attr_print(stream, ATTR_FLAG_NONE, ATTR_TYPE_END);
        else
            attr_print(stream, ATTR_FLAG_NONE,
                       SEND_ATTR_STR(MAIL_ATTR_QUEUEID, script == BAD_ID ? "../../etc" : queue_id),
                       ATTR_TYPE_END);
        if (vstream_fflush(stream) != 0)
            _exit(4);
        if (script == DIE_AT_ONCE) {
            dprintf(srv.report_fd, "gone after the queue ID");
            _exit(0);
        }
        if (script == NO_ID || script == BAD_ID) {
            while (vstream_getc(stream) != VSTREAM_EOF)
                /* void */;
            _exit(0);
        }
        if (attr_scan(stream, ATTR_FLAG_STRICT, RECV_ATTR_INT(MAIL_ATTR_FLAGS, &flags),
                      ATTR_TYPE_END) != 1)
            _exit(5);
        buf = vstring_alloc(100);
        types = vstring_alloc(100);
        rcpt = vstring_alloc(100);
        while ((type = rec_get(stream, buf, 0)) > 0) {
            vstring_addch(types, type);
            if (type == REC_TYPE_RCPT)
                vstring_strcpy(rcpt, STR(buf));
            if (type == REC_TYPE_END)
                break;
        }
        dprintf(srv.report_fd, "flags=%d records=%s last=%s", flags, STR(types), STR(rcpt));
        if (type != REC_TYPE_END)
            _exit(6);
        if (script == DIE_BEFORE_ANSWER)
            _exit(0);
        if (script == BAD_ANSWER)
            vstream_fwrite(stream, "status\0abc\0\0", 12);
        else
            attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_INT(MAIL_ATTR_STATUS, status),
                       SEND_ATTR_STR(MAIL_ATTR_WHY, reason), ATTR_TYPE_END);
        _exit(vstream_fclose(stream) == 0 ? 0 : 7);
    }
    return srv;
}

/* send_message - the records of a small message */
static void
send_message(VSTREAM *stream)
{
    rec_fputs(stream, REC_TYPE_TIME, "1700000000 0");
    rec_fputs(stream, REC_TYPE_FROM, "alice@example.com");
    rec_fputs(stream, REC_TYPE_RCPT, "bob@example.com");
    rec_fputs(stream, REC_TYPE_MESG, "");
    rec_fputs(stream, REC_TYPE_NORM, "Subject: hi");
    rec_fputs(stream, REC_TYPE_NORM, "");
    rec_fputs(stream, REC_TYPE_NORM, "hello");
    rec_fputs(stream, REC_TYPE_XTRA, "");
    rec_fputs(stream, REC_TYPE_RCPT, "carol@example.com");
    rec_fputs(stream, REC_TYPE_END, "");
}

static const struct status_case {
    const char *label;
    const char *path; /* where the server listens */
    int flags;        /* given to cleanup_client_open() */
    int want_flags;   /* what the server receives */
    int status;
    const char *reason;
    const char *want_why;
} status_cases[] = {
    {"queued", "public/cleanup", CLEANUP_FLAG_NONE, 0, CLEANUP_STAT_OK, "", ""},
    {"queued, private", "private/cleanup", CLEANUP_FLAG_LOCAL, CLEANUP_FLAG_LOCAL, CLEANUP_STAT_OK,
     "", ""},
    {"unknown flags masked", "public/cleanup", 0xff0 | CLEANUP_FLAG_EXTRACT | CLEANUP_FLAG_BOUNCE,
     CLEANUP_FLAG_EXTRACT | CLEANUP_FLAG_BOUNCE, CLEANUP_STAT_OK, "", ""},
    {"too big, no reason", "public/cleanup", 0, 0, CLEANUP_STAT_SIZE, "", "message file too big"},
    {"content rejected, reason", "public/cleanup", 0, 0, CLEANUP_STAT_CONT,
     "5.7.1 message content rejected: spam", "5.7.1 message content rejected: spam"},
    {"write error", "private/cleanup", 0, 0, CLEANUP_STAT_WRITE, "", "queue file write error"},
    {"several bits", "public/cleanup", 0, 0, CLEANUP_STAT_RCPT | CLEANUP_STAT_HOPS, "",
     "too many hops"},
    {"unknown status", "public/cleanup", 0, 0, 1 << 12, "", "unknown cleanup error"},
};

/* test_status - a whole conversation; status and reason come back */
START_TEST(test_status)
{
    const struct status_case *tc = status_cases + _i;
    SUPPORT_SERVER srv = fake_cleanup(tc->path, SERVE, TEST_ID, tc->status, tc->reason);
    VSTRING *id = vstring_alloc(10);
    VSTRING *why = vstring_alloc(10);
    VSTREAM *stream;
    char want[200];

    stream = cleanup_client_open(tc->flags, id);
    ck_assert_msg(stream != 0, "%s: open failed: %s", tc->label, STR(warnings));
    ck_assert_str_eq(STR(id), TEST_ID);
    ck_assert_str_eq(vstream_name(stream), tc->path);
    send_message(stream);
    vstring_strcpy(why, "stale");
    ck_assert_int_eq(cleanup_client_close(stream, why), tc->status);
    ck_assert_msg(strcmp(STR(why), tc->want_why) == 0, "%s: why \"%s\"", tc->label, STR(why));
    snprintf(want, sizeof(want), "flags=%d records=TFRMNNNXRE last=carol@example.com",
             tc->want_flags);
    ck_assert_str_eq(support_server_finish(srv), want);
    ck_assert_msg(LEN(warnings) == 0, "%s: warnings \"%s\"", tc->label, STR(warnings));
    vstring_free(id);
    vstring_free(why);
}
END_TEST

/* test_public_preferred - with both endpoints, public/cleanup is used */
START_TEST(test_public_preferred)
{
    SUPPORT_SERVER priv = fake_cleanup("private/cleanup", WRONG_PROTO, TEST_ID, 0, "");
    SUPPORT_SERVER pub = fake_cleanup("public/cleanup", SERVE, "0000000001z2", 0, "");
    VSTRING *id = vstring_alloc(10);
    VSTRING *why = vstring_alloc(10);
    VSTREAM *stream;
    int fd;

    stream = cleanup_client_open(0, id);
    ck_assert_ptr_nonnull(stream);
    ck_assert_str_eq(vstream_name(stream), "public/cleanup");
    ck_assert_str_eq(STR(id), "0000000001z2");
    send_message(stream);
    ck_assert_int_eq(cleanup_client_close(stream, why), CLEANUP_STAT_OK);
    ck_assert_str_eq(support_server_finish(pub),
                     "flags=0 records=TFRMNNNXRE last=carol@example.com");

    /* Release the private server that nobody talked to. */
    fd = unix_connect("private/cleanup", BLOCKING, 2);
    ck_assert_int_ge(fd, 0);
    {
        char buf[100];

        while (timed_read(fd, buf, sizeof(buf), 5) > 0)
            /* void */;
    }
    close(fd);
    (void)support_server_finish(priv);
    ck_assert_str_eq(STR(warnings), "");
    vstring_free(id);
    vstring_free(why);
}
END_TEST

static const struct open_fail_case {
    const char *label;
    enum script script;
    const char *want_warning;
} open_fail_cases[] = {
    {"wrong protocol", WRONG_PROTO,
     "public/cleanup: unexpected protocol \"showq\" (expected \"cleanup\")\n"},
    {"no queue ID", NO_ID, "public/cleanup: no queue ID from the cleanup service\n"},
    {"malformed queue ID", BAD_ID, "public/cleanup: malformed queue ID from the cleanup service\n"},
};

/* test_open_fail - a cleanup server that misbehaves before the records */
START_TEST(test_open_fail)
{
    const struct open_fail_case *tc = open_fail_cases + _i;
    SUPPORT_SERVER srv = fake_cleanup("public/cleanup", tc->script, TEST_ID, 0, "");
    VSTRING *id = vstring_alloc(10);

    ck_assert_ptr_null(cleanup_client_open(0, id));
    /* The module's warning is the last one (attr_scan may warn first). */
    ck_assert_msg(support_ends_with(STR(warnings), tc->want_warning), "%s: warnings \"%s\"",
                  tc->label, STR(warnings));
    (void)support_server_finish(srv);
    vstring_free(id);
}
END_TEST

/* test_no_service - neither endpoint exists */
START_TEST(test_no_service)
{
    VSTRING *id = vstring_alloc(10);

    ck_assert_ptr_null(cleanup_client_open(0, id));
    ck_assert_str_eq(STR(warnings), "connect to private/cleanup: No such file or directory\n");
    vstring_free(id);
}
END_TEST

static const struct close_fail_case {
    const char *label;
    enum script script;
    int big; /* send more than the socket buffers hold */
    const char *want_why;
} close_fail_cases[] = {
    {"dies before its answer", DIE_BEFORE_ANSWER, 0,
     "lost connection with the cleanup service before its answer"},
    {"malformed answer", BAD_ANSWER, 0,
     "lost connection with the cleanup service before its answer"},
    {"dies while the message is sent", DIE_AT_ONCE, 1,
     "lost connection with the cleanup service while sending the message"},
};

/* test_close_fail - the server goes away or garbles its answer: CLEANUP_STAT_WRITE */
START_TEST(test_close_fail)
{
    const struct close_fail_case *tc = close_fail_cases + _i;
    SUPPORT_SERVER srv = fake_cleanup("public/cleanup", tc->script, TEST_ID, 0, "");
    VSTRING *id = vstring_alloc(10);
    VSTRING *why = vstring_alloc(10);
    VSTREAM *stream;
    char *line;
    int i;

    stream = cleanup_client_open(CLEANUP_FLAG_BOUNCE, id);
    ck_assert_ptr_nonnull(stream);
    if (tc->big) {
        /* More than the socket buffers hold: the writes must fail. */
        line = mymalloc(1000);
        memset(line, 'x', 999);
        line[999] = 0;
        for (i = 0; i < 4000; i++)
            rec_fputs(stream, REC_TYPE_NORM, line);
        myfree(line);
        rec_fputs(stream, REC_TYPE_END, "");
    } else {
        send_message(stream);
    }
    ck_assert_int_eq(cleanup_client_close(stream, why), CLEANUP_STAT_WRITE);
    ck_assert_msg(strcmp(STR(why), tc->want_why) == 0, "%s: why \"%s\"", tc->label, STR(why));
    ck_assert_str_eq(support_server_finish(srv),
                     tc->big ? "gone after the queue ID"
                             : "flags=2 records=TFRMNNNXRE last=carol@example.com");
    vstring_free(id);
    vstring_free(why);
}
END_TEST

static const struct strerror_case {
    int status;
    const char *text;
} strerror_cases[] = {
    {CLEANUP_STAT_OK, "Success"},
    {CLEANUP_STAT_BAD, "internal protocol error"},
    {CLEANUP_STAT_WRITE, "queue file write error"},
    {CLEANUP_STAT_SIZE, "message file too big"},
    {CLEANUP_STAT_CONT, "message content rejected"},
    {CLEANUP_STAT_HOPS, "too many hops"},
    {CLEANUP_STAT_RCPT, "no recipients specified"},
    {CLEANUP_STAT_SYN, "bad address syntax"},
    {CLEANUP_STAT_BAD | CLEANUP_STAT_SYN, "internal protocol error"},
    {CLEANUP_STAT_WRITE | CLEANUP_STAT_SIZE, "queue file write error"},
    {CLEANUP_STAT_SIZE | CLEANUP_STAT_HOPS, "message file too big"},
    {CLEANUP_STAT_CONT | CLEANUP_STAT_RCPT, "no recipients specified"},
    {CLEANUP_STAT_SYN | CLEANUP_STAT_CONT, "message content rejected"},
    {CLEANUP_STAT_SYN | (1 << 9), "bad address syntax"},
    {1 << 9, "unknown cleanup error"},
    {-1, "internal protocol error"},
};

/* test_strerror - one status and its text */
START_TEST(test_strerror)
{
    ck_assert_str_eq(cleanup_strerror(strerror_cases[_i].status), strerror_cases[_i].text);
}
END_TEST

/* cleanup_client_suite - all cleanup_client tests */
static Suite *
cleanup_client_suite(void)
{
    Suite *s = suite_create("cleanup_client");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 10);
    tcase_add_loop_test(tc, test_status, 0, COUNT(status_cases));
    tcase_add_test(tc, test_public_preferred);
    tcase_add_loop_test(tc, test_open_fail, 0, COUNT(open_fail_cases));
    tcase_add_test(tc, test_no_service);
    tcase_add_loop_test(tc, test_close_fail, 0, COUNT(close_fail_cases));
    tcase_add_loop_test(tc, test_strerror, 0, COUNT(strerror_cases));
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(cleanup_client_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
