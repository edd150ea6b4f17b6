/*
 * mail_conf - loading main.cf into the var_* parameters.
 *
 * Use: mail_conf_set_dir(dir) (or MAIL_CONFIG, or the built-in default),
 * mail_conf_read(), then mail_conf_update(name, value) for each -o override,
 * then mail_params_init(), which expands $name and ${name} references,
 * converts and checks every value against its bounds, and sets var_*.
 * A bad line or value is fatal and names file, line and parameter:
 * "/etc/postern/main.cf, line 12: parameter minimal_backoff_time: bad time
 * value: 5x". A parameter that postern does not implement gets a warning
 * naming file and line; the rest of the file still loads.
 *
 * mail_conf_lookup() returns the raw (unexpanded) value from main.cf or
 * overrides, NULL if not set; mail_conf_eval() expands a string.
 */
#ifndef MAIL_CONF_H
#define MAIL_CONF_H

#include "sys_defs.h"
#include "vstring.h"

extern void mail_conf_set_dir(const char *dir);
extern const char *mail_conf_dir(void);
extern void mail_conf_read(void);
extern void mail_conf_update(const char *name, const char *value);
extern const char *mail_conf_lookup(const char *name);
extern char *mail_conf_eval(const char *value); /* caller frees */
extern void mail_params_init(void);
/* 0 for a known parameter whose behaviour is not built yet */
extern int mail_conf_implemented(const char *name);

/*
 * Added interfaces (postconf, master, postern check, tests).
 *
 * The parameter table: one MAIL_CONF_ENT per PARAM_* line of params.def,
 * in name order. mail_conf_find() returns NULL for an unknown name.
 * mail_conf_default() is the built-in default text as postconf -d prints
 * it; myhostname and mydomain are computed (see docs/configuration.md).
 *
 * mail_conf_walk() calls fn for every setting (main.cf line or override)
 * in name order, known or not; line is 0 for an override. mail_conf_line()
 * gives the main.cf line of a setting (0: override or not set).
 * mail_conf_path() is the main.cf path used in messages.
 *
 * mail_conf_check_unused() warns "FILE, line N: unused parameter: n=v"
 * for every setting postern does not know and that no other setting or
 * master.cf argument refers to; it returns the count. master, postconf
 * and "postern check" call it; daemons do not, to keep the log quiet.
 *
 * mail_conf_expand() expands text into result with lookup() for names
 * (NULL: undefined, expands to empty); it returns 0, or -1 with the reason
 * in why. mail_conf_forget() drops every setting (tests, reload).
 */
typedef enum MAIL_CONF_TYPE {
    MAIL_CONF_STR,
    MAIL_CONF_RAW,
    MAIL_CONF_BOOL,
    MAIL_CONF_INT,
    MAIL_CONF_LONG,
    MAIL_CONF_TIME,
} MAIL_CONF_TYPE;

typedef struct MAIL_CONF_ENT {
    const char *name;
    MAIL_CONF_TYPE type;
    const char *def; /* default as postconf -d prints it */
    long min;        /* INT, LONG, TIME (seconds) */
    long max;
    int unit; /* TIME: default unit s, m, h, d or w */
    const char *doc;
    void *var; /* char **, int * or long * */
} MAIL_CONF_ENT;

typedef void (*MAIL_CONF_WALK_FN)(const char *name, const char *value, int line, void *context);
typedef const char *(*MAIL_CONF_LOOKUP_FN)(const char *name, void *context);

extern const MAIL_CONF_ENT *mail_conf_table(ssize_t *count);
extern const MAIL_CONF_ENT *mail_conf_find(const char *name);
extern const char *mail_conf_default(const char *name);
extern void mail_conf_walk(MAIL_CONF_WALK_FN fn, void *context);
extern int mail_conf_line(const char *name);
extern const char *mail_conf_path(void);
extern int mail_conf_check_unused(void);
extern int mail_conf_expand(VSTRING *result, const char *text, MAIL_CONF_LOOKUP_FN lookup,
                            void *context, VSTRING *why);
extern void mail_conf_forget(void);

#endif
