/*
 * vstring - growable, length-counted, binary-safe string buffers.
 *
 * A VSTRING keeps its data NUL-terminated after every operation, so
 * vstring_str() can be passed to C string functions when the content holds
 * no NUL bytes. Memory grows as needed (allocation failure is fatal);
 * limits on untrusted input are enforced by the readers that fill a buffer
 * (vstream_get_line and friends take a maximum length), not here.
 *
 * vstring_export() hands the data to the caller and frees the VSTRING.
 */
#ifndef VSTRING_H
#define VSTRING_H

#include "sys_defs.h"

typedef struct VSTRING {
    char *data;
    ssize_t len;  /* bytes in use, excluding the terminating NUL */
    ssize_t size; /* bytes allocated, excluding room for the NUL */
} VSTRING;

#define vstring_str(vp) ((vp)->data)
#define vstring_len(vp) ((vp)->len)
#define vstring_end(vp) ((vp)->data + (vp)->len)
#define STR(vp) vstring_str(vp)
#define LEN(vp) vstring_len(vp)

extern VSTRING *vstring_alloc(ssize_t size);
extern void vstring_free(VSTRING *vp);
extern char *vstring_export(VSTRING *vp);
extern void vstring_space(VSTRING *vp, ssize_t more);
extern VSTRING *vstring_reset(VSTRING *vp);
extern VSTRING *vstring_truncate(VSTRING *vp, ssize_t len);
extern VSTRING *vstring_addch(VSTRING *vp, int ch);
extern VSTRING *vstring_strcpy(VSTRING *vp, const char *src);
extern VSTRING *vstring_strncpy(VSTRING *vp, const char *src, ssize_t len);
extern VSTRING *vstring_strcat(VSTRING *vp, const char *src);
extern VSTRING *vstring_strncat(VSTRING *vp, const char *src, ssize_t len);
extern VSTRING *vstring_memcpy(VSTRING *vp, const void *src, ssize_t len);
extern VSTRING *vstring_memcat(VSTRING *vp, const void *src, ssize_t len);
extern VSTRING *vstring_sprintf(VSTRING *vp, const char *fmt, ...) PRINTFLIKE(2, 3);
extern VSTRING *vstring_sprintf_append(VSTRING *vp, const char *fmt, ...) PRINTFLIKE(2, 3);
extern VSTRING *vstring_vsprintf(VSTRING *vp, const char *fmt, va_list ap);
extern VSTRING *vstring_vsprintf_append(VSTRING *vp, const char *fmt, va_list ap);
/* Remove len bytes starting at offset (clamped to the content). */
extern VSTRING *vstring_erase(VSTRING *vp, ssize_t offset, ssize_t len);

#endif
