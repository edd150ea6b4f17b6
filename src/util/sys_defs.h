/*
 * sys_defs - system-wide definitions that every postern source includes first.
 *
 * Pulls in the handful of headers that nearly every module needs and defines
 * the compiler annotations (format checking, noreturn, unused) used in the
 * project's prototypes. Knows nothing of mail.
 */
#ifndef SYS_DEFS_H
#define SYS_DEFS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/types.h>
#include <stddef.h>
#include <stdarg.h>
#include <errno.h>

#define PRINTFLIKE(fmt, arg) __attribute__((format(printf, fmt, arg)))
#define NORETURN __attribute__((noreturn)) void
#define UNUSED __attribute__((unused))

#define CAST_ANY_PTR(p) ((void *)(p))

/* Largest value of an int that we let outside data ask for. */
#define POSTERN_INT_MAX 0x7fffffff

#endif
