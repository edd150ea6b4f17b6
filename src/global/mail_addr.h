/*
 * mail_addr - RFC 5322 addresses: parsing, quoting and unquoting.
 *
 * postern keeps addresses in internal form: the local part unquoted
 * (a b@example.com), the domain as given; the external form quotes the
 * local part where RFC 5322 needs it ("a b"@example.com).
 *
 * mail_addr_parse_list() parses a header value (To:, Cc:, From: ...): an
 * address list with display names, comments, quoted strings, angle
 * addresses, obsolete route addresses (<@a,@b:user@dom>, the route is
 * dropped) and groups (name: a, b; flattened, an empty group yields
 * nothing). It returns the addresses in internal form, or NULL on a syntax
 * error with the reason in why. mail_addr_parse_one() parses a single
 * address (a command-line or envelope address, with or without <>; "<>"
 * and "" give the empty address) into internal form; -1 on error.
 * mail_addr_quote() and mail_addr_unquote() convert between the forms.
 * Inputs longer than MAIL_ADDR_MAX bytes are rejected.
 */
#ifndef MAIL_ADDR_H
#define MAIL_ADDR_H

#include "sys_defs.h"
#include "vstring.h"
#include "argv.h"

#define MAIL_ADDR_MAX 10000

extern ARGV *mail_addr_parse_list(const char *text, VSTRING *why);
extern int mail_addr_parse_one(const char *text, VSTRING *internal, VSTRING *why);
extern VSTRING *mail_addr_quote(VSTRING *external, const char *internal);
extern VSTRING *mail_addr_unquote(VSTRING *internal, const char *external);

#endif
