/*
 * attr - attribute lists: the wire format that postern processes speak.
 *
 * A list is a sequence of attributes "name\0value\0" terminated by one
 * "\0". Names are [a-z0-9_]+; values are text without NUL bytes, integers
 * and longs are sent in decimal. No native structs cross a process
 * boundary.
 *
 * attr_print(stream, flags, SEND_ATTR_INT(name, val), SEND_ATTR_STR(name,
 * str), SEND_ATTR_LONG(name, val), ATTR_TYPE_END) writes a list (the caller
 * flushes). attr_scan(stream, flags, RECV_ATTR_INT(name, int *),
 * RECV_ATTR_STR(name, VSTRING *), RECV_ATTR_LONG(name, long *),
 * ATTR_TYPE_END) reads one list, expecting the attributes in that order.
 * With ATTR_FLAG_STRICT a missing or unexpected attribute is an error; with
 * ATTR_FLAG_MORE the list terminator is not consumed (more attributes follow
 * for another attr_scan call). Every name is at most ATTR_NAME_MAX bytes,
 * every value at most ATTR_VALUE_MAX bytes; a longer one is an error.
 *
 * attr_scan returns the number of attributes stored, or -1 on error (I/O,
 * timeout, malformed input, limits); it logs a warning naming the stream,
 * except for a clean end of input before the first byte of a list (a peer
 * that hung up between requests), which returns -1 silently. attr_print
 * with ATTR_FLAG_MORE leaves the list open (no terminator).
 * attr_scan_table() reads a whole list into a HTABLE of char * values (the
 * caller frees it with htable_free(table, myfree)).
 */
#ifndef ATTR_H
#define ATTR_H

#include "sys_defs.h"
#include "vstream.h"
#include "vstring.h"
#include "htable.h"

#define ATTR_TYPE_END 0
#define ATTR_TYPE_INT 1
#define ATTR_TYPE_STR 2
#define ATTR_TYPE_LONG 3

#define ATTR_FLAG_NONE 0
#define ATTR_FLAG_STRICT (1 << 0)
#define ATTR_FLAG_MORE (1 << 1)

#define ATTR_NAME_MAX 100
#define ATTR_VALUE_MAX (1024 * 1024)
/* Most attributes that attr_scan_table() accepts in one list. */
#define ATTR_TABLE_MAX 1024

#define SEND_ATTR_INT(name, val) ATTR_TYPE_INT, (const char *)(name), (int)(val)
#define SEND_ATTR_LONG(name, val) ATTR_TYPE_LONG, (const char *)(name), (long)(val)
#define SEND_ATTR_STR(name, val) ATTR_TYPE_STR, (const char *)(name), (const char *)(val)
#define RECV_ATTR_INT(name, ptr) ATTR_TYPE_INT, (const char *)(name), (int *)(ptr)
#define RECV_ATTR_LONG(name, ptr) ATTR_TYPE_LONG, (const char *)(name), (long *)(ptr)
#define RECV_ATTR_STR(name, vp) ATTR_TYPE_STR, (const char *)(name), (VSTRING *)(vp)

extern int attr_print(VSTREAM *stream, int flags, ...);
extern int attr_vprint(VSTREAM *stream, int flags, va_list ap);
extern int attr_scan(VSTREAM *stream, int flags, ...);
extern int attr_vscan(VSTREAM *stream, int flags, va_list ap);
extern HTABLE *attr_scan_table(VSTREAM *stream, int flags);

#endif
