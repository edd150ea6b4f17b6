/*
 * record - typed, length-prefixed records on a VSTREAM (see record.h).
 *
 * A record is one type byte (one of the REC_TYPE_* codes in rec_type.h),
 * the data length as a base-128 varint (low seven bits first, the high bit
 * set on every byte but the last, at most REC_LEN_BYTES bytes, always
 * written in the shortest form), then the data bytes. The data may hold any
 * byte; rec_get() NUL-terminates the buffer for the convenience of callers
 * that store text.
 *
 * Writing: rec_put(), rec_fputs() and rec_fprintf() buffer one record and
 * return its type, or REC_TYPE_ERROR when the stream is in error (a write
 * error may only show at the caller's flush). Writing an unknown type or a
 * negative length is a programming error (panic).
 *
 * Reading: rec_get() returns the record type, REC_TYPE_EOF at a clean end
 * of input (between records), or REC_TYPE_ERROR with a warning that names
 * the stream for: a read error or timeout, an unknown type byte, a bad or
 * over-long length field, a record longer than maxlen (maxlen <= 0: no
 * limit), and input that ends inside a record. Data arrive in chunks, so a
 * forged length field cannot make us allocate more than was really sent.
 *
 * Rewriting in place: rec_put_type() overwrites the type byte of the
 * record at an offset (RCPT -> DONE); rec_put_at() overwrites a whole
 * record with one of the same data length (the fixed-width SIZE record).
 * Both check that a record of the right shape is there, flush, write,
 * flush again and put the stream back where it was; the stream must be
 * open for reading and writing and seekable. They return the type written
 * or REC_TYPE_ERROR (with a warning).
 */
#include "sys_defs.h"
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "record.h"

#define REC_LEN_BYTES 5 /* longest varint */
#define REC_LEN_MAX POSTERN_INT_MAX

/* rec_len_encode - encode a length as a varint; returns the byte count */
static int
rec_len_encode(unsigned char *out, ssize_t len)
{
    int n = 0;

    do {
        out[n] = (unsigned char)(len & 0x7f);
        len >>= 7;
        if (len)
            out[n] |= 0x80;
        n++;
    } while (len);
    return n;
}

/* rec_put - write one record */
int
rec_put(VSTREAM *stream, int type, const char *data, ssize_t len)
{
    unsigned char hdr[1 + REC_LEN_BYTES];
    int hlen;

    if (!rec_type_ok(type))
        msg_panic("rec_put: unknown record type %d", type);
    if (len < 0 || len > REC_LEN_MAX)
        msg_panic("rec_put: bad record length %ld", (long)len);
    hdr[0] = (unsigned char)type;
    hlen = 1 + rec_len_encode(hdr + 1, len);
    vstream_fwrite(stream, hdr, hlen);
    if (len > 0)
        vstream_fwrite(stream, data, len);
    return vstream_ferror(stream) ? REC_TYPE_ERROR : type;
}

/* rec_fputs - write a record that holds a string */
int
rec_fputs(VSTREAM *stream, int type, const char *str)
{
    return rec_put(stream, type, str, str ? (ssize_t)strlen(str) : 0);
}

/* rec_fprintf - write a record with formatted data */
int
rec_fprintf(VSTREAM *stream, int type, const char *fmt, ...)
{
    static VSTRING *buf;
    va_list ap;

    if (buf == 0)
        buf = vstring_alloc(100);
    va_start(ap, fmt);
    vstring_vsprintf(buf, fmt, ap);
    va_end(ap);
    return rec_put(stream, type, STR(buf), LEN(buf));
}

/* rec_read_problem - log why reading a record failed */
static int
rec_read_problem(VSTREAM *stream, const char *what)
{
    if (vstream_ftimeout(stream))
        msg_warn("%s: timeout while reading %s", vstream_name(stream), what);
    else if (vstream_ferror(stream))
        msg_warn("%s: read error while reading %s: %m", vstream_name(stream), what);
    else
        msg_warn("%s: unexpected end of input in %s (truncated record)", vstream_name(stream),
                 what);
    return REC_TYPE_ERROR;
}

/* rec_get_len - read and check a varint length; the number of bytes used */
static int
rec_get_len(VSTREAM *stream, ssize_t *lenp)
{
    long len = 0;
    int ch;
    int n;

    for (n = 0; n < REC_LEN_BYTES; n++) {
        if ((ch = vstream_getc(stream)) == VSTREAM_EOF) {
            rec_read_problem(stream, "record length");
            return -1;
        }
        len |= (long)(ch & 0x7f) << (7 * n);
        if ((ch & 0x80) == 0)
            break;
    }
    if (n == REC_LEN_BYTES || len > REC_LEN_MAX) {
        msg_warn("%s: bad record length field", vstream_name(stream));
        return -1;
    }
    *lenp = (ssize_t)len;
    return n + 1;
}

/* rec_get_data - read len bytes of record data into buf */
static int
rec_get_data(VSTREAM *stream, VSTRING *buf, ssize_t len)
{
    char chunk[4096];
    ssize_t want;
    ssize_t got;

    vstring_reset(buf);
    while (LEN(buf) < len) {
        want = len - LEN(buf);
        if (want > (ssize_t)sizeof(chunk))
            want = sizeof(chunk);
        if ((got = vstream_fread(stream, chunk, want)) <= 0)
            return rec_read_problem(stream, "record data");
        vstring_memcat(buf, chunk, got);
    }
    return 0;
}

/* rec_get - read one record */
int
rec_get(VSTREAM *stream, VSTRING *buf, ssize_t maxlen)
{
    int type;
    ssize_t len;

    vstring_reset(buf);
    if ((type = vstream_getc(stream)) == VSTREAM_EOF) {
        if (vstream_ferror(stream))
            return rec_read_problem(stream, "record type");
        return REC_TYPE_EOF;
    }
    if (!rec_type_ok(type)) {
        msg_warn("%s: unknown record type 0x%02x", vstream_name(stream), type);
        return REC_TYPE_ERROR;
    }
    if (rec_get_len(stream, &len) < 0)
        return REC_TYPE_ERROR;
    if (maxlen > 0 && len > maxlen) {
        msg_warn("%s: %s record of %ld bytes exceeds the limit of %ld", vstream_name(stream),
                 rec_type_name(type), (long)len, (long)maxlen);
        return REC_TYPE_ERROR;
    }
    if (rec_get_data(stream, buf, len) < 0)
        return REC_TYPE_ERROR;
    return type;
}

/* rec_seek - flush, remember the position and go to offset */
static int
rec_seek(VSTREAM *stream, off_t offset, off_t *saved)
{
    if (vstream_fflush(stream) == VSTREAM_EOF) {
        msg_warn("%s: write error: %m", vstream_name(stream));
        return -1;
    }
    if ((*saved = vstream_ftell(stream)) < 0 || vstream_fseek(stream, offset, SEEK_SET) < 0) {
        msg_warn("%s: seek error: %m", vstream_name(stream));
        return -1;
    }
    return 0;
}

/* rec_restore - flush what was rewritten and go back to the saved place */
static int
rec_restore(VSTREAM *stream, off_t saved, int type)
{
    if (vstream_fflush(stream) == VSTREAM_EOF) {
        msg_warn("%s: write error: %m", vstream_name(stream));
        return REC_TYPE_ERROR;
    }
    if (vstream_fseek(stream, saved, SEEK_SET) < 0) {
        msg_warn("%s: seek error: %m", vstream_name(stream));
        return REC_TYPE_ERROR;
    }
    return type;
}

/* rec_check_at - is there a known record at offset? returns its data length */
static ssize_t
rec_check_at(VSTREAM *stream, off_t offset, int *hlen)
{
    int old;
    ssize_t len;
    int n;

    if ((old = vstream_getc(stream)) == VSTREAM_EOF || !rec_type_ok(old)) {
        msg_warn("%s: no record at offset %ld", vstream_name(stream), (long)offset);
        return -1;
    }
    if ((n = rec_get_len(stream, &len)) < 0)
        return -1;
    *hlen = 1 + n;
    if (vstream_fseek(stream, offset, SEEK_SET) < 0) {
        msg_warn("%s: seek error: %m", vstream_name(stream));
        return -1;
    }
    return len;
}

/* rec_put_type - overwrite the type byte of the record at offset */
int
rec_put_type(VSTREAM *stream, int type, off_t offset)
{
    off_t saved;
    int hlen;

    if (!rec_type_ok(type))
        msg_panic("rec_put_type: unknown record type %d", type);
    if (offset < 0)
        msg_panic("rec_put_type: bad offset %ld", (long)offset);
    if (rec_seek(stream, offset, &saved) < 0)
        return REC_TYPE_ERROR;
    if (rec_check_at(stream, offset, &hlen) < 0) {
        (void)rec_restore(stream, saved, type);
        return REC_TYPE_ERROR;
    }
    vstream_putc(type, stream);
    return rec_restore(stream, saved, type);
}

/* rec_put_at - overwrite the record at offset with one of equal length */
int
rec_put_at(VSTREAM *stream, off_t offset, int type, const char *data, ssize_t len)
{
    unsigned char enc[REC_LEN_BYTES];
    off_t saved;
    ssize_t old_len;
    int hlen;

    if (offset < 0)
        msg_panic("rec_put_at: bad offset %ld", (long)offset);
    if (rec_seek(stream, offset, &saved) < 0)
        return REC_TYPE_ERROR;
    if ((old_len = rec_check_at(stream, offset, &hlen)) < 0) {
        (void)rec_restore(stream, saved, type);
        return REC_TYPE_ERROR;
    }
    if (old_len != len || hlen != 1 + rec_len_encode(enc, len)) {
        msg_warn("%s: record at offset %ld has length %ld, not %ld", vstream_name(stream),
                 (long)offset, (long)old_len, (long)len);
        (void)rec_restore(stream, saved, type);
        return REC_TYPE_ERROR;
    }
    if (rec_put(stream, type, data, len) == REC_TYPE_ERROR) {
        (void)rec_restore(stream, saved, type);
        return REC_TYPE_ERROR;
    }
    return rec_restore(stream, saved, type);
}
