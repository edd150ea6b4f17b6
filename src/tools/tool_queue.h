/*
 * tool_queue - start-up and queue helpers shared by postcat, postqueue
 * and postsuper.
 *
 * tool_init(name) names the program: diagnostics go to stderr as
 * "name: text", "name: warning: text", "name: fatal: text" (the form that
 * Postfix's commands print), and later also to the mail log as
 * "$syslog_name/name". tool_config(config_dir) loads main.cf (config_dir,
 * else MAIL_CONFIG, else the built-in default), starts mail logging and
 * changes to queue_directory; errors are fatal. tool_usage() prints a
 * usage line and exits 1.
 *
 * tool_config_allowed(dir) is true when dir is the built-in configuration
 * directory or is listed in alternate_config_directories of the built-in
 * main.cf (which it reads): the test that a set-gid command (postdrop,
 * postqueue) run by an ordinary user applies to -c and MAIL_CONFIG.
 *
 * tool_message_queue(id, queues) finds which of the NULL-terminated
 * queue names holds the message; it returns the queue name or NULL.
 */
#ifndef TOOL_QUEUE_H
#define TOOL_QUEUE_H

#include "sys_defs.h"

extern void tool_init(const char *name);
extern void tool_config(const char *config_dir);
extern int tool_config_allowed(const char *dir);
extern NORETURN tool_usage(const char *text);
extern const char *tool_message_queue(const char *id, const char *const *queues);

#endif
