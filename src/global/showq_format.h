/*
 * showq_format - the mail queue listing of the showq daemon, postqueue -p
 * (mailq) and postqueue -j: one implementation for all of them.
 *
 * showq_format_list(out, format, why) reads the queue directories of the
 * current directory (every program runs in queue_directory): maildrop,
 * active, incoming, deferred and hold, in that order (Postfix's showq
 * order; files oldest first within a queue), and writes every message
 * with its pending recipients and, from defer/ID, the reason each one
 * waits. SHOWQ_FORMAT_TEXT gives Sendmail-style mailq output with
 * Postfix's long-queue-ID columns, SHOWQ_FORMAT_JSON one JSON object per
 * line with Postfix's member names. It returns 0, or -1 when a queue
 * directory exists but cannot be read, with "open queue directory PATH:
 * REASON" in why (the output then stops there). A write error on out
 * (a client that went away) ends the listing early; the caller checks
 * the stream. Nothing is logged except warnings about single queue files.
 *
 * showq_format_code("text" or "json") gives the SHOWQ_FORMAT_ value, -1
 * for another name; showq_format_name() is the reverse (the names that
 * the showq protocol carries, see mail_proto.h).
 */
#ifndef SHOWQ_FORMAT_H
#define SHOWQ_FORMAT_H

#include "sys_defs.h"
#include "vstream.h"
#include "vstring.h"

#define SHOWQ_FORMAT_TEXT 1
#define SHOWQ_FORMAT_JSON 2

#define SHOWQ_FORMAT_NAME_TEXT "text"
#define SHOWQ_FORMAT_NAME_JSON "json"

extern int showq_format_list(VSTREAM *out, int format, VSTRING *why);
extern int showq_format_code(const char *name);
extern const char *showq_format_name(int format);

#endif
