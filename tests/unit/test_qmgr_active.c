/*
 * test_qmgr_active - unit tests for qmgr's active queue handling, run in a
 * scratch queue directory without any delivery agent or bounce service.
 *
 * Cases: a recipient whose transport has no endpoint is deferred (Postfix
 * shaped log line, defer log, file in deferred/ with a future mtime); a
 * message whose recipients are all done is removed; a malformed file goes
 * to corrupt/; an expired message gets a bounce log and, with the bounce
 * service unreachable, stays deferred; active/ is recovered to incoming/;
 * a file that vanished is skipped. Log lines are captured via msg_output.
 * Run: build/tests/test_qmgr_active (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"

#include "mail_params.h"
#include "mail_queue.h"
#include "rec_type.h"
#include "record.h"

#include "qmgr_active.h" /* the Makefile has no -Isrc/qmgr */

static char tmpdir[] = "/tmp/test_qmgr_active.XXXXXX";
static VSTRING *captured;

/* capture - collect log text, one line per message */
static void
capture(int level, const char *text)
{
    vstring_sprintf_append(captured, "%s%s\n", msg_level_prefix(level), text);
}

/* write_message - write QUEUE/ID with one recipient (DONE when done) */
static void
write_message(const char *queue, const char *id, long arrival, int done, int corrupt)
{
    VSTRING *path = vstring_alloc(100);
    VSTREAM *fp;
    long mesg;
    char buf[100];

    fp = vstream_fopen(mail_queue_path(path, queue, id), O_RDWR | O_CREAT | O_TRUNC, 0600);
    ck_assert_ptr_nonnull(fp);
    snprintf(buf, sizeof(buf), REC_SIZE_FORMAT, 42L, 0L, 1L, 0L);
    rec_fputs(fp, REC_TYPE_SIZE, corrupt ? "garbage" : buf);
    rec_fprintf(fp, REC_TYPE_TIME, "%ld 0", arrival);
    rec_fputs(fp, REC_TYPE_FROM, "s@x");
    rec_fputs(fp, REC_TYPE_ORCP, "orig@x");
    rec_fputs(fp, done ? REC_TYPE_DONE : REC_TYPE_RCPT, "a@x");
    mesg = (long)vstream_ftell(fp);
    rec_fprintf(fp, REC_TYPE_MESG, REC_MESG_FORMAT, 0L);
    rec_fputs(fp, REC_TYPE_NORM, "Subject: test");
    snprintf(buf, sizeof(buf), REC_MESG_FORMAT, (long)vstream_ftell(fp));
    rec_fputs(fp, REC_TYPE_XTRA, "");
    rec_fputs(fp, REC_TYPE_END, "");
    ck_assert_int_eq(rec_put_at(fp, mesg, REC_TYPE_MESG, buf, REC_MESG_WIDTH), REC_TYPE_MESG);
    ck_assert_int_eq(vstream_fclose(fp), 0);
    vstring_free(path);
}

/* exists - does QUEUE/ID exist? */
static int
exists(const char *queue, const char *id, struct stat *st)
{
    VSTRING *path = vstring_alloc(100);
    struct stat dummy;
    int ret = stat(mail_queue_path(path, queue, id), st ? st : &dummy) == 0;

    vstring_free(path);
    return ret;
}

/* has - is the text in the captured log? */
static void
has(const char *text)
{
    ck_assert_msg(strstr(STR(captured), text) != NULL, "log lacks \"%s\":\n%s", text,
                  STR(captured));
}

/* test_unavailable - no private/smtp: deferred with 4.3.0 */
START_TEST(test_unavailable)
{
    struct stat st;
    VSTREAM *log;
    VSTRING *line = vstring_alloc(100);
    int found = 0;

    write_message("incoming", "ID1", time(NULL) - 100, 0, 0);
    qmgr_active_feed("incoming", "ID1");
    has("ID1: from=<s@x>, size=42, nrcpt=1 (queue active)\n");
    has("ID1: to=<a@x>, orig_to=<orig@x>, relay=none, delay=10");
    has("/0/0/0, dsn=4.3.0, status=deferred (mail transport unavailable)\n");
    ck_assert_int_eq(exists("active", "ID1", NULL), 0);
    ck_assert_int_eq(exists("incoming", "ID1", NULL), 0);
    ck_assert_int_eq(exists("deferred", "ID1", &st), 1);
    ck_assert_int_ge(st.st_mtime, time(NULL) + 299);
    ck_assert_int_le(st.st_mtime, time(NULL) + 301);
    log = mail_queue_open("defer", "ID1", O_RDONLY, 0);
    ck_assert_ptr_nonnull(log);
    while (vstream_get_line(log, line, 0) != VSTREAM_EOF)
        found |= strstr(STR(line), "mail transport unavailable") != NULL;
    vstream_fclose(log);
    ck_assert_int_eq(found, 1);
    ck_assert_int_eq(qmgr_active_size(), 0);

    /* The next attempt starts with a fresh defer log. */
    vstring_reset(captured);
    qmgr_active_feed("deferred", "ID1");
    has("ID1: from=<s@x>, size=42, nrcpt=1 (queue active)\n");
    ck_assert_int_eq(exists("deferred", "ID1", NULL), 1);
    vstring_free(line);
}
END_TEST

/* test_all_done - nothing left to do: removed */
START_TEST(test_all_done)
{
    write_message("incoming", "ID2", time(NULL), 1, 0);
    qmgr_active_feed("incoming", "ID2");
    has("ID2: removed\n");
    ck_assert_int_eq(exists("active", "ID2", NULL), 0);
    ck_assert_int_eq(exists("deferred", "ID2", NULL), 0);
}
END_TEST

/* test_corrupt - a malformed file goes to corrupt/ */
START_TEST(test_corrupt)
{
    write_message("incoming", "ID3", time(NULL), 0, 1);
    qmgr_active_feed("incoming", "ID3");
    has("warning: ID3: malformed queue file: malformed size record\n");
    ck_assert_int_eq(exists("corrupt", "ID3", NULL), 1);
    ck_assert_int_eq(exists("active", "ID3", NULL), 0);
    ck_assert_int_eq(qmgr_active_size(), 0);
}
END_TEST

/* test_expired - too old: bounce log, kept while bounce is unreachable */
START_TEST(test_expired)
{
    write_message("deferred", "ID4", time(NULL) - 6 * 86400, 0, 0);
    qmgr_active_feed("deferred", "ID4");
    has("ID4: from=<s@x>, status=expired, returned to sender\n");
    ck_assert_int_eq(exists("bounce", "ID4", NULL), 1);
    ck_assert_int_eq(exists("deferred", "ID4", NULL), 1);

    /* Next time: recipient is done, only the bounce is outstanding. */
    vstring_reset(captured);
    qmgr_active_feed("deferred", "ID4");
    ck_assert_ptr_null(strstr(STR(captured), "to=<a@x>"));
    ck_assert_int_eq(exists("deferred", "ID4", NULL), 1);
}
END_TEST

/* test_recover - active/ goes back to incoming/ */
START_TEST(test_recover)
{
    VSTRING *id = vstring_alloc(40);
    struct timeval tv = {1700000000, 0};

    mail_queue_id_make(id, 77, &tv);
    write_message("active", STR(id), time(NULL), 0, 0);
    write_message("active", "not-an-id", time(NULL), 0, 0);
    qmgr_active_recover();
    ck_assert_int_eq(exists("incoming", STR(id), NULL), 1);
    ck_assert_int_eq(exists("active", STR(id), NULL), 0);
    ck_assert_int_eq(exists("active", "not-an-id", NULL), 1);
    qmgr_active_feed("incoming", "no-such-file"); /* silently skipped */
    ck_assert_int_eq(LEN(captured), 0);
    vstring_free(id);
}
END_TEST

/* setup - a fresh queue directory and parameters for each test */
static void
setup(void)
{
    static const char *const queues[] = {"incoming", "active", "deferred", "corrupt",
                                         "bounce",   "defer",  "private",  NULL};
    int i;

    ck_assert_int_eq(chdir(tmpdir), 0);
    for (i = 0; queues[i]; i++)
        mkdir(queues[i], 0700);
    captured = vstring_alloc(1000);
    msg_output_reset();
    msg_output(capture);
    var_minimal_backoff_time = 300;
    var_maximal_backoff_time = 4000;
    var_maximal_queue_lifetime = 5 * 86400;
    var_bounce_queue_lifetime = 5 * 86400;
    var_mydestination = (char *)"";
    var_myhostname = (char *)"h.example";
    var_local_transport = (char *)"local:h.example";
    var_default_transport = (char *)"smtp";
    var_delay_logging_resolution_limit = 2;
    var_default_process_limit = 10;
    var_ipc_timeout = 5;
}

/* active_suite - collect the tests */
static Suite *
active_suite(void)
{
    Suite *s = suite_create("qmgr_active");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_unavailable);
    tcase_add_test(tc, test_all_done);
    tcase_add_test(tc, test_corrupt);
    tcase_add_test(tc, test_expired);
    tcase_add_test(tc, test_recover);
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
    sr = srunner_create(active_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (fork() == 0) {
        execl("/bin/rm", "rm", "-rf", "--", tmpdir, (char *)NULL);
        _exit(1);
    }
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
