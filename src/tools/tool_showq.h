/*
 * tool_showq - the mail queue listing of postqueue -p (mailq) and
 * postqueue -j, made by reading the queue directly.
 *
 * showq_list(format, out) walks maildrop, active, incoming, deferred and
 * hold (Postfix's showq order; files oldest first within a queue), and
 * prints every message with its pending recipients and, from defer/ID,
 * the reason each one waits. SHOWQ_FORMAT_COMPAT gives Sendmail-style
 * mailq output with Postfix's long-queue-ID columns, SHOWQ_FORMAT_JSON
 * one JSON object per line with Postfix's member names. A queue
 * directory that cannot be read (other than a missing one) is fatal:
 * "open queue directory PATH: Permission denied".
 */
#ifndef TOOL_SHOWQ_H
#define TOOL_SHOWQ_H

#include "sys_defs.h"
#include "vstream.h"

#define SHOWQ_FORMAT_COMPAT 1
#define SHOWQ_FORMAT_JSON 2

extern void showq_list(int format, VSTREAM *out);

#endif
