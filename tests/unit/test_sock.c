/*
 * test_sock - unit tests for sock.c: unix sockets (listen, connect,
 * accept, mode, stale socket replaced, path too long), FIFOs (create,
 * trigger, reopen), TCP on 127.0.0.1 port 0, malformed inet addresses,
 * and trigger_send to a socket, a FIFO and nothing.
 *
 * Run: build/tests/test_sock (exit status 0 when every test passes).
 */
#include "sys_defs.h"

#include <check.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iostuff.h"
#include "sock.h"

static char dir[] = "/tmp/test_sock.XXXXXX";

/* path_in - a path inside the test directory */
static const char *
path_in(const char *name)
{
    static char buf[256];

    snprintf(buf, sizeof(buf), "%s/%s", dir, name);
    return (buf);
}

START_TEST(test_unix_roundtrip)
{
    char path[256];
    struct stat st;
    char buf[8];
    int lfd, cfd, afd;

    snprintf(path, sizeof(path), "%s", path_in("sock"));
    /* A stale socket file is replaced. */
    ck_assert_int_ge(lfd = unix_listen(path, 10, 0600, NON_BLOCKING), 0);
    close(lfd);
    ck_assert_int_ge(lfd = unix_listen(path, 10, 0666, NON_BLOCKING), 0);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0666);
    ck_assert_int_eq(sane_accept(lfd), -1); /* nothing pending */
    ck_assert_int_eq(errno, EAGAIN);
    ck_assert_int_ge(cfd = unix_connect(path, BLOCKING, 2), 0);
    ck_assert_int_eq(read_wait(lfd, 2), 0);
    ck_assert_int_ge(afd = sane_accept(lfd), 0);
    ck_assert_int_eq(write_buf(cfd, "hi", 2, 2), 2);
    ck_assert_int_eq(timed_read(afd, buf, sizeof(buf), 2), 2);
    close(afd);
    close(cfd);
    close(lfd);
}
END_TEST

static const char *bad_unix[] = {
    "",
    "/tmp/"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxx",
    "/nonexistent-dir-postern/sock",
};

START_TEST(test_unix_bad)
{
    ck_assert_int_eq(unix_listen(bad_unix[_i], 10, 0600, BLOCKING), -1);
    ck_assert_int_eq(unix_connect(bad_unix[_i], BLOCKING, 1), -1);
}
END_TEST

START_TEST(test_connect_nobody)
{
    ck_assert_int_eq(unix_connect(path_in("nobody"), BLOCKING, 1), -1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_fifo)
{
    char path[256];
    struct stat st;
    char buf[8];
    int fd;
    int fd2;

    snprintf(path, sizeof(path), "%s", path_in("fifo"));
    ck_assert_int_eq(trigger_send(path, 1, "W", 1, 1), -1); /* no fifo */
    ck_assert_int_ge(fd = fifo_listen(path, 0622, NON_BLOCKING), 0);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert(S_ISFIFO(st.st_mode));
    ck_assert_int_eq(st.st_mode & 0777, 0622);
    ck_assert_int_eq(trigger_send(path, 1, "W", 1, 1), 0);
    ck_assert_int_eq(timed_read(fd, buf, sizeof(buf), 2), 1);
    ck_assert_int_eq(buf[0], 'W');
    /* Opened again while it exists: fine. */
    ck_assert_int_ge(fd2 = fifo_listen(path, 0622, NON_BLOCKING), 0);
    close(fd2);
    close(fd);
    /* A regular file in the way is refused. */
    close(creat(path_in("plain"), 0600));
    ck_assert_int_eq(fifo_listen(path_in("plain"), 0622, BLOCKING), -1);
}
END_TEST

START_TEST(test_inet_loopback)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);
    char addr[64];
    char buf[8];
    int lfd, cfd, afd;

    ck_assert_int_ge(lfd = inet_listen("127.0.0.1:0", 10, NON_BLOCKING), 0);
    ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&sin, &len), 0);
    ck_assert_int_ne(ntohs(sin.sin_port), 0);
    ck_assert_int_ge(cfd = socket(AF_INET, SOCK_STREAM, 0), 0);
    ck_assert_int_eq(connect(cfd, (struct sockaddr *)&sin, len), 0);
    ck_assert_int_eq(read_wait(lfd, 2), 0);
    ck_assert_int_ge(afd = sane_accept(lfd), 0);
    ck_assert_int_eq(write_buf(afd, "ok", 2, 2), 2);
    ck_assert_int_eq(timed_read(cfd, buf, sizeof(buf), 2), 2);
    close(afd);
    close(cfd);
    /* The same port again while in use: refused. */
    snprintf(addr, sizeof(addr), "127.0.0.1:%d", ntohs(sin.sin_port));
    ck_assert_int_eq(inet_listen(addr, 10, BLOCKING), -1);
    close(lfd);
    ck_assert_int_ge(lfd = inet_listen("[::1]:0", 10, BLOCKING), -1);
    if (lfd >= 0)
        close(lfd);
}
END_TEST

static const char *bad_inet[] = {
    "127.0.0.1",  /* no port */
    "127.0.0.1:", /* empty port */
    "[::1",       /* unterminated bracket */
    "[::1]25",    /* no colon after bracket */
    "127.0.0.1:no-such-service-postern",
    "no-such-host.invalid:25",
    "",
};

START_TEST(test_inet_bad)
{
    ck_assert_int_eq(inet_listen(bad_inet[_i], 10, BLOCKING), -1);
}
END_TEST

START_TEST(test_trigger_unix)
{
    char path[256];
    char buf[8];
    int lfd, afd;

    snprintf(path, sizeof(path), "%s", path_in("trig"));
    ck_assert_int_ge(lfd = unix_listen(path, 10, 0666, BLOCKING), 0);
    ck_assert_int_eq(trigger_send(path, 0, "FA", -1, 2), 0);
    ck_assert_int_ge(afd = sane_accept(lfd), 0);
    ck_assert_int_eq(timed_read(afd, buf, sizeof(buf), 2), 2);
    ck_assert_int_eq(memcmp(buf, "FA", 2), 0);
    close(afd);
    close(lfd);
    unlink(path);
    ck_assert_int_eq(trigger_send(path, 0, "W", 1, 1), -1);
}
END_TEST

/* sock_suite - all sock tests */
static Suite *
sock_suite(void)
{
    Suite *s = suite_create("sock");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, test_unix_roundtrip);
    tcase_add_loop_test(tc, test_unix_bad, 0, sizeof(bad_unix) / sizeof(bad_unix[0]));
    tcase_add_test(tc, test_connect_nobody);
    tcase_add_test(tc, test_fifo);
    tcase_add_test(tc, test_inet_loopback);
    tcase_add_loop_test(tc, test_inet_bad, 0, sizeof(bad_inet) / sizeof(bad_inet[0]));
    tcase_add_test(tc, test_trigger_unix);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite in a scratch directory */
int
main(void)
{
    SRunner *sr;
    int failed;
    char cmd[300];

    signal(SIGPIPE, SIG_IGN);
    if (mkdtemp(dir) == 0)
        return (1);
    sr = srunner_create(sock_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    snprintf(cmd, sizeof(cmd), "%s", dir);
    (void)unlink(path_in("sock"));
    (void)unlink(path_in("fifo"));
    (void)unlink(path_in("plain"));
    (void)unlink(path_in("trig"));
    (void)rmdir(cmd);
    return (failed == 0 ? 0 : 1);
}
