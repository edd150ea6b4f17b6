/*
 * test_rec_type - unit tests for the record type table (rec_type.c).
 *
 * A table of every record type with the postcat name it must have (the
 * names Postfix's postcat prints), whether rec_type_ok() knows it and
 * whether postdrop may write it into maildrop/ (the whitelist in
 * rec_type.h: TIME FULL FLGS ATTR FROM RCPT MESG NORM CONT XTRA END, and
 * nothing else); the pseudo types REC_TYPE_EOF and REC_TYPE_ERROR; a table
 * of unknown values (NUL, neighbours of known letters, lower case, values
 * beyond a byte, negative values) that must be unknown everywhere; every
 * byte value checked against the table so that no other value is known;
 * names are distinct.
 * Run: build/tests/test_rec_type (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rec_type.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct known_case {
    int type;
    char letter; /* the byte on disk */
    const char *name;
    int maildrop_ok;
} known_cases[] = {
    {REC_TYPE_SIZE, 'C', "message_size", 0},       {REC_TYPE_TIME, 'T', "message_arrival_time", 1},
    {REC_TYPE_FULL, 'U', "sender_fullname", 1},    {REC_TYPE_FLGS, 'G', "cleanup_flags", 1},
    {REC_TYPE_ATTR, 'A', "named_attribute", 1},    {REC_TYPE_FROM, 'F', "sender", 1},
    {REC_TYPE_ORCP, 'O', "original_recipient", 0}, {REC_TYPE_RCPT, 'R', "recipient", 1},
    {REC_TYPE_DONE, 'D', "done_recipient", 0},     {REC_TYPE_WARN, 'W', "warning_message_time", 0},
    {REC_TYPE_MESG, 'M', "message_content", 1},    {REC_TYPE_NORM, 'N', "regular_text", 1},
    {REC_TYPE_CONT, 'L', "unterminated_text", 1},  {REC_TYPE_XTRA, 'X', "extracted_info", 1},
    {REC_TYPE_END, 'E', "message_end", 1},
};

/* test_known - one known type: its byte, name and classes */
START_TEST(test_known)
{
    const struct known_case *tc = known_cases + _i;

    ck_assert_msg(tc->type == tc->letter, "%s: type 0x%02x", tc->name, tc->type);
    ck_assert_str_eq(rec_type_name(tc->type), tc->name);
    ck_assert_msg(rec_type_ok(tc->type) == 1, "%s: not ok", tc->name);
    ck_assert_msg(rec_type_maildrop_ok(tc->type) == tc->maildrop_ok, "%s: maildrop_ok %d", tc->name,
                  rec_type_maildrop_ok(tc->type));
}
END_TEST

static const int unknown_cases[] = {
    0,   1,   'B', 'H',  'P',  'Q',  'S',  'V',  'Y',   'Z',         'a',       'c', 'e',  'r',
    'x', '?', ' ', '\n', 0x7f, 0x80, 0xc3, 0xff, 0x100, 0x100 + 'R', 'R' - 256, -3,  -100, 1 << 30,
};

/* test_unknown - a value that is no record type */
START_TEST(test_unknown)
{
    int type = unknown_cases[_i];

    ck_assert_msg(strcmp(rec_type_name(type), "unknown_record_type") == 0, "0x%x: %s", type,
                  rec_type_name(type));
    ck_assert_msg(rec_type_ok(type) == 0, "0x%x: ok", type);
    ck_assert_msg(rec_type_maildrop_ok(type) == 0, "0x%x: maildrop_ok", type);
}
END_TEST

/* test_pseudo - EOF and ERROR have names but are not record types */
START_TEST(test_pseudo)
{
    ck_assert_str_eq(rec_type_name(REC_TYPE_EOF), "end_of_file");
    ck_assert_str_eq(rec_type_name(REC_TYPE_ERROR), "record_error");
    ck_assert_int_eq(rec_type_ok(REC_TYPE_EOF), 0);
    ck_assert_int_eq(rec_type_ok(REC_TYPE_ERROR), 0);
    ck_assert_int_eq(rec_type_maildrop_ok(REC_TYPE_EOF), 0);
    ck_assert_int_eq(rec_type_maildrop_ok(REC_TYPE_ERROR), 0);
}
END_TEST

/* test_every_byte - exactly the table's bytes are known, names distinct */
START_TEST(test_every_byte)
{
    int known = 0;
    int maildrop = 0;
    int ch;
    size_t i;
    size_t j;

    for (ch = 0; ch < 256; ch++) {
        int in_table = 0;

        for (i = 0; i < COUNT(known_cases); i++)
            if (known_cases[i].type == ch)
                in_table = 1;
        ck_assert_msg(rec_type_ok(ch) == in_table, "byte 0x%02x", ch);
        if (!in_table)
            ck_assert_msg(rec_type_maildrop_ok(ch) == 0, "byte 0x%02x maildrop", ch);
        known += rec_type_ok(ch);
        maildrop += rec_type_maildrop_ok(ch);
    }
    ck_assert_int_eq(known, 15);
    ck_assert_int_eq(maildrop, 11);
    for (i = 0; i < COUNT(known_cases); i++)
        for (j = i + 1; j < COUNT(known_cases); j++)
            ck_assert_str_ne(rec_type_name(known_cases[i].type),
                             rec_type_name(known_cases[j].type));
}
END_TEST

/* test_fixed_widths - the fixed-width formats produce the documented widths */
START_TEST(test_fixed_widths)
{
    char buf[200];

    ck_assert_int_eq(snprintf(buf, sizeof(buf), REC_SIZE_FORMAT, 0L, 0L, 0L, 0L), REC_SIZE_WIDTH);
    ck_assert_int_eq(snprintf(buf, sizeof(buf), REC_SIZE_FORMAT, 999999999999999L, 1L, 2L, 3L),
                     REC_SIZE_WIDTH);
    ck_assert_int_eq(snprintf(buf, sizeof(buf), REC_MESG_FORMAT, 0L), REC_MESG_WIDTH);
    ck_assert_int_eq(snprintf(buf, sizeof(buf), REC_MESG_FORMAT, 123456789012345L), REC_MESG_WIDTH);
}
END_TEST

/* rec_type_suite - all rec_type tests */
static Suite *
rec_type_suite(void)
{
    Suite *s = suite_create("rec_type");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_known, 0, COUNT(known_cases));
    tcase_add_loop_test(tc, test_unknown, 0, COUNT(unknown_cases));
    tcase_add_test(tc, test_pseudo);
    tcase_add_test(tc, test_every_byte);
    tcase_add_test(tc, test_fixed_widths);
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(rec_type_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
