/*
 * tool_queue - start-up and queue helpers shared by the queue commands
 * (see tool_queue.h).
 *
 * Diagnostics: a private msg.h channel writes "name: [level: ]text" to
 * stderr, as Postfix's commands do, instead of the "postern/name" form
 * that maillog's stderr channel uses; the mail log (syslog or
 * maillog_file) gets every message too once tool_config() has run.
 *
 * Memory: the program name is copied into static storage.
 */
#include "sys_defs.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mail_conf.h"
#include "mymalloc.h"
#include "postern_paths.h"
#include "stringops.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "maillog.h"
#include "msg.h"
#include "tool_queue.h"
#include "vstream.h"

static char tool_name[100];

/* tool_init - name the program and send diagnostics to stderr */
void
tool_init(const char *name)
{
    const char *slash = strrchr(name, '/');

    snprintf(tool_name, sizeof(tool_name), "%s", slash ? slash + 1 : name);
    msg_set_progname(tool_name);
    msg_stderr_name(tool_name);
    msg_stderr_init();
}

/* tool_config - load main.cf, start mail logging, go to the queue */
void
tool_config(const char *config_dir)
{
    if (config_dir)
        mail_conf_set_dir(config_dir);
    mail_conf_read();
    mail_params_init();
    maillog_init(tool_name, MAILLOG_FLAG_NONE);
    if (chdir(var_queue_directory) < 0)
        msg_fatal("chdir %s: %m", var_queue_directory);
}

/* tool_config_allowed - is dir the default or listed in the default alternate_config_directories */
int
tool_config_allowed(const char *dir)
{
    char *saved;
    char *cp;
    char *item;
    int found = 0;

    if (strcmp(dir, DEF_CONFIG_DIR) == 0)
        return (1);
    mail_conf_set_dir(DEF_CONFIG_DIR);
    mail_conf_read();
    mail_params_init();
    cp = saved = mystrdup(var_alternate_config_directories);
    while (!found && (item = mystrtok(&cp, ", \t\r\n")) != NULL)
        found = (strcmp(item, dir) == 0);
    myfree(saved);
    mail_conf_set_dir(NULL); /* back to -c or MAIL_CONFIG for the caller */
    return (found);
}

/* tool_usage - explain the command line and exit */
NORETURN
tool_usage(const char *text)
{
    msg_fatal("usage: %s %s", tool_name, text);
}

/* tool_message_queue - which of the queues holds this message? */
const char *
tool_message_queue(const char *id, const char *const *queues)
{
    VSTRING *path = vstring_alloc(100);
    struct stat st;
    const char *found = 0;

    for (; *queues && !found; queues++)
        if (lstat(mail_queue_path(path, *queues, id), &st) == 0 && S_ISREG(st.st_mode))
            found = *queues;
    vstring_free(path);
    return found;
}
