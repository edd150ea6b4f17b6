/*
 * record - typed, length-prefixed records on a VSTREAM.
 *
 * On disk and on the wire a record is: one type byte, the data length as a
 * base-128 varint (low 7 bits first, high bit set on every byte but the
 * last, at most 5 bytes), then the data. rec_put() writes one record and
 * returns its type, or REC_TYPE_ERROR on a write error. rec_get() reads one
 * record into buf and returns its type, REC_TYPE_EOF at a clean end of
 * input, or REC_TYPE_ERROR on a short read, a bad length, an unknown type
 * byte (when not allowed) or a record longer than maxlen (maxlen <= 0: no
 * limit); errors are logged with the stream name.
 *
 * rec_put_at() rewrites a record's type byte or fixed-width data in place
 * at a known offset (marking a recipient done, updating SIZE).
 */
#ifndef RECORD_H
#define RECORD_H

#include "sys_defs.h"
#include "vstream.h"
#include "vstring.h"
#include "rec_type.h"

extern int rec_put(VSTREAM *stream, int type, const char *data, ssize_t len);
extern int rec_fputs(VSTREAM *stream, int type, const char *str);
extern int rec_fprintf(VSTREAM *stream, int type, const char *fmt, ...) PRINTFLIKE(3, 4);
extern int rec_get(VSTREAM *stream, VSTRING *buf, ssize_t maxlen);
/* Overwrite the type byte of the record that starts at offset. */
extern int rec_put_type(VSTREAM *stream, int type, off_t offset);
/* Overwrite the record at offset with a record of equal length. */
extern int rec_put_at(VSTREAM *stream, off_t offset, int type, const char *data, ssize_t len);

#endif
