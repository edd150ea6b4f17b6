/*
 * fuzz_mail_addr - libFuzzer harness for the RFC 5322 address parser.
 *
 * The input (cut at its first NUL, as a header value would be) goes to
 * mail_addr_parse_list() and mail_addr_parse_one(). Besides "no crash, no
 * leak, no undefined behaviour" it checks the properties that cleanup and
 * sendmail rely on:
 *
 *   - every address A that a parse returns survives quoting: the external
 *     form mail_addr_quote(A) parses back to A with mail_addr_parse_one();
 *   - for any text S taken as an internal address,
 *     mail_addr_unquote(mail_addr_quote(S)) == S.
 *
 * A failed property is a msg_panic naming the address, so libFuzzer saves
 * the input as a crash.
 */
#include "sys_defs.h"

#include <string.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"
#include "mail_addr.h"
#include "fuzz_util.h"

/* Longer than MAIL_ADDR_MAX, so that the length check is reached too. */
#define FUZZ_ADDR_MAX_INPUT (MAIL_ADDR_MAX + 2000)

/* fuzz_addr_round_trip - quote an internal address and parse it back */
static void
fuzz_addr_round_trip(const char *internal, VSTRING *external, VSTRING *back, VSTRING *why)
{
    mail_addr_quote(external, internal);
    if (LEN(external) > MAIL_ADDR_MAX)
        return;
    if (mail_addr_parse_one(STR(external), back, why) < 0)
        msg_panic("quoted address does not parse: internal \"%s\" external \"%s\": %s", internal,
                  STR(external), STR(why));
    if (strcmp(STR(back), internal) != 0)
        msg_panic("quote/parse round trip: internal \"%s\" external \"%s\" parsed \"%s\"", internal,
                  STR(external), STR(back));
}

/* LLVMFuzzerTestOneInput - one input */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    VSTRING *why, *internal, *external, *back;
    char *text;
    ARGV *list;
    char **cpp;

    if (size > FUZZ_ADDR_MAX_INPUT)
        return (0);
    fuzz_quiet();
    text = fuzz_text(data, size);
    why = vstring_alloc(100);
    internal = vstring_alloc(100);
    external = vstring_alloc(100);
    back = vstring_alloc(100);

    if ((list = mail_addr_parse_list(text, why)) != NULL) {
        for (cpp = list->argv; *cpp; cpp++)
            fuzz_addr_round_trip(*cpp, external, back, why);
        argv_free(list);
    }
    if (mail_addr_parse_one(text, internal, why) == 0)
        fuzz_addr_round_trip(STR(internal), external, back, why);

    mail_addr_quote(external, text);
    mail_addr_unquote(back, STR(external));
    if (strcmp(STR(back), text) != 0)
        msg_panic("quote/unquote round trip: \"%s\" -> \"%s\" -> \"%s\"", text, STR(external),
                  STR(back));
    mail_addr_unquote(back, text);

    vstring_free(why);
    vstring_free(internal);
    vstring_free(external);
    vstring_free(back);
    myfree(text);
    return (0);
}
