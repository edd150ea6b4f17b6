/*
 * queue_envelope - read a queue file's envelope, skipping the content
 * (see queue_envelope.h). Used by postqueue and other readers that need
 * the sender, arrival time, size and pending recipients of a message.
 *
 * The reader is a small state machine over the record types: envelope
 * records before MESG, a jump over the content, extracted records after
 * XTRA, and END. Records longer than QUEUE_ENV_REC_MAX, record errors,
 * a malformed SIZE, TIME or MESG record, records out of place and input
 * that ends before END are reported in why with -1. No logging
 * here (rec_get() warns about records it cannot read).
 *
 * Memory: the QUEUE_ENV owns every string in it.
 */
#include "sys_defs.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymalloc.h"
#include "queue_envelope.h"
#include "record.h"

#define QUEUE_ENV_REC_MAX (1024 * 1024)

/* queue_env_alloc - an empty envelope */
QUEUE_ENV *
queue_env_alloc(void)
{
    QUEUE_ENV *env = (QUEUE_ENV *)mycalloc(1, sizeof(*env));

    env->sender = vstring_alloc(100);
    env->fullname = vstring_alloc(10);
    return env;
}

/* queue_env_reset - forget what an envelope held */
static void
queue_env_reset(QUEUE_ENV *env)
{
    int i;

    for (i = 0; i < env->rcpt_count; i++) {
        myfree(env->rcpt[i].orig_addr);
        myfree(env->rcpt[i].address);
    }
    myfree(env->rcpt);
    env->rcpt = 0;
    env->rcpt_count = env->done_count = 0;
    env->have_size = env->have_time = env->have_sender = env->complete = 0;
    env->content_size = env->data_offset = env->rcpt_total = env->size_flags = 0;
    env->arrival_sec = env->arrival_usec = env->warn_time = 0;
    vstring_reset(env->sender);
    vstring_reset(env->fullname);
}

/* queue_env_free - release an envelope */
void
queue_env_free(QUEUE_ENV *env)
{
    queue_env_reset(env);
    vstring_free(env->sender);
    vstring_free(env->fullname);
    myfree(env);
}

/* queue_env_add_rcpt - remember a pending recipient */
static void
queue_env_add_rcpt(QUEUE_ENV *env, const char *orig, const char *addr, long offset)
{
    QUEUE_ENV_RCPT *rcpt;

    env->rcpt = (QUEUE_ENV_RCPT *)myrealloc(env->rcpt, (env->rcpt_count + 1) * sizeof(*rcpt));
    rcpt = env->rcpt + env->rcpt_count++;
    rcpt->orig_addr = mystrdup(*orig ? orig : addr);
    rcpt->address = mystrdup(addr);
    rcpt->offset = offset;
}

/* queue_env_skip_content - go from just after MESG to just after XTRA */
static int
queue_env_skip_content(VSTREAM *fp, const char *mesg, VSTRING *buf, VSTRING *why)
{
    long xtra = 0;
    char junk;
    int type;

    /* Empty or 0: no offset yet (maildrop files); read through. */
    if (*mesg && (sscanf(mesg, "%ld%c", &xtra, &junk) != 1 || xtra < 0)) {
        vstring_sprintf(why, "malformed MESG record: %.100s", mesg);
        return -1;
    }
    if (xtra > 0 && vstream_fseek(fp, (off_t)xtra, SEEK_SET) >= 0) {
        if (rec_get(fp, buf, QUEUE_ENV_REC_MAX) == REC_TYPE_XTRA)
            return 0;
        vstring_sprintf(why, "MESG record does not point to the XTRA record");
        return -1;
    }
    while ((type = rec_get(fp, buf, 0)) == REC_TYPE_NORM || type == REC_TYPE_CONT)
        /* void */;
    if (type == REC_TYPE_XTRA)
        return 0;
    vstring_sprintf(why, "message content is not followed by an XTRA record");
    return -1;
}

/* queue_env_store - take in one envelope record; -1 on a malformed one */
static int
queue_env_store(QUEUE_ENV *env, int type, const char *data, VSTRING *orcp, long offset,
                VSTRING *why)
{
    char junk;

    switch (type) {
    case REC_TYPE_SIZE:
        if (sscanf(data, "%ld %ld %ld %ld%c", &env->content_size, &env->data_offset,
                   &env->rcpt_total, &env->size_flags, &junk) != 4 ||
            env->content_size < 0) {
            vstring_sprintf(why, "malformed SIZE record: %.100s", data);
            return -1;
        }
        env->have_size = 1;
        break;
    case REC_TYPE_TIME:
        if (sscanf(data, "%ld %ld", &env->arrival_sec, &env->arrival_usec) < 1) {
            vstring_sprintf(why, "malformed TIME record: %.100s", data);
            return -1;
        }
        env->have_time = 1;
        break;
    case REC_TYPE_FROM:
        vstring_strcpy(env->sender, data);
        env->have_sender = 1;
        break;
    case REC_TYPE_FULL:
        vstring_strcpy(env->fullname, data);
        break;
    case REC_TYPE_WARN:
        env->warn_time = strtol(data, (char **)0, 10);
        break;
    case REC_TYPE_ORCP:
        vstring_strcpy(orcp, data);
        return 0;
    case REC_TYPE_RCPT:
        queue_env_add_rcpt(env, STR(orcp), data, offset);
        break;
    case REC_TYPE_DONE:
        env->done_count++;
        break;
    }
    vstring_reset(orcp);
    return 0;
}

/* queue_env_read - read the envelope of a queue file */
int
queue_env_read(VSTREAM *fp, QUEUE_ENV *env, VSTRING *why)
{
    VSTRING *buf = vstring_alloc(100);
    VSTRING *orcp = vstring_alloc(100);
    int in_xtra = 0;
    int ret = -1;
    long offset;
    int type;

    queue_env_reset(env);
    vstring_reset(why);
    for (;;) {
        offset = (long)vstream_ftell(fp);
        if ((type = rec_get(fp, buf, QUEUE_ENV_REC_MAX)) < 0) {
            vstring_sprintf(why, type == REC_TYPE_EOF ? "premature end of file (no END record)"
                                                      : "bad record");
            break;
        }
        if (type == REC_TYPE_END) {
            env->complete = 1;
            ret = 0;
            break;
        }
        if (type == REC_TYPE_MESG && !in_xtra) {
            if (queue_env_skip_content(fp, STR(buf), buf, why) < 0)
                break;
            in_xtra = 1;
            continue;
        }
        if (type == REC_TYPE_MESG || type == REC_TYPE_XTRA || type == REC_TYPE_NORM ||
            type == REC_TYPE_CONT) {
            vstring_sprintf(why, "unexpected %s record at offset %ld", rec_type_name(type), offset);
            break;
        }
        if (queue_env_store(env, type, STR(buf), orcp, offset, why) < 0)
            break;
    }
    vstring_free(buf);
    vstring_free(orcp);
    return ret;
}
