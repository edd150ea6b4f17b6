/*
 * local_mbox - deliver to a UNIX-style mailbox file.
 *
 * Usage:
 *   local_mbox_config_init(&config);        from main.cf (once)
 *   local_mbox_deliver(path, &user, LOCAL_MBOX_SPOOL, &config, &msg, result);
 *   local_mbox_append(fd, &msg, size_limit, result);   the writer alone
 *
 * local_mbox_deliver() runs these steps, as Postfix's local does:
 *  1. dot-lock (when mailbox_delivery_lock has "dotlock"): create
 *     path.lock, retrying deliver_lock_attempts times every
 *     deliver_lock_delay while somebody else holds it. A dot-lock that
 *     cannot be created for another reason (no write access to the
 *     directory) is logged and skipped; the kernel lock still protects.
 *  2. open with O_APPEND|O_NOFOLLOW, creating it mode 0600 when missing.
 *     With LOCAL_MBOX_SPOOL (the mailbox lives in mail_spool_directory,
 *     which users often cannot write) this runs as root and a new file is
 *     given to the user with fchown(); otherwise as the user.
 *  3. check: a regular file with one link, owned by the user
 *     (strict_mailbox_ownership; otherwise the delivery is deferred).
 *  4. fcntl and/or flock lock, without waiting, retried like the dot-lock.
 *  5. local_mbox_append() as the user: remember the size, write the
 *     message (local_copy with mbox quoting), fsync; on any error truncate
 *     the file back to the remembered size.
 * The result: 2.0.0 "delivered to mailbox"; or the reason prefixed with
 * "cannot update mailbox PATH for user USER. ", e.g. a lock that stays
 * busy: 4.2.0 "... unable to lock for exclusive access: Resource
 * temporarily unavailable"; over mailbox_size_limit: 5.2.2 "... error
 * writing message: File too large".
 *
 * Memory ownership: the caller owns everything passed in.
 * Diagnostics: lock-file and ownership problems are logged as warnings;
 * everything else is reported through the result.
 */
#include "sys_defs.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "lock.h"
#include "msg.h"
#include "vstream.h"
#include "vstring.h"

#include "mail_params.h"
#include "mail_proto.h"

#include "local.h"

/* local_lock_mask - parse a mailbox_delivery_lock value */
int
local_lock_mask(const char *text, VSTRING *why)
{
    static const struct {
        const char *name;
        int mask;
    } words[] = {
        {"fcntl", LOCAL_LOCK_FCNTL},
        {"flock", LOCAL_LOCK_FLOCK},
        {"dotlock", LOCAL_LOCK_DOTLOCK},
    };
    ARGV *argv = argv_split(text, ", \t\r\n");
    int mask = 0;
    ssize_t i;
    size_t j;

    for (i = 0; i < argv->argc; i++) {
        for (j = 0; j < sizeof(words) / sizeof(words[0]); j++)
            if (strcmp(argv->argv[i], words[j].name) == 0)
                break;
        if (j == sizeof(words) / sizeof(words[0])) {
            vstring_sprintf(why, "unknown lock method: \"%s\"", argv->argv[i]);
            argv_free(argv);
            return -1;
        }
        mask |= words[j].mask;
    }
    argv_free(argv);
    return mask;
}

/* local_mbox_config_init - copy the mailbox parameters from main.cf */
void
local_mbox_config_init(LOCAL_MBOX_CONFIG *config)
{
    VSTRING *why = vstring_alloc(100);

    if ((config->lock_mask = local_lock_mask(var_mailbox_delivery_lock, why)) < 0)
        msg_fatal("parameter mailbox_delivery_lock: %s", vstring_str(why));
    vstring_free(why);
    config->lock_attempts = var_deliver_lock_attempts;
    config->lock_delay = var_deliver_lock_delay;
    config->size_limit = var_mailbox_size_limit;
    config->strict_owner = var_strict_mailbox_ownership;
}

/* local_mbox_kernel_lock - fcntl or flock lock with limited retries */
static int
local_mbox_kernel_lock(int fd, int style, const LOCAL_MBOX_CONFIG *config)
{
    int attempt;

    for (attempt = 1;; attempt++) {
        if (myflock(fd, style, MYFLOCK_OP_EXCLUSIVE | MYFLOCK_OP_NOWAIT) == 0)
            return 0;
        if (errno != EAGAIN || attempt >= config->lock_attempts)
            return -1;
        if (config->lock_delay > 0)
            sleep((unsigned)config->lock_delay);
    }
}

/* local_mbox_dot_lock - 1: locked, 0: skipped, -1: busy (errno EAGAIN) */
static int
local_mbox_dot_lock(const char *path, const LOCAL_MBOX_CONFIG *config, VSTRING *why)
{
    int attempt;

    for (attempt = 1;; attempt++) {
        if (dot_lock(path, why) == 0)
            return 1;
        if (errno != EEXIST) {
            msg_warn("%s; continuing without a dot-lock", vstring_str(why));
            return 0;
        }
        if (attempt >= config->lock_attempts) {
            errno = EAGAIN;
            return -1;
        }
        if (config->lock_delay > 0)
            sleep((unsigned)config->lock_delay);
    }
}

/* local_mbox_open_existing - open without blocking, then make the descriptor blocking */
static int
local_mbox_open_existing(const char *path, int open_flags)
{
    int fd;
    int fl;

    /* O_NONBLOCK: a FIFO planted as the mailbox must not hang the agent. */
    if ((fd = open(path, open_flags | O_NONBLOCK)) < 0)
        return -1;
    if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        (void)close(fd);
        return -1;
    }
    return fd;
}

/* local_mbox_open - open or create the mailbox; -1 with errno on failure */
static int
local_mbox_open(const char *path, const LOCAL_USER *user, int flags)
{
    int open_flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC;
    int fd;

    if ((fd = local_mbox_open_existing(path, open_flags)) >= 0 || errno != ENOENT)
        return fd;
    if ((fd = open(path, open_flags | O_CREAT | O_EXCL, 0600)) < 0)
        return (errno == EEXIST) ? local_mbox_open_existing(path, open_flags) : -1;
    /* We made it: as root in the spool, hand it to the user. */
    if ((flags & LOCAL_MBOX_SPOOL) && local_privs_root() && geteuid() == 0 &&
        fchown(fd, user->uid, user->gid) < 0) {
        msg_warn("fchown %s to uid %ld: %m", path, (long)user->uid);
        (void)close(fd);
        (void)unlink(path);
        errno = EPERM;
        return -1;
    }
    return fd;
}

/* local_mbox_check - refuse files that are not the user's own mailbox */
static int
local_mbox_check(int fd, const char *path, const LOCAL_USER *user, const LOCAL_MBOX_CONFIG *config,
                 LOCAL_RESULT *result)
{
    struct stat st;

    if (fstat(fd, &st) < 0) {
        local_result_set(result, "4.3.0", "cannot fstat %s: %m", path);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        local_result_set(result, "5.2.0", "destination %s is not a regular file", path);
        return -1;
    }
    if (st.st_nlink != 1) {
        local_result_set(result, "5.2.0", "destination %s has more than one hard link", path);
        return -1;
    }
    if (config->strict_owner && st.st_uid != user->uid) {
        msg_warn("mailbox %s is owned by uid %ld, not by recipient %s (uid %ld); "
                 "set \"strict_mailbox_ownership = no\" to deliver anyway",
                 path, (long)st.st_uid, user->name, (long)user->uid);
        local_result_set(result, "4.2.0", "destination %s is not owned by recipient", path);
        return -1;
    }
    return 0;
}

/* local_mbox_append - append the message to an open mailbox, or undo it */
void
local_mbox_append(int fd, const LOCAL_MESSAGE *msg, long size_limit, LOCAL_RESULT *result)
{
    VSTREAM *dst;
    VSTRING *why;
    off_t end;
    int status;
    int saved_errno;

    if ((end = lseek(fd, (off_t)0, SEEK_END)) < 0) {
        local_result_set(result, "4.3.0", "cannot seek mailbox: %m");
        return;
    }
    if (size_limit > 0 && end >= size_limit) {
        local_result_set(result, "5.2.2", "error writing message: %s", strerror(EFBIG));
        return;
    }
    why = vstring_alloc(100);
    dst = vstream_fdopen(fd, O_WRONLY);
    status = local_copy(dst, msg, LOCAL_COPY_MBOX, size_limit > 0 ? size_limit - end : 0, why);
    saved_errno = errno;
    (void)vstream_fdclose(dst);
    if (status != LOCAL_COPY_OK && ftruncate(fd, end) < 0)
        msg_warn("cannot truncate mailbox back to %ld bytes: %m", (long)end);
    if (status == LOCAL_COPY_OK)
        local_result_set(result, "2.0.0", "delivered to mailbox");
    else if (status == LOCAL_COPY_CORRUPT)
        local_result_set(result, "4.3.0", "%s", vstring_str(why));
    else
        local_result_set(result, local_errno_dsn(saved_errno, "4.3.0"), "%s", vstring_str(why));
    vstring_free(why);
}

/* local_mbox_locked - kernel-lock an open mailbox and append as the user */
static void
local_mbox_locked(int fd, const char *path, const LOCAL_USER *user, int flags,
                  const LOCAL_MBOX_CONFIG *config, const LOCAL_MESSAGE *msg, LOCAL_RESULT *result)
{
    int styles[] = {LOCAL_LOCK_FCNTL, MYFLOCK_STYLE_FCNTL, LOCAL_LOCK_FLOCK, MYFLOCK_STYLE_FLOCK};
    size_t i;

    if (local_mbox_check(fd, path, user, config, result) < 0)
        return;
    for (i = 0; i < sizeof(styles) / sizeof(styles[0]); i += 2) {
        if ((config->lock_mask & styles[i]) == 0)
            continue;
        if (local_mbox_kernel_lock(fd, styles[i + 1], config) < 0) {
            local_result_set(result, local_errno_dsn(errno, "5.2.0"),
                             "unable to lock for exclusive access: %m");
            return;
        }
    }
    if (flags & LOCAL_MBOX_SPOOL)
        local_privs_set(user->uid, user->gid);
    local_mbox_append(fd, msg, config->size_limit, result);
    if (flags & LOCAL_MBOX_SPOOL)
        local_privs_restore();
}

/* local_mbox_deliver - lock, open, check, append, unlock */
void
local_mbox_deliver(const char *path, const LOCAL_USER *user, int flags,
                   const LOCAL_MBOX_CONFIG *config, const LOCAL_MESSAGE *msg, LOCAL_RESULT *result)
{
    VSTRING *why = vstring_alloc(100);
    int dot_locked = 0;
    int fd = -1;

    if ((flags & LOCAL_MBOX_SPOOL) == 0)
        local_privs_set(user->uid, user->gid);
    if ((config->lock_mask & LOCAL_LOCK_DOTLOCK) &&
        (dot_locked = local_mbox_dot_lock(path, config, why)) < 0) {
        local_result_set(result, "4.2.0", "unable to lock for exclusive access: %s",
                         vstring_str(why));
    } else if ((fd = local_mbox_open(path, user, flags)) < 0) {
        local_result_set(result, local_errno_dsn(errno, "5.2.0"), "cannot open file: %m");
    } else {
        local_mbox_locked(fd, path, user, flags, config, msg, result);
        (void)close(fd); /* releases the kernel locks */
    }
    if (dot_locked > 0)
        dot_unlock(path);
    if ((flags & LOCAL_MBOX_SPOOL) == 0)
        local_privs_restore();
    if (result->status != MAIL_STAT_OK)
        local_result_prepend(result, "cannot update mailbox %s for user %s. ", path, user->name);
    vstring_free(why);
}
