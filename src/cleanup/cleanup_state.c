/*
 * cleanup_state - the per-message state of the cleanup daemon.
 *
 * cleanup_state_alloc(dst, queue_id, flags) makes a state that writes to
 * dst (the caller keeps ownership of the stream and closes it);
 * cleanup_state_free() releases all memory the state holds.
 * cleanup_state_error() records an error bit and, for the first error
 * only, the reason that the client will see; later records of the message
 * are then read and discarded. It also decides whether the message will be
 * returned to its sender (state->bounce): only a local submission whose
 * errors are all CLEANUP_STAT_RETURNABLE ones found in the content. Nothing
 * here logs.
 */
#include "sys_defs.h"
#include "mymalloc.h"
#include "vstring.h"
#include "htable.h"
#include "argv.h"
#include "cleanup_proto.h"
#include "cleanup.h"

#include <sys/time.h>

/* cleanup_state_alloc - create the state for one message */
CLEANUP_STATE *
cleanup_state_alloc(VSTREAM *dst, const char *queue_id, int flags)
{
    CLEANUP_STATE *state = mycalloc(1, sizeof(*state));
    struct timeval now;

    gettimeofday(&now, NULL);
    state->dst = dst;
    state->queue_id = mystrdup(queue_id);
    state->flags = flags & CLEANUP_FLAG_MASK;
    state->errs = CLEANUP_STAT_OK;
    state->reason = vstring_alloc(100);
    state->stage = CLEANUP_STAGE_ENVELOPE;
    state->temp = vstring_alloc(100);
    state->arrival_sec = now.tv_sec;
    state->arrival_usec = now.tv_usec;
    state->dups = htable_create(50);
    state->header = vstring_alloc(1000);
    state->at_line_start = 1;
    state->extract_plain = argv_alloc(5);
    state->extract_resent = argv_alloc(5);
    state->extracted = argv_alloc(5);
    state->size_offset = -1;
    state->mesg_offset = -1;
    state->data_offset = -1;
    state->xtra_offset = -1;
    state->body_offset = -1;
    return (state);
}

/* cleanup_state_free - release a message's state */
void
cleanup_state_free(CLEANUP_STATE *state)
{
    myfree(state->queue_id);
    vstring_free(state->reason);
    vstring_free(state->temp);
    myfree(state->fullname);
    myfree(state->sender);
    myfree(state->uid);
    myfree(state->orig_rcpt);
    myfree(state->first_rcpt);
    htable_free(state->dups, NULL);
    vstring_free(state->header);
    argv_free(state->extract_plain);
    argv_free(state->extract_resent);
    argv_free(state->extracted);
    myfree(state);
}

/* cleanup_state_returnable - can this error be bounced to the sender */
static int
cleanup_state_returnable(CLEANUP_STATE *state, int bit)
{
    return ((state->flags & CLEANUP_FLAG_LOCAL) != 0 && (bit & ~CLEANUP_STAT_RETURNABLE) == 0 &&
            state->sender != NULL &&
            (state->stage == CLEANUP_STAGE_HEADER || state->stage == CLEANUP_STAGE_BODY));
}

/* cleanup_state_error - remember an error and the first reason */
void
cleanup_state_error(CLEANUP_STATE *state, int bit, const char *reason)
{
    if (state->errs == CLEANUP_STAT_OK) {
        if (reason != NULL)
            vstring_strcpy(state->reason, reason);
        state->reason_bit = bit;
        state->bounce = cleanup_state_returnable(state, bit);
    } else if (!cleanup_state_returnable(state, bit)) {
        state->bounce = 0;
    }
    state->errs |= bit;
}
