/*
 * test_qmgr_queue - unit tests for qmgr's scheduler bookkeeping.
 *
 * Table-driven batching: recipients of one message, with their next hops,
 * are put on transports with given recipient limits, and the resulting
 * entries (destination, recipients) are compared with the expected ones
 * (limit 1 makes the recipient the destination; next hops are compared
 * without case; a full entry starts a new one). Selection honours the
 * per-destination and per-transport limits and dead transports, and
 * entries of different destinations take turns.
 * Run: build/tests/test_qmgr_queue (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mymalloc.h"
#include "vstring.h"

#include "qmgr_message.h" /* the Makefile has no -Isrc/qmgr */
#include "qmgr_queue.h"

/* make_message - a message with the given recipient addresses */
static QMGR_MESSAGE *
make_message(const char *id, const char *const *addrs)
{
    QMGR_MESSAGE *message = qmgr_message_alloc("incoming", id);
    int n;

    for (n = 0; addrs[n]; n++)
        /* void */;
    message->rcpt = mycalloc(n, sizeof(QMGR_RCPT));
    message->rcpt_alloc = message->rcpt_count = n;
    for (n = 0; addrs[n]; n++) {
        message->rcpt[n].address = mystrdup(addrs[n]);
        message->rcpt[n].orig_addr = mystrdup(addrs[n]);
        message->rcpt[n].offset = 100 + n;
    }
    return message;
}

struct batch_case {
    int rcpt_limit;
    const char *addrs[8];
    const char *nexthops[8];
    const char *expect; /* "dest:i,j dest:k" per entry, in selection order */
};

static const struct batch_case batch_cases[] = {
    {1, {"a@h", "b@h", "A@h"}, {"h", "h", "h"}, "a@h:0 b@h:1 a@h:2"},
    {2, {"a@x", "b@x", "c@x", "d@y"}, {"x", "X", "x", "y"}, "x:0,1 y:3 x:2"},
    {50, {"a@x", "b@y", "c@x", "d@y", "e@z"}, {"x", "y", "x", "y", "z"}, "x:0,2 y:1,3 z:4"},
    {3,
     {"a@x", "b@x", "c@x", "d@x", "e@x", "f@x", "g@x"},
     {"x", "x", "x", "x", "x", "x", "x"},
     "x:0,1,2 x:3,4,5 x:6"},
    {5, {"a@x"}, {"[10.0.0.1]:25"}, "[10.0.0.1]:25:0"},
};

/* test_batch - recipients become entries per destination */
START_TEST(test_batch)
{
    const struct batch_case *tc = &batch_cases[_i];
    QMGR_TRANSPORT *transport = qmgr_transport_create("t", 100, tc->rcpt_limit, 100);
    QMGR_MESSAGE *message = make_message("ID1", tc->addrs);
    VSTRING *got = vstring_alloc(100);
    QMGR_ENTRY *entries[16];
    QMGR_ENTRY *entry;
    int count = 0;
    int i;

    for (i = 0; tc->addrs[i]; i++) {
        qmgr_queue_add(transport, message, i, tc->nexthops[i]);
        ck_assert_int_eq(message->rcpt[i].state, QMGR_RCPT_BUSY);
    }
    while ((entry = qmgr_queue_select(0)) != NULL) {
        vstring_sprintf_append(got, "%s%s:", LEN(got) ? " " : "", entry->queue->name);
        for (i = 0; i < entry->rcpt_count; i++)
            vstring_sprintf_append(got, "%s%d", i ? "," : "", entry->rcpt_index[i]);
        entries[count++] = entry;
    }
    ck_assert_str_eq(STR(got), tc->expect);
    ck_assert_int_eq(message->refcount, count);
    ck_assert_int_eq(qmgr_queue_busy_total(), count);
    for (i = 0; i < count; i++)
        qmgr_entry_done(entries[i]);
    ck_assert_int_eq(message->refcount, 0);
    ck_assert_int_eq(qmgr_queue_busy_total(), 0);
    qmgr_message_free(message);
    vstring_free(got);
    qmgr_transport_free_all();
}
END_TEST

/* test_key - destination names */
START_TEST(test_key)
{
    QMGR_TRANSPORT *one = qmgr_transport_create("one", 1, 1, 1);
    QMGR_TRANSPORT *many = qmgr_transport_create("many", 1, 2, 1);
    VSTRING *key = vstring_alloc(10);

    ck_assert_str_eq(qmgr_queue_key(key, one, "Host", "User@Host"), "user@host");
    ck_assert_str_eq(qmgr_queue_key(key, many, "Host.Example", "User@Host"), "host.example");
    ck_assert_ptr_eq(qmgr_transport_find("one"), one);
    ck_assert_ptr_null(qmgr_transport_find("none"));
    vstring_free(key);
    qmgr_transport_free_all();
}
END_TEST

/* test_limits - destination and transport concurrency, dead transports */
START_TEST(test_limits)
{
    static const char *const addrs[] = {"a@x", "b@x", "c@x", "d@y", "e@y", "f@z", NULL};
    QMGR_TRANSPORT *transport = qmgr_transport_create("smtp", 2, 1, 3);
    QMGR_MESSAGE *message = make_message("ID2", addrs);
    QMGR_ENTRY *busy[8];
    QMGR_ENTRY *entry;
    int n = 0;
    int i;

    for (i = 0; addrs[i]; i++)
        qmgr_queue_add(transport, message, i, strchr(addrs[i], '@') + 1);
    /* recipient limit 1: each recipient is its own destination */
    while ((entry = qmgr_queue_select(0)) != NULL)
        busy[n++] = entry;
    ck_assert_int_eq(n, 3); /* process limit */
    ck_assert_int_eq(transport->busy, 3);
    qmgr_entry_done(busy[0]);
    transport->dead_until = 1000;
    ck_assert_ptr_null(qmgr_queue_select(999)); /* dead */
    busy[0] = qmgr_queue_select(1000);          /* alive again */
    ck_assert_ptr_nonnull(busy[0]);
    ck_assert_int_eq(transport->dead_until, 0);
    ck_assert_ptr_null(qmgr_queue_select(1000));
    /* pop the waiting ones as if the transport died */
    while ((entry = qmgr_transport_pop_todo(transport)) != NULL)
        busy[n++] = entry;
    ck_assert_int_eq(n, 5); /* 3 in flight, 2 waiting */
    for (i = 0; i < n; i++)
        qmgr_entry_done(busy[i]);
    ck_assert_int_eq(message->refcount, 0);
    ck_assert_ptr_null(transport->queue_head);
    qmgr_message_free(message);
    qmgr_transport_free_all();
}
END_TEST

/* test_dest_limit - at most N in flight per destination */
START_TEST(test_dest_limit)
{
    static const char *const addrs[] = {"a@x", NULL};
    static const char *const other_addrs[] = {"e@y", NULL};
    QMGR_TRANSPORT *transport = qmgr_transport_create("smtp", 2, 10, 100);
    QMGR_MESSAGE *messages[4];
    QMGR_ENTRY *busy[8];
    QMGR_ENTRY *entry;
    int n = 0;
    int i;

    for (i = 0; i < 3; i++) {
        messages[i] = make_message("ID", addrs);
        qmgr_queue_add(transport, messages[i], 0, "x");
    }
    messages[3] = make_message("ID", other_addrs);
    qmgr_queue_add(transport, messages[3], 0, "y");
    while ((entry = qmgr_queue_select(0)) != NULL)
        busy[n++] = entry;
    ck_assert_int_eq(n, 3); /* two for x, one for y */
    ck_assert_ptr_eq(busy[0]->message, messages[0]);
    ck_assert_ptr_eq(busy[1]->message, messages[3]); /* y takes its turn */
    ck_assert_ptr_eq(busy[2]->message, messages[1]);
    qmgr_entry_done(busy[0]);
    entry = qmgr_queue_select(0);
    ck_assert_ptr_nonnull(entry);
    ck_assert_ptr_eq(entry->message, messages[2]);
    qmgr_entry_done(entry);
    for (i = 1; i < n; i++)
        qmgr_entry_done(busy[i]);
    for (i = 0; i < 4; i++) {
        ck_assert_int_eq(messages[i]->refcount, 0);
        qmgr_message_free(messages[i]);
    }
    qmgr_transport_free_all();
}
END_TEST

/* queue_suite - collect the tests */
static Suite *
queue_suite(void)
{
    Suite *s = suite_create("qmgr_queue");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_batch, 0, (int)(sizeof(batch_cases) / sizeof(batch_cases[0])));
    tcase_add_test(tc, test_key);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_dest_limit);
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(queue_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
