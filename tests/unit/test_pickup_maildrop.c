/*
 * test_pickup_maildrop - pickup's checks and copy of maildrop files.
 *
 * Table-driven: well-formed submissions; malformed ones (wrong order,
 * missing or repeated sender, queue-file-only records from a user, data
 * after END, truncated files, NUL bytes in addresses, over-long records,
 * garbage bytes); complete queue files put back by an administrator
 * (accepted only from a trusted owner). The copy test checks what cleanup
 * would receive: TIME first, the uid attribute from the file owner, user
 * attributes filtered, SIZE/FLGS/WARN and done recipients left out.
 * Run: build/tests/test_pickup_maildrop.
 */
#include "sys_defs.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vstream.h"
#include "vstring.h"
#include "record.h"
#include "rec_type.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "cleanup_proto.h"
#include "pickup.h"

#define MAX_RECS 20

typedef struct TEST_REC {
    int type;
    const char *data;
} TEST_REC;

typedef struct TEST_CASE {
    const char *label;
    int trusted;
    TEST_REC in[MAX_RECS];
    int ok;          /* expected result of the check */
    int requeue;     /* expected requeue mode */
    int flags;       /* expected flags */
    const char *raw; /* extra raw bytes appended to the file */
} TEST_CASE;

#define GOOD_TAIL                                                                                  \
    {'M', ""}, {'N', "Subject: x"}, {'N', ""}, {'X', ""},                                          \
    {                                                                                              \
        'E', ""                                                                                    \
    }

static const TEST_CASE cases[] = {
    {"minimal", 0, {{'F', "jo"}, {'R', "bob"}, GOOD_TAIL}, 1, 0, 0, NULL},
    {"full envelope, -t",
     0,
     {{'T', "1 2"}, {'U', "Jo"}, {'G', "1"}, {'A', "encoding=8bit"}, {'F', "jo"}, GOOD_TAIL},
     1,
     0,
     CLEANUP_FLAG_EXTRACT,
     NULL},
    {"flags other than extract ignored", 0, {{'G', "6"}, {'F', "jo"}, GOOD_TAIL}, 1, 0, 0, NULL},
    {"long line pieces",
     0,
     {{'F', "jo"}, {'R', "b"}, {'M', ""}, {'L', "aaa"}, {'N', "b"}, {'X', ""}, {'E', ""}},
     1,
     0,
     0,
     NULL},
    {"no sender", 0, {{'R', "bob"}, GOOD_TAIL}, 0, 0, 0, NULL},
    {"no sender at all", 0, {GOOD_TAIL}, 0, 0, 0, NULL},
    {"two senders", 0, {{'F', "a"}, {'F', "b"}, GOOD_TAIL}, 0, 0, 0, NULL},
    {"bad flags", 0, {{'G', "x1"}, {'F', "jo"}, GOOD_TAIL}, 0, 0, 0, NULL},
    {"negative flags", 0, {{'G', "-1"}, {'F', "jo"}, GOOD_TAIL}, 0, 0, 0, NULL},
    {"content in envelope", 0, {{'F', "jo"}, {'N', "x"}, GOOD_TAIL}, 0, 0, 0, NULL},
    {"recipient in content",
     0,
     {{'F', "jo"}, {'M', ""}, {'R', "x"}, {'X', ""}, {'E', ""}},
     0,
     0,
     0,
     NULL},
    {"no END", 0, {{'F', "jo"}, {'M', ""}, {'N', "x"}, {'X', ""}}, 0, 0, 0, NULL},
    {"no XTRA", 0, {{'F', "jo"}, {'M', ""}, {'N', "x"}, {'E', ""}}, 0, 0, 0, NULL},
    {"data after END", 0, {{'F', "jo"}, GOOD_TAIL, {'N', "late"}}, 0, 0, 0, NULL},
    {"garbage after END", 0, {{'F', "jo"}, GOOD_TAIL}, 0, 0, 0, "\xff\xff"},
    {"truncated record", 0, {{'F', "jo"}, GOOD_TAIL}, 0, 0, 0, "N\x10short"},
    {"user may not send SIZE", 0, {{'C', "1 2 3 4"}, {'F', "jo"}, GOOD_TAIL}, 0, 0, 0, NULL},
    {"user may not send DONE", 0, {{'F', "jo"}, {'D', "x"}, GOOD_TAIL}, 0, 0, 0, NULL},
    {"user may not send ORCP", 0, {{'F', "jo"}, {'O', "x"}, {'R', "y"}, GOOD_TAIL}, 0, 0, 0, NULL},
    {"NUL in sender", 0, {{'F', "jo\0x"}, GOOD_TAIL}, 0, 0, 0, NULL},
    {"requeued queue file from a trusted owner",
     1,
     {{'C', "1 2 3 4"},
      {'T', "1 2"},
      {'F', "jo"},
      {'O', "a"},
      {'R', "a@x"},
      {'O', "b"},
      {'D', "b@x"},
      {'W', "5"},
      {'M', "            100"},
      {'N', "x"},
      {'X', ""},
      {'R', "c@x"},
      {'E', ""}},
     1,
     1,
     0,
     NULL},
    {"queue file from an untrusted owner",
     0,
     {{'C', "1 2 3 4"}, {'F', "jo"}, {'R', "a@x"}, GOOD_TAIL},
     0,
     0,
     0,
     NULL},
    {"trusted maildrop file is not a requeue",
     1,
     {{'F', "jo"}, {'R', "x"}, GOOD_TAIL},
     1,
     0,
     0,
     NULL},
};

static char test_dir[] = "/tmp/test_pickup_XXXXXX";

/* test_file - write a case's records to a file and reopen it for reading */
static VSTREAM *
test_file(const TEST_CASE *tc, const char *name)
{
    VSTRING *path = vstring_alloc(100);
    VSTREAM *fp;
    int i;

    vstring_sprintf(path, "%s/%s", test_dir, name);
    fp = vstream_fopen(STR(path), O_RDWR | O_CREAT | O_TRUNC, 0644);
    ck_assert_ptr_nonnull(fp);
    for (i = 0; tc->in[i].type != 0; i++) {
        ssize_t len = (ssize_t)strlen(tc->in[i].data);

        if (strcmp(tc->label, "NUL in sender") == 0 && tc->in[i].type == 'F')
            len = 4;
        rec_put(fp, tc->in[i].type, tc->in[i].data, len);
    }
    if (tc->raw)
        vstream_fwrite(fp, tc->raw, strlen(tc->raw));
    ck_assert_int_eq(vstream_fflush(fp), 0);
    ck_assert_int_eq(vstream_fseek(fp, 0, SEEK_SET), 0);
    vstring_free(path);
    return (fp);
}

/* test_info - a fresh PICKUP_INFO */
static void
test_info(PICKUP_INFO *info, int trusted)
{
    info->uid = 1000;
    info->trusted = trusted;
    info->sender = vstring_alloc(10);
    info->arrival = vstring_alloc(10);
}

/* test_check - the table */
START_TEST(test_check)
{
    const TEST_CASE *tc = &cases[_i];
    VSTRING *why = vstring_alloc(10);
    PICKUP_INFO info;
    VSTREAM *fp = test_file(tc, "in");
    int ret;

    test_info(&info, tc->trusted);
    ret = pickup_maildrop_check(fp, &info, why);
    ck_assert_msg((ret == 0) == tc->ok, "%s: result %d (%s)", tc->label, ret, STR(why));
    if (tc->ok) {
        ck_assert_int_eq(info.requeue, tc->requeue);
        ck_assert_int_eq(info.flags, tc->flags);
        ck_assert_str_eq(STR(info.sender), "jo");
    } else {
        ck_assert_int_gt(LEN(why), 0);
    }
    vstream_fclose(fp);
    vstring_free(info.sender);
    vstring_free(info.arrival);
    vstring_free(why);
}
END_TEST

/* test_render - what the copy produced, one "T data" line per record */
static void
test_render(VSTREAM *fp, VSTRING *out)
{
    VSTRING *buf = vstring_alloc(100);
    int type;

    vstream_fseek(fp, 0, SEEK_SET);
    while ((type = rec_get(fp, buf, 0)) >= 0)
        vstring_sprintf_append(out, "%c %s\n", type, STR(buf));
    vstring_free(buf);
}

/* test_copy_case - check and copy one case; return the rendering */
static void
test_copy_case(const TEST_CASE *tc, VSTRING *out)
{
    VSTRING *why = vstring_alloc(10);
    PICKUP_INFO info;
    VSTREAM *src = test_file(tc, "in");
    VSTRING *path = vstring_alloc(100);
    VSTREAM *dst;

    vstring_sprintf(path, "%s/out", test_dir);
    dst = vstream_fopen(STR(path), O_RDWR | O_CREAT | O_TRUNC, 0600);
    test_info(&info, tc->trusted);
    ck_assert_int_eq(pickup_maildrop_check(src, &info, why), 0);
    ck_assert_int_eq(pickup_maildrop_copy(src, dst, &info, 777), 0);
    vstream_fflush(dst);
    test_render(dst, out);
    vstream_fclose(src);
    vstream_fclose(dst);
    vstring_free(info.sender);
    vstring_free(info.arrival);
    vstring_free(why);
    vstring_free(path);
}

/* test_copy - what cleanup receives */
START_TEST(test_copy)
{
    VSTRING *out = vstring_alloc(100);
    static const TEST_CASE user = {"user",
                                   0,
                                   {{'U', "Jo"},
                                    {'G', "1"},
                                    {'A', "uid=0"},
                                    {'A', "encoding=8bit"},
                                    {'A', "rewrite=x"},
                                    {'F', "jo"},
                                    {'R', "bob"},
                                    {'T', "5 6"},
                                    {'M', "junk"},
                                    {'N', "Subject: x"},
                                    {'N', ""},
                                    {'X', ""},
                                    {'E', ""}},
                                   1,
                                   0,
                                   1,
                                   NULL};

    test_copy_case(&user, out);
    ck_assert_str_eq(STR(out), "T 5 6\nA uid=1000\nU Jo\nA encoding=8bit\nF jo\nR bob\nM \n"
                               "N Subject: x\nN \nX \nE \n");
    vstring_reset(out);
    test_copy_case(&cases[0], out);
    ck_assert_str_eq(STR(out), "T 777 0\nA uid=1000\nF jo\nR bob\nM \nN Subject: x\nN \nX \nE \n");
    vstring_reset(out);
    test_copy_case(&cases[20], out);
    ck_assert_str_eq(STR(out), "T 1 2\nF jo\nO a\nR a@x\nM \nN x\nX \nR c@x\nE \n");
    vstring_free(out);
}
END_TEST

/* pickup_maildrop_suite - collect the tests */
static Suite *
pickup_maildrop_suite(void)
{
    Suite *s = suite_create("pickup_maildrop");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_check, 0, (int)(sizeof(cases) / sizeof(cases[0])));
    tcase_add_test(tc, test_copy);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    VSTRING *path = vstring_alloc(100);
    VSTREAM *fp;
    SRunner *sr;
    int failed;

    if (mkdtemp(test_dir) == NULL) {
        perror("mkdtemp");
        return (EXIT_FAILURE);
    }
    vstring_sprintf(path, "%s/main.cf", test_dir);
    fp = vstream_fopen(STR(path), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    vstream_fprintf(fp, "line_length_limit = 256\n");
    vstream_fclose(fp);
    mail_conf_set_dir(test_dir);
    mail_conf_read();
    mail_params_init();
    sr = srunner_create(pickup_maildrop_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    (void)unlink(STR(path));
    vstring_sprintf(path, "%s/in", test_dir);
    (void)unlink(STR(path));
    vstring_sprintf(path, "%s/out", test_dir);
    (void)unlink(STR(path));
    (void)rmdir(test_dir);
    vstring_free(path);
    return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
