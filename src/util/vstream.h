/*
 * vstream - buffered streams over file descriptors, with timeouts.
 *
 * A VSTREAM buffers reads and writes on one descriptor. Errors are sticky:
 * after a failed read or write the stream stays in error (vstream_ferror),
 * further writes are discarded, and the caller checks once at fflush or
 * fclose (both return VSTREAM_EOF on any error seen so far). A timeout set
 * with vstream_set_timeout() bounds every read and write (poll before the
 * system call); on expiry the stream is flagged with both error and timeout.
 * Network and IPC streams must have a timeout.
 *
 * Switching between reading and writing is allowed: a write discards
 * unread buffered input (seeking the descriptor back for seekable files),
 * and a read first flushes pending output.
 *
 * vstream_get_line() reads up to and including '\n', but at most maxlen
 * bytes (maxlen <= 0: no limit); it returns the last character stored, or
 * VSTREAM_EOF when nothing was read. vstream_get_nul() reads up to a NUL
 * (not stored). Both reset the buffer first; the _append forms do not.
 *
 * vstream_fclose() flushes, closes the descriptor and frees the stream;
 * vstream_fdclose() does the same but leaves the descriptor open.
 */
#ifndef VSTREAM_H
#define VSTREAM_H

#include "sys_defs.h"
#include "vstring.h"

#include <fcntl.h>

#define VSTREAM_EOF (-1)
#define VSTREAM_BUFSIZE 65536

typedef struct VSTREAM VSTREAM;

extern VSTREAM *vstream_in;
extern VSTREAM *vstream_out;
extern VSTREAM *vstream_err;

extern VSTREAM *vstream_fdopen(int fd, int flags);
extern VSTREAM *vstream_fopen(const char *path, int flags, mode_t mode);
extern int vstream_fclose(VSTREAM *stream);
extern int vstream_fdclose(VSTREAM *stream);
extern int vstream_fileno(VSTREAM *stream);
extern void vstream_set_timeout(VSTREAM *stream, int seconds);
extern int vstream_timeout(VSTREAM *stream);
/* Name used in diagnostics (a path, "stdin", "private/cleanup"). */
extern void vstream_set_name(VSTREAM *stream, const char *name);
extern const char *vstream_name(VSTREAM *stream);

extern int vstream_getc(VSTREAM *stream);
extern int vstream_ungetc(VSTREAM *stream, int ch);
extern int vstream_peek(VSTREAM *stream); /* bytes buffered for reading */
extern ssize_t vstream_fread(VSTREAM *stream, void *buf, size_t len);
extern ssize_t vstream_fwrite(VSTREAM *stream, const void *buf, size_t len);
extern int vstream_putc(int ch, VSTREAM *stream);
extern int vstream_fputs(const char *str, VSTREAM *stream);
extern int vstream_fprintf(VSTREAM *stream, const char *fmt, ...) PRINTFLIKE(2, 3);
extern int vstream_vfprintf(VSTREAM *stream, const char *fmt, va_list ap);
extern int vstream_fflush(VSTREAM *stream);
/* Flush, then fsync(2) the descriptor. */
extern int vstream_fsync(VSTREAM *stream);

extern int vstream_get_line(VSTREAM *stream, VSTRING *vp, ssize_t maxlen);
extern int vstream_get_line_append(VSTREAM *stream, VSTRING *vp, ssize_t maxlen);
extern int vstream_get_nul(VSTREAM *stream, VSTRING *vp, ssize_t maxlen);

extern off_t vstream_fseek(VSTREAM *stream, off_t offset, int whence);
extern off_t vstream_ftell(VSTREAM *stream);

extern int vstream_ferror(VSTREAM *stream);
extern int vstream_feof(VSTREAM *stream);
extern int vstream_ftimeout(VSTREAM *stream);
extern void vstream_clearerr(VSTREAM *stream);

#endif
