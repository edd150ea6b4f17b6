/*
 * queue_tree - create and check the queue directory tree.
 *
 * The table below is the one place that says how the tree looks:
 *
 *      queue_directory  root            0755
 *      maildrop         mail_owner:setgid_group  1730 (postdrop writes)
 *      public           mail_owner:setgid_group  0710 (postqueue connects)
 *      pid              root            0755
 *      incoming active deferred hold corrupt bounce defer trace private
 *                       mail_owner      0700
 *
 * When the caller is not root, "root" and "mail_owner" both mean the
 * caller, and groups are left alone.
 *
 * Use: see queue_tree.h. Memory: nothing survives a call except what the
 * caller passes in. Diagnostics: creation failures are fatal (master cannot
 * run without its queue); check problems are warnings, counted.
 */
#include "sys_defs.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "vstring.h"

#include "mail_params.h"

#include "queue_tree.h"

#define QT_OWNER_MAIL 0
#define QT_OWNER_ROOT 1
#define QT_GROUP_ANY 0
#define QT_GROUP_SETGID 1

typedef struct QUEUE_TREE_DIR {
    const char *name;
    mode_t mode;
    int owner;
    int group;
} QUEUE_TREE_DIR;

static const QUEUE_TREE_DIR queue_tree_dirs[] = {
    {"maildrop", 01730, QT_OWNER_MAIL, QT_GROUP_SETGID},
    {"incoming", 0700, QT_OWNER_MAIL, QT_GROUP_ANY},
    {"active", 0700, QT_OWNER_MAIL, QT_GROUP_ANY},
    {"deferred", 0700, QT_OWNER_MAIL, QT_GROUP_ANY},
    {"hold", 0700, QT_OWNER_MAIL, QT_GROUP_ANY},
    {"corrupt", 0700, QT_OWNER_MAIL, QT_GROUP_ANY},
    {"bounce", 0700, QT_OWNER_MAIL, QT_GROUP_ANY},
    {"defer", 0700, QT_OWNER_MAIL, QT_GROUP_ANY},
    {"trace", 0700, QT_OWNER_MAIL, QT_GROUP_ANY},
    {"private", 0700, QT_OWNER_MAIL, QT_GROUP_ANY},
    {"public", 0710, QT_OWNER_MAIL, QT_GROUP_SETGID},
    {"pid", 0755, QT_OWNER_ROOT, QT_GROUP_ANY},
    {0, 0, 0, 0},
};

/* queue_tree_ids - who owns what, given who we are */
int
queue_tree_ids(QUEUE_TREE_IDS *ids, VSTRING *why)
{
    struct passwd *pw;
    struct group *gr;

    ids->privileged = (geteuid() == 0);
    if (!ids->privileged) {
        ids->mail_uid = geteuid();
        ids->mail_gid = ids->setgid_gid = getegid();
        return (0);
    }
    if ((pw = getpwnam(var_mail_owner)) == 0) {
        vstring_sprintf(why, "mail_owner %s: no such user", var_mail_owner);
        return (-1);
    }
    if (pw->pw_uid == 0) {
        vstring_sprintf(why, "mail_owner %s: must not be a privileged user", var_mail_owner);
        return (-1);
    }
    if ((gr = getgrnam(var_setgid_group)) == 0) {
        vstring_sprintf(why, "setgid_group %s: no such group", var_setgid_group);
        return (-1);
    }
    if (gr->gr_gid == pw->pw_gid) {
        vstring_sprintf(why, "setgid_group %s: must differ from the primary group of mail_owner %s",
                        var_setgid_group, var_mail_owner);
        return (-1);
    }
    ids->mail_uid = pw->pw_uid;
    ids->mail_gid = pw->pw_gid;
    ids->setgid_gid = gr->gr_gid;
    return (0);
}

/* queue_tree_want - owner and group that one entry wants (-1: any group) */
static void
queue_tree_want(const QUEUE_TREE_DIR *dp, const QUEUE_TREE_IDS *ids, uid_t *uid, gid_t *gid)
{
    if (!ids->privileged)
        *uid = ids->mail_uid;
    else
        *uid = dp->owner == QT_OWNER_ROOT ? 0 : ids->mail_uid;
    *gid = (ids->privileged && dp->group == QT_GROUP_SETGID) ? ids->setgid_gid : (gid_t)-1;
}

/* queue_tree_make - create one directory with its owner and mode */
static void
queue_tree_make(const char *path, mode_t mode, uid_t uid, gid_t gid, int privileged)
{
    if (mkdir(path, 0700) < 0) {
        if (errno == EEXIST)
            return;
        msg_fatal("create directory %s: %m", path);
    }
    if (privileged && chown(path, uid, gid) < 0)
        msg_fatal("chown %s: %m", path);
    if (chmod(path, mode) < 0)
        msg_fatal("chmod %s: %m", path);
    msg_info("created directory %s, mode %04o", path, (unsigned)mode);
}

/* queue_tree_create - create the queue directory and its missing parts */
void
queue_tree_create(const char *queue_dir, const QUEUE_TREE_IDS *ids)
{
    const QUEUE_TREE_DIR *dp;
    VSTRING *path = vstring_alloc(100);
    uid_t uid;
    gid_t gid;

    queue_tree_make(queue_dir, 0755, ids->privileged ? 0 : ids->mail_uid, (gid_t)-1,
                    ids->privileged);
    for (dp = queue_tree_dirs; dp->name; dp++) {
        vstring_sprintf(path, "%s/%s", queue_dir, dp->name);
        queue_tree_want(dp, ids, &uid, &gid);
        queue_tree_make(STR(path), dp->mode, uid, gid, ids->privileged);
    }
    vstring_free(path);
}

/* queue_tree_check_one - compare one directory; 1 if it is unusable */
static int
queue_tree_check_one(const char *path, const QUEUE_TREE_DIR *dp, const QUEUE_TREE_IDS *ids)
{
    struct stat st;
    uid_t uid;
    gid_t gid;

    if (stat(path, &st) < 0) {
        msg_warn("%s: %m", path);
        return (1);
    }
    if (!S_ISDIR(st.st_mode)) {
        msg_warn("%s: not a directory", path);
        return (1);
    }
    queue_tree_want(dp, ids, &uid, &gid);
    if (dp->mode != 0 && (st.st_mode & 07777) != dp->mode)
        msg_warn("%s: wrong mode %04o, expected %04o", path, (unsigned)(st.st_mode & 07777),
                 (unsigned)dp->mode);
    if (st.st_uid != uid)
        msg_warn("%s: wrong owner uid %ld, expected %ld", path, (long)st.st_uid, (long)uid);
    if (gid != (gid_t)-1 && st.st_gid != gid)
        msg_warn("%s: wrong group gid %ld, expected %ld", path, (long)st.st_gid, (long)gid);
    return (0);
}

/* queue_tree_check - warn about every difference; count unusable entries */
int
queue_tree_check(const char *queue_dir, const QUEUE_TREE_IDS *ids)
{
    QUEUE_TREE_DIR top = {"", 0, QT_OWNER_ROOT, QT_GROUP_ANY};
    const QUEUE_TREE_DIR *dp;
    VSTRING *path;
    int errors;

    /* A private instance may live in any directory the user made. */
    if (ids->privileged)
        top.mode = 0755;
    if (queue_tree_check_one(queue_dir, &top, ids) != 0)
        return (1);
    path = vstring_alloc(100);
    for (errors = 0, dp = queue_tree_dirs; dp->name; dp++) {
        vstring_sprintf(path, "%s/%s", queue_dir, dp->name);
        errors += queue_tree_check_one(STR(path), dp, ids);
    }
    vstring_free(path);
    return (errors);
}
