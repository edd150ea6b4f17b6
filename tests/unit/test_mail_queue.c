/*
 * test_mail_queue - unit tests for queue IDs and queue file handling
 * (mail_queue.c).
 *
 * Tables of good and malformed queue IDs and queue names; IDs made from
 * (time, inode) must pass mail_queue_id_ok, decode back to their seconds
 * and sort by time. In a scratch queue directory: enter + commit leaves
 * exactly "incoming/ID" with the exact mode (umask ignored) and no scratch
 * or .tmp names; abort leaves nothing; a commit whose .tmp file vanished
 * fails; many entries get distinct IDs; rename, open and remove.
 * Run: build/tests/test_mail_queue (non-zero exit status on failure).
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

#include "mail_queue.h"
#include "msg.h"
#include "record.h"
#include "vstream.h"
#include "vstring.h"

#include "support.h"

/* setup - a scratch queue directory as the current directory */
static void
setup(void)
{
    (void)support_scratch_enter("test_mail_queue");
    ck_assert_int_eq(mkdir(MAIL_QUEUE_INCOMING, 0700), 0);
    ck_assert_int_eq(mkdir(MAIL_QUEUE_ACTIVE, 0700), 0);
}

/* teardown - remove the scratch queue */
static void
teardown(void)
{
    support_scratch_leave();
}

/* count_entries - number of names in a directory, and the last one */
static int
count_entries(const char *queue, char *last, size_t len)
{
    DIR *dir = opendir(queue);
    struct dirent *dp;
    int n = 0;

    ck_assert_ptr_nonnull(dir);
    while ((dp = readdir(dir)) != 0) {
        if (dp->d_name[0] == '.')
            continue;
        snprintf(last, len, "%s", dp->d_name);
        n++;
    }
    closedir(dir);
    return n;
}

static const struct id_case {
    const char *id;
    int ok;
} id_cases[] = {
    {"4Xyz00000z1", 0},  /* too short */
    {"000000000Bz1", 1}, /* smallest shape */
    {"0000000000z1", 1},
    {"yyyyyyyyyyzyyyyyyyyyyyy", 1},
    {"000000000Az1", 0}, /* vowel */
    {"000000000az1", 0},
    {"0000000000y1", 0}, /* no separator */
    {"000000000z01", 0}, /* separator in the wrong place */
    {"0000000000zz", 0}, /* z in the inode part */
    {"0000000000z1.tmp", 0},
    {"00000/0000z1", 0},
    {"", 0},
    {"0000000000z111111111111111111111111111111", 0}, /* 41 characters */
    {"0000000000z11111111111111111111111111111", 1},  /* 40 characters */
};

/* test_id_ok - one good or malformed queue ID */
START_TEST(test_id_ok)
{
    ck_assert_msg(mail_queue_id_ok(id_cases[_i].id) == id_cases[_i].ok, "%s", id_cases[_i].id);
}
END_TEST

static const struct name_case {
    const char *name;
    int ok;
} name_cases[] = {
    {"incoming", 1}, {"deferred", 1}, {"my_queue2", 1}, {"", 0},
    {"../etc", 0},   {"a/b", 0},      {"Hold", 0},      {"x y", 0},
};

/* test_name_ok - one good or malformed queue name */
START_TEST(test_name_ok)
{
    ck_assert_msg(mail_queue_name_ok(name_cases[_i].name) == name_cases[_i].ok, "%s",
                  name_cases[_i].name);
}
END_TEST

static const struct make_case {
    long sec;
    long usec;
    unsigned long inode;
} make_cases[] = {
    {0, 0, 0},
    {1, 999999, 1},
    {1700000000, 123456, 4242},
    {1700000000, 123457, 1},
    {1700000001, 0, 18446744073709551615UL},
    {4102444800L, 500000, 77}, /* year 2100 */
};

/* test_id_make - made IDs pass the check, decode and sort by time */
START_TEST(test_id_make)
{
    VSTRING *id = vstring_alloc(10);
    VSTRING *prev = vstring_alloc(10);
    struct timeval tv;
    size_t i;

    for (i = 0; i < sizeof(make_cases) / sizeof(make_cases[0]); i++) {
        tv.tv_sec = make_cases[i].sec;
        tv.tv_usec = make_cases[i].usec;
        mail_queue_id_make(id, (ino_t)make_cases[i].inode, &tv);
        ck_assert_msg(mail_queue_id_ok(STR(id)), "bad id %s", STR(id));
        ck_assert_int_eq(mail_queue_id_time(STR(id)), make_cases[i].sec);
        if (i > 0)
            ck_assert_msg(strcmp(STR(prev), STR(id)) < 0, "%s !< %s", STR(prev), STR(id));
        vstring_strcpy(prev, STR(id));
    }
    ck_assert_int_eq(mail_queue_id_time("bogus"), -1);
    tv.tv_sec = 0;
    tv.tv_usec = 0;
    mail_queue_id_make(id, 0, &tv);
    ck_assert_str_eq(STR(id), "0000000000z0");
    vstring_free(id);
    vstring_free(prev);
}
END_TEST

/* test_enter_commit - enter, commit, rename, open and remove a queue file */
START_TEST(test_enter_commit)
{
    VSTRING *id = vstring_alloc(10);
    VSTRING *path = vstring_alloc(10);
    VSTREAM *fp;
    struct stat st;
    char last[256];

    umask(077);
    fp = mail_queue_enter(MAIL_QUEUE_INCOMING, 0644, id);
    ck_assert_ptr_nonnull(fp);
    ck_assert(mail_queue_id_ok(STR(id)));
    ck_assert_int_eq(count_entries(MAIL_QUEUE_INCOMING, last, sizeof(last)), 1);
    vstring_sprintf(path, "%s.tmp", STR(id));
    ck_assert_str_eq(last, STR(path));
    vstring_sprintf(path, "incoming/%s", STR(id));
    ck_assert_str_eq(vstream_name(fp), STR(path));
    rec_fputs(fp, REC_TYPE_FROM, "a@b");
    ck_assert_int_eq(mail_queue_commit(fp, MAIL_QUEUE_INCOMING, STR(id)), 0);
    ck_assert_int_eq(count_entries(MAIL_QUEUE_INCOMING, last, sizeof(last)), 1);
    ck_assert_str_eq(last, STR(id));
    ck_assert_int_eq(stat(STR(path), &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0644);
    ck_assert_int_eq(st.st_size, 5);
    vstream_fclose(fp);

    /* Move it, open it, remove it. */
    ck_assert_int_eq(mail_queue_rename(STR(id), MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE), 0);
    ck_assert_int_eq(mail_queue_rename(STR(id), MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE), -1);
    ck_assert_int_eq(errno, ENOENT);
    fp = mail_queue_open(MAIL_QUEUE_ACTIVE, STR(id), O_RDONLY, 0);
    ck_assert_ptr_nonnull(fp);
    vstring_sprintf(path, "active/%s", STR(id));
    ck_assert_str_eq(vstream_name(fp), STR(path));
    vstream_fclose(fp);
    ck_assert_ptr_null(mail_queue_open(MAIL_QUEUE_INCOMING, STR(id), O_RDONLY, 0));
    ck_assert_int_eq(mail_queue_remove(MAIL_QUEUE_ACTIVE, STR(id)), 0);
    ck_assert_int_eq(mail_queue_remove(MAIL_QUEUE_ACTIVE, STR(id)), -1);
    vstring_free(id);
    vstring_free(path);
}
END_TEST

/* test_abort_and_failures - abort and failed commits leave nothing behind */
START_TEST(test_abort_and_failures)
{
    VSTRING *id = vstring_alloc(10);
    VSTRING *path = vstring_alloc(10);
    VSTREAM *fp;
    char last[256];

    fp = mail_queue_enter(MAIL_QUEUE_INCOMING, 0600, id);
    ck_assert_ptr_nonnull(fp);
    mail_queue_abort(fp, MAIL_QUEUE_INCOMING, STR(id));
    ck_assert_int_eq(count_entries(MAIL_QUEUE_INCOMING, last, sizeof(last)), 0);

    /* The .tmp file vanished: commit must fail, abort must clean up. */
    fp = mail_queue_enter(MAIL_QUEUE_INCOMING, 0600, id);
    ck_assert_ptr_nonnull(fp);
    vstring_sprintf(path, "incoming/%s.tmp", STR(id));
    ck_assert_int_eq(unlink(STR(path)), 0);
    ck_assert_int_eq(mail_queue_commit(fp, MAIL_QUEUE_INCOMING, STR(id)), -1);
    mail_queue_abort(fp, MAIL_QUEUE_INCOMING, STR(id));

    /* A queue that does not exist. */
    ck_assert_ptr_null(mail_queue_enter("nosuchqueue", 0600, id));
    ck_assert_int_eq(count_entries(MAIL_QUEUE_INCOMING, last, sizeof(last)), 0);
    vstring_free(id);
    vstring_free(path);
}
END_TEST

/* test_unique - many queue files get distinct IDs */
START_TEST(test_unique)
{
    VSTRING *id = vstring_alloc(10);
    VSTREAM *fp[50];
    char ids[50][MAIL_QUEUE_ID_MAX + 1];
    char last[256];
    int i;
    int j;

    for (i = 0; i < 50; i++) {
        fp[i] = mail_queue_enter(MAIL_QUEUE_INCOMING, 0600, id);
        ck_assert_ptr_nonnull(fp[i]);
        snprintf(ids[i], sizeof(ids[i]), "%s", STR(id));
        for (j = 0; j < i; j++)
            ck_assert_str_ne(ids[i], ids[j]);
    }
    for (i = 0; i < 50; i++)
        ck_assert_int_eq(mail_queue_commit(fp[i], MAIL_QUEUE_INCOMING, ids[i]), 0);
    ck_assert_int_eq(count_entries(MAIL_QUEUE_INCOMING, last, sizeof(last)), 50);
    for (i = 0; i < 50; i++)
        vstream_fclose(fp[i]);
    vstring_free(id);
}
END_TEST

/* mail_queue_suite - all mail_queue tests */
static Suite *
mail_queue_suite(void)
{
    Suite *s = suite_create("mail_queue");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_id_ok, 0, sizeof(id_cases) / sizeof(id_cases[0]));
    tcase_add_loop_test(tc, test_name_ok, 0, sizeof(name_cases) / sizeof(name_cases[0]));
    tcase_add_test(tc, test_id_make);
    tcase_add_test(tc, test_enter_commit);
    tcase_add_test(tc, test_abort_and_failures);
    tcase_add_test(tc, test_unique);
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(mail_queue_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
