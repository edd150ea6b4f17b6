/*
 * mail_params - every main.cf parameter, as C variables.
 *
 * The parameters are defined once, in the params_*.def X-macro files that
 * params.def includes: name, type, default (as postconf -d prints it),
 * bounds and a one-line description. This header turns each into an
 * external variable named var_<name>; mail_conf.c turns the same list into
 * the table that loads and checks main.cf, and postconf prints it.
 *
 * Types: STR (expanded text), RAW (text, not expanded), BOOL (int 0/1),
 * INT (int, with bounds), LONG (long, with bounds), TIME (int seconds; the
 * value takes a unit suffix s, m, h, d, w; the default unit is named by the
 * entry).
 */
#ifndef MAIL_PARAMS_H
#define MAIL_PARAMS_H

#define PARAM_STR(name, def, doc) extern char *var_##name;
#define PARAM_RAW(name, def, doc) extern char *var_##name;
#define PARAM_BOOL(name, def, doc) extern int var_##name;
#define PARAM_INT(name, def, min, max, doc) extern int var_##name;
#define PARAM_LONG(name, def, min, max, doc) extern long var_##name;
#define PARAM_TIME(name, def, unit, min, max, doc) extern int var_##name;
#include "params.def"
#undef PARAM_STR
#undef PARAM_RAW
#undef PARAM_BOOL
#undef PARAM_INT
#undef PARAM_LONG
#undef PARAM_TIME

#define MAIL_NAME "postern"
#define MAIL_VERSION "0.1.0"

#endif
