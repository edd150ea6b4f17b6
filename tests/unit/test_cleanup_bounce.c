/*
 * test_cleanup_bounce - a rejected local submission is queued to be bounced.
 *
 * Each case feeds a record stream to a CLEANUP_STATE writing a temporary
 * file (in a scratch queue directory with a bounce/ folder), runs
 * cleanup_finish() and, when the state says the message is to be
 * bounced, cleanup_bounce(); then it compares the file's records (SIZE
 * and MESG left out) and the bounce log's entries (recipient, original
 * recipient, DSN status, action, reason) with the expected ones. Covers
 * too many hops (whole message kept), too big (header only kept; when the
 * header itself is too big, the content up to the line that crossed the
 * limit), a malformed content record, a missing XTRA,
 * extracted recipients and original recipients, and the cases that are
 * not bounced: not a local submission, an envelope error, no recipients.
 * Other tests check the SIZE record of a truncated file against its
 * content, the "status=bounced" log lines, the DSN table, and that a
 * bounce log that cannot be written leaves no log behind.
 * Run: build/tests/test_cleanup_bounce.
 */
#include "sys_defs.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"
#include "record.h"
#include "rec_type.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "bounce_log.h"
#include "cleanup_proto.h"
#include "cleanup.h"

#include "support.h"

#define MAX_RECS 40

typedef struct TEST_REC {
    int type;
    const char *data;
} TEST_REC;

typedef struct TEST_CASE {
    const char *label;
    const char *conf; /* extra main.cf lines */
    int flags;
    TEST_REC in[MAX_RECS]; /* ends with type 0 */
    int status;            /* from cleanup_finish() */
    int bounce;            /* state->bounce after cleanup_finish() */
    const char *out;       /* file rendering after cleanup_bounce(); NULL: unchecked */
    const char *log;       /* bounce log rendering; NULL: no log */
} TEST_CASE;

static char test_dir[] = "/tmp/test_cleanup_bounce_XXXXXX";
static VSTRING *test_log;

#define ENV_LOCAL                                                                                  \
    {'T', "1000000000 0"}, {'A', "uid=1000"},                                                      \
    {                                                                                              \
        'F', "jo"                                                                                  \
    }
#define OUT_LOCAL "T 1000000000 0\nA uid=1000\nF jo@host.example.com\n"
#define RECEIVED                                                                                   \
    "N Received: by host.example.com (postern, from userid 1000)\n"                                \
    "N \tid QID; Sun,  9 Sep 2001 01:46:40 +0000 (UTC)\n"
#define ADDED                                                                                      \
    "N Message-Id: <20010909014640.QID@host.example.com>\n"                                        \
    "N Date: Sun,  9 Sep 2001 01:46:40 +0000 (UTC)\n"                                              \
    "N From: jo@host.example.com\n"
#define BODY_30 "0123456789012345678901234567890"

static const TEST_CASE cases[] = {
    {"too many hops: whole message kept, recipients done",
     "hopcount_limit = 1\n",
     CLEANUP_FLAG_LOCAL,
     {ENV_LOCAL,
      {'R', "bob@example.org"},
      {'R', "ann@example.org"},
      {'M', ""},
      {'N', "Received: 1"},
      {'N', "Received: 2"},
      {'N', ""},
      {'N', "body"},
      {'X', ""},
      {'E', ""}},
     CLEANUP_STAT_HOPS,
     1,
     OUT_LOCAL "D bob@example.org\nD ann@example.org\n" RECEIVED
               "N Received: 1\nN Received: 2\n" ADDED "N \nN body\nX \nE \n",
     "bob@example.org bob@example.org 5.4.6 failed too many hops\n"
     "ann@example.org ann@example.org 5.4.6 failed too many hops\n"},
    {"too big in the body: header kept, -t recipients done, no always_bcc",
     "message_size_limit = 400\nalways_bcc = audit@example.org\n",
     CLEANUP_FLAG_LOCAL | CLEANUP_FLAG_EXTRACT,
     {ENV_LOCAL,
      {'M', ""},
      {'N', "To: bob@example.org"},
      {'N', ""},
      {'N', BODY_30},
      {'N', BODY_30},
      {'N', BODY_30},
      {'N', BODY_30},
      {'N', BODY_30},
      {'N', BODY_30},
      {'N', BODY_30},
      {'N', BODY_30},
      {'X', ""},
      {'E', ""}},
     CLEANUP_STAT_SIZE,
     1,
     OUT_LOCAL RECEIVED "N To: bob@example.org\n" ADDED "X \nD bob@example.org\nE \n",
     "bob@example.org bob@example.org 5.3.4 failed message file too big\n"},
    {"too big in the header: content up to the limit is kept",
     "message_size_limit = 150\n",
     CLEANUP_FLAG_LOCAL,
     {ENV_LOCAL,
      {'R', "bob"},
      {'M', ""},
      {'N', "Subject: " BODY_30},
      {'N', "X-One: " BODY_30},
      {'N', "X-Two: " BODY_30},
      {'N', ""},
      {'N', "body"},
      {'X', ""},
      {'E', ""}},
     CLEANUP_STAT_SIZE,
     1,
     OUT_LOCAL "O bob\nD bob@host.example.com\n" RECEIVED "N Subject: " BODY_30
               "\nN X-One: " BODY_30 "\nX \nE \n",
     "bob@host.example.com bob 5.3.4 failed message file too big\n"},
    {"malformed content record: bounced as bad content",
     "",
     CLEANUP_FLAG_LOCAL,
     {ENV_LOCAL,
      {'R', "bob@example.org"},
      {'M', ""},
      {'N', "Subject: s"},
      {'N', ""},
      {'F', "late@example.org"},
      {'N', "more"},
      {'X', ""},
      {'E', ""}},
     CLEANUP_STAT_BAD,
     1,
     OUT_LOCAL "D bob@example.org\n" RECEIVED "N Subject: s\n" ADDED "N \nX \nE \n",
     "bob@example.org bob@example.org 5.6.0 failed internal protocol error\n"},
    {"END inside the content: the file is completed",
     "",
     CLEANUP_FLAG_LOCAL,
     {ENV_LOCAL, {'R', "bob@example.org"}, {'M', ""}, {'N', "Subject: s"}, {'E', ""}},
     CLEANUP_STAT_BAD,
     1,
     OUT_LOCAL "D bob@example.org\n" RECEIVED "X \nE \n",
     "bob@example.org bob@example.org 5.6.0 failed internal protocol error\n"},
    {"not a local submission: not bounced",
     "hopcount_limit = 1\n",
     0,
     {{'F', "a@example.org"},
      {'R', "b@example.org"},
      {'M', ""},
      {'N', "Received: 1"},
      {'N', "Received: 2"},
      {'N', ""},
      {'X', ""},
      {'E', ""}},
     CLEANUP_STAT_HOPS,
     0,
     NULL,
     NULL},
    {"error in the envelope: not bounced",
     "",
     CLEANUP_FLAG_LOCAL,
     {ENV_LOCAL, {'N', "x"}, {'R', "b@example.org"}, {'M', ""}, {'X', ""}, {'E', ""}},
     CLEANUP_STAT_BAD,
     0,
     NULL,
     NULL},
    {"no recipients at all: not bounced",
     "hopcount_limit = 1\n",
     CLEANUP_FLAG_LOCAL | CLEANUP_FLAG_EXTRACT,
     {ENV_LOCAL,
      {'M', ""},
      {'N', "Received: 1"},
      {'N', "Received: 2"},
      {'N', ""},
      {'X', ""},
      {'E', ""}},
     CLEANUP_STAT_HOPS | CLEANUP_STAT_RCPT,
     0,
     NULL,
     NULL},
    {"bad record after XTRA: not bounced",
     "hopcount_limit = 1\n",
     CLEANUP_FLAG_LOCAL,
     {ENV_LOCAL,
      {'R', "b@example.org"},
      {'M', ""},
      {'N', "Received: 1"},
      {'N', "Received: 2"},
      {'N', ""},
      {'X', ""},
      {'N', "x"},
      {'E', ""}},
     CLEANUP_STAT_HOPS | CLEANUP_STAT_BAD,
     0,
     NULL,
     NULL},
    {"null sender: bounced all the same",
     "hopcount_limit = 1\n",
     CLEANUP_FLAG_LOCAL,
     {{'T', "1000000000 0"},
      {'F', ""},
      {'R', "bob@example.org"},
      {'M', ""},
      {'N', "Received: 1"},
      {'N', "Received: 2"},
      {'N', "From: x"},
      {'N', "Date: d"},
      {'N', "Message-Id: <m@m>"},
      {'X', ""},
      {'E', ""}},
     CLEANUP_STAT_HOPS,
     1,
     "T 1000000000 0\nF \nD bob@example.org\n"
     "N Received: by host.example.com (postern)\n"
     "N \tid QID; Sun,  9 Sep 2001 01:46:40 +0000 (UTC)\n"
     "N Received: 1\nN Received: 2\nN From: x\nN Date: d\nN Message-Id: <m@m>\nX \nE \n",
     "bob@example.org bob@example.org 5.4.6 failed too many hops\n"},
};

/* test_config - write main.cf with extra lines and load it */
static void
test_config(const char *extra)
{
    VSTREAM *fp;

    fp = vstream_fopen("main.cf", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_ptr_nonnull(fp);
    vstream_fprintf(fp,
                    "myhostname = host.example.com\nmydomain = example.com\n"
                    "line_length_limit = 256\nenable_original_recipient = yes\n%s",
                    extra);
    ck_assert_int_eq(vstream_fclose(fp), 0);
    mail_conf_set_dir(test_dir);
    mail_conf_read();
    mail_params_init();
}

/* test_render_log - the bounce log as "rcpt orig dsn action reason" lines; 0: none */
static int
test_render_log(VSTRING *out)
{
    BOUNCE_LOG_ENTRY *entry;
    VSTREAM *log;

    if ((log = bounce_log_open(MAIL_QUEUE_BOUNCE, "QID")) == NULL)
        return (0);
    entry = bounce_log_entry_alloc();
    while (bounce_log_read(log, entry) == 1)
        vstring_sprintf_append(out, "%s %s %s %s %s\n", STR(entry->recipient),
                               STR(entry->orig_recipient), STR(entry->dsn_status),
                               STR(entry->action), STR(entry->reason));
    bounce_log_entry_free(entry);
    vstream_fclose(log);
    return (1);
}

/* test_feed - a fresh state on a new file, with every record fed in */
static CLEANUP_STATE *
test_feed(const TEST_CASE *tc)
{
    CLEANUP_STATE *state;
    VSTREAM *fp;
    int i;

    (void)unlink("bounce/QID");
    fp = vstream_fopen("queuefile", O_RDWR | O_CREAT | O_TRUNC, 0600);
    ck_assert_ptr_nonnull(fp);
    state = cleanup_state_alloc(fp, "QID", tc->flags);
    state->arrival_sec = 1000000000;
    state->arrival_usec = 0;
    for (i = 0; tc->in[i].type != 0; i++)
        cleanup_record(state, tc->in[i].type, tc->in[i].data, (ssize_t)strlen(tc->in[i].data));
    return (state);
}

/* test_cases - the table */
START_TEST(test_cases)
{
    const TEST_CASE *tc = &cases[_i];
    VSTRING *out = vstring_alloc(1000);
    CLEANUP_STATE *state;
    int status;

    test_config(tc->conf);
    state = test_feed(tc);
    status = cleanup_finish(state);
    ck_assert_msg(status == tc->status, "%s: status %d, expected %d", tc->label, status,
                  tc->status);
    ck_assert_msg(state->bounce == tc->bounce, "%s: bounce %d", tc->label, state->bounce);
    if (state->bounce)
        ck_assert_int_eq(cleanup_bounce(state), CLEANUP_STAT_OK);
    if (tc->out != NULL) {
        support_render_records(state->dst, out);
        ck_assert_msg(strcmp(STR(out), tc->out) == 0, "%s: got:\n%s\nexpected:\n%s", tc->label,
                      STR(out), tc->out);
    }
    vstring_reset(out);
    ck_assert_int_eq(test_render_log(out), tc->log != NULL);
    if (tc->log != NULL)
        ck_assert_msg(strcmp(STR(out), tc->log) == 0, "%s: log:\n%s\nexpected:\n%s", tc->label,
                      STR(out), tc->log);
    vstream_fclose(state->dst);
    cleanup_state_free(state);
    vstring_free(out);
}
END_TEST

/* test_truncated_size - SIZE of a truncated file agrees with its content */
START_TEST(test_truncated_size)
{
    const TEST_CASE *tc = &cases[1];
    VSTRING *buf = vstring_alloc(100);
    CLEANUP_STATE *state;
    long content = -1, offset = -1, rcpts = -1, flags = -1;
    long counted = 0;
    int type;

    test_config(tc->conf);
    state = test_feed(tc);
    ck_assert_int_eq(cleanup_finish(state), CLEANUP_STAT_SIZE);
    ck_assert_int_eq(cleanup_bounce(state), CLEANUP_STAT_OK);
    vstream_fseek(state->dst, 0, SEEK_SET);
    ck_assert_int_eq(rec_get(state->dst, buf, 0), REC_TYPE_SIZE);
    ck_assert_int_eq(sscanf(STR(buf), "%ld %ld %ld %ld", &content, &offset, &rcpts, &flags), 4);
    ck_assert_int_eq(rcpts, 1);
    while ((type = rec_get(state->dst, buf, 0)) != REC_TYPE_MESG)
        ck_assert_int_ge(type, 0);
    ck_assert_int_eq(vstream_ftell(state->dst), offset);
    while ((type = rec_get(state->dst, buf, 0)) == REC_TYPE_NORM || type == REC_TYPE_CONT)
        counted += LEN(buf) + (type == REC_TYPE_NORM);
    ck_assert_int_eq(type, REC_TYPE_XTRA);
    ck_assert_int_eq(counted, content);
    ck_assert_int_le(content, 400);
    vstream_fclose(state->dst);
    cleanup_state_free(state);
    vstring_free(buf);
}
END_TEST

/* test_logged - one "status=bounced" line per recipient */
START_TEST(test_logged)
{
    CLEANUP_STATE *state;

    test_config(cases[2].conf);
    state = test_feed(&cases[2]);
    ck_assert_int_eq(cleanup_finish(state), CLEANUP_STAT_SIZE);
    vstring_reset(test_log);
    ck_assert_int_eq(cleanup_bounce(state), CLEANUP_STAT_OK);
    ck_assert_msg(strncmp(STR(test_log),
                          "QID: to=<bob@host.example.com>, orig_to=<bob>, "
                          "relay=none, delay=",
                          56) == 0,
                  "log: %s", STR(test_log));
    ck_assert_msg(strstr(STR(test_log), ", dsn=5.3.4, status=bounced (message file too big)\n") !=
                      NULL,
                  "log: %s", STR(test_log));
    ck_assert_ptr_eq(strchr(STR(test_log), '\n'), STR(test_log) + LEN(test_log) - 1);
    vstream_fclose(state->dst);
    cleanup_state_free(state);
}
END_TEST

/* test_dsn - the DSN status of each returnable error */
START_TEST(test_dsn)
{
    ck_assert_str_eq(cleanup_bounce_dsn(CLEANUP_STAT_SIZE), "5.3.4");
    ck_assert_str_eq(cleanup_bounce_dsn(CLEANUP_STAT_HOPS), "5.4.6");
    ck_assert_str_eq(cleanup_bounce_dsn(CLEANUP_STAT_CONT), "5.7.1");
    ck_assert_str_eq(cleanup_bounce_dsn(CLEANUP_STAT_BAD), "5.6.0");
    ck_assert_str_eq(cleanup_bounce_dsn(0), "5.0.0");
}
END_TEST

/* test_log_unwritable - no bounce folder: WRITE, nothing left behind */
START_TEST(test_log_unwritable)
{
    CLEANUP_STATE *state;
    struct stat st;

    test_config(cases[0].conf);
    state = test_feed(&cases[0]);
    ck_assert_int_eq(cleanup_finish(state), CLEANUP_STAT_HOPS);
    ck_assert_int_eq(rename("bounce", "bounce.off"), 0);
    ck_assert_int_eq(cleanup_bounce(state), CLEANUP_STAT_WRITE);
    ck_assert_int_eq(rename("bounce.off", "bounce"), 0);
    ck_assert_int_ne(stat("bounce/QID", &st), 0);
    vstream_fclose(state->dst);
    cleanup_state_free(state);
}
END_TEST

/* cleanup_bounce_suite - collect the tests */
static Suite *
cleanup_bounce_suite(void)
{
    Suite *s = suite_create("cleanup_bounce");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_cases, 0, (int)(sizeof(cases) / sizeof(cases[0])));
    tcase_add_test(tc, test_truncated_size);
    tcase_add_test(tc, test_logged);
    tcase_add_test(tc, test_dsn);
    tcase_add_test(tc, test_log_unwritable);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite in a scratch queue directory; non-zero exit on failure */
int
main(void)
{
    SRunner *sr;
    int failed;

    setenv("TZ", "UTC", 1);
    tzset();
    if (mkdtemp(test_dir) == NULL || chdir(test_dir) != 0 || mkdir("bounce", 0700) != 0) {
        perror(test_dir);
        return (EXIT_FAILURE);
    }
    support_capture_all();
    test_log = support_captured();
    sr = srunner_create(cleanup_bounce_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    (void)unlink("bounce/QID");
    (void)rmdir("bounce");
    (void)unlink("main.cf");
    (void)unlink("queuefile");
    if (chdir("/") != 0 || rmdir(test_dir) != 0)
        perror(test_dir);
    return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
