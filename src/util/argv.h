/*
 * argv - growable, NULL-terminated string arrays.
 *
 * argv_add() copies each string of its NULL-terminated argument list;
 * argv_split() splits a string at any of the delimiter characters, skipping
 * empty fields. The array owns its strings; argv_free() releases all.
 */
#ifndef ARGV_H
#define ARGV_H

#include "sys_defs.h"

typedef struct ARGV {
    char **argv;
    ssize_t argc;
    ssize_t len; /* slots allocated */
} ARGV;

extern ARGV *argv_alloc(ssize_t len);
extern void argv_free(ARGV *argvp);
extern void argv_add(ARGV *argvp, ...); /* NULL-terminated list of char * */
extern void argv_addn(ARGV *argvp, const char *str, ssize_t len);
extern void argv_truncate(ARGV *argvp, ssize_t len);
extern ARGV *argv_split(const char *str, const char *delim);
extern ARGV *argv_split_append(ARGV *argvp, const char *str, const char *delim);

#endif
