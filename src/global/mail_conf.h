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

#endif
