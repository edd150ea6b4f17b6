/*
 * maillog - choose where a postern program's messages go.
 *
 * maillog_init(program, flags) names the program "$syslog_name/program"
 * (plain "postern/program" before mail_params_init() has run) and enables
 * the output channel that main.cf asks for:
 *
 *   - before mail_params_init(): stderr when MAILLOG_FLAG_STDERR is given,
 *     else syslog with facility LOG_MAIL;
 *   - after: maillog_file when it is set, else syslog with
 *     syslog_facility; MAILLOG_FLAG_STDERR adds stderr.
 *
 * maillog_file must start with one of the maillog_file_prefixes (the same
 * safety check as Postfix, so that a stray setting cannot make a
 * privileged program append to an arbitrary file). A program that cannot
 * open the file (an unprivileged sendmail) falls back to syslog quietly.
 *
 * Limits: msg.h has no call to switch a channel off, so a program that
 * enabled syslog in its early call keeps it when it later moves to
 * maillog_file; pass MAILLOG_FLAG_STDERR in the early call to avoid that.
 *
 * Memory: nothing is kept beyond what msg.c copies.
 *
 * Diagnostics: fatal for an unknown syslog_facility ("parameter
 * syslog_facility: unknown facility: NAME") and for a maillog_file outside
 * the allowed prefixes ("parameter maillog_file: PATH does not start with
 * any of maillog_file_prefixes: LIST").
 */
#include "sys_defs.h"

#include <string.h>
#include <syslog.h>

#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"
#include "mail_params.h"
#include "maillog.h"

typedef struct MAILLOG_FACILITY {
    const char *name;
    int value;
} MAILLOG_FACILITY;

static const MAILLOG_FACILITY maillog_facilities[] = {
    {"auth", LOG_AUTH},     {"authpriv", LOG_AUTHPRIV}, {"cron", LOG_CRON},
    {"daemon", LOG_DAEMON}, {"ftp", LOG_FTP},           {"kern", LOG_KERN},
    {"lpr", LOG_LPR},       {"mail", LOG_MAIL},         {"news", LOG_NEWS},
    {"syslog", LOG_SYSLOG}, {"user", LOG_USER},         {"uucp", LOG_UUCP},
    {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1},     {"local2", LOG_LOCAL2},
    {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4},     {"local5", LOG_LOCAL5},
    {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
};

/* maillog_facility - syslog facility value of a name, -1 if unknown */
int
maillog_facility(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(maillog_facilities) / sizeof(maillog_facilities[0]); i++)
        if (strcasecmp(name, maillog_facilities[i].name) == 0)
            return (maillog_facilities[i].value);
    return (-1);
}

/* maillog_file_allowed - does path start with one of the prefixes */
int
maillog_file_allowed(const char *path, const char *prefixes)
{
    char *copy = mystrdup(prefixes);
    char *bp = copy;
    char *prefix;
    int found = 0;

    while (!found && (prefix = mystrtok(&bp, ", \t\r\n")) != NULL)
        found = (strncmp(path, prefix, strlen(prefix)) == 0);
    myfree(copy);
    return (found);
}

/* maillog_set_name - "$syslog_name/program" */
static void
maillog_set_name(const char *program)
{
    VSTRING *name = vstring_alloc(100);
    const char *base = (var_syslog_name && *var_syslog_name) ? var_syslog_name : MAIL_NAME;

    if (program && *program)
        vstring_sprintf(name, "%s/%s", base, program);
    else
        vstring_strcpy(name, base);
    msg_set_progname(STR(name));
    vstring_free(name);
}

/* maillog_syslog - enable syslog with the configured facility */
static void
maillog_syslog(void)
{
    int facility = LOG_MAIL;

    if (var_syslog_facility && *var_syslog_facility &&
        (facility = maillog_facility(var_syslog_facility)) < 0)
        msg_fatal("parameter syslog_facility: unknown facility: %s", var_syslog_facility);
    msg_syslog_init(facility);
}

/* maillog_init - set the program name and the log channel */
void
maillog_init(const char *program, int flags)
{
    maillog_set_name(program);
    if (flags & MAILLOG_FLAG_STDERR)
        msg_stderr_init();
    if (var_syslog_name == NULL) {
        /* Before main.cf: nothing is known yet. */
        if (!(flags & MAILLOG_FLAG_STDERR))
            msg_syslog_init(LOG_MAIL);
        return;
    }
    if (var_maillog_file == NULL || *var_maillog_file == 0) {
        maillog_syslog();
        return;
    }
    if (!maillog_file_allowed(var_maillog_file,
                              var_maillog_file_prefixes ? var_maillog_file_prefixes : ""))
        msg_fatal("parameter maillog_file: %s does not start with any of "
                  "maillog_file_prefixes: %s",
                  var_maillog_file, var_maillog_file_prefixes ? var_maillog_file_prefixes : "");
    if (msg_logfile_init(var_maillog_file, NULL) < 0)
        maillog_syslog();
    else
        msg_syslog_close();
}
