/*
 * master_conf - master.cf, parsed into one MASTER_ENT per service.
 *
 * master_conf_read(path, flags) reads a master.cf file with Postfix's
 * syntax: columns "service type private unpriv chroot wakeup maxproc
 * command [args...]", '#' comment lines, blank lines, and continuation lines
 * that start with white space. '-' in a column picks the default: private
 * y, unpriv y, chroot n, wakeup 0 (never), maxproc $default_process_limit
 * (var_default_process_limit after mail_params_init, 100 before). A wakeup
 * ending in '?' is conditional (wakeup_conditional = 1). maxproc 0 means no
 * limit. Types: inet, unix, unix-dgram, fifo, pass. An argument "{text}"
 * is one argument (braces and outer blanks removed); "-o { name = value }"
 * becomes "-o" "name=value". For inet services host and port hold the
 * parts of "port", "host:port" or "[host]:port" (host NULL when absent).
 *
 * Errors never exit unless MASTER_CONF_FLAG_FATAL is given: each bad line
 * adds "PATH, line N: reason" to conf->errors and is skipped, so that a
 * checker can report them all; MASTER_CONF_FLAG_WARN also logs each with
 * msg_warn. A file that cannot be opened gives one error "open PATH:
 * reason" and no entries. Duplicate service/type pairs are errors.
 *
 * Memory: master_conf_free() releases the MASTER_CONF, its entries and
 * every string in them.
 */
#ifndef MASTER_CONF_H
#define MASTER_CONF_H

#include "sys_defs.h"
#include "argv.h"
#include "vstream.h"

#define MASTER_CONF_FLAG_NONE 0
#define MASTER_CONF_FLAG_WARN (1 << 0)
#define MASTER_CONF_FLAG_FATAL (1 << 1)

#define MASTER_TYPE_INET "inet"
#define MASTER_TYPE_UNIX "unix"
#define MASTER_TYPE_UNIX_DGRAM "unix-dgram"
#define MASTER_TYPE_FIFO "fifo"
#define MASTER_TYPE_PASS "pass"

/* The seven columns as written, in order, for postconf -M. */
#define MASTER_COLUMNS 7

typedef struct MASTER_ENT {
    char *service;                 /* name, path or [host:]port */
    char *type;                    /* one of the MASTER_TYPE_* names */
    int private_flag;              /* 1: endpoint under private/ */
    int unpriv;                    /* 1: run as mail_owner */
    int chroot;                    /* 1: chroot to queue_directory */
    int wakeup;                    /* seconds between wakeups, 0: never */
    int wakeup_conditional;        /* 1: wakeup only when the service is used */
    int maxproc;                   /* process limit, 0: unlimited */
    int maxproc_default;           /* 1: maxproc was '-' */
    char *command;                 /* program name (relative to daemon_directory) */
    ARGV *args;                    /* arguments after the command, as the child gets them */
    char *host;                    /* inet: host part or NULL */
    char *port;                    /* inet: port or service name */
    int line;                      /* first line of the entry */
    char *columns[MASTER_COLUMNS]; /* the columns as written */
} MASTER_ENT;

typedef struct MASTER_CONF {
    MASTER_ENT **entries; /* NULL-terminated */
    ssize_t count;
    ARGV *errors; /* "PATH, line N: reason" */
    char *path;
} MASTER_CONF;

extern MASTER_CONF *master_conf_read(const char *path, int flags);
extern MASTER_CONF *master_conf_read_stream(VSTREAM *fp, const char *path, int flags);
extern void master_conf_free(MASTER_CONF *conf);
extern MASTER_ENT *master_conf_find(MASTER_CONF *conf, const char *service, const char *type);

#endif
