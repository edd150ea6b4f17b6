/*
 * test_htable - unit tests for string-keyed hash tables.
 *
 * Checks enter/find/locate/delete with many keys (forcing the table to
 * grow), empty and similar keys, values freed through the callback on
 * delete and on free, the listing snapshot, deleting missing keys, and the
 * panic on a duplicate key (forked signal test).
 * Run: build/tests/test_htable (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "htable.h"
#include "mymalloc.h"

static int freed;

/* count_free - value destructor that counts calls */
static void
count_free(void *value)
{
    freed++;
    myfree(value);
}

/* test_many - insert, find and delete many keys */
START_TEST(test_many)
{
    HTABLE *table = htable_create(0);
    char key[32];
    int i;

    freed = 0;
    for (i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "key%d", i);
        htable_enter(table, key, mystrdup(key));
    }
    ck_assert_int_eq(table->used, 5000);
    ck_assert_int_ge(table->size, 5000);
    for (i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "key%d", i);
        ck_assert_str_eq((char *)htable_find(table, key), key);
    }
    ck_assert_ptr_null(htable_find(table, "key5000"));
    ck_assert_ptr_null(htable_find(table, "KEY1"));
    for (i = 0; i < 5000; i += 2) {
        snprintf(key, sizeof(key), "key%d", i);
        htable_delete(table, key, count_free);
    }
    ck_assert_int_eq(freed, 2500);
    ck_assert_int_eq(table->used, 2500);
    ck_assert_ptr_null(htable_find(table, "key0"));
    ck_assert_ptr_nonnull(htable_find(table, "key1"));
    htable_free(table, count_free);
    ck_assert_int_eq(freed, 5000);
}
END_TEST

/* test_edge_keys - empty key, prefixes, NULL values, missing deletes */
START_TEST(test_edge_keys)
{
    HTABLE *table = htable_create(1);
    HTABLE_INFO *ht;
    int one = 1;

    htable_enter(table, "", &one);
    htable_enter(table, "a", NULL);
    htable_enter(table, "ab", &one);
    ck_assert_ptr_eq(htable_find(table, ""), &one);
    ck_assert_ptr_null(htable_find(table, "a"));
    ht = htable_locate(table, "a");
    ck_assert_ptr_nonnull(ht);
    ck_assert_str_eq(ht->key, "a");
    ck_assert_ptr_null(htable_locate(table, "abc"));
    htable_delete(table, "missing", NULL);
    ck_assert_int_eq(table->used, 3);
    htable_delete(table, "", NULL);
    ck_assert_ptr_null(htable_locate(table, ""));
    htable_free(table, NULL);
    htable_free(NULL, NULL);
}
END_TEST

/* test_list - the snapshot holds every entry once */
START_TEST(test_list)
{
    HTABLE *table = htable_create(4);
    HTABLE_INFO **list;
    static const char *keys[] = {"one", "two", "three", "four", "five", "six"};
    int seen = 0;
    int i;
    int j;

    list = htable_list(table);
    ck_assert_ptr_null(list[0]);
    myfree(list);
    for (i = 0; i < 6; i++)
        htable_enter(table, keys[i], (void *)keys[i]);
    list = htable_list(table);
    for (i = 0; list[i] != NULL; i++) {
        for (j = 0; j < 6; j++)
            if (strcmp(list[i]->key, keys[j]) == 0)
                seen |= 1 << j;
        ck_assert_ptr_eq(list[i]->value, htable_find(table, list[i]->key));
    }
    ck_assert_int_eq(i, 6);
    ck_assert_int_eq(seen, 0x3f);
    myfree(list);
    htable_free(table, NULL);
}
END_TEST

/* test_duplicate - entering an existing key panics */
START_TEST(test_duplicate)
{
    HTABLE *table = htable_create(4);

    htable_enter(table, "dup", NULL);
    htable_enter(table, "dup", NULL);
}
END_TEST

/* htable_suite - collect the tests */
static Suite *
htable_suite(void)
{
    Suite *s = suite_create("htable");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_many);
    tcase_add_test(tc, test_edge_keys);
    tcase_add_test(tc, test_list);
    tcase_add_test_raise_signal(tc, test_duplicate, SIGABRT);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(htable_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
