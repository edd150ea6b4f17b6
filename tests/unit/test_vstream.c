/*
 * test_vstream - unit tests for buffered streams.
 *
 * Covers line and NUL-terminated reads (maxlen limits, missing terminators,
 * NUL bytes, empty input), switching between reading and writing on files,
 * seek/tell with buffered data, sticky errors on a closed pipe, timeouts on
 * a pipe that never delivers, independence of read and write buffers on
 * sockets, large block transfers that bypass the buffer, and O_APPEND.
 * Files live in a private temporary directory that each test removes.
 * Run: build/tests/test_vstream (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"

static char test_dir[] = "/tmp/test_vstream.XXXXXX";
static char test_path[256];

/* setup - make a scratch directory and file name */
static void
setup(void)
{
    ck_assert_ptr_nonnull(mkdtemp(test_dir));
    snprintf(test_path, sizeof(test_path), "%s/file", test_dir);
}

/* teardown - remove the scratch file and directory */
static void
teardown(void)
{
    (void)unlink(test_path);
    (void)rmdir(test_dir);
    memcpy(test_dir + strlen(test_dir) - 6, "XXXXXX", 6);
}

/* write_file - create the scratch file with the given bytes */
static void
write_file(const char *data, size_t len)
{
    VSTREAM *fp = vstream_fopen(test_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(vstream_fwrite(fp, data, len), (ssize_t)len);
    ck_assert_int_eq(vstream_fclose(fp), 0);
}

/* read_file - the scratch file's content, as a VSTRING */
static VSTRING *
read_file(void)
{
    VSTREAM *fp = vstream_fopen(test_path, O_RDONLY, 0);
    VSTRING *vp = vstring_alloc(100);
    char buf[4096];
    ssize_t n;

    ck_assert_ptr_nonnull(fp);
    while ((n = vstream_fread(fp, buf, sizeof(buf))) > 0)
        vstring_memcat(vp, buf, n);
    ck_assert_int_eq(vstream_fclose(fp), 0);
    return (vp);
}

struct line_case {
    const char *input;
    size_t input_len;
    ssize_t maxlen;
    int nul_mode;          /* vstream_get_nul instead of get_line */
    const char *expect[6]; /* successive results; NULL = VSTREAM_EOF */
    int expect_ret[6];
};

#define L(s) s, sizeof(s) - 1

static const struct line_case line_cases[] = {
    {L("abc\ndef\n"), 0, 0, {"abc\n", "def\n", NULL}, {'\n', '\n', VSTREAM_EOF}},
    {L("abc"), 0, 0, {"abc", NULL}, {'c', VSTREAM_EOF}},
    {L(""), 0, 0, {NULL}, {VSTREAM_EOF}},
    {L("\n\n"), 0, 0, {"\n", "\n", NULL}, {'\n', '\n', VSTREAM_EOF}},
    {L("abcdef\n"), 4, 0, {"abcd", "ef\n", NULL}, {'d', '\n', VSTREAM_EOF}},
    {L("abcd\nx"), 5, 0, {"abcd\n", "x", NULL}, {'\n', 'x', VSTREAM_EOF}},
    {L("ab\ncd"), 1, 0, {"a", "b", "\n", "c", "d", NULL}, {'a', 'b', '\n', 'c', 'd', VSTREAM_EOF}},
    {L("abc\0def\0ghi"), 0, 1, {"abc", "def", "ghi", NULL}, {0, 0, 'i', VSTREAM_EOF}},
    {L("\0\0"), 0, 1, {"", "", NULL}, {0, 0, VSTREAM_EOF}},
    {L("abcdef\0"), 3, 1, {"abc", "def", "", NULL}, {'c', 'f', 0, VSTREAM_EOF}},
    {L(""), 0, 1, {NULL}, {VSTREAM_EOF}},
};

/* test_line_table - get_line and get_nul against a table of inputs */
START_TEST(test_line_table)
{
    const struct line_case *tc = &line_cases[_i];
    VSTRING *vp = vstring_alloc(1);
    VSTREAM *fp;
    int ret;
    int i;

    write_file(tc->input, tc->input_len);
    fp = vstream_fopen(test_path, O_RDONLY, 0);
    ck_assert_ptr_nonnull(fp);
    for (i = 0; i < 6; i++) {
        ret = tc->nul_mode ? vstream_get_nul(fp, vp, tc->maxlen)
                           : vstream_get_line(fp, vp, tc->maxlen);
        ck_assert_msg(ret == tc->expect_ret[i], "case %d step %d: ret %d", _i, i, ret);
        if (tc->expect[i] == NULL) {
            ck_assert_int_eq(vstring_len(vp), 0);
            break;
        }
        ck_assert_str_eq(vstring_str(vp), tc->expect[i]);
    }
    ck_assert_int_eq(vstream_fclose(fp), 0);
    vstring_free(vp);
}
END_TEST

/* test_nul_in_line - NUL bytes are data for get_line */
START_TEST(test_nul_in_line)
{
    VSTRING *vp = vstring_alloc(10);
    VSTREAM *fp;

    write_file("a\0b\nc", 5);
    fp = vstream_fopen(test_path, O_RDONLY, 0);
    ck_assert_int_eq(vstream_get_line(fp, vp, 0), '\n');
    ck_assert_int_eq(vstring_len(vp), 4);
    ck_assert_mem_eq(vstring_str(vp), "a\0b\n", 4);
    ck_assert_int_eq(vstream_get_line_append(fp, vp, 0), 'c');
    ck_assert_int_eq(vstring_len(vp), 5);
    ck_assert_int_eq(vstream_feof(fp), 1);
    ck_assert_int_eq(vstream_ferror(fp), 0);
    vstream_fclose(fp);
    vstring_free(vp);
}
END_TEST

/* test_huge_line - a line far beyond maxlen and the buffer size */
START_TEST(test_huge_line)
{
    size_t big = 3 * VSTREAM_BUFSIZE + 17;
    char *data = mymalloc(big + 3);
    VSTRING *vp = vstring_alloc(10);
    VSTREAM *fp;
    size_t total = 0;
    int ret;

    memset(data, 'x', big);
    memcpy(data + big, "\nz", 2);
    write_file(data, big + 2);
    fp = vstream_fopen(test_path, O_RDONLY, 0);
    ck_assert_int_eq(vstream_get_line(fp, vp, 1000), 'x');
    ck_assert_int_eq(vstring_len(vp), 1000);
    total = 1000;
    while ((ret = vstream_get_line(fp, vp, 1000)) == 'x')
        total += (size_t)vstring_len(vp);
    ck_assert_int_eq(ret, '\n');
    ck_assert_uint_eq(total + (size_t)vstring_len(vp), big + 1);
    /* Unlimited: the whole remainder of the file in one call. */
    vstream_fseek(fp, 0, SEEK_SET);
    ck_assert_int_eq(vstream_get_line(fp, vp, 0), '\n');
    ck_assert_uint_eq((size_t)vstring_len(vp), big + 1);
    ck_assert_int_eq(vstream_getc(fp), 'z');
    ck_assert_int_eq(vstream_getc(fp), VSTREAM_EOF);
    vstream_fclose(fp);
    vstring_free(vp);
    myfree(data);
}
END_TEST

/* test_seek_partial - seek and tell after partial reads */
START_TEST(test_seek_partial)
{
    VSTREAM *fp;

    write_file("0123456789", 10);
    fp = vstream_fopen(test_path, O_RDONLY, 0);
    ck_assert_int_eq(vstream_ftell(fp), 0);
    ck_assert_int_eq(vstream_getc(fp), '0');
    ck_assert_int_eq(vstream_getc(fp), '1');
    ck_assert_int_eq(vstream_getc(fp), '2');
    ck_assert_int_eq(vstream_ftell(fp), 3);
    ck_assert_int_eq(vstream_peek(fp), 7);
    ck_assert_int_eq(vstream_fseek(fp, 2, SEEK_CUR), 5);
    ck_assert_int_eq(vstream_getc(fp), '5');
    ck_assert_int_eq(vstream_fseek(fp, 0, SEEK_SET), 0);
    ck_assert_int_eq(vstream_getc(fp), '0');
    ck_assert_int_eq(vstream_fseek(fp, -1, SEEK_END), 9);
    ck_assert_int_eq(vstream_getc(fp), '9');
    ck_assert_int_eq(vstream_getc(fp), VSTREAM_EOF);
    ck_assert_int_eq(vstream_feof(fp), 1);
    /* A seek clears end of file. */
    ck_assert_int_eq(vstream_fseek(fp, 4, SEEK_SET), 4);
    ck_assert_int_eq(vstream_feof(fp), 0);
    ck_assert_int_eq(vstream_getc(fp), '4');
    ck_assert_int_eq(vstream_ungetc(fp, 'Q'), 'Q');
    ck_assert_int_eq(vstream_ftell(fp), 4);
    ck_assert_int_eq(vstream_getc(fp), 'Q');
    ck_assert_int_eq(vstream_fseek(fp, -1, SEEK_SET), -1);
    vstream_fclose(fp);
}
END_TEST

/* test_write_after_read - output lands where the reader stood */
START_TEST(test_write_after_read)
{
    VSTREAM *fp;
    VSTRING *vp;

    write_file("abcdef", 6);
    fp = vstream_fopen(test_path, O_RDWR, 0);
    ck_assert_int_eq(vstream_getc(fp), 'a');
    ck_assert_int_eq(vstream_getc(fp), 'b');
    ck_assert_int_eq(vstream_fputs("XY", fp), 0);
    ck_assert_int_eq(vstream_ftell(fp), 4);
    /* Read after write: pending output goes out first. */
    ck_assert_int_eq(vstream_getc(fp), 'e');
    ck_assert_int_eq(vstream_ftell(fp), 5);
    ck_assert_int_eq(vstream_fclose(fp), 0);
    vp = read_file();
    ck_assert_str_eq(vstring_str(vp), "abXYef");
    vstring_free(vp);
}
END_TEST

/* test_write_seek_read - a record-style rewrite in the middle of a file */
START_TEST(test_write_seek_read)
{
    VSTREAM *fp;
    VSTRING *vp = vstring_alloc(10);

    fp = vstream_fopen(test_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_eq(vstream_fprintf(fp, "line %d\n", 1), 7);
    ck_assert_int_eq(vstream_ftell(fp), 7);
    ck_assert_int_eq(vstream_fputs("line 2\n", fp), 0);
    ck_assert_int_eq(vstream_fseek(fp, 5, SEEK_SET), 5);
    ck_assert_int_eq(vstream_putc('X', fp), 'X');
    ck_assert_int_eq(vstream_fseek(fp, 0, SEEK_SET), 0);
    ck_assert_int_eq(vstream_get_line(fp, vp, 0), '\n');
    ck_assert_str_eq(vstring_str(vp), "line X\n");
    ck_assert_int_eq(vstream_get_line(fp, vp, 0), '\n');
    ck_assert_str_eq(vstring_str(vp), "line 2\n");
    ck_assert_int_eq(vstream_fsync(fp), 0);
    ck_assert_int_eq(vstream_fclose(fp), 0);
    vstring_free(vp);
}
END_TEST

/* test_pipe_timeout - a pipe that never delivers times out */
START_TEST(test_pipe_timeout)
{
    int fds[2];
    VSTREAM *fp;
    time_t start;

    ck_assert_int_eq(pipe(fds), 0);
    fp = vstream_fdopen(fds[0], O_RDONLY);
    vstream_set_timeout(fp, 1);
    ck_assert_int_eq(vstream_timeout(fp), 1);
    start = time((time_t *)0);
    errno = 0;
    ck_assert_int_eq(vstream_getc(fp), VSTREAM_EOF);
    ck_assert_int_eq(errno, ETIMEDOUT);
    ck_assert_int_ge(time((time_t *)0) - start, 0);
    ck_assert_int_le(time((time_t *)0) - start, 3);
    ck_assert_int_eq(vstream_ferror(fp), 1);
    ck_assert_int_eq(vstream_ftimeout(fp), 1);
    ck_assert_int_eq(vstream_feof(fp), 0);
    /* Sticky: no further waiting. */
    ck_assert_int_eq(vstream_getc(fp), VSTREAM_EOF);
    vstream_clearerr(fp);
    ck_assert_int_eq(vstream_ftimeout(fp), 0);
    /* Data that does arrive is read normally. */
    ck_assert_int_eq(write(fds[1], "ok\n", 3), 3);
    ck_assert_int_eq(vstream_getc(fp), 'o');
    ck_assert_int_eq(vstream_peek(fp), 2);
    close(fds[1]);
    ck_assert_int_eq(vstream_fclose(fp), 0);
}
END_TEST

/* test_closed_pipe - write to a pipe without reader: sticky error */
START_TEST(test_closed_pipe)
{
    int fds[2];
    VSTREAM *fp;

    signal(SIGPIPE, SIG_IGN);
    ck_assert_int_eq(pipe(fds), 0);
    close(fds[0]);
    fp = vstream_fdopen(fds[1], O_WRONLY);
    ck_assert_int_eq(vstream_fputs("buffered", fp), 0);
    ck_assert_int_eq(vstream_fflush(fp), VSTREAM_EOF);
    ck_assert_int_eq(vstream_ferror(fp), 1);
    ck_assert_int_eq(vstream_putc('x', fp), VSTREAM_EOF);
    ck_assert_int_eq(vstream_fwrite(fp, "abc", 3), VSTREAM_EOF);
    ck_assert_int_eq(vstream_fprintf(fp, "%d", 42), VSTREAM_EOF);
    ck_assert_int_eq(vstream_fflush(fp), VSTREAM_EOF);
    ck_assert_int_eq(vstream_fclose(fp), VSTREAM_EOF);
}
END_TEST

/* test_socket_pipelining - unread input survives a write on a socket */
START_TEST(test_socket_pipelining)
{
    int sv[2];
    VSTREAM *fp;
    VSTRING *vp = vstring_alloc(10);
    char buf[16];

    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    fp = vstream_fdopen(sv[0], O_RDWR);
    vstream_set_timeout(fp, 5);
    ck_assert_int_eq(write(sv[1], "A\nB\n", 4), 4);
    ck_assert_int_eq(vstream_get_line(fp, vp, 100), '\n');
    ck_assert_str_eq(vstring_str(vp), "A\n");
    ck_assert_int_eq(vstream_peek(fp), 2);
    ck_assert_int_eq(vstream_fputs("r1\n", fp), 0);
    ck_assert_int_eq(vstream_peek(fp), 2);
    /* Buffered input is served without flushing the reply... */
    ck_assert_int_eq(vstream_get_line(fp, vp, 100), '\n');
    ck_assert_str_eq(vstring_str(vp), "B\n");
    ck_assert_int_eq(vstream_fseek(fp, 0, SEEK_SET), -1);
    ck_assert_int_eq(errno, ESPIPE);
    ck_assert_int_eq(vstream_ftell(fp), 4 + 3);
    /* ...but a read that must block flushes it first. */
    vstream_set_timeout(fp, 1);
    ck_assert_int_eq(vstream_getc(fp), VSTREAM_EOF);
    ck_assert_int_eq(vstream_ftimeout(fp), 1);
    ck_assert_int_eq(read(sv[1], buf, sizeof(buf)), 3);
    ck_assert_mem_eq(buf, "r1\n", 3);
    close(sv[1]);
    ck_assert_int_eq(vstream_fclose(fp), VSTREAM_EOF);
    vstring_free(vp);
}
END_TEST

/* test_large_blocks - big fread/fwrite with NUL bytes, mixed with small ones */
START_TEST(test_large_blocks)
{
    size_t big = 5 * VSTREAM_BUFSIZE / 2;
    unsigned char *data = mymalloc(big);
    unsigned char *back = mymalloc(big);
    VSTREAM *fp;
    size_t i;

    for (i = 0; i < big; i++)
        data[i] = (unsigned char)(i * 7);
    fp = vstream_fopen(test_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_eq(vstream_putc(0, fp), 0);
    ck_assert_int_eq(vstream_fwrite(fp, data, big), (ssize_t)big);
    ck_assert_int_eq(vstream_fwrite(fp, data, 10), 10);
    ck_assert_int_eq(vstream_ftell(fp), (off_t)big + 11);
    ck_assert_int_eq(vstream_fseek(fp, 1, SEEK_SET), 1);
    ck_assert_int_eq(vstream_fread(fp, back, 3), 3);
    ck_assert_int_eq(vstream_fread(fp, back + 3, big - 3), (ssize_t)big - 3);
    ck_assert_mem_eq(back, data, big);
    ck_assert_int_eq(vstream_ftell(fp), (off_t)big + 1);
    ck_assert_int_eq(vstream_fread(fp, back, big), 10);
    ck_assert_int_eq(vstream_fread(fp, back, big), 0);
    ck_assert_int_eq(vstream_feof(fp), 1);
    ck_assert_int_eq(vstream_fclose(fp), 0);
    myfree(data);
    myfree(back);
}
END_TEST

/* test_append - O_APPEND files: writes go to the end, ftell agrees */
START_TEST(test_append)
{
    VSTREAM *fp;
    VSTRING *vp;

    write_file("first\n", 6);
    fp = vstream_fopen(test_path, O_WRONLY | O_APPEND, 0);
    ck_assert_int_eq(vstream_fputs("second\n", fp), 0);
    ck_assert_int_eq(vstream_ftell(fp), 13);
    ck_assert_int_eq(vstream_fclose(fp), 0);
    fp = vstream_fopen(test_path, O_RDWR | O_APPEND, 0);
    ck_assert_int_eq(vstream_getc(fp), 'f');
    ck_assert_int_eq(vstream_fputs("third\n", fp), 0);
    ck_assert_int_eq(vstream_fclose(fp), 0);
    vp = read_file();
    ck_assert_str_eq(vstring_str(vp), "first\nsecond\nthird\n");
    vstring_free(vp);
}
END_TEST

/* test_misc - names, fopen failure, fdclose, long printf, ungetc */
START_TEST(test_misc)
{
    VSTREAM *fp;
    VSTRING *vp;
    char *longstr = mymalloc(5001);
    int fd;

    errno = 0;
    ck_assert_ptr_null(vstream_fopen("/nonexistent/dir/file", O_RDONLY, 0));
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_str_eq(vstream_name(vstream_in), "stdin");
    fp = vstream_fopen(test_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    ck_assert_str_eq(vstream_name(fp), test_path);
    vstream_set_name(fp, "queue file");
    ck_assert_str_eq(vstream_name(fp), "queue file");
    memset(longstr, 'y', 5000);
    longstr[5000] = 0;
    ck_assert_int_eq(vstream_fprintf(fp, "<%s>", longstr), 5002);
    fd = vstream_fileno(fp);
    ck_assert_int_eq(vstream_fdclose(fp), 0);
    ck_assert_int_ne(fcntl(fd, F_GETFD), -1);
    fp = vstream_fdopen(fd, O_RDWR);
    ck_assert_int_eq(vstream_ftell(fp), 5002);
    vstream_fseek(fp, 0, SEEK_SET);
    ck_assert_int_eq(vstream_getc(fp), '<');
    ck_assert_int_eq(vstream_ungetc(fp, 'A'), 'A');
    ck_assert_int_eq(vstream_ungetc(fp, VSTREAM_EOF), VSTREAM_EOF);
    ck_assert_int_eq(vstream_getc(fp), 'A');
    ck_assert_int_eq(vstream_fclose(fp), 0);
    ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
    vp = read_file();
    ck_assert_int_eq(vstring_len(vp), 5002);
    vstring_free(vp);
    myfree(longstr);
}
END_TEST

/* test_ungetc_fresh - push back into a stream that never read */
START_TEST(test_ungetc_fresh)
{
    VSTREAM *fp;

    write_file("b", 1);
    fp = vstream_fopen(test_path, O_RDONLY, 0);
    ck_assert_int_eq(vstream_ungetc(fp, 'a'), 'a');
    ck_assert_int_eq(vstream_peek(fp), 1);
    ck_assert_int_eq(vstream_getc(fp), 'a');
    ck_assert_int_eq(vstream_getc(fp), 'b');
    ck_assert_int_eq(vstream_getc(fp), VSTREAM_EOF);
    vstream_fclose(fp);
}
END_TEST

/* vstream_suite - collect the tests */
static Suite *
vstream_suite(void)
{
    Suite *s = suite_create("vstream");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_loop_test(tc, test_line_table, 0, (int)(sizeof(line_cases) / sizeof(line_cases[0])));
    tcase_add_test(tc, test_nul_in_line);
    tcase_add_test(tc, test_huge_line);
    tcase_add_test(tc, test_seek_partial);
    tcase_add_test(tc, test_write_after_read);
    tcase_add_test(tc, test_write_seek_read);
    tcase_add_test(tc, test_pipe_timeout);
    tcase_add_test(tc, test_closed_pipe);
    tcase_add_test(tc, test_socket_pipelining);
    tcase_add_test(tc, test_large_blocks);
    tcase_add_test(tc, test_append);
    tcase_add_test(tc, test_misc);
    tcase_add_test(tc, test_ungetc_fresh);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(vstream_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
