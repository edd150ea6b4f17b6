/*
 * stringops - small string utilities that work in place or on VSTRINGs.
 *
 * mystrtok() returns the next token of *bufp separated by any of delims and
 * advances *bufp (the buffer is modified); NULL when none is left.
 * mystrtokq() does the same but does not split inside "double quotes" or
 * parentheses. split_at() cuts a string at the first delim character and
 * returns what follows (or NULL); split_at_right() at the last one.
 * trimblanks() removes trailing white space; skipblanks() skips leading.
 * printable() replaces bytes outside printable ASCII by '?' in place, for
 * logging untrusted text. alldig() is true for a non-empty all-digit string.
 * parse_long() parses a decimal number with optional sign, rejecting empty
 * input, garbage and overflow (returns 0 on success, -1 on error).
 */
#ifndef STRINGOPS_H
#define STRINGOPS_H

#include "sys_defs.h"
#include "vstring.h"

extern char *mystrtok(char **bufp, const char *delims);
extern char *mystrtokq(char **bufp, const char *delims);
extern char *split_at(char *str, int delim);
extern char *split_at_right(char *str, int delim);
extern char *trimblanks(char *str);
extern char *skipblanks(const char *str);
extern char *lowercase(char *str);
extern char *uppercase(char *str);
extern char *printable(char *str, int replacement);
extern int alldig(const char *str);
extern int allascii(const char *str);
extern int parse_long(const char *str, long *result);
extern char *concatenate(const char *first, ...); /* NULL-terminated; caller frees */
extern int strcasecmp_prefix(const char *str, const char *prefix); /* 0 if str starts with prefix */

#endif
