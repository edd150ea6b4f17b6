/*
 * test_queue_envelope - unit tests for reading a queue file's envelope
 * (queue_envelope.c).
 *
 * Queue files are written with rec_put() in a scratch directory, with the
 * MESG record's XTRA offset filled in with rec_put_at() as cleanup does.
 * A complete file (SIZE, TIME, FULL, FLGS, ATTR, FROM, ORCP/RCPT/DONE
 * records, WARN, content with NORM and CONT, extracted recipients after
 * XTRA) must give every field, the pending recipients with their original
 * address and record offset and the DONE count, whether the content is
 * skipped with the MESG offset or read through (MESG "" or 0, as in
 * maildrop files). A maildrop file has no SIZE; the null sender is an
 * empty sender that is present; reading again resets the envelope. A
 * table of malformed and truncated files (no END, cut records, bad SIZE,
 * TIME and MESG records, MESG offsets that miss XTRA, records out of
 * place, unknown types, over-long records) must each give -1 and the
 * reason in why; the module itself logs nothing (rec_get() warnings
 * aside, which name the file).
 * Run: build/tests/test_queue_envelope (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "queue_envelope.h"
#include "record.h"
#include "vstream.h"
#include "vstring.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_STEPS 30

/* Pseudo record types for the file builder. */
#define STEP_MESG_AUTO 'm' /* MESG whose offset is set to the next XTRA */
#define STEP_RAW 'r'       /* raw bytes (data) */
#define STEP_BIG 'b'       /* a FULL record one byte over the reader's limit */
#define STEP_TRUNCATE 't'  /* cut atoi(data) bytes off the end */

struct step {
    int type;
    const char *data;
};

static char test_dir[64];
static char test_path[128];
static VSTRING *warnings;

/* capture - collect warnings */
static void
capture(int level, const char *text)
{
    if (level == MSG_WARN)
        vstring_sprintf_append(warnings, "%s\n", text);
}

/* setup - scratch directory and warning capture */
static void
setup(void)
{
    snprintf(test_dir, sizeof(test_dir), "%s", "/tmp/test_queue_envelope.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(test_dir));
    snprintf(test_path, sizeof(test_path), "%s/0000000000z1", test_dir);
    warnings = vstring_alloc(100);
    msg_output(capture);
}

/* teardown - remove the scratch file */
static void
teardown(void)
{
    unlink(test_path);
    rmdir(test_dir);
    msg_output_reset();
    vstring_free(warnings);
}

/* write_file - write the steps; remember the offsets of RCPT records */
static VSTREAM *
write_file(const struct step *steps, long *rcpt_offsets, int *rcpt_count)
{
    VSTREAM *fp = vstream_fopen(test_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    long mesg_offset = -1;
    long truncate_by = 0;
    char buf[REC_MESG_WIDTH + 1];
    char *big;
    int n = 0;

    ck_assert_ptr_nonnull(fp);
    for (; steps->type; steps++) {
        vstream_fflush(fp);
        switch (steps->type) {
        case STEP_MESG_AUTO:
            mesg_offset = (long)vstream_ftell(fp);
            rec_fprintf(fp, REC_TYPE_MESG, REC_MESG_FORMAT, 0L);
            break;
        case STEP_RAW:
            vstream_fwrite(fp, steps->data, strlen(steps->data));
            break;
        case STEP_BIG:
            big = mymalloc(1024 * 1024 + 2);
            memset(big, 'x', 1024 * 1024 + 1);
            rec_put(fp, REC_TYPE_FULL, big, 1024 * 1024 + 1);
            myfree(big);
            break;
        case STEP_TRUNCATE:
            truncate_by = atol(steps->data);
            break;
        case REC_TYPE_XTRA:
            if (mesg_offset >= 0) {
                snprintf(buf, sizeof(buf), REC_MESG_FORMAT, (long)vstream_ftell(fp));
                ck_assert_int_eq(rec_put_at(fp, mesg_offset, REC_TYPE_MESG, buf, REC_MESG_WIDTH),
                                 REC_TYPE_MESG);
                mesg_offset = -1;
            }
            rec_fputs(fp, REC_TYPE_XTRA, steps->data);
            break;
        case REC_TYPE_RCPT:
            if (rcpt_offsets)
                rcpt_offsets[n++] = (long)vstream_ftell(fp);
            /* FALLTHROUGH */
        default:
            rec_fputs(fp, steps->type, steps->data);
            break;
        }
    }
    ck_assert_int_eq(vstream_fflush(fp), 0);
    if (truncate_by > 0)
        ck_assert_int_eq(ftruncate(vstream_fileno(fp), vstream_ftell(fp) - truncate_by), 0);
    ck_assert(vstream_fseek(fp, 0, SEEK_SET) == 0);
    if (rcpt_count)
        *rcpt_count = n;
    return fp;
}

#define SIZE_1234 "           1234             300               3               0"

/* A complete queue file; the MESG step varies (see test_complete). */
#define COMPLETE_FILE(mesg_type, mesg_data)                                                        \
    {                                                                                              \
        {REC_TYPE_SIZE, SIZE_1234}, {REC_TYPE_TIME, "1700000000 654321"},                          \
            {REC_TYPE_FULL, "Alice Example"}, {REC_TYPE_FLGS, "4"},                                \
            {REC_TYPE_ATTR, "rewrite_context=local"}, {REC_TYPE_FROM, "alice@example.com"},        \
            {REC_TYPE_ORCP, "Bob@Example.COM"}, {REC_TYPE_RCPT, "bob@example.com"},                \
            {REC_TYPE_DONE, "carol@example.com"}, {REC_TYPE_ORCP, "dave-orig@example.com"},        \
            {REC_TYPE_DONE, "dave@example.com"}, {REC_TYPE_RCPT, "erin@example.com"},              \
            {REC_TYPE_WARN, "1700003600"}, {mesg_type, mesg_data}, {REC_TYPE_NORM, "Subject: hi"}, \
            {REC_TYPE_NORM, ""}, {REC_TYPE_CONT, "a long "}, {REC_TYPE_NORM, "line"},              \
            {REC_TYPE_XTRA, ""}, {REC_TYPE_ORCP, "frank-orig@example.net"},                        \
            {REC_TYPE_RCPT, "frank@example.net"}, {REC_TYPE_DONE, "gina@example.net"},             \
            {REC_TYPE_END, ""},                                                                    \
        {                                                                                          \
            0, 0                                                                                   \
        }                                                                                          \
    }

static const struct step complete_files[][MAX_STEPS] = {
    COMPLETE_FILE(STEP_MESG_AUTO, ""),               /* skip the content with the offset */
    COMPLETE_FILE(REC_TYPE_MESG, ""),                /* read through: maildrop style */
    COMPLETE_FILE(REC_TYPE_MESG, "              0"), /* read through: offset not yet set */
};

/* test_complete - every field of a complete file */
START_TEST(test_complete)
{
    QUEUE_ENV *env = queue_env_alloc();
    VSTRING *why = vstring_alloc(10);
    long offsets[10];
    int n;
    VSTREAM *fp = write_file(complete_files[_i], offsets, &n);

    ck_assert_int_eq(n, 3);
    vstring_strcpy(why, "stale");
    ck_assert_int_eq(queue_env_read(fp, env, why), 0);
    ck_assert_str_eq(STR(why), "");
    ck_assert_int_eq(env->complete, 1);
    ck_assert_int_eq(env->have_size, 1);
    ck_assert_int_eq(env->content_size, 1234);
    ck_assert_int_eq(env->data_offset, 300);
    ck_assert_int_eq(env->rcpt_total, 3);
    ck_assert_int_eq(env->size_flags, 0);
    ck_assert_int_eq(env->have_time, 1);
    ck_assert_int_eq(env->arrival_sec, 1700000000);
    ck_assert_int_eq(env->arrival_usec, 654321);
    ck_assert_int_eq(env->have_sender, 1);
    ck_assert_str_eq(STR(env->sender), "alice@example.com");
    ck_assert_str_eq(STR(env->fullname), "Alice Example");
    ck_assert_int_eq(env->warn_time, 1700003600);
    ck_assert_int_eq(env->done_count, 3);
    ck_assert_int_eq(env->rcpt_count, 3);
    ck_assert_str_eq(env->rcpt[0].address, "bob@example.com");
    ck_assert_str_eq(env->rcpt[0].orig_addr, "Bob@Example.COM");
    ck_assert_int_eq(env->rcpt[0].offset, offsets[0]);
    /* The ORCP before a DONE record does not carry over to the next RCPT. */
    ck_assert_str_eq(env->rcpt[1].address, "erin@example.com");
    ck_assert_str_eq(env->rcpt[1].orig_addr, "erin@example.com");
    ck_assert_int_eq(env->rcpt[1].offset, offsets[1]);
    ck_assert_str_eq(env->rcpt[2].address, "frank@example.net");
    ck_assert_str_eq(env->rcpt[2].orig_addr, "frank-orig@example.net");
    ck_assert_int_eq(env->rcpt[2].offset, offsets[2]);
    ck_assert_str_eq(STR(warnings), "");
    vstream_fclose(fp);

    /* The offsets really are RCPT records: rewrite one to DONE, read again. */
    fp = vstream_fopen(test_path, O_RDWR, 0);
    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(rec_put_type(fp, REC_TYPE_DONE, (off_t)offsets[2]), REC_TYPE_DONE);
    ck_assert(vstream_fseek(fp, 0, SEEK_SET) == 0);
    ck_assert_int_eq(queue_env_read(fp, env, why), 0);
    ck_assert_int_eq(env->rcpt_count, 2);
    ck_assert_int_eq(env->done_count, 4);
    vstream_fclose(fp);
    vstring_free(why);
    queue_env_free(env);
}
END_TEST

/* test_maildrop_reuse - a maildrop file (no SIZE, null sender) into a used envelope */
START_TEST(test_maildrop_reuse)
{
    static const struct step maildrop[] = {
        {REC_TYPE_TIME, "1700000001 0"},
        {REC_TYPE_FLGS, "0"},
        {REC_TYPE_FROM, ""},
        {REC_TYPE_RCPT, "root"},
        {REC_TYPE_MESG, ""},
        {REC_TYPE_NORM, "body"},
        {REC_TYPE_XTRA, ""},
        {REC_TYPE_END, ""},
        {0, 0},
    };
    QUEUE_ENV *env = queue_env_alloc();
    VSTRING *why = vstring_alloc(10);
    VSTREAM *fp;

    /* Fill the envelope first, so that the reset can be seen. */
    fp = write_file(complete_files[0], 0, 0);
    ck_assert_int_eq(queue_env_read(fp, env, why), 0);
    ck_assert_int_eq(env->rcpt_count, 3);
    vstream_fclose(fp);

    fp = write_file(maildrop, 0, 0);
    ck_assert_int_eq(queue_env_read(fp, env, why), 0);
    ck_assert_int_eq(env->complete, 1);
    ck_assert_int_eq(env->have_size, 0);
    ck_assert_int_eq(env->content_size, 0);
    ck_assert_int_eq(env->have_time, 1);
    ck_assert_int_eq(env->arrival_sec, 1700000001);
    ck_assert_int_eq(env->arrival_usec, 0);
    ck_assert_int_eq(env->have_sender, 1);
    ck_assert_str_eq(STR(env->sender), "");
    ck_assert_str_eq(STR(env->fullname), "");
    ck_assert_int_eq(env->warn_time, 0);
    ck_assert_int_eq(env->done_count, 0);
    ck_assert_int_eq(env->rcpt_count, 1);
    ck_assert_str_eq(env->rcpt[0].address, "root");
    ck_assert_str_eq(env->rcpt[0].orig_addr, "root");
    vstream_fclose(fp);
    vstring_free(why);
    queue_env_free(env);
}
END_TEST

static const struct bad_case {
    const char *label;
    struct step steps[MAX_STEPS];
    const char *want_why;
    int want_sender;   /* have_sender after the failure */
    int want_rcpt;     /* rcpt_count after the failure */
    int rec_get_warns; /* record.c logs a warning */
} bad_cases[] = {
    {"empty file", {{0, 0}}, "premature end of file (no END record)", 0, 0, 0},
    {"no END",
     {{REC_TYPE_FROM, "a@x"},
      {REC_TYPE_RCPT, "b@x"},
      {STEP_MESG_AUTO, ""},
      {REC_TYPE_NORM, "x"},
      {REC_TYPE_XTRA, ""},
      {0, 0}},
     "premature end of file (no END record)",
     1,
     1,
     0},
    {"no END, envelope only",
     {{REC_TYPE_FROM, "a@x"}, {REC_TYPE_RCPT, "b@x"}, {0, 0}},
     "premature end of file (no END record)",
     1,
     1,
     0},
    {"cut inside a recipient",
     {{REC_TYPE_FROM, "a@x"}, {REC_TYPE_RCPT, "bob@example.com"}, {STEP_TRUNCATE, "5"}, {0, 0}},
     "bad record",
     1,
     0,
     1},
    {"cut inside the END record",
     {{REC_TYPE_FROM, "a@x"},
      {REC_TYPE_MESG, ""},
      {REC_TYPE_XTRA, ""},
      {REC_TYPE_END, ""},
      {STEP_TRUNCATE, "1"},
      {0, 0}},
     "bad record",
     1,
     0,
     1},
    {"content cut, no offset",
     {{REC_TYPE_FROM, "a@x"},
      {REC_TYPE_MESG, ""},
      {REC_TYPE_NORM, "abc"},
      {STEP_TRUNCATE, "2"},
      {0, 0}},
     "message content is not followed by an XTRA record",
     1,
     0,
     1},
    {"content ends without XTRA",
     {{REC_TYPE_FROM, "a@x"},
      {REC_TYPE_MESG, ""},
      {REC_TYPE_NORM, "abc"},
      {REC_TYPE_END, ""},
      {0, 0}},
     "message content is not followed by an XTRA record",
     1,
     0,
     0},
    {"content ends at EOF",
     {{REC_TYPE_FROM, "a@x"}, {REC_TYPE_MESG, ""}, {REC_TYPE_NORM, "abc"}, {0, 0}},
     "message content is not followed by an XTRA record",
     1,
     0,
     0},
    {"SIZE not numeric",
     {{REC_TYPE_SIZE, "abc"}, {REC_TYPE_END, ""}, {0, 0}},
     "malformed SIZE record: abc",
     0,
     0,
     0},
    {"SIZE three fields",
     {{REC_TYPE_SIZE, "1 2 3"}, {REC_TYPE_END, ""}, {0, 0}},
     "malformed SIZE record: 1 2 3",
     0,
     0,
     0},
    {"SIZE trailing junk",
     {{REC_TYPE_SIZE, "1 2 3 4x"}, {REC_TYPE_END, ""}, {0, 0}},
     "malformed SIZE record",
     0,
     0,
     0},
    {"SIZE negative",
     {{REC_TYPE_SIZE, "-1 2 3 4"}, {REC_TYPE_END, ""}, {0, 0}},
     "malformed SIZE record",
     0,
     0,
     0},
    {"TIME not numeric",
     {{REC_TYPE_FROM, "a@x"}, {REC_TYPE_TIME, "soon"}, {REC_TYPE_END, ""}, {0, 0}},
     "malformed TIME record: soon",
     1,
     0,
     0},
    {"TIME empty",
     {{REC_TYPE_TIME, ""}, {REC_TYPE_END, ""}, {0, 0}},
     "malformed TIME record",
     0,
     0,
     0},
    {"MESG offset beyond EOF",
     {{REC_TYPE_FROM, "a@x"},
      {REC_TYPE_MESG, "         999999"},
      {REC_TYPE_NORM, "x"},
      {REC_TYPE_XTRA, ""},
      {REC_TYPE_END, ""},
      {0, 0}},
     "MESG record does not point to the XTRA record",
     1,
     0,
     0},
    {"MESG offset inside a record",
     {{REC_TYPE_FROM, "a@x"},
      {REC_TYPE_MESG, "1"},
      {REC_TYPE_NORM, "x"},
      {REC_TYPE_XTRA, ""},
      {REC_TYPE_END, ""},
      {0, 0}},
     "MESG record does not point to the XTRA record",
     1,
     0,
     1},
    {"MESG offset at a content record",
     {{REC_TYPE_FROM, "a@x"},
      {REC_TYPE_MESG, "             22"},
      {REC_TYPE_NORM, "x"},
      {REC_TYPE_XTRA, ""},
      {REC_TYPE_END, ""},
      {0, 0}},
     "MESG record does not point to the XTRA record",
     1,
     0,
     0},
    {"MESG offset with junk",
     {{REC_TYPE_FROM, "a@x"},
      {REC_TYPE_MESG, "12abc"},
      {REC_TYPE_NORM, "x"},
      {REC_TYPE_XTRA, ""},
      {REC_TYPE_END, ""},
      {0, 0}},
     "malformed MESG record: 12abc",
     1,
     0,
     0},
    {"MESG offset negative",
     {{REC_TYPE_FROM, "a@x"},
      {REC_TYPE_MESG, "-5"},
      {REC_TYPE_NORM, "x"},
      {REC_TYPE_XTRA, ""},
      {REC_TYPE_END, ""},
      {0, 0}},
     "malformed MESG record: -5",
     1,
     0,
     0},
    {"MESG not numeric",
     {{REC_TYPE_FROM, "a@x"},
      {REC_TYPE_MESG, "soon"},
      {REC_TYPE_NORM, "x"},
      {REC_TYPE_XTRA, ""},
      {REC_TYPE_END, ""},
      {0, 0}},
     "malformed MESG record: soon",
     1,
     0,
     0},
    {"content before MESG",
     {{REC_TYPE_FROM, "a@x"}, {REC_TYPE_NORM, "x"}, {REC_TYPE_END, ""}, {0, 0}},
     "unexpected regular_text record at offset 5",
     1,
     0,
     0},
    {"CONT before MESG",
     {{REC_TYPE_CONT, "x"}, {REC_TYPE_END, ""}, {0, 0}},
     "unexpected unterminated_text record at offset 0",
     0,
     0,
     0},
    {"XTRA before MESG",
     {{REC_TYPE_FROM, "a@x"}, {REC_TYPE_XTRA, ""}, {REC_TYPE_END, ""}, {0, 0}},
     "unexpected extracted_info record at offset 5",
     1,
     0,
     0},
    {"second MESG",
     {{REC_TYPE_FROM, "a@x"},
      {REC_TYPE_MESG, ""},
      {REC_TYPE_XTRA, ""},
      {REC_TYPE_MESG, ""},
      {REC_TYPE_END, ""},
      {0, 0}},
     "unexpected message_content record at offset 9",
     1,
     0,
     0},
    {"content after XTRA",
     {{REC_TYPE_FROM, "a@x"},
      {STEP_MESG_AUTO, ""},
      {REC_TYPE_XTRA, ""},
      {REC_TYPE_NORM, "late"},
      {REC_TYPE_END, ""},
      {0, 0}},
     "unexpected regular_text record at offset 24",
     1,
     0,
     0},
    {"unknown record type",
     {{REC_TYPE_FROM, "a@x"}, {STEP_RAW, "Z\001x"}, {REC_TYPE_END, ""}, {0, 0}},
     "bad record",
     1,
     0,
     1},
    {"over-long record",
     {{REC_TYPE_FROM, "a@x"}, {STEP_BIG, ""}, {REC_TYPE_END, ""}, {0, 0}},
     "bad record",
     1,
     0,
     1},
};

/* test_bad - one malformed or truncated file */
START_TEST(test_bad)
{
    const struct bad_case *tc = bad_cases + _i;
    QUEUE_ENV *env = queue_env_alloc();
    VSTRING *why = vstring_alloc(10);
    VSTREAM *fp = write_file(tc->steps, 0, 0);

    vstream_set_name(fp, "qfile");
    ck_assert_msg(queue_env_read(fp, env, why) == -1, "%s: accepted", tc->label);
    ck_assert_msg(strstr(STR(why), tc->want_why) != 0, "%s: why \"%s\"", tc->label, STR(why));
    ck_assert_msg(env->complete == 0, "%s: complete", tc->label);
    ck_assert_msg(env->have_sender == tc->want_sender, "%s: have_sender %d", tc->label,
                  env->have_sender);
    ck_assert_msg(env->rcpt_count == tc->want_rcpt, "%s: rcpt_count %d", tc->label,
                  env->rcpt_count);
    if (tc->rec_get_warns)
        ck_assert_msg(strncmp(STR(warnings), "qfile: ", 7) == 0, "%s: warnings \"%s\"", tc->label,
                      STR(warnings));
    else
        ck_assert_msg(LEN(warnings) == 0, "%s: warnings \"%s\"", tc->label, STR(warnings));
    vstream_fclose(fp);
    vstring_free(why);
    queue_env_free(env);
}
END_TEST

/* queue_envelope_suite - all queue_envelope tests */
static Suite *
queue_envelope_suite(void)
{
    Suite *s = suite_create("queue_envelope");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_complete, 0, COUNT(complete_files));
    tcase_add_test(tc, test_maildrop_reuse);
    tcase_add_loop_test(tc, test_bad, 0, COUNT(bad_cases));
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(queue_envelope_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
