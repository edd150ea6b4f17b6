/*
 * test_local_maildir - Check tests for Maildir delivery (local_maildir.c).
 *
 * Covered: the unique file name ("SECONDS.P<pid>Q<count>.HOST", with '/'
 * and ':' in the host escaped, different for two deliveries in one
 * second); a first delivery that creates Maildir/{tmp,new,cur} mode 0700
 * and leaves exactly one file in new/ (mode 0600, no From_ line, no
 * quoting) and none in tmp/; the size limit per file (bounce 5.2.2, no
 * file left behind); a Maildir path that cannot be created (bounce 5.2.0);
 * a corrupt queue file (defer 4.3.0, no file left behind).
 */
#include "sys_defs.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mymalloc.h"
#include "stringops.h"
#include "vstream.h"
#include "vstring.h"

#include "mail_proto.h"
#include "rec_type.h"
#include "record.h"

#include "support.h"

#include "local.h" /* the Makefile has no -Isrc/local */

static char tmpdir[] = "/tmp/test_local_maildir.XXXXXX";
static VSTREAM *queue_fp;
static long queue_offset;

/* write_queue_file - a small queue file; terminate = 0 leaves it corrupt */
static void
write_queue_file(int terminate)
{
    char *path = concatenate(tmpdir, "/queuefile", (char *)0);

    if (queue_fp)
        vstream_fclose(queue_fp);
    queue_fp = vstream_fopen(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    ck_assert_ptr_nonnull(queue_fp);
    rec_fputs(queue_fp, REC_TYPE_FROM, "s@example.com");
    rec_fprintf(queue_fp, REC_TYPE_MESG, REC_MESG_FORMAT, 0L);
    vstream_fflush(queue_fp);
    queue_offset = (long)vstream_ftell(queue_fp);
    rec_fputs(queue_fp, REC_TYPE_NORM, "Subject: test");
    rec_fputs(queue_fp, REC_TYPE_NORM, "");
    rec_fputs(queue_fp, REC_TYPE_NORM, "From here");
    if (terminate) {
        rec_fputs(queue_fp, REC_TYPE_XTRA, "");
        rec_fputs(queue_fp, REC_TYPE_END, "");
    }
    ck_assert_int_eq(vstream_fflush(queue_fp), 0);
    myfree(path);
}

/* init_message - the LOCAL_MESSAGE for the queue file */
static void
init_message(LOCAL_MESSAGE *msg)
{
    msg->fp = queue_fp;
    msg->data_offset = queue_offset;
    msg->sender = "s@example.com";
    msg->orig_rcpt = "o@example.com";
    msg->rcpt = "u@example.com";
    msg->now = 1000000000;
}

/* setup - scratch folder and queue file */
static void
setup(void)
{
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    write_queue_file(1);
}

/* teardown - remove everything */
static void
teardown(void)
{
    if (queue_fp)
        vstream_fclose(queue_fp);
    queue_fp = 0;
    support_remove_tree(tmpdir);
    memcpy(tmpdir + strlen(tmpdir) - 6, "XXXXXX", 6);
}

/* list_one - the single file name in a folder ("" if none, "MANY") */
static char *
list_one(const char *dir)
{
    DIR *dp = opendir(dir);
    struct dirent *de;
    char *name = mystrdup("");

    ck_assert_ptr_nonnull(dp);
    while ((de = readdir(dp)) != 0) {
        if (de->d_name[0] == '.')
            continue;
        if (*name) {
            myfree(name);
            name = mystrdup("MANY");
            break;
        }
        myfree(name);
        name = mystrdup(de->d_name);
    }
    closedir(dp);
    return name;
}

/* test_unique - name shape, escaping, no repeats */
START_TEST(test_unique)
{
    VSTRING *a = vstring_alloc(10);
    VSTRING *b = vstring_alloc(10);
    VSTRING *expect = vstring_alloc(10);
    const char *cp;

    local_maildir_unique(a, 1234567890, "host.example.com");
    local_maildir_unique(b, 1234567890, "host.example.com");
    ck_assert_str_ne(vstring_str(a), vstring_str(b));
    vstring_sprintf(expect, "1234567890.P%ld", (long)getpid());
    ck_assert_int_eq(strncmp(vstring_str(a), vstring_str(expect), LEN(expect)), 0);
    cp = vstring_str(a) + LEN(expect);
    ck_assert_int_eq(*cp, 'Q');
    ck_assert_ptr_nonnull(strstr(vstring_str(a), ".host.example.com"));
    local_maildir_unique(a, 1, "a/b:c");
    ck_assert_ptr_nonnull(strstr(vstring_str(a), ".a\\057b\\072c"));
    ck_assert_ptr_null(strchr(vstring_str(a), '/'));
    vstring_free(a);
    vstring_free(b);
    vstring_free(expect);
}
END_TEST

/* test_deliver - folders made, one file in new/, nothing in tmp/ */
START_TEST(test_deliver)
{
    char *maildir = concatenate(tmpdir, "/home/Maildir/", (char *)0);
    char *tmp = concatenate(maildir, "tmp", (char *)0);
    char *new = concatenate(maildir, "new", (char *)0);
    char *cur = concatenate(maildir, "cur", (char *)0);
    LOCAL_RESULT *result = local_result_alloc();
    LOCAL_MESSAGE msg;
    struct stat st;
    char *name;
    char *path;
    VSTREAM *fp;
    VSTRING *text = vstring_alloc(100);
    char buf[1000];
    ssize_t n;

    init_message(&msg);
    local_maildir_deliver(maildir, &msg, 0, result);
    ck_assert_str_eq(vstring_str(result->dsn), "2.0.0");
    ck_assert_str_eq(vstring_str(result->reason), "delivered to maildir");
    ck_assert_int_eq(stat(cur, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0700);
    name = list_one(tmp);
    ck_assert_str_eq(name, "");
    myfree(name);
    name = list_one(new);
    ck_assert_str_ne(name, "");
    ck_assert_str_ne(name, "MANY");
    path = concatenate(new, "/", name, (char *)0);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0600);
    fp = vstream_fopen(path, O_RDONLY, 0);
    while ((n = vstream_fread(fp, buf, sizeof(buf))) > 0)
        vstring_memcat(text, buf, n);
    vstream_fclose(fp);
    ck_assert_str_eq(vstring_str(text), "Return-Path: <s@example.com>\n"
                                        "X-Original-To: o@example.com\n"
                                        "Delivered-To: u@example.com\n"
                                        "Subject: test\n\nFrom here\n");
    /* A second delivery adds a second file. */
    local_maildir_deliver(maildir, &msg, 0, result);
    ck_assert_int_eq(result->status, MAIL_STAT_OK);
    myfree(name);
    name = list_one(new);
    ck_assert_str_eq(name, "MANY");
    myfree(name);
    myfree(path);
    myfree(maildir);
    myfree(tmp);
    myfree(new);
    myfree(cur);
    vstring_free(text);
    local_result_free(result);
}
END_TEST

typedef struct FAIL_CASE {
    const char *maildir; /* below tmpdir */
    long limit;
    int corrupt;
    const char *dsn;
    const char *reason_part;
} FAIL_CASE;

static const FAIL_CASE fail_cases[] = {
    {"/Maildir/", 50, 0, "5.2.2", "File too large"},
    {"/queuefile/Maildir/", 0, 0, "5.2.0", "create maildir folder"},
    {"/Maildir/", 0, 1, "4.3.0", "error reading queue file"},
};

/* test_fail_table - failures bounce or defer and leave no file */
START_TEST(test_fail_table)
{
    const FAIL_CASE *tc = fail_cases + _i;
    char *maildir = concatenate(tmpdir, tc->maildir, (char *)0);
    char *tmp = concatenate(maildir, "tmp", (char *)0);
    char *new = concatenate(maildir, "new", (char *)0);
    LOCAL_RESULT *result = local_result_alloc();
    LOCAL_MESSAGE msg;
    char *name;

    write_queue_file(!tc->corrupt);
    init_message(&msg);
    local_maildir_deliver(maildir, &msg, tc->limit, result);
    ck_assert_str_eq(vstring_str(result->dsn), tc->dsn);
    ck_assert_ptr_nonnull(strstr(vstring_str(result->reason), tc->reason_part));
    if (access(tmp, F_OK) == 0) {
        name = list_one(tmp);
        ck_assert_str_eq(name, "");
        myfree(name);
        name = list_one(new);
        ck_assert_str_eq(name, "");
        myfree(name);
    }
    myfree(maildir);
    myfree(tmp);
    myfree(new);
    local_result_free(result);
}
END_TEST

/* local_maildir_suite - the test suite */
static Suite *
local_maildir_suite(void)
{
    Suite *s = suite_create("local_maildir");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_unique);
    tcase_add_test(tc, test_deliver);
    tcase_add_loop_test(tc, test_fail_table, 0, sizeof(fail_cases) / sizeof(fail_cases[0]));
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite and report */
int
main(void)
{
    SRunner *sr = srunner_create(local_maildir_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
