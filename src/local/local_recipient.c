/*
 * local_recipient - deliver one recipient of a request: address -> user
 * -> mailbox, and record the outcome in the RECIPIENT.
 *
 * Usage:
 *   local_deliver_recipient(request, rcpt);   result in rcpt->status etc.
 *   local_recipient_user(buf, "Joe+list@example.com", "+") -> "joe"
 *
 * Steps for each recipient (qmgr already decided that the domain is ours):
 *  1. A "Delivered-To: <recipient>" header in the message means the mail
 *     came back to a place it was delivered before: bounce, 5.4.6 "mail
 *     forwarding loop for <recipient>".
 *  2. The local part, lowercased; with recipient_delimiter set, the
 *     extension is cut at the first delimiter character (not at the very
 *     start, and never for postmaster, MAILER-DAEMON, the double-bounce
 *     sender and mail_owner; with '-', not for owner-* and *-request).
 *  3. getpwnam(): no such account bounces, 5.1.1 'unknown user: "local"'
 *     (the lowercased local part with its extension, Postfix's wording);
 *     a failing password database defers, 4.0.0 "user lookup error".
 *  4. The mailbox: home_mailbox ending in "/" is a Maildir below the home
 *     directory; another non-empty home_mailbox is an mbox file there;
 *     otherwise mail_spool_directory/USER (a Maildir when
 *     mail_spool_directory ends in "/"). Home deliveries run wholly with
 *     the recipient's rights; the spool mailbox is opened as root and
 *     written as the recipient (see local_mbox.c). When the agent does not
 *     run as root, every delivery runs as the invoking user.
 *
 * Memory ownership: the RECIPIENT result strings are set with
 * recipient_set_result() (the request owns them).
 * Diagnostics: password database errors are logged; the outcome goes to
 * the caller through the RECIPIENT.
 */
#include "sys_defs.h"

#include <pwd.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "deliver_request.h"
#include "mail_params.h"
#include "mail_proto.h"

#include "local.h"

/* local_recipient_no_split - local parts whose extension is never cut */
static int
local_recipient_no_split(const char *local, const char *delimiters)
{
    size_t len = strlen(local);

    if (strcasecmp(local, "postmaster") == 0 || strcasecmp(local, "mailer-daemon") == 0 ||
        strcasecmp(local, var_double_bounce_sender) == 0 || strcasecmp(local, var_mail_owner) == 0)
        return 1;
    if (strchr(delimiters, '-') != 0 && (strncasecmp(local, "owner-", 6) == 0 ||
                                         (len > 8 && strcasecmp(local + len - 8, "-request") == 0)))
        return 1;
    return 0;
}

/* local_recipient_user - account name for an address */
const char *
local_recipient_user(VSTRING *user, const char *address, const char *delimiters)
{
    const char *at = strrchr(address, '@');
    size_t ext;

    vstring_strncpy(user, address, at ? (ssize_t)(at - address) : (ssize_t)strlen(address));
    lowercase(vstring_str(user));
    if (delimiters != 0 && *delimiters != 0 &&
        !local_recipient_no_split(vstring_str(user), delimiters)) {
        ext = strcspn(vstring_str(user), delimiters);
        if (ext > 0 && ext < (size_t)LEN(user))
            vstring_truncate(user, (ssize_t)ext);
    }
    return vstring_str(user);
}

/* local_recipient_mailbox - pick and run mbox or Maildir delivery */
static void
local_recipient_mailbox(const LOCAL_USER *user, const LOCAL_MESSAGE *msg, LOCAL_RESULT *result)
{
    static LOCAL_MBOX_CONFIG config;
    static int config_ready;
    size_t home_len = strlen(var_home_mailbox);
    size_t spool_len = strlen(var_mail_spool_directory);
    char *path;

    if (!config_ready) {
        local_mbox_config_init(&config);
        config_ready = 1;
    }
    if (home_len > 0 && var_home_mailbox[home_len - 1] == '/') {
        path = concatenate(user->home, "/", var_home_mailbox, (char *)0);
        local_privs_set(user->uid, user->gid);
        local_maildir_deliver(path, msg, config.size_limit, result);
        local_privs_restore();
    } else if (home_len > 0) {
        path = concatenate(user->home, "/", var_home_mailbox, (char *)0);
        local_mbox_deliver(path, user, 0, &config, msg, result);
    } else if (spool_len > 0 && var_mail_spool_directory[spool_len - 1] == '/') {
        path = concatenate(var_mail_spool_directory, user->name, "/", (char *)0);
        local_privs_set(user->uid, user->gid);
        local_maildir_deliver(path, msg, config.size_limit, result);
        local_privs_restore();
    } else {
        path = concatenate(var_mail_spool_directory, "/", user->name, (char *)0);
        local_mbox_deliver(path, user, LOCAL_MBOX_SPOOL, &config, msg, result);
    }
    myfree(path);
}

/* local_recipient_lookup - find the account; 1 found, 0 unknown, -1 error */
static int
local_recipient_lookup(const char *name, struct passwd **pwp)
{
    if (*name == 0 || strchr(name, '/') != 0 || name[0] == '.') {
        *pwp = 0;
        return 0;
    }
    errno = 0;
    if ((*pwp = getpwnam(name)) != 0)
        return 1;
    switch (errno) {
    case EIO:
    case EMFILE:
    case ENFILE:
    case ENOMEM:
    case EAGAIN:
    case EINTR:
        msg_warn("error looking up passwd info for %s: %m", name);
        return -1;
    default:
        return 0;
    }
}

/* local_recipient_account - user lookup and mailbox delivery */
static void
local_recipient_account(const char *address, const LOCAL_MESSAGE *msg, LOCAL_RESULT *result)
{
    VSTRING *name = vstring_alloc(100);
    VSTRING *local = vstring_alloc(100);
    struct passwd *pw;
    LOCAL_USER user;
    char *home;
    int found;

    local_recipient_user(name, address, var_recipient_delimiter);
    local_recipient_user(local, address, "");
    printable(vstring_str(local), '?');
    if ((found = local_recipient_lookup(vstring_str(name), &pw)) < 0) {
        local_result_set(result, "4.0.0", "user lookup error");
    } else if (found == 0) {
        local_result_set(result, "5.1.1", "unknown user: \"%s\"", vstring_str(local));
    } else {
        home = mystrdup(pw->pw_dir); /* pw is overwritten by the next lookup */
        user.name = vstring_str(name);
        user.home = home;
        user.uid = local_privs_root() ? pw->pw_uid : geteuid();
        user.gid = local_privs_root() ? pw->pw_gid : getegid();
        local_recipient_mailbox(&user, msg, result);
        myfree(home);
    }
    vstring_free(name);
    vstring_free(local);
}

/* local_deliver_recipient - deliver one recipient and store its result */
void
local_deliver_recipient(DELIVER_REQUEST *request, RECIPIENT *rcpt)
{
    LOCAL_RESULT *result = local_result_alloc();
    LOCAL_MESSAGE msg;
    int loop;

    msg.fp = request->fp;
    msg.data_offset = request->data_offset;
    msg.sender = request->sender ? request->sender : "";
    msg.orig_rcpt = rcpt->orig_addr;
    msg.rcpt = rcpt->address;
    msg.now = time((time_t *)0);

    if ((loop = local_copy_delivered_to(request->fp, request->data_offset, rcpt->address)) < 0)
        local_result_set(result, "4.3.0", "error reading queue file");
    else if (loop > 0)
        local_result_set(result, "5.4.6", "mail forwarding loop for %s", rcpt->address);
    else
        local_recipient_account(rcpt->address, &msg, result);
    recipient_set_result(rcpt, result->status, vstring_str(result->dsn),
                         local_result_action(result), vstring_str(result->reason));
    local_result_free(result);
}
