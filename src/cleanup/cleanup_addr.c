/*
 * cleanup_addr - canonical envelope addresses, recipients and duplicates.
 *
 * cleanup_addr_canon(result, addr) turns an address in internal form into
 * postern's canonical form and returns result: a bare local part gets
 * "@$myorigin" (append_at_myorigin); one trailing dot of the domain is
 * removed; a domain without a dot (not an [address literal]) gets
 * ".$mydomain" when append_dot_mydomain is "yes". The empty address (the
 * null sender) stays empty. No lookup tables are consulted (yet).
 *
 * cleanup_addr_sender() canonicalises the envelope sender, keeps it in
 * the state and writes the FROM record. cleanup_addr_recipient(state,
 * orig, addr) canonicalises a recipient (the empty address becomes
 * $empty_address_recipient), drops it when the same address was seen
 * before (up to duplicate_filter_limit addresses are remembered), and
 * writes ORCP (when enable_original_recipient is set and the original
 * differs) and RCPT. cleanup_addr_extracted() queues a recipient found in
 * the header; cleanup_finish() writes those after XTRA. cleanup_addr_ok()
 * is false for an address with a control character other than TAB (a newline in an
 * address would start a forged header or mbox From_ line wherever the
 * address is written).
 */
#include "sys_defs.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"
#include "htable.h"
#include "argv.h"
#include "rec_type.h"
#include "mail_params.h"
#include "cleanup.h"

#include <string.h>
#include <strings.h>

/* cleanup_addr_dot_mydomain - is append_dot_mydomain on */
static int
cleanup_addr_dot_mydomain(void)
{
    return (var_append_dot_mydomain != NULL && strcasecmp(var_append_dot_mydomain, "yes") == 0);
}

/* cleanup_addr_canon - canonical internal form of an address */
VSTRING *
cleanup_addr_canon(VSTRING *result, const char *addr)
{
    char *at;
    ssize_t at_offset;

    vstring_strcpy(result, addr);
    if (*addr == 0)
        return (result);
    if ((at = strrchr(STR(result), '@')) == NULL) {
        if (!var_append_at_myorigin || var_myorigin == NULL || *var_myorigin == 0)
            return (result);
        vstring_sprintf_append(result, "@%s", var_myorigin);
        at = strrchr(STR(result), '@');
    }
    at_offset = at - STR(result);
    if (LEN(result) > at_offset + 1 && STR(result)[LEN(result) - 1] == '.')
        vstring_truncate(result, LEN(result) - 1);
    at = STR(result) + at_offset;
    if (at[1] != 0 && at[1] != '[' && strchr(at + 1, '.') == NULL && cleanup_addr_dot_mydomain() &&
        var_mydomain != NULL && *var_mydomain)
        vstring_sprintf_append(result, ".%s", var_mydomain);
    return (result);
}

/* cleanup_addr_sender - record the canonical envelope sender */
void
cleanup_addr_sender(CLEANUP_STATE *state, const char *addr)
{
    cleanup_addr_canon(state->temp, addr);
    myfree(state->sender);
    state->sender = mystrdup(STR(state->temp));
    cleanup_out_string(state, REC_TYPE_FROM, state->sender);
}

/* cleanup_addr_duplicate - true when the recipient was seen already */
static int
cleanup_addr_duplicate(CLEANUP_STATE *state, const char *addr)
{
    if (var_duplicate_filter_limit <= 0)
        return (0);
    if (htable_locate(state->dups, addr) != NULL)
        return (1);
    if (state->dups->used < var_duplicate_filter_limit)
        htable_enter(state->dups, addr, NULL);
    return (0);
}

/* cleanup_addr_recipient - write one canonical recipient */
void
cleanup_addr_recipient(CLEANUP_STATE *state, const char *orig, const char *addr)
{
    VSTRING *canon = vstring_alloc(100);

    if (*addr == 0)
        addr = var_empty_address_recipient;
    if (orig == NULL)
        orig = addr;
    cleanup_addr_canon(canon, addr);
    if (!cleanup_addr_duplicate(state, STR(canon))) {
        if (var_enable_original_recipient && strcmp(orig, STR(canon)) != 0)
            cleanup_out_string(state, REC_TYPE_ORCP, orig);
        cleanup_out_string(state, REC_TYPE_RCPT, STR(canon));
        state->rcpt_count++;
        if (state->first_rcpt == NULL)
            state->first_rcpt = mystrdup(STR(canon));
    } else if (msg_verbose) {
        msg_info("%s: duplicate recipient %s dropped", state->queue_id, STR(canon));
    }
    vstring_free(canon);
}

/* cleanup_addr_ok - an address without control characters (TAB is allowed, as in mail_addr) */
int
cleanup_addr_ok(const char *addr)
{
    const unsigned char *cp;

    for (cp = (const unsigned char *)addr; *cp; cp++)
        if ((*cp < 0x20 && *cp != '\t') || *cp == 0x7f)
            return (0);
    return (1);
}

/* cleanup_addr_extracted - remember a recipient found in the header */
void
cleanup_addr_extracted(CLEANUP_STATE *state, const char *addr)
{
    argv_add(state->extracted, addr, (char *)NULL);
}
