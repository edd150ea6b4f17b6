/*
 * stringops - small string utilities.
 *
 * Usage:
 *   mystrtok(&cp, " \t")    next token, or NULL; modifies the buffer.
 *   mystrtokq(&cp, " \t")   the same, but delimiters inside "double quotes"
 *                           (with backslash escapes) or inside balanced
 *                           (parentheses) do not split; the quotes and
 *                           parentheses stay in the token.
 *   split_at(s, '=')        cut at the first '='; returns the rest or NULL.
 *   split_at_right(s, '@')  cut at the last '@'.
 *   trimblanks(s)           remove trailing white space in place; returns s.
 *   skipblanks(s)           pointer to the first non-blank byte.
 *   lowercase/uppercase(s)  in place (ASCII); return s.
 *   printable(s, '?')       replace bytes outside 0x20..0x7e in place.
 *   alldig(s), allascii(s)  non-empty and all digits / all 7-bit bytes.
 *   parse_long(s, &val)     strict decimal: optional sign then digits, no
 *                           blanks, no trailing garbage, no overflow;
 *                           0 on success, -1 (val untouched) on error.
 *   concatenate(a, b, ..., (char *) 0)   newly allocated joined string.
 *   strcasecmp_prefix(s, p) 0 when s starts with p, ignoring ASCII case.
 *
 * Memory ownership: only concatenate() allocates; its result belongs to the
 * caller (myfree). All other functions work on the caller's buffer.
 *
 * Diagnostics: none; bad input is reported through return values.
 */
#include "sys_defs.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mymalloc.h"
#include "stringops.h"

/* mystrtok - next token separated by any of delims */
char *
mystrtok(char **bufp, const char *delims)
{
    char *start = *bufp + strspn(*bufp, delims);
    char *end;

    if (*start == 0) {
        *bufp = start;
        return (NULL);
    }
    end = start + strcspn(start, delims);
    if (*end != 0)
        *end++ = 0;
    *bufp = end;
    return (start);
}

/* mystrtokq - next token, not splitting inside quotes or parentheses */
char *
mystrtokq(char **bufp, const char *delims)
{
    char *start = *bufp + strspn(*bufp, delims);
    char *cp;
    int depth = 0;
    int quoted = 0;

    if (*start == 0) {
        *bufp = start;
        return (NULL);
    }
    for (cp = start; *cp; cp++) {
        if (quoted) {
            if (*cp == '\\' && cp[1] != 0)
                cp++;
            else if (*cp == '"')
                quoted = 0;
        } else if (*cp == '"') {
            quoted = 1;
        } else if (*cp == '(') {
            depth++;
        } else if (*cp == ')' && depth > 0) {
            depth--;
        } else if (depth == 0 && strchr(delims, *cp) != NULL) {
            break;
        }
    }
    if (*cp != 0)
        *cp++ = 0;
    *bufp = cp;
    return (start);
}

/* split_at - cut at the first delim; return what follows, or NULL */
char *
split_at(char *str, int delim)
{
    char *cp = strchr(str, delim);

    if (cp == NULL || delim == 0)
        return (NULL);
    *cp++ = 0;
    return (cp);
}

/* split_at_right - cut at the last delim; return what follows, or NULL */
char *
split_at_right(char *str, int delim)
{
    char *cp = strrchr(str, delim);

    if (cp == NULL || delim == 0)
        return (NULL);
    *cp++ = 0;
    return (cp);
}

/* trimblanks - remove trailing white space in place */
char *
trimblanks(char *str)
{
    size_t len = strlen(str);

    while (len > 0 && isspace((unsigned char)str[len - 1]))
        len--;
    str[len] = 0;
    return (str);
}

/* skipblanks - skip leading white space */
char *
skipblanks(const char *str)
{
    while (*str && isspace((unsigned char)*str))
        str++;
    return ((char *)str);
}

/* lowercase - map ASCII letters to lower case in place */
char *
lowercase(char *str)
{
    char *cp;

    for (cp = str; *cp; cp++)
        *cp = (char)tolower((unsigned char)*cp);
    return (str);
}

/* uppercase - map ASCII letters to upper case in place */
char *
uppercase(char *str)
{
    char *cp;

    for (cp = str; *cp; cp++)
        *cp = (char)toupper((unsigned char)*cp);
    return (str);
}

/* printable - replace non-printable bytes in place */
char *
printable(char *str, int replacement)
{
    unsigned char *cp;

    for (cp = (unsigned char *)str; *cp; cp++)
        if (*cp < 0x20 || *cp > 0x7e)
            *cp = (unsigned char)replacement;
    return (str);
}

/* alldig - true for a non-empty string of decimal digits */
int
alldig(const char *str)
{
    const char *cp;

    if (*str == 0)
        return (0);
    for (cp = str; *cp; cp++)
        if (*cp < '0' || *cp > '9')
            return (0);
    return (1);
}

/* allascii - true for a non-empty string of 7-bit bytes */
int
allascii(const char *str)
{
    const unsigned char *cp;

    if (*str == 0)
        return (0);
    for (cp = (const unsigned char *)str; *cp; cp++)
        if (*cp > 0x7f)
            return (0);
    return (1);
}

/* parse_long - strict decimal conversion */
int
parse_long(const char *str, long *result)
{
    const char *digits = str;
    char *end;
    long value;

    if (str == NULL)
        return (-1);
    if (*digits == '+' || *digits == '-')
        digits++;
    if (*digits < '0' || *digits > '9')
        return (-1);
    errno = 0;
    value = strtol(str, &end, 10);
    if (errno == ERANGE || *end != 0)
        return (-1);
    *result = value;
    return (0);
}

/* concatenate - join a NULL-terminated list of strings */
char *
concatenate(const char *first, ...)
{
    va_list ap;
    const char *str;
    size_t total = 0;
    size_t len;
    char *result;
    char *cp;

    va_start(ap, first);
    for (str = first; str != NULL; str = va_arg(ap, const char *))
        total += strlen(str);
    va_end(ap);
    cp = result = mymalloc(total + 1);
    va_start(ap, first);
    for (str = first; str != NULL; str = va_arg(ap, const char *)) {
        len = strlen(str);
        memcpy(cp, str, len);
        cp += len;
    }
    va_end(ap);
    *cp = 0;
    return (result);
}

/* strcasecmp_prefix - 0 when str begins with prefix, ignoring case */
int
strcasecmp_prefix(const char *str, const char *prefix)
{
    return (strncasecmp(str, prefix, strlen(prefix)));
}
