/*
 * mail_addr - parse RFC 5322 address lists and convert between the
 * internal (unquoted) and external (quoted) forms of an address.
 *
 * How it works: the input is first cut into tokens (atoms, quoted strings,
 * domain literals and the single-character specials), with white space,
 * folding and comments (nested, with quoted pairs) thrown away. A small
 * recursive-descent parser then walks the tokens:
 *
 *	list	 = [address] *("," [address])	(empty elements are skipped)
 *	address	 = group / mailbox
 *	group	 = phrase ":" [mailbox *("," [mailbox])] ";"
 *	mailbox	 = [phrase] "<" [route] addr-spec ">" / addr-spec
 *	route	 = "@" domain *("," ["@" domain]) ":"	(dropped)
 *	addr-spec = local-part ["@" domain]
 *
 * Leniencies, chosen to match what Postfix users expect from sendmail -t:
 * a bare local part ("To: root") is accepted and returned without a domain
 * (the caller appends @$myorigin), unless it holds a quoted '@' that would
 * read as the start of a domain in internal form; the obsolete dots of a
 * local part (a..b, .a, a.) are accepted; a group whose closing ";" is
 * missing at the very end of the input is accepted; "<>" inside a list
 * yields nothing.
 * Bytes with the high bit set count as atom text (RFC 6532), so UTF-8 and
 * raw Latin-1 pass through unchanged. Everything else that RFC 5322 (with
 * its section 4.4 obsolete syntax) does not allow is an error: unbalanced
 * quotes, parentheses, brackets or angle brackets, a phrase without an
 * address, control characters, a stray backslash, text after an address.
 *
 * Memory: mail_addr_parse_list() returns an ARGV the caller frees with
 * argv_free(); the VSTRING functions write into the caller's buffers.
 * Diagnostics go into the why buffer, never to the log: the input is
 * untrusted, and the caller decides whether an error is worth a log line.
 */
#include "sys_defs.h"

#include <string.h>

#include "argv.h"
#include "mymalloc.h"
#include "vstring.h"
#include "mail_addr.h"

/* Token types; a special character is its own (positive) type. */
#define MA_TOK_END (-1)
#define MA_TOK_ATOM (-2)
#define MA_TOK_QSTRING (-3)
#define MA_TOK_LITERAL (-4)

typedef struct MA_TOKEN {
    int type;
    char *text; /* atoms, quoted strings (unescaped), literals */
} MA_TOKEN;

typedef struct MA_PARSER {
    MA_TOKEN *tok;
    ssize_t count;  /* tokens in use, excluding the end marker */
    ssize_t size;   /* slots allocated */
    ssize_t pos;    /* next token to look at */
    int keep_empty; /* "<>" yields "" instead of nothing */
    int no_groups;  /* a group is an error */
    VSTRING *why;
    ARGV *result;
    VSTRING *addr; /* scratch: the address being built */
} MA_PARSER;

/* Characters that RFC 5322 calls specials (plus the ones we tokenise). */
#define MA_SPECIALS "()<>[]:;@\\,.\""

/* ma_is_atext - can this byte appear in an atom? */
static int
ma_is_atext(int ch)
{
    unsigned char uch = (unsigned char)ch;

    if (uch >= 0x80)
        return 1;
    if (uch <= 0x20 || uch == 0x7f)
        return 0;
    return strchr(MA_SPECIALS, uch) == 0;
}

/* ma_is_space - is this byte white space or part of a line fold? */
static int
ma_is_space(int ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* ma_is_ctl - a control character that no address may carry (TAB is white space) */
static int
ma_is_ctl(int ch)
{
    unsigned char uch = (unsigned char)ch;

    return (uch < 0x20 && uch != '\t') || uch == 0x7f;
}

/* ma_error - record a reason and return -1 */
static int
ma_error(VSTRING *why, const char *reason)
{
    if (why)
        vstring_strcpy(why, reason);
    return -1;
}

/* ma_push - append a token to the parser's token array */
static void
ma_push(MA_PARSER *p, int type, const char *text, ssize_t len)
{
    if (p->count + 1 >= p->size) {
        p->size = p->size * 2 + 16;
        p->tok = myrealloc(p->tok, p->size * sizeof(*p->tok));
    }
    p->tok[p->count].type = type;
    p->tok[p->count].text = text ? mystrndup(text, len) : 0;
    p->count++;
}

/* ma_skip_comment - skip a (possibly nested) comment; *cp is at the "(" */
static int
ma_skip_comment(const char **cp, VSTRING *why)
{
    const char *s = *cp;
    int depth = 0;

    for (;; s++) {
        if (*s == 0)
            return ma_error(why, "unbalanced '(' in comment");
        if (*s == '\\') {
            if (s[1] == 0)
                return ma_error(why, "backslash at end of comment");
            s++;
        } else if (*s == '(') {
            depth++;
        } else if (*s == ')' && --depth == 0) {
            *cp = s + 1;
            return 0;
        }
    }
}

/* ma_get_quoted - unescape a quoted string into buf; *cp is at the quote */
static int
ma_get_quoted(const char **cp, VSTRING *buf, VSTRING *why)
{
    const char *s = *cp + 1;

    vstring_reset(buf);
    for (; *s != '"'; s++) {
        if (*s == 0)
            return ma_error(why, "unbalanced '\"' in quoted string");
        if (*s == '\\') {
            if (s[1] == 0)
                return ma_error(why, "backslash at end of quoted string");
            /* Not even quoted: a newline would end the header it is written into. */
            if (ma_is_ctl(s[1]))
                return ma_error(why, "invalid control character");
            vstring_addch(buf, *++s);
        } else if (*s != '\r' && *s != '\n') {
            /* A fold inside quotes unfolds to the white space after it. */
            if (ma_is_ctl(*s))
                return ma_error(why, "invalid control character");
            vstring_addch(buf, *s);
        }
    }
    *cp = s + 1;
    return 0;
}

/* ma_get_literal - copy a domain literal "[...]" without white space */
static int
ma_get_literal(const char **cp, VSTRING *buf, VSTRING *why)
{
    const char *s = *cp + 1;

    vstring_strcpy(buf, "[");
    for (; *s != ']'; s++) {
        if (*s == 0)
            return ma_error(why, "unbalanced '[' in domain literal");
        if (*s == '[')
            return ma_error(why, "'[' inside domain literal");
        /* RFC 5321 has no quoted pairs here; "\\[" would hide the start. */
        if (*s == '\\')
            return ma_error(why, "backslash in domain literal");
        if (!ma_is_space(*s)) {
            if (ma_is_ctl(*s))
                return ma_error(why, "invalid control character");
            vstring_addch(buf, *s);
        }
    }
    vstring_addch(buf, ']');
    *cp = s + 1;
    return 0;
}

/* ma_tokenize_one - read the token at *cp; 0, or -1 on a syntax error */
static int
ma_tokenize_one(MA_PARSER *p, const char **cp, VSTRING *buf)
{
    const char *s = *cp;
    const char *start;

    if (*s == '(')
        return ma_skip_comment(cp, p->why);
    if (*s == '"') {
        if (ma_get_quoted(cp, buf, p->why) < 0)
            return -1;
        ma_push(p, MA_TOK_QSTRING, STR(buf), LEN(buf));
        return 0;
    }
    if (*s == '[') {
        if (ma_get_literal(cp, buf, p->why) < 0)
            return -1;
        ma_push(p, MA_TOK_LITERAL, STR(buf), LEN(buf));
        return 0;
    }
    if (*s == ')')
        return ma_error(p->why, "unbalanced ')'");
    if (*s == ']')
        return ma_error(p->why, "unbalanced ']'");
    if (*s == '\\')
        return ma_error(p->why, "backslash outside quoted string");
    if (strchr(MA_SPECIALS, *s)) {
        ma_push(p, (unsigned char)*s, 0, 0);
        *cp = s + 1;
        return 0;
    }
    if (!ma_is_atext(*s))
        return ma_error(p->why, "invalid control character");
    for (start = s; ma_is_atext(*s); s++)
        /* void */;
    ma_push(p, MA_TOK_ATOM, start, s - start);
    *cp = s;
    return 0;
}

/* ma_tokenize - cut the whole input into tokens, ending with MA_TOK_END */
static int
ma_tokenize(MA_PARSER *p, const char *text)
{
    VSTRING *buf = vstring_alloc(100);
    const char *cp = text;
    int status = 0;

    while (*cp && status == 0) {
        if (ma_is_space(*cp))
            cp++;
        else
            status = ma_tokenize_one(p, &cp, buf);
    }
    vstring_free(buf);
    ma_push(p, MA_TOK_END, 0, 0);
    p->count--; /* the end marker stays out of the count */
    return status;
}

/* ma_peek - type of the token at offset ahead of the current one */
static int
ma_peek(MA_PARSER *p, ssize_t ahead)
{
    if (p->pos + ahead >= p->count)
        return MA_TOK_END;
    return p->tok[p->pos + ahead].type;
}

/* ma_is_word - is this token type an atom or a quoted string? */
static int
ma_is_word(int type)
{
    return type == MA_TOK_ATOM || type == MA_TOK_QSTRING;
}

/* ma_parse_domain - append domain (dot-atom or literal) to p->addr */
static int
ma_parse_domain(MA_PARSER *p, VSTRING *out)
{
    if (ma_peek(p, 0) == MA_TOK_LITERAL) {
        vstring_strcat(out, p->tok[p->pos++].text);
        return 0;
    }
    for (;;) {
        if (ma_peek(p, 0) != MA_TOK_ATOM)
            return ma_error(p->why, ma_peek(p, 0) == MA_TOK_QSTRING
                                        ? "quoted string in domain"
                                        : "missing or malformed domain");
        vstring_strcat(out, p->tok[p->pos++].text);
        if (ma_peek(p, 0) != '.')
            return 0;
        vstring_addch(out, '.');
        p->pos++;
    }
}

/* ma_parse_addr_spec - local-part ["@" domain] into p->addr */
static int
ma_parse_addr_spec(MA_PARSER *p)
{
    int last = 0; /* type of the previous local-part token */
    int type;

    vstring_reset(p->addr);
    while ((type = ma_peek(p, 0)) == '.' || ma_is_word(type)) {
        if (ma_is_word(type) && ma_is_word(last))
            return ma_error(p->why, "phrase without address (missing '<'...'>'?)");
        if (type == '.')
            vstring_addch(p->addr, '.');
        else
            vstring_strcat(p->addr, p->tok[p->pos].text);
        last = type;
        p->pos++;
    }
    if (last == 0)
        return ma_error(p->why, type == '@' ? "missing local part before '@'" : "missing address");
    if (ma_peek(p, 0) != '@') {
        /* In internal form such an '@' would start a domain ("a@b".x). */
        if (strchr(STR(p->addr), '@') != 0)
            return ma_error(p->why, "'@' in a local part without domain");
        return 0;
    }
    p->pos++;
    vstring_addch(p->addr, '@');
    return ma_parse_domain(p, p->addr);
}

/* ma_parse_route - skip an obsolete source route "@a,@b:" */
static int
ma_parse_route(MA_PARSER *p)
{
    VSTRING *junk = vstring_alloc(50);
    int status = 0;

    while (status == 0 && ma_peek(p, 0) != ':') {
        if (ma_peek(p, 0) == ',') {
            p->pos++;
        } else if (ma_peek(p, 0) == '@') {
            p->pos++;
            status = ma_parse_domain(p, junk);
        } else {
            status = ma_error(p->why, "malformed source route");
        }
    }
    vstring_free(junk);
    if (status == 0)
        p->pos++; /* the ':' */
    return status;
}

/* ma_parse_angle - "<" [route] addr-spec ">", adds the address */
static int
ma_parse_angle(MA_PARSER *p)
{
    p->pos++; /* the '<' */
    if (ma_peek(p, 0) == '>') {
        p->pos++;
        if (p->keep_empty)
            argv_add(p->result, "", (char *)0);
        return 0;
    }
    if (ma_peek(p, 0) == '@' && ma_parse_route(p) < 0)
        return -1;
    if (ma_parse_addr_spec(p) < 0)
        return -1;
    if (ma_peek(p, 0) != '>')
        return ma_error(p->why, ma_peek(p, 0) == MA_TOK_END ? "unbalanced '<' (missing '>')"
                                                            : "unexpected text before '>'");
    p->pos++;
    argv_addn(p->result, STR(p->addr), LEN(p->addr));
    return 0;
}

/* Groups hold mailboxes, and an address may be a group: mutual recursion. */
static int ma_parse_address(MA_PARSER *p, int in_group);

/* ma_parse_group - phrase ":" mailbox-list ";" (pos is at the ':') */
static int
ma_parse_group(MA_PARSER *p)
{
    p->pos++; /* the ':' */
    for (;;) {
        while (ma_peek(p, 0) == ',')
            p->pos++;
        if (ma_peek(p, 0) == ';') {
            p->pos++;
            return 0;
        }
        /* Tolerate a group left open at the very end of the input. */
        if (ma_peek(p, 0) == MA_TOK_END)
            return 0;
        if (ma_parse_address(p, 1) < 0)
            return -1;
        if (ma_peek(p, 0) != ',' && ma_peek(p, 0) != ';' && ma_peek(p, 0) != MA_TOK_END)
            return ma_error(p->why, "unexpected text after address in group");
    }
}

/* ma_parse_address - a mailbox, or a group unless in_group */
static int
ma_parse_address(MA_PARSER *p, int in_group)
{
    ssize_t ahead = 0;
    int type;

    /* Look past the leading phrase (or local part) to see what follows. */
    while ((type = ma_peek(p, ahead)) == '.' || ma_is_word(type))
        ahead++;
    if (type == '<') {
        p->pos += ahead; /* the display name is not kept */
        return ma_parse_angle(p);
    }
    if (type == ':') {
        if (in_group)
            return ma_error(p->why, "group inside a group");
        if (p->no_groups)
            return ma_error(p->why, "group where one address was expected");
        if (ahead == 0)
            return ma_error(p->why, "group without a name");
        p->pos += ahead;
        return ma_parse_group(p);
    }
    if (type == '>')
        return ma_error(p->why, "unbalanced '>'");
    if (ma_parse_addr_spec(p) < 0)
        return -1;
    argv_addn(p->result, STR(p->addr), LEN(p->addr));
    return 0;
}

/* ma_parse_list - address *("," address), skipping empty elements */
static int
ma_parse_list(MA_PARSER *p)
{
    int type;

    for (;;) {
        while (ma_peek(p, 0) == ',')
            p->pos++;
        if (ma_peek(p, 0) == MA_TOK_END)
            return 0;
        if (ma_parse_address(p, 0) < 0)
            return -1;
        type = ma_peek(p, 0);
        if (type == ';')
            return ma_error(p->why, "';' outside a group");
        if (type == '>')
            return ma_error(p->why, "unbalanced '>'");
        if (type != ',' && type != MA_TOK_END)
            return ma_error(p->why, "unexpected text after address");
    }
}

/* ma_run - tokenize and parse text; the ARGV of addresses, or NULL */
static ARGV *
ma_run(const char *text, VSTRING *why, int keep_empty, int no_groups)
{
    MA_PARSER parser;
    ssize_t n;
    int status;

    if (strnlen(text, MAIL_ADDR_MAX + 1) > MAIL_ADDR_MAX) {
        ma_error(why, "address text is too long");
        return 0;
    }
    memset(&parser, 0, sizeof(parser));
    parser.why = why;
    parser.keep_empty = keep_empty;
    parser.no_groups = no_groups;
    parser.result = argv_alloc(2);
    parser.addr = vstring_alloc(100);
    status = ma_tokenize(&parser, text);
    if (status == 0)
        status = ma_parse_list(&parser);
    for (n = 0; n < parser.count; n++)
        myfree(parser.tok[n].text);
    myfree(parser.tok);
    vstring_free(parser.addr);
    if (status < 0) {
        argv_free(parser.result);
        return 0;
    }
    return parser.result;
}

/* mail_addr_parse_list - parse a header's address list into internal form */
ARGV *
mail_addr_parse_list(const char *text, VSTRING *why)
{
    return ma_run(text, why, 0, 0);
}

/* mail_addr_parse_one - parse exactly one address into internal form */
int
mail_addr_parse_one(const char *text, VSTRING *internal, VSTRING *why)
{
    ARGV *list;
    int status = 0;

    if ((list = ma_run(text, why, 1, 1)) == 0)
        return -1;
    if (list->argc == 0) {
        /* Nothing but white space and comments: the empty address. */
        vstring_reset(internal);
    } else if (list->argc == 1) {
        vstring_strcpy(internal, list->argv[0]);
    } else {
        status = ma_error(why, "more than one address");
    }
    argv_free(list);
    return status;
}

/* ma_is_dot_atom - may this local part appear without quotes? */
static int
ma_is_dot_atom(const char *str, ssize_t len)
{
    ssize_t n;

    if (len == 0 || str[0] == '.' || str[len - 1] == '.')
        return 0;
    for (n = 0; n < len; n++) {
        if (str[n] == '.') {
            if (str[n + 1] == '.')
                return 0;
        } else if (!ma_is_atext(str[n])) {
            return 0;
        }
    }
    return 1;
}

/* ma_literal_at - the '@' before a domain literal that ends the address */
static const char *
ma_literal_at(const char *addr)
{
    const char *open = strrchr(addr, '[');
    size_t len = strlen(addr);

    /* A literal may hold '@' and '"' ([dtext]), so look for it first. */
    if (open == 0 || open == addr || open[-1] != '@' || addr[len - 1] != ']' ||
        strchr(open, ']') != addr + len - 1)
        return 0;
    return open - 1;
}

/* mail_addr_quote - internal form to external form (quote the local part) */
VSTRING *
mail_addr_quote(VSTRING *external, const char *internal)
{
    const char *at = ma_literal_at(internal);
    ssize_t local_len;
    ssize_t n;

    if (at == 0)
        at = strrchr(internal, '@');
    local_len = at ? at - internal : (ssize_t)strlen(internal);
    vstring_reset(external);
    if (*internal == 0)
        return external;
    if (ma_is_dot_atom(internal, local_len)) {
        vstring_strncat(external, internal, local_len);
    } else {
        vstring_addch(external, '"');
        for (n = 0; n < local_len; n++) {
            if (internal[n] == '"' || internal[n] == '\\')
                vstring_addch(external, '\\');
            vstring_addch(external, internal[n]);
        }
        vstring_addch(external, '"');
    }
    if (at)
        vstring_strcat(external, at);
    return external;
}

/* ma_domain_at - the '@' that starts the domain of an external address */
static const char *
ma_domain_at(const char *external)
{
    const char *at = ma_literal_at(external);
    const char *cp;
    int quoted = 0;

    if (at != 0)
        return at;
    for (cp = external; *cp; cp++) {
        if (*cp == '\\' && cp[1] != 0)
            cp++;
        else if (*cp == '"')
            quoted = !quoted;
        else if (*cp == '@' && !quoted)
            at = cp;
    }
    return at;
}

/* mail_addr_unquote - external form to internal form (lenient, no errors) */
VSTRING *
mail_addr_unquote(VSTRING *internal, const char *external)
{
    const char *at = ma_domain_at(external);
    const char *end = at ? at : external + strlen(external);
    const char *cp;

    vstring_reset(internal);
    for (cp = external; cp < end; cp++) {
        if (*cp == '\\' && cp + 1 < end)
            vstring_addch(internal, *++cp);
        else if (*cp != '"')
            vstring_addch(internal, *cp);
    }
    if (at)
        vstring_strcat(internal, at);
    return internal;
}
