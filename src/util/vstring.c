/*
 * vstring - growable, length-counted, binary-safe string buffers.
 *
 * Usage: vp = vstring_alloc(initial); fill it with vstring_strcpy(),
 * vstring_memcat(), vstring_sprintf() and so on; read it with vstring_str()
 * and vstring_len(); release it with vstring_free(). Every operation leaves
 * data[len] == 0, so the content can be handed to C string functions when
 * it holds no NUL bytes. The size field never counts the byte reserved for
 * that terminator. Functions that modify a buffer return it, so calls nest.
 *
 * Memory ownership: the VSTRING owns its data until vstring_export(), which
 * gives the data (a mymalloc'ed string) to the caller and frees the rest.
 * Pointers into the data become invalid after any call that may grow it.
 *
 * Diagnostics: allocation failure is fatal (mymalloc); negative lengths and
 * sizes that would overflow are broken invariants and cause msg_panic.
 */
#include "sys_defs.h"

#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#define VSTRING_MAX_SIZE ((ssize_t)(((size_t)-1) >> 2))

/* vstring_alloc - create an empty buffer with room for size bytes */
VSTRING *
vstring_alloc(ssize_t size)
{
    VSTRING *vp;

    if (size < 1)
        size = 1;
    if (size > VSTRING_MAX_SIZE)
        msg_panic("vstring_alloc: bad size %ld", (long)size);
    vp = (VSTRING *)mymalloc(sizeof(*vp));
    vp->data = (char *)mymalloc((size_t)size + 1);
    vp->size = size;
    vp->len = 0;
    vp->data[0] = 0;
    return (vp);
}

/* vstring_free - release a buffer and its data */
void
vstring_free(VSTRING *vp)
{
    if (vp == NULL)
        return;
    myfree(vp->data);
    myfree(vp);
}

/* vstring_export - hand the data to the caller and free the container */
char *
vstring_export(VSTRING *vp)
{
    char *data = vp->data;

    myfree(vp);
    return (data);
}

/* vstring_space - make sure that at least more bytes fit after len */
void
vstring_space(VSTRING *vp, ssize_t more)
{
    ssize_t need;
    ssize_t new_size;

    if (more < 0 || more > VSTRING_MAX_SIZE - vp->len)
        msg_panic("vstring_space: bad length %ld", (long)more);
    need = vp->len + more;
    if (need <= vp->size)
        return;
    new_size = vp->size < VSTRING_MAX_SIZE / 2 ? vp->size * 2 : VSTRING_MAX_SIZE;
    if (new_size < need)
        new_size = need;
    vp->data = (char *)myrealloc(vp->data, (size_t)new_size + 1);
    vp->size = new_size;
}

/* vstring_reset - make the buffer empty */
VSTRING *
vstring_reset(VSTRING *vp)
{
    vp->len = 0;
    vp->data[0] = 0;
    return (vp);
}

/* vstring_truncate - shorten the content to at most len bytes */
VSTRING *
vstring_truncate(VSTRING *vp, ssize_t len)
{
    if (len < 0)
        len = 0;
    if (len < vp->len) {
        vp->len = len;
        vp->data[len] = 0;
    }
    return (vp);
}

/* vstring_addch - append one byte (NUL allowed) */
VSTRING *
vstring_addch(VSTRING *vp, int ch)
{
    if (vp->len >= vp->size)
        vstring_space(vp, 1);
    vp->data[vp->len++] = (char)ch;
    vp->data[vp->len] = 0;
    return (vp);
}

/* vstring_memcat - append len bytes of arbitrary data */
VSTRING *
vstring_memcat(VSTRING *vp, const void *src, ssize_t len)
{
    const char *from = (const char *)src;

    if (len < 0)
        msg_panic("vstring_memcat: bad length %ld", (long)len);
    /* The source may live inside our own buffer, which may move. */
    if (from >= vp->data && from <= vp->data + vp->size) {
        ssize_t offset = from - vp->data;

        vstring_space(vp, len);
        src = vp->data + offset;
    } else {
        vstring_space(vp, len);
    }
    if (len > 0)
        memmove(vp->data + vp->len, src, (size_t)len);
    vp->len += len;
    vp->data[vp->len] = 0;
    return (vp);
}

/* vstring_memcpy - replace the content with len bytes */
VSTRING *
vstring_memcpy(VSTRING *vp, const void *src, ssize_t len)
{
    vp->len = 0;
    return (vstring_memcat(vp, src, len));
}

/* vstring_strcat - append a C string */
VSTRING *
vstring_strcat(VSTRING *vp, const char *src)
{
    return (vstring_memcat(vp, src, (ssize_t)strlen(src)));
}

/* vstring_strcpy - replace the content with a C string */
VSTRING *
vstring_strcpy(VSTRING *vp, const char *src)
{
    vp->len = 0;
    return (vstring_strcat(vp, src));
}

/* vstring_strncat - append at most len bytes of a C string */
VSTRING *
vstring_strncat(VSTRING *vp, const char *src, ssize_t len)
{
    const char *end;

    if (len < 0)
        len = 0;
    if ((end = memchr(src, 0, (size_t)len)) != NULL)
        len = end - src;
    return (vstring_memcat(vp, src, len));
}

/* vstring_strncpy - replace the content with at most len bytes of a string */
VSTRING *
vstring_strncpy(VSTRING *vp, const char *src, ssize_t len)
{
    vp->len = 0;
    return (vstring_strncat(vp, src, len));
}

/* vstring_vsprintf_append - append formatted text */
VSTRING *
vstring_vsprintf_append(VSTRING *vp, const char *fmt, va_list ap)
{
    va_list ap2;
    int count;

    va_copy(ap2, ap);
    count = vsnprintf(vp->data + vp->len, (size_t)(vp->size - vp->len) + 1, fmt, ap2);
    va_end(ap2);
    if (count < 0) {
        /* Encoding error: keep what was there. */
        vp->data[vp->len] = 0;
        return (vp);
    }
    if (count > vp->size - vp->len) {
        vstring_space(vp, count);
        va_copy(ap2, ap);
        count = vsnprintf(vp->data + vp->len, (size_t)(vp->size - vp->len) + 1, fmt, ap2);
        va_end(ap2);
        if (count < 0) {
            vp->data[vp->len] = 0;
            return (vp);
        }
    }
    vp->len += count;
    return (vp);
}

/* vstring_vsprintf - replace the content with formatted text */
VSTRING *
vstring_vsprintf(VSTRING *vp, const char *fmt, va_list ap)
{
    vp->len = 0;
    vp->data[0] = 0;
    return (vstring_vsprintf_append(vp, fmt, ap));
}

/* vstring_sprintf - replace the content with formatted text */
VSTRING *
vstring_sprintf(VSTRING *vp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vstring_vsprintf(vp, fmt, ap);
    va_end(ap);
    return (vp);
}

/* vstring_sprintf_append - append formatted text */
VSTRING *
vstring_sprintf_append(VSTRING *vp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vstring_vsprintf_append(vp, fmt, ap);
    va_end(ap);
    return (vp);
}

/* vstring_erase - remove len bytes at offset, clamped to the content */
VSTRING *
vstring_erase(VSTRING *vp, ssize_t offset, ssize_t len)
{
    if (offset < 0)
        offset = 0;
    if (offset >= vp->len || len <= 0)
        return (vp);
    if (len > vp->len - offset)
        len = vp->len - offset;
    memmove(vp->data + offset, vp->data + offset + len, (size_t)(vp->len - offset - len));
    vp->len -= len;
    vp->data[vp->len] = 0;
    return (vp);
}
