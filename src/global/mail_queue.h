/*
 * mail_queue - queue names, queue IDs and the commit protocol.
 *
 * Every program that touches the queue first chdir()s to queue_directory;
 * the paths built here are relative to it ("incoming/ID").
 *
 * Queue IDs are unique and sort by time: 6 base-51 digits of seconds and 4
 * of microseconds, then 'z', then the queue file's inode number in base 51
 * (alphabet: digits, then consonants, upper case before lower case, without
 * 'z'). mail_queue_id_ok() accepts only that shape.
 *
 * mail_queue_enter() creates a new file in a queue under a temporary name
 * (ID.tmp, which scanners ignore) and fills in its queue ID; the caller
 * writes it, then mail_queue_commit() flushes, fsyncs, renames it to ID and
 * fsyncs the directory (or, when the writer may not open the directory,
 * as postdrop in maildrop/, fsyncs the file again), and only after that may the caller acknowledge
 * the message. mail_queue_rename() moves a file between queues (same file system, atomic) and
 * fsyncs the target directory; mail_queue_move() does not, for moves whose loss in a crash leaves
 * the file in its old queue, from where it is taken again (qmgr's incoming -> active). On failure
 * they return -1 with errno set. mail_queue_commit() leaves the stream open; mail_queue_abort()
 * closes it (when not NULL) and removes ID.tmp and ID. mail_queue_path() with a NULL buffer uses a
 * static one.
 */
#ifndef MAIL_QUEUE_H
#define MAIL_QUEUE_H

#include "sys_defs.h"
#include "vstream.h"
#include "vstring.h"
#include <sys/stat.h>

#define MAIL_QUEUE_MAILDROP "maildrop"
#define MAIL_QUEUE_INCOMING "incoming"
#define MAIL_QUEUE_ACTIVE "active"
#define MAIL_QUEUE_DEFERRED "deferred"
#define MAIL_QUEUE_HOLD "hold"
#define MAIL_QUEUE_CORRUPT "corrupt"
#define MAIL_QUEUE_BOUNCE "bounce"
#define MAIL_QUEUE_DEFER "defer"
#define MAIL_QUEUE_TRACE "trace"

/* File modes: maildrop files are readable by pickup; others are private. */
#define MAIL_QUEUE_FILE_MODE 0600
#define MAIL_QUEUE_MAILDROP_MODE 0644

#define MAIL_QUEUE_ID_MAX 40

extern const char *mail_queue_path(VSTRING *buf, const char *queue, const char *id);
extern int mail_queue_name_ok(const char *queue);
extern int mail_queue_id_ok(const char *id);
extern void mail_queue_id_make(VSTRING *id, ino_t inode, const struct timeval *tv);
extern long mail_queue_id_time(const char *id); /* seconds encoded in an ID, or -1 */
extern VSTREAM *mail_queue_enter(const char *queue, mode_t mode, VSTRING *id);
extern int mail_queue_commit(VSTREAM *stream, const char *queue, const char *id);
extern void mail_queue_abort(VSTREAM *stream, const char *queue, const char *id);
extern VSTREAM *mail_queue_open(const char *queue, const char *id, int flags, mode_t mode);
extern int mail_queue_rename(const char *id, const char *old_queue, const char *new_queue);
extern int mail_queue_move(const char *id, const char *old_queue, const char *new_queue);
extern int mail_queue_remove(const char *queue, const char *id);

#endif
