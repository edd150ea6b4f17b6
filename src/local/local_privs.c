/*
 * local_privs - run a delivery with a recipient's rights, then return.
 *
 * Usage:
 *   local_privs_set(pw->pw_uid, pw->pw_gid);   ... open and write ...
 *   local_privs_restore();
 *
 * When the process runs as root (real uid 0: the normal case, master
 * starts local without dropping privileges), local_privs_set() sets the
 * supplementary groups to the one group, then the effective gid and uid;
 * local_privs_restore() returns to effective root with root's group.
 * Only the effective ids change, so the process can come back. When the
 * process does not run as root (a private test instance), both are no-ops
 * and every delivery runs as the invoking user. local_privs_root() tells
 * which case applies.
 *
 * Memory ownership: none.
 * Diagnostics: a failed id change is fatal: carrying on could write a
 * user's mailbox with the wrong rights. master restarts the process and
 * qmgr retries the delivery later.
 */
#include "sys_defs.h"

#include <grp.h>
#include <unistd.h>

#include "msg.h"

#include "local.h"

/* local_privs_root - true when deliveries may change identity */
int
local_privs_root(void)
{
    return getuid() == 0;
}

/* local_privs_set - take the given effective uid and gid */
void
local_privs_set(uid_t uid, gid_t gid)
{
    if (!local_privs_root())
        return;
    if (geteuid() != 0 && seteuid(0) < 0)
        msg_fatal("seteuid(0): %m");
    if (setgroups(1, &gid) < 0)
        msg_fatal("setgroups(%ld): %m", (long)gid);
    if (setegid(gid) < 0)
        msg_fatal("setegid(%ld): %m", (long)gid);
    if (uid != 0 && seteuid(uid) < 0)
        msg_fatal("seteuid(%ld): %m", (long)uid);
}

/* local_privs_restore - back to effective root */
void
local_privs_restore(void)
{
    gid_t root_gid = 0;

    if (!local_privs_root())
        return;
    if (seteuid(0) < 0)
        msg_fatal("seteuid(0): %m");
    if (setegid(0) < 0)
        msg_fatal("setegid(0): %m");
    if (setgroups(1, &root_gid) < 0)
        msg_fatal("setgroups(0): %m");
}
