/*
 * postconf - show and edit postern's main.cf, show master.cf.
 *
 * Usage:
 *   postconf [-dhnx] [-c DIR] [-o name=value]... [name...]
 *   postconf [-c DIR] -e name=value...     (or just name=value...)
 *   postconf [-c DIR] -X name...
 *   postconf [-f] [-c DIR] -M [service[/type]...]
 *
 * Without options postconf prints every parameter postern knows, sorted by
 * name, as "name = value" with the value as written (unexpanded), like
 * Postfix. -d prints built-in defaults (main.cf is not read); -n only the
 * parameters set in main.cf; -h values without "name = "; -x values with
 * $name references expanded. Names on the command line select parameters;
 * an unknown one gets "postconf: warning: NAME: unknown parameter". Unless
 * -d is given, settings that postern does not know are reported as unused.
 *
 * -e edits main.cf in place: each "name=value" replaces the first logical
 * line that sets name (with its continuation lines; later duplicates are
 * dropped) or is appended at the end. -X removes the named settings. The
 * new file is written as main.cf.tmp with the old file's mode, fsynced and
 * renamed over main.cf; comments and layout are kept.
 *
 * -M prints master.cf entries in Postfix's normalised column layout (-f
 * folds long lines and puts each -o on its own line); service or
 * service/type arguments select entries ('unmatched request' warnings
 * otherwise). Malformed master.cf lines are reported as warnings.
 *
 * -c DIR (or MAIL_CONFIG) selects the configuration directory.
 *
 * Diagnostics go to stderr as "postconf: warning: ..." or "postconf:
 * fatal: ..."; exit status 1 on fatal errors, else 0.
 */
#include "sys_defs.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "htable.h"
#include "iostuff.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstream.h"
#include "vstring.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "master_conf.h"

#define PC_FLAG_DEFAULT (1 << 0)    /* -d */
#define PC_FLAG_HIDE_NAME (1 << 1)  /* -h */
#define PC_FLAG_NONDEFAULT (1 << 2) /* -n */
#define PC_FLAG_EXPAND (1 << 3)     /* -x */
#define PC_FLAG_FOLD (1 << 4)       /* -f */

#define PC_MODE_SHOW 0
#define PC_MODE_EDIT 1
#define PC_MODE_REMOVE 2
#define PC_MODE_MASTER 3

#define PC_LINE_WIDTH 80

/* postconf_usage - complain about the command line and exit */
static NORETURN
postconf_usage(void)
{
    msg_fatal("usage: postconf [-dfhnx] [-c config_dir] [-o name=value] [-e name=value...] "
              "[-X name...] [-M [service[/type]...]] [name...]");
}

/* postconf_print - one "name = value" line */
static void
postconf_print(const char *name, const char *value, int flags)
{
    char *expanded = NULL;

    if (flags & PC_FLAG_EXPAND)
        value = expanded = mail_conf_eval(value);
    if (flags & PC_FLAG_HIDE_NAME)
        vstream_fprintf(vstream_out, "%s\n", value);
    else if (*value)
        vstream_fprintf(vstream_out, "%s = %s\n", name, value);
    else
        vstream_fprintf(vstream_out, "%s =\n", name);
    myfree(expanded);
}

/* postconf_show_one - print one known parameter as the flags say */
static void
postconf_show_one(const MAIL_CONF_ENT *ent, int flags)
{
    const char *value;

    if (flags & PC_FLAG_DEFAULT) {
        postconf_print(ent->name, mail_conf_default(ent->name), flags);
        return;
    }
    if ((value = mail_conf_lookup(ent->name)) == NULL ||
        ((flags & PC_FLAG_NONDEFAULT) && mail_conf_line(ent->name) <= 0)) {
        /* -n: only what main.cf itself sets, as Postfix shows. */
        if (flags & PC_FLAG_NONDEFAULT)
            return;
        value = mail_conf_default(ent->name);
    }
    postconf_print(ent->name, value, flags);
}

/* postconf_show - the default mode: print parameters */
static void
postconf_show(char **names, int flags)
{
    const MAIL_CONF_ENT *table, *ent;
    ssize_t count, i;

    if (!(flags & PC_FLAG_DEFAULT))
        (void)mail_conf_check_unused();
    if (*names == NULL) {
        table = mail_conf_table(&count);
        for (i = 0; i < count; i++)
            postconf_show_one(table + i, flags);
        return;
    }
    for (; *names; names++) {
        if ((ent = mail_conf_find(*names)) == NULL)
            msg_warn("%s: unknown parameter", *names);
        else
            postconf_show_one(ent, flags);
    }
}

/* postconf_edit_args - "name=value" arguments into a table name -> value */
static HTABLE *
postconf_edit_args(char **args, int mode)
{
    HTABLE *edits = htable_create(10);
    char *copy, *name, *value;

    for (; *args; args++) {
        copy = mystrdup(*args);
        value = (mode == PC_MODE_EDIT ? split_at(copy, '=') : NULL);
        if (mode == PC_MODE_EDIT && value == NULL)
            msg_fatal("missing '=' in \"%s\"", *args);
        name = skipblanks(trimblanks(copy));
        if (*name == 0 || strpbrk(name, " \t") != NULL)
            msg_fatal("bad parameter name in \"%s\"", *args);
        if (htable_locate(edits, name) != NULL)
            htable_delete(edits, name, myfree);
        htable_enter(edits, name, value ? mystrdup(skipblanks(trimblanks(value))) : NULL);
        myfree(copy);
    }
    return (edits);
}

/* postconf_line_name - the parameter a logical start line sets */
static char *
postconf_line_name(const char *line)
{
    size_t len = strcspn(line, "= \t\r\n");

    return (mystrndup(line, len));
}

/* postconf_edit_copy - copy main.cf, replacing or dropping edited settings */
static void
postconf_edit_copy(VSTREAM *in, VSTREAM *out, HTABLE *edits, HTABLE *done)
{
    VSTRING *line = vstring_alloc(200);
    HTABLE_INFO *hit;
    int skipping = 0;
    const char *text;
    char *name;

    while (in && vstream_get_line(in, line, 0) != VSTREAM_EOF) {
        /* A last line without newline must not swallow an appended setting. */
        if (LEN(line) > 0 && STR(line)[LEN(line) - 1] != '\n')
            vstring_addch(line, '\n');
        text = STR(line);
        if (*skipblanks(text) == 0 || *skipblanks(text) == '#') {
            vstream_fputs(text, out);
            continue;
        }
        if (isspace((unsigned char)*text)) {
            if (!skipping)
                vstream_fputs(text, out);
            continue;
        }
        name = postconf_line_name(text);
        if ((skipping = ((hit = htable_locate(edits, name)) != NULL)) != 0) {
            if (hit->value && htable_locate(done, name) == NULL)
                vstream_fprintf(out, "%s = %s\n", name, (char *)hit->value);
            if (htable_locate(done, name) == NULL)
                htable_enter(done, name, NULL);
        } else {
            vstream_fputs(text, out);
        }
        myfree(name);
    }
    vstring_free(line);
}

/* postconf_edit_append - add settings that main.cf did not have yet */
static void
postconf_edit_append(VSTREAM *out, HTABLE *edits, HTABLE *done)
{
    HTABLE_INFO **list = htable_list(edits);
    HTABLE_INFO **ip;

    for (ip = list; *ip; ip++)
        if ((*ip)->value && htable_locate(done, (*ip)->key) == NULL)
            vstream_fprintf(out, "%s = %s\n", (*ip)->key, (char *)(*ip)->value);
    myfree(list);
}

/* postconf_edit - -e and -X: rewrite main.cf through a temporary file */
static void
postconf_edit(char **args, int mode)
{
    const char *path = mail_conf_path();
    char *tmp = concatenate(path, ".tmp", (char *)NULL);
    HTABLE *edits = postconf_edit_args(args, mode);
    HTABLE *done = htable_create(10);
    VSTREAM *in, *out;
    struct stat st;
    mode_t perm = 0644;

    if ((in = vstream_fopen(path, O_RDONLY, 0)) == NULL && errno != ENOENT)
        msg_fatal("open %s: %m", path);
    if (in && fstat(vstream_fileno(in), &st) == 0)
        perm = st.st_mode & 07777;
    if ((out = vstream_fopen(tmp, O_WRONLY | O_CREAT | O_TRUNC, perm)) == NULL)
        msg_fatal("open %s: %m", tmp);
    (void)fchmod(vstream_fileno(out), perm);
    postconf_edit_copy(in, out, edits, done);
    if (in && vstream_ferror(in))
        msg_fatal("read %s: %m", path);
    if (mode == PC_MODE_EDIT)
        postconf_edit_append(out, edits, done);
    if (vstream_fsync(out) != 0 || vstream_fclose(out) != 0)
        msg_fatal("write %s: %m", tmp);
    if (rename(tmp, path) < 0)
        msg_fatal("rename %s to %s: %m", tmp, path);
    (void)fsync_parent_dir(path);
    if (in)
        (void)vstream_fclose(in);
    htable_free(edits, myfree);
    htable_free(done, NULL);
    myfree(tmp);
}

/* postconf_column - pad buf with blanks up to a column (at least one blank) */
static void
postconf_column(VSTRING *buf, ssize_t column)
{
    if (LEN(buf) > 0)
        vstring_addch(buf, ' ');
    while (LEN(buf) < column)
        vstring_addch(buf, ' ');
}

/* postconf_arg_text - an argument as master.cf would need it written */
static void
postconf_arg_text(VSTRING *buf, const char *arg)
{
    if (*arg == 0 || strpbrk(arg, " \t") != NULL)
        vstring_sprintf(buf, "{%s}", arg);
    else
        vstring_strcpy(buf, arg);
}

/* postconf_master_args - append the arguments, folding when asked */
static void
postconf_master_args(VSTRING *line, ssize_t *line_start, ARGV *args, int fold)
{
    VSTRING *word = vstring_alloc(100);
    VSTRING *arg = vstring_alloc(100);
    ssize_t i;
    int option;

    for (i = 0; i < args->argc; i++) {
        option = (strcmp(args->argv[i], "-o") == 0 && i + 1 < args->argc);
        postconf_arg_text(arg, args->argv[i + option]);
        vstring_sprintf(word, "%s%s", option ? "-o " : "", STR(arg));
        i += option;
        if (fold && (option || LEN(line) - *line_start + 1 + LEN(word) > PC_LINE_WIDTH)) {
            vstring_strcat(line, "\n    ");
            *line_start = LEN(line) - 4;
        } else {
            vstring_addch(line, ' ');
        }
        vstring_strcat(line, STR(word));
    }
    vstring_free(word);
    vstring_free(arg);
}

/* postconf_master_print - one entry in the normalised layout */
static void
postconf_master_print(const MASTER_ENT *ent, int flags)
{
    static const ssize_t columns[] = {0, 11, 17, 25, 33, 41, 49, 57};
    VSTRING *line = vstring_alloc(100);
    ssize_t line_start = 0;
    int i;

    for (i = 0; i < MASTER_COLUMNS; i++) {
        postconf_column(line, columns[i]);
        vstring_strcat(line, ent->columns[i]);
    }
    postconf_column(line, columns[MASTER_COLUMNS]);
    vstring_strcat(line, ent->command);
    postconf_master_args(line, &line_start, ent->args, flags & PC_FLAG_FOLD);
    vstream_fprintf(vstream_out, "%s\n", STR(line));
    vstring_free(line);
}

/* postconf_master_match - does an entry match "service" or "service/type" */
static int
postconf_master_match(const MASTER_ENT *ent, const char *request)
{
    const char *slash = strchr(request, '/');
    size_t len = slash ? (size_t)(slash - request) : strlen(request);

    if (strlen(ent->service) != len || strncmp(ent->service, request, len) != 0)
        return (0);
    return (slash == NULL || strcmp(slash + 1, ent->type) == 0);
}

/* postconf_master - -M: print master.cf entries */
static void
postconf_master(char **requests, int flags)
{
    VSTRING *path = vstring_alloc(100);
    MASTER_CONF *conf;
    ssize_t i;
    int matched;

    vstring_sprintf(path, "%s/master.cf", mail_conf_dir());
    conf = master_conf_read(STR(path), MASTER_CONF_FLAG_WARN);
    if (*requests == NULL)
        for (i = 0; i < conf->count; i++)
            postconf_master_print(conf->entries[i], flags);
    for (; *requests; requests++) {
        for (matched = 0, i = 0; i < conf->count; i++) {
            if (postconf_master_match(conf->entries[i], *requests)) {
                postconf_master_print(conf->entries[i], flags);
                matched = 1;
            }
        }
        if (!matched)
            msg_warn("unmatched request: \"%s\"", *requests);
    }
    master_conf_free(conf);
    vstring_free(path);
}

/* postconf_has_assignment - true when some argument contains '=' */
static int
postconf_has_assignment(char **args)
{
    for (; *args; args++)
        if (strchr(*args, '=') != NULL)
            return (1);
    return (0);
}

/* postconf_load - read main.cf and apply -o overrides */
static void
postconf_load(ARGV *overrides)
{
    char *copy, *value;
    ssize_t i;

    mail_conf_read();
    for (i = 0; i < overrides->argc; i++) {
        copy = mystrdup(overrides->argv[i]);
        if ((value = split_at(copy, '=')) == NULL)
            msg_fatal("bad -o option: \"%s\" (expected name=value)", overrides->argv[i]);
        mail_conf_update(trimblanks(copy), skipblanks(value));
        myfree(copy);
    }
}

/* postconf_run - dispatch on the mode */
static void
postconf_run(int mode, int flags, char **args, ARGV *overrides)
{
    if (mode == PC_MODE_SHOW && postconf_has_assignment(args))
        mode = PC_MODE_EDIT;
    if ((mode == PC_MODE_EDIT || mode == PC_MODE_REMOVE) && *args == NULL)
        postconf_usage();
    switch (mode) {
    case PC_MODE_EDIT:
    case PC_MODE_REMOVE:
        postconf_edit(args, mode);
        break;
    case PC_MODE_MASTER:
        postconf_master(args, flags);
        break;
    default:
        if (!(flags & PC_FLAG_DEFAULT))
            postconf_load(overrides);
        postconf_show(args, flags);
        break;
    }
}

/* main - parse options, then show or edit */
int
main(int argc, char **argv)
{
    ARGV *overrides = argv_alloc(4);
    int mode = PC_MODE_SHOW;
    int flags = 0;
    int ch;

    msg_set_progname("postconf");
    msg_stderr_init();
    while ((ch = getopt(argc, argv, "c:defhMno:vxX")) != -1) {
        switch (ch) {
        case 'c':
            mail_conf_set_dir(optarg);
            break;
        case 'd':
            flags |= PC_FLAG_DEFAULT;
            break;
        case 'e':
            mode = PC_MODE_EDIT;
            break;
        case 'f':
            flags |= PC_FLAG_FOLD;
            break;
        case 'h':
            flags |= PC_FLAG_HIDE_NAME;
            break;
        case 'M':
            mode = PC_MODE_MASTER;
            break;
        case 'n':
            flags |= PC_FLAG_NONDEFAULT;
            break;
        case 'o':
            argv_add(overrides, optarg, (char *)NULL);
            break;
        case 'v':
            msg_verbose++;
            break;
        case 'x':
            flags |= PC_FLAG_EXPAND;
            break;
        case 'X':
            mode = PC_MODE_REMOVE;
            break;
        default:
            postconf_usage();
        }
    }
    postconf_run(mode, flags, argv + optind, overrides);
    if (vstream_fflush(vstream_out) != 0)
        msg_fatal("write error on standard output: %m");
    argv_free(overrides);
    return (0);
}
