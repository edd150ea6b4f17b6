/*
 * mail_conf_expand - the $name language of main.cf values.
 *
 * mail_conf_expand(result, text, lookup, context, why) replaces every
 * parameter reference in text and leaves the outcome in result:
 *
 *   $$                      a single dollar sign
 *   $name ${name} $(name)   the value of name (itself expanded); an
 *                           undefined name (lookup returns NULL) is empty
 *   ${name?value}           value when $name is not empty, else nothing
 *   ${name:value}           value when $name is empty, else nothing
 *   ${name?{v1}:{v2}}       v1 when $name is not empty, else v2
 *   ${{t1} OP {t2} ? {v1} : {v2}}
 *                           v1 when the comparison holds, else v2 (the
 *                           ": {v2}" part may be left out; without the
 *                           "? ..." part the result is "true" or empty).
 *                           OP is ==, !=, <, <=, >, >= (numbers compare
 *                           as numbers, other text as strings) or one of
 *                           ==level, !=level, <level, ... which compare
 *                           compatibility levels such as 3.6 and 1.
 *
 * Texts in braces may hold balanced braces; an unbraced value after '?' or
 * ':' runs to the end of the reference. Every text that is used is itself
 * expanded. Names hold only letters, digits and '_'.
 *
 * Memory: the caller owns result and why; lookup() returns text that stays
 * valid during the call (the module copies nothing it does not free).
 *
 * Diagnostics: none logged here. Malformed references, bad compatibility
 * levels and nesting deeper than MAIL_CONF_EXPAND_DEPTH (a reference loop
 * such as a = $b, b = $a) make the function return -1 with a reason in why.
 */
#include "sys_defs.h"

#include <ctype.h>
#include <string.h>

#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"
#include "mail_conf.h"

#define MAIL_CONF_EXPAND_DEPTH 100

typedef struct EXPAND_STATE {
    MAIL_CONF_LOOKUP_FN lookup;
    void *context;
    VSTRING *why;
    long calls; /* parameter references expanded so far */
} EXPAND_STATE;

/*
 * Bounds on one expansion: a chain like a = $b$b, b = $c$c, ... doubles the
 * work at every link, so count references and output, not only depth.
 */
#define EXPAND_MAX_CALLS 100000
#define EXPAND_MAX_LEN (1024 * 1024)

static int expand_text(EXPAND_STATE *st, VSTRING *out, const char *text, int depth);

/* expand_fail - record the reason for a failure and return -1 */
static int PRINTFLIKE(2, 3) expand_fail(EXPAND_STATE *st, const char *fmt, ...)
{
    va_list ap;

    if (st->why == NULL)
        return (-1);
    va_start(ap, fmt);
    vstring_vsprintf(st->why, fmt, ap);
    va_end(ap);
    return (-1);
}

/* expand_name_len - length of the parameter name at the start of text */
static size_t
expand_name_len(const char *text)
{
    size_t len = 0;

    while (isalnum((unsigned char)text[len]) || text[len] == '_')
        len++;
    return (len);
}

/* expand_close - find the bracket that closes the one at text[0] */
static const char *
expand_close(const char *text)
{
    int open = text[0];
    int close = (open == '(' ? ')' : '}');
    int level = 0;
    const char *cp;

    for (cp = text; *cp; cp++) {
        if (*cp == open)
            level++;
        else if (*cp == close && --level == 0)
            return (cp);
    }
    return (NULL);
}

/* expand_braced_text - copy "{text}" at *cpp into buf and advance past it */
static int
expand_braced_text(const char **cpp, VSTRING *buf)
{
    const char *end;

    if (**cpp != '{' || (end = expand_close(*cpp)) == NULL)
        return (-1);
    vstring_strncpy(buf, *cpp + 1, end - *cpp - 1);
    *cpp = end + 1;
    return (0);
}

/* expand_value_of - the expanded value of a parameter name */
static int
expand_value_of(EXPAND_STATE *st, VSTRING *out, const char *name, int depth)
{
    const char *value;

    if (depth >= MAIL_CONF_EXPAND_DEPTH)
        return (expand_fail(st, "unreasonable macro call nesting: \"%s\"", name));
    if (++st->calls > EXPAND_MAX_CALLS || LEN(out) > EXPAND_MAX_LEN)
        return (expand_fail(st, "expansion too large at \"%s\"", name));
    if ((value = st->lookup(name, st->context)) == NULL)
        return (0);
    return (expand_text(st, out, value, depth + 1));
}

/* expand_choice - parse "{v1}[:{v2}]" or an unbraced value after '?' or ':' */
static int
expand_choice(EXPAND_STATE *st, const char *cp, VSTRING *v1, VSTRING *v2, int allow_else,
              const char *whole)
{
    vstring_reset(v1);
    vstring_reset(v2);
    cp = skipblanks(cp);
    if (*cp != '{') {
        vstring_strcpy(v1, cp);
        return (0);
    }
    if (expand_braced_text(&cp, v1) < 0)
        return (expand_fail(st, "unbalanced braces in: \"%s\"", whole));
    cp = skipblanks(cp);
    if (*cp == ':' && allow_else) {
        cp = skipblanks(cp + 1);
        if (*cp == '{') {
            if (expand_braced_text(&cp, v2) < 0)
                return (expand_fail(st, "unbalanced braces in: \"%s\"", whole));
            cp = skipblanks(cp);
        } else {
            vstring_strcpy(v2, cp);
            cp += strlen(cp);
        }
    }
    if (*cp != 0)
        return (expand_fail(st, "unexpected text after value: \"%s\"", whole));
    return (0);
}

/* expand_conditional - ${name?value}, ${name:value}, ${name?{v1}:{v2}} */
static int
expand_conditional(EXPAND_STATE *st, VSTRING *out, const char *name, int op, const char *rest,
                   int depth, const char *whole)
{
    VSTRING *value = vstring_alloc(100);
    VSTRING *v1 = vstring_alloc(100);
    VSTRING *v2 = vstring_alloc(100);
    const char *chosen;
    int ret;

    if ((ret = expand_value_of(st, value, name, depth)) == 0 &&
        (ret = expand_choice(st, rest, v1, v2, op == '?', whole)) == 0) {
        if (op == '?')
            chosen = LEN(value) > 0 ? STR(v1) : STR(v2);
        else
            chosen = LEN(value) == 0 ? STR(v1) : "";
        ret = expand_text(st, out, chosen, depth);
    }
    vstring_free(value);
    vstring_free(v1);
    vstring_free(v2);
    return (ret);
}

/* expand_level_parse - "major[.minor[.patch]]" into three numbers */
static int
expand_level_parse(const char *text, long level[3])
{
    const char *cp = text;
    int n;
    long val;

    level[0] = level[1] = level[2] = 0;
    for (n = 0; n < 3; n++) {
        if (!isdigit((unsigned char)*cp))
            return (-1);
        for (val = 0; isdigit((unsigned char)*cp); cp++) {
            if (val > 100000000)
                return (-1);
            val = val * 10 + (*cp - '0');
        }
        level[n] = val;
        if (*cp == 0)
            return (0);
        if (*cp++ != '.')
            return (-1);
    }
    return (-1);
}

/* expand_compare_values - -1, 0 or 1 for two operands; -2 on a bad level */
static int
expand_compare_values(EXPAND_STATE *st, const char *a, const char *b, int level)
{
    long la[3], lb[3], na, nb;
    int i;

    if (level) {
        if (expand_level_parse(a, la) < 0)
            return (expand_fail(st, "malformed compatibility level syntax: \"%s\"", a), -2);
        if (expand_level_parse(b, lb) < 0)
            return (expand_fail(st, "malformed compatibility level syntax: \"%s\"", b), -2);
        for (i = 0; i < 3; i++)
            if (la[i] != lb[i])
                return (la[i] < lb[i] ? -1 : 1);
        return (0);
    }
    if (alldig(a) && alldig(b) && parse_long(a, &na) == 0 && parse_long(b, &nb) == 0)
        return (na < nb ? -1 : na > nb ? 1 : 0);
    i = strcmp(a, b);
    return (i < 0 ? -1 : i > 0 ? 1 : 0);
}

/* expand_operator - parse a relational operator; returns its length or 0 */
static size_t
expand_operator(const char *cp, const char **op_name, int *level)
{
    static const char *const ops[] = {"==", "!=", "<=", ">=", "<", ">"};
    size_t i, len;

    for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        len = strlen(ops[i]);
        if (strncmp(cp, ops[i], len) == 0) {
            *op_name = ops[i];
            *level = (strncmp(cp + len, "level", 5) == 0);
            return (len + (*level ? 5 : 0));
        }
    }
    return (0);
}

/* expand_truth - apply a relational operator to a comparison result */
static int
expand_truth(const char *op, int cmp)
{
    if (strcmp(op, "==") == 0)
        return (cmp == 0);
    if (strcmp(op, "!=") == 0)
        return (cmp != 0);
    if (strcmp(op, "<") == 0)
        return (cmp < 0);
    if (strcmp(op, "<=") == 0)
        return (cmp <= 0);
    if (strcmp(op, ">") == 0)
        return (cmp > 0);
    return (cmp >= 0);
}

/* expand_operand - parse "{text}" at *cpp and expand it into out */
static int
expand_operand(EXPAND_STATE *st, const char **cpp, VSTRING *out, int depth, const char *whole)
{
    VSTRING *raw = vstring_alloc(100);
    int ret;

    if (**cpp != '{' || expand_braced_text(cpp, raw) < 0)
        ret = expand_fail(st, "braced operand expected in: \"%s\"", whole);
    else
        ret = expand_text(st, out, STR(raw), depth);
    vstring_free(raw);
    return (ret);
}

/* expand_operands - parse and expand "{t1} OP {t2}"; returns truth or -1 */
static int
expand_operands(EXPAND_STATE *st, const char **cpp, int depth, const char *whole)
{
    VSTRING *a = vstring_alloc(100);
    VSTRING *b = vstring_alloc(100);
    const char *op = "";
    int level = 0, cmp, ret = -1;
    size_t oplen = 0;

    if (expand_operand(st, cpp, a, depth, whole) == 0) {
        *cpp = skipblanks(*cpp);
        if ((oplen = expand_operator(*cpp, &op, &level)) == 0)
            expand_fail(st, "\"==\", \"!=\", \"<\", \"<=\", \">=\" or \">\" expected at: \"%s\"",
                        *cpp);
    }
    if (oplen > 0) {
        *cpp = skipblanks(*cpp + oplen);
        if (expand_operand(st, cpp, b, depth, whole) == 0 &&
            (cmp = expand_compare_values(st, STR(a), STR(b), level)) != -2)
            ret = expand_truth(op, cmp);
    }
    vstring_free(a);
    vstring_free(b);
    return (ret);
}

/* expand_relational - ${{t1} OP {t2} ? {v1} : {v2}} */
static int
expand_relational(EXPAND_STATE *st, VSTRING *out, const char *inner, int depth)
{
    VSTRING *v1, *v2;
    const char *cp = inner;
    int truth, ret;

    if ((truth = expand_operands(st, &cp, depth, inner)) < 0)
        return (-1);
    cp = skipblanks(cp);
    if (*cp == 0) {
        if (truth)
            vstring_strcat(out, "true");
        return (0);
    }
    if (*cp != '?')
        return (expand_fail(st, "\"?\" expected at: \"%s\"", cp));
    v1 = vstring_alloc(100);
    v2 = vstring_alloc(100);
    if ((ret = expand_choice(st, cp + 1, v1, v2, 1, inner)) == 0)
        ret = expand_text(st, out, truth ? STR(v1) : STR(v2), depth);
    vstring_free(v1);
    vstring_free(v2);
    return (ret);
}

/* expand_reference - the inside of ${...} or $(...) */
static int
expand_reference(EXPAND_STATE *st, VSTRING *out, const char *inner, int depth)
{
    size_t len;
    char *name;
    int ret;

    if (*inner == '{')
        return (expand_relational(st, out, inner, depth));
    if ((len = expand_name_len(inner)) == 0)
        return (expand_fail(st, "empty macro name: \"%s\"", inner));
    name = mystrndup(inner, len);
    if (inner[len] == 0)
        ret = expand_value_of(st, out, name, depth);
    else if (inner[len] == '?' || inner[len] == ':')
        ret = expand_conditional(st, out, name, inner[len], inner + len + 1, depth, inner);
    else
        ret = expand_fail(st, "bad macro name syntax: \"%s\"", inner);
    myfree(name);
    return (ret);
}

/* expand_dollar - one reference starting at text[0] == '$'; returns length used */
static ssize_t
expand_dollar(EXPAND_STATE *st, VSTRING *out, const char *text, int depth)
{
    const char *end;
    size_t len;
    char *inner;
    int ret;

    if (text[1] == '$') {
        vstring_addch(out, '$');
        return (2);
    }
    if ((len = expand_name_len(text + 1)) > 0) {
        inner = mystrndup(text + 1, len);
        ret = expand_value_of(st, out, inner, depth);
        myfree(inner);
        return (ret < 0 ? -1 : (ssize_t)len + 1);
    }
    if (text[1] != '{' && text[1] != '(')
        return (expand_fail(st, "empty macro name: \"%s\"", text));
    if ((end = expand_close(text + 1)) == NULL)
        return (expand_fail(st, "truncated macro reference: \"%s\"", text));
    inner = mystrndup(text + 2, end - text - 2);
    ret = expand_reference(st, out, inner, depth);
    myfree(inner);
    return (ret < 0 ? -1 : end - text + 1);
}

/* expand_text - append the expansion of text to out */
static int
expand_text(EXPAND_STATE *st, VSTRING *out, const char *text, int depth)
{
    const char *cp = text;
    const char *dollar;
    ssize_t used;

    while ((dollar = strchr(cp, '$')) != NULL) {
        vstring_strncat(out, cp, dollar - cp);
        if ((used = expand_dollar(st, out, dollar, depth)) < 0)
            return (-1);
        cp = dollar + used;
    }
    vstring_strcat(out, cp);
    return (0);
}

/* mail_conf_expand - expand all references in text */
int
mail_conf_expand(VSTRING *result, const char *text, MAIL_CONF_LOOKUP_FN lookup, void *context,
                 VSTRING *why)
{
    EXPAND_STATE st;

    if (lookup == NULL)
        msg_panic("mail_conf_expand: no lookup function");
    st.lookup = lookup;
    st.context = context;
    st.why = why;
    st.calls = 0;
    vstring_reset(result);
    if (why)
        vstring_reset(why);
    return (expand_text(&st, result, text, 0));
}
