/*
 * pickup.h - internal interface of the pickup daemon's modules.
 *
 * pickup_maildrop.c checks and copies one file from the maildrop queue:
 * pickup_maildrop_check(src, info, why) reads the whole file from its
 * start and returns 0 when its records are allowed and in order, -1 with
 * the reason in why when the file is malformed (the caller moves it to
 * corrupt/). It fills in info: the sender, the flags of the FLGS record
 * (only CLEANUP_FLAG_EXTRACT is honoured), whether a TIME record exists,
 * and whether the file is a complete queue file put back by an
 * administrator (requeue: it starts with SIZE and its owner is trusted).
 *
 * pickup_maildrop_copy(src, dst, info, mtime) rewinds src and sends the
 * records to cleanup on dst: the TIME record first (the file's, or its
 * modification time when it has none), the "uid" attribute (the file owner)
 * for a submission, and the records of the file less those that cleanup
 * must not see (SIZE, FLGS, WARN, done recipients; in a submission, any
 * attribute but "encoding"). It returns 0, or -1 on a read or write
 * error (try again later).
 *
 * The caller owns the streams and info's VSTRINGs.
 */
#ifndef PICKUP_H
#define PICKUP_H

#include "sys_defs.h"
#include "vstream.h"
#include "vstring.h"

#include <time.h>

typedef struct PICKUP_INFO {
    uid_t uid;        /* owner of the maildrop file */
    int trusted;      /* owner is root or the uid pickup runs as */
    int requeue;      /* a complete queue file (starts with SIZE) */
    int flags;        /* CLEANUP_FLAG_EXTRACT from the FLGS record */
    VSTRING *arrival; /* data of the TIME record, empty when none */
    VSTRING *sender;  /* the FROM record */
} PICKUP_INFO;

extern int pickup_maildrop_check(VSTREAM *src, PICKUP_INFO *info, VSTRING *why);
extern int pickup_maildrop_copy(VSTREAM *src, VSTREAM *dst, PICKUP_INFO *info, time_t mtime);
extern ssize_t pickup_record_limit(void);

#endif
