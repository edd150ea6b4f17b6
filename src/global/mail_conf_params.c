/*
 * mail_conf_params - turn the loaded settings into typed var_* values.
 *
 * mail_params_init() walks the parameter table: for each entry it takes
 * the setting (main.cf or -o override) or else the default, expands it
 * (except RAW parameters), converts it by type and checks it against the
 * bounds, then assigns var_<name>. Types: BOOL "yes"/"no" in any case;
 * INT and LONG decimal; TIME a number with an optional unit s, m, h, d or
 * w (without one the entry's unit applies), stored in seconds.
 *
 * mail_conf_default() gives the built-in default text. Two defaults are
 * computed: myhostname is gethostname(); a name without a dot gets
 * ".$mydomain" when mydomain is set, else ".localdomain" (as Postfix
 * does). mydomain is myhostname less its first label, or "localdomain"
 * when myhostname has no dot.
 *
 * mail_conf_eval() expands text against the settings and defaults (an
 * undefined name is empty) and returns a copy that the caller frees.
 *
 * Memory: string var_* values belong to this module and are replaced (the
 * old copy freed) by the next mail_params_init(); callers must not keep
 * pointers across a reload. mail_params_init() keeps its three work
 * buffers between calls.
 *
 * Diagnostics: fatal, naming file, line and parameter when the value came
 * from main.cf: "PATH, line N: parameter NAME: bad time value: 5x",
 * "... parameter NAME: value 0 is out of range (1..86400)", and expansion
 * errors ("... parameter NAME: unreasonable macro call nesting: \"a\"").
 */
#include "sys_defs.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"
#include "mail_conf.h"
#include "mail_params.h"

#define DEF_MYDOMAIN "localdomain"

static int mail_conf_dynamic_busy;

/* mail_conf_effective - setting or default; the lookup used for expansion */
static const char *
mail_conf_effective(const char *name, void *context)
{
    const char *value;

    (void)context;
    if ((value = mail_conf_lookup(name)) != NULL)
        return (value);
    return (mail_conf_default(name));
}

/* mail_conf_expand_quiet - expanded value of a parameter, NULL on error */
static const char *
mail_conf_expand_quiet(const char *name, VSTRING *buf)
{
    const char *raw = mail_conf_effective(name, NULL);

    if (raw == NULL || mail_conf_expand(buf, raw, mail_conf_effective, NULL, NULL) < 0)
        return (NULL);
    return (STR(buf));
}

/* mail_conf_default_myhostname - gethostname(), made fully qualified */
static const char *
mail_conf_default_myhostname(VSTRING *result)
{
    VSTRING *domain = vstring_alloc(100);
    const char *dom = NULL;
    char host[256];

    memset(host, 0, sizeof(host));
    if (gethostname(host, sizeof(host) - 1) < 0 || host[0] == 0)
        vstring_strcpy(result, "localhost");
    else
        vstring_strcpy(result, host);
    if (strchr(STR(result), '.') == NULL) {
        if (mail_conf_lookup("mydomain") != NULL && !mail_conf_dynamic_busy) {
            mail_conf_dynamic_busy = 1;
            dom = mail_conf_expand_quiet("mydomain", domain);
            mail_conf_dynamic_busy = 0;
        }
        vstring_sprintf_append(result, ".%s", dom && *dom ? dom : DEF_MYDOMAIN);
    }
    vstring_free(domain);
    return (STR(result));
}

/* mail_conf_default_mydomain - myhostname less its first label */
static const char *
mail_conf_default_mydomain(VSTRING *result)
{
    VSTRING *host = vstring_alloc(100);
    const char *name = NULL;
    const char *dot;

    if (!mail_conf_dynamic_busy) {
        mail_conf_dynamic_busy = 1;
        name = mail_conf_expand_quiet("myhostname", host);
        mail_conf_dynamic_busy = 0;
    }
    if (name && (dot = strchr(name, '.')) != NULL && dot[1] != 0)
        vstring_strcpy(result, dot + 1);
    else
        vstring_strcpy(result, DEF_MYDOMAIN);
    vstring_free(host);
    return (STR(result));
}

/* mail_conf_default - built-in default text of a parameter, or NULL */
const char *
mail_conf_default(const char *name)
{
    static VSTRING *hostname_buf;
    static VSTRING *domain_buf;
    const MAIL_CONF_ENT *ent;

    if ((ent = mail_conf_find(name)) == NULL)
        return (NULL);
    if (strcmp(name, "myhostname") == 0) {
        if (hostname_buf == NULL)
            hostname_buf = vstring_alloc(100);
        return (mail_conf_default_myhostname(hostname_buf));
    }
    if (strcmp(name, "mydomain") == 0) {
        if (domain_buf == NULL)
            domain_buf = vstring_alloc(100);
        return (mail_conf_default_mydomain(domain_buf));
    }
    return (ent->def);
}

/* mail_conf_eval - expand text; the caller frees the result */
char *
mail_conf_eval(const char *value)
{
    VSTRING *result = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);

    if (mail_conf_expand(result, value, mail_conf_effective, NULL, why) < 0)
        msg_fatal("expanding \"%s\": %s", value, STR(why));
    vstring_free(why);
    return (vstring_export(result));
}

/* mail_conf_where - "PATH, line N: " for a setting from main.cf, else "" */
static const char *
mail_conf_where(const char *name, VSTRING *buf)
{
    int line = mail_conf_line(name);

    if (line > 0)
        vstring_sprintf(buf, "%s, line %d: ", mail_conf_path(), line);
    else
        vstring_reset(buf);
    return (STR(buf));
}

/* mail_conf_time - parse a time value with an optional unit suffix */
static int
mail_conf_time(const char *text, int def_unit, long *seconds)
{
    long value = 0, scale;
    const char *cp = text;
    int unit;

    if (!isdigit((unsigned char)*cp))
        return (-1);
    for (; isdigit((unsigned char)*cp); cp++) {
        if (value > (LONG_MAX - 9) / 10)
            return (-1);
        value = value * 10 + (*cp - '0');
    }
    if (*cp != 0 && cp[1] != 0)
        return (-1);
    unit = (*cp ? *cp : def_unit);
    switch (unit) {
    case 's':
        scale = 1;
        break;
    case 'm':
        scale = 60;
        break;
    case 'h':
        scale = 3600;
        break;
    case 'd':
        scale = 86400;
        break;
    case 'w':
        scale = 7 * 86400;
        break;
    default:
        return (-1);
    }
    if (value > LONG_MAX / scale)
        return (-1);
    *seconds = value * scale;
    return (0);
}

/* mail_conf_number - convert a BOOL, INT, LONG or TIME value */
static int
mail_conf_number(const MAIL_CONF_ENT *ent, const char *value, long *result)
{
    switch (ent->type) {
    case MAIL_CONF_BOOL:
        if (strcasecmp(value, "yes") == 0)
            *result = 1;
        else if (strcasecmp(value, "no") == 0)
            *result = 0;
        else
            return (-1);
        return (0);
    case MAIL_CONF_TIME:
        return (mail_conf_time(value, ent->unit, result));
    default:
        return (parse_long(value, result));
    }
}

/* mail_conf_assign_string - replace a string variable, freeing our old copy */
static void
mail_conf_assign_string(const MAIL_CONF_ENT *ent, const char *value)
{
    char **var = (char **)ent->var;

    myfree(*var);
    *var = mystrdup(value);
}

/* mail_conf_assign - check one expanded value and store it in var_* */
static void
mail_conf_assign(const MAIL_CONF_ENT *ent, const char *value, VSTRING *where)
{
    static const char *const kinds[] = {"", "", "boolean", "numerical", "numerical", "time"};
    long number;

    if (ent->type == MAIL_CONF_STR || ent->type == MAIL_CONF_RAW) {
        mail_conf_assign_string(ent, value);
        return;
    }
    if (mail_conf_number(ent, value, &number) < 0)
        msg_fatal("%sparameter %s: bad %s value: %s", mail_conf_where(ent->name, where), ent->name,
                  kinds[ent->type], value);
    if (ent->type != MAIL_CONF_BOOL && (number < ent->min || number > ent->max))
        msg_fatal("%sparameter %s: value %s is out of range (%ld..%ld%s)",
                  mail_conf_where(ent->name, where), ent->name, value, ent->min, ent->max,
                  ent->type == MAIL_CONF_TIME ? " seconds" : "");
    if (ent->type == MAIL_CONF_LONG)
        *(long *)ent->var = number;
    else
        *(int *)ent->var = (int)number;
}

/* mail_conf_init_one - expand, convert and assign one parameter */
static void
mail_conf_init_one(const MAIL_CONF_ENT *ent, VSTRING *value, VSTRING *why, VSTRING *where)
{
    const char *raw = mail_conf_effective(ent->name, NULL);

    if (raw == NULL)
        raw = "";
    if (ent->type == MAIL_CONF_RAW) {
        vstring_strcpy(value, raw);
    } else if (mail_conf_expand(value, raw, mail_conf_effective, NULL, why) < 0) {
        msg_fatal("%sparameter %s: %s", mail_conf_where(ent->name, where), ent->name, STR(why));
    }
    mail_conf_assign(ent, STR(value), where);
}

/* mail_params_init - set every var_* from the settings and defaults */
void
mail_params_init(void)
{
    /* Kept for the next call (reload), so that a fatal exit mid-loop leaks nothing. */
    static VSTRING *value, *why, *where;
    const MAIL_CONF_ENT *table;
    ssize_t count, i;

    if (value == NULL) {
        value = vstring_alloc(100);
        why = vstring_alloc(100);
        where = vstring_alloc(100);
    }
    table = mail_conf_table(&count);
    for (i = 0; i < count; i++)
        mail_conf_init_one(table + i, value, why, where);
}
