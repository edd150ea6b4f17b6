/*
 * test_local_recipient - Check tests for the local agent's per-recipient
 * dispatcher (local_recipient.c): address -> account -> mailbox -> result.
 *
 * Each row delivers one recipient of a small queue file with the invoking
 * user as the known account and a scratch folder as mail_spool_directory,
 * and checks the RECIPIENT result (status, DSN, action, reason) and where
 * the message landed: an unknown user bounces with Postfix's wording, an
 * extension is cut at recipient_delimiter, a Delivered-To loop bounces
 * 5.4.6, a spool ending in "/" means Maildir, an unreadable queue file
 * defers.
 */
#include "sys_defs.h"

#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mymalloc.h"
#include "stringops.h"
#include "vstream.h"
#include "vstring.h"

#include "deliver_request.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "rec_type.h"
#include "record.h"

#include "support.h"

#include "local.h" /* the Makefile has no -Isrc/local */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static char tmpdir[] = "/tmp/test_local_recipient.XXXXXX";
static char login[256];

/* setup - scratch spool, parameters, the invoking user's login name */
static void
setup(void)
{
    struct passwd *pw = getpwuid(geteuid());

    ck_assert_ptr_nonnull(pw);
    ck_assert_int_lt(strlen(pw->pw_name), sizeof(login));
    memcpy(login, pw->pw_name, strlen(pw->pw_name) + 1);
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    var_double_bounce_sender = "double-bounce";
    var_mail_owner = "postern";
    var_recipient_delimiter = "+";
    var_home_mailbox = "";
    var_mail_spool_directory = tmpdir;
    var_mailbox_delivery_lock = "fcntl, dotlock";
    var_deliver_lock_attempts = 2;
    var_deliver_lock_delay = 0;
    var_mailbox_size_limit = 0;
    var_strict_mailbox_ownership = 1;
}

/* teardown - remove the scratch spool */
static void
teardown(void)
{
    support_remove_tree(tmpdir);
    memcpy(tmpdir + strlen(tmpdir) - 6, "XXXXXX", 6);
}

typedef struct RCPT_CASE {
    const char *local_part; /* "%s" is the invoking user's login */
    const char *header;     /* first header line of the message */
    int terminate;          /* 0: corrupt queue file */
    int maildir;            /* spool ends in "/" */
    int status;
    const char *dsn;
    const char *action;
    const char *reason; /* "%s" as above */
} RCPT_CASE;

static const RCPT_CASE rcpt_cases[] = {
    {"%s", "Subject: x", 1, 0, MAIL_STAT_OK, "2.0.0", "delivered", "delivered to mailbox"},
    {"%s+ext", "Subject: x", 1, 0, MAIL_STAT_OK, "2.0.0", "delivered", "delivered to mailbox"},
    {"%s", "Subject: x", 1, 1, MAIL_STAT_OK, "2.0.0", "delivered", "delivered to maildir"},
    {"No-Such-User-4711", "Subject: x", 1, 0, MAIL_STAT_BOUNCE, "5.1.1", "failed",
     "unknown user: \"no-such-user-4711\""},
    {"nosuchuser4711+Tag", "Subject: x", 1, 0, MAIL_STAT_BOUNCE, "5.1.1", "failed",
     "unknown user: \"nosuchuser4711+tag\""},
    {"../etc", "Subject: x", 1, 0, MAIL_STAT_BOUNCE, "5.1.1", "failed", "unknown user: \"../etc\""},
    {"%s", "Delivered-To: %s@example.com", 1, 0, MAIL_STAT_BOUNCE, "5.4.6", "failed",
     "mail forwarding loop for %s@example.com"},
    {"%s", "Subject: x", 0, 0, MAIL_STAT_DEFER, "4.3.0", "delayed", "error reading queue file"},
};

/* test_rcpt_table - one recipient per row */
START_TEST(test_rcpt_table)
{
    const RCPT_CASE *tc = rcpt_cases + _i;
    VSTRING *buf = vstring_alloc(100);
    VSTRING *addr = vstring_alloc(100);
    DELIVER_REQUEST request;
    RECIPIENT rcpt;
    struct stat st;
    char *qpath = concatenate(tmpdir, "/queuefile", (char *)0);
    char *spool = concatenate(tmpdir, "/", (char *)0);
    char *mailbox;

    if (tc->maildir)
        var_mail_spool_directory = spool;
    memset(&request, 0, sizeof(request));
    request.fp = vstream_fopen(qpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
    rec_fprintf(request.fp, REC_TYPE_MESG, REC_MESG_FORMAT, 0L);
    vstream_fflush(request.fp);
    request.data_offset = (long)vstream_ftell(request.fp);
    vstring_sprintf(buf, tc->header, login);
    rec_fputs(request.fp, REC_TYPE_NORM, STR(buf));
    rec_fputs(request.fp, REC_TYPE_NORM, "");
    rec_fputs(request.fp, REC_TYPE_NORM, "hello");
    if (tc->terminate)
        rec_fputs(request.fp, REC_TYPE_XTRA, "");
    vstream_fflush(request.fp);
    request.queue_id = "ABC";
    request.sender = "s@example.org";

    vstring_sprintf(addr, tc->local_part, login);
    vstring_strcat(addr, "@example.com");
    memset(&rcpt, 0, sizeof(rcpt));
    rcpt.address = STR(addr);
    rcpt.orig_addr = STR(addr);
    local_deliver_recipient(&request, &rcpt);

    ck_assert_int_eq(rcpt.status, tc->status);
    ck_assert_str_eq(rcpt.dsn_status, tc->dsn);
    ck_assert_str_eq(rcpt.action, tc->action);
    vstring_sprintf(buf, tc->reason, login);
    if (tc->status == MAIL_STAT_OK || tc->status == MAIL_STAT_BOUNCE)
        ck_assert_str_eq(rcpt.reason, STR(buf));
    if (tc->status == MAIL_STAT_OK) {
        mailbox = concatenate(tmpdir, "/", login, tc->maildir ? "/new" : "", (char *)0);
        ck_assert_int_eq(stat(mailbox, &st), 0);
        ck_assert_int_eq(S_ISDIR(st.st_mode) ? 1 : 0, tc->maildir);
        myfree(mailbox);
    } else {
        ck_assert_ptr_nonnull(strstr(rcpt.reason, STR(buf)));
    }
    myfree(rcpt.dsn_status);
    myfree(rcpt.action);
    myfree(rcpt.reason);
    vstream_fclose(request.fp);
    var_mail_spool_directory = tmpdir;
    myfree(qpath);
    myfree(spool);
    vstring_free(buf);
    vstring_free(addr);
}
END_TEST

/* local_recipient_suite - the test suite */
static Suite *
local_recipient_suite(void)
{
    Suite *s = suite_create("local_recipient");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_rcpt_table, 0, COUNT(rcpt_cases));
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite and report */
int
main(void)
{
    SRunner *sr = srunner_create(local_recipient_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
