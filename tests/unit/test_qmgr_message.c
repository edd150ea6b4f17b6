/*
 * test_qmgr_message - unit tests for qmgr's queue file envelope reader.
 *
 * Each case is a queue file described as a list of records ("Tdata|..."),
 * written with rec_put into a temporary directory, then read with
 * qmgr_message_read. The table holds well-formed files (recipients in both
 * segments, ORCP, DONE, ignored record types) and malformed ones (missing
 * or duplicate SIZE/TIME/FROM, bad numbers, dangling ORCP, empty recipient,
 * no recipients, content records in the envelope, a bad or missing XTRA
 * offset, foreign records after XTRA, truncation, garbage). A second test
 * marks a recipient done in place and reads the file again.
 * Run: build/tests/test_qmgr_message (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"

#include "rec_type.h"
#include "record.h"

#include "qmgr_message.h" /* the Makefile has no -Isrc/qmgr */
#include "qmgr_result.h"

#include "support.h"

static char tmpdir[] = "/tmp/test_qmgr_message.XXXXXX";

/*
 * Record list syntax: records separated by '|'; each is a type letter and
 * its data. "C" alone is a well-formed SIZE record, "M" alone a MESG record
 * that points at the XTRA record that follows; "!" alone truncates the file
 * in the middle of a record.
 */
struct read_case {
    const char *name;
    const char *records;
    int expect;      /* 0 or -1 */
    const char *why; /* substring of the reason, for -1 */
    int rcpt_count;
    int done_count;
    const char *sender;
};

#define ENV "C|T1700000000 123456|Fsender@example.com"
#define BODY "M|Nline one|Lpiece|Nline two|X"

static const struct read_case read_cases[] = {
    {"minimal", ENV "|Ra@example.com|" BODY "|E", 0, 0, 1, 0, "sender@example.com"},
    {"null sender", "C|T1700000000|F|Ra@x|" BODY "|E", 0, 0, 1, 0, ""},
    {"orcp and done", ENV "|OA@x|Ra@x|Db@x|Rc@x|" BODY "|E", 0, 0, 3, 1, "sender@example.com"},
    {"extracted", ENV "|" BODY "|Oorig@x|Rextra@x|Ddone@x|E", 0, 0, 2, 1, "sender@example.com"},
    {"both segments", ENV "|Ra@x|" BODY "|Rb@x|E", 0, 0, 2, 0, "sender@example.com"},
    {"ignored records", "C|T1|UFull Name|G0|Aname=value|W0|Fs@x|Ra@x|" BODY "|E", 0, 0, 1, 0,
     "s@x"},
    {"empty content", ENV "|Ra@x|M|X|E", 0, 0, 1, 0, "sender@example.com"},
    {"no size", "T1700000000|Fs@x|Ra@x|" BODY "|E", -1, "size", 0, 0, 0},
    {"size not first", "T1|C|Fs@x|Ra@x|" BODY "|E", -1, "first record", 0, 0, 0},
    {"bad size", "Cabc def|T1|Fs@x|Ra@x|" BODY "|E", -1, "size", 0, 0, 0},
    {"short size", "C1 2 3|T1|Fs@x|Ra@x|" BODY "|E", -1, "size", 0, 0, 0},
    {"negative size", "C-1 0 1 0|T1|Fs@x|Ra@x|" BODY "|E", -1, "size", 0, 0, 0},
    {"duplicate size", "C|C|T1|Fs@x|Ra@x|" BODY "|E", -1, "duplicate", 0, 0, 0},
    {"no time", "C|Fs@x|Ra@x|" BODY "|E", -1, "time", 0, 0, 0},
    {"bad time", "C|T12x|Fs@x|Ra@x|" BODY "|E", -1, "time", 0, 0, 0},
    {"bad usec", "C|T12 1000000|Fs@x|Ra@x|" BODY "|E", -1, "time", 0, 0, 0},
    {"time fields", "C|T1 2 3|Fs@x|Ra@x|" BODY "|E", -1, "time", 0, 0, 0},
    {"duplicate time", "C|T1|T2|Fs@x|Ra@x|" BODY "|E", -1, "duplicate", 0, 0, 0},
    {"no sender", "C|T1|Ra@x|" BODY "|E", -1, "sender", 0, 0, 0},
    {"duplicate sender", "C|T1|Fs@x|Ft@x|Ra@x|" BODY "|E", -1, "duplicate", 0, 0, 0},
    {"no recipients", ENV "|" BODY "|E", -1, "no recipients", 0, 0, 0},
    {"empty recipient", ENV "|R|" BODY "|E", -1, "empty recipient", 0, 0, 0},
    {"dangling orcp", ENV "|Ra@x|Oorig@x|" BODY "|E", -1, "original recipient", 0, 0, 0},
    {"two orcp", ENV "|Oa|Ob|Ra@x|" BODY "|E", -1, "original recipients", 0, 0, 0},
    {"content in envelope", ENV "|Ra@x|Nhello|" BODY "|E", -1, "unexpected", 0, 0, 0},
    {"end in envelope", ENV "|Ra@x|E", -1, "unexpected", 0, 0, 0},
    {"no mesg", ENV "|Ra@x", -1, "end of file", 0, 0, 0},
    {"bad mesg offset", ENV "|Ra@x|Mxyz|Nline|X|E", -1, "content start", 0, 0, 0},
    {"mesg offset backwards", ENV "|Ra@x|M              1|Nline|X|E", -1, "content start", 0, 0, 0},
    {"mesg offset past end", ENV "|Ra@x|M         999999|Nline|X|E", -1, "", 0, 0, 0},
    {"mesg points at content", ENV "|Ra@x|M0|Nline|X|E", -1, "", 0, 0, 0},
    {"no end", ENV "|Ra@x|" BODY "|Rb@x", -1, "end of file", 0, 0, 0},
    {"foreign in extracted", ENV "|Ra@x|" BODY "|Aname=value|E", -1, "unexpected", 0, 0, 0},
    {"truncated", ENV "|Ra@x|" BODY "|!", -1, "", 0, 0, 0},
    {"truncated envelope", "C|T1|Fs@x|!", -1, "", 0, 0, 0},
    {"empty file", "", -1, "end of file", 0, 0, 0},
};

/* write_records - write a queue file from the record list syntax */
static void
write_records(const char *path, const char *records, long nrcpt)
{
    VSTREAM *fp = vstream_fopen(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    char *copy = mystrdup(records);
    char *cp = copy;
    char *rec;
    long mesg_offset = -1;
    char buf[100];

    ck_assert_ptr_nonnull(fp);
    while (*records && (rec = strsep(&cp, "|")) != NULL) {
        if (strcmp(rec, "C") == 0) {
            snprintf(buf, sizeof(buf), REC_SIZE_FORMAT, 42L, 0L, nrcpt, 0L);
            rec_fputs(fp, REC_TYPE_SIZE, buf);
        } else if (strcmp(rec, "M") == 0) {
            mesg_offset = (long)vstream_ftell(fp);
            snprintf(buf, sizeof(buf), REC_MESG_FORMAT, 0L);
            rec_fputs(fp, REC_TYPE_MESG, buf);
        } else if (strcmp(rec, "!") == 0) {
            vstream_fputs("R\x7f", fp); /* a length that never ends */
        } else {
            if (rec[0] == REC_TYPE_XTRA && mesg_offset >= 0) {
                snprintf(buf, sizeof(buf), REC_MESG_FORMAT, (long)vstream_ftell(fp));
                ck_assert_int_eq(rec_put_at(fp, mesg_offset, REC_TYPE_MESG, buf, REC_MESG_WIDTH),
                                 REC_TYPE_MESG);
            }
            rec_fputs(fp, rec[0], rec + 1);
        }
    }
    ck_assert_int_eq(vstream_fclose(fp), 0);
    myfree(copy);
}

/* test_read - the envelope table */
START_TEST(test_read)
{
    const struct read_case *tc = &read_cases[_i];
    char path[200];
    QMGR_MESSAGE *message = qmgr_message_alloc("incoming", "TESTID");
    VSTRING *why = vstring_alloc(100);
    VSTREAM *fp;
    int ret;

    snprintf(path, sizeof(path), "%s/case%d", tmpdir, _i);
    write_records(path, tc->records, 3);
    fp = vstream_fopen(path, O_RDWR, 0);
    ck_assert_ptr_nonnull(fp);
    ret = qmgr_message_read(message, fp, why);
    ck_assert_msg(ret == tc->expect, "%s: got %d (%s)", tc->name, ret, STR(why));
    if (ret < 0) {
        ck_assert_msg(strstr(STR(why), tc->why) != NULL && LEN(why) > 0,
                      "%s: reason \"%s\" lacks \"%s\"", tc->name, STR(why), tc->why);
    } else {
        ck_assert_int_eq(message->rcpt_count, tc->rcpt_count);
        ck_assert_int_eq(qmgr_message_count(message, QMGR_RCPT_DONE), tc->done_count);
        ck_assert_str_eq(message->sender, tc->sender);
        ck_assert_int_gt(message->data_offset, 0);
    }
    vstream_fclose(fp);
    qmgr_message_free(message);
    vstring_free(why);
}
END_TEST

/* test_fields - numbers and addresses come out right */
START_TEST(test_fields)
{
    char path[200];
    QMGR_MESSAGE *message = qmgr_message_alloc("incoming", "TESTID");
    VSTRING *why = vstring_alloc(100);
    VSTREAM *fp;

    snprintf(path, sizeof(path), "%s/fields", tmpdir);
    write_records(path, ENV "|OOrig@x|Ra@x|" BODY "|Rb@x|E", 7);
    fp = vstream_fopen(path, O_RDWR, 0);
    ck_assert_int_eq(qmgr_message_read(message, fp, why), 0);
    ck_assert_int_eq(message->arrival_sec, 1700000000);
    ck_assert_int_eq(message->arrival_usec, 123456);
    ck_assert_int_eq(message->data_size, 42);
    ck_assert_int_eq(message->nrcpt, 7);
    ck_assert_str_eq(message->rcpt[0].orig_addr, "Orig@x");
    ck_assert_str_eq(message->rcpt[0].address, "a@x");
    ck_assert_str_eq(message->rcpt[1].orig_addr, "b@x");
    ck_assert_int_lt(message->rcpt[0].offset, message->data_offset);
    ck_assert_int_gt(message->rcpt[1].offset, message->data_offset);
    vstream_fclose(fp);
    qmgr_message_free(message);
    vstring_free(why);
}
END_TEST

/* test_mark_done - a DONE mark survives a second read */
START_TEST(test_mark_done)
{
    char path[200];
    QMGR_MESSAGE *message = qmgr_message_alloc("incoming", "TESTID");
    VSTRING *why = vstring_alloc(100);

    snprintf(path, sizeof(path), "%s/done", tmpdir);
    write_records(path, ENV "|Ra@x|Rb@x|" BODY "|Rc@x|E", 3);
    message->fp = vstream_fopen(path, O_RDWR, 0);
    ck_assert_int_eq(qmgr_message_read(message, message->fp, why), 0);
    qmgr_result_done(message, 0);
    qmgr_result_done(message, 2);
    qmgr_message_free(message);

    message = qmgr_message_alloc("incoming", "TESTID");
    message->fp = vstream_fopen(path, O_RDWR, 0);
    ck_assert_int_eq(qmgr_message_read(message, message->fp, why), 0);
    ck_assert_int_eq(message->rcpt[0].state, QMGR_RCPT_DONE);
    ck_assert_int_eq(message->rcpt[1].state, QMGR_RCPT_TODO);
    ck_assert_int_eq(message->rcpt[2].state, QMGR_RCPT_DONE);
    qmgr_message_free(message);
    vstring_free(why);
}
END_TEST

/* test_rcpt_defer - the last deferral reason is kept */
START_TEST(test_rcpt_defer)
{
    QMGR_RCPT rcpt;

    memset(&rcpt, 0, sizeof(rcpt));
    qmgr_message_rcpt_defer(&rcpt, "4.4.1", "connection refused");
    qmgr_message_rcpt_defer(&rcpt, NULL, NULL);
    ck_assert_int_eq(rcpt.state, QMGR_RCPT_DEFER);
    ck_assert_str_eq(rcpt.dsn_status, "4.0.0");
    qmgr_message_rcpt_defer(&rcpt, "4.2.2", "mailbox full");
    ck_assert_str_eq(rcpt.reason, "mailbox full");
    myfree(rcpt.dsn_status);
    myfree(rcpt.reason);
}
END_TEST

/* setup - silence the reader's expected warnings */
static void
setup(void)
{
    support_quiet();
}

/* message_suite - collect the tests */
static Suite *
message_suite(void)
{
    Suite *s = suite_create("qmgr_message");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_loop_test(tc, test_read, 0, (int)(sizeof(read_cases) / sizeof(read_cases[0])));
    tcase_add_test(tc, test_fields);
    tcase_add_test(tc, test_mark_done);
    tcase_add_test(tc, test_rcpt_defer);
    suite_add_tcase(s, tc);
    return s;
}

/* remove_tmpdir - remove the scratch directory and its files */
static void
remove_tmpdir(void)
{
    DIR *dir = opendir(tmpdir);
    struct dirent *dp;
    char path[300];

    while (dir && (dp = readdir(dir)) != NULL) {
        snprintf(path, sizeof(path), "%s/%s", tmpdir, dp->d_name);
        if (dp->d_name[0] != '.')
            (void)unlink(path);
    }
    if (dir)
        closedir(dir);
    (void)rmdir(tmpdir);
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
    sr = srunner_create(message_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    remove_tmpdir();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
