/*
 * argv - growable, NULL-terminated arrays of strings.
 *
 * Usage: argvp = argv_alloc(hint); argv_add(argvp, "a", "b", (char *) 0);
 * then use argvp->argv[0 .. argc-1], with argvp->argv[argc] == NULL at all
 * times, so the array can be passed to execv(). argv_split("a, b", ", ")
 * builds an array from a string, dropping empty fields.
 *
 * Memory ownership: the array holds private copies of all strings;
 * argv_truncate() and argv_free() release them. Callers must not free
 * individual elements, but may replace one after freeing it with myfree.
 *
 * Diagnostics: a negative truncation length is a broken invariant
 * (msg_panic); allocation failure is fatal.
 */
#include "sys_defs.h"

#include <string.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"

/* argv_alloc - create an empty array with room for len strings */
ARGV *
argv_alloc(ssize_t len)
{
    ARGV *argvp = (ARGV *)mymalloc(sizeof(*argvp));

    if (len < 1)
        len = 1;
    argvp->len = len;
    argvp->argc = 0;
    argvp->argv = (char **)mycalloc((size_t)len + 1, sizeof(char *));
    return (argvp);
}

/* argv_free - release the array and every string */
void
argv_free(ARGV *argvp)
{
    ssize_t i;

    if (argvp == NULL)
        return;
    for (i = 0; i < argvp->argc; i++)
        myfree(argvp->argv[i]);
    myfree(argvp->argv);
    myfree(argvp);
}

/* argv_grow - make room for one more string plus the terminator */
static void
argv_grow(ARGV *argvp)
{
    if (argvp->argc < argvp->len)
        return;
    argvp->len *= 2;
    argvp->argv = (char **)myrealloc(argvp->argv, ((size_t)argvp->len + 1) * sizeof(char *));
}

/* argv_store - append a string that is already owned by the array */
static void
argv_store(ARGV *argvp, char *str)
{
    argv_grow(argvp);
    argvp->argv[argvp->argc++] = str;
    argvp->argv[argvp->argc] = NULL;
}

/* argv_add - append copies of a NULL-terminated list of strings */
void
argv_add(ARGV *argvp, ...)
{
    va_list ap;
    const char *str;

    va_start(ap, argvp);
    while ((str = va_arg(ap, const char *)) != NULL)
        argv_store(argvp, mystrdup(str));
    va_end(ap);
}

/* argv_addn - append a copy of at most len bytes of str */
void
argv_addn(ARGV *argvp, const char *str, ssize_t len)
{
    if (len < 0)
        msg_panic("argv_addn: bad length %ld", (long)len);
    argv_store(argvp, mystrndup(str, (size_t)len));
}

/* argv_truncate - drop the strings from position len onwards */
void
argv_truncate(ARGV *argvp, ssize_t len)
{
    ssize_t i;

    if (len < 0)
        msg_panic("argv_truncate: bad length %ld", (long)len);
    for (i = len; i < argvp->argc; i++)
        myfree(argvp->argv[i]);
    if (len < argvp->argc) {
        argvp->argc = len;
        argvp->argv[len] = NULL;
    }
}

/* argv_split_append - append the non-empty fields of str */
ARGV *
argv_split_append(ARGV *argvp, const char *str, const char *delim)
{
    size_t len;

    for (;;) {
        str += strspn(str, delim);
        if (*str == 0)
            break;
        len = strcspn(str, delim);
        argv_store(argvp, mystrndup(str, len));
        str += len;
    }
    return (argvp);
}

/* argv_split - build an array from the non-empty fields of str */
ARGV *
argv_split(const char *str, const char *delim)
{
    return (argv_split_append(argv_alloc(1), str, delim));
}
