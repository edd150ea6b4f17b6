/*
 * test_local_mbox - Check tests for the local agent's message copy and
 * UNIX mailbox delivery (local_copy.c, local_mbox.c, local_result.c,
 * local_recipient.c's address handling).
 *
 * A small queue file is written with record.c (envelope, MESG, content
 * records, XTRA, END) and delivered into files in a scratch folder, with
 * TZ=UTC so that the From_ line is predictable. Covered: the exact bytes
 * of mbox and Maildir-style copies (From_ line, Return-Path,
 * X-Original-To, Delivered-To, ">From " quoting, long lines in CONT
 * pieces, a missing final newline, the null sender), corrupt queue files,
 * truncation back to the old size when the size limit is hit, lock
 * contention with another process (fcntl and dot-lock) ending in a
 * deferral with Postfix's wording, files that are not plain mailboxes,
 * Delivered-To loop detection, lock method parsing, recipient names,
 * errno -> DSN mapping; as root, the identity changes (a spool mailbox
 * handed to the user, a home mailbox never opened as root).
 */
#include "sys_defs.h"

#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstream.h"
#include "vstring.h"

#include "mail_params.h"
#include "mail_proto.h"
#include "rec_type.h"
#include "record.h"

#include "support.h"

#include "local.h" /* the Makefile has no -Isrc/local */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct REC {
    int type;
    const char *data;
} REC;

static char tmpdir[] = "/tmp/test_local_mbox.XXXXXX";
static VSTREAM *queue_fp;
static long queue_offset;

/* write_queue_file - a queue file with the given content records */
static void
write_queue_file(const REC *content, size_t count, int terminate)
{
    char *path = concatenate(tmpdir, "/queuefile", (char *)0);
    size_t i;

    if (queue_fp)
        vstream_fclose(queue_fp);
    queue_fp = vstream_fopen(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    ck_assert_ptr_nonnull(queue_fp);
    rec_fputs(queue_fp, REC_TYPE_TIME, "1000 0");
    rec_fputs(queue_fp, REC_TYPE_FROM, "sender@example.com");
    rec_fputs(queue_fp, REC_TYPE_RCPT, "user@example.com");
    rec_fprintf(queue_fp, REC_TYPE_MESG, REC_MESG_FORMAT, 0L);
    ck_assert_int_eq(vstream_fflush(queue_fp), 0);
    queue_offset = (long)vstream_ftell(queue_fp);
    for (i = 0; i < count; i++)
        rec_fputs(queue_fp, content[i].type, content[i].data);
    if (terminate) {
        rec_fputs(queue_fp, REC_TYPE_XTRA, "");
        rec_fputs(queue_fp, REC_TYPE_END, "");
    }
    ck_assert_int_eq(vstream_fflush(queue_fp), 0);
    myfree(path);
}

static const REC plain_message[] = {
    {REC_TYPE_NORM, "Subject: hi"}, {REC_TYPE_NORM, ""},
    {REC_TYPE_NORM, "From me"},     {REC_TYPE_NORM, ">From you"},
    {REC_TYPE_NORM, "From"},        {REC_TYPE_NORM, " From x"},
    {REC_TYPE_CONT, "long line "},  {REC_TYPE_NORM, "From the middle"},
};

/* init_message - a LOCAL_MESSAGE for the current queue file */
static void
init_message(LOCAL_MESSAGE *msg, const char *sender, const char *orig)
{
    msg->fp = queue_fp;
    msg->data_offset = queue_offset;
    msg->sender = sender;
    msg->orig_rcpt = orig;
    msg->rcpt = "User@Example.COM";
    msg->now = 1000000000; /* Sun Sep  9 01:46:40 2001 UTC */
}

/* slurp - a file's whole content */
static char *
slurp(const char *path)
{
    VSTREAM *fp = vstream_fopen(path, O_RDONLY, 0);
    VSTRING *buf = vstring_alloc(100);
    char chunk[4096];
    ssize_t n;

    ck_assert_ptr_nonnull(fp);
    while ((n = vstream_fread(fp, chunk, sizeof(chunk))) > 0)
        vstring_memcat(buf, chunk, n);
    vstream_fclose(fp);
    return vstring_export(buf);
}

/* scratch - a path in the scratch folder (caller frees) */
static char *
scratch(const char *name)
{
    return concatenate(tmpdir, "/", name, (char *)0);
}

/* setup - scratch folder, UTC, parameters the code reads */
static void
setup(void)
{
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    setenv("TZ", "UTC", 1);
    tzset();
    var_double_bounce_sender = "double-bounce";
    var_mail_owner = "postern";
    write_queue_file(plain_message, COUNT(plain_message), 1);
}

/* teardown - close the queue file, remove the scratch folder */
static void
teardown(void)
{
    if (queue_fp)
        vstream_fclose(queue_fp);
    queue_fp = 0;
    support_remove_tree(tmpdir);
    memcpy(tmpdir + strlen(tmpdir) - 6, "XXXXXX", 6);
}

typedef struct COPY_CASE {
    const char *sender;
    const char *orig;
    int flags;
    const char *expect;
} COPY_CASE;

static const COPY_CASE copy_cases[] = {
    {"sender@example.com", "alias@example.com", LOCAL_COPY_MBOX,
     "From sender@example.com  Sun Sep  9 01:46:40 2001\n"
     "Return-Path: <sender@example.com>\n"
     "X-Original-To: alias@example.com\n"
     "Delivered-To: user@example.com\n"
     "Subject: hi\n\n>From me\n>From you\nFrom\n From x\nlong line From the middle\n\n"},
    {"", 0, LOCAL_COPY_MBOX,
     "From MAILER-DAEMON  Sun Sep  9 01:46:40 2001\n"
     "Return-Path: <>\n"
     "Delivered-To: user@example.com\n"
     "Subject: hi\n\n>From me\n>From you\nFrom\n From x\nlong line From the middle\n\n"},
    {"a b@example.com", "", 0,
     "Return-Path: <\"a b\"@example.com>\n"
     "Delivered-To: user@example.com\n"
     "Subject: hi\n\nFrom me\n>From you\nFrom\n From x\nlong line From the middle\n"},
};

/* test_copy_table - exact bytes of mbox and maildir copies */
START_TEST(test_copy_table)
{
    const COPY_CASE *tc = copy_cases + _i;
    char *path = scratch("copy");
    VSTREAM *dst = vstream_fopen(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    VSTRING *why = vstring_alloc(10);
    LOCAL_MESSAGE msg;
    char *text;

    init_message(&msg, tc->sender, tc->orig);
    ck_assert_int_eq(local_copy(dst, &msg, tc->flags, 0, why), LOCAL_COPY_OK);
    vstream_fclose(dst);
    text = slurp(path);
    ck_assert_str_eq(text, tc->expect);
    myfree(text);
    myfree(path);
    vstring_free(why);
}
END_TEST

/* test_copy_no_final_newline - a last CONT piece gets its newline */
START_TEST(test_copy_no_final_newline)
{
    static const REC content[] = {{REC_TYPE_NORM, ""}, {REC_TYPE_CONT, "tail"}};
    char *path = scratch("copy");
    VSTREAM *dst = vstream_fopen(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    VSTRING *why = vstring_alloc(10);
    LOCAL_MESSAGE msg;
    char *text;

    write_queue_file(content, COUNT(content), 1);
    init_message(&msg, "s@x", 0);
    ck_assert_int_eq(local_copy(dst, &msg, LOCAL_COPY_MBOX, 0, why), LOCAL_COPY_OK);
    vstream_fclose(dst);
    text = slurp(path);
    ck_assert_ptr_nonnull(strstr(text, "user@example.com\n\ntail\n\n"));
    ck_assert_int_eq(text[strlen(text) - 3], 'l');
    myfree(text);
    myfree(path);
    vstring_free(why);
}
END_TEST

/* test_copy_corrupt - an unterminated or garbled queue file */
START_TEST(test_copy_corrupt)
{
    char *path = scratch("copy");
    VSTREAM *dst = vstream_fopen(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    VSTRING *why = vstring_alloc(10);
    LOCAL_MESSAGE msg;

    write_queue_file(plain_message, 2, 0); /* no XTRA, no END */
    init_message(&msg, "s@x", 0);
    ck_assert_int_eq(local_copy(dst, &msg, LOCAL_COPY_MBOX, 0, why), LOCAL_COPY_CORRUPT);
    ck_assert_str_eq(vstring_str(why), "error reading queue file");
    /* A record of an unknown type in the content. */
    vstream_fseek(queue_fp, 0, SEEK_END);
    vstream_fwrite(queue_fp, "\001\003abc", 5);
    vstream_fflush(queue_fp);
    ck_assert_int_eq(local_copy(dst, &msg, 0, 0, why), LOCAL_COPY_CORRUPT);
    vstream_fclose(dst);
    myfree(path);
    vstring_free(why);
}
END_TEST

/* write_file - create a file with the given content */
static void
write_file(const char *path, const char *text)
{
    VSTREAM *fp = vstream_fopen(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    ck_assert_ptr_nonnull(fp);
    vstream_fputs(text, fp);
    ck_assert_int_eq(vstream_fclose(fp), 0);
}

typedef struct LIMIT_CASE {
    long limit;
    const char *dsn;
    int status;
} LIMIT_CASE;

static const LIMIT_CASE limit_cases[] = {
    {0, "2.0.0", MAIL_STAT_OK},       {100000, "2.0.0", MAIL_STAT_OK},
    {60, "5.2.2", MAIL_STAT_BOUNCE},  /* over during the copy */
    {4, "5.2.2", MAIL_STAT_BOUNCE},   /* already full */
    {150, "5.2.2", MAIL_STAT_BOUNCE}, /* the last bytes overflow */
};

/* test_append_limit - size limit, and truncation back to the old size */
START_TEST(test_append_limit)
{
    const LIMIT_CASE *tc = limit_cases + _i;
    char *path = scratch("mbox");
    LOCAL_RESULT *result = local_result_alloc();
    LOCAL_MESSAGE msg;
    char *text;
    int fd;

    write_file(path, "old\n");
    fd = open(path, O_WRONLY | O_APPEND);
    init_message(&msg, "s@x", 0);
    local_mbox_append(fd, &msg, tc->limit, result);
    close(fd);
    ck_assert_str_eq(vstring_str(result->dsn), tc->dsn);
    ck_assert_int_eq(result->status, tc->status);
    text = slurp(path);
    if (tc->status == MAIL_STAT_OK) {
        ck_assert_str_eq(vstring_str(result->reason), "delivered to mailbox");
        ck_assert_int_eq(strncmp(text, "old\nFrom s@x  ", 14), 0);
    } else {
        ck_assert_str_eq(vstring_str(result->reason), "error writing message: File too large");
        ck_assert_str_eq(text, "old\n");
    }
    myfree(text);
    myfree(path);
    local_result_free(result);
}
END_TEST

/* test_config - quick locks for the delivery tests */
static void
test_config(LOCAL_MBOX_CONFIG *config, int mask)
{
    config->lock_mask = mask;
    config->lock_attempts = 2;
    config->lock_delay = 0;
    config->size_limit = 0;
    config->strict_owner = 1;
}

/* test_user - the invoking user as recipient */
static void
test_user(LOCAL_USER *user)
{
    user->name = "u";
    user->home = tmpdir;
    user->uid = geteuid();
    user->gid = getegid();
}

/* test_deliver_ok - create, write, unlock; no lock file stays behind */
START_TEST(test_deliver_ok)
{
    char *path = scratch("u");
    char *lock_path = scratch("u.lock");
    LOCAL_RESULT *result = local_result_alloc();
    LOCAL_MBOX_CONFIG config;
    LOCAL_MESSAGE msg;
    LOCAL_USER user;
    struct stat st;
    char *text;

    test_config(&config, LOCAL_LOCK_FCNTL | LOCAL_LOCK_FLOCK | LOCAL_LOCK_DOTLOCK);
    test_user(&user);
    init_message(&msg, "s@x", 0);
    local_mbox_deliver(path, &user, LOCAL_MBOX_SPOOL, &config, &msg, result);
    ck_assert_str_eq(vstring_str(result->dsn), "2.0.0");
    ck_assert_str_eq(vstring_str(result->reason), "delivered to mailbox");
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0600);
    ck_assert_int_eq(stat(lock_path, &st), -1);
    /* A second delivery appends. */
    local_mbox_deliver(path, &user, 0, &config, &msg, result);
    ck_assert_int_eq(result->status, MAIL_STAT_OK);
    text = slurp(path);
    ck_assert_ptr_nonnull(strstr(text, "middle\n\nFrom s@x  "));
    myfree(text);
    myfree(path);
    myfree(lock_path);
    local_result_free(result);
}
END_TEST

/* hold_lock - a child locks the file and waits; returns its pid */
static pid_t
hold_lock(const char *path, int style)
{
    int pipefd[2];
    char ch = 'n';
    pid_t pid;

    ck_assert_int_eq(pipe(pipefd), 0);
    if ((pid = fork()) == 0) {
        int fd = open(path, O_RDWR | O_CREAT, 0600);

        if (fd >= 0 && myflock(fd, style, MYFLOCK_OP_EXCLUSIVE) == 0)
            ch = 'y';
        (void)write(pipefd[1], &ch, 1);
        pause();
        _exit(0);
    }
    ck_assert_int_eq(read(pipefd[0], &ch, 1), 1);
    ck_assert_int_eq(ch, 'y');
    close(pipefd[0]);
    close(pipefd[1]);
    return pid;
}

/* test_deliver_locked - a busy mailbox defers with Postfix's wording */
START_TEST(test_deliver_locked)
{
    static const int styles[] = {MYFLOCK_STYLE_FCNTL, MYFLOCK_STYLE_FLOCK};
    static const int masks[] = {LOCAL_LOCK_FCNTL, LOCAL_LOCK_FLOCK};
    char *path = scratch("u");
    LOCAL_RESULT *result = local_result_alloc();
    LOCAL_MBOX_CONFIG config;
    LOCAL_MESSAGE msg;
    LOCAL_USER user;
    VSTRING *expect = vstring_alloc(100);
    pid_t pid;
    int status;
    char *text;

    write_file(path, "old\n");
    pid = hold_lock(path, styles[_i]);
    test_config(&config, masks[_i]);
    test_user(&user);
    init_message(&msg, "s@x", 0);
    local_mbox_deliver(path, &user, 0, &config, &msg, result);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    ck_assert_str_eq(vstring_str(result->dsn), "4.2.0");
    ck_assert_int_eq(result->status, MAIL_STAT_DEFER);
    vstring_sprintf(expect,
                    "cannot update mailbox %s for user u. unable to lock for exclusive "
                    "access: Resource temporarily unavailable",
                    path);
    ck_assert_str_eq(vstring_str(result->reason), vstring_str(expect));
    text = slurp(path);
    ck_assert_str_eq(text, "old\n");
    myfree(text);
    myfree(path);
    vstring_free(expect);
    local_result_free(result);
}
END_TEST

/* test_deliver_dotlocked - a fresh foreign dot-lock defers too */
START_TEST(test_deliver_dotlocked)
{
    char *path = scratch("u");
    char *lock_path = scratch("u.lock");
    LOCAL_RESULT *result = local_result_alloc();
    LOCAL_MBOX_CONFIG config;
    LOCAL_MESSAGE msg;
    LOCAL_USER user;
    struct stat st;

    write_file(lock_path, "");
    test_config(&config, LOCAL_LOCK_DOTLOCK | LOCAL_LOCK_FCNTL);
    test_user(&user);
    init_message(&msg, "s@x", 0);
    local_mbox_deliver(path, &user, 0, &config, &msg, result);
    ck_assert_str_eq(vstring_str(result->dsn), "4.2.0");
    ck_assert_ptr_nonnull(strstr(vstring_str(result->reason), "u.lock exists"));
    /* Somebody else's lock file is left alone; the mailbox is untouched. */
    ck_assert_int_eq(stat(lock_path, &st), 0);
    ck_assert_int_eq(stat(path, &st), -1);
    myfree(path);
    myfree(lock_path);
    local_result_free(result);
}
END_TEST

/* test_deliver_bad_target - directories, symlinks, hard links, owners */
START_TEST(test_deliver_bad_target)
{
    char *path = scratch("u");
    char *other = scratch("other");
    LOCAL_RESULT *result = local_result_alloc();
    LOCAL_MBOX_CONFIG config;
    LOCAL_MESSAGE msg;
    LOCAL_USER user;

    test_config(&config, LOCAL_LOCK_FCNTL);
    test_user(&user);
    init_message(&msg, "s@x", 0);

    ck_assert_int_eq(mkdir(path, 0700), 0);
    local_mbox_deliver(path, &user, 0, &config, &msg, result);
    ck_assert_str_eq(vstring_str(result->dsn), "5.2.0");
    ck_assert_ptr_nonnull(strstr(vstring_str(result->reason), "cannot open file: Is a directory"));
    rmdir(path);

    write_file(other, "x\n");
    ck_assert_int_eq(symlink(other, path), 0);
    local_mbox_deliver(path, &user, 0, &config, &msg, result);
    ck_assert_int_eq(result->status, MAIL_STAT_BOUNCE);
    unlink(path);

    ck_assert_int_eq(link(other, path), 0);
    local_mbox_deliver(path, &user, 0, &config, &msg, result);
    ck_assert_int_eq(result->status, MAIL_STAT_BOUNCE);
    ck_assert_ptr_nonnull(strstr(vstring_str(result->reason), "more than one hard link"));
    unlink(path);

    /* As the spool case: opened with our rights, then checked. */
    write_file(path, "");
    user.uid = geteuid() + 1; /* not the owner */
    local_mbox_deliver(path, &user, LOCAL_MBOX_SPOOL, &config, &msg, result);
    ck_assert_str_eq(vstring_str(result->dsn), "4.2.0");
    ck_assert_ptr_nonnull(strstr(vstring_str(result->reason), "is not owned by recipient"));
    config.strict_owner = 0;
    local_mbox_deliver(path, &user, LOCAL_MBOX_SPOOL, &config, &msg, result);
    ck_assert_int_eq(result->status, MAIL_STAT_OK);

    myfree(path);
    myfree(other);
    local_result_free(result);
}
END_TEST

/* test_deliver_as_user - as root, spool files are given to the user and
 * home files are never opened with root's rights */
START_TEST(test_deliver_as_user)
{
    char *path = scratch("u");
    LOCAL_RESULT *result = local_result_alloc();
    LOCAL_MBOX_CONFIG config;
    LOCAL_MESSAGE msg;
    LOCAL_USER user;
    struct stat st;

    if (geteuid() != 0)
        return; /* needs root to change identity */
    test_config(&config, LOCAL_LOCK_FCNTL | LOCAL_LOCK_DOTLOCK);
    test_user(&user);
    user.uid = 1;
    user.gid = 1;
    init_message(&msg, "s@x", 0);
    /* Home mailbox in a folder that uid 1 cannot write: refused. */
    local_mbox_deliver(path, &user, 0, &config, &msg, result);
    ck_assert_str_eq(vstring_str(result->dsn), "5.2.0");
    ck_assert_ptr_nonnull(strstr(vstring_str(result->reason), "Permission denied"));
    ck_assert_int_eq(stat(path, &st), -1);
    ck_assert_int_eq(geteuid(), 0);
    /* Spool mailbox: created by root, handed to uid 1, written. */
    local_mbox_deliver(path, &user, LOCAL_MBOX_SPOOL, &config, &msg, result);
    ck_assert_str_eq(vstring_str(result->dsn), "2.0.0");
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_uid, 1);
    ck_assert_int_eq(st.st_gid, 1);
    ck_assert_int_gt(st.st_size, 100);
    ck_assert_int_eq(geteuid(), 0);
    ck_assert_int_eq(getegid(), 0);
    myfree(path);
    local_result_free(result);
}
END_TEST

typedef struct LOOP_CASE {
    REC content[4];
    int count;
    int terminate;
    int expect;
} LOOP_CASE;

static const LOOP_CASE loop_cases[] = {
    {{{REC_TYPE_NORM, "Delivered-To: User@Example.COM"}, {REC_TYPE_NORM, ""}}, 2, 1, 1},
    {{{REC_TYPE_NORM, "delivered-to:   user@example.com  "}, {REC_TYPE_NORM, ""}}, 2, 1, 1},
    {{{REC_TYPE_NORM, "Delivered-To: other@example.com"}, {REC_TYPE_NORM, ""}}, 2, 1, 0},
    {{{REC_TYPE_NORM, "Subject: x"},
      {REC_TYPE_NORM, ""},
      {REC_TYPE_NORM, "Delivered-To: user@example.com"}},
     3,
     1,
     0}, /* body */
    {{{REC_TYPE_CONT, "Delivered-To: user@"}, {REC_TYPE_NORM, "example.com"}}, 2, 1, 1},
    {{{REC_TYPE_NORM, "X-Delivered-To: user@example.com"}}, 1, 1, 0},
    {{{REC_TYPE_NORM, "Subject: x"}}, 1, 0, -1}, /* unterminated file */
    {{{REC_TYPE_NORM, ""}}, 0, 1, 0},            /* empty message */
};

/* test_loop_table - Delivered-To detection in the header only */
START_TEST(test_loop_table)
{
    const LOOP_CASE *tc = loop_cases + _i;

    write_queue_file(tc->content, (size_t)tc->count, tc->terminate);
    ck_assert_int_eq(local_copy_delivered_to(queue_fp, queue_offset, "user@example.com"),
                     tc->expect);
}
END_TEST

typedef struct MASK_CASE {
    const char *text;
    int expect;
} MASK_CASE;

static const MASK_CASE mask_cases[] = {
    {"fcntl, dotlock", LOCAL_LOCK_FCNTL | LOCAL_LOCK_DOTLOCK},
    {"flock", LOCAL_LOCK_FLOCK},
    {"fcntl,flock\tdotlock", LOCAL_LOCK_FCNTL | LOCAL_LOCK_FLOCK | LOCAL_LOCK_DOTLOCK},
    {"", 0},
    {"fcntl, bogus", -1},
    {"FCNTL", -1},
};

/* test_mask_table - mailbox_delivery_lock parsing */
START_TEST(test_mask_table)
{
    VSTRING *why = vstring_alloc(10);

    ck_assert_int_eq(local_lock_mask(mask_cases[_i].text, why), mask_cases[_i].expect);
    if (mask_cases[_i].expect < 0)
        ck_assert_ptr_nonnull(strstr(vstring_str(why), "unknown lock method"));
    vstring_free(why);
}
END_TEST

typedef struct USER_CASE {
    const char *address;
    const char *delimiters;
    const char *expect;
} USER_CASE;

static const USER_CASE user_cases[] = {
    {"Joe@Example.com", "", "joe"},
    {"joe+list@example.com", "+", "joe"},
    {"joe-list@example.com", "+", "joe-list"},
    {"joe-list@example.com", "+-", "joe"},
    {"+joe@example.com", "+", "+joe"},
    {"joe+@example.com", "+", "joe"},
    {"owner-list@example.com", "-", "owner-list"},
    {"list-request@example.com", "-", "list-request"},
    {"Postmaster+x@example.com", "+", "postmaster"},
    {"Postmaster@example.com", "+", "postmaster"},
    {"mailer-daemon@example.com", "-", "mailer-daemon"},
    {"double-bounce@example.com", "-", "double-bounce"},
    {"a@b@example.com", "", "a@b"},
    {"noatsign", "", "noatsign"},
    {"@example.com", "+", ""},
    {"", "", ""},
};

/* test_user_table - address to account name */
START_TEST(test_user_table)
{
    const USER_CASE *tc = user_cases + _i;
    VSTRING *buf = vstring_alloc(10);

    ck_assert_str_eq(local_recipient_user(buf, tc->address, tc->delimiters), tc->expect);
    vstring_free(buf);
}
END_TEST

/* test_errno_dsn - system errors to DSN status */
START_TEST(test_errno_dsn)
{
    ck_assert_str_eq(local_errno_dsn(ENOSPC, "5.2.0"), "4.3.0");
    ck_assert_str_eq(local_errno_dsn(EAGAIN, "5.2.0"), "4.2.0");
    ck_assert_str_eq(local_errno_dsn(ESTALE, "5.2.0"), "4.2.0");
    ck_assert_str_eq(local_errno_dsn(EDQUOT, "4.3.0"), "5.2.2");
    ck_assert_str_eq(local_errno_dsn(EFBIG, "4.3.0"), "5.2.2");
    ck_assert_str_eq(local_errno_dsn(EACCES, "5.2.0"), "5.2.0");
    ck_assert_str_eq(local_errno_dsn(EIO, "4.3.0"), "4.3.0");
}
END_TEST

/* test_result_prefix - context in front of a reason, bad DSN panics */
START_TEST(test_result_prefix)
{
    LOCAL_RESULT *result = local_result_alloc();

    local_result_set(result, "4.2.0", "busy %d", 7);
    local_result_prepend(result, "cannot update %s. ", "x");
    ck_assert_str_eq(vstring_str(result->reason), "cannot update x. busy 7");
    ck_assert_str_eq(local_result_action(result), "delayed");
    local_result_set(result, "5.1.1", "gone");
    ck_assert_str_eq(local_result_action(result), "failed");
    local_result_set(result, "2.0.0", "ok");
    ck_assert_str_eq(local_result_action(result), "delivered");
    local_result_free(result);
}
END_TEST

/* test_result_bad_dsn - a DSN class other than 2, 4, 5 is a bug */
START_TEST(test_result_bad_dsn)
{
    LOCAL_RESULT *result = local_result_alloc();

    local_result_set(result, "3.0.0", "nonsense");
}
END_TEST

/* local_mbox_suite - the test suite */
static Suite *
local_mbox_suite(void)
{
    Suite *s = suite_create("local_mbox");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_copy_table, 0, COUNT(copy_cases));
    tcase_add_test(tc, test_copy_no_final_newline);
    tcase_add_test(tc, test_copy_corrupt);
    tcase_add_loop_test(tc, test_append_limit, 0, COUNT(limit_cases));
    tcase_add_test(tc, test_deliver_ok);
    tcase_add_loop_test(tc, test_deliver_locked, 0, 2);
    tcase_add_test(tc, test_deliver_dotlocked);
    tcase_add_test(tc, test_deliver_bad_target);
    tcase_add_test(tc, test_deliver_as_user);
    tcase_add_loop_test(tc, test_loop_table, 0, COUNT(loop_cases));
    tcase_add_loop_test(tc, test_mask_table, 0, COUNT(mask_cases));
    tcase_add_loop_test(tc, test_user_table, 0, COUNT(user_cases));
    tcase_add_test(tc, test_errno_dsn);
    tcase_add_test(tc, test_result_prefix);
    suite_add_tcase(s, tc);
    tc = tcase_create("panic"); /* no fixture: teardown cannot run after abort */
    tcase_add_test_raise_signal(tc, test_result_bad_dsn, SIGABRT);
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite and report */
int
main(void)
{
    SRunner *sr = srunner_create(local_mbox_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
