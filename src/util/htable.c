/*
 * htable - hash tables with string keys and separate chaining.
 *
 * Usage: table = htable_create(hint); htable_enter(table, key, value);
 * value = htable_find(table, key); htable_free(table, free_fn). Keys are
 * compared as C strings, case-sensitively. The bucket array doubles when
 * the table holds more entries than buckets, so lookups stay short.
 * htable_list() returns a snapshot of all entries (in no promised order).
 *
 * Memory ownership: the table copies keys and owns the copies; it stores
 * value pointers as given. htable_delete()/htable_free() hand each value
 * to the optional free_fn. The array from htable_list() is the caller's to
 * myfree; the entries it points to still belong to the table.
 *
 * Diagnostics: entering a key that is already present is a programming
 * error and causes msg_panic.
 */
#include "sys_defs.h"

#include <string.h>

#include "htable.h"
#include "msg.h"
#include "mymalloc.h"

/* htable_hash - string hash (FNV-1a), reduced to the table size */
static size_t
htable_hash(const char *key, ssize_t size)
{
    size_t hash = 2166136261u;
    const unsigned char *cp;

    for (cp = (const unsigned char *)key; *cp; cp++) {
        hash ^= *cp;
        hash *= 16777619u;
    }
    return (hash % (size_t)size);
}

/* htable_create - make an empty table */
HTABLE *
htable_create(ssize_t size)
{
    HTABLE *table = (HTABLE *)mymalloc(sizeof(*table));

    if (size < 13)
        size = 13;
    table->size = size;
    table->used = 0;
    table->data = (HTABLE_INFO **)mycalloc((size_t)size, sizeof(HTABLE_INFO *));
    return (table);
}

/* htable_grow - double the bucket array and rehash every entry */
static void
htable_grow(HTABLE *table)
{
    ssize_t old_size = table->size;
    HTABLE_INFO **old_data = table->data;
    HTABLE_INFO *ht;
    HTABLE_INFO *next;
    size_t bucket;
    ssize_t i;

    table->size = 2 * old_size + 1;
    table->data = (HTABLE_INFO **)mycalloc((size_t)table->size, sizeof(HTABLE_INFO *));
    for (i = 0; i < old_size; i++) {
        for (ht = old_data[i]; ht != NULL; ht = next) {
            next = ht->next;
            bucket = htable_hash(ht->key, table->size);
            ht->next = table->data[bucket];
            table->data[bucket] = ht;
        }
    }
    myfree(old_data);
}

/* htable_locate - find the entry for a key, or NULL */
HTABLE_INFO *
htable_locate(HTABLE *table, const char *key)
{
    HTABLE_INFO *ht;

    for (ht = table->data[htable_hash(key, table->size)]; ht != NULL; ht = ht->next)
        if (strcmp(ht->key, key) == 0)
            return (ht);
    return (NULL);
}

/* htable_find - the value stored under a key, or NULL */
void *
htable_find(HTABLE *table, const char *key)
{
    HTABLE_INFO *ht = htable_locate(table, key);

    return (ht ? ht->value : NULL);
}

/* htable_enter - add a new key; duplicate keys are a bug */
HTABLE_INFO *
htable_enter(HTABLE *table, const char *key, void *value)
{
    HTABLE_INFO *ht;
    size_t bucket;

    if (htable_locate(table, key) != NULL)
        msg_panic("htable_enter: duplicate key \"%s\"", key);
    if (table->used >= table->size)
        htable_grow(table);
    ht = (HTABLE_INFO *)mymalloc(sizeof(*ht));
    ht->key = mystrdup(key);
    ht->value = value;
    bucket = htable_hash(key, table->size);
    ht->next = table->data[bucket];
    table->data[bucket] = ht;
    table->used++;
    return (ht);
}

/* htable_delete - remove a key, if present, and free its value */
void
htable_delete(HTABLE *table, const char *key, HTABLE_FREE_FN free_fn)
{
    HTABLE_INFO **link;
    HTABLE_INFO *ht;

    for (link = &table->data[htable_hash(key, table->size)]; (ht = *link) != NULL;
         link = &ht->next) {
        if (strcmp(ht->key, key) == 0) {
            *link = ht->next;
            if (free_fn != NULL)
                free_fn(ht->value);
            myfree(ht->key);
            myfree(ht);
            table->used--;
            return;
        }
    }
}

/* htable_free - release the table, its keys, and (optionally) its values */
void
htable_free(HTABLE *table, HTABLE_FREE_FN free_fn)
{
    HTABLE_INFO *ht;
    HTABLE_INFO *next;
    ssize_t i;

    if (table == NULL)
        return;
    for (i = 0; i < table->size; i++) {
        for (ht = table->data[i]; ht != NULL; ht = next) {
            next = ht->next;
            if (free_fn != NULL)
                free_fn(ht->value);
            myfree(ht->key);
            myfree(ht);
        }
    }
    myfree(table->data);
    myfree(table);
}

/* htable_list - NULL-terminated snapshot of all entries */
HTABLE_INFO **
htable_list(HTABLE *table)
{
    HTABLE_INFO **list;
    HTABLE_INFO *ht;
    ssize_t count = 0;
    ssize_t i;

    list = (HTABLE_INFO **)mycalloc((size_t)table->used + 1, sizeof(*list));
    for (i = 0; i < table->size; i++)
        for (ht = table->data[i]; ht != NULL; ht = ht->next)
            list[count++] = ht;
    list[count] = NULL;
    return (list);
}
