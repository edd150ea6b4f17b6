/*
 * test_pickup_sendmail - sendmail and postdrop write correct maildrop files.
 *
 * Runs the built sendmail (found beside this test: BUILD/tests/.. ->
 * BUILD/sbin) against a private configuration in a temporary directory,
 * feeds a message on its standard input, and reads the maildrop file
 * back with rec_get(), as pickup would. Table-driven: options (-f, -F,
 * -t, -i, -oi, recipient lists), CR LF input, the "." terminator, a
 * leading "From " line, long lines split into CONT pieces, 8-bit and NUL
 * bytes kept, and the failures: no recipients (exit 64), a message over
 * message_size_limit (exit 65), malformed record streams given straight
 * to postdrop (exit 65, nothing left behind in maildrop/).
 * Run: build/tests/test_pickup_sendmail (skips when sendmail is not built).
 */
#include "sys_defs.h"

#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>
#include <limits.h>

#include "mymalloc.h"
#include "stringops.h"
#include "vstream.h"
#include "vstring.h"
#include "record.h"
#include "rec_type.h"

static char test_dir[] = "/tmp/test_sendmail_XXXXXX";
static char sbin_dir[PATH_MAX];

typedef struct TEST_CASE {
    const char *label;
    const char *args[8];
    const char *input;
    ssize_t input_len; /* 0: strlen */
    int status;
    const char *expect; /* rendering without the TIME record; NULL: no file */
} TEST_CASE;

static const TEST_CASE cases[] = {
    {"basic",
     {"-f", "jo@example.org", "-F", "Jo", "a@x, b@y", NULL},
     "Subject: s\r\n\r\nline1\r\n.\r\nnot read\n",
     0,
     0,
     "U Jo\nG 0\nF jo@example.org\nR a@x\nR b@y\nM \nN Subject: s\nN \nN line1\nX \nE \n"},
    {"-i keeps the dot",
     {"-F", "", "-i", "-f", "<>", "a@x", NULL},
     "x\n.\ny",
     0,
     0,
     "G 0\nF \nR a@x\nM \nN x\nN .\nN y\nX \nE \n"},
    {"-oi keeps the dot",
     {"-F", "", "-oi", "-oem", "-f", "j", "a@x", NULL},
     ".\n",
     0,
     0,
     "G 0\nF j\nR a@x\nM \nN .\nX \nE \n"},
    {"-t without recipients",
     {"-F", "", "-t", "-f", "j", NULL},
     "To: a@x\n\nb\n",
     0,
     0,
     "G 1\nF j\nM \nN To: a@x\nN \nN b\nX \nE \n"},
    {"From line dropped",
     {"-F", "", "-f", "j", "a@x", NULL},
     "From j Mon Jan  1 00:00:00 2024\nS: x\n",
     0,
     0,
     "G 0\nF j\nR a@x\nM \nN S: x\nX \nE \n"},
    {"8-bit and NUL kept",
     {"-F", "", "-f", "j", "a@x", NULL},
     "\xe9t\xe9\n\0z\n",
     7,
     0,
     "G 0\nF j\nR a@x\nM \nN \xe9t\xe9\nN \\0z\nX \nE \n"},
    {"quoted local part",
     {"-F", "", "-f", "\"a b\"@x", "\"c d\"@y", NULL},
     "",
     0,
     0,
     "G 0\nF a b@x\nR c d@y\nM \nX \nE \n"},
    {"no recipients", {"-f", "j", NULL}, "x\n", 0, EX_USAGE, NULL},
    {"-t, no destination header",
     {"-t", "-f", "j", NULL},
     "Subject: x\nX: To: y\n\nTo: a@x\n",
     0,
     EX_DATAERR,
     NULL},
    {"-t, only an empty group",
     {"-t", "-f", "j", NULL},
     "To: undisclosed-recipients:;\n\nb\n",
     0,
     EX_DATAERR,
     NULL},
    {"-t, Resent- headers without Resent- destination",
     {"-t", "-f", "j", NULL},
     "To: a@x\nResent-From: b@y\n\nb\n",
     0,
     EX_DATAERR,
     NULL},
    {"-t, folded Resent-Cc",
     {"-F", "", "-t", "-f", "j", NULL},
     "Subject: x\n y\nResent-Cc :\n a\n",
     0,
     0,
     "G 1\nF j\nM \nN Subject: x\nN  y\nN Resent-Cc :\nN  a\nX \nE \n"},
    {"bad option", {"-bs", NULL}, "", 0, EX_USAGE, NULL},
};

/* test_write - write a file (before the tests run: no assertions) */
static int
test_write(const char *name, const char *text)
{
    VSTRING *path = vstring_alloc(100);
    VSTREAM *fp;
    int ret = -1;

    vstring_sprintf(path, "%s/%s", test_dir, name);
    if ((fp = vstream_fopen(STR(path), O_WRONLY | O_CREAT | O_TRUNC, 0644)) != NULL) {
        vstream_fputs(text, fp);
        ret = vstream_fclose(fp) == 0 ? 0 : -1;
    }
    vstring_free(path);
    return (ret);
}

/* test_spawn - run a program with input; return its exit status */
static int
test_spawn(char **argv, const char *input, ssize_t len)
{
    int fds[2];
    pid_t pid;
    int status;

    ck_assert_int_eq(pipe(fds), 0);
    if ((pid = fork()) == 0) {
        dup2(fds[0], 0);
        close(fds[0]);
        close(fds[1]);
        dup2(open("/dev/null", O_WRONLY), 2);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fds[0]);
    /* A usage error ends the child before it reads: no SIGPIPE for us then. */
    signal(SIGPIPE, SIG_IGN);
    if (len > 0 && write(fds[1], input, (size_t)len) != len && errno != EPIPE)
        ck_abort_msg("write to child");
    close(fds[1]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* test_maildrop_file - the name of the only file in maildrop, or NULL */
static char *
test_maildrop_file(void)
{
    VSTRING *path = vstring_alloc(100);
    struct dirent *dp;
    char *found = NULL;
    DIR *dir;

    vstring_sprintf(path, "%s/queue/maildrop", test_dir);
    dir = opendir(STR(path));
    ck_assert_ptr_nonnull(dir);
    while ((dp = readdir(dir)) != NULL) {
        if (dp->d_name[0] == '.')
            continue;
        ck_assert_msg(found == NULL, "more than one file in maildrop");
        found = concatenate(STR(path), "/", dp->d_name, (char *)NULL);
    }
    closedir(dir);
    vstring_free(path);
    return (found);
}

/* test_render - the records of a maildrop file, without TIME; removes the file */
static void
test_render(const char *path, VSTRING *out)
{
    VSTREAM *fp = vstream_fopen(path, O_RDONLY, 0);
    VSTRING *buf = vstring_alloc(100);
    struct stat st;
    ssize_t i;
    int type;

    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0644);
    ck_assert_int_eq(rec_get(fp, buf, 0), REC_TYPE_TIME);
    while ((type = rec_get(fp, buf, 0)) >= 0) {
        vstring_sprintf_append(out, "%c ", type);
        for (i = 0; i < LEN(buf); i++) {
            if (STR(buf)[i] == 0)
                vstring_strcat(out, "\\0");
            else
                vstring_addch(out, STR(buf)[i]);
        }
        vstring_addch(out, '\n');
    }
    vstream_fclose(fp);
    unlink(path);
    vstring_free(buf);
}

/* test_sendmail - the table */
START_TEST(test_sendmail)
{
    const TEST_CASE *tc = &cases[_i];
    char *argv[16];
    VSTRING *sendmail = vstring_alloc(100);
    VSTRING *out = vstring_alloc(100);
    char *file;
    int n = 0;
    int i;

    vstring_sprintf(sendmail, "%s/sendmail", sbin_dir);
    argv[n++] = STR(sendmail);
    argv[n++] = "-C";
    argv[n++] = test_dir;
    for (i = 0; tc->args[i]; i++)
        argv[n++] = (char *)tc->args[i];
    argv[n] = NULL;
    ck_assert_int_eq(
        test_spawn(argv, tc->input, tc->input_len ? tc->input_len : (ssize_t)strlen(tc->input)),
        tc->status);
    file = test_maildrop_file();
    if (tc->expect == NULL) {
        ck_assert_msg(file == NULL, "%s: unexpected file %s", tc->label, file);
    } else {
        ck_assert_msg(file != NULL, "%s: no maildrop file", tc->label);
        test_render(file, out);
        ck_assert_msg(strcmp(STR(out), tc->expect) == 0, "%s: got\n%s", tc->label, STR(out));
        myfree(file);
    }
    vstring_free(sendmail);
    vstring_free(out);
}
END_TEST

/* test_long_line - a long line comes back whole from its pieces */
START_TEST(test_long_line)
{
    VSTRING *input = vstring_alloc(1000);
    VSTRING *joined = vstring_alloc(1000);
    VSTRING *buf = vstring_alloc(100);
    VSTRING *sendmail = vstring_alloc(100);
    char *argv[] = {NULL, "-C", test_dir, "-f", "j", "a@x", NULL};
    VSTREAM *fp;
    char *file;
    int type;
    int pieces = 0;
    int i;

    for (i = 0; i < 1000; i++)
        vstring_addch(input, (char)('a' + i % 26));
    vstring_strcat(input, "\r\n");
    vstring_sprintf(sendmail, "%s/sendmail", sbin_dir);
    argv[0] = STR(sendmail);
    ck_assert_int_eq(test_spawn(argv, STR(input), LEN(input)), 0);
    ck_assert_ptr_nonnull(file = test_maildrop_file());
    fp = vstream_fopen(file, O_RDONLY, 0);
    while ((type = rec_get(fp, buf, 0)) != REC_TYPE_MESG)
        ck_assert_int_ge(type, 0);
    while ((type = rec_get(fp, buf, 0)) == REC_TYPE_CONT || type == REC_TYPE_NORM) {
        pieces++;
        ck_assert_int_le(LEN(buf), 256);
        vstring_memcat(joined, STR(buf), LEN(buf));
    }
    ck_assert_int_eq(type, REC_TYPE_XTRA);
    ck_assert_int_ge(pieces, 4);
    vstring_truncate(input, 1000);
    ck_assert_str_eq(STR(joined), STR(input));
    vstream_fclose(fp);
    unlink(file);
    myfree(file);
    vstring_free(input);
    vstring_free(joined);
    vstring_free(buf);
    vstring_free(sendmail);
}
END_TEST

/* test_too_big - a message over message_size_limit is refused */
START_TEST(test_too_big)
{
    VSTRING *input = vstring_alloc(1000);
    VSTRING *sendmail = vstring_alloc(100);
    char *argv[] = {NULL, "-C", test_dir, "-f", "j", "a@x", NULL};
    int i;

    for (i = 0; i < 40; i++)
        vstring_strcat(input, "0123456789012345678901234567890123456789012345678\n");
    vstring_sprintf(sendmail, "%s/sendmail", sbin_dir);
    argv[0] = STR(sendmail);
    ck_assert_int_eq(test_spawn(argv, STR(input), LEN(input)), EX_DATAERR);
    ck_assert_ptr_null(test_maildrop_file());
    vstring_free(input);
    vstring_free(sendmail);
}
END_TEST

/* test_postdrop_malformed - postdrop refuses bad record streams, leaves nothing */
START_TEST(test_postdrop_malformed)
{
#define LIT(s)                                                                                     \
    {                                                                                              \
        s, sizeof(s) - 1                                                                           \
    }
    static const struct {
        const char *text;
        size_t len;
    } inputs[] = {
        LIT(""), /* empty */
        LIT("F\x01"
            "j"
            "R\x01"
            "a"
            "M\x00"
            "N\x01"
            "x"), /* no XTRA, END */
        LIT("R\x01"
            "a"
            "F\x01"
            "j"
            "M\x00"
            "X\x00"
            "E\x00"), /* recipient first */
        LIT("F\x01"
            "j"
            "C\x01"
            "x"
            "M\x00"
            "X\x00"
            "E\x00"), /* SIZE from a user */
        LIT("F\x01"
            "j"
            "M\x00"
            "X\x00"
            "E\x00"
            "E\x00"), /* data after END */
        LIT("F\x05"
            "j"
            "M\x00"
            "X\x00"
            "E\x00"), /* length past the end */
        LIT("F\x01"
            "j"
            "Q\x00"
            "M\x00"
            "X\x00"
            "E\x00"), /* unknown type */
    };
    VSTRING *postdrop = vstring_alloc(100);
    char *argv[] = {NULL, "-c", test_dir, NULL};
    char *file;
    size_t i;

    vstring_sprintf(postdrop, "%s/postdrop", sbin_dir);
    argv[0] = STR(postdrop);
    for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        ck_assert_msg(test_spawn(argv, inputs[i].text, (ssize_t)inputs[i].len) == EX_DATAERR,
                      "input %zu", i);
        ck_assert_ptr_null(test_maildrop_file());
    }
    ck_assert_int_eq(test_spawn(argv,
                                "F\x01"
                                "j"
                                "M\x00"
                                "X\x00"
                                "E\x00",
                                9),
                     0);
    ck_assert_ptr_nonnull(file = test_maildrop_file());
    unlink(file);
    myfree(file);
    vstring_free(postdrop);
}
END_TEST

/* sendmail_suite - collect the tests */
static Suite *
sendmail_suite(void)
{
    Suite *s = suite_create("sendmail");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, test_sendmail, 0, (int)(sizeof(cases) / sizeof(cases[0])));
    tcase_add_test(tc, test_long_line);
    tcase_add_test(tc, test_too_big);
    tcase_add_test(tc, test_postdrop_malformed);
    suite_add_tcase(s, tc);
    return (s);
}

/* test_setup - find the programs, make the private configuration */
static int
test_setup(const char *argv0)
{
    char resolved[PATH_MAX];
    char *slash;
    VSTRING *text = vstring_alloc(100);
    VSTRING *path = vstring_alloc(100);
    int ret;

    if (realpath(argv0, resolved) == NULL)
        return (-1);
    if ((slash = strrchr(resolved, '/')) != NULL)
        *slash = 0;
    if ((slash = strrchr(resolved, '/')) != NULL)
        *slash = 0;
    vstring_sprintf(path, "%s/sbin", resolved);
    if (LEN(path) >= (ssize_t)sizeof(sbin_dir))
        return (-1);
    memcpy(sbin_dir, STR(path), (size_t)LEN(path) + 1);
    vstring_sprintf(path, "%s/sendmail", sbin_dir);
    if (access(STR(path), X_OK) != 0 || mkdtemp(test_dir) == NULL)
        return (-1);
    vstring_sprintf(path, "%s/queue", test_dir);
    mkdir(STR(path), 0755);
    vstring_strcat(path, "/maildrop");
    mkdir(STR(path), 0755);
    vstring_sprintf(text,
                    "queue_directory = %s/queue\ncommand_directory = %s\n"
                    "line_length_limit = 256\nmessage_size_limit = 1500\n",
                    test_dir, sbin_dir);
    ret = test_write("main.cf", STR(text));
    vstring_free(text);
    vstring_free(path);
    return (ret);
}

/* main - run the suite; non-zero exit status on failure */
int
main(int argc, char **argv)
{
    SRunner *sr;
    int failed;
    char *cmd;

    (void)argc;
    if (test_setup(argv[0]) != 0) {
        printf("test_pickup_sendmail: sendmail not built; skipped\n");
        return (EXIT_SUCCESS);
    }
    sr = srunner_create(sendmail_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    cmd = concatenate(test_dir, "/main.cf", (char *)NULL);
    unlink(cmd);
    myfree(cmd);
    cmd = concatenate(test_dir, "/queue/maildrop", (char *)NULL);
    rmdir(cmd);
    myfree(cmd);
    cmd = concatenate(test_dir, "/queue", (char *)NULL);
    rmdir(cmd);
    myfree(cmd);
    rmdir(test_dir);
    return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
