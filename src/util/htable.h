/*
 * htable - hash tables keyed by strings.
 *
 * htable_enter() copies the key and stores the caller's value pointer; it
 * panics on a duplicate key (use htable_locate first). htable_delete() and
 * htable_free() call the optional free_fn on each value. htable_list()
 * returns a NULL-terminated array of the entries (the caller frees the
 * array with myfree, not the entries).
 */
#ifndef HTABLE_H
#define HTABLE_H

#include "sys_defs.h"

typedef struct HTABLE_INFO {
    char *key;
    void *value;
    struct HTABLE_INFO *next;
} HTABLE_INFO;

typedef struct HTABLE {
    ssize_t size;
    ssize_t used;
    HTABLE_INFO **data;
} HTABLE;

typedef void (*HTABLE_FREE_FN)(void *value);

extern HTABLE *htable_create(ssize_t size);
extern HTABLE_INFO *htable_enter(HTABLE *table, const char *key, void *value);
extern HTABLE_INFO *htable_locate(HTABLE *table, const char *key);
extern void *htable_find(HTABLE *table, const char *key);
extern void htable_delete(HTABLE *table, const char *key, HTABLE_FREE_FN free_fn);
extern void htable_free(HTABLE *table, HTABLE_FREE_FN free_fn);
extern HTABLE_INFO **htable_list(HTABLE *table);

#endif
