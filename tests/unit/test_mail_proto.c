/*
 * test_mail_proto - unit tests for connecting to internal services and
 * waking them up (mail_proto.c).
 *
 * In a scratch queue directory (the current directory, with public/ and
 * private/): a forked fake server on a real UNIX socket sends a table of
 * announcements (good, wrong protocol, empty protocol, closed at once, cut
 * short, garbage, an extra or a different attribute, nothing at all until
 * the ipc_timeout) and mail_connect() must return a named stream with the
 * ipc_timeout, or NULL with the expected warning. A server that uses
 * mail_announce() talks to a client through mail_connect(); the announced
 * bytes are checked on a socket pair, and announcing to a closed peer
 * fails. A missing endpoint and a socket nobody listens on give NULL and a
 * warning, or, with mail_connect_quiet(), no warning and errno. Triggers
 * reach a UNIX socket and a FIFO with the exact bytes (one byte,
 * strlen(buf), an explicit length); a FIFO without a reader, a missing
 * endpoint, a dead socket and a plain file give -1 with errno and no
 * warning, except with -v.
 * Run: build/tests/test_mail_proto (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attr.h"
#include "iostuff.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "msg.h"
#include "sock.h"
#include "vstream.h"
#include "vstring.h"

#include "support.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static VSTRING *warnings;

/* setup - scratch queue directory, parameters, warning capture */
static void
setup(void)
{
    (void)support_scratch_enter("test_mail_proto");
    ck_assert_int_eq(mkdir(MAIL_CLASS_PUBLIC, 0755), 0);
    ck_assert_int_eq(mkdir(MAIL_CLASS_PRIVATE, 0700), 0);
    var_ipc_timeout = 1;
    var_trigger_timeout = 1;
    msg_verbose = 0;
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

/* listen_on - a listening UNIX socket at path */
static int
listen_on(const char *path)
{
    int fd = unix_listen(path, 10, 0666, BLOCKING);

    ck_assert_msg(fd >= 0, "listen %s: %s", path, strerror(errno));
    return fd;
}

/* drain - read until the peer closes (bounded), return the byte count */
static ssize_t
drain(int fd)
{
    char buf[4096];
    ssize_t total = 0;
    ssize_t n;

    while ((n = timed_read(fd, buf, sizeof(buf), 5)) > 0)
        total += n;
    return total;
}

/* wait_child - reap a fake server and return its exit status */
static int
wait_child(pid_t pid)
{
    int status;

    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status), "server died with status 0x%x", status);
    return WEXITSTATUS(status);
}

/*
 * fake_server - fork a server that accepts one connection on listen_fd,
 * sends the bytes (len < 0: send nothing), closes at once when hangup is
 * set and otherwise waits for the client to close.
 */
static pid_t
fake_server(int listen_fd, const char *bytes, ssize_t len, int hangup)
{
    pid_t pid;
    int fd;

    ck_assert_int_ne(pid = fork(), -1);
    if (pid == 0) {
        alarm(10);
        if ((fd = sane_accept(listen_fd)) < 0)
            _exit(2);
        if (len > 0 && write_buf(fd, bytes, (size_t)len, 5) != len)
            _exit(3);
        if (!hangup)
            (void)drain(fd);
        close(fd);
        _exit(0);
    }
    close(listen_fd);
    return pid;
}

#define Q(s) s, (ssize_t)(sizeof(s) - 1)

static const struct connect_case {
    const char *label;
    const char *bytes;
    ssize_t len; /* < 0: the server says nothing */
    int hangup;  /* the server closes after sending */
    int want_ok;
    const char *want_warning; /* "" for none */
} connect_cases[] = {
    {"good",
     Q("protocol\0"
       "cleanup\0"
       "\0"),
     0, 1, ""},
    {"good, server hangs up after",
     Q("protocol\0"
       "cleanup\0"
       "\0"),
     1, 1, ""},
    {"wrong protocol",
     Q("protocol\0"
       "showq\0"
       "\0"),
     0, 0, "public/cleanup: unexpected protocol \"showq\" (expected \"cleanup\")\n"},
    {"protocol with suffix",
     Q("protocol\0"
       "cleanupx\0"
       "\0"),
     0, 0, "public/cleanup: unexpected protocol \"cleanupx\" (expected \"cleanup\")\n"},
    {"empty protocol",
     Q("protocol\0"
       "\0"
       "\0"),
     0, 0, "public/cleanup: unexpected protocol \"\" (expected \"cleanup\")\n"},
    {"closes at once", "", 0, 1, 0, "public/cleanup: no protocol announcement from the server\n"},
    {"cut short",
     Q("protocol\0"
       "clea"),
     1, 0, "public/cleanup: no protocol announcement from the server\n"},
    {"no end of list",
     Q("protocol\0"
       "cleanup\0"),
     1, 0, "public/cleanup: no protocol announcement from the server\n"},
    {"garbage", Q("220 mail.example.com ESMTP\r\n"), 1, 0,
     "public/cleanup: no protocol announcement from the server\n"},
    {"extra attribute",
     Q("protocol\0"
       "cleanup\0"
       "extra\0"
       "1\0"
       "\0"),
     0, 0, "public/cleanup: no protocol announcement from the server\n"},
    {"other attribute",
     Q("proto\0"
       "cleanup\0"
       "\0"),
     0, 0, "public/cleanup: no protocol announcement from the server\n"},
    {"empty list", Q("\0"), 0, 0, "public/cleanup: no protocol announcement from the server\n"},
    {"silent server", "", -1, 0, 0, "public/cleanup: no protocol announcement from the server\n"},
};

/* test_connect - one announcement from a fake server */
START_TEST(test_connect)
{
    const struct connect_case *tc = connect_cases + _i;
    pid_t pid = fake_server(listen_on("public/cleanup"), tc->bytes, tc->len, tc->hangup);
    struct timeval start;
    struct timeval end;
    VSTREAM *stream;

    gettimeofday(&start, 0);
    stream = mail_connect(MAIL_CLASS_PUBLIC, MAIL_SERVICE_CLEANUP, MAIL_PROTO_CLEANUP);
    gettimeofday(&end, 0);
    if (tc->want_ok) {
        ck_assert_msg(stream != 0, "%s: refused: %s", tc->label, STR(warnings));
        ck_assert_str_eq(vstream_name(stream), "public/cleanup");
        ck_assert_int_eq(vstream_timeout(stream), var_ipc_timeout);
        ck_assert_int_eq(vstream_fclose(stream), 0);
        ck_assert_msg(LEN(warnings) == 0, "%s: warnings \"%s\"", tc->label, STR(warnings));
    } else {
        ck_assert_msg(stream == 0, "%s: accepted", tc->label);
        /* The module's own warning is the last one (attr_scan may warn first). */
        ck_assert_msg((size_t)LEN(warnings) >= strlen(tc->want_warning) &&
                          strcmp(STR(warnings) + LEN(warnings) - strlen(tc->want_warning),
                                 tc->want_warning) == 0,
                      "%s: warnings \"%s\"", tc->label, STR(warnings));
    }
    /* Only the silent server may make us wait, and no longer than ipc_timeout. */
    ck_assert_msg(end.tv_sec - start.tv_sec <= var_ipc_timeout + 1, "%s: took %lds", tc->label,
                  (long)(end.tv_sec - start.tv_sec));
    if (tc->len < 0)
        ck_assert(strstr(STR(warnings), "timeout") != 0);
    ck_assert_int_eq(wait_child(pid), 0);
}
END_TEST

/* test_announce_conversation - mail_announce() on the server, mail_connect() on the client */
START_TEST(test_announce_conversation)
{
    int listen_fd = listen_on("private/bounce");
    VSTREAM *stream;
    VSTRING *req = vstring_alloc(10);
    int status = -1;
    pid_t pid;
    int fd;

    ck_assert_int_ne(pid = fork(), -1);
    if (pid == 0) {
        alarm(10);
        if ((fd = sane_accept(listen_fd)) < 0)
            _exit(2);
        stream = vstream_fdopen(fd, O_RDWR);
        vstream_set_timeout(stream, 5);
        if (mail_announce(stream, MAIL_PROTO_BOUNCE) != 0)
            _exit(3);
        if (attr_scan(stream, ATTR_FLAG_STRICT, RECV_ATTR_STR(MAIL_ATTR_REQ, req), ATTR_TYPE_END) !=
                1 ||
            strcmp(STR(req), "ping") != 0)
            _exit(4);
        attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_INT(MAIL_ATTR_STATUS, 42), ATTR_TYPE_END);
        _exit(vstream_fclose(stream) == 0 ? 0 : 5);
    }
    close(listen_fd);
    stream = mail_connect(MAIL_CLASS_PRIVATE, MAIL_SERVICE_BOUNCE, MAIL_PROTO_BOUNCE);
    ck_assert_ptr_nonnull(stream);
    ck_assert_str_eq(vstream_name(stream), "private/bounce");
    attr_print(stream, ATTR_FLAG_NONE, SEND_ATTR_STR(MAIL_ATTR_REQ, "ping"), ATTR_TYPE_END);
    ck_assert_int_eq(vstream_fflush(stream), 0);
    ck_assert_int_eq(attr_scan(stream, ATTR_FLAG_STRICT, RECV_ATTR_INT(MAIL_ATTR_STATUS, &status),
                               ATTR_TYPE_END),
                     1);
    ck_assert_int_eq(status, 42);
    ck_assert_int_eq(vstream_fclose(stream), 0);
    ck_assert_int_eq(wait_child(pid), 0);
    ck_assert_str_eq(STR(warnings), "");
    vstring_free(req);
}
END_TEST

/* test_announce_bytes - the exact announcement, and a write to a closed peer */
START_TEST(test_announce_bytes)
{
    static const char want[] = "protocol\0"
                               "showq\0"
                               "\0";
    char got[100];
    VSTREAM *stream;
    int sv[2];
    ssize_t n;

    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    stream = vstream_fdopen(sv[0], O_RDWR);
    vstream_set_timeout(stream, 5);
    ck_assert_int_eq(mail_announce(stream, MAIL_PROTO_SHOWQ), 0);
    /* Flushed: the bytes are there without another flush. */
    n = timed_read(sv[1], got, sizeof(got), 5);
    ck_assert_int_eq(n, (ssize_t)sizeof(want) - 1);
    ck_assert_int_eq(memcmp(got, want, sizeof(want) - 1), 0);

    close(sv[1]);
    ck_assert_int_eq(mail_announce(stream, MAIL_PROTO_SHOWQ), -1);
    (void)vstream_fclose(stream);
}
END_TEST

/* test_connect_missing - no endpoint, a dead socket, and the quiet variant */
START_TEST(test_connect_missing)
{
    int fd;

    errno = 0;
    ck_assert_ptr_null(mail_connect(MAIL_CLASS_PUBLIC, "nosuch", MAIL_PROTO_CLEANUP));
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_str_eq(STR(warnings), "connect to public/nosuch: No such file or directory\n");

    vstring_reset(warnings);
    errno = 0;
    ck_assert_ptr_null(mail_connect_quiet(MAIL_CLASS_PUBLIC, "nosuch", MAIL_PROTO_CLEANUP));
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_str_eq(STR(warnings), "");

    errno = 0;
    ck_assert_ptr_null(mail_connect_quiet("noclass", "nosuch", MAIL_PROTO_CLEANUP));
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_str_eq(STR(warnings), "");

    /* A socket file whose server is gone. */
    fd = listen_on("private/dead");
    close(fd);
    errno = 0;
    ck_assert_ptr_null(mail_connect_quiet(MAIL_CLASS_PRIVATE, "dead", MAIL_PROTO_CLEANUP));
    ck_assert_int_eq(errno, ECONNREFUSED);
    ck_assert_str_eq(STR(warnings), "");
    ck_assert_ptr_null(mail_connect(MAIL_CLASS_PRIVATE, "dead", MAIL_PROTO_CLEANUP));
    ck_assert_str_eq(STR(warnings), "connect to private/dead: Connection refused\n");
}
END_TEST

/* test_connect_quiet_wrong_protocol - quiet is only about the connect itself */
START_TEST(test_connect_quiet_wrong_protocol)
{
    pid_t pid = fake_server(listen_on("public/cleanup"),
                            Q("protocol\0"
                              "showq\0"
                              "\0"),
                            0);

    ck_assert_ptr_null(
        mail_connect_quiet(MAIL_CLASS_PUBLIC, MAIL_SERVICE_CLEANUP, MAIL_PROTO_CLEANUP));
    ck_assert_str_eq(STR(warnings),
                     "public/cleanup: unexpected protocol \"showq\" (expected \"cleanup\")\n");
    ck_assert_int_eq(wait_child(pid), 0);

    /* And a good announcement through the quiet variant. */
    pid = fake_server(listen_on("public/cleanup"),
                      Q("protocol\0"
                        "cleanup\0"
                        "\0"),
                      0);
    vstring_reset(warnings);
    {
        VSTREAM *stream =
            mail_connect_quiet(MAIL_CLASS_PUBLIC, MAIL_SERVICE_CLEANUP, MAIL_PROTO_CLEANUP);

        ck_assert_ptr_nonnull(stream);
        ck_assert_int_eq(vstream_timeout(stream), var_ipc_timeout);
        vstream_fclose(stream);
    }
    ck_assert_int_eq(wait_child(pid), 0);
    ck_assert_str_eq(STR(warnings), "");
}
END_TEST

/* accept_read - accept one queued connection and read all it sent */
static void
accept_read(int listen_fd, char *buf, size_t size)
{
    int fd;
    ssize_t n;
    size_t len = 0;

    ck_assert_int_eq(read_wait(listen_fd, 5), 0);
    ck_assert_int_ge(fd = sane_accept(listen_fd), 0);
    while (len < size - 1 && (n = timed_read(fd, buf + len, size - 1 - len, 5)) > 0)
        len += (size_t)n;
    buf[len] = 0;
    close(fd);
}

/* test_trigger_socket - one byte and several bytes to a UNIX socket */
START_TEST(test_trigger_socket)
{
    int listen_fd = listen_on("public/qmgr");
    char buf[100];

    ck_assert_int_eq(mail_trigger(MAIL_CLASS_PUBLIC, MAIL_SERVICE_QUEUE, QMGR_REQ_SCAN_INCOMING),
                     0);
    accept_read(listen_fd, buf, sizeof(buf));
    ck_assert_str_eq(buf, "I");

    ck_assert_int_eq(mail_trigger_buf(MAIL_CLASS_PUBLIC, MAIL_SERVICE_QUEUE, "AD", -1), 0);
    accept_read(listen_fd, buf, sizeof(buf));
    ck_assert_str_eq(buf, "AD");

    ck_assert_int_eq(mail_trigger_buf(MAIL_CLASS_PUBLIC, MAIL_SERVICE_QUEUE, "FXYZ", 1), 0);
    accept_read(listen_fd, buf, sizeof(buf));
    ck_assert_str_eq(buf, "F");
    close(listen_fd);
    ck_assert_str_eq(STR(warnings), "");
}
END_TEST

/* test_trigger_fifo - one byte and several bytes to a FIFO */
START_TEST(test_trigger_fifo)
{
    int fd = fifo_listen("public/pickup", 0622, NON_BLOCKING);
    char buf[100];
    ssize_t n;

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(mail_trigger(MAIL_CLASS_PUBLIC, MAIL_SERVICE_PICKUP, TRIGGER_REQ_WAKEUP), 0);
    ck_assert_int_eq(mail_trigger_buf(MAIL_CLASS_PUBLIC, MAIL_SERVICE_PICKUP, "WI", -1), 0);
    ck_assert_int_eq(mail_trigger_buf(MAIL_CLASS_PUBLIC, MAIL_SERVICE_PICKUP, "DAX", 2), 0);
    n = read(fd, buf, sizeof(buf));
    ck_assert_int_eq(n, 5);
    ck_assert_int_eq(memcmp(buf, "WWIDA", 5), 0);
    /* Nothing more. */
    ck_assert_int_eq(read(fd, buf, sizeof(buf)), -1);
    ck_assert_int_eq(errno, EAGAIN);
    close(fd);
    ck_assert_str_eq(STR(warnings), "");
}
END_TEST

static const struct trigger_fail_case {
    const char *label;
    const char *class;
    const char *service;
    int want_errno;
    const char *want_verbose; /* the warning with -v */
} trigger_fail_cases[] = {
    {"missing", MAIL_CLASS_PUBLIC, "nosuch", ENOENT,
     "trigger public/nosuch: No such file or directory\n"},
    {"missing class", "noclass", "qmgr", ENOENT,
     "trigger noclass/qmgr: No such file or directory\n"},
    {"fifo without reader", MAIL_CLASS_PUBLIC, "flush", ENXIO,
     "trigger public/flush: No such device or address\n"},
    {"dead socket", MAIL_CLASS_PRIVATE, "dead", ECONNREFUSED,
     "trigger private/dead: Connection refused\n"},
    {"plain file", MAIL_CLASS_PRIVATE, "plain", ECONNREFUSED,
     "trigger private/plain: Connection refused\n"},
};

/* test_trigger_fail - an undeliverable trigger: -1, errno, and a warning only with -v */
START_TEST(test_trigger_fail)
{
    const struct trigger_fail_case *tc = trigger_fail_cases + _i;
    VSTREAM *fp;
    int fd;

    ck_assert_int_eq(mkfifo("public/flush", 0622), 0);
    fd = listen_on("private/dead");
    close(fd);
    fp = vstream_fopen("private/plain", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_ptr_nonnull(fp);
    vstream_fclose(fp);

    errno = 0;
    ck_assert_int_eq(mail_trigger(tc->class, tc->service, TRIGGER_REQ_WAKEUP), -1);
    ck_assert_msg(errno == tc->want_errno, "%s: errno %d", tc->label, errno);
    ck_assert_msg(LEN(warnings) == 0, "%s: warnings \"%s\"", tc->label, STR(warnings));

    msg_verbose = 1;
    errno = 0;
    ck_assert_int_eq(mail_trigger_buf(tc->class, tc->service, "WI", -1), -1);
    msg_verbose = 0;
    ck_assert_msg(errno == tc->want_errno, "%s: errno %d (verbose)", tc->label, errno);
    ck_assert_msg(strcmp(STR(warnings), tc->want_verbose) == 0, "%s: warnings \"%s\"", tc->label,
                  STR(warnings));
}
END_TEST

/* mail_proto_suite - all mail_proto tests */
static Suite *
mail_proto_suite(void)
{
    Suite *s = suite_create("mail_proto");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 10);
    tcase_add_loop_test(tc, test_connect, 0, COUNT(connect_cases));
    tcase_add_test(tc, test_announce_conversation);
    tcase_add_test(tc, test_announce_bytes);
    tcase_add_test(tc, test_connect_missing);
    tcase_add_test(tc, test_connect_quiet_wrong_protocol);
    tcase_add_test(tc, test_trigger_socket);
    tcase_add_test(tc, test_trigger_fifo);
    tcase_add_loop_test(tc, test_trigger_fail, 0, COUNT(trigger_fail_cases));
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(mail_proto_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
