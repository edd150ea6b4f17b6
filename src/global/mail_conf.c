/*
 * mail_conf - the parameter table and the main.cf reader.
 *
 * This file defines every var_<name> of params.def and the one table that
 * describes them (name, type, default text, bounds, unit, description,
 * address of the variable), kept in name order for postconf. It reads
 * main.cf into a list of raw settings, each remembering its line, and holds
 * the -o overrides that mail_conf_update() adds. Expansion, type checks
 * and the assignment of var_* happen later, in mail_params_init()
 * (mail_conf_params.c); the expansion language is in mail_conf_expand.c.
 *
 * Use: mail_conf_set_dir(dir) or MAIL_CONFIG or the built-in default
 * picks the directory; mail_conf_read() loads DIR/main.cf and forgets what
 * was loaded before (a reload reads the whole file again);
 * mail_conf_update() records an override (line 0); mail_conf_lookup()
 * gives a raw setting or NULL; mail_conf_walk() lists all settings.
 *
 * main.cf syntax: "name = value" logical lines. Blank lines and lines whose
 * first non-blank character is '#' are skipped anywhere. A line that
 * starts with white space continues the logical line before it (joined
 * with one space). White space around '=' and at the ends is dropped.
 * The last setting of a name wins. When the configuration directory is not
 * the built-in one, config_directory counts as set (as with Postfix).
 *
 * Memory: the module owns every setting; returned strings stay valid until
 * the next mail_conf_read(), mail_conf_update() of that name or
 * mail_conf_forget().
 *
 * Diagnostics: fatal when main.cf cannot be opened ("open PATH: reason")
 * or a line is malformed ("PATH, line N: missing '=' after parameter
 * name: \"text\""). A continuation line with nothing to continue is a
 * warning. mail_conf_check_unused() warns about settings postern does not
 * know. A parameter defined twice in params.def is a panic.
 */
#include "sys_defs.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstream.h"
#include "vstring.h"
#include "postern_paths.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "master_conf.h"

/* The variables themselves. */
#define PARAM_STR(name, def, doc) char *var_##name;
#define PARAM_RAW(name, def, doc) char *var_##name;
#define PARAM_BOOL(name, def, doc) int var_##name;
#define PARAM_INT(name, def, min, max, doc) int var_##name;
#define PARAM_LONG(name, def, min, max, doc) long var_##name;
#define PARAM_TIME(name, def, unit, min, max, doc) int var_##name;
#include "params.def"
#undef PARAM_STR
#undef PARAM_RAW
#undef PARAM_BOOL
#undef PARAM_INT
#undef PARAM_LONG
#undef PARAM_TIME

/* The table, sorted by name on first use. */
static MAIL_CONF_ENT mail_conf_entries[] = {
#define PARAM_STR(n, d, doc) {#n, MAIL_CONF_STR, d, 0, 0, 0, doc, &var_##n},
#define PARAM_RAW(n, d, doc) {#n, MAIL_CONF_RAW, d, 0, 0, 0, doc, &var_##n},
#define PARAM_BOOL(n, d, doc) {#n, MAIL_CONF_BOOL, d, 0, 1, 0, doc, &var_##n},
#define PARAM_INT(n, d, lo, hi, doc) {#n, MAIL_CONF_INT, d, lo, hi, 0, doc, &var_##n},
#define PARAM_LONG(n, d, lo, hi, doc) {#n, MAIL_CONF_LONG, d, lo, hi, 0, doc, &var_##n},
#define PARAM_TIME(n, d, u, lo, hi, doc) {#n, MAIL_CONF_TIME, d, lo, hi, u, doc, &var_##n},
#include "params.def"
#undef PARAM_STR
#undef PARAM_RAW
#undef PARAM_BOOL
#undef PARAM_INT
#undef PARAM_LONG
#undef PARAM_TIME
};

#define MAIL_CONF_COUNT ((ssize_t)(sizeof(mail_conf_entries) / sizeof(mail_conf_entries[0])))

typedef struct MAIL_CONF_SETTING {
    char *value;
    int line; /* 0: override */
} MAIL_CONF_SETTING;

static int mail_conf_sorted;
static HTABLE *mail_conf_settings;
static char *mail_conf_dir_name;
static VSTRING *mail_conf_path_buf;

/* mail_conf_entry_cmp - qsort order of table entries */
static int
mail_conf_entry_cmp(const void *a, const void *b)
{
    return (strcmp(((const MAIL_CONF_ENT *)a)->name, ((const MAIL_CONF_ENT *)b)->name));
}

/* mail_conf_sort - sort the table once and reject duplicate definitions */
static void
mail_conf_sort(void)
{
    ssize_t i;

    if (mail_conf_sorted)
        return;
    qsort(mail_conf_entries, MAIL_CONF_COUNT, sizeof(mail_conf_entries[0]), mail_conf_entry_cmp);
    for (i = 1; i < MAIL_CONF_COUNT; i++)
        if (strcmp(mail_conf_entries[i - 1].name, mail_conf_entries[i].name) == 0)
            msg_panic("parameter %s is defined twice in params.def", mail_conf_entries[i].name);
    mail_conf_sorted = 1;
}

/* mail_conf_table - the parameter table in name order */
const MAIL_CONF_ENT *
mail_conf_table(ssize_t *count)
{
    mail_conf_sort();
    if (count)
        *count = MAIL_CONF_COUNT;
    return (mail_conf_entries);
}

/* mail_conf_find - table entry of a parameter, or NULL */
const MAIL_CONF_ENT *
mail_conf_find(const char *name)
{
    MAIL_CONF_ENT key;

    mail_conf_sort();
    key.name = name;
    return (bsearch(&key, mail_conf_entries, MAIL_CONF_COUNT, sizeof(mail_conf_entries[0]),
                    mail_conf_entry_cmp));
}

/* mail_conf_setting_free - release one setting */
static void
mail_conf_setting_free(void *ptr)
{
    MAIL_CONF_SETTING *setting = ptr;

    myfree(setting->value);
    myfree(setting);
}

/* mail_conf_forget - drop every setting */
void
mail_conf_forget(void)
{
    if (mail_conf_settings)
        htable_free(mail_conf_settings, mail_conf_setting_free);
    mail_conf_settings = htable_create(100);
}

/* mail_conf_store - record a setting, replacing an older one */
static void
mail_conf_store(const char *name, const char *value, int line)
{
    MAIL_CONF_SETTING *setting;

    if (mail_conf_settings == NULL)
        mail_conf_forget();
    if ((setting = htable_find(mail_conf_settings, name)) != NULL) {
        myfree(setting->value);
    } else {
        setting = mymalloc(sizeof(*setting));
        htable_enter(mail_conf_settings, name, setting);
    }
    setting->value = mystrdup(value);
    setting->line = line;
}

/* mail_conf_set_dir - use this configuration directory */
void
mail_conf_set_dir(const char *dir)
{
    myfree(mail_conf_dir_name);
    mail_conf_dir_name = dir ? mystrdup(dir) : NULL;
}

/* mail_conf_dir - the configuration directory in use */
const char *
mail_conf_dir(void)
{
    const char *env;

    if (mail_conf_dir_name)
        return (mail_conf_dir_name);
    if ((env = getenv("MAIL_CONFIG")) != NULL && *env)
        return (env);
    return (DEF_CONFIG_DIR);
}

/* mail_conf_path - the main.cf path */
const char *
mail_conf_path(void)
{
    if (mail_conf_path_buf == NULL)
        mail_conf_path_buf = vstring_alloc(100);
    vstring_sprintf(mail_conf_path_buf, "%s/main.cf", mail_conf_dir());
    return (STR(mail_conf_path_buf));
}

/* mail_conf_entry - split one logical line into a setting */
static void
mail_conf_entry(const char *path, int lineno, char *text)
{
    char *eq;
    char *name;
    char *cp;

    if ((eq = strchr(text, '=')) == NULL)
        msg_fatal("%s, line %d: missing '=' after parameter name: \"%s\"", path, lineno, text);
    *eq = 0;
    name = trimblanks(text);
    if (*name == 0) {
        *eq = '=';
        msg_fatal("%s, line %d: missing parameter name: \"%s\"", path, lineno, text);
    }
    for (cp = name; *cp; cp++) {
        if (isspace((unsigned char)*cp)) {
            *eq = '=';
            msg_fatal("%s, line %d: missing '=' after parameter name: \"%s\"", path, lineno, text);
        }
    }
    mail_conf_store(name, skipblanks(eq + 1), lineno);
}

/* mail_conf_chomp - remove the newline and trailing white space */
static char *
mail_conf_chomp(VSTRING *buf)
{
    ssize_t len = LEN(buf);

    while (len > 0 && isspace((unsigned char)STR(buf)[len - 1]))
        len--;
    vstring_truncate(buf, len);
    return (STR(buf));
}

/* mail_conf_parse - read logical lines from a stream */
static void
mail_conf_parse(VSTREAM *fp, const char *path)
{
    VSTRING *line = vstring_alloc(200);
    VSTRING *logical = vstring_alloc(200);
    int lineno = 0;
    int start = 0;
    char *text;

    while (vstream_get_line(fp, line, 0) != VSTREAM_EOF) {
        lineno++;
        text = mail_conf_chomp(line);
        if (*skipblanks(text) == 0 || *skipblanks(text) == '#')
            continue;
        if (isspace((unsigned char)*text)) {
            if (start == 0) {
                msg_warn("%s, line %d: logical line must not start with white space: \"%s\"", path,
                         lineno, text);
                continue;
            }
            vstring_addch(logical, ' ');
            vstring_strcat(logical, skipblanks(text));
            continue;
        }
        if (start)
            mail_conf_entry(path, start, STR(logical));
        vstring_strcpy(logical, text);
        start = lineno;
    }
    if (start)
        mail_conf_entry(path, start, STR(logical));
    vstring_free(line);
    vstring_free(logical);
}

/* mail_conf_read - load main.cf, replacing earlier settings */
void
mail_conf_read(void)
{
    const char *path = mail_conf_path();
    VSTREAM *fp;

    mail_conf_forget();
    if ((fp = vstream_fopen(path, O_RDONLY, 0)) == NULL)
        msg_fatal("open %s: %m", path);
    mail_conf_parse(fp, path);
    if (vstream_ferror(fp))
        msg_fatal("read %s: %m", path);
    (void)vstream_fclose(fp);
    if (strcmp(mail_conf_dir(), DEF_CONFIG_DIR) != 0 &&
        htable_find(mail_conf_settings, "config_directory") == NULL)
        mail_conf_store("config_directory", mail_conf_dir(), 0);
}

/* mail_conf_update - record an override such as -o name=value */
void
mail_conf_update(const char *name, const char *value)
{
    mail_conf_store(name, value, 0);
}

/* mail_conf_lookup - raw value of a setting, or NULL */
const char *
mail_conf_lookup(const char *name)
{
    MAIL_CONF_SETTING *setting;

    if (mail_conf_settings == NULL || (setting = htable_find(mail_conf_settings, name)) == NULL)
        return (NULL);
    return (setting->value);
}

/* mail_conf_line - main.cf line of a setting (0: override or unset) */
int
mail_conf_line(const char *name)
{
    MAIL_CONF_SETTING *setting;

    if (mail_conf_settings == NULL || (setting = htable_find(mail_conf_settings, name)) == NULL)
        return (0);
    return (setting->line);
}

/* mail_conf_info_cmp - qsort order of hash table entries */
static int
mail_conf_info_cmp(const void *a, const void *b)
{
    return (strcmp((*(HTABLE_INFO *const *)a)->key, (*(HTABLE_INFO *const *)b)->key));
}

/* mail_conf_walk - call fn for every setting in name order */
void
mail_conf_walk(MAIL_CONF_WALK_FN fn, void *context)
{
    HTABLE_INFO **list;
    MAIL_CONF_SETTING *setting;
    ssize_t n, i;

    if (mail_conf_settings == NULL)
        return;
    list = htable_list(mail_conf_settings);
    for (n = 0; list[n]; n++)
        /* count */;
    qsort(list, n, sizeof(list[0]), mail_conf_info_cmp);
    for (i = 0; i < n; i++) {
        setting = list[i]->value;
        fn(list[i]->key, setting->value, setting->line, context);
    }
    myfree(list);
}

/* mail_conf_refs - add every $name that text refers to */
static void
mail_conf_refs(HTABLE *refs, const char *text)
{
    const char *cp = text;
    size_t len;
    char *name;

    while ((cp = strchr(cp, '$')) != NULL) {
        cp++;
        if (*cp == '{' || *cp == '(')
            cp++;
        for (len = 0; isalnum((unsigned char)cp[len]) || cp[len] == '_'; len++)
            /* scan */;
        if (len == 0)
            continue;
        name = mystrndup(cp, len);
        if (htable_locate(refs, name) == NULL)
            htable_enter(refs, name, NULL);
        myfree(name);
        cp += len;
    }
}

/* mail_conf_collect_refs - one walk step: remember references of a value */
static void
mail_conf_collect_refs(const char *name, const char *value, int line, void *context)
{
    (void)name;
    (void)line;
    mail_conf_refs((HTABLE *)context, value);
}

/*
 * Per-service parameters: Postfix lets "SERVICE_SUFFIX" override a default
 * for the transport named SERVICE in master.cf (local_destination_...).
 */
static const char *mail_conf_service_suffixes[] = {
    "destination_concurrency_limit",
    "destination_recipient_limit",
    "destination_rate_delay",
    "initial_destination_concurrency",
    "recipient_limit",
    "time_limit",
    0,
};

/* mail_conf_service_refs - mark the per-service parameters of a service used */
static void
mail_conf_service_refs(HTABLE *refs, const char *service)
{
    const char **suffix;
    char *name;

    for (suffix = mail_conf_service_suffixes; *suffix; suffix++) {
        name = concatenate(service, "_", *suffix, (char *)0);
        if (htable_locate(refs, name) == NULL)
            htable_enter(refs, name, NULL);
        myfree(name);
    }
}

/* mail_conf_master_refs - references made by master.cf arguments */
static void
mail_conf_master_refs(HTABLE *refs)
{
    VSTRING *path = vstring_alloc(100);
    MASTER_CONF *conf;
    ssize_t i, j;

    vstring_sprintf(path, "%s/master.cf", mail_conf_dir());
    conf = master_conf_read(STR(path), MASTER_CONF_FLAG_NONE);
    for (i = 0; i < conf->count; i++) {
        for (j = 0; j < conf->entries[i]->args->argc; j++)
            mail_conf_refs(refs, conf->entries[i]->args->argv[j]);
        mail_conf_service_refs(refs, conf->entries[i]->service);
    }
    master_conf_free(conf);
    vstring_free(path);
}

/*
 * Parameters that postern knows (postconf -d shows their Postfix defaults)
 * but whose behaviour is not built yet: a setting gets a warning, so that
 * nobody believes it took effect.
 */
static const char *mail_conf_not_implemented[] = {
    "default_privs",
    "ipc_idle",
    "daemon_timeout",
    "fork_delay",
    "fork_attempts",
    "export_environment",
    "delay_warning_time",
    "qmgr_message_recipient_limit",
    "default_recipient_limit",
    "initial_destination_concurrency",
    "bounce_notice_recipient",
    "notify_classes",
    "queue_minfree",
    "qmgr_clog_warn_time",
    0,
};

/* mail_conf_implemented - does setting this parameter change anything yet? */
int
mail_conf_implemented(const char *name)
{
    const char **cpp;

    for (cpp = mail_conf_not_implemented; *cpp; cpp++)
        if (strcmp(*cpp, name) == 0)
            return (0);
    return (1);
}

/* mail_conf_warn_unused - one walk step: warn about an unknown setting */
static void
mail_conf_warn_unused(const char *name, const char *value, int line, void *context)
{
    void **ctx = context;
    HTABLE *refs = ctx[0];
    int *count = ctx[1];

    if (mail_conf_find(name) != NULL && !mail_conf_implemented(name)) {
        if (line > 0)
            msg_warn("%s, line %d: parameter %s is not implemented yet; "
                     "the setting has no effect",
                     mail_conf_path(), line, name);
        (*count)++;
        return;
    }
    if (mail_conf_find(name) != NULL || htable_locate(refs, name) != NULL)
        return;
    if (line > 0)
        msg_warn("%s, line %d: unused parameter: %s=%s", mail_conf_path(), line, name, value);
    else
        msg_warn("unused parameter: %s=%s (command-line override)", name, value);
    (*count)++;
}

/* mail_conf_check_unused - report settings that nothing uses */
int
mail_conf_check_unused(void)
{
    HTABLE *refs = htable_create(50);
    int count = 0;
    void *ctx[2];

    mail_conf_walk(mail_conf_collect_refs, refs);
    mail_conf_master_refs(refs);
    ctx[0] = refs;
    ctx[1] = &count;
    mail_conf_walk(mail_conf_warn_unused, ctx);
    htable_free(refs, NULL);
    return (count);
}
