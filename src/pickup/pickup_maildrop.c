/*
 * pickup_maildrop - check and copy the records of one maildrop file.
 *
 * A maildrop file comes from postdrop and was written by an ordinary user:
 * it is untrusted. Its records must follow
 *	[TIME] [FULL] [FLGS] [ATTR...] FROM [RCPT...] MESG (NORM|CONT)...
 *	XTRA END
 * with each record type taken from rec_type_maildrop_ok() and at most
 * pickup_record_limit() bytes long; nothing may follow END. A file that an
 * administrator put back with "postsuper -r" is a complete queue file
 * (owned by root or by mail_owner, first record SIZE): it may also hold
 * SIZE, ORCP, DONE and WARN records, and recipients after XTRA.
 *
 * The rules are a table: for each record type, the stages in which it
 * may appear, the stage that follows it, and whether only a requeued
 * queue file may hold it. See pickup.h for the interface.
 */
#include "sys_defs.h"
#include "msg.h"
#include "vstream.h"
#include "vstring.h"
#include "record.h"
#include "rec_type.h"
#include "mail_params.h"
#include "mail_addr.h"
#include "mail_proto.h"
#include "cleanup_proto.h"
#include "pickup.h"

#include <string.h>
#include <stdlib.h>

/* Stages of a maildrop file, as bits so that a rule can name several. */
#define PICKUP_STAGE_ENVELOPE (1 << 0)
#define PICKUP_STAGE_CONTENT (1 << 1)
#define PICKUP_STAGE_EXTRACTED (1 << 2)
#define PICKUP_STAGE_END (1 << 3)
#define PICKUP_STAGE_SAME 0

typedef struct PICKUP_RULE {
    int type;
    int stages;       /* where the record may appear */
    int next;         /* stage after it, or PICKUP_STAGE_SAME */
    int requeue_only; /* only in a complete queue file */
} PICKUP_RULE;

static const PICKUP_RULE pickup_rules[] = {
    {REC_TYPE_SIZE, PICKUP_STAGE_ENVELOPE, PICKUP_STAGE_SAME, 1},
    {REC_TYPE_TIME, PICKUP_STAGE_ENVELOPE, PICKUP_STAGE_SAME, 0},
    {REC_TYPE_FULL, PICKUP_STAGE_ENVELOPE, PICKUP_STAGE_SAME, 0},
    {REC_TYPE_FLGS, PICKUP_STAGE_ENVELOPE, PICKUP_STAGE_SAME, 0},
    {REC_TYPE_ATTR, PICKUP_STAGE_ENVELOPE, PICKUP_STAGE_SAME, 0},
    {REC_TYPE_FROM, PICKUP_STAGE_ENVELOPE, PICKUP_STAGE_SAME, 0},
    {REC_TYPE_RCPT, PICKUP_STAGE_ENVELOPE, PICKUP_STAGE_SAME, 0},
    {REC_TYPE_RCPT, PICKUP_STAGE_EXTRACTED, PICKUP_STAGE_SAME, 1},
    {REC_TYPE_ORCP, PICKUP_STAGE_ENVELOPE | PICKUP_STAGE_EXTRACTED, PICKUP_STAGE_SAME, 1},
    {REC_TYPE_DONE, PICKUP_STAGE_ENVELOPE | PICKUP_STAGE_EXTRACTED, PICKUP_STAGE_SAME, 1},
    {REC_TYPE_WARN, PICKUP_STAGE_ENVELOPE, PICKUP_STAGE_SAME, 1},
    {REC_TYPE_MESG, PICKUP_STAGE_ENVELOPE, PICKUP_STAGE_CONTENT, 0},
    {REC_TYPE_NORM, PICKUP_STAGE_CONTENT, PICKUP_STAGE_SAME, 0},
    {REC_TYPE_CONT, PICKUP_STAGE_CONTENT, PICKUP_STAGE_SAME, 0},
    {REC_TYPE_XTRA, PICKUP_STAGE_CONTENT, PICKUP_STAGE_EXTRACTED, 0},
    {REC_TYPE_END, PICKUP_STAGE_EXTRACTED, PICKUP_STAGE_END, 0},
};

/* Attributes that a user's submission may carry through to cleanup. */
static const char *pickup_user_attrs[] = {"encoding", NULL};

/* pickup_record_limit - the longest record that a maildrop file may hold */
ssize_t
pickup_record_limit(void)
{
    return ((ssize_t)var_line_length_limit + 2 * MAIL_ADDR_MAX);
}

/* pickup_rule - find the rule that allows a record here, or NULL */
static const PICKUP_RULE *
pickup_rule(int type, int stage, int requeue)
{
    size_t i;

    if (!requeue && !rec_type_maildrop_ok(type))
        return (NULL);
    for (i = 0; i < sizeof(pickup_rules) / sizeof(pickup_rules[0]); i++)
        if (pickup_rules[i].type == type && (pickup_rules[i].stages & stage) &&
            (requeue || !pickup_rules[i].requeue_only))
            return (&pickup_rules[i]);
    return (NULL);
}

/* pickup_check_envelope - rules that a table cannot say */
static int
pickup_check_envelope(int type, const VSTRING *buf, PICKUP_INFO *info, int *seen_from, VSTRING *why)
{
    char *end;
    long flags;

    if ((type == REC_TYPE_FROM || type == REC_TYPE_RCPT || type == REC_TYPE_ORCP ||
         type == REC_TYPE_ATTR || type == REC_TYPE_FULL) &&
        memchr(STR(buf), 0, (size_t)LEN(buf)) != NULL) {
        vstring_sprintf(why, "NUL byte in %s record", rec_type_name(type));
        return (-1);
    }
    if (type == REC_TYPE_FROM) {
        if ((*seen_from)++) {
            vstring_strcpy(why, "more than one sender record");
            return (-1);
        }
        vstring_memcpy(info->sender, STR(buf), LEN(buf));
    } else if ((type == REC_TYPE_RCPT || type == REC_TYPE_MESG) && !*seen_from) {
        vstring_sprintf(why, "%s record before the sender", rec_type_name(type));
        return (-1);
    } else if (type == REC_TYPE_TIME) {
        if (LEN(buf) > 64 || memchr(STR(buf), 0, (size_t)LEN(buf)) != NULL) {
            vstring_strcpy(why, "malformed time record");
            return (-1);
        }
        vstring_memcpy(info->arrival, STR(buf), LEN(buf));
    } else if (type == REC_TYPE_FLGS) {
        errno = 0;
        flags = strtol(STR(buf), &end, 10);
        if (LEN(buf) == 0 || *end != 0 || errno != 0 || flags < 0) {
            vstring_strcpy(why, "malformed flags record");
            return (-1);
        }
        info->flags = (int)(flags & CLEANUP_FLAG_EXTRACT);
    }
    return (0);
}

/* pickup_maildrop_check - validate a maildrop file from start to end */
int
pickup_maildrop_check(VSTREAM *src, PICKUP_INFO *info, VSTRING *why)
{
    VSTRING *buf = vstring_alloc(1000);
    const PICKUP_RULE *rule;
    int stage = PICKUP_STAGE_ENVELOPE;
    int seen_from = 0;
    int first = 1;
    int type;
    int ret = -1;

    info->requeue = 0;
    vstring_reset(info->arrival);
    info->flags = 0;
    vstring_reset(info->sender);
    while ((type = rec_get(src, buf, pickup_record_limit())) >= 0) {
        if (first && type == REC_TYPE_SIZE && info->trusted)
            info->requeue = 1;
        first = 0;
        if (stage == PICKUP_STAGE_END) {
            vstring_strcpy(why, "data after the end record");
            break;
        }
        if ((rule = pickup_rule(type, stage, info->requeue)) == NULL) {
            vstring_sprintf(why, "unexpected record type %s", rec_type_name(type));
            break;
        }
        if (stage == PICKUP_STAGE_ENVELOPE &&
            pickup_check_envelope(type, buf, info, &seen_from, why) != 0)
            break;
        if (rule->next != PICKUP_STAGE_SAME)
            stage = rule->next;
    }
    if (type == REC_TYPE_ERROR)
        vstring_strcpy(why, "malformed or unreadable record");
    else if (type == REC_TYPE_EOF && stage != PICKUP_STAGE_END)
        vstring_strcpy(why, "premature end of file");
    else if (type == REC_TYPE_EOF)
        ret = 0;
    vstring_free(buf);
    return (ret);
}

/* pickup_user_attr_ok - may a user's submission carry this attribute */
static int
pickup_user_attr_ok(const char *data)
{
    const char **name;
    size_t len;

    for (name = pickup_user_attrs; *name; name++) {
        len = strlen(*name);
        if (strncmp(data, *name, len) == 0 && data[len] == '=')
            return (1);
    }
    return (0);
}

/* pickup_copy_record - send one record to cleanup, or leave it out */
static int
pickup_copy_record(VSTREAM *dst, int type, VSTRING *buf, VSTRING *orcp, PICKUP_INFO *info)
{
    switch (type) {
    case REC_TYPE_SIZE:
    case REC_TYPE_TIME:
    case REC_TYPE_FLGS:
    case REC_TYPE_WARN:
        return (0);
    case REC_TYPE_ATTR:
        if (!info->requeue && !pickup_user_attr_ok(STR(buf)))
            return (0);
        break;
    case REC_TYPE_ORCP:
        vstring_memcpy(orcp, STR(buf), LEN(buf));
        return (0);
    case REC_TYPE_DONE:
        vstring_reset(orcp);
        return (0);
    case REC_TYPE_RCPT:
        if (LEN(orcp) > 0 && rec_put(dst, REC_TYPE_ORCP, STR(orcp), LEN(orcp)) < 0)
            return (-1);
        vstring_reset(orcp);
        break;
    case REC_TYPE_MESG:
        vstring_reset(buf);
        break;
    }
    return (rec_put(dst, type, STR(buf), LEN(buf)) < 0 ? -1 : 0);
}

/* pickup_maildrop_copy - send a checked maildrop file to cleanup */
int
pickup_maildrop_copy(VSTREAM *src, VSTREAM *dst, PICKUP_INFO *info, time_t mtime)
{
    VSTRING *buf = vstring_alloc(1000);
    VSTRING *orcp = vstring_alloc(100);
    int type = REC_TYPE_ERROR;
    int ret = 0;

    if (vstream_fseek(src, 0, SEEK_SET) < 0) {
        msg_warn("%s: seek: %m", vstream_name(src));
        ret = -1;
    }
    if (ret == 0 && LEN(info->arrival) > 0 &&
        rec_put(dst, REC_TYPE_TIME, STR(info->arrival), LEN(info->arrival)) < 0)
        ret = -1;
    if (ret == 0 && LEN(info->arrival) == 0 &&
        rec_fprintf(dst, REC_TYPE_TIME, "%ld 0", (long)mtime) < 0)
        ret = -1;
    if (ret == 0 && !info->requeue &&
        rec_fprintf(dst, REC_TYPE_ATTR, "%s=%ld", MAIL_ATTR_UID, (long)info->uid) < 0)
        ret = -1;
    while (ret == 0 && (type = rec_get(src, buf, pickup_record_limit())) >= 0) {
        if (pickup_copy_record(dst, type, buf, orcp, info) != 0)
            ret = -1;
        if (type == REC_TYPE_END)
            break;
    }
    if (ret == 0 && type != REC_TYPE_END)
        ret = -1;
    vstring_free(buf);
    vstring_free(orcp);
    return (ret);
}
