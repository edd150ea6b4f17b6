/*
 * maillog - set up logging for a postern program as main.cf says.
 *
 * maillog_init(program, flags) sets the program name to
 * "$syslog_name/program" (e.g. "postern/qmgr") and the output channel:
 * maillog_file when set (after checking maillog_file_prefixes; the file is
 * opened with O_APPEND and each line written with one write(2)), else
 * syslog with syslog_facility. MAILLOG_FLAG_STDERR also copies messages to
 * stderr (commands run by people). Call it once early (before main.cf is
 * read it logs to syslog/stderr with the default name) and again after
 * mail_params_init(). A program that cannot open maillog_file (an
 * unprivileged sendmail) falls back to syslog without failing.
 */
#ifndef MAILLOG_H
#define MAILLOG_H

#define MAILLOG_FLAG_NONE 0
#define MAILLOG_FLAG_STDERR (1 << 0)

extern void maillog_init(const char *program, int flags);

/*
 * Added: maillog_facility() maps a syslog_facility name ("mail",
 * "local0", ...) to its LOG_* value, -1 when unknown.
 * maillog_file_allowed() is true when path starts with one of the prefixes
 * (a list separated by commas and/or white space).
 */
extern int maillog_facility(const char *name);
extern int maillog_file_allowed(const char *path, const char *prefixes);

#endif
