/*
 * test_record - unit tests for queue-file records (record.c, rec_type.c).
 *
 * Table-driven: round trips of every length class of the varint (0, 1,
 * 127, 128, 16383, 16384, 2 MB), and a table of malformed inputs (unknown
 * type bytes, truncated lengths and data, over-long varints, lengths
 * beyond the limits) with the result and the warning each must give.
 * In-place rewrites: rec_put_type (RCPT -> DONE) and rec_put_at (SIZE)
 * keep the stream position, refuse offsets without a record and refuse a
 * length change. Warnings are captured with msg_output().
 * Run: build/tests/test_record (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "record.h"
#include "vstream.h"
#include "vstring.h"

static char test_dir[] = "/tmp/test_record.XXXXXX";
static char test_path[256];
static char last_warning[1000];

/* capture - remember the last warning */
static void
capture(int level, const char *text)
{
    if (level == MSG_WARN)
        snprintf(last_warning, sizeof(last_warning), "%s", text);
}

/* setup - scratch directory and warning capture */
static void
setup(void)
{
    snprintf(test_dir, sizeof(test_dir), "%s", "/tmp/test_record.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(test_dir));
    snprintf(test_path, sizeof(test_path), "%s/file", test_dir);
    last_warning[0] = 0;
    msg_output(capture);
}

/* teardown - remove the scratch file */
static void
teardown(void)
{
    unlink(test_path);
    rmdir(test_dir);
    msg_output_reset();
}

/* open_bytes - a read/write stream on a file holding the given bytes */
static VSTREAM *
open_bytes(const char *bytes, ssize_t len)
{
    VSTREAM *fp = vstream_fopen(test_path, O_RDWR | O_CREAT | O_TRUNC, 0600);

    ck_assert_ptr_nonnull(fp);
    if (len > 0)
        vstream_fwrite(fp, bytes, len);
    ck_assert_int_eq(vstream_fflush(fp), 0);
    ck_assert_int_eq(vstream_fseek(fp, 0, SEEK_SET), 0);
    return fp;
}

static const ssize_t roundtrip_lengths[] = {0, 1, 127, 128, 16383, 16384, 2 * 1024 * 1024};

/* test_roundtrip - write records of one length class and read them back */
START_TEST(test_roundtrip)
{
    ssize_t len = roundtrip_lengths[_i];
    char *data = mymalloc(len + 1);
    VSTRING *buf = vstring_alloc(10);
    VSTREAM *fp = open_bytes("", 0);
    ssize_t i;

    for (i = 0; i < len; i++)
        data[i] = (char)(i * 7); /* includes NUL and high bytes */
    ck_assert_int_eq(rec_put(fp, REC_TYPE_NORM, data, len), REC_TYPE_NORM);
    ck_assert_int_eq(rec_fputs(fp, REC_TYPE_FROM, "a@b"), REC_TYPE_FROM);
    ck_assert_int_eq(rec_fprintf(fp, REC_TYPE_TIME, "%d %d", 12, 34), REC_TYPE_TIME);
    ck_assert_int_eq(vstream_fseek(fp, 0, SEEK_SET), 0);
    ck_assert_int_eq(rec_get(fp, buf, 0), REC_TYPE_NORM);
    ck_assert_int_eq(LEN(buf), len);
    ck_assert(memcmp(STR(buf), data, len) == 0);
    ck_assert_int_eq(rec_get(fp, buf, 0), REC_TYPE_FROM);
    ck_assert_str_eq(STR(buf), "a@b");
    ck_assert_int_eq(rec_get(fp, buf, 0), REC_TYPE_TIME);
    ck_assert_str_eq(STR(buf), "12 34");
    ck_assert_int_eq(rec_get(fp, buf, 0), REC_TYPE_EOF);
    vstream_fclose(fp);
    vstring_free(buf);
    myfree(data);
}
END_TEST

/* A malformed input, its maxlen, and what rec_get must say. */
static const struct malformed_case {
    const char *label;
    const char *bytes;
    ssize_t len;
    ssize_t maxlen;
    int want_type;
    const char *want_warning;
} malformed_cases[] = {
    {"empty input", "", 0, 0, REC_TYPE_EOF, ""},
    {"unknown type", "Z\001x", 3, 0, REC_TYPE_ERROR, "unknown record type 0x5a"},
    {"NUL type", "\000\000", 2, 0, REC_TYPE_ERROR, "unknown record type 0x00"},
    {"high type", "\377\000", 2, 0, REC_TYPE_ERROR, "unknown record type 0xff"},
    {"no length", "N", 1, 0, REC_TYPE_ERROR, "truncated record"},
    {"cut varint", "N\200", 2, 0, REC_TYPE_ERROR, "truncated record"},
    {"cut data", "N\005abc", 5, 0, REC_TYPE_ERROR, "truncated record"},
    {"varint too long", "N\200\200\200\200\200\001", 7, 0, REC_TYPE_ERROR, "bad record length"},
    {"length too big", "N\377\377\377\377\017", 6, 0, REC_TYPE_ERROR, "bad record length"},
    {"over maxlen", "N\005hello", 7, 4, REC_TYPE_ERROR, "exceeds the limit of 4"},
    {"at maxlen", "N\005hello", 7, 5, REC_TYPE_NORM, ""},
    {"non-minimal varint", "N\203\000abc", 6, 0, REC_TYPE_NORM, ""},
};

/* test_malformed - rec_get on one malformed input */
START_TEST(test_malformed)
{
    const struct malformed_case *tc = malformed_cases + _i;
    VSTRING *buf = vstring_alloc(10);
    VSTREAM *fp = open_bytes(tc->bytes, tc->len);

    vstream_set_name(fp, "testfile");
    ck_assert_msg(rec_get(fp, buf, tc->maxlen) == tc->want_type, "%s", tc->label);
    if (*tc->want_warning) {
        ck_assert_msg(strstr(last_warning, tc->want_warning) != 0, "%s: got \"%s\"", tc->label,
                      last_warning);
        ck_assert_msg(strncmp(last_warning, "testfile:", 9) == 0, "%s: stream not named",
                      tc->label);
    } else {
        ck_assert_msg(last_warning[0] == 0, "%s: unexpected warning %s", tc->label, last_warning);
    }
    vstream_fclose(fp);
    vstring_free(buf);
}
END_TEST

/* write_envelope - FROM, three RCPTs; returns the offsets of the RCPTs */
static void
write_envelope(VSTREAM *fp, off_t *offsets)
{
    int i;
    char addr[64];

    rec_fputs(fp, REC_TYPE_FROM, "sender@example.com");
    for (i = 0; i < 3; i++) {
        ck_assert_int_eq(vstream_fflush(fp), 0);
        offsets[i] = vstream_ftell(fp);
        snprintf(addr, sizeof(addr), "r%d@example.com", i);
        rec_fputs(fp, REC_TYPE_RCPT, addr);
    }
}

/* test_put_type - mark recipients done in place while writing and reading */
START_TEST(test_put_type)
{
    VSTREAM *fp = open_bytes("", 0);
    VSTRING *buf = vstring_alloc(10);
    off_t offsets[3];
    off_t end;

    write_envelope(fp, offsets);
    end = vstream_ftell(fp);
    ck_assert_int_eq(rec_put_type(fp, REC_TYPE_DONE, offsets[1]), REC_TYPE_DONE);
    ck_assert_int_eq(vstream_ftell(fp), end); /* position restored */
    rec_fputs(fp, REC_TYPE_END, "");          /* and writing goes on at the end */
    ck_assert_int_eq(vstream_fseek(fp, 0, SEEK_SET), 0);
    ck_assert_int_eq(rec_get(fp, buf, 0), REC_TYPE_FROM);
    ck_assert_int_eq(rec_get(fp, buf, 0), REC_TYPE_RCPT);
    ck_assert_int_eq(rec_get(fp, buf, 0), REC_TYPE_DONE);
    ck_assert_str_eq(STR(buf), "r1@example.com");
    /* While reading: mark the next record, then read on. */
    ck_assert_int_eq(rec_put_type(fp, REC_TYPE_DONE, offsets[2]), REC_TYPE_DONE);
    ck_assert_int_eq(rec_get(fp, buf, 0), REC_TYPE_DONE);
    ck_assert_str_eq(STR(buf), "r2@example.com");
    ck_assert_int_eq(rec_get(fp, buf, 0), REC_TYPE_END);
    ck_assert_int_eq(rec_get(fp, buf, 0), REC_TYPE_EOF);
    /* Offsets without a record: the middle of data, beyond the end. */
    ck_assert_int_eq(rec_put_type(fp, REC_TYPE_DONE, offsets[1] + 3), REC_TYPE_ERROR);
    ck_assert(strstr(last_warning, "no record at offset") != 0);
    ck_assert_int_eq(rec_put_type(fp, REC_TYPE_DONE, end + 100), REC_TYPE_ERROR);
    vstream_fclose(fp);
    vstring_free(buf);
}
END_TEST

/* test_put_at - rewrite the SIZE record in place */
START_TEST(test_put_at)
{
    VSTREAM *fp = open_bytes("", 0);
    VSTRING *buf = vstring_alloc(10);
    VSTRING *size = vstring_alloc(100);
    off_t end;

    vstring_sprintf(size, REC_SIZE_FORMAT, 0L, 0L, 0L, 0L);
    ck_assert_int_eq(LEN(size), REC_SIZE_WIDTH);
    rec_put(fp, REC_TYPE_SIZE, STR(size), LEN(size));
    rec_fputs(fp, REC_TYPE_TIME, "1 2");
    end = vstream_ftell(fp);
    vstring_sprintf(size, REC_SIZE_FORMAT, 1234L, 80L, 3L, 0L);
    ck_assert_int_eq(rec_put_at(fp, 0, REC_TYPE_SIZE, STR(size), LEN(size)), REC_TYPE_SIZE);
    ck_assert_int_eq(vstream_ftell(fp), end);
    ck_assert_int_eq(rec_put_at(fp, 0, REC_TYPE_SIZE, "short", 5), REC_TYPE_ERROR);
    ck_assert(strstr(last_warning, "has length 63, not 5") != 0);
    ck_assert_int_eq(vstream_fseek(fp, 0, SEEK_SET), 0);
    ck_assert_int_eq(rec_get(fp, buf, 0), REC_TYPE_SIZE);
    ck_assert_str_eq(STR(buf), STR(size));
    ck_assert_int_eq(rec_get(fp, buf, 0), REC_TYPE_TIME);
    ck_assert_str_eq(STR(buf), "1 2");
    vstream_fclose(fp);
    vstring_free(buf);
    vstring_free(size);
}
END_TEST

/* test_type_names - record type names and classes */
START_TEST(test_type_names)
{
    ck_assert_str_eq(rec_type_name(REC_TYPE_FROM), "sender");
    ck_assert_str_eq(rec_type_name(REC_TYPE_RCPT), "recipient");
    ck_assert_str_eq(rec_type_name(REC_TYPE_DONE), "done_recipient");
    ck_assert_str_eq(rec_type_name(REC_TYPE_SIZE), "message_size");
    ck_assert_str_eq(rec_type_name('?'), "unknown_record_type");
    ck_assert(rec_type_maildrop_ok(REC_TYPE_RCPT));
    ck_assert(!rec_type_maildrop_ok(REC_TYPE_DONE));
    ck_assert(!rec_type_maildrop_ok(REC_TYPE_SIZE));
    ck_assert(!rec_type_maildrop_ok('?'));
    ck_assert(rec_type_ok(REC_TYPE_END));
    ck_assert(!rec_type_ok(0));
}
END_TEST

/* record_suite - all record tests */
static Suite *
record_suite(void)
{
    Suite *s = suite_create("record");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_roundtrip, 0,
                        sizeof(roundtrip_lengths) / sizeof(roundtrip_lengths[0]));
    tcase_add_loop_test(tc, test_malformed, 0,
                        sizeof(malformed_cases) / sizeof(malformed_cases[0]));
    tcase_add_test(tc, test_put_type);
    tcase_add_test(tc, test_put_at);
    tcase_add_test(tc, test_type_names);
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(record_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
