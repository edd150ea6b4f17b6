/*
 * master_conf - parse master.cf into service entries.
 *
 * See master_conf.h for the file format and the MASTER_ENT fields. The
 * reader joins physical lines into logical ones (a line that starts with
 * white space continues the previous entry; '#' lines and blank lines are
 * skipped), cuts each logical line into fields at white space, except that
 * a field that starts with '{' runs to the matching '}' and loses its
 * braces and outer blanks, then checks and converts the seven columns.
 *
 * Memory: the caller frees the result with master_conf_free().
 *
 * Diagnostics: every problem is stored in conf->errors as "PATH, line N:
 * reason" and the entry is skipped; MASTER_CONF_FLAG_WARN also logs it as a
 * warning and MASTER_CONF_FLAG_FATAL makes the first one fatal.
 */
#include "sys_defs.h"

#include <ctype.h>
#include <string.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstream.h"
#include "vstring.h"
#include "mail_params.h"
#include "master_conf.h"

#define MASTER_DEFAULT_MAXPROC 100

/* master_conf_error - record a problem with one entry */
static void PRINTFLIKE(4, 5)
    master_conf_error(MASTER_CONF *conf, int flags, int line, const char *fmt, ...)
{
    VSTRING *buf = vstring_alloc(100);
    va_list ap;

    if (line > 0)
        vstring_sprintf(buf, "%s, line %d: ", conf->path, line);
    va_start(ap, fmt);
    vstring_vsprintf_append(buf, fmt, ap);
    va_end(ap);
    if (flags & MASTER_CONF_FLAG_FATAL)
        msg_fatal("%s", STR(buf));
    if (flags & MASTER_CONF_FLAG_WARN)
        msg_warn("%s", STR(buf));
    argv_add(conf->errors, STR(buf), (char *)NULL);
    vstring_free(buf);
}

/* master_conf_braced - one "{...}" field; returns the end or NULL */
static const char *
master_conf_braced(const char *cp, VSTRING *field)
{
    int level = 0;
    const char *start = cp;
    char *text;

    for (; *cp; cp++) {
        if (*cp == '{')
            level++;
        else if (*cp == '}' && --level == 0)
            break;
    }
    if (*cp == 0)
        return (NULL);
    text = mystrndup(start + 1, cp - start - 1);
    vstring_strcpy(field, skipblanks(trimblanks(text)));
    myfree(text);
    return (cp + 1);
}

/* master_conf_option - "name = value" inside -o { } becomes "name=value" */
static void
master_conf_option(VSTRING *field)
{
    char *copy = mystrdup(STR(field));
    char *value;

    if ((value = split_at(copy, '=')) != NULL)
        vstring_sprintf(field, "%s=%s", trimblanks(copy), skipblanks(value));
    myfree(copy);
}

/* master_conf_fields - split a logical line; NULL when braces do not match */
static ARGV *
master_conf_fields(const char *text)
{
    ARGV *fields = argv_alloc(16);
    VSTRING *field = vstring_alloc(100);
    const char *cp = text;
    const char *end;

    while (*(cp = skipblanks(cp)) != 0) {
        if (*cp == '{') {
            if ((end = master_conf_braced(cp, field)) == NULL) {
                argv_free(fields);
                vstring_free(field);
                return (NULL);
            }
            if (fields->argc > 0 && strcmp(fields->argv[fields->argc - 1], "-o") == 0)
                master_conf_option(field);
        } else {
            for (end = cp; *end && !isspace((unsigned char)*end); end++)
                /* scan */;
            vstring_strncpy(field, cp, end - cp);
        }
        argv_add(fields, STR(field), (char *)NULL);
        cp = end;
    }
    vstring_free(field);
    return (fields);
}

/* master_conf_flag - a y/n/- column; returns 0/1 or -1 */
static int
master_conf_flag(const char *text, int def)
{
    if (strcmp(text, "-") == 0)
        return (def);
    if (strcmp(text, "y") == 0)
        return (1);
    if (strcmp(text, "n") == 0)
        return (0);
    return (-1);
}

/* master_conf_number - a non-negative decimal column; -1 when malformed */
static int
master_conf_number(const char *text, size_t len)
{
    long value = 0;
    size_t i;

    if (len == 0)
        return (-1);
    for (i = 0; i < len; i++) {
        if (!isdigit((unsigned char)text[i]) || value > POSTERN_INT_MAX / 10)
            return (-1);
        value = value * 10 + (text[i] - '0');
    }
    return (value > POSTERN_INT_MAX ? -1 : (int)value);
}

/* master_conf_type_ok - is this a service type that master knows */
static int
master_conf_type_ok(const char *type)
{
    static const char *const types[] = {
        MASTER_TYPE_INET, MASTER_TYPE_UNIX, MASTER_TYPE_UNIX_DGRAM,
        MASTER_TYPE_FIFO, MASTER_TYPE_PASS,
    };
    size_t i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(type, types[i]) == 0)
            return (1);
    return (0);
}

/* master_conf_inet - split an inet service into host and port */
static int
master_conf_inet(MASTER_ENT *ent, VSTRING *why)
{
    const char *svc = ent->service;
    const char *colon;
    const char *close;

    if (svc[0] == '[') {
        if ((close = strchr(svc, ']')) == NULL || close[1] != ':' || close == svc + 1) {
            vstring_sprintf(why, "bad inet service: \"%s\" (expected [host]:port)", svc);
            return (-1);
        }
        ent->host = mystrndup(svc + 1, close - svc - 1);
        colon = close + 1;
    } else if ((colon = strrchr(svc, ':')) != NULL) {
        ent->host = mystrndup(svc, colon - svc);
    }
    ent->port = mystrdup(colon ? colon + 1 : svc);
    if (*ent->port == 0 || (ent->host && *ent->host == 0)) {
        vstring_sprintf(why, "bad inet service: \"%s\" (expected [host:]port)", svc);
        return (-1);
    }
    return (0);
}

/* master_conf_wakeup - the wakeup column: -, N or N? */
static int
master_conf_wakeup(MASTER_ENT *ent, const char *text)
{
    size_t len = strlen(text);

    if (strcmp(text, "-") == 0)
        return (0);
    if (len > 1 && text[len - 1] == '?') {
        ent->wakeup_conditional = 1;
        len--;
    }
    return ((ent->wakeup = master_conf_number(text, len)) < 0 ? -1 : 0);
}

/* master_conf_maxproc - the maxproc column: - or N */
static int
master_conf_maxproc(MASTER_ENT *ent, const char *text)
{
    if (strcmp(text, "-") == 0) {
        ent->maxproc_default = 1;
        ent->maxproc =
            var_default_process_limit > 0 ? var_default_process_limit : MASTER_DEFAULT_MAXPROC;
        return (0);
    }
    return ((ent->maxproc = master_conf_number(text, strlen(text))) < 0 ? -1 : 0);
}

/* master_conf_columns - check and convert the seven columns */
static int
master_conf_columns(MASTER_ENT *ent, VSTRING *why)
{
    static const char *const flag_names[] = {"private", "unpriv", "chroot"};
    static const int flag_defaults[] = {1, 1, 0};
    int *flag_vars[3];
    int i;

    flag_vars[0] = &ent->private_flag;
    flag_vars[1] = &ent->unpriv;
    flag_vars[2] = &ent->chroot;
    if (!master_conf_type_ok(ent->type)) {
        vstring_sprintf(why, "unknown service type: \"%s\"", ent->type);
        return (-1);
    }
    for (i = 0; i < 3; i++) {
        if ((*flag_vars[i] = master_conf_flag(ent->columns[2 + i], flag_defaults[i])) < 0) {
            vstring_sprintf(why, "bad %s field: \"%s\" (expected y, n or -)", flag_names[i],
                            ent->columns[2 + i]);
            return (-1);
        }
    }
    if (master_conf_wakeup(ent, ent->columns[5]) < 0) {
        vstring_sprintf(why, "bad wakeup field: \"%s\" (expected -, N or N?)", ent->columns[5]);
        return (-1);
    }
    if (master_conf_maxproc(ent, ent->columns[6]) < 0) {
        vstring_sprintf(why, "bad maxproc field: \"%s\" (expected - or N)", ent->columns[6]);
        return (-1);
    }
    if (strcmp(ent->type, MASTER_TYPE_INET) == 0)
        return (master_conf_inet(ent, why));
    return (0);
}

/* master_ent_free - release one entry */
static void
master_ent_free(MASTER_ENT *ent)
{
    int i;

    for (i = 0; i < MASTER_COLUMNS; i++)
        myfree(ent->columns[i]);
    myfree(ent->command);
    if (ent->args)
        argv_free(ent->args);
    myfree(ent->host);
    myfree(ent->port);
    myfree(ent);
}

/* master_ent_build - an entry from the fields of one logical line */
static MASTER_ENT *
master_ent_build(ARGV *fields, int line, VSTRING *why)
{
    MASTER_ENT *ent = mycalloc(1, sizeof(*ent));
    ssize_t i;

    ent->line = line;
    ent->args = argv_alloc(fields->argc + 1);
    for (i = 0; i < MASTER_COLUMNS && i < fields->argc; i++)
        ent->columns[i] = mystrdup(fields->argv[i]);
    if (fields->argc <= MASTER_COLUMNS) {
        vstring_strcpy(why,
                       fields->argc < MASTER_COLUMNS ? "too few fields" : "missing command field");
        master_ent_free(ent);
        return (NULL);
    }
    ent->service = ent->columns[0];
    ent->type = ent->columns[1];
    ent->command = mystrdup(fields->argv[MASTER_COLUMNS]);
    for (i = MASTER_COLUMNS + 1; i < fields->argc; i++)
        argv_add(ent->args, fields->argv[i], (char *)NULL);
    if (master_conf_columns(ent, why) < 0) {
        master_ent_free(ent);
        return (NULL);
    }
    return (ent);
}

/* master_conf_find - the entry for a service name and type, or NULL */
MASTER_ENT *
master_conf_find(MASTER_CONF *conf, const char *service, const char *type)
{
    ssize_t i;

    for (i = 0; i < conf->count; i++)
        if (strcmp(conf->entries[i]->service, service) == 0 &&
            (type == NULL || strcmp(conf->entries[i]->type, type) == 0))
            return (conf->entries[i]);
    return (NULL);
}

/* master_conf_add - parse one logical line and keep the entry */
static void
master_conf_add(MASTER_CONF *conf, int flags, int line, const char *text)
{
    VSTRING *why = vstring_alloc(100);
    ARGV *fields;
    MASTER_ENT *ent;

    if ((fields = master_conf_fields(text)) == NULL) {
        master_conf_error(conf, flags, line, "missing '}' in: \"%s\"", text);
    } else if ((ent = master_ent_build(fields, line, why)) == NULL) {
        master_conf_error(conf, flags, line, "%s: \"%s\"", STR(why), text);
    } else if (master_conf_find(conf, ent->service, ent->type) != NULL) {
        master_conf_error(conf, flags, line, "duplicate service: %s/%s", ent->service, ent->type);
        master_ent_free(ent);
    } else {
        conf->entries = myrealloc(conf->entries, (conf->count + 2) * sizeof(conf->entries[0]));
        conf->entries[conf->count++] = ent;
        conf->entries[conf->count] = NULL;
    }
    if (fields)
        argv_free(fields);
    vstring_free(why);
}

/* master_conf_alloc - an empty result */
static MASTER_CONF *
master_conf_alloc(const char *path)
{
    MASTER_CONF *conf = mymalloc(sizeof(*conf));

    conf->entries = mymalloc(sizeof(conf->entries[0]));
    conf->entries[0] = NULL;
    conf->count = 0;
    conf->errors = argv_alloc(4);
    conf->path = mystrdup(path);
    return (conf);
}

/* master_conf_read_stream - parse master.cf text from an open stream */
MASTER_CONF *
master_conf_read_stream(VSTREAM *fp, const char *path, int flags)
{
    MASTER_CONF *conf = master_conf_alloc(path);
    VSTRING *buf = vstring_alloc(200);
    VSTRING *logical = vstring_alloc(200);
    int lineno = 0, start = 0;
    char *text;

    while (vstream_get_line(fp, buf, 0) != VSTREAM_EOF) {
        lineno++;
        text = trimblanks(STR(buf));
        if (*skipblanks(text) == 0 || *skipblanks(text) == '#')
            continue;
        if (isspace((unsigned char)*text)) {
            if (start == 0)
                master_conf_error(conf, flags, lineno, "continuation line without an entry: \"%s\"",
                                  text);
            else
                vstring_sprintf_append(logical, " %s", skipblanks(text));
            continue;
        }
        if (start)
            master_conf_add(conf, flags, start, STR(logical));
        vstring_strcpy(logical, text);
        start = lineno;
    }
    if (start)
        master_conf_add(conf, flags, start, STR(logical));
    vstring_free(buf);
    vstring_free(logical);
    return (conf);
}

/* master_conf_read - parse a master.cf file */
MASTER_CONF *
master_conf_read(const char *path, int flags)
{
    MASTER_CONF *conf;
    VSTREAM *fp;

    if ((fp = vstream_fopen(path, O_RDONLY, 0)) == NULL) {
        conf = master_conf_alloc(path);
        master_conf_error(conf, flags, 0, "open %s: %m", path);
        return (conf);
    }
    conf = master_conf_read_stream(fp, path, flags);
    if (vstream_ferror(fp))
        master_conf_error(conf, flags, 0, "read %s: %m", path);
    (void)vstream_fclose(fp);
    return (conf);
}

/* master_conf_free - release everything master_conf_read returned */
void
master_conf_free(MASTER_CONF *conf)
{
    ssize_t i;

    for (i = 0; i < conf->count; i++)
        master_ent_free(conf->entries[i]);
    myfree(conf->entries);
    argv_free(conf->errors);
    myfree(conf->path);
    myfree(conf);
}
