/*
 * qmgr_active - the active queue: taking messages in, and deciding what
 * happens to each when its delivery attempt is over.
 *
 * qmgr_active_recover() moves every file in active/ back to incoming/ (run
 * once at start: a message that was being delivered when qmgr stopped is
 * delivered again, at worst twice, never lost).
 *
 * qmgr_active_feed(queue, id) renames QUEUE/ID to active/ID, reads its
 * envelope, logs "ID: from=<...>, size=N, nrcpt=N (queue active)",
 * removes the old defer log, resolves every pending recipient and puts it
 * on its destination queue (or defers it at once when its transport has no
 * endpoint or is dead). A malformed file goes to corrupt/ with a warning; a
 * file that vanished is skipped silently.
 *
 * qmgr_active_done(message) runs when no recipient of the message is
 * waiting or in flight: an expired message has its deferred recipients
 * turned into bounces ("status=expired, returned to sender"); a bounce log
 * is handed to the bounce service (bounce_flush) and removed once it took
 * it; a message with nothing left to do is removed ("ID: removed");
 * anything else goes to deferred/ with its mtime set to the next attempt
 * (qmgr_backoff_delay). The message is freed.
 *
 * qmgr_active_size() is the number of messages in memory.
 */
#ifndef QMGR_ACTIVE_H
#define QMGR_ACTIVE_H

#include "sys_defs.h"

#include "qmgr_message.h"

extern void qmgr_active_recover(void);
extern void qmgr_active_feed(const char *queue, const char *id);
extern void qmgr_active_done(QMGR_MESSAGE *message);
extern int qmgr_active_size(void);

#endif
