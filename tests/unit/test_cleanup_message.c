/*
 * test_cleanup_message - cleanup's record processing, end to end in memory.
 *
 * Each case feeds a record stream (as pickup or bounce would send it) to a
 * CLEANUP_STATE that writes a temporary file, then reads the file back and
 * compares a text rendering of its records ("T data" per record, SIZE and
 * MESG left out) with the expected one, and the status with the expected
 * CLEANUP_STAT_* bits. Covers the headers that cleanup adds (Received,
 * Message-Id, Date, From, their Resent- forms), Bcc removal, recipient
 * extraction (-t, Resent- rules), folded and over-long headers, long lines
 * in CONT pieces, duplicates, always_bcc, and the failures: too many hops,
 * too big, no recipients, protocol errors (malformed input). Another test
 * checks the SIZE and MESG records against the file. The time zone is
 * UTC and the arrival time fixed, so dates are exact.
 * Run: build/tests/test_cleanup_message.
 */
#include "sys_defs.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"
#include "record.h"
#include "rec_type.h"
#include "mail_conf.h"
#include "mail_params.h"
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
    int status;
    const char *out; /* rendering; NULL: not checked */
} TEST_CASE;

static char test_dir[] = "/tmp/test_cleanup_XXXXXX";
static VSTRING *test_log;

#define ENV_LOCAL                                                                                  \
    {'T', "1000000000 0"}, {'A', "uid=1000"}, {'U', "Jo User"},                                    \
    {                                                                                              \
        'F', "jo"                                                                                  \
    }
#define OUT_LOCAL "T 1000000000 0\nA uid=1000\nU Jo User\nF jo@host.example.com\n"
#define RECEIVED                                                                                   \
    "N Received: by host.example.com (postern, from userid 1000)\n"                                \
    "N \tid QID; Sun,  9 Sep 2001 01:46:40 +0000 (UTC)\n"
#define ADDED                                                                                      \
    "N Message-Id: <20010909014640.QID@host.example.com>\n"                                        \
    "N Date: Sun,  9 Sep 2001 01:46:40 +0000 (UTC)\n"                                              \
    "N From: Jo User <jo@host.example.com>\n"

static const TEST_CASE cases[] = {
    {"local submission gets Received and the missing headers",
     "",
     CLEANUP_FLAG_LOCAL,
     {ENV_LOCAL,
      {'R', "bob"},
      {'M', ""},
      {'N', "Subject: hi"},
      {'N', ""},
      {'N', "body"},
      {'X', ""},
      {'E', ""}},
     0,
     OUT_LOCAL "O bob\nR bob@host.example.com\n" RECEIVED "N Subject: hi\n" ADDED
               "N \nN body\nX \nE \n"},
    {"existing headers are kept and not added",
     "",
     CLEANUP_FLAG_LOCAL,
     {ENV_LOCAL,
      {'R', "bob@example.org"},
      {'M', ""},
      {'N', "Date: x"},
      {'N', "From: y"},
      {'N', "Message-ID: <a@b>"},
      {'N', ""},
      {'X', ""},
      {'E', ""}},
     0,
     OUT_LOCAL "R bob@example.org\n" RECEIVED
               "N Date: x\nN From: y\nN Message-ID: <a@b>\nN \nX \nE \n"},
    {"remote client: nothing added",
     "",
     0,
     {{'F', "a@example.org"},
      {'R', "b@example.org"},
      {'M', ""},
      {'N', "Subject: s"},
      {'N', ""},
      {'N', "x"},
      {'X', ""},
      {'E', ""}},
     0,
     NULL},
    {"bcc removed, recipients extracted",
     "",
     CLEANUP_FLAG_LOCAL | CLEANUP_FLAG_EXTRACT,
     {ENV_LOCAL,
      {'M', ""},
      {'N', "To: a@x.example, B <b@y.example>"},
      {'N', "Cc: c@z.example"},
      {'N', "Bcc: d@w.example"},
      {'N', "Return-Path: <q@q.example>"},
      {'N', "Date: d"},
      {'N', "From: f"},
      {'N', "Message-Id: <m@m>"},
      {'N', ""},
      {'X', ""},
      {'E', ""}},
     0,
     OUT_LOCAL RECEIVED "N To: a@x.example, B <b@y.example>\nN Cc: c@z.example\n"
                        "N Date: d\nN From: f\nN Message-Id: <m@m>\nN \nX \n"
                        "R a@x.example\nR b@y.example\nR c@z.example\nR d@w.example\nE \n"},
    {"resent headers: only resent recipients, resent headers added",
     "",
     CLEANUP_FLAG_LOCAL | CLEANUP_FLAG_EXTRACT,
     {ENV_LOCAL,
      {'M', ""},
      {'N', "To: t@x.example"},
      {'N', "Resent-To: r@x.example"},
      {'N', "Resent-Bcc: s@x.example"},
      {'N', ""},
      {'X', ""},
      {'E', ""}},
     0,
     OUT_LOCAL RECEIVED
     "N To: t@x.example\nN Resent-To: r@x.example\n"
     "N Resent-Message-Id: <20010909014640.QID@host.example.com>\n"
     "N Resent-Date: Sun,  9 Sep 2001 01:46:40 +0000 (UTC)\n"
     "N Resent-From: Jo User <jo@host.example.com>\nN \nX \nR r@x.example\nR s@x.example\nE \n"},
    {"folded header written as it came, extracted unfolded",
     "",
     CLEANUP_FLAG_EXTRACT,
     {{'F', "a@example.org"},
      {'M', ""},
      {'N', "To: a@x.example,"},
      {'N', "\t b@y.example"},
      {'N', ""},
      {'X', ""},
      {'E', ""}},
     0,
     "T 1000000000 0\nF a@example.org\nN To: a@x.example,\nN \t b@y.example\nN \nX \n"
     "R a@x.example\nR b@y.example\nE \n"},
    {"duplicates dropped, command line and header",
     "",
     CLEANUP_FLAG_EXTRACT,
     {{'F', "a@example.org"},
      {'R', "b@y.example"},
      {'R', "b@y.example"},
      {'M', ""},
      {'N', "To: b@y.example, c@y.example"},
      {'N', ""},
      {'X', ""},
      {'E', ""}},
     0,
     "T 1000000000 0\nF a@example.org\nR b@y.example\nN To: b@y.example, c@y.example\nN \n"
     "X \nR c@y.example\nE \n"},
    {"first line not a header: separator inserted",
     "",
     0,
     {{'F', "a@example.org"},
      {'R', "b@y.example"},
      {'M', ""},
      {'N', "hello world"},
      {'N', "x: y"},
      {'X', ""},
      {'E', ""}},
     0,
     "T 1000000000 0\nF a@example.org\nR b@y.example\nN \nN hello world\nN x: y\nX \nE \n"},
    {"long body line in pieces passes through",
     "",
     0,
     {{'F', "a@example.org"},
      {'R', "b@y.example"},
      {'M', ""},
      {'N', ""},
      {'L', "abc"},
      {'L', "def"},
      {'N', "gh"},
      {'N', "\x80\xff 8-bit"},
      {'X', ""},
      {'E', ""}},
     0,
     "T 1000000000 0\nF a@example.org\nR b@y.example\nN \nL abc\nL def\nN gh\n"
     "N \x80\xff 8-bit\nX \nE \n"},
    {"notification: Received without uid, Message-Id added",
     "",
     CLEANUP_FLAG_BOUNCE,
     {{'T', "1000000000 0"},
      {'F', ""},
      {'R', "jo@example.org"},
      {'M', ""},
      {'N', "From: MAILER-DAEMON (Mail Delivery System)"},
      {'N', "Date: d"},
      {'N', ""},
      {'X', ""},
      {'E', ""}},
     0,
     "T 1000000000 0\nF \nR jo@example.org\n"
     "N Received: by host.example.com (postern)\n"
     "N \tid QID; Sun,  9 Sep 2001 01:46:40 +0000 (UTC)\n"
     "N From: MAILER-DAEMON (Mail Delivery System)\nN Date: d\n"
     "N Message-Id: <20010909014640.QID@host.example.com>\nN \nX \nE \n"},
    {"always_bcc",
     "always_bcc = audit@example.org\n",
     0,
     {{'F', "a@example.org"}, {'R', "b@y.example"}, {'M', ""}, {'N', ""}, {'X', ""}, {'E', ""}},
     0,
     "T 1000000000 0\nF a@example.org\nR b@y.example\nN \nX \nR audit@example.org\nE \n"},
    {"too many hops",
     "hopcount_limit = 2\n",
     0,
     {{'F', "a@example.org"},
      {'R', "b@y.example"},
      {'M', ""},
      {'N', "Received: 1"},
      {'N', "Received: 2"},
      {'N', "Received: 3"},
      {'N', ""},
      {'X', ""},
      {'E', ""}},
     CLEANUP_STAT_HOPS,
     NULL},
    {"hops at the limit are fine",
     "hopcount_limit = 2\n",
     0,
     {{'F', "a@example.org"},
      {'R', "b@y.example"},
      {'M', ""},
      {'N', "Received: 1"},
      {'N', "Received: 2"},
      {'N', ""},
      {'X', ""},
      {'E', ""}},
     0,
     NULL},
    {"message too big",
     "message_size_limit = 20\n",
     0,
     {{'F', "a@example.org"},
      {'R', "b@y.example"},
      {'M', ""},
      {'N', ""},
      {'N', "0123456789012345678901234567890"},
      {'X', ""},
      {'E', ""}},
     CLEANUP_STAT_SIZE,
     NULL},
    {"no recipients",
     "",
     CLEANUP_FLAG_EXTRACT,
     {{'F', "a@example.org"}, {'M', ""}, {'N', "Subject: x"}, {'N', ""}, {'X', ""}, {'E', ""}},
     CLEANUP_STAT_RCPT,
     NULL},
    {"recipient before sender",
     "",
     0,
     {{'R', "b@y.example"}, {'F', "a@example.org"}, {'M', ""}, {'X', ""}, {'E', ""}},
     CLEANUP_STAT_BAD,
     NULL},
    {"content record in the envelope",
     "",
     0,
     {{'F', "a@example.org"}, {'N', "x"}, {'M', ""}, {'X', ""}, {'E', ""}},
     CLEANUP_STAT_BAD,
     NULL},
    {"two senders",
     "",
     0,
     {{'F', "a@example.org"},
      {'F', "b@example.org"},
      {'R', "c@example.org"},
      {'M', ""},
      {'X', ""},
      {'E', ""}},
     CLEANUP_STAT_BAD,
     NULL},
    {"no END record",
     "",
     0,
     {{'F', "a@example.org"}, {'R', "c@example.org"}, {'M', ""}, {'X', ""}},
     CLEANUP_STAT_BAD,
     NULL},
    {"malformed attribute",
     "",
     0,
     {{'A', "novalue"},
      {'F', "a@example.org"},
      {'R', "c@example.org"},
      {'M', ""},
      {'X', ""},
      {'E', ""}},
     CLEANUP_STAT_BAD,
     NULL},
    {"record after END",
     "",
     0,
     {{'F', "a@example.org"},
      {'R', "c@example.org"},
      {'M', ""},
      {'X', ""},
      {'E', ""},
      {'N', "late"}},
     CLEANUP_STAT_BAD,
     NULL},
    {"over-long header is truncated",
     "header_size_limit = 20\n",
     0,
     {{'F', "a@example.org"},
      {'R', "c@example.org"},
      {'M', ""},
      {'N', "Subject: 0123456789abcdef"},
      {'N', " more"},
      {'N', "X: y"},
      {'N', ""},
      {'X', ""},
      {'E', ""}},
     0,
     "T 1000000000 0\nF a@example.org\nR c@example.org\nN Subject: 0123456789a\nN X: y\nN \n"
     "X \nE \n"},
    {"empty recipient becomes empty_address_recipient",
     "",
     0,
     {{'F', ""}, {'R', ""}, {'M', ""}, {'X', ""}, {'E', ""}},
     0,
     "T 1000000000 0\nF \nO MAILER-DAEMON\nR MAILER-DAEMON@host.example.com\nX \nE \n"},
    /* A local user's records may hold newlines: no line may hide inside a record. */
    {"newline inside a body record starts a new line",
     "",
     0,
     {{'F', "a@example.org"},
      {'R', "c@example.org"},
      {'M', ""},
      {'N', ""},
      {'N', "a\nFrom x"},
      {'L', "b\nc"},
      {'N', "d\n"},
      {'X', ""},
      {'E', ""}},
     0,
     "T 1000000000 0\nF a@example.org\nR c@example.org\nN \nN a\nN From x\nN b\nL c\nN d\n"
     "N \nX \nE \n"},
    {"newline in the sender",
     "",
     0,
     {{'F', "a@example.org\nX-Injected: 1"},
      {'R', "c@example.org"},
      {'M', ""},
      {'X', ""},
      {'E', ""}},
     CLEANUP_STAT_BAD,
     NULL},
    {"control character in a recipient",
     "",
     0,
     {{'F', "a@example.org"}, {'R', "c@example.org\r"}, {'M', ""}, {'X', ""}, {'E', ""}},
     CLEANUP_STAT_BAD,
     NULL},
    {"control character in an original recipient",
     "",
     0,
     {{'F', "a@example.org"},
      {'O', "\x1b[2Jc@example.org"},
      {'R', "c@example.org"},
      {'M', ""},
      {'X', ""},
      {'E', ""}},
     CLEANUP_STAT_BAD,
     NULL},
    {"control character in an extracted recipient",
     "",
     0,
     {{'F', "a@example.org"},
      {'R', "c@example.org"},
      {'M', ""},
      {'X', ""},
      {'R', "d@example.org\n"},
      {'E', ""}},
     CLEANUP_STAT_BAD,
     NULL},
    {"a header address with TAB is kept",
     "",
     CLEANUP_FLAG_EXTRACT,
     {{'F', "a@example.org"},
      {'M', ""},
      {'N', "To: \"t\\\tb\"@example.org"},
      {'N', ""},
      {'X', ""},
      {'E', ""}},
     0,
     "T 1000000000 0\nF a@example.org\nN To: \"t\\\tb\"@example.org\nN \nX \n"
     "R t\tb@example.org\nE \n"},
    /* Found by fuzzing: localtime() failed on this TIME, and cleanup panicked. */
    {"TIME after year 9999 is replaced by the arrival time",
     "",
     CLEANUP_FLAG_LOCAL,
     {{'T', "99999999999999999 0"},
      {'A', "uid=1000"},
      {'U', "Jo User"},
      {'F', "jo"},
      {'R', "bob"},
      {'M', ""},
      {'N', "Subject: hi"},
      {'N', ""},
      {'X', ""},
      {'E', ""}},
     0,
     OUT_LOCAL "O bob\nR bob@host.example.com\n" RECEIVED "N Subject: hi\n" ADDED "N \nX \nE \n"},
};

/* test_config - write main.cf with extra lines and load it */
static void
test_config(const char *extra)
{
    VSTRING *path = vstring_alloc(100);
    VSTREAM *fp;

    vstring_sprintf(path, "%s/main.cf", test_dir);
    fp = vstream_fopen(STR(path), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_ptr_nonnull(fp);
    vstream_fprintf(fp,
                    "myhostname = host.example.com\nmydomain = example.com\n"
                    "line_length_limit = 256\n%s",
                    extra);
    ck_assert_int_eq(vstream_fclose(fp), 0);
    mail_conf_set_dir(test_dir);
    mail_conf_read();
    mail_params_init();
    vstring_free(path);
}

/* test_run - feed records to a fresh state; return the status */
static int
test_run(const TEST_CASE *tc, VSTREAM **fpp)
{
    VSTRING *path = vstring_alloc(100);
    CLEANUP_STATE *state;
    VSTREAM *fp;
    int status;
    int i;

    vstring_sprintf(path, "%s/queuefile", test_dir);
    fp = vstream_fopen(STR(path), O_RDWR | O_CREAT | O_TRUNC, 0600);
    ck_assert_ptr_nonnull(fp);
    state = cleanup_state_alloc(fp, "QID", tc->flags);
    state->arrival_sec = 1000000000;
    state->arrival_usec = 0;
    for (i = 0; tc->in[i].type != 0; i++)
        cleanup_record(state, tc->in[i].type, tc->in[i].data, (ssize_t)strlen(tc->in[i].data));
    status = cleanup_finish(state);
    cleanup_state_free(state);
    vstring_free(path);
    *fpp = fp;
    return (status);
}

/* test_cases - the table */
START_TEST(test_cases)
{
    const TEST_CASE *tc = &cases[_i];
    VSTRING *out = vstring_alloc(1000);
    VSTREAM *fp;
    int status;

    test_config(tc->conf);
    status = test_run(tc, &fp);
    ck_assert_msg(status == tc->status, "%s: status %d, expected %d", tc->label, status,
                  tc->status);
    if (tc->out != NULL) {
        support_render_records(fp, out);
        ck_assert_msg(strcmp(STR(out), tc->out) == 0, "%s: got:\n%s\nexpected:\n%s", tc->label,
                      STR(out), tc->out);
    }
    vstream_fclose(fp);
    vstring_free(out);
}
END_TEST

/* test_size_record - SIZE and MESG agree with the file */
START_TEST(test_size_record)
{
    const TEST_CASE *tc = &cases[0];
    VSTRING *buf = vstring_alloc(100);
    long content = -1, offset = -1, rcpts = -1, flags = -1, xtra = -1;
    long counted = 0;
    int type;
    VSTREAM *fp;

    test_config("");
    ck_assert_int_eq(test_run(tc, &fp), 0);
    vstream_fseek(fp, 0, SEEK_SET);
    ck_assert_int_eq(rec_get(fp, buf, 0), REC_TYPE_SIZE);
    ck_assert_int_eq(LEN(buf), REC_SIZE_WIDTH);
    ck_assert_int_eq(sscanf(STR(buf), "%ld %ld %ld %ld", &content, &offset, &rcpts, &flags), 4);
    ck_assert_int_eq(rcpts, 1);
    while ((type = rec_get(fp, buf, 0)) != REC_TYPE_MESG)
        ck_assert_int_ge(type, 0);
    ck_assert_int_eq(sscanf(STR(buf), "%ld", &xtra), 1);
    ck_assert_int_eq(vstream_ftell(fp), offset);
    while ((type = rec_get(fp, buf, 0)) == REC_TYPE_NORM || type == REC_TYPE_CONT)
        counted += LEN(buf) + (type == REC_TYPE_NORM);
    ck_assert_int_eq(type, REC_TYPE_XTRA);
    ck_assert_int_eq(counted, content);
    vstream_fseek(fp, xtra, SEEK_SET);
    ck_assert_int_eq(rec_get(fp, buf, 0), REC_TYPE_XTRA);
    vstream_fclose(fp);
    vstring_free(buf);
}
END_TEST

/* test_message_id_logged - one message-id line per message */
START_TEST(test_message_id_logged)
{
    VSTREAM *fp;

    test_config("");
    vstring_reset(test_log);
    ck_assert_int_eq(test_run(&cases[0], &fp), 0);
    vstream_fclose(fp);
    ck_assert_str_eq(STR(test_log), "QID: message-id=<20010909014640.QID@host.example.com>\n");
    vstring_reset(test_log);
    ck_assert_int_eq(test_run(&cases[1], &fp), 0);
    vstream_fclose(fp);
    ck_assert_str_eq(STR(test_log), "QID: message-id=<a@b>\n");
    vstring_reset(test_log);
    ck_assert_int_eq(test_run(&cases[2], &fp), 0);
    vstream_fclose(fp);
    ck_assert_str_eq(STR(test_log), "QID: message-id=<>\n");
}
END_TEST

/* test_long_header_split - a header longer than line_length_limit keeps its bytes */
START_TEST(test_long_header_split)
{
    TEST_CASE tc = {"long header", "", 0, {{0, NULL}}, 0, NULL};
    VSTRING *line = vstring_alloc(1000);
    VSTRING *joined = vstring_alloc(1000);
    VSTRING *buf = vstring_alloc(100);
    VSTREAM *fp;
    int type;
    int i;

    test_config("");
    vstring_strcpy(line, "Subject: ");
    for (i = 0; i < 600; i++)
        vstring_addch(line, (char)('a' + i % 26));
    tc.in[0] = (TEST_REC){'F', "a@example.org"};
    tc.in[1] = (TEST_REC){'R', "b@example.org"};
    tc.in[2] = (TEST_REC){'M', ""};
    tc.in[3] = (TEST_REC){'N', STR(line)};
    tc.in[4] = (TEST_REC){'X', ""};
    tc.in[5] = (TEST_REC){'E', ""};
    ck_assert_int_eq(test_run(&tc, &fp), 0);
    vstream_fseek(fp, 0, SEEK_SET);
    while ((type = rec_get(fp, buf, 0)) != REC_TYPE_MESG)
        ck_assert_int_ge(type, 0);
    while ((type = rec_get(fp, buf, 0)) == REC_TYPE_CONT || type == REC_TYPE_NORM) {
        ck_assert_int_le(LEN(buf), 256);
        vstring_memcat(joined, STR(buf), LEN(buf));
        if (type == REC_TYPE_NORM)
            break;
    }
    ck_assert_str_eq(STR(joined), STR(line));
    vstream_fclose(fp);
    vstring_free(line);
    vstring_free(joined);
    vstring_free(buf);
}
END_TEST

/* cleanup_message_suite - collect the tests */
static Suite *
cleanup_message_suite(void)
{
    Suite *s = suite_create("cleanup_message");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_cases, 0, (int)(sizeof(cases) / sizeof(cases[0])));
    tcase_add_test(tc, test_size_record);
    tcase_add_test(tc, test_message_id_logged);
    tcase_add_test(tc, test_long_header_split);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr;
    int failed;

    setenv("TZ", "UTC", 1);
    tzset();
    if (mkdtemp(test_dir) == NULL) {
        perror("mkdtemp");
        return (EXIT_FAILURE);
    }
    support_capture_all();
    test_log = support_captured();
    sr = srunner_create(cleanup_message_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    {
        VSTRING *path = vstring_alloc(100);

        vstring_sprintf(path, "%s/main.cf", test_dir);
        (void)unlink(STR(path));
        vstring_sprintf(path, "%s/queuefile", test_dir);
        (void)unlink(STR(path));
        (void)rmdir(test_dir);
        vstring_free(path);
    }
    return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
