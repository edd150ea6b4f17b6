/*
 * test_qmgr_scan - unit tests for qmgr's queue directory scanner.
 *
 * A table drives the pure filter (well-formed IDs only, ID.tmp and junk
 * skipped, future mtimes skipped unless QMGR_SCAN_ALL). A scratch queue
 * directory then checks that a scan returns eligible files in ID (time)
 * order, skips non-ID names, subdirectories and files that vanished, that
 * 'A' (QMGR_SCAN_ALL) takes future files, and that a request during a scan
 * leads to a rescan.
 * Run: build/tests/test_qmgr_scan (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "msg.h"
#include "vstring.h"

#include "mail_queue.h"

#include "support.h"

#include "qmgr_scan.h" /* the Makefile has no -Isrc/qmgr */

static char tmpdir[] = "/tmp/test_qmgr_scan.XXXXXX";

/* make_id - a well-formed queue ID for a given time and inode */
static const char *
make_id(VSTRING *buf, long sec, long usec, long inode)
{
    struct timeval tv;

    tv.tv_sec = sec;
    tv.tv_usec = usec;
    mail_queue_id_make(buf, (ino_t)inode, &tv);
    return STR(buf);
}

/* test_select - the filter table */
START_TEST(test_select)
{
    VSTRING *id = vstring_alloc(40);
    VSTRING *tmp = vstring_alloc(40);

    make_id(id, 1700000000, 5, 12345);
    vstring_sprintf(tmp, "%s.tmp", STR(id));
    ck_assert_int_eq(qmgr_scan_select(STR(id), 100, 100, 0), 1);
    ck_assert_int_eq(qmgr_scan_select(STR(id), 99, 100, 0), 1);
    ck_assert_int_eq(qmgr_scan_select(STR(id), 101, 100, 0), 0);
    ck_assert_int_eq(qmgr_scan_select(STR(id), 101, 100, QMGR_SCAN_ALL), 1);
    ck_assert_int_eq(qmgr_scan_select(STR(tmp), 0, 100, QMGR_SCAN_ALL), 0);
    ck_assert_int_eq(qmgr_scan_select(".", 0, 100, QMGR_SCAN_ALL), 0);
    ck_assert_int_eq(qmgr_scan_select("..", 0, 100, QMGR_SCAN_ALL), 0);
    ck_assert_int_eq(qmgr_scan_select("", 0, 100, QMGR_SCAN_ALL), 0);
    ck_assert_int_eq(qmgr_scan_select("README", 0, 100, QMGR_SCAN_ALL), 0);
    ck_assert_int_eq(qmgr_scan_select("../etc/passwd", 0, 100, QMGR_SCAN_ALL), 0);
    vstring_free(id);
    vstring_free(tmp);
}
END_TEST

/* touch - create a file with the given mtime */
static void
touch(const char *queue, const char *name, time_t mtime)
{
    char path[300];
    struct timeval times[2];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", queue, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    close(fd);
    times[0].tv_sec = times[1].tv_sec = mtime;
    times[0].tv_usec = times[1].tv_usec = 0;
    ck_assert_int_eq(utimes(path, times), 0);
}

/* collect - run a scan to its end and join the IDs with spaces */
static void
collect(QMGR_SCAN *scan, time_t now, VSTRING *out)
{
    const char *id;

    vstring_reset(out);
    while ((id = qmgr_scan_next(scan, now)) != NULL)
        vstring_sprintf_append(out, "%s%s", LEN(out) ? " " : "", id);
}

/* test_scan_order - eligible files in ID order, junk skipped */
START_TEST(test_scan_order)
{
    VSTRING *a = vstring_alloc(40), *b = vstring_alloc(40), *c = vstring_alloc(40);
    VSTRING *expect = vstring_alloc(100), *got = vstring_alloc(100);
    QMGR_SCAN *scan;
    time_t now = 1700001000;
    char path[300];

    ck_assert_int_eq(chdir(tmpdir), 0);
    mkdir("deferred", 0700);
    make_id(a, 1700000000, 1, 7);
    make_id(b, 1700000000, 2, 3);
    make_id(c, 1700000500, 0, 1);
    touch("deferred", STR(c), now - 1);
    touch("deferred", STR(b), now + 500); /* not yet due */
    touch("deferred", STR(a), now);
    vstring_sprintf(expect, "%s.tmp", STR(a));
    touch("deferred", STR(expect), 0);
    touch("deferred", "junk", 0);
    make_id(b, 1600000000, 0, 9); /* a directory with an ID's name */
    snprintf(path, sizeof(path), "deferred/%s", STR(b));
    mkdir(path, 0700);
    make_id(b, 1700000000, 2, 3);

    scan = qmgr_scan_create("deferred");
    ck_assert_ptr_null(qmgr_scan_next(scan, now)); /* idle */
    ck_assert_int_eq(qmgr_scan_busy(scan), 0);
    qmgr_scan_request(scan, QMGR_SCAN_START);
    ck_assert_int_eq(qmgr_scan_busy(scan), 1);
    collect(scan, now, got);
    vstring_sprintf(expect, "%s %s", STR(a), STR(c));
    ck_assert_str_eq(STR(got), STR(expect));
    ck_assert_int_eq(qmgr_scan_busy(scan), 0);

    /* 'A' alone only arms the flag; 'D' then scans everything. */
    qmgr_scan_request(scan, QMGR_SCAN_ALL);
    ck_assert_int_eq(qmgr_scan_busy(scan), 0);
    qmgr_scan_request(scan, QMGR_SCAN_START);
    collect(scan, now, got);
    vstring_sprintf(expect, "%s %s %s", STR(a), STR(b), STR(c));
    ck_assert_str_eq(STR(got), STR(expect));

    /* The flag does not stick. */
    qmgr_scan_request(scan, QMGR_SCAN_START);
    collect(scan, now, got);
    vstring_sprintf(expect, "%s %s", STR(a), STR(c));
    ck_assert_str_eq(STR(got), STR(expect));
    qmgr_scan_free(scan);
    vstring_free(a), vstring_free(b), vstring_free(c);
    vstring_free(expect), vstring_free(got);
}
END_TEST

/* test_rescan - a request during a scan scans again; vanished files skip */
START_TEST(test_rescan)
{
    VSTRING *a = vstring_alloc(40), *b = vstring_alloc(40), *n = vstring_alloc(40);
    QMGR_SCAN *scan;
    const char *id;
    time_t now = 1700001000;

    ck_assert_int_eq(chdir(tmpdir), 0);
    mkdir("incoming", 0700);
    make_id(a, 1700000000, 1, 1);
    make_id(b, 1700000000, 2, 2);
    make_id(n, 1700000000, 3, 3);
    touch("incoming", STR(a), now);
    touch("incoming", STR(b), now);
    scan = qmgr_scan_create("incoming");
    qmgr_scan_request(scan, QMGR_SCAN_START);
    id = qmgr_scan_next(scan, now);
    ck_assert_str_eq(id, STR(a));
    ck_assert_int_eq(mail_queue_remove("incoming", STR(a)), 0);
    ck_assert_int_eq(mail_queue_remove("incoming", STR(b)), 0); /* vanishes */
    touch("incoming", STR(n), now);                             /* arrives */
    qmgr_scan_request(scan, QMGR_SCAN_START);
    id = qmgr_scan_next(scan, now);
    ck_assert_str_eq(id, STR(n));
    ck_assert_ptr_null(qmgr_scan_next(scan, now));
    ck_assert_int_eq(qmgr_scan_busy(scan), 0);
    qmgr_scan_free(scan);

    scan = qmgr_scan_create("no-such-queue");
    qmgr_scan_request(scan, QMGR_SCAN_START);
    ck_assert_ptr_null(qmgr_scan_next(scan, now));
    qmgr_scan_free(scan);
    vstring_free(a), vstring_free(b), vstring_free(n);
}
END_TEST

/* setup - silence expected warnings */
static void
setup(void)
{
    support_quiet();
}

/* scan_suite - collect the tests */
static Suite *
scan_suite(void)
{
    Suite *s = suite_create("qmgr_scan");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_select);
    tcase_add_test(tc, test_scan_order);
    tcase_add_test(tc, test_rescan);
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite in a scratch directory; non-zero exit on failure */
int
main(void)
{
    SRunner *sr;
    int failed;
    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    sr = srunner_create(scan_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (strncmp(tmpdir, "/tmp/test_qmgr_scan.", 20) == 0 && fork() == 0) {
        execl("/bin/rm", "rm", "-rf", "--", tmpdir, (char *)NULL);
        _exit(1);
    }
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
