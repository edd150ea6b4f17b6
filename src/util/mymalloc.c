/*
 * mymalloc - allocation wrappers that never hand back NULL.
 *
 * Usage: call mymalloc(), mycalloc(), myrealloc() and friends exactly like
 * their libc counterparts; the result is always a valid pointer. A zero
 * length request still returns a unique, freeable pointer (one byte is
 * allocated), so callers need no special case for empty data.
 *
 * Memory ownership: the caller owns every returned block and releases it
 * with myfree(), which accepts NULL.
 *
 * Diagnostics: when the system refuses memory, or a size is beyond
 * PTRDIFF_MAX (including a count * size product in mycalloc), the process
 * ends with msg_fatal("out of memory"). The msg module formats that text
 * without allocating, so the report cannot loop back here.
 */
#include "sys_defs.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "mymalloc.h"

/* No object may be larger than pointer arithmetic can span. */
#define MYMALLOC_MAX ((size_t)PTRDIFF_MAX)

/* mymalloc_fail - report exhaustion and terminate */
static NORETURN
mymalloc_fail(void)
{
    msg_fatal("out of memory");
}

/* mymalloc - allocate len bytes or die */
void *
mymalloc(size_t len)
{
    void *ptr;

    if (len > MYMALLOC_MAX)
        mymalloc_fail();
    if ((ptr = malloc(len ? len : 1)) == NULL)
        mymalloc_fail();
    return (ptr);
}

/* mycalloc - allocate a zeroed array, refusing multiplication overflow */
void *
mycalloc(size_t count, size_t len)
{
    void *ptr;

    if (count != 0 && len > MYMALLOC_MAX / count)
        mymalloc_fail();
    if (count == 0 || len == 0)
        count = len = 1;
    if ((ptr = calloc(count, len)) == NULL)
        mymalloc_fail();
    return (ptr);
}

/* myrealloc - resize a block (NULL ptr behaves like mymalloc) */
void *
myrealloc(void *ptr, size_t len)
{
    void *result;

    if (len > MYMALLOC_MAX)
        mymalloc_fail();
    if ((result = realloc(ptr, len ? len : 1)) == NULL)
        mymalloc_fail();
    return (result);
}

/* myfree - release a block; NULL is ignored */
void
myfree(void *ptr)
{
    free(ptr);
}

/* mystrdup - copy a NUL-terminated string */
char *
mystrdup(const char *str)
{
    size_t len = strlen(str);

    return (mymemdup(str, len + 1));
}

/* mystrndup - copy at most len bytes of a string, always terminated */
char *
mystrndup(const char *str, size_t len)
{
    const char *end = memchr(str, 0, len);
    char *result;

    if (end != NULL)
        len = (size_t)(end - str);
    if (len == SIZE_MAX)
        mymalloc_fail();
    result = mymalloc(len + 1);
    memcpy(result, str, len);
    result[len] = 0;
    return (result);
}

/* mymemdup - copy len bytes of arbitrary data */
void *
mymemdup(const void *ptr, size_t len)
{
    void *result = mymalloc(len);

    if (len > 0)
        memcpy(result, ptr, len);
    return (result);
}
