/*
 * test_lock - Check tests for whole-file locks and dot-lock files.
 *
 * fcntl locks only conflict between processes, so contention is tested
 * with a child that takes the lock and tells the parent through a pipe;
 * flock locks conflict between two open() descriptors of one process.
 * Dot-lock tests cover a fresh lock, a lock held by somebody else (EEXIST
 * and a reason), a stale lock (old mtime: removed and taken), and a
 * missing directory (an error other than EEXIST). An unknown lock style
 * is a panic.
 */
#include "sys_defs.h"

#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "lock.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static char tmpdir[] = "/tmp/test_lock.XXXXXX";

/* setup - a private scratch folder */
static void
setup(void)
{
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

/* teardown - remove the scratch folder and its files */
static void
teardown(void)
{
    char *path;
    const char *names[] = {"f", "f.lock"};
    size_t i;

    for (i = 0; i < COUNT(names); i++) {
        path = concatenate(tmpdir, "/", names[i], (char *)0);
        (void)unlink(path);
        myfree(path);
    }
    (void)rmdir(tmpdir);
    memcpy(tmpdir + strlen(tmpdir) - 6, "XXXXXX", 6);
}

/* open_file - open the scratch file read-write */
static int
open_file(void)
{
    char *path = concatenate(tmpdir, "/f", (char *)0);
    int fd = open(path, O_RDWR | O_CREAT, 0600);

    myfree(path);
    ck_assert_int_ge(fd, 0);
    return fd;
}

/* hold_in_child - a child takes the lock, reports, waits to be killed */
static pid_t
hold_in_child(int style, int op)
{
    int pipefd[2];
    char ch;
    pid_t pid;

    ck_assert_int_eq(pipe(pipefd), 0);
    if ((pid = fork()) == 0) {
        int fd = open_file();

        ch = myflock(fd, style, op) == 0 ? 'y' : 'n';
        (void)write(pipefd[1], &ch, 1);
        pause();
        _exit(0);
    }
    ck_assert_int_gt(pid, 0);
    ck_assert_int_eq(read(pipefd[0], &ch, 1), 1);
    ck_assert_int_eq(ch, 'y');
    close(pipefd[0]);
    close(pipefd[1]);
    return pid;
}

/* stop_child - end a lock-holding child */
static void
stop_child(pid_t pid)
{
    int status;

    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
}

typedef struct CONTENTION_CASE {
    int style;
    int held_op;   /* what the child holds */
    int wanted_op; /* what we ask for, without waiting */
    int expect;    /* 0 or -1 */
} CONTENTION_CASE;

static const CONTENTION_CASE contention_cases[] = {
    {MYFLOCK_STYLE_FCNTL, MYFLOCK_OP_EXCLUSIVE, MYFLOCK_OP_EXCLUSIVE, -1},
    {MYFLOCK_STYLE_FCNTL, MYFLOCK_OP_EXCLUSIVE, MYFLOCK_OP_SHARED, -1},
    {MYFLOCK_STYLE_FCNTL, MYFLOCK_OP_SHARED, MYFLOCK_OP_SHARED, 0},
    {MYFLOCK_STYLE_FCNTL, MYFLOCK_OP_SHARED, MYFLOCK_OP_EXCLUSIVE, -1},
    {MYFLOCK_STYLE_FLOCK, MYFLOCK_OP_EXCLUSIVE, MYFLOCK_OP_EXCLUSIVE, -1},
    {MYFLOCK_STYLE_FLOCK, MYFLOCK_OP_SHARED, MYFLOCK_OP_SHARED, 0},
    {MYFLOCK_STYLE_FLOCK, MYFLOCK_OP_SHARED, MYFLOCK_OP_EXCLUSIVE, -1},
};

/* test_contention - a lock held by another process blocks or not */
START_TEST(test_contention)
{
    const CONTENTION_CASE *tc = contention_cases + _i;
    pid_t pid = hold_in_child(tc->style, tc->held_op);
    int fd = open_file();
    int status;

    errno = 0;
    status = myflock(fd, tc->style, tc->wanted_op | MYFLOCK_OP_NOWAIT);
    ck_assert_int_eq(status, tc->expect);
    if (status < 0)
        ck_assert_int_eq(errno, EAGAIN);
    stop_child(pid);
    /* With the holder gone, an exclusive lock must succeed. */
    if (tc->style == MYFLOCK_STYLE_FCNTL || status < 0)
        ck_assert_int_eq(myflock(fd, tc->style, MYFLOCK_OP_EXCLUSIVE | MYFLOCK_OP_NOWAIT), 0);
    ck_assert_int_eq(myflock(fd, tc->style, MYFLOCK_OP_NONE), 0);
    close(fd);
}
END_TEST

/* test_lock_holder - who holds the write lock of a pid file */
START_TEST(test_lock_holder)
{
    char *path = concatenate(tmpdir, "/f", (char *)0);
    char *missing = concatenate(tmpdir, "/no-such-file", (char *)0);
    pid_t pid;
    int fd = open_file();

    close(fd);
    ck_assert_int_eq(lock_holder(missing), 0);
    ck_assert_int_eq(lock_holder(path), 0);
    pid = hold_in_child(MYFLOCK_STYLE_FCNTL, MYFLOCK_OP_EXCLUSIVE);
    ck_assert_int_eq(lock_holder(path), pid);
    stop_child(pid);
    ck_assert_int_eq(lock_holder(path), 0);
    myfree(path);
    myfree(missing);
}
END_TEST

/* test_flock_same_process - flock conflicts between two descriptors */
START_TEST(test_flock_same_process)
{
    int fd1 = open_file();
    int fd2 = open_file();

    ck_assert_int_eq(myflock(fd1, MYFLOCK_STYLE_FLOCK, MYFLOCK_OP_EXCLUSIVE), 0);
    ck_assert_int_eq(myflock(fd2, MYFLOCK_STYLE_FLOCK, MYFLOCK_OP_EXCLUSIVE | MYFLOCK_OP_NOWAIT),
                     -1);
    ck_assert_int_eq(errno, EAGAIN);
    ck_assert_int_eq(myflock(fd1, MYFLOCK_STYLE_FLOCK, MYFLOCK_OP_NONE), 0);
    ck_assert_int_eq(myflock(fd2, MYFLOCK_STYLE_FLOCK, MYFLOCK_OP_EXCLUSIVE | MYFLOCK_OP_NOWAIT),
                     0);
    close(fd1);
    close(fd2);
}
END_TEST

/* test_bad_style - an unknown style is a broken invariant */
START_TEST(test_bad_style)
{
    (void)myflock(0, 99, MYFLOCK_OP_EXCLUSIVE);
}
END_TEST

/* test_dot_lock_cycle - take, collide, release, take again */
START_TEST(test_dot_lock_cycle)
{
    char *path = concatenate(tmpdir, "/f", (char *)0);
    VSTRING *why = vstring_alloc(100);
    struct stat st;

    ck_assert_int_eq(dot_lock(path, why), 0);
    vstring_strcpy(why, "");
    ck_assert_int_eq(dot_lock(path, why), -1);
    ck_assert_int_eq(errno, EEXIST);
    ck_assert_ptr_nonnull(strstr(vstring_str(why), "f.lock exists"));
    dot_unlock(path);
    ck_assert_int_eq(dot_lock(path, (VSTRING *)0), 0);
    dot_unlock(path);
    vstring_free(why);
    myfree(path);
    path = concatenate(tmpdir, "/f.lock", (char *)0);
    ck_assert_int_eq(stat(path, &st), -1);
    myfree(path);
}
END_TEST

/* test_dot_lock_stale - an old lock file is removed and replaced */
START_TEST(test_dot_lock_stale)
{
    char *path = concatenate(tmpdir, "/f", (char *)0);
    char *lock_path = concatenate(tmpdir, "/f.lock", (char *)0);
    struct utimbuf old;
    struct stat st;
    int fd;

    fd = open(lock_path, O_WRONLY | O_CREAT, 0600);
    ck_assert_int_ge(fd, 0);
    close(fd);
    old.actime = old.modtime = time((time_t *)0) - DOT_LOCK_STALE - 10;
    ck_assert_int_eq(utime(lock_path, &old), 0);
    ck_assert_int_eq(dot_lock(path, (VSTRING *)0), 0);
    ck_assert_int_eq(stat(lock_path, &st), 0);
    ck_assert_int_gt(st.st_mtime, old.modtime + 5);
    /* A young lock file is not stale. */
    ck_assert_int_eq(dot_lock(path, (VSTRING *)0), -1);
    dot_unlock(path);
    myfree(path);
    myfree(lock_path);
}
END_TEST

/* test_dot_lock_no_dir - a missing folder is an error other than EEXIST */
START_TEST(test_dot_lock_no_dir)
{
    char *path = concatenate(tmpdir, "/missing/f", (char *)0);
    VSTRING *why = vstring_alloc(100);

    ck_assert_int_eq(dot_lock(path, why), -1);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_ptr_nonnull(strstr(vstring_str(why), "cannot create lock file"));
    vstring_free(why);
    myfree(path);
}
END_TEST

/* lock_suite - the test suite */
static Suite *
lock_suite(void)
{
    Suite *s = suite_create("lock");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_contention, 0, COUNT(contention_cases));
    tcase_add_test(tc, test_flock_same_process);
    tcase_add_test(tc, test_lock_holder);
    tcase_add_test(tc, test_dot_lock_cycle);
    tcase_add_test(tc, test_dot_lock_stale);
    tcase_add_test(tc, test_dot_lock_no_dir);
    suite_add_tcase(s, tc);
    tc = tcase_create("panic"); /* no fixture: teardown cannot run after abort */
    tcase_add_test_raise_signal(tc, test_bad_style, SIGABRT);
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite and report */
int
main(void)
{
    SRunner *sr = srunner_create(lock_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
