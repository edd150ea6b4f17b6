/*
 * test_queue_scan - unit tests for listing a queue directory
 * (queue_scan.c).
 *
 * In a scratch queue directory (the current directory, as in every
 * postern program): queue files made with mail_queue_id_make() and
 * written with rec_put(), created in shuffled order among junk names
 * (".tmp" files, scratch names, dot files, IDs with vowels or a missing
 * separator, over-long IDs) must come back sorted, oldest first, without
 * the junk and NULL-terminated; an empty queue gives an empty list; a
 * queue that does not exist, a plain file and (when not root) an
 * unreadable directory give NULL with errno set.
 * Run: build/tests/test_queue_scan (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "argv.h"
#include "mail_queue.h"
#include "queue_scan.h"
#include "record.h"
#include "vstream.h"
#include "vstring.h"

#include "support.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* setup - a scratch queue directory as the current directory */
static void
setup(void)
{
    (void)support_scratch_enter("test_queue_scan");
    ck_assert_int_eq(mkdir(MAIL_QUEUE_INCOMING, 0700), 0);
}

/* teardown - remove the scratch queue */
static void
teardown(void)
{
    (void)chmod(MAIL_QUEUE_DEFERRED, 0700);
    support_scratch_leave();
}

/* write_file - a small queue file (or junk) with rec_put() records */
static void
write_file(const char *queue, const char *name)
{
    char path[512];
    VSTREAM *fp;

    snprintf(path, sizeof(path), "%s/%s", queue, name);
    fp = vstream_fopen(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    ck_assert_ptr_nonnull(fp);
    rec_fputs(fp, REC_TYPE_FROM, "sender@example.com");
    rec_fputs(fp, REC_TYPE_RCPT, "rcpt@example.com");
    rec_put(fp, REC_TYPE_END, "", 0);
    ck_assert_int_eq(vstream_fclose(fp), 0);
}

/* Names that are not queue IDs: queue_scan_ids() must leave them out. */
static const char *const junk_names[] = {
    "0000000000z1.tmp", /* mail_queue_enter's scratch name */
    "000000000Az1",     /* vowel */
    "0000000000y1",     /* no separator */
    "0000000000zz",     /* z in the inode part */
    ".0000000000z1",    /* dot file */
    "junk",
    "4Xyz00000z1",                               /* too short */
    "0000000000z111111111111111111111111111111", /* 41 characters */
    "tmp.12345",
};

/* Queue IDs from (seconds, microseconds, inode), in creation order. */
static const struct id_time {
    long sec;
    long usec;
    unsigned long inode;
} id_times[] = {
    {1700000005, 0, 9},         {1600000000, 999999, 1}, {1700000000, 123456, 4242},
    {1700000000, 123455, 7},    {4102444800L, 1, 3},     {1000000000, 0, 18446744073709551615UL},
    {1700000000, 123456, 4241},
};

/* test_sorted_no_junk - IDs come back sorted, junk left out */
START_TEST(test_sorted_no_junk)
{
    VSTRING *id = vstring_alloc(40);
    ARGV *want = argv_alloc(10);
    ARGV *got;
    struct timeval tv;
    size_t i;
    ssize_t n;

    for (i = 0; i < COUNT(id_times); i++) {
        tv.tv_sec = id_times[i].sec;
        tv.tv_usec = id_times[i].usec;
        mail_queue_id_make(id, (ino_t)id_times[i].inode, &tv);
        write_file(MAIL_QUEUE_INCOMING, STR(id));
        argv_add(want, STR(id), (char *)0);
        if (i < COUNT(junk_names))
            write_file(MAIL_QUEUE_INCOMING, junk_names[i]);
    }
    for (; i < COUNT(junk_names); i++)
        write_file(MAIL_QUEUE_INCOMING, junk_names[i]);

    got = queue_scan_ids(MAIL_QUEUE_INCOMING);
    ck_assert_ptr_nonnull(got);
    ck_assert_int_eq(got->argc, (long)COUNT(id_times));
    ck_assert_ptr_null(got->argv[got->argc]);
    for (n = 0; n < got->argc; n++) {
        int found = 0;
        ssize_t k;

        ck_assert_msg(mail_queue_id_ok(got->argv[n]), "junk %s", got->argv[n]);
        if (n > 0)
            ck_assert_msg(strcmp(got->argv[n - 1], got->argv[n]) < 0, "%s !< %s", got->argv[n - 1],
                          got->argv[n]);
        for (k = 0; k < want->argc; k++)
            found += strcmp(want->argv[k], got->argv[n]) == 0;
        ck_assert_msg(found == 1, "%s: found %d times", got->argv[n], found);
    }
    /* Oldest first: the earliest second is first, the year 2100 last. */
    ck_assert_int_eq(mail_queue_id_time(got->argv[0]), 1000000000);
    ck_assert_int_eq(mail_queue_id_time(got->argv[got->argc - 1]), 4102444800L);
    argv_free(got);
    argv_free(want);
    vstring_free(id);
}
END_TEST

/* test_many - a few hundred entries, created newest first, come back in order */
START_TEST(test_many)
{
    VSTRING *id = vstring_alloc(40);
    ARGV *got;
    struct timeval tv;
    int i;

    for (i = 299; i >= 0; i--) {
        tv.tv_sec = 1700000000 + i / 3;
        tv.tv_usec = (i % 3) * 1000;
        mail_queue_id_make(id, (ino_t)(1000 + i), &tv);
        write_file(MAIL_QUEUE_INCOMING, STR(id));
    }
    got = queue_scan_ids(MAIL_QUEUE_INCOMING);
    ck_assert_ptr_nonnull(got);
    ck_assert_int_eq(got->argc, 300);
    for (i = 0; i < 300; i++) {
        tv.tv_sec = 1700000000 + i / 3;
        tv.tv_usec = (i % 3) * 1000;
        mail_queue_id_make(id, (ino_t)(1000 + i), &tv);
        ck_assert_str_eq(got->argv[i], STR(id));
    }
    argv_free(got);
    vstring_free(id);
}
END_TEST

/* test_empty - an empty queue, or one with only junk, is an empty list */
START_TEST(test_empty)
{
    ARGV *got = queue_scan_ids(MAIL_QUEUE_INCOMING);

    ck_assert_ptr_nonnull(got);
    ck_assert_int_eq(got->argc, 0);
    ck_assert_ptr_null(got->argv[0]);
    argv_free(got);

    write_file(MAIL_QUEUE_INCOMING, "0000000000z1.tmp");
    write_file(MAIL_QUEUE_INCOMING, "junk");
    got = queue_scan_ids(MAIL_QUEUE_INCOMING);
    ck_assert_ptr_nonnull(got);
    ck_assert_int_eq(got->argc, 0);
    argv_free(got);

    write_file(MAIL_QUEUE_INCOMING, "0000000000z1");
    got = queue_scan_ids(MAIL_QUEUE_INCOMING);
    ck_assert_ptr_nonnull(got);
    ck_assert_int_eq(got->argc, 1);
    ck_assert_str_eq(got->argv[0], "0000000000z1");
    argv_free(got);
}
END_TEST

/* test_unreadable - missing, non-directory and unreadable queues */
START_TEST(test_unreadable)
{
    VSTREAM *fp;

    errno = 0;
    ck_assert_ptr_null(queue_scan_ids("nosuchqueue"));
    ck_assert_int_eq(errno, ENOENT);

    fp = vstream_fopen("plainfile", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(vstream_fclose(fp), 0);
    errno = 0;
    ck_assert_ptr_null(queue_scan_ids("plainfile"));
    ck_assert_int_eq(errno, ENOTDIR);

    if (geteuid() != 0) {
        ck_assert_int_eq(mkdir(MAIL_QUEUE_DEFERRED, 0), 0);
        errno = 0;
        ck_assert_ptr_null(queue_scan_ids(MAIL_QUEUE_DEFERRED));
        ck_assert_int_eq(errno, EACCES);
    }
}
END_TEST

/* queue_scan_suite - all queue_scan tests */
static Suite *
queue_scan_suite(void)
{
    Suite *s = suite_create("queue_scan");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_sorted_no_junk);
    tcase_add_test(tc, test_many);
    tcase_add_test(tc, test_empty);
    tcase_add_test(tc, test_unreadable);
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(queue_scan_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
