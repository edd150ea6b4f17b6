/*
 * queue_scan - list the queue files in one queue directory.
 *
 * queue_scan_ids(queue) returns the names in QUEUE (relative to the
 * current directory, i.e. queue_directory) that have the shape of a queue
 * ID (mail_queue_id_ok: ".tmp" files, scratch files and anything else are
 * left out), sorted, which is oldest first. The caller frees the ARGV with
 * argv_free(). NULL with errno set when the directory cannot be read
 * (the caller reports: ENOENT may be fine, EACCES rarely is).
 */
#ifndef QUEUE_SCAN_H
#define QUEUE_SCAN_H

#include "sys_defs.h"
#include "argv.h"

extern ARGV *queue_scan_ids(const char *queue);

#endif
