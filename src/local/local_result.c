/*
 * local_result - one recipient's delivery outcome inside the local agent.
 *
 * Usage: result = local_result_alloc(); a mailbox writer calls
 * local_result_set(result, "4.2.0", "unable to lock ...: %m"), which also
 * derives the status from the DSN class (2: MAIL_STAT_OK, 4: DEFER, 5:
 * BOUNCE); local_result_prepend() puts context before the reason
 * ("cannot update mailbox X for user u. "). local_errno_dsn() maps a
 * system error to a DSN status the way Postfix does: a full file system
 * is 4.3.0, a try-again error 4.2.0, a full mailbox (EDQUOT, EFBIG) 5.2.2,
 * anything else the caller's default. local_result_action() is the DSN
 * action word for the status.
 *
 * Memory ownership: the result owns its two buffers; local_result_free()
 * releases everything.
 * Diagnostics: a DSN whose class is not 2, 4 or 5 is a panic.
 */
#include "sys_defs.h"

#include <string.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "mail_proto.h"

#include "local.h"

/* local_result_alloc - an empty result (deferred until set) */
LOCAL_RESULT *
local_result_alloc(void)
{
    LOCAL_RESULT *result = (LOCAL_RESULT *)mymalloc(sizeof(*result));

    result->status = MAIL_STAT_DEFER;
    result->dsn = vstring_alloc(10);
    result->reason = vstring_alloc(100);
    vstring_strcpy(result->dsn, "4.3.0");
    vstring_strcpy(result->reason, "delivery status unknown");
    return result;
}

/* local_result_free - release a result */
void
local_result_free(LOCAL_RESULT *result)
{
    vstring_free(result->dsn);
    vstring_free(result->reason);
    myfree(result);
}

/* local_result_set - store DSN, status and reason */
void
local_result_set(LOCAL_RESULT *result, const char *dsn, const char *fmt, ...)
{
    va_list ap;

    switch (dsn[0]) {
    case '2':
        result->status = MAIL_STAT_OK;
        break;
    case '4':
        result->status = MAIL_STAT_DEFER;
        break;
    case '5':
        result->status = MAIL_STAT_BOUNCE;
        break;
    default:
        msg_panic("local_result_set: bad DSN status \"%s\"", dsn);
    }
    vstring_strcpy(result->dsn, dsn);
    va_start(ap, fmt);
    vstring_vsprintf(result->reason, fmt, ap);
    va_end(ap);
}

/* local_result_prepend - put context in front of the reason */
void
local_result_prepend(LOCAL_RESULT *result, const char *fmt, ...)
{
    VSTRING *head = vstring_alloc(100);
    va_list ap;

    va_start(ap, fmt);
    vstring_vsprintf(head, fmt, ap);
    va_end(ap);
    vstring_strcat(head, vstring_str(result->reason));
    vstring_strcpy(result->reason, vstring_str(head));
    vstring_free(head);
}

/* local_errno_dsn - DSN status for a system error */
const char *
local_errno_dsn(int err, const char *def_dsn)
{
    switch (err) {
    case ENOSPC:
        return "4.3.0";
    case EAGAIN:
    case ESTALE:
        return "4.2.0";
    case EDQUOT:
    case EFBIG:
        return "5.2.2";
    default:
        return def_dsn;
    }
}

/* local_result_action - DSN action word for a result */
const char *
local_result_action(const LOCAL_RESULT *result)
{
    switch (result->status) {
    case MAIL_STAT_OK:
        return "delivered";
    case MAIL_STAT_BOUNCE:
        return "failed";
    default:
        return "delayed";
    }
}
