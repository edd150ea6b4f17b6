/*
 * attr - the attribute-list codec that postern processes use over UNIX
 * sockets (see attr.h for the interface contract).
 *
 * Wire form: each attribute is its name, a NUL byte, its value and a NUL
 * byte; a list ends with one extra NUL byte (an empty name). Integers and
 * longs travel as decimal text. Nothing native crosses the wire.
 *
 * Writing: attr_print()/attr_vprint() take (type, name, value) triples
 * ended by ATTR_TYPE_END and buffer the list on the stream; the caller
 * flushes. With ATTR_FLAG_MORE the list terminator is not written, so the
 * caller can append more attributes with another call. A malformed name
 * is a programming error (panic); a value longer than ATTR_VALUE_MAX is
 * refused with a warning and -1. The return value is 0, or -1 when the
 * stream is in error.
 *
 * Reading: attr_scan()/attr_vscan() take (type, name, destination)
 * triples ended by ATTR_TYPE_END and expect the attributes in that order.
 * Without ATTR_FLAG_STRICT an unexpected attribute is skipped and a missing
 * one simply ends the scan (the count tells what was stored); with it both
 * are errors. After all expected attributes were read, the list
 * terminator is consumed (STRICT: it must come next) unless ATTR_FLAG_MORE
 * says that the caller will read more of the same list. INT and LONG
 * values must be plain decimal numbers in range. Every error (I/O,
 * timeout, malformed or oversized input) is logged as a warning that names
 * the stream, and the call returns -1. A clean end of input before the
 * first byte of a list also returns -1, but without a warning: that is a
 * peer that hung up between requests.
 *
 * attr_scan_table() reads one whole list into a new HTABLE whose values
 * are mystrdup()ed strings; the caller frees it with
 * htable_free(table, myfree). Duplicate names, more than ATTR_TABLE_MAX
 * attributes, and the errors above give NULL.
 *
 * Memory: the caller owns every VSTRING that it passes; attr_* keeps no
 * state between calls.
 */
#include "sys_defs.h"
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "attr.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Outcome of reading one NUL-terminated field. */
#define ATTR_FIELD_OK 0
#define ATTR_FIELD_EOF 1 /* clean end of input before the first byte */
#define ATTR_FIELD_ERR 2 /* I/O error, truncation, or too long (warned) */

/* attr_name_ok - does the name have the allowed shape? */
static int
attr_name_ok(const char *name)
{
    const char *cp;

    if (*name == 0 || strlen(name) > ATTR_NAME_MAX)
        return 0;
    for (cp = name; *cp; cp++)
        if (!((*cp >= 'a' && *cp <= 'z') || (*cp >= '0' && *cp <= '9') || *cp == '_'))
            return 0;
    return 1;
}

/* attr_print_one - buffer one name/value pair */
static int
attr_print_one(VSTREAM *stream, const char *name, const char *value)
{
    size_t len = strlen(value);

    if (!attr_name_ok(name))
        msg_panic("attr_print: bad attribute name \"%.100s\"", name);
    if (len > ATTR_VALUE_MAX) {
        msg_warn("%s: attribute %s: value of %lu bytes exceeds the limit of %d",
                 vstream_name(stream), name, (unsigned long)len, ATTR_VALUE_MAX);
        return -1;
    }
    vstream_fwrite(stream, name, strlen(name) + 1);
    vstream_fwrite(stream, value, len + 1);
    return 0;
}

/* attr_vprint - write an attribute list from a va_list */
int
attr_vprint(VSTREAM *stream, int flags, va_list ap)
{
    int type;
    const char *name;
    char numbuf[32];
    int ret = 0;

    while ((type = va_arg(ap, int)) != ATTR_TYPE_END) {
        name = va_arg(ap, const char *);
        switch (type) {
        case ATTR_TYPE_INT:
            snprintf(numbuf, sizeof(numbuf), "%d", va_arg(ap, int));
            ret |= attr_print_one(stream, name, numbuf);
            break;
        case ATTR_TYPE_LONG:
            snprintf(numbuf, sizeof(numbuf), "%ld", va_arg(ap, long));
            ret |= attr_print_one(stream, name, numbuf);
            break;
        case ATTR_TYPE_STR:
            ret |= attr_print_one(stream, name, va_arg(ap, const char *));
            break;
        default:
            msg_panic("attr_print: unknown attribute type %d", type);
        }
    }
    if ((flags & ATTR_FLAG_MORE) == 0)
        vstream_putc(0, stream);
    if (ret != 0 || vstream_ferror(stream))
        return -1;
    return 0;
}

/* attr_print - write an attribute list */
int
attr_print(VSTREAM *stream, int flags, ...)
{
    va_list ap;
    int ret;

    va_start(ap, flags);
    ret = attr_vprint(stream, flags, ap);
    va_end(ap);
    return ret;
}

/* attr_read_error - report why a field could not be read */
static void
attr_read_error(VSTREAM *stream, const char *what)
{
    if (vstream_ftimeout(stream))
        msg_warn("%s: timeout while reading attribute %s", vstream_name(stream), what);
    else if (vstream_ferror(stream))
        msg_warn("%s: read error while reading attribute %s: %m", vstream_name(stream), what);
    else
        msg_warn("%s: premature end of input while reading attribute %s", vstream_name(stream),
                 what);
}

/* attr_get_field - read one NUL-terminated field of at most maxlen bytes */
static int
attr_get_field(VSTREAM *stream, VSTRING *buf, ssize_t maxlen, const char *what, int first)
{
    int ch;

    vstring_reset(buf);
    while ((ch = vstream_getc(stream)) != 0) {
        if (ch == VSTREAM_EOF) {
            if (first && LEN(buf) == 0 && !vstream_ferror(stream))
                return ATTR_FIELD_EOF;
            attr_read_error(stream, what);
            return ATTR_FIELD_ERR;
        }
        if (LEN(buf) >= maxlen) {
            msg_warn("%s: attribute %s exceeds the limit of %ld bytes", vstream_name(stream), what,
                     (long)maxlen);
            return ATTR_FIELD_ERR;
        }
        vstring_addch(buf, ch);
    }
    return ATTR_FIELD_OK;
}

/* attr_get_name - read an attribute name; an empty name ends the list */
static int
attr_get_name(VSTREAM *stream, VSTRING *name, int first)
{
    int status;

    status = attr_get_field(stream, name, ATTR_NAME_MAX, "name", first);
    if (status == ATTR_FIELD_OK && LEN(name) > 0 && !attr_name_ok(STR(name))) {
        printable(STR(name), '?');
        msg_warn("%s: malformed attribute name \"%s\"", vstream_name(stream), STR(name));
        return ATTR_FIELD_ERR;
    }
    return status;
}

/* attr_get_value - read the value of the named attribute */
static int
attr_get_value(VSTREAM *stream, const char *name, VSTRING *value)
{
    return attr_get_field(stream, value, ATTR_VALUE_MAX, name, 0) == ATTR_FIELD_OK ? 0 : -1;
}

/* attr_convert - store a received value in its destination */
static int
attr_convert(VSTREAM *stream, int type, const char *name, VSTRING *value, void *dest)
{
    long number;

    if (type == ATTR_TYPE_STR) {
        vstring_memcpy((VSTRING *)dest, STR(value), LEN(value));
        return 0;
    }
    if (parse_long(STR(value), &number) < 0 ||
        (type == ATTR_TYPE_INT && (number < INT_MIN || number > INT_MAX))) {
        printable(STR(value), '?');
        msg_warn("%s: attribute %s: bad numerical value \"%.100s\"", vstream_name(stream), name,
                 STR(value));
        return -1;
    }
    if (type == ATTR_TYPE_INT)
        *(int *)dest = (int)number;
    else
        *(long *)dest = number;
    return 0;
}

/* attr_skip_rest - consume the rest of a list after the expected part */
static int
attr_skip_rest(VSTREAM *stream, int flags, VSTRING *name, VSTRING *value)
{
    for (;;) {
        if (attr_get_name(stream, name, 0) != ATTR_FIELD_OK)
            return -1;
        if (LEN(name) == 0)
            return 0;
        if (flags & ATTR_FLAG_STRICT) {
            msg_warn("%s: unexpected attribute %s at the end of a list", vstream_name(stream),
                     STR(name));
            return -1;
        }
        if (attr_get_value(stream, STR(name), value) < 0)
            return -1;
    }
}

/* attr_scan_wanted - read until the wanted attribute arrives; 1 = end of list */
static int
attr_scan_wanted(VSTREAM *stream, int flags, const char *wanted, VSTRING *name, VSTRING *value,
                 int first)
{
    int status;

    for (;;) {
        status = attr_get_name(stream, name, first);
        if (status == ATTR_FIELD_EOF)
            return -2;
        if (status != ATTR_FIELD_OK)
            return -1;
        first = 0;
        if (LEN(name) == 0) {
            if (flags & ATTR_FLAG_STRICT) {
                msg_warn("%s: missing attribute %s", vstream_name(stream), wanted);
                return -1;
            }
            return 1;
        }
        if (attr_get_value(stream, STR(name), value) < 0)
            return -1;
        if (strcmp(STR(name), wanted) == 0)
            return 0;
        if (flags & ATTR_FLAG_STRICT) {
            msg_warn("%s: unexpected attribute %s (expected %s)", vstream_name(stream), STR(name),
                     wanted);
            return -1;
        }
    }
}

/* attr_vscan - read an attribute list into the destinations of a va_list */
int
attr_vscan(VSTREAM *stream, int flags, va_list ap)
{
    VSTRING *name = vstring_alloc(32);
    VSTRING *value = vstring_alloc(100);
    int count = 0;
    int type;
    int status = 0;
    const char *wanted;
    void *dest;

    while ((type = va_arg(ap, int)) != ATTR_TYPE_END) {
        wanted = va_arg(ap, const char *);
        dest = va_arg(ap, void *);
        if (type != ATTR_TYPE_INT && type != ATTR_TYPE_LONG && type != ATTR_TYPE_STR)
            msg_panic("attr_scan: unknown attribute type %d", type);
        status = attr_scan_wanted(stream, flags, wanted, name, value, count == 0);
        if (status != 0)
            break;
        if (attr_convert(stream, type, wanted, value, dest) < 0) {
            status = -1;
            break;
        }
        count++;
    }
    /* status 1: the list ended early (non-strict); 0: all read. */
    if (status == 0 && (flags & ATTR_FLAG_MORE) == 0)
        status = attr_skip_rest(stream, flags, name, value);
    vstring_free(name);
    vstring_free(value);
    return status < 0 ? -1 : count;
}

/* attr_scan - read an attribute list */
int
attr_scan(VSTREAM *stream, int flags, ...)
{
    va_list ap;
    int ret;

    va_start(ap, flags);
    ret = attr_vscan(stream, flags, ap);
    va_end(ap);
    return ret;
}

/* attr_scan_table_fill - read name/value pairs into a table until the end */
static int
attr_scan_table_fill(VSTREAM *stream, HTABLE *table, VSTRING *name, VSTRING *value)
{
    int status;
    int first = 1;

    for (;;) {
        if ((status = attr_get_name(stream, name, first)) != ATTR_FIELD_OK)
            return -1;
        first = 0;
        if (LEN(name) == 0)
            return 0;
        if (attr_get_value(stream, STR(name), value) < 0)
            return -1;
        if (htable_locate(table, STR(name)) != 0) {
            msg_warn("%s: duplicate attribute %s", vstream_name(stream), STR(name));
            return -1;
        }
        if (table->used >= ATTR_TABLE_MAX) {
            msg_warn("%s: more than %d attributes in one list", vstream_name(stream),
                     ATTR_TABLE_MAX);
            return -1;
        }
        htable_enter(table, STR(name), mystrndup(STR(value), LEN(value)));
    }
}

/* attr_scan_table - read one whole list into a new hash table */
HTABLE *
attr_scan_table(VSTREAM *stream, int flags)
{
    VSTRING *name = vstring_alloc(32);
    VSTRING *value = vstring_alloc(100);
    HTABLE *table = htable_create(13);

    (void)flags;
    if (attr_scan_table_fill(stream, table, name, value) < 0) {
        htable_free(table, myfree);
        table = 0;
    }
    vstring_free(name);
    vstring_free(value);
    return table;
}
