/*
 * mymalloc - memory allocation that never returns NULL.
 *
 * Running out of memory is fatal (msg_fatal): the process exits, master
 * restarts it, and no message is lost because nothing was acknowledged
 * before it was durable. myfree(NULL) is a no-op. mystrndup copies at most
 * len bytes and always NUL-terminates. The caller owns every result.
 */
#ifndef MYMALLOC_H
#define MYMALLOC_H

#include "sys_defs.h"

extern void *mymalloc(size_t len);
extern void *mycalloc(size_t count, size_t len);
extern void *myrealloc(void *ptr, size_t len);
extern void myfree(void *ptr);
extern char *mystrdup(const char *str);
extern char *mystrndup(const char *str, size_t len);
extern void *mymemdup(const void *ptr, size_t len);

#endif
